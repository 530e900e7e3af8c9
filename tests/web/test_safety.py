"""Polite and safe fetching: schemes, private and link-local addresses, robots.txt, redirects, limits."""

from __future__ import annotations

import re
import socket
import time
import urllib.request
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler

import pytest

from htq_mark import DEFAULT_LIMITS
from htq_mark.errors import BlockedError, LimitExceededError, ScanTimeoutError, UnreadableFileError
from htq_mark.web import VIEWPORTS, Browser, WebOptions, WebSession
from htq_mark.web._addresses import is_public, resolve, web_address
from htq_mark.web._proxy import GuardProxy
from tests.web.server import Reply, Site, endless, late, serve, trickle
from tests.web.sites import mark_png, page


@pytest.mark.parametrize(("address", "public"), [
    ("8.8.8.8", True), ("127.0.0.1", False), ("10.1.2.3", False), ("192.168.0.1", False),
    ("169.254.169.254", False), ("::1", False), ("fe80::1", False), ("::ffff:127.0.0.1", False),
    ("0.0.0.0", False), ("100.64.0.1", False), ("2001:4860:4860::8888", True),
])
def test_public_addresses(address: str, public: bool) -> None:
    assert is_public(address) is public


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.org/x", "javascript:alert(1)",
                                 "data:text/html,hi", "chrome://settings"])
def test_only_http_and_https(url: str) -> None:
    with pytest.raises(BlockedError, match="only http and https"):
        resolve(url, allow_private=True)


@pytest.mark.parametrize(("written", "sent"), [
    ("https://www.example-college.ac.uk", "https://www.example-college.ac.uk/"),
    ("HTTP://Example.ORG:80/a/./b/../c?x=1#top", "http://example.org/a/c?x=1#top"),
    ("https://example.org:8443/caf\u00e9 menu?q=\u00e9t\u00e9", "https://example.org:8443/caf%C3%A9%20menu?q=%C3%A9t%C3%A9"),
    ("https://b\u00fccher.example/x", "https://xn--bcher-kva.example/x"),
    ("http://[::1]:8080", "http://[::1]:8080/"),
    ("http://h/a%20b/", "http://h/a%20b/"),  # escapes kept as they are
    ("  http://h/x\n", "http://h/x"),
    ("http://h/a/..", "http://h/"),
    ("http://h/a/b/..", "http://h/a/"),
    ("file:///etc/passwd", "file:///etc/passwd"),  # left for check_url to refuse
    ("http://fa\u00df.de/", "http://xn--fa-hia.de/"),  # as browsers map it (UTS 46), not fass.de
    ("http://h/caf\udce9?q=\udce9", "http://h/caf%E9?q=%E9"),  # a Latin-1 byte in a UTF-8 terminal's argument
    ("http://h/a\\b?x=1", "http://h/a/b?x=1"),
    ("http://h/a?b[]=1|^", "http://h/a?b[]=1|^"),
    ("http://\u2615.de/", "http://xn--53h.de/"),  # symbols, and names a strict IDNA 2008 check refuses, as browsers
    ("http://_x.caf\u00e9.de/", "http://_x.xn--caf-dma.de/"),
    ("http://-\u00e9.de/", "http://xn----bga.de/"),
])
def test_an_address_is_sent_as_a_browser_writes_it(written: str, sent: str) -> None:
    assert web_address(written) == sent


@pytest.mark.parametrize("written", ["http://[::1", "http://h:99999/", 5, "http://h/\ud800", "http://@/caf\u00e9",
                                     "https://\\[x"])
def test_an_address_that_cannot_be_read_is_unreadable(written: object) -> None:
    with pytest.raises(UnreadableFileError, match="web address|has no host name"):
        web_address(written)  # type: ignore[arg-type]


def test_a_redirect_is_joined_to_the_address_it_came_from() -> None:
    assert web_address("../d\u00e9j\u00e0", base="http://h/a/b/c") == "http://h/a/d%C3%A9j%C3%A0"


def test_loopback_refused_unless_allowed() -> None:
    with pytest.raises(BlockedError, match="allow_private=True"):
        resolve("http://127.0.0.1:9/", allow_private=False)
    assert resolve("http://127.0.0.1:9/", allow_private=True).address == "127.0.0.1"


def test_link_local_metadata_is_never_fetched() -> None:
    with pytest.raises(BlockedError, match="link-local"):
        resolve("http://169.254.169.254/latest/meta-data/", allow_private=True)


