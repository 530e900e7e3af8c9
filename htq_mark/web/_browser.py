"""Headless Chromium, driven by Playwright: render a page at one viewport and capture it.

Chromium comes from the Debian packages ``chromium`` and ``chromium-driver``
(or ``$HTQ_MARK_CHROMIUM``). Each render gets a fresh browser context, so no
cookie or storage passes from page to page. Every request the page makes is
checked (``http``/``https`` only, public addresses unless allowed, a request
budget); downloads, pop-ups, dialogs, service workers and navigations away
from the page are refused. A watchdog kills the browser if a render runs past
its time (an endless script blocks the page, and every call into it); the next
render starts a fresh one.
"""

from __future__ import annotations

import os
import shutil
import signal
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ..errors import (
    BrowserUnavailableError,
    HtqMarkError,
    LimitExceededError,
    ScanTimeoutError,
    UnreadableFileError,
)
from ..scanner._limits import Limits
from .._version import __version__
from ._addresses import origin_of
from ._dom import COLLECT_SCRIPT, SETTLE_SCRIPT, PageFacts, page_facts
from ._proxy import GuardProxy
from ._switches import chromium_flags

__all__ = ["Browser", "INSTALL_HINT", "Rendering", "Viewport", "VIEWPORTS", "find_chromium"]

INSTALL_HINT = ("scanning web pages needs headless Chromium: install the Debian packages chromium and "
                "chromium-driver (apt-get install -y chromium chromium-driver) and the Python package "
                "playwright (pip install 'htq-mark[web]')")
_CHROMIUM_NAMES = ("chromium", "chromium-browser")
# Headers and encryption: what comes through the proxy may exceed a page's byte limit by this share
# and this much (about 2.6 KB for each of 400 requests) before the page is over it.
_WIRE_SHARE, _WIRE_EXTRA = 1.05, 1 << 20
_MAX_ELEMENTS = 3000
_MAX_LINKS = 5000
_MAX_TEXT = 1_000_000
#: Most pictures per viewport checked for content laid over them (each is scrolled into view).
_MAX_COVERAGE = 60
_SCROLL_STEP_MS = 60
# Past the page time plus this, the browser is killed (a blocked page answers no call).
_WATCHDOG_GRACE_S = 3.0
_MAX_SCROLL_STEPS = 60


@dataclass(frozen=True)
class Viewport:
    """A browser window: CSS px wide, its first screen high, and its device pixel ratio."""

    name: str
    width: int
    height: int
    device_pixel_ratio: float


#: Page 1 is the desktop viewport, page 2 the mobile one, each at a fixed, common device pixel ratio:
#: 1 for desktop monitors, 2 for phones (so the browser picks the picture a phone gets from ``srcset``,
#: and a raster mark needs twice its CSS width in pixels there). Screenshots are scaled back to CSS px,
#: which every measurement is in.
VIEWPORTS = (Viewport("desktop", 1280, 800, 1.0), Viewport("mobile", 390, 844, 2.0))


@dataclass(frozen=True)
class Rendering:
    """One viewport's capture: the full-page screenshot (RGB, CSS px) and the DOM's facts."""

    viewport: Viewport
    rgb: Any
    height: int
    facts: PageFacts
    #: Requests the guarding proxy refused, each with the reason.
    refused: tuple[str, ...] = ()
    #: Where the page tried to go by itself (meta refresh, script); not followed while rendering.
    navigations: tuple[str, ...] = ()


def find_chromium() -> str | None:
    """The Chromium executable: ``$HTQ_MARK_CHROMIUM``, else ``chromium`` on the PATH."""
    chosen = os.environ.get("HTQ_MARK_CHROMIUM")
    if chosen:
        return chosen if Path(chosen).is_file() else None
    for name in _CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


@dataclass
class _Budget:
    """What one render may still do, and what it tried that was refused."""

    max_requests: int
    max_bytes: int
    main_url: str
    main_body: bytes
    main_type: str
    requests: int = 0
    bytes: int = 0
    served_main: bool = False
    navigations: list[str] = field(default_factory=list)
    #: Every (host, port) the page itself asked for, redirect hops and web sockets included.
    origins: set[tuple[str, int]] = field(default_factory=set)
    over: str | None = None


