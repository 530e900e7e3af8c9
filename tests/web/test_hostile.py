"""Hostile pages end as timeout, too-large, unreadable or blocked, the browser is restarted, the crawl goes on."""

from __future__ import annotations

import os
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from htq_mark.scanner import DEFAULT_LIMITS
from htq_mark.web import CrawlOptions, WebOptions, WebScanner, crawl
from tests.web.server import Reply, Site, endless, serve, trickle
from tests.web.sites import mark_png, page

pytestmark = pytest.mark.browser

LIMITS = DEFAULT_LIMITS.replace(max_page_seconds=6.0, max_page_height=20_000, max_page_bytes=8 << 20,
                                max_page_requests=50)


def _png_claiming(width: int, height: int) -> bytes:
    """A PNG whose header claims ``width`` x ``height`` pixels, with a tiny (incomplete) picture."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 4096)) \
        + chunk(b"IEND", b"")


HOSTILE: dict[str, tuple[object, str | None]] = {
    "/loop-before-load": (page("<script>while (true) {}</script>"), "timeout"),
    "/loop-after-load": (page("<script>addEventListener('load', () => { while (true) {} })</script>"), "timeout"),
    "/redirect-loop": (Reply(b"", "text/html", 302, {"Location": "/redirect-loop"}), "unreadable"),
    "/tall": (page('<div style="height:1000000px">tall</div>'), "too-large"),
    "/infinite-scroll": (page("<div id=feed style='height:3000px'></div><script>addEventListener('scroll', () => {"
                              "const d = document.createElement('div'); d.style.height = '3000px';"
                              "document.getElementById('feed').append(d); });</script>"), "too-large"),
    "/five-gigabytes": (endless(), "too-large"),
    "/slow-loris": (trickle(0.5, 200), "timeout"),
    # Without a length http.client lets go of the socket, and the deadline's watchdog found none to close.
    "/slow-loris-no-length": (trickle(0.5, 200, declared=False), "timeout"),
    "/alert-loop": (page("<script>while (true) { alert('x'); confirm('y'); }</script>"), "timeout"),
    "/alert-interval": (page("<script>setInterval(() => alert('x'), 20); window.open('/popup');</script>"), None),
    "/huge-image": (page('<img src="/huge.png" style="width:40px">'), None),
    "/not-html": (Reply(b"col,umn\n1,2\n", "text/csv"), "unreadable"),
    "/http-error": (Reply(b"gone", "text/html", 500), "unreadable"),
    "/metadata": (page('<img src="http://169.254.169.254/latest/meta-data/">'
                       '<img src="file:///etc/passwd"><iframe src="file:///etc/hostname"></iframe>'
                       '<img src="/to-metadata.png"><script>new WebSocket("ws://169.254.169.254/x")</script>'), None),
    "/meta-refresh": (page("", head='<meta http-equiv="refresh" content="0; url=/meta-refresh-2">'), None),
    "/meta-refresh-2": (page("", head='<meta http-equiv="refresh" content="0; url=/meta-refresh">'), None),
    "/too-many-requests": (page("".join(f'<img src="/img/{i}.png">' for i in range(200))), "too-large"),
}


@pytest.fixture(scope="module")
def site() -> Iterator[Site]:
    routes = {path: reply for path, (reply, _) in HOSTILE.items()}
    routes["/huge.png"] = Reply(_png_claiming(100_000, 100_000), "image/png")
    routes["/to-metadata.png"] = Reply(b"", "image/png", 302, {"Location": "http://169.254.169.254/redirected"})
    routes["/ping.png"] = Reply(mark_png(), "image/png")
    routes["/loop-after-ping"] = page('<img src="/ping.png" alt="HTQ" onload="while (true) {}">')
    routes["/ok"] = page('<p>fine</p><img src="/mark.png" style="width:300px" alt="HTQ">')
    routes["/mark.png"] = Reply(mark_png(), "image/png")
    routes["/many-links"] = page('<div style="height:200px;overflow:hidden">'
                                 + "".join(f'<a href="/p/{i}">{i}</a> ' for i in range(10_000)) + "</div>")
    with serve(Site(routes=routes)) as served:  # type: ignore[arg-type]
        yield served


@pytest.fixture(scope="module")
def hostile_scanner() -> Iterator[WebScanner]:
    with WebScanner(options=WebOptions(allow_private=True, delay=0.0), limits=LIMITS) as shared:
        yield shared


@pytest.mark.parametrize("path", sorted(HOSTILE))
def test_hostile_page_ends_with_its_code_and_the_next_page_scans(hostile_scanner: WebScanner, site: Site,
                                                                  path: str) -> None:
    started = time.monotonic()
    result = hostile_scanner.scan(site.url(path)).result
    expected = HOSTILE[path][1]
    assert (result.error.code if result.error else None) == expected, result.error
    assert time.monotonic() - started < 2 * (LIMITS.max_page_seconds + 5)
    after = hostile_scanner.scan(site.url("/ok")).result
    assert after.status == "ok" and after.marks, after.error


@pytest.fixture()
def short_temporary(monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A temporary folder with a short path, removed after. Chromium makes a socket in the folder of its own
    in it, and a socket's path is at most 107 bytes: under the test run's deeper one it would keep its own."""
    folder = Path(tempfile.mkdtemp(prefix="htq-test-", dir="/tmp"))
    monkeypatch.setenv("TMPDIR", str(folder))
    monkeypatch.setattr(tempfile, "tempdir", None)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _chromium_folders(root: Path) -> set[Path]:
    """Chromium's temporary folders anywhere in ``root``."""
    return set(root.rglob("org.chromium.Chromium.*"))


