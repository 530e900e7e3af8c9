"""The HTML report: self-contained, strictly policed, failures first, every finding shown."""

from __future__ import annotations

import base64
import hashlib
import io
import re
from dataclasses import replace

import pytest

from htq_mark import reports
from htq_mark.reports import _html as html_report
from htq_mark.reports._escape import visible
from htq_mark.reports._text import EXAMPLE_DATA_WARNING
from htq_mark.scanner._results import DocumentResult, PageImage, ScanReport
from tests.reports import factory
from tests.reports.htmltree import Element, parse


def _html(report: ScanReport) -> str:
    buffer = io.StringIO()
    html_report.render(report, buffer)
    return buffer.getvalue()


def _tree(report: ScanReport) -> Element:
    root, declarations = parse(_html(report))
    assert declarations == ["DOCTYPE html"]
    return root


def _csp(root: Element) -> dict[str, list[str]]:
    [meta] = [m for m in root.iter("meta") if (m.attrs.get("http-equiv") or "").lower() == "content-security-policy"]
    policy: dict[str, list[str]] = {}
    for directive in (meta.attrs["content"] or "").split(";"):
        name, *values = directive.split()
        policy[name] = values
    return policy


def _hash(source: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(source.encode()).digest()).decode() + "'"


def _sections(root: Element) -> list[Element]:
    return root.find("section", "document")


REPORTS = {"full": factory.full_report, "hostile": factory.hostile_report, "empty": lambda: factory.report([])}


@pytest.mark.parametrize("name", REPORTS)
def test_the_policy_allows_only_the_pages_own_script_and_style(name: str) -> None:
    root = _tree(REPORTS[name]())
    policy = _csp(root)
    [script] = list(root.iter("script"))
    [style] = list(root.iter("style"))
    assert policy["default-src"] == ["'none'"]
    assert policy["img-src"] == ["data:"]
    assert policy["script-src"] == [_hash(script.text())]
    assert policy["style-src"] == [_hash(style.text())]
    assert policy["base-uri"] == ["'none'"] and policy["form-action"] == ["'none'"]
    assert "'unsafe-inline'" not in " ".join(v for values in policy.values() for v in values)
    assert script.text() == html_report.SCRIPT and script.attrs == {}


def test_the_policy_comes_before_anything_it_governs() -> None:
    [head] = list(_tree(factory.full_report()).iter("head"))
    tags = [e.tag for e in head.children if isinstance(e, Element)]
    assert tags[:2] == ["meta", "meta"]
    assert head.children and _csp(head)


@pytest.mark.parametrize("name", REPORTS)
def test_nothing_from_the_report_becomes_markup_script_or_a_url(name: str) -> None:
    root = _tree(REPORTS[name]())
    for element in root.iter():
        assert element.tag not in {"img", "iframe", "object", "embed", "link", "a", "form", "base", "div"} or (
            element.tag == "div" and element.classes() <= {"pages", "fix"}), element
        for attribute, value in element.attrs.items():
            assert not attribute.startswith("on"), (element.tag, attribute)
            assert attribute != "style", element.tag
            if attribute in {"href", "src", "xlink:href", "action"}:
                assert re.fullmatch(r"data:image/(png|jpeg|webp|gif);base64,[A-Za-z0-9+/=]+|#d\d+-p\d+", value or "")
    assert [e.attrs.get("id") for e in root.iter() if e.attrs.get("id") == "pwned"] == []


def test_hostile_strings_are_shown_as_text() -> None:
    report = factory.hostile_report()
    root = _tree(report)
    body = next(root.iter("body")).text()
    for payload in factory.HOSTILE_STRINGS:
        assert payload in body, payload
    assert visible(report.documents[1].path) in body
    assert "\\x1b[31m" in body and "\\u202e" in body and "\\udcff" in body
    assert "\x1b" not in body and "\x00" not in body and "\u202e" not in body


def test_a_picture_that_is_not_an_image_type_is_left_out() -> None:
    html = _html(factory.hostile_report())
    assert "data:text/html" not in html
    assert base64.b64encode(factory.SCRIPT_TAG.encode()).decode() not in html


def test_documents_are_ordered_failures_first() -> None:
    report = factory.full_report()
    sections = _sections(_tree(report))
    badges = [s.find("span", "badge")[0].text() for s in sections]
    assert badges == ["UNREADABLE", "FAIL", "UNREADABLE", "UNREADABLE", "UNREADABLE", "UNREADABLE", "INFO", "PASS"]
    paths = [s.find("span", "path")[0].text() for s in sections]
    assert paths[:2] == ["broken/unreadable.pdf", "brochures/prospectus.pdf"]
    assert paths[-2:] == ["social/post.png", "web/banner.jpg"]


def test_every_finding_is_a_filterable_row() -> None:
    report = factory.full_report()
    root = _tree(report)
    rows = root.find("tr", "finding")
    expected = sorted((f.rule, f.severity) for d in report.documents for f in d.findings)
    assert sorted((r.attrs["data-rule"], r.attrs["data-severity"]) for r in rows) == expected
    messages = [r.find("td", "message")[0].text() for r in rows]
    assert any(m.startswith("clear-space measured 9.4 mm; the limit is 25 mm.Fix: Run htq-mark generate")
               for m in messages)