# Chromium's socket for its single instance, in its temporary folder, and the longest path a socket may have.
_CHROMIUM_SOCKET = "/org.chromium.Chromium.XXXXXX/SingletonSocket"
_SOCKET_PATH_MAX = 107
# The profile folders Playwright makes for the browsers it launches.
_PROFILE_PREFIX = b"playwright_chromiumdev_profile-"
# How long a killed browser's processes are waited for before its folders are removed.
_GONE_WITHIN_S = 3.0

# Playwright's synchronous driver runs one per thread: browsers in the same thread share it.
_drivers: dict[int, list[Any]] = {}


def _acquire_driver(start: Any) -> Any:
    entry = _drivers.get(threading.get_ident())
    if entry is None:
        entry = _drivers[threading.get_ident()] = [start().start(), 0]
    entry[1] += 1
    return entry[0]


def _release_driver() -> None:
    entry = _drivers.get(threading.get_ident())
    if entry is None:
        return
    entry[1] -= 1
    if entry[1] <= 0:
        del _drivers[threading.get_ident()]
        try:
            entry[0].stop()
        except Exception:  # noqa: BLE001 - the driver may already be gone
            pass


def _temporary_folder() -> str | None:
    """A new folder for a browser's temporary files; None where the socket Chromium makes in it would have
    a path too long for a socket (a deep ``$TMPDIR``): Chromium would not start, so it keeps its own."""
    folder = tempfile.mkdtemp(prefix="htq-")
    if len(os.fsencode(folder)) + len(_CHROMIUM_SOCKET) > _SOCKET_PATH_MAX:
        os.rmdir(folder)
        return None
    return folder


