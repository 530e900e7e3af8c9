"""Web documents in every report format: the URL, the element's selector and picture, nothing loaded on open."""

from __future__ import annotations

import json

import pytest

from htq_mark import reports
from htq_mark.scanner import DocumentResult, Mark, PageInfo, ScanReport

URL = "https://college.example/courses/htq?x=1&y=<b>"
SELECTOR = 'html > body > div:nth-of-type(2) > img[alt="<script>"]'


def _report(url: str = URL) -> ScanReport:
    mark = Mark(id="m1", page=1, bbox=(10.0, 10.0, 310.0, 104.0), variant="colour", confidence=0.99,
                width_mm=None, width_px=300.0, rotation_deg=0.0, aspect_ratio_error=0.0, source="raster",
                selector=SELECTOR, src="javascript:alert(1)")
    document = DocumentResult(path=url, sha256="0" * 64, type="web", status="ok",
                              pages=(PageInfo(1, 1280, 2000, "css-px"), PageInfo(2, 390, 3000, "css-px")),
                              marks=(mark,), url=url + "#final")
    return ScanReport(generator_version="0", on_date="2026-06-01", kit={"name": "k", "version": "1"},
                      register={"source": "embedded"}, documents=(document,))


def test_json_carries_url_selector_and_src() -> None:
    data = json.loads(reports.render_bytes(_report(), "json"))
    document = data["documents"][0]
    assert document["type"] == "web" and document["url"] == URL + "#final"
    assert document["pages"][1] == {"number": 2, "width": 390.0, "height": 3000.0, "unit": "css-px"}
    assert document["marks"][0]["selector"] == SELECTOR and document["marks"][0]["src"] == "javascript:alert(1)"


def test_html_links_the_url_but_never_a_script_address() -> None:
    page = reports.render_bytes(_report(), "html").decode()
    assert 'href="https://college.example/courses/htq?x=1&amp;y=&lt;b&gt;#final"' in page
    assert "javascript:alert" in page and 'href="javascript:' not in page
    assert "<script>\"" not in page and "&lt;script&gt;" in page


@pytest.mark.parametrize("fmt", ["text", "sarif"])
def test_other_formats_name_the_page(fmt: str) -> None:
    assert "college.example/courses/htq" in reports.render_bytes(_report(), fmt).decode()


def test_a_saved_json_report_reads_back_with_its_web_fields() -> None:
    report = _report()
    again = ScanReport.from_dict(json.loads(reports.render_bytes(report, "json")))
    document = again.documents[0]
    assert document.url == URL + "#final" and document.pages[0].unit == "css-px"
    assert (document.marks[0].selector, document.marks[0].src) == (SELECTOR, "javascript:alert(1)")