def test_the_filters_offer_each_rule_and_severity_present_with_counts() -> None:
    root = _tree(factory.full_report())
    [nav] = list(root.iter("nav"))
    boxes = [(b.attrs["data-kind"], b.attrs["value"]) for b in nav.iter("input")]
    assert boxes[:3] == [("severity", "error"), ("severity", "warning"), ("severity", "info")]
    assert [value for kind, value in boxes if kind == "rule"] == [
        "too-small", "distorted", "rotated", "recoloured", "clear-space", "low-contrast", "low-resolution",
        "cropped", "altered-artwork", "no-qualification", "not-entitled"]
    assert all(b.attrs.get("type") == "checkbox" and "checked" in b.attrs for b in nav.iter("input"))
    assert "low-resolution (3)" in nav.text()


def test_page_thumbnails_box_and_label_every_mark() -> None:
    report = factory.report([factory.pdf_document()])
    [section] = _sections(_tree(report))
    thumbs = section.find("svg", "thumb")
    assert len(thumbs) == 2
    images = [t.find("image")[0] for t in thumbs]
    assert [i.attrs["id"] for i in images] == ["d1-p1", "d1-p2"]
    assert all((i.attrs["href"] or "").startswith("data:image/png;base64,") for i in images)
    labels = [g.find("text")[0].text() for t in thumbs for g in t.find("g", "box") if "finding" not in g.classes()]
    assert labels == ["m1 · colour", "m2", "m3 · white"]
    [m2] = [g for g in thumbs[1].find("g", "box") if g.find("text")[0].text() == "m2"]
    rect = m2.find("rect")[0].attrs
    scale = report.documents[0].images[1].scale
    assert float(rect["x"] or 0) == pytest.approx(300.0 * scale, abs=0.1)
    assert float(rect["width"] or 0) == pytest.approx(26.6 * scale, abs=0.1)
    assert "sev-error" in m2.classes()


def test_each_finding_has_a_close_up_around_its_box() -> None:
    report = factory.report([factory.pdf_document()])
    rows = _tree(report).find("tr", "finding")
    scale = report.documents[0].images[0].scale
    for row in rows:
        [closeup] = row.find("svg", "closeup")
        [use] = closeup.find("use")
        assert use.attrs["href"] == f"#d1-p{row.find('td')[2].text()}"
    clear_space = next(r for r in rows if r.attrs["data-rule"] == "clear-space")
    x, y, w, h = (float(v) for v in (clear_space.find("svg", "closeup")[0].attrs["viewbox"] or "").split())
    x0, y0, x1, y1 = (v * scale for v in (50.0, 690.0, 210.0, 760.0))
    assert x < x0 and y < y0 and x + w > x1 and y + h > y1
    assert w < 200 and h < 300  # a crop, not the whole page


def test_findings_without_a_picture_say_so() -> None:
    report = factory.report([factory.pdf_document(with_images=False)])
    rows = _tree(report).find("tr", "finding")
    assert rows and all(r.find("span", "no-picture")[0].text() == "no picture of this page" for r in rows)
    assert not _tree(report).find("svg")


def test_the_header_records_provenance_and_each_input_sha256() -> None:
    report = factory.full_report()
    root = _tree(report)
    [header] = list(root.iter("header"))
    text = header.text()
    for expected in ("htq-mark 0.1.0", "2026-11-23", "2026-11-23T09:30:00Z", "htq-mark default kit 1.0.0",
                     "a" * 64, "embedded, as of 2026-11-01, 123 qualifications", "b" * 64,
                     "8 documents, 5 unreadable, 5 marks; 10 errors, 2 warnings, 1 info."):
        assert expected in text
    body = next(root.iter("body")).text()
    assert all(d.sha256 in body for d in report.documents if d.sha256)


@pytest.mark.parametrize(("is_example", "warned"), [(True, True), (False, False)])
def test_example_register_data_is_warned_about_visibly(is_example: bool, warned: bool) -> None:
    root = _tree(factory.full_report(is_example=is_example))
    warnings = root.find("p", "example-data")
    assert bool(warnings) is warned
    if warned:
        assert warnings[0].text() == f"EXAMPLE DATA: {EXAMPLE_DATA_WARNING}"


@pytest.mark.parametrize("code", factory.ERROR_CODES)
def test_unreadable_documents_show_their_error(code: str) -> None:
    [section] = _sections(_tree(factory.report([factory.error_document(code)])))
    [error] = section.find("p", "doc-error")
    assert error.text().startswith(f"{code}: broken/{code}.pdf: could not be scanned")


def test_no_documents_gives_a_page_that_says_so() -> None:
    root = _tree(factory.report([]))
    assert not _sections(root) and not list(root.iter("nav"))
    assert "No documents were scanned." in next(root.iter("main")).text()