class Browser:
    """A headless Chromium started on first use and restarted after it is killed."""

    def __init__(self, executable: str | None = None) -> None:
        self.executable = executable
        self._playwright: Any = None
        self._browser: Any = None
        self._proxy: GuardProxy | None = None
        self._marker = f"--htq-mark-instance={uuid.uuid4().hex}"
        # Chromium's own temporary files go here, removed with the browser: killed, it cannot remove them.
        self._temporary: str | None = None
        self._profile: str | None = None
        self._group: int | None = None

    def __enter__(self) -> Browser:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def require(self) -> str:
        """The Chromium executable, after checking that it and Playwright are installed (nothing is started)."""
        executable = self.executable or find_chromium()
        if executable is None:
            raise BrowserUnavailableError(INSTALL_HINT + "; Chromium was not found.")
        try:
            import playwright.sync_api  # noqa: F401 - only whether it is there
        except ImportError:
            raise BrowserUnavailableError(INSTALL_HINT + "; the playwright package is not installed.") from None
        return executable

    def _start(self) -> Any:
        if self._browser is not None:
            return self._browser
        executable = self.require()
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright

        if self._playwright is None:
            self._playwright = _acquire_driver(sync_playwright)
        if self._proxy is None:
            self._proxy = GuardProxy(allow_private=False)
        self._temporary = _temporary_folder()
        environment = None if self._temporary is None else {**os.environ, "TMPDIR": self._temporary}
        try:
            try:
                self._browser = self._playwright.chromium.launch(
                    executable_path=executable, headless=True, env=environment,
                    # Everything, loopback included, goes through the guarding proxy.
                    args=[*chromium_flags(), self._marker, f"--proxy-server={self._proxy.address}",
                          "--proxy-bypass-list=<-loopback>"],
                    handle_sigint=False, handle_sigterm=False, handle_sighup=False, timeout=60_000)
            finally:  # also when a signal stops the command while the browser starts: close() removes it
                self._profile, self._group = self._launched()
        except PlaywrightError as exc:
            self.kill()
            self._remove_temporary()
            raise BrowserUnavailableError(f"{INSTALL_HINT}; {executable} did not start "
                                          f"({str(exc).splitlines()[0]}).") from None
        return self._browser

    def check(self) -> None:
        """Start the browser now, raising :class:`BrowserUnavailableError` if it cannot be."""
        self._start()

    def kill(self) -> None:
        """Kill this browser's processes (from any thread); the next render starts a fresh one."""
        for pid, _ in self._processes():
            try:
                os.kill(pid, signal.SIGKILL)
            except (OSError, ProcessLookupError):
                continue
        # Its helpers (the network service, which writes to the profile) are in its process group, not marked;
        # killed with it, they stay in the group when the browser itself has gone.
        if self._group is not None:
            try:
                os.killpg(self._group, signal.SIGKILL)
            except (OSError, ProcessLookupError):
                pass

    def _processes(self) -> Iterator[tuple[int, list[bytes]]]:
        """This browser's live processes (found by the marker on their command lines, or in its process group)
        and their arguments."""
        marker = self._marker.encode()
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                arguments = (entry / "cmdline").read_bytes().split(b"\0")
                status = (entry / "stat").read_bytes()
            except OSError:
                continue
            fields = status[status.rfind(b")") + 2:].split()  # state, parent, process group, ...
            if len(fields) < 3 or fields[0] == b"Z":
                continue
            if marker in arguments or (self._group is not None and fields[2] == str(self._group).encode()):
                yield int(entry.name), arguments

    def _launched(self) -> tuple[str | None, int | None]:
        """The profile folder Playwright made for this browser (stopped with it by a signal, its driver too,
        neither removes it), and its process group if it has one of its own (Playwright starts it so)."""
        for pid, arguments in self._processes():
            profile = next((os.fsdecode(value) for name, _, value in (a.partition(b"=") for a in arguments)
                            if name == b"--user-data-dir" and os.path.basename(value).startswith(_PROFILE_PREFIX)),
                           None)
            try:
                group: int | None = os.getpgid(pid)
            except (OSError, ProcessLookupError):
                continue
            return profile, None if group == os.getpgrp() else group
        return None, None

    def close(self) -> None:
        """Close the browser and Playwright."""
        try:
            if self._browser is not None:
                self._browser.close()
        except Exception:  # noqa: BLE001 - a killed browser cannot be closed politely
            pass
        self._browser = None
        self.kill()  # what is left of it (one stopped while it started, or that could not be closed)
        self._remove_temporary()
        if self._proxy is not None:
            self._proxy.close()
            self._proxy = None
        if self._playwright is not None:
            _release_driver()
            self._playwright = None

    def render(self, url: str, body: bytes, content_type: str, viewport: Viewport, limits: Limits, *,
               allow_private: bool) -> Rendering:
        """Render ``url`` (whose HTML ``body`` was already fetched) at ``viewport`` and capture it."""
        browser = self._start()
        assert self._proxy is not None
        self._proxy.allow_private = allow_private
        self._proxy.take_refused()
        self._proxy.start_page(_wire_limit(limits.max_page_bytes))
        budget = _Budget(max_requests=limits.max_page_requests,
                         max_bytes=limits.max_page_bytes, main_url=url, main_body=body, main_type=content_type)
        timed_out = threading.Event()

        def overdue() -> None:
            timed_out.set()
            self.kill()

        watchdog = threading.Timer(limits.max_page_seconds + _WATCHDOG_GRACE_S, overdue)
        watchdog.daemon = True
        watchdog.start()
        try:
            rendering = self._capture(browser, viewport, limits, budget)
            # The proxy also refuses the browser's own background requests (update checks, sign-in),
            # which are not the page's doing: only what the page asked for is reported.
            refused = [text for origin, text in self._proxy.take_refused() if origin in budget.origins]
            return replace(rendering, refused=tuple(refused[:10]))
        except HtqMarkError:
            raise
        except Exception as exc:  # noqa: BLE001 - Playwright's errors when the page or the browser fails
            self._forget_if_dead()
            _count_proxied(budget, self._proxy)
            if budget.over is not None:  # what it loaded past the limit may be why it stalled
                raise LimitExceededError(url, budget.over) from None
            if timed_out.is_set() or "Timeout" in type(exc).__name__:
                raise ScanTimeoutError(url, f"the page did not load and settle within {limits.max_page_seconds:g} s "
                                            "(raise it with limits.max_page_seconds=S).") from None
            raise UnreadableFileError(url, f"the browser could not render it ({str(exc).splitlines()[0]}).") from None
        finally:
            watchdog.cancel()
            if timed_out.is_set():
                self._forget_if_dead(force=True)

    def _forget_if_dead(self, force: bool = False) -> None:
        if self._browser is not None and (force or not self._browser.is_connected()):
            self.kill()
            self._browser = None
            self._remove_temporary()

    def _remove_temporary(self) -> None:
        # A killed process may still be writing there for a moment (Chromium saves its state as it stops).
        deadline = time.monotonic() + _GONE_WITHIN_S
        while any(True for _ in self._processes()) and time.monotonic() < deadline:
            time.sleep(0.02)
        for folder in (self._temporary, self._profile):
            if folder is not None:
                shutil.rmtree(folder, ignore_errors=True)
        self._temporary = self._profile = None
        self._group = None

    def _capture(self, browser: Any, viewport: Viewport, limits: Limits, budget: _Budget) -> Rendering:
        import cv2
        import numpy as np

        deadline = time.monotonic() + limits.max_page_seconds
        context = browser.new_context(
            viewport={"width": viewport.width, "height": viewport.height},
            device_scale_factor=viewport.device_pixel_ratio,
            accept_downloads=False, service_workers="block", java_script_enabled=True,
            user_agent=_user_agent(browser), is_mobile=False, has_touch=False)
        try:
            page = context.new_page()
            context.set_default_timeout(limits.max_page_seconds * 1000)
            context.route("**/*", lambda route, request: _guard(route, request, page, budget))
            context.on("page", lambda other: other.close() if other is not page else None)
            page.on("dialog", _dismiss)
            session = context.new_cdp_session(page)
            session.send("Network.enable")
            session.on("Network.dataReceived", lambda event: _count_bytes(budget, event))
            # Every frame's and worker's requests (redirect hops too) and web sockets: what the page asked for.
            context.on("request", lambda request: _note_origin(budget, request.url))
            page.on("websocket", lambda socket: _note_origin(budget, socket.url))
            page.goto(budget.main_url, wait_until="domcontentloaded", timeout=_left_ms(deadline))
            try:
                page.wait_for_load_state("load", timeout=min(_left_ms(deadline), 10_000))
            except Exception:  # noqa: BLE001 - a slow picture must not stop the capture
                pass
            _check(budget, self._proxy)
            height = int(page.evaluate(SETTLE_SCRIPT, {"maxHeight": limits.max_page_height,
                                                       "stepMs": _SCROLL_STEP_MS, "maxSteps": _MAX_SCROLL_STEPS}))
            _check(budget, self._proxy)
            if height > limits.max_page_height:
                raise LimitExceededError(budget.main_url, f"the page is {height:,} CSS px tall at the "
                                         f"{viewport.name} viewport; the limit is {limits.max_page_height:,} "
                                         "(raise it with limits.max_page_height=N).")
            raw = page.evaluate(COLLECT_SCRIPT, {"maxElements": _MAX_ELEMENTS, "maxLinks": _MAX_LINKS,
                                                 "maxText": _MAX_TEXT, "maxCoverage": _MAX_COVERAGE})
            png = page.screenshot(full_page=True, type="png", animations="disabled", caret="hide",
                                  timeout=_left_ms(deadline))
            _check(budget, self._proxy)
        finally:
            try:
                context.close()
            except Exception:  # noqa: BLE001 - the browser may have been killed
                pass
        picture = cv2.imdecode(np.frombuffer(png, np.uint8), cv2.IMREAD_COLOR)
        if picture is None:
            raise UnreadableFileError(budget.main_url, "the browser's screenshot could not be read.")
        ratio = viewport.device_pixel_ratio
        device = picture[: max(1, round(height * ratio)), : round(viewport.width * ratio)]
        del picture
        if ratio != 1.0:  # back to CSS px, which every measurement is in
            device = cv2.resize(device, (viewport.width, max(1, height)), interpolation=cv2.INTER_AREA)
        rgb = np.ascontiguousarray(device[:, :, ::-1])
        return Rendering(viewport=viewport, rgb=rgb, height=height, facts=page_facts(raw),
                         navigations=tuple(dict.fromkeys(budget.navigations))[:10])


