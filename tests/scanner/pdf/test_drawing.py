"""Pages that only hold text in ordinary fonts, rules, and links that draw nothing are neither rendered nor
searched; anything else is."""

from __future__ import annotations

import datetime
from pathlib import Path

import pypdfium2
import pytest

import htq_mark
from htq_mark.register import EXAMPLE_WITHDRAWN_ID, default_register
from htq_mark.scanner import scan_document
from htq_mark.scanner import _pdf_scan
from htq_mark.scanner._detect import build_references, find_marks
from htq_mark.scanner._pdf._drawing import MAX_ANNOTATIONS_LOOKED_AT, MAX_RULES, may_be_pictures, may_draw_mark
from htq_mark.scanner._pdf.render import render_dpi_for, render_page

from ._icon_font import ICON, mark_icon_font

KIT = htq_mark.load_kit()
ON = datetime.date(2026, 11, 23)
CORPUS = Path(__file__).resolve().parents[3] / ".." / "shared" / "corpus"

HELVETICA = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
# A Type 3 font whose one glyph (A) is a filled square: its text is a drawing.
TYPE3 = (b"<< /Type /Font /Subtype /Type3 /FontBBox [0 0 1000 1000] /FontMatrix [0.001 0 0 0.001 0 0] "
         b"/CharProcs << /box 9 0 R >> /Encoding << /Type /Encoding /Differences [65 /box] >> "
         b"/FirstChar 65 /LastChar 65 /Widths [1000] /Resources << >> >>")
SQUARE_GLYPH = b"0 0 m 1000 0 l 1000 1000 l 0 1000 l f"
TILE = b"0 0 1 rg 0 0 5 5 re f"  # a tiling pattern's cell: it could as well hold a picture
PATTERN = b"<< /PatternType 1 /PaintType 1 /TilingType 1 /BBox [0 0 10 10] /XStep 10 /YStep 10 /Resources << >>"
SQUARE_ANNOTATION = b"<< /Type /Annot /Subtype /Square /Rect [40 40 200 120] /C [1 0 0] /AP << /N 11 0 R >> >>"
ANNOTATION_LOOK = b"1 0 0 RG 4 w 2 2 156 76 re S"
FORM_EXTRAS = b"/Type /XObject /Subtype /Form /BBox [0 0 160 80] "


def _stream(data: bytes, extra: bytes = b"") -> bytes:
    return b"<< /Length %d %s>>\nstream\n" % (len(data), extra) + data + b"\nendstream"


def _pdf(content: bytes, *, font: bytes = HELVETICA, annotation: bool | bytes = False, side: int = 300,
         annotations: int = 1) -> bytes:
    """A one-page PDF drawing ``content`` with font /F1 (``font``) and pattern /P1, optionally with an annotation
    (``True``: a square drawn by its appearance stream; or the annotation's dictionary), listed ``annotations``
    times."""
    objects = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Contents 4 0 R " % (side, side)
            + b"/Resources << /Font << /F1 5 0 R >> /Pattern << /P1 6 0 R >> /ExtGState << /G1 12 0 R >> >>"
            + (b" /Annots [" + b"10 0 R " * annotations + b"]" if annotation else b"") + b" >>"),
        4: _stream(content),
        5: font,
        6: _stream(TILE, PATTERN[2:]),
        9: _stream(SQUARE_GLYPH),
        10: annotation if isinstance(annotation, bytes) else SQUARE_ANNOTATION,
        11: _stream(ANNOTATION_LOOK, FORM_EXTRAS),
        12: b"<< /Type /ExtGState /ca 0.5 >>",  # half transparent, as a soft mask would make it
    }
    out = bytearray(b"%PDF-1.4\n")
    offsets = {}
    for number in sorted(objects):
        offsets[number] = len(out)
        out += b"%d 0 obj\n" % number + objects[number] + b"\nendobj\n"
    size = max(objects) + 1
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % size
    for number in range(1, size):
        out += b"%010d 00000 n \n" % offsets[number] if number in offsets else b"0000000000 65535 f \n"
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size, xref)
    return bytes(out)