def test_thousands_of_documents_render_one_section_each() -> None:
    documents = [factory.clean_document(f"web/banner-{i}.jpg") for i in range(2500)]
    documents[1234] = factory.error_document("timeout", path="late.pdf")
    html = _html(factory.report(documents))
    assert html.count('<section class="document') == 2500
    assert html.index("late.pdf") < html.index("web/banner-0.jpg")


def test_unusable_pictures_are_skipped_not_fatal() -> None:
    document = factory.image_document()
    odd = (PageImage(page=1, width=0, height=10, scale=1.0, media_type="image/png", data=b"x"),
           PageImage(page=1, width=10, height=10, scale=float("nan"), media_type="image/png", data=b"x"))
    html = _html(factory.report([replace(document, images=odd + document.images)]))
    assert html.count("<image ") == 1


def test_an_unknown_rule_is_escaped_like_any_other_text() -> None:
    document = factory.pdf_document()
    odd = replace(document.findings[0], rule=factory.ATTR_BREAK, severity="error")
    root = _tree(factory.report([replace(document, findings=(odd,))]))
    [row] = root.find("tr", "finding")
    assert row.attrs["data-rule"] == factory.ATTR_BREAK
    assert "onmouseover" not in row.attrs


def test_the_same_report_gives_the_same_bytes() -> None:
    assert reports.render_bytes(factory.hostile_report(), "html") == reports.render_bytes(
        factory.hostile_report(), "html")


def _batch(count: int) -> ScanReport:
    """``count`` documents: every third with findings and pictures, the rest clean."""
    documents = [factory.pdf_document(f"batch/doc-{i:03}.pdf") if i % 3 == 0 else factory.clean_document(
        f"batch/clean-{i:03}.jpg") for i in range(count)]
    return factory.report(documents)


def test_an_index_lists_every_document_with_its_counts_in_report_order() -> None:
    report = factory.full_report()
    root = _tree(report)
    entries = root.find("tr", "index-entry")
    sections = _sections(root)
    assert [e.attrs["data-doc"] for e in entries] == [s.attrs["id"] for s in sections]
    assert [e.find("button")[0].text() for e in entries] == [s.attrs["data-path"] for s in sections]
    by_path = {d.path: d for d in report.documents}
    for entry in entries:
        document = by_path[entry.find("button")[0].text()]
        counts = [int(td.text()) for td in entry.find("td", "count")]
        assert counts == [document.count("error"), document.count("warning"), document.count("info"),
                          len(document.marks)]


def test_search_and_hiding_clean_documents_are_offered_and_paging_only_for_big_batches() -> None:
    small = _tree(factory.full_report())
    assert [i.attrs.get("type") for i in small.iter("input") if i.attrs.get("id") in ("search", "hide-clean")] == [
        "search", "checkbox"]
    assert not [p for p in small.iter("p") if p.attrs.get("id") == "pager"]
    big = _tree(_batch(html_report.PAGE_SIZE + 1))
    [pager] = [p for p in big.iter("p") if p.attrs.get("id") == "pager"]
    assert [b.attrs["data-step"] for b in pager.iter("button")] == ["-1", "1"]
    assert next(big.iter("body")).attrs["data-page-size"] == str(html_report.PAGE_SIZE)
    [index] = [d for d in big.iter("details") if "index" in d.classes()]
    assert "open" in index.attrs  # still short enough to show unfolded


def _label_rects(svg: Element) -> list[tuple[float, float, float, float]]:
    rects = []
    for text in svg.iter("text"):
        x, y, font, length = (float(text.attrs[k] or 0) for k in ("x", "y", "font-size", "textlength"))
        rects.append((x, y - font, x + length, y + font * 0.25))
    return rects


def _crowded_document() -> DocumentResult:
    """Twelve marks side by side along the top and right edges of a page, each with a long label."""
    document = factory.pdf_document()
    marks = tuple(replace(document.marks[0], id=f"mark-{n:02}", bbox=(560.0 - n * 4, 2.0 + n * 3, 594.0, 20.0 + n * 3),
                          variant="colour-variant") for n in range(12))
    findings = tuple(replace(document.findings[2], mark=m.id, bbox=m.bbox, page=1) for m in marks)
    return replace(document, marks=marks, findings=findings)


def test_labels_stay_inside_the_picture_and_never_overlap() -> None:
    root = _tree(factory.report([_crowded_document()]))
    pictures = root.find("svg", "thumb") + root.find("svg", "closeup")
    assert len(pictures) > 12
    for svg in pictures:
        vx, vy, vw, vh = (float(v) for v in (svg.attrs["viewbox"] or "").split())
        rects = _label_rects(svg)
        for x0, y0, x1, y1 in rects:
            assert vx - 0.2 <= x0 and x1 <= vx + vw + 0.2 and vy - 0.2 <= y0 and y1 <= vy + vh + 0.2
        for i, a in enumerate(rects):
            for b in rects[i + 1:]:
                assert a[2] <= b[0] + 0.2 or b[2] <= a[0] + 0.2 or a[3] <= b[1] + 0.2 or b[3] <= a[1] + 0.2, (a, b)