def _user_agent(browser: Any) -> str:
    """Chromium's own user agent, naming htq-mark at the end."""
    return (f"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
            f"HeadlessChrome/{browser.version} Safari/537.36 htq-mark/{__version__}")


def _left_ms(deadline: float) -> float:
    return max(1.0, (deadline - time.monotonic()) * 1000)


def _check(budget: _Budget, proxy: GuardProxy | None) -> None:
    _count_proxied(budget, proxy)
    if budget.over is not None:
        raise LimitExceededError(budget.main_url, budget.over)


def _wire_limit(max_bytes: int) -> int:
    """How much may come through the proxy for a page allowed ``max_bytes``: what comes through carries
    headers and encryption as well as the bodies the page's own session counts."""
    return int(max_bytes * _WIRE_SHARE) + _WIRE_EXTRA


def _count_proxied(budget: _Budget, proxy: GuardProxy | None) -> None:
    """Mark the page over its byte limit if more came back through the proxy (from frames and workers
    the page's own session does not see; compressed, where the session counts what it unpacks)."""
    if proxy is not None and proxy.over_limit:
        _mark_over_bytes(budget)


def _mark_over_bytes(budget: _Budget) -> None:
    if budget.over is None:
        budget.over = (f"the page loaded more than {budget.max_bytes:,} bytes; "
                       "raise the limit with limits.max_page_bytes=N.")