@pytest.fixture()
def site() -> Iterator[Site]:
    routes: dict[str, object] = {
        "/robots.txt": Reply(b"User-agent: htq-mark\nDisallow: /no-htq/\n\nUser-agent: *\nDisallow: /nobody/\n",
                             "text/plain"),
        "/page": Reply(b"<p>hi</p>"),
        "/no-htq/page": Reply(b"<p>hidden</p>"),
        "/loop": Reply(b"", "text/html", 302, {"Location": "/loop"}),
        "/to-metadata": Reply(b"", "text/html", 302, {"Location": "http://169.254.169.254/"}),
        "/to-robots-blocked": Reply(b"", "text/html", 301, {"Location": "/no-htq/page"}),
        "/big": Reply(b"x" * 5000),
        "/endless": endless(),
        "/slow": trickle(0.2, 100),
        "/slow-no-length": trickle(0.2, 100, declared=False),
        "/late": late(16.5),
        "/caf%C3%A9": Reply(b"<p>caf\xc3\xa9</p>"),
        "/to-cafe": _raw_redirect("/caf\u00e9".encode()),
        "/to-nowhere": _raw_redirect(b"http://[::1"),
        "/to-no-host": _raw_redirect(b"https://\\[x"),
    }
    with serve(Site(routes=routes)) as served:  # type: ignore[arg-type]
        yield served


def _raw_redirect(location: bytes) -> Callable[[BaseHTTPRequestHandler], None]:
    """A redirect to ``location`` as its bytes (a server writes an address outside ASCII as UTF-8)."""
    def handle(request: BaseHTTPRequestHandler) -> None:
        request.wfile.write(b"HTTP/1.1 301 Moved\r\nLocation: " + location + b"\r\nContent-Length: 0\r\n\r\n")
    return handle


def test_a_redirect_outside_ascii_is_followed_as_a_browser_follows_it(site: Site) -> None:
    """http.client reads the header as Latin-1: it was sent again as UTF-8 (/caf%C3%83%C2%A9, not found)."""
    assert _fetch(_session(), site.url("/to-cafe")) == "<p>caf\u00e9</p>".encode()


@pytest.mark.parametrize(("path", "location"), [("/to-nowhere", "http://[::1"), ("/to-no-host", "https://\\[x")])
def test_a_redirect_to_an_address_that_cannot_be_read_says_the_redirect_is_broken(site: Site, path: str,
                                                                                   location: str) -> None:
    """(A backslash is a slash to a browser: ``https://\\[x`` has no host. It was an internal error.)"""
    with pytest.raises(UnreadableFileError, match=re.escape(f"redirects to {location!r}, which is not a valid web")):
        _fetch(_session(), site.url(path))


def _session() -> WebSession:
    return WebSession(WebOptions(allow_private=True, delay=0.0))


def _fetch(session: WebSession, url: str, max_bytes: int = 1 << 20, seconds: float = 5.0) -> bytes:
    return session.fetch(url, deadline=time.monotonic() + seconds, max_bytes=max_bytes).body


def test_robots_txt_is_read_for_our_own_agent(site: Site) -> None:
    session = _session()
    assert _fetch(session, site.url("/page")) == b"<p>hi</p>"
    with pytest.raises(BlockedError, match="robots.txt"):
        _fetch(session, site.url("/no-htq/page"))
    assert site.requests.count("/robots.txt") == 1
    assert site.agents[0].startswith("htq-mark/")


def test_each_redirect_hop_is_checked(site: Site) -> None:
    session = _session()
    with pytest.raises(BlockedError, match="robots.txt"):
        _fetch(session, site.url("/to-robots-blocked"))
    with pytest.raises(BlockedError, match="link-local"):
        _fetch(session, site.url("/to-metadata"))
    with pytest.raises(UnreadableFileError, match="redirect loop"):
        _fetch(session, site.url("/loop"))


def test_limits_cut_large_and_slow_responses(site: Site) -> None:
    session = _session()
    with pytest.raises(LimitExceededError, match="5,000 bytes"):
        _fetch(session, site.url("/big"), max_bytes=1000)
    started = time.monotonic()
    with pytest.raises(LimitExceededError):
        _fetch(session, site.url("/endless"), max_bytes=4 << 20)
    with pytest.raises(ScanTimeoutError):
        _fetch(session, site.url("/slow"), seconds=1.0)
    assert time.monotonic() - started < 5.0


