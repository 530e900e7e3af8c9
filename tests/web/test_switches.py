"""The scanning browser's switches keep every feature Playwright turns off, and turn off ours."""

from __future__ import annotations

from pathlib import Path

import pytest

from htq_mark.web._browser import Browser
from htq_mark.web._switches import (
    FALLBACK_PLAYWRIGHT_FEATURES,
    OUR_DISABLED_FEATURES,
    chromium_flags,
    disabled_features,
    playwright_disabled_features,
    read_disabled_features,
)

OLD_STYLE = """
const chromiumSwitches = [
  '--disable-background-networking',
  // Translate - https://github.com/microsoft/playwright/issues/16126
  '--disable-features=ImprovedCookieControls,LazyFrameLoading,HttpsUpgrades,Translate',
  '--allow-pre-commit-input',
];
"""

ARRAY_STYLE = """
var disabledFeatures, enabledFeatures, chromiumSwitches;
    disabledFeatures = [
      // See https://github.com/microsoft/playwright/issues/14047 and 'NotAFeature' in a comment
      "AvoidUnnecessaryBeforeUnloadCheckSync",
      /* "Commented" out */
      "HttpsUpgrades",
      process.env.SOMETHING ? "Conditional" : "",
      "LensOverlay"
    ].filter(Boolean);
    enabledFeatures = () => ["CDPScreenshotNewSurface"];
    chromiumSwitches = (options) => ["--disable-features=" + disabledFeatures.join(",")];
"""

ARROW_STYLE = """
const disabledFeatures = assistantMode => [
  'AcceptCHFrame',
  ...(assistantMode ? ['AutomationControlled'] : []),
  'HttpsUpgrades',
];
"""


@pytest.mark.parametrize(("source", "features"), [
    (OLD_STYLE, ("ImprovedCookieControls", "LazyFrameLoading", "HttpsUpgrades", "Translate")),
    (ARRAY_STYLE, ("AvoidUnnecessaryBeforeUnloadCheckSync", "HttpsUpgrades", "Conditional", "LensOverlay")),
    (ARROW_STYLE, ("AcceptCHFrame", "AutomationControlled", "HttpsUpgrades")),
    ("const chromiumSwitches = ['--no-first-run'];", ()),
    ("disabledFeatures = [", ()),
], ids=["flag-string", "array", "arrow-function", "none", "cut-short"])
def test_playwrights_turned_off_features_are_read_from_its_switches_file(source: str,
                                                                        features: tuple[str, ...]) -> None:
    assert read_disabled_features(source) == features


def test_playwrights_features_come_first_then_ours_each_once() -> None:
    assert disabled_features(("HttpsUpgrades", "Translate", "HttpsUpgrades")) == (
        "HttpsUpgrades", "Translate", *(name for name in OUR_DISABLED_FEATURES if name != "Translate"))


def test_when_playwrights_list_cannot_be_read_the_copy_stands_in() -> None:
    assert disabled_features(()) == (*FALLBACK_PLAYWRIGHT_FEATURES, *OUR_DISABLED_FEATURES)
    flag = chromium_flags(())[-1]
    assert flag.startswith("--disable-features=") and "HttpsUpgrades" in flag.split("=", 1)[1].split(",")


def test_the_installed_playwrights_list_is_read() -> None:
    """If Playwright writes its switches another way, this fails: the reader needs teaching."""
    features = playwright_disabled_features()
    assert len(features) >= 5 and "HttpsUpgrades" in features, features


@pytest.mark.browser
def test_the_browsers_last_disable_features_holds_every_one_playwright_passes_and_ours() -> None:
    """Chromium heeds only the last ``--disable-features``: read from the running browser's command line,
    it must hold Playwright's own (the first) as well as ours."""
    browser = Browser()
    try:
        browser.check()
        marker = browser._marker.encode()
        command_lines = []
        for entry in Path("/proc").iterdir():
            try:
                arguments = (entry / "cmdline").read_bytes().split(b"\0") if entry.name.isdigit() else []
            except OSError:
                continue
            if marker in arguments:
                command_lines.append([a.decode() for a in arguments])
    finally:
        browser.close()
    # A child the browser has just forked shows the browser's command line until it takes its own: the
    # browser's command line is the one (however many processes show it) without a --type.
    browser_process = sorted({tuple(line) for line in command_lines if not any(a.startswith("--type=") for a in line)})
    assert len(browser_process) == 1, command_lines
    given = [a.split("=", 1)[1].split(",") for a in browser_process[0] if a.startswith("--disable-features=")]
    assert len(given) == 2, "Playwright's list, then ours"
    playwrights, heeded = given
    assert set(playwrights) <= set(heeded)
    assert set(OUR_DISABLED_FEATURES) <= set(heeded)
