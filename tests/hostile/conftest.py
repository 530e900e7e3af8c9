"""Shared fixtures of the hostile tests: headless Chromium for the browser tests."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

INSTALL_HINT = ("install them with: apt-get update && apt-get install -y chromium chromium-driver "
                "(and pip install selenium, from the 'test' extra)")

# Runs in each page before its own script (DevTools injection is not subject to
# the page's policy): records policy violations and any alert() a payload makes.
WATCH = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__violations.push(e.effectiveDirective + " " + e.blockedURI);
});
window.__alerts = 0;
window.alert = function () { window.__alerts += 1; };
"""


def _find(names: tuple[str, ...]) -> str | None:
    for name in names:
        found = shutil.which(name)
        if found:
            return found
    return None


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        pytest.fail(f"selenium is not installed; {INSTALL_HINT}")
    chromium = _find(("chromium", "chromium-browser"))
    driver_path = _find(("chromedriver",)) or ("/usr/bin/chromedriver" if Path("/usr/bin/chromedriver").exists()
                                               else None)
    if chromium is None or driver_path is None:
        pytest.fail(f"headless Chromium is needed for the HTML report test but "
                    f"{'chromium' if chromium is None else 'chromedriver'} was not found; {INSTALL_HINT}")
    with tempfile.TemporaryDirectory(prefix="htq-mark-chromium-") as profile:
        options = webdriver.ChromeOptions()
        options.binary_location = chromium
        for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync",
                     "--disable-dev-shm-usage", "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
                     "--window-size=1280,2000", f"--user-data-dir={profile}"):
            options.add_argument(flag)
        driver = webdriver.Chrome(service=Service(executable_path=driver_path), options=options)
        try:
            driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": WATCH})
            yield driver
        finally:
            driver.quit()