TEXT = b"BT /F1 10 Tf 20 200 Td (Higher Technical Qualification QN " + EXAMPLE_WITHDRAWN_ID.encode() + b") Tj ET"


def _first_page_draws(data: bytes, smallest_mark: float = 0.0) -> bool:
    document = pypdfium2.PdfDocument(data)
    try:
        page = document[0]
        try:
            return may_draw_mark(page, smallest_mark)
        finally:
            page.close()
    finally:
        document.close()


@pytest.mark.parametrize(("content", "font", "annotation", "expected"), [
    (TEXT, HELVETICA, False, False),                                     # text in an ordinary font
    (b"", HELVETICA, False, False),                                      # nothing at all
    (b"BT /F1 100 Tf 50 50 Td (A) Tj ET", TYPE3, False, True),           # a Type 3 glyph is a drawing
    (b"/Pattern cs /P1 scn " + TEXT, HELVETICA, False, False),           # a pattern shows through glyphs only
    (TEXT + b" 0 0 1 rg 10 10 100 40 re f", HELVETICA, False, True),     # a path
    (b"q 1 0 0 1 0 0 cm BI /W 2 /H 2 /CS /RGB /BPC 8 ID \xff\x00\x00\x00\xff\x00\x00\x00\xff\xff\xff\xff EI Q",
     HELVETICA, False, True),                                            # a picture
    (TEXT, HELVETICA, True, True),                                       # an annotation drawn over the page
    (b"BT /F1 10 Tf 2 Tr 20 200 Td (Higher) Tj ET", HELVETICA, False, True),      # stroked: a pen paints beyond
    (b"q 50 50 m 100 50 100 100 50 100 c h W n BT /F1 400 Tf 0 0 Td (.) Tj ET Q",  # a large glyph cut to a shape
     HELVETICA, False, True),
    (b"q 60 60 40 20 re W n BT /F1 400 Tf 0 0 Td (.) Tj ET Q", HELVETICA, False, True),  # ...to a block
    (b"q 0 0 300 300 re W n " + TEXT + b" Q", HELVETICA, False, False),  # a clip around all of it clips nothing
    (b"q /G1 gs " + TEXT + b" Q", HELVETICA, False, True),               # transparent: a mask may shape it
])
def test_what_may_draw_a_mark(content, font, annotation, expected):
    assert _first_page_draws(_pdf(content, font=font, annotation=annotation)) is expected


# The smallest mark searched for on a page rendered at the spec's resolution, in page units (about 5.4).
SMALLEST_MARK = KIT.spec.scan.minimum_detect_width_px / KIT.aspect_ratio * 72.0 / KIT.spec.scan.render_dpi
LINK = b"<< /Type /Annot /Subtype /Link /Rect [20 190 200 215] /Border [0 0 2] /C [0 0 1] /A << /S /URI /URI (x) >> >>"
LINK_WITH_LOOK = LINK[:-2] + b"/AP << /N 11 0 R >> >>"


def _rows(count: int, spacing: float, *, height: float = 0.4, x: tuple[float, float] = (20, 280)) -> bytes:
    """``count`` filled horizontal strips ``height`` units tall, ``spacing`` apart (bottom to bottom)."""
    return b" ".join(b"%g %g %g %g re f" % (x[0], 100 + i * spacing, x[1] - x[0], height) for i in range(count))


