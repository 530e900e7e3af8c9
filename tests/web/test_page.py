"""One web page as a document: rendered at two viewports, marks joined to their elements, rules in CSS px."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

import htq_mark
from htq_mark.scanner import OcrMode
from htq_mark.web import WebOptions, WebScanner
from tests.web.server import Reply, Site, serve
from tests.web.sites import RULE_PAGES, _qn, mark_png, page, rule_site

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site() -> Iterator[Site]:
    with serve(rule_site(Site())) as served:
        yield served


def _rules(result, page: int | None = None) -> set[str]:
    return {f.rule for f in result.findings if page is None or f.page == page}


def test_compliant_page_is_a_web_document_with_two_viewports(scanner: WebScanner, site: Site) -> None:
    result = scanner.scan(site.url("/compliant")).result
    assert result.status == "ok" and result.type == "web"
    assert result.url == site.url("/compliant")
    assert [(p.number, p.width, p.unit) for p in result.pages] == [(1, 1280, "css-px"), (2, 390, "css-px")]
    desktop = [m for m in result.marks if m.page == 1]
    assert sorted(m.src.rsplit("/", 1)[-1] for m in desktop) == ["mark.png", "mark.svg"]
    png = next(m for m in desktop if m.src.endswith(".png"))
    assert png.width_px == pytest.approx(300, abs=3) and png.source == "raster"
    assert png.selector and png.selector.endswith("img")
    svg = next(m for m in desktop if m.src.endswith(".svg"))
    assert svg.source == "vector" and svg.width_px == pytest.approx(200, abs=3)
    assert not [f for f in result.findings if f.page == 1], [f.message for f in result.findings]
    data = result.to_dict()
    assert data["url"] == result.url and data["marks"][0]["selector"] == png.selector


@pytest.mark.parametrize("path", sorted(RULE_PAGES))
def test_each_rule_is_triggered_by_html_and_css(scanner: WebScanner, site: Site, path: str) -> None:
    expected = RULE_PAGES[path][1]
    result = scanner.scan(site.url(path)).result
    assert result.status == "ok", result.error
    assert expected in _rules(result, page=1), [f.message for f in result.findings]


@pytest.mark.parametrize("written", ["{base}", "{scheme}{rest}/", "{base}/./plain", "{base}/caf\u00e9/page",
                                     "{base}/caf\u00e9/page?q=\u00e9 x", " {base}/plain "],
                         ids=["no-slash", "capital-scheme", "dot-segment", "letters-outside-ascii", "query", "spaces"])
def test_an_address_written_as_people_write_it_is_scanned(scanner: WebScanner, site: Site, written: str) -> None:
    """Chromium rewrote an address without the final slash, with HTTP:// or with ./ before loading it, and the
    page's own load was then refused as a navigation away (ERR_ABORTED); an address with letters outside
    ASCII stopped the whole scan with an internal error."""
    body = page(_qn() + '<img src="/img/mark.png" style="width:300px" alt="HTQ mark">')
    for path in ("/", "/plain", "/caf%C3%A9/page"):
        site.routes[path] = body
    scheme, rest = site.base.split("://", 1)
    url = written.format(base=site.base, scheme=scheme.upper() + "://", rest=rest)
    result = scanner.scan(url).result
    assert result.status == "ok", result.error
    assert result.path == url and [m.page for m in result.marks] == [1, 2]


def test_an_address_that_cannot_be_read_ends_as_unreadable_and_the_next_is_scanned(site: Site) -> None:
    site.routes["/plain"] = page(_qn() + '<img src="/img/mark.png" style="width:300px" alt="HTQ mark">')
    report = htq_mark.scan(["http://[::1", site.url("/plain")], web=WebOptions(allow_private=True, delay=0.0),
                           ocr="never")
    bad, good = report.documents
    assert bad.status == "error" and bad.error is not None and bad.error.code == "unreadable"
    assert "not a valid web address" in bad.error.message and bad.path == "http://[::1"
    assert good.status == "ok" and len(good.marks) == 2


def test_an_address_that_is_not_text_is_a_usage_error(scanner: WebScanner) -> None:
    with pytest.raises(htq_mark.UsageError, match="address as text"):
        scanner.scan(5)  # type: ignore[arg-type]


@pytest.mark.parametrize(("body", "content_type", "words"), [
    (b"<html><p>not a PDF</p></html>", "application/pdf",
     "sent as application/pdf, but what came is not a PDF or a picture htq-mark reads (it is damaged, or another "
     "kind of file); check the link"),
    (b"PK\x03\x04zip", "image/png", "sent as image/png, but what came is not a PDF or a picture"),
    (b"\xff\xd8broken", "image/jpg", "sent as image/jpg, but what came is not a PDF or a picture"),
    (b"a,b\n1,2\n", "text/csv", "htq-mark reads HTML pages, PDFs and pictures"),
    (b'<svg xmlns="http://www.w3.org/2000/svg"/>', "image/svg+xml", "an SVG drawing; export it as PDF or PNG"),
])
def test_a_link_that_is_not_what_it_says_is_unreadable_and_says_so(scanner: WebScanner, site: Site, body: bytes,
                                                                    content_type: str, words: str) -> None:
    """Such a link was "not a web page or a document htq-mark reads (Content-Type application/pdf)", as if PDFs
    were not read."""
    site.routes["/brochure.pdf"] = Reply(body, content_type)
    result = scanner.scan(site.url("/brochure.pdf")).result
    assert result.status == "error" and result.error is not None and result.error.code == "unreadable"
    assert words in result.error.message


def test_missing_alt_text_is_info_with_a_fix(scanner: WebScanner, site: Site) -> None:
    result = scanner.scan(site.url("/rules/missing-alt-text")).result
    finding = next(f for f in result.findings if f.rule == "missing-alt-text")
    assert finding.severity == "info" and "alt=" in (finding.fix or "")


def test_low_resolution_is_judged_at_each_viewports_device_pixel_ratio(scanner: WebScanner, site: Site) -> None:
    site.routes["/img/mark-600.png"] = Reply(mark_png(width=600), "image/png")
    site.routes["/dpr"] = page(
        _qn() + '<img src="/img/mark.png" style="width:300px;display:block;margin-bottom:80px" alt="HTQ mark">'
        '<img src="/img/mark.png" srcset="/img/mark.png 1x, /img/mark-600.png 2x" style="width:300px;display:block" '
        'alt="HTQ mark">')
    result = scanner.scan(site.url("/dpr")).result
    by_page = {n: {m.id: m for m in result.marks if m.page == n} for n in (1, 2)}
    assert [len(by_page[1]), len(by_page[2])] == [2, 2]
    assert sorted(m.src.rsplit("/", 1)[-1] for m in by_page[2].values()) == ["mark-600.png", "mark.png"]
    low = [f for f in result.findings if f.rule == "low-resolution"]
    # 300 px of picture for 300 CSS px: enough at ratio 1 (desktop), half the pixels a phone needs at 2.
    assert [(f.page, by_page[f.page][f.mark].src.rsplit("/", 1)[-1]) for f in low] == [(2, "mark.png")]
    assert low[0].details["device_pixel_ratio"] == 2 and low[0].severity == "warning"
    assert by_page[2][low[0].mark].width_px == pytest.approx(300, abs=3)  # still CSS px


def test_a_plain_http_page_of_a_named_host_is_rendered_over_http(scanner: WebScanner,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """Chromium upgrades a plain-http address on port 80 of a named host to https unless told not to;
    the page asked for would then never come. The host is this machine, its port 80 the test server's."""
    resolve, connect = socket.getaddrinfo, socket.create_connection
    with serve(Site(routes={"/": page('<img src="/mark.png" style="width:300px" alt="HTQ">'),
                            "/mark.png": Reply(mark_png(), "image/png")})) as served:  # type: ignore[arg-type]
        port = int(served.base.rsplit(":", 1)[1])
        monkeypatch.setattr(socket, "getaddrinfo", lambda host, *args, **options: resolve(
            "127.0.0.1" if host == "provider.example.com" else host, *args, **options))
        monkeypatch.setattr(socket, "create_connection", lambda address, *args, **options: connect(
            ("127.0.0.1", port) if address == ("127.0.0.1", 80) else address, *args, **options))
        result = scanner.scan("http://provider.example.com/").result
    assert result.status == "ok" and result.marks, result.error
    assert {mark.src for mark in result.marks} == {"http://provider.example.com/mark.png"}
    assert "/mark.png" in served.requests


@pytest.mark.parametrize(("ocr", "rules"), [("never", set()), ("auto", {"not-entitled"})])
def test_a_picture_at_a_url_is_read_as_the_ocr_mode_says(ocr: OcrMode, rules: set[str]) -> None:
    """A linked picture naming a withdrawn qualification beside the mark: its text is read unless --ocr never."""
    from tests.scanner._make import encode
    from tests.scanner.test_ocr import EXAMPLE_WITHDRAWN_ID, ON, _mark_and_text

    picture = Reply(encode(_mark_and_text(EXAMPLE_WITHDRAWN_ID), "PNG"), "image/png")
    with serve(Site(routes={"/post.png": picture})) as served, \
            WebScanner(options=WebOptions(allow_private=True, delay=0.0), on=ON, ocr=ocr) as scanner:
        result = scanner.scan(served.url("/post.png")).result
        scanned = htq_mark.scan([served.url("/post.png")], web=WebOptions(allow_private=True, delay=0.0), on=ON,
                                ocr=ocr, jobs=1)
    assert result.type == "png" and len(result.marks) == 1
    assert _rules(result) == rules
    assert _rules(scanned.documents[0]) == rules and scanned.settings.ocr == ocr