def test_a_response_without_a_length_is_cut_at_the_deadline(site: Site) -> None:
    """http.client lets go of the socket of such a response: the watchdog found none to close, and a server
    sending a byte a second held the scan for as long as it liked."""
    started = time.monotonic()
    with pytest.raises(ScanTimeoutError, match="max_page_seconds"):
        _fetch(_session(), site.url("/slow-no-length"), seconds=1.0)
    assert time.monotonic() - started < 3.0


def test_a_server_slow_to_answer_is_waited_for_until_the_deadline(site: Site) -> None:
    """Each socket read waited at most 15 s whatever the page's time limit: a server answering after 16 s
    was unreadable at a 30 s limit. Now it is read, and given less time it is a timeout, not unreadable."""
    with pytest.raises(ScanTimeoutError, match="max_page_seconds"):
        _fetch(_session(), site.url("/late"), seconds=1.0)
    assert _fetch(_session(), site.url("/late"), seconds=25.0) == b"ok"


def test_delay_spaces_requests_to_one_host(site: Site) -> None:
    session = WebSession(WebOptions(allow_private=True, delay=0.3))
    started = time.monotonic()
    for _ in range(3):
        _fetch(session, site.url("/page"))
    assert time.monotonic() - started >= 0.3 * 3  # robots.txt and three pages: three gaps of 0.3 s


def test_delay_must_be_sensible() -> None:
    from htq_mark.errors import UsageError

    with pytest.raises(UsageError, match="delay"):
        WebOptions(delay=-1)


@pytest.mark.browser
def test_the_browsers_own_refused_requests_are_not_the_pages() -> None:
    """The proxy refuses whatever the browser process asks for by itself (update checks, sign-in), but
    only what the page asked for is reported as the page's."""
    browser = Browser()
    browser.check()
    proxy_address = browser._proxy.address.removeprefix("http://").rsplit(":", 1)  # type: ignore[union-attr]

    def picture_after_a_background_request(handler: BaseHTTPRequestHandler) -> None:
        # While the page loads, something else in the browser asks the proxy for a link-local address.
        with socket.create_connection((proxy_address[0], int(proxy_address[1])), timeout=10) as background:
            background.sendall(b"CONNECT 169.254.169.254:443 HTTP/1.1\r\nHost: 169.254.169.254:443\r\n\r\n")
            assert background.recv(100).startswith(b"HTTP/1.1 403")
        body = mark_png()
        handler.send_response(200)
        handler.send_header("Content-Type", "image/png")
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    routes: dict[str, object] = {
        "/mark.png": picture_after_a_background_request,
        # Another site's frame (its own renderer process) and a worker ask for link-local addresses too.
        "/frame": page('<img src="http://169.254.169.254:81/frame.png" alt="">'
                       '<script>new Worker("/worker.js")</script>'),
        "/worker.js": Reply(b'fetch("http://169.254.169.254:82/worker")', "text/javascript")}
    try:
        with serve(Site(routes=routes)) as served:  # type: ignore[arg-type]
            other_site = served.url("/frame").replace("127.0.0.1", "localhost")
            routes["/"] = page('<img src="/mark.png" alt="HTQ quality mark">'
                               '<img src="http://169.254.169.254/x.png" alt="">'
                               f'<iframe src="{other_site}"></iframe>')
            url = served.url("/")
            body = urllib.request.urlopen(url, timeout=30).read()
            rendering = browser.render(url, body, "text/html", VIEWPORTS[0], DEFAULT_LIMITS, allow_private=True)
    finally:
        browser.close()
    assert served.requests.count("/mark.png") == 1
    # The page's own request to the link-local address is reported; the background one is not.
    assert sorted(text.split(" (")[0] for text in rendering.refused) == [
        "http://169.254.169.254/x.png", "http://169.254.169.254:81/frame.png", "http://169.254.169.254:82/worker"]


@pytest.mark.parametrize(("target", "origin"), [("[fd00::1]:443", ("fd00::1", 443)),
                                                ("169.254.169.254:8443", ("169.254.169.254", 8443))])
def test_the_proxy_refuses_a_tunnel_to_a_private_address_and_says_where(target: str, origin: tuple[str, int]) -> None:
    proxy = GuardProxy(allow_private=False)
    try:
        host, port = proxy.address.removeprefix("http://").rsplit(":", 1)
        with socket.create_connection((host, int(port)), timeout=10) as client:
            client.sendall(f"CONNECT {target} HTTP/1.1\r\nHost: {target}\r\n\r\n".encode())
            assert client.recv(100).startswith(b"HTTP/1.1 403")
        [(where, text)] = proxy.take_refused()
    finally:
        proxy.close()
    assert where == origin and text.startswith(f"https://{target}/") and "valid web address" not in text
