#!/usr/bin/env bash
# Install htq-mark with its test extra and run the whole test suite.
# The browser test needs Chromium and ChromeDriver; they are installed from the
# Debian packages when missing (as root, or with sudo).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v chromium >/dev/null 2>&1 || ! command -v chromedriver >/dev/null 2>&1; then
  echo "Installing Chromium and ChromeDriver for the browser test..."
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq chromium chromium-driver >/dev/null
fi

python3 -m pip install --quiet --disable-pip-version-check '.[test]'
python3 -m pytest "$@"