@pytest.mark.parametrize(("content", "annotation", "expected"), [
    (TEXT + b" 0.5 w 20 150 m 280 150 l S", False, False),               # a heading's rule
    (TEXT + b" 0.5 w 150 20 m 150 280 l S", False, False),               # a column rule
    (TEXT + b" 20 150 260 0.8 re f", False, False),                      # a bar filled, as thin
    (TEXT + b" " + _rows(6, 14.0), False, False),                        # a table's rules, a row apart
    (TEXT + b" 0.5 w 20 150 m 140 150 l S 160 151 m 280 151 l S", False, False),  # end to end: no overlap
    (TEXT + b" " + _rows(2, 2.0), False, True),                          # a double rule: strips side by side
    (TEXT + b" " + _rows(40, 0.4), False, True),                         # a shape filled a row at a time
    (TEXT + b" 0.5 w 100 20 m 100 280 l S 102 20 m 102 280 l S", False, True),  # two columns side by side
    (TEXT + b" 4 w 20 150 m 280 150 l S", False, True),                  # a line thick enough for a mark
    (TEXT + b" 0.5 w 20 20 m 280 280 l S", False, True),                 # a slanting line: its box is not thin
    (TEXT + b" 0 0 1 rg 10 10 100 40 re f", False, True),                # a filled shape
    (TEXT, LINK, False),                                                 # a link pdfium does not draw
    (TEXT, LINK_WITH_LOOK, True),                                        # a link that brings its own look
    (TEXT + b" 0.5 w 20 150 m 280 150 l S", True, True),                 # a square annotation
])
def test_rules_and_links_draw_no_mark(content: bytes, annotation: bool | bytes, expected: bool) -> None:
    data = _pdf(content, annotation=annotation)
    assert _first_page_draws(data, SMALLEST_MARK) is expected
    assert _first_page_draws(data) is (expected or content != TEXT)  # without a size, any path may draw


def test_a_page_of_many_rules_is_searched() -> None:
    """However far apart, many thin strips crossing could make up a picture of the mark, as a print's screen does."""
    def dashes(count: int) -> bytes:  # end to end along one line, never overlapping: each alone is a rule
        return b" ".join(b"%g 150 0.5 0.5 re f" % (20 + 0.6 * i) for i in range(count))

    assert not _first_page_draws(_pdf(TEXT + b" " + dashes(MAX_RULES)), SMALLEST_MARK)
    assert _first_page_draws(_pdf(TEXT + b" " + dashes(MAX_RULES + 1)), SMALLEST_MARK)


@pytest.mark.parametrize("content", [
    b"1000000 M 0.85 w 50 300 m 51 300.0002 l 50 300.0004 l S",  # a join that turns back: its miter is a long bar
    b"20 150 0.5 0.5 re 30 150 0.5 0.5 re f",                    # several shapes in one path
    b"0.5 w 20 150 m 280 150 l h S",                            # a line there and back: its ends are joins
    b"0.5 w 20 150 m 280 150 l 280 150.5 l S",                  # a corner
    b"0.5 w 20 150 m 100 150 200 150.5 280 150 c S",            # a curve
    b"q 1.01 0 0 1 -500000000 0 cm 495049600 150 64 0.5 re f Q",  # so far out that rounding may thin its box
])
def test_paths_whose_paint_may_reach_beyond_their_box_are_not_rules(content: bytes) -> None:
    assert _first_page_draws(_pdf(TEXT + b" " + content), SMALLEST_MARK)


def test_a_page_of_very_many_links_is_searched_without_looking_at_each() -> None:
    assert not _first_page_draws(_pdf(TEXT, annotation=LINK, annotations=MAX_ANNOTATIONS_LOOKED_AT), SMALLEST_MARK)
    assert _first_page_draws(_pdf(TEXT, annotation=LINK, annotations=MAX_ANNOTATIONS_LOOKED_AT + 1), SMALLEST_MARK)


@pytest.fixture(scope="module")
def refs():
    return build_references(KIT)


def _scan(data: bytes, refs, **options):
    return scan_document(data, kit=KIT, register=default_register(), on=ON, references=refs, name="doc", **options)


