#!/usr/bin/env bash
# Install htq-mark with its test extra and run the whole test suite, on every core (at most four).
# The browser and web-page tests need Chromium and ChromeDriver, and the OCR engine's
# OpenCV build needs libGL and GLib; they are installed from the Debian packages when
# missing (as root, or with sudo).
set -euo pipefail
cd "$(dirname "$0")/.."

has_library() { { ldconfig -p 2>/dev/null || /sbin/ldconfig -p; } | grep "$1" >/dev/null; }
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v chromedriver >/dev/null 2>&1 || missing+=(chromium-driver)
has_library 'libGL\.so\.1' || missing+=(libgl1)
has_library 'libglib-2\.0\.so\.0' || missing+=(libglib2.0-0)
if [ "${#missing[@]}" -gt 0 ]; then
  echo "Installing ${missing[*]} from the Debian packages for the tests..."
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}" >/dev/null
fi

python3 -m pip install --quiet --disable-pip-version-check '.[test]'
# One test process per core (at most four), each test module kept in one process so that its
# fixtures (a Dask cluster, a browser) start once; "-n 0" runs everything in this process.
python3 -m pytest -n auto --maxprocesses 4 --dist loadscope "$@"
