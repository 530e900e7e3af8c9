"""A polite web session: robots.txt honoured, one request at a time per host with a delay, redirects checked.

Every document htq-mark fetches itself (pages, linked PDFs and images,
sitemaps) goes through :meth:`WebSession.fetch`: each hop of a redirect chain
is checked against the address rules and the host's robots.txt, and waits for
the host's delay. The page's own images and styles are loaded by the browser.
"""

from __future__ import annotations

import time
import urllib.robotparser
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from ..errors import BlockedError, InputError, UnreadableFileError, UsageError
from ._addresses import resolve, web_address
from ._fetch import ROBOTS_AGENT, Response, fetch_once

__all__ = ["WebOptions", "WebSession"]

_MAX_REDIRECTS = 10
_ROBOTS_BYTES = 512 * 1024
_ROBOTS_SECONDS = 10.0


@dataclass(frozen=True)
class WebOptions:
    """How web pages are fetched.

    ``allow_private``: fetch private, loopback and link-local addresses too.
    ``delay``: seconds between two requests to the same host.
    ``obey_robots``: honour robots.txt (for the agent ``htq-mark/VERSION``).
    """

    allow_private: bool = False
    delay: float = 1.0
    obey_robots: bool = True

    def __post_init__(self) -> None:
        if isinstance(self.delay, bool) or not isinstance(self.delay, (int, float)) or not 0 <= self.delay <= 600:
            raise UsageError(f"the delay must be between 0 and 600 seconds; got {self.delay!r}")


@dataclass
class WebSession:
    """Fetches documents politely and remembers each host's robots.txt and last request."""

    options: WebOptions = field(default_factory=WebOptions)
    _robots: dict[str, urllib.robotparser.RobotFileParser | None] = field(default_factory=dict)
    _last: dict[str, float] = field(default_factory=dict)

    def wait_turn(self, url: str) -> None:
        """Sleep until this URL's host may be asked again."""
        host = urlsplit(url).netloc.lower()
        due = self._last.get(host, 0.0) + self.options.delay
        pause = due - time.monotonic()
        if pause > 0:
            time.sleep(pause)
        self._last[host] = time.monotonic()

    def check_allowed(self, url: str) -> None:
        """Raise :class:`BlockedError` if the address or the host's robots.txt refuses ``url``."""
        resolve(url, allow_private=self.options.allow_private)
        if not self.options.obey_robots:
            return
        rules = self._robots_for(url)
        if rules is not None and not rules.can_fetch(ROBOTS_AGENT, url):
            raise BlockedError(url, f"the site's robots.txt does not allow {ROBOTS_AGENT} to fetch it.")

    def _robots_for(self, url: str) -> urllib.robotparser.RobotFileParser | None:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}".lower()
        if origin in self._robots:
            return self._robots[origin]
        robots_url = origin + "/robots.txt"
        rules: urllib.robotparser.RobotFileParser | None = urllib.robotparser.RobotFileParser(robots_url)
        try:
            self.wait_turn(robots_url)
            answer = fetch_once(resolve(robots_url, allow_private=self.options.allow_private),
                                deadline=time.monotonic() + _ROBOTS_SECONDS, max_bytes=_ROBOTS_BYTES,
                                accept="text/plain")
        except InputError:
            answer = None
        assert rules is not None
        if answer is None or answer.status >= 500:
            rules.parse(["User-agent: *", "Disallow: /"])  # unreachable robots.txt: nothing allowed (RFC 9309)
        elif answer.status >= 400 or 300 <= answer.status < 400:
            rules = None  # no robots.txt: everything is allowed
        else:
            rules.parse(answer.body.decode("utf-8", "replace").splitlines())
        self._robots[origin] = rules
        return rules

    def fetch(self, url: str, *, deadline: float, max_bytes: int, accept: str = "*/*") -> Response:
        """GET ``url`` following redirects, each hop checked; an HTTP error status is :class:`UnreadableFileError`."""
        current = web_address(url)
        for _ in range(_MAX_REDIRECTS + 1):
            self.check_allowed(current)
            self.wait_turn(current)
            target = resolve(current, allow_private=self.options.allow_private)
            answer = fetch_once(target, deadline=deadline, max_bytes=max_bytes, accept=accept)
            location = answer.header("Location")
            if answer.status in (301, 302, 303, 307, 308) and location:
                # http.client reads headers as Latin-1; a server sends an address outside ASCII as UTF-8.
                sent = location.encode("latin-1", "replace").decode("utf-8", "surrogateescape")
                try:
                    current = web_address(sent, base=current)
                except UnreadableFileError:
                    raise UnreadableFileError(url, f"redirects to {sent!r}, which is not a valid web address (the "
                                                   "site's redirect is broken); tell the site.") from None
                continue
            if answer.status >= 400:
                raise UnreadableFileError(url, f"the server answered HTTP {answer.status}; check the address.")
            return answer
        raise UnreadableFileError(url, f"redirects more than {_MAX_REDIRECTS} times (a redirect loop); "
                                       "check the address.")