def test_a_page_of_text_is_not_rendered_but_its_text_is_judged(refs, monkeypatch):
    rendered: list[float] = []

    def counting(page, dpi):
        rendered.append(dpi)
        return render_page(page, dpi)

    monkeypatch.setattr(_pdf_scan, "render_page", counting)
    skipped = _scan(_pdf(TEXT), refs)
    assert rendered == []
    monkeypatch.setattr(_pdf_scan, "may_draw_mark", lambda page, smallest_mark=0.0: True)
    searched = _scan(_pdf(TEXT), refs)
    assert len(rendered) == 1
    assert skipped.status == searched.status == "ok"
    assert skipped.findings == searched.findings and skipped.pages == searched.pages
    assert skipped.marks == searched.marks == ()


def test_a_huge_page_of_text_is_not_said_to_be_rendered_at_a_lower_resolution(refs, monkeypatch):
    monkeypatch.setattr(_pdf_scan, "render_page", lambda page, dpi: pytest.fail("a page of text was rendered"))
    result = _scan(_pdf(TEXT, side=5000), refs)
    assert result.status == "ok" and result.pages[0].width == 5000
    assert "reduced-resolution" not in {note.code for note in result.notes}


def test_a_page_of_text_with_findings_still_has_its_picture(refs):
    result = _scan(_pdf(TEXT), refs, thumbnails=True)
    pages_with_findings = {f.page for f in result.findings}
    assert pages_with_findings, "the withdrawn qualification named on the page is a finding"
    assert [image.page for image in result.images] == sorted(pages_with_findings)


def _mark_row_by_row(width_px: int = 240, *, one_per_run: bool = False) -> bytes:
    """The mark drawn a pixel row at a time: per row, one thin path of rectangles for each of its colours
    (or one path for each rectangle)."""
    import numpy as np

    from .._make import mark_rgb

    rgb = mark_rgb(KIT, "colour", width_px).astype(int)
    palette = np.array([(11, 37, 69), (255, 179, 0), (255, 255, 255)])
    nearest = np.argmin(((rgb[:, :, None, :] - palette[None, None]) ** 2).sum(axis=3), axis=2)
    unit = 72.0 / KIT.spec.scan.render_dpi  # one pixel of the rendered page
    paths = []
    for row in range(nearest.shape[0]):
        y = 200 - (row + 1) * unit
        for colour in range(2):  # white is the page
            runs, x = [], 0
            columns = nearest[row] == colour
            while x < len(columns):
                if columns[x]:
                    end = x
                    while end < len(columns) and columns[end]:
                        end += 1
                    runs.append(b"%.3f %.3f %.3f %.3f re" % (40 + x * unit, y, (end - x) * unit, unit))
                    x = end
                else:
                    x += 1
            if runs:
                red, green, blue = (palette[colour] / 255).tolist()
                paint = b"%.4f %.4f %.4f rg " % (red, green, blue)
                paths += [paint + run + b" f" for run in runs] if one_per_run else [paint + b" ".join(runs) + b" f"]
    return b" ".join(paths)


@pytest.mark.parametrize("one_per_run", [False, True])
def test_a_mark_drawn_row_by_row_in_thin_strips_is_found(one_per_run: bool, refs) -> None:
    """Each strip alone is as thin as a rule: side by side (and many) they make up the mark, so the page is searched."""
    data = _pdf(TEXT + b" " + _mark_row_by_row(one_per_run=one_per_run))
    assert _first_page_draws(data, SMALLEST_MARK)
    result = _scan(data, refs)
    assert result.status == "ok" and len(result.marks) == 1


def test_a_type3_page_is_rendered(refs, monkeypatch):
    rendered: list[float] = []
    monkeypatch.setattr(_pdf_scan, "render_page", lambda page, dpi: rendered.append(dpi) or render_page(page, dpi))
    _scan(_pdf(b"BT /F1 100 Tf 50 50 Td (A) Tj ET", font=TYPE3), refs)
    assert len(rendered) == 1