def test_a_browser_killed_for_a_page_leaves_no_temporary_files(site: Site, short_temporary: Path) -> None:
    """Killed for a page that never yields, Chromium could not remove its temporary folder
    (org.chromium.Chromium.*): one more was left for every such page of a crawl."""
    with WebScanner(options=WebOptions(allow_private=True, delay=0.0), limits=LIMITS) as scanner:
        for path in ("/loop-after-load", "/loop-before-load"):
            assert scanner.scan(site.url(path)).result.error.code == "timeout"
        assert _chromium_folders(short_temporary)  # the browser in use keeps its own
        assert scanner.scan(site.url("/ok")).result.status == "ok"
    assert not _chromium_folders(short_temporary)


def test_a_scan_stopped_by_a_signal_to_its_process_group_leaves_no_browser_folders(site: Site,
                                                                                    short_temporary: Path) -> None:
    """``timeout`` and a cancelled CI job send SIGTERM to the whole group: the browser and Playwright's driver
    died with the command, and neither removed Chromium's temporary folder or its profile (1.2 MB a time)."""
    command = subprocess.Popen(
        [str(Path(sys.executable).parent / "htq-mark"), "scan", "--allow-private", "--delay", "0", "-q",
         site.url("/loop-after-ping")], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    deadline = time.monotonic() + 60
    while "/ping.png" not in site.requests and time.monotonic() < deadline:
        time.sleep(0.2)  # until the browser is showing the page
    assert list(short_temporary.glob("*chromiumdev_profile-*")) and _chromium_folders(short_temporary), \
        list(short_temporary.rglob("*"))[:20]
    os.killpg(command.pid, signal.SIGTERM)
    _, errors = command.communicate(timeout=60)
    assert command.returncode == 143, errors
    assert errors.decode().splitlines() == ["htq-mark: terminated; stopped before finishing, and its temporary files "
                                            "were removed."], errors  # nothing of the stopped driver after it
    assert not list(short_temporary.glob("*chromiumdev_profile-*")) and not _chromium_folders(short_temporary), \
        list(short_temporary.rglob("*"))[:20]


def test_local_files_and_metadata_are_never_requested(hostile_scanner: WebScanner, site: Site) -> None:
    result = hostile_scanner.scan(site.url("/metadata")).result
    assert {note.code for note in result.notes} == {"web-refused"}
    refused = " ".join(note.message for note in result.notes)
    assert "169.254.169.254/latest/meta-data" in refused and "link-local" in refused
    assert "169.254.169.254/redirected" in refused  # a redirect hop is checked too
    assert "169.254.169.254:" in refused  # the web socket's connection
    assert "/etc/" not in "".join(site.requests)


def test_meta_refresh_loop_ends_in_a_crawl(hostile_scanner: WebScanner, site: Site) -> None:
    results = crawl([site.url("/meta-refresh")], hostile_scanner, CrawlOptions(follow=True))
    assert [r.path.removeprefix(site.base) for r in results] == ["/meta-refresh", "/meta-refresh-2"]


def test_page_linking_to_ten_thousand_pages(hostile_scanner: WebScanner, site: Site) -> None:
    started = time.monotonic()
    results = crawl([site.url("/many-links")], hostile_scanner, CrawlOptions(follow=True, max_pages=4))
    assert len(results) == 4 and time.monotonic() - started < 60


def test_what_a_frame_from_another_site_loads_counts_against_the_pages_bytes(hostile_scanner: WebScanner,
                                                                               site: Site) -> None:
    """A frame from another site (localhost beside 127.0.0.1) may run in a process of its own; its bytes count too."""
    heavy = Reply(b"<html><body>" + b"x" * (LIMITS.max_page_bytes * 2) + b"</body></html>", "text/html")
    with serve(Site(routes={"/heavy.html": heavy})) as other:  # type: ignore[arg-type]
        port = other.base.rsplit(":", 1)[1]
        framing = Site(routes={"/framed": page(f'<iframe src="http://localhost:{port}/heavy.html"></iframe>')})
        with serve(framing) as served:  # type: ignore[arg-type]
            result = hostile_scanner.scan(served.url("/framed")).result
        assert other.requests == ["/heavy.html"]  # the frame was loaded
    assert result.error is not None and result.error.code == "too-large", result.error
    assert hostile_scanner.scan(site.url("/ok")).result.status == "ok"


@pytest.mark.parametrize("where", ["same-site", "other-site"])
def test_what_a_web_worker_fetches_counts_against_the_pages_bytes(hostile_scanner: WebScanner, site: Site,
                                                                  where: str) -> None:
    """A worker's requests are not the page's own session's to see: the guarding proxy counts what comes back."""
    heavy = Reply(b"x" * (LIMITS.max_page_bytes * 2), "application/octet-stream", 200,
                  {"Access-Control-Allow-Origin": "*"})
    with serve(Site(routes={"/heavy.bin": heavy})) as other:  # type: ignore[arg-type]
        host = "127.0.0.1" if where == "same-site" else "localhost"
        source = f"http://{host}:{other.base.rsplit(':', 1)[1]}/heavy.bin"
        script = ("const code = `fetch('" + source + "').then(r => r.arrayBuffer())"
                  ".then(b => postMessage(b.byteLength))`;"
                  "const worker = new Worker(URL.createObjectURL(new Blob([code])));"
                  "worker.onmessage = e => document.title = 'got ' + e.data;")
        # A picture that takes 3 s holds the page's load while the worker fetches.
        routes = {"/worker": page(f'<p>working</p><img src="/slow.png"><script>{script}</script>'),
                  "/slow.png": trickle(0.5, 6)}
        with serve(Site(routes=routes)) as served:  # type: ignore[arg-type]
            result = hostile_scanner.scan(served.url("/worker")).result
        assert "/heavy.bin" in other.requests  # the worker asked for it
    assert result.error is not None and result.error.code == "too-large", result.error
    assert hostile_scanner.scan(site.url("/ok")).result.status == "ok"


def test_a_page_just_under_its_byte_limit_is_not_too_large() -> None:
    """The proxy's count carries every response's headers too: that must not tip a page of many pictures over."""
    limit = 2 << 20
    # The pictures' bodies come to about 5 KB under the limit; their headers, some 6 KB more.
    picture = Reply(b"\x89PNG\r\n\x1a\n" + b"\0" * ((limit - 5000) // 40 - 8), "image/png")
    routes: dict[str, object] = {f"/p/{i}.png": picture for i in range(40)}
    routes["/near"] = page("".join(f'<img src="/p/{i}.png" width="10" height="10">' for i in range(40)))
    with serve(Site(routes=routes)) as served, \
            WebScanner(options=WebOptions(allow_private=True, delay=0.0),
                       limits=LIMITS.replace(max_page_bytes=limit)) as scanner:  # type: ignore[arg-type]
        result = scanner.scan(served.url("/near")).result
        assert sum(path.startswith("/p/") for path in served.requests) >= 40
    assert result.status == "ok", result.error