def _note_origin(budget: _Budget, url: str) -> None:
    key = origin_of(url)
    if key is not None:
        budget.origins.add(key)


def _count_bytes(budget: _Budget, event: dict[str, Any]) -> None:
    budget.bytes += int(event.get("dataLength") or 0)
    if budget.bytes > budget.max_bytes:
        _mark_over_bytes(budget)


def _dismiss(dialog: Any) -> None:
    try:
        dialog.dismiss()
    except Exception:  # noqa: BLE001 - the page may be gone
        pass


def _guard(route: Any, request: Any, page: Any, budget: _Budget) -> None:
    """Serve the page itself, refuse navigations away, pop-ups and requests beyond the page's budget."""
    url = request.url
    try:
        own_page = request.frame.page == page
        main_frame = request.frame == page.main_frame
    except Exception:  # noqa: BLE001 - a worker's request has no frame
        own_page, main_frame = True, False
    if not own_page:
        _abort(route)
        return
    if request.is_navigation_request() and main_frame:
        # The first is the page's own load (page.goto): served as it was fetched. It is not compared with the
        # address: Chromium rewrites it (http://host as http://host/, HTTP:// as http://), and so aborted it.
        if not budget.served_main:
            budget.served_main = True
            _fulfil(route, budget)
            return
        budget.navigations.append(url)
        try:  # "No Content" leaves the page as it is; an aborted navigation would show an error page
            route.fulfill(status=204, body=b"")
        except Exception:  # noqa: BLE001 - the page may be gone
            pass
        return
    budget.requests += 1
    if budget.requests > budget.max_requests:
        if budget.over is None:
            budget.over = (f"the page made more than {budget.max_requests} requests; "
                           "raise the limit with limits.max_page_requests=N.")
        _abort(route)
        return
    try:  # the guarding proxy checks the address (and every redirect hop) on the way out
        route.continue_()
    except Exception:  # noqa: BLE001 - the page may have gone while the request was checked
        pass


def _fulfil(route: Any, budget: _Budget) -> None:
    try:
        route.fulfill(status=200, body=budget.main_body,
                      headers={"Content-Type": budget.main_type or "text/html"})
    except Exception:  # noqa: BLE001 - the page may be gone
        pass


def _abort(route: Any) -> None:
    try:
        route.abort("blockedbyclient")
    except Exception:  # noqa: BLE001 - the page may be gone
        pass