def test_corpus_pages_judged_to_draw_nothing_show_no_mark(refs):
    """Real pages of text only, and of text with rules and links, rendered and searched all the same: nothing
    is found on any."""
    assert CORPUS.is_dir(), f"the shared corpus is missing: expected it at {CORPUS.resolve()}"
    files = sorted(p for p in CORPUS.rglob("*") if p.is_file() and p.suffix.lower() == ".pdf")
    dpi = float(KIT.spec.scan.render_dpi)
    text_only, with_rules = 0, 0
    for path in files:
        try:
            document = pypdfium2.PdfDocument(str(path))
        except pypdfium2.PdfiumError:
            continue
        try:
            for index in range(min(len(document), 5)):
                try:
                    page = document[index]
                except pypdfium2.PdfiumError:
                    continue  # a damaged page the scanner skips with a note
                try:
                    width, height = page.get_size()
                    page_dpi = render_dpi_for(width, height, dpi, 40_000_000)
                    smallest = KIT.spec.scan.minimum_detect_width_px / KIT.aspect_ratio * 72.0 / page_dpi
                    if may_draw_mark(page, smallest):
                        continue
                    rules_or_links = may_draw_mark(page)
                    if not rules_or_links and text_only >= 40:
                        continue
                    try:
                        rgb = render_page(page, page_dpi).rgb
                    except (pypdfium2.PdfiumError, ValueError):
                        continue  # a page pdfium cannot draw shows nothing either
                    assert find_marks(rgb, refs, spec=KIT.spec) == [], f"{path.name} page {index + 1}"
                    with_rules += rules_or_links
                    text_only += not rules_or_links
                finally:
                    page.close()
        finally:
            document.close()
    assert text_only >= 40 and with_rules >= 15, (text_only, with_rules)


@pytest.mark.parametrize(("text", "expected"), [
    ("Higher National Certificate in Engineering", False),
    ("", False),
    ("Our courses \ue000 approved", True),                     # the Basic Multilingual Plane's area
    ("\U000f0041", True),                                      # plane 15's
    ("\uf900 \u2713 \U0001f393", False),                       # a compatibility ideograph, a tick, an emoji
])
def test_text_that_may_be_pictures(text, expected):
    assert may_be_pictures(text) is expected


def _icon_font_pdf(font: bytes) -> bytes:
    """A page laid out and printed by Chromium: text, and the mark as a glyph of an icon font (U+E000)."""
    import base64

    from playwright.sync_api import sync_playwright

    from htq_mark.web._browser import find_chromium

    executable = find_chromium()
    assert executable is not None, "Chromium is needed: apt-get install -y chromium"
    html = ("<html><head><style>@font-face { font-family: HtqIcons; src: url(data:font/ttf;base64,"
            + base64.b64encode(font).decode() + ") format('truetype'); }"
            "body { margin: 60px; font-family: sans-serif; } .mark { font-family: HtqIcons; font-size: 300px;"
            " line-height: 1; color: #000; }</style></head><body>"
            "<p>Higher National Certificate in Engineering, approved as a Higher Technical Qualification.</p>"
            f"<div class=mark>{ICON}</div><p>Apply now for September.</p></body></html>")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, headless=True,
                                             args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"])
        try:
            page = browser.new_page()
            page.set_content(html)
            page.evaluate("document.fonts.ready")
            return bytes(page.pdf(format="A4", print_background=True))
        finally:
            browser.close()


@pytest.mark.browser
def test_a_mark_drawn_by_an_icon_font_is_found(refs):
    """Chromium prints an icon font's glyph as text in an embedded font: a page of text only, by its objects."""
    data = _icon_font_pdf(mark_icon_font(KIT))
    document = pypdfium2.PdfDocument(data)
    page = document[0]
    try:
        assert not may_draw_mark(page), "the page holds text in outline fonts only"
    finally:
        page.close()
        document.close()
    result = _scan(data, refs)
    assert result.status == "ok" and len(result.marks) == 1
    assert result.marks[0].variant == "black"
