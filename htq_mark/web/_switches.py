"""The command-line switches the scanning Chromium starts with: Playwright's features turned off, and ours.

Chromium heeds only the last ``--disable-features``, and ours follows Playwright's, so
ours must repeat every feature Playwright turns off (HTTPS upgrades most of all: they
would send a plain-http page to https, which is no longer the page asked for). The list
is read from the installed Playwright, so a later one's additions are kept too; a copy
as of Playwright 1.65 stands in when it cannot be read.
"""

from __future__ import annotations

import functools
import importlib.util
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

__all__ = ["FALLBACK_PLAYWRIGHT_FEATURES", "OUR_DISABLED_FEATURES", "chromium_flags", "disabled_features",
           "playwright_disabled_features", "read_disabled_features"]

#: What Playwright 1.65 turns off: HTTP kept HTTP, no background calls to Google, steady rendering.
FALLBACK_PLAYWRIGHT_FEATURES = (
    "AvoidUnnecessaryBeforeUnloadCheckSync", "DestroyProfileOnBrowserClose", "HttpsUpgrades",
    "HttpsFirstBalancedModeAutoEnable", "LensOverlay", "MediaRouter", "PaintHolding",
    "ThirdPartyStoragePartitioning", "AvoidCorsURLLoaderRestartOnRedirect", "OptimizationHints",
    "NetworkTimeServiceQuerying", "AimEnabled", "PreconnectToSearch",
)
#: Ours. Frames from other sites stay in the page's own process, where every byte they load is
#: counted against limits.max_page_bytes (the browser holds no other site's data to isolate).
OUR_DISABLED_FEATURES = ("DownloadBubble", "Translate", "IsolateOrigins", "site-per-process")

_BASE_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
               "--disable-extensions", "--disable-default-apps", "--mute-audio", "--disable-quic",
               "--disable-site-isolation-trials",
               # WebRTC may not send UDP around the guarding proxy.
               "--force-webrtc-ip-handling-policy=disable_non_proxied_udp")
# Where Playwright's driver keeps its Chromium switches: their own file, or (from 1.65) one bundle.
_SWITCH_FILES = ("server/chromium/chromiumSwitches.js", "coreBundle.js")
_FEATURE = re.compile(r"[A-Za-z][A-Za-z0-9_-]*\Z")
_FLAG_LIST = re.compile(r"""--disable-features=([A-Za-z0-9_,-]+)['"`]""")
_ARRAY_NAME = "disabledFeatures"
_ARRAY_START = re.compile(_ARRAY_NAME + r"\s*=\s*(?:(?:\([^)]*\)|\w+)\s*=>\s*)?\[")
_ARRAY_REACH = 20_000  # characters an array is read within
_COMMENT = re.compile(r"//[^\n]*|/\*.*?\*/", re.DOTALL)
_QUOTED = re.compile(r"""(['"])([^'"\n]*)\1""")


def read_disabled_features(source: str) -> tuple[str, ...]:
    """The features a Playwright switches file (``source``, JavaScript) turns off, in order; () if none is found.

    Both of Playwright's ways of writing them are read: a ``--disable-features=A,B``
    string, and a ``disabledFeatures = [...]`` array that is joined into one.
    """
    found: list[str] = []
    for match in _FLAG_LIST.finditer(source):
        found.extend(match.group(1).split(","))
    at = source.find(_ARRAY_NAME)
    while at >= 0:  # found by name first: a pattern tried at every place of a bundle takes a tenth of a second
        start = _ARRAY_START.match(source, at)
        if start is not None and (at == 0 or not (source[at - 1].isalnum() or source[at - 1] in "_$")):
            body = _array_body(_COMMENT.sub("", source[start.end():start.end() + _ARRAY_REACH]))
            found.extend(quoted.group(2) for quoted in _QUOTED.finditer(body))
        at = source.find(_ARRAY_NAME, at + 1)
    return _unique(name for name in found if _FEATURE.match(name))


@functools.lru_cache(maxsize=1)
def playwright_disabled_features() -> tuple[str, ...]:
    """The features the installed Playwright turns off; () if it is not installed or its files cannot be read."""
    try:
        spec = importlib.util.find_spec("playwright")
    except (ImportError, ValueError):
        return ()
    if spec is None or spec.origin is None:
        return ()
    library = Path(spec.origin).parent / "driver" / "package" / "lib"
    for name in _SWITCH_FILES:
        try:
            found = read_disabled_features((library / name).read_text(encoding="utf-8", errors="replace"))
        except OSError:
            continue
        if found:
            return found
    return ()


def disabled_features(playwrights: Sequence[str] | None = None) -> tuple[str, ...]:
    """Every feature the scanning browser turns off: Playwright's (``playwrights``, else the installed one's,
    else the copy as of 1.65) and ours."""
    if playwrights is None:
        playwrights = playwright_disabled_features()
    return _unique((*(playwrights or FALLBACK_PLAYWRIGHT_FEATURES), *OUR_DISABLED_FEATURES))


def chromium_flags(playwrights: Sequence[str] | None = None) -> tuple[str, ...]:
    """The switches the scanning browser starts with (before its proxy and its instance marker)."""
    return (*_BASE_FLAGS, "--disable-features=" + ",".join(disabled_features(playwrights)))


def _array_body(text: str) -> str:
    """``text`` up to the bracket that closes an array opened just before it (all of it if none does)."""
    depth, quote = 1, ""
    for index, char in enumerate(text):
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"`":
            quote = char
        elif char == "[":
            depth += 1
        elif char == "]":
            depth -= 1
            if depth == 0:
                return text[:index]
    return text


def _unique(names: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(names))
