import pypdfium2
import pytest

from htq_mark.scanner._pdf.document import page_box
from htq_mark.scanner._pdf.text import page_text

from .._make import pdf_pages, text_fragment


@pytest.mark.parametrize("rotation", [0, 90])
def test_text_and_where_it_is(rotation):
    import io

    import pypdf

    pdf = pdf_pages([text_fragment("Course QN 999/1001/9 here", x=100, y=200, size=12)])
    if rotation:
        writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(pdf)))
        writer.pages[0].rotate(rotation)
        out = io.BytesIO()
        writer.write(out)
        pdf = out.getvalue()
    document = pypdfium2.PdfDocument(pdf)
    page = document[0]
    box = page_box(page)
    with page_text(page, box.view) as text:
        start = text.text.index("999/1001/9")
        found = text.box(start, start + len("999/1001/9"))
    assert "Course QN 999/1001/9 here" in text.text
    x0, y0, x1, y1 = found
    if rotation == 0:
        assert 100 < x0 < x1 < 300 and 185 < y0 < y1 < 205
    else:  # turned clockwise: the line runs down the page near the right edge
        assert box.width - 205 < x0 < x1 < box.width - 185 and 100 < y0 < y1 < 300


def test_page_without_text_is_empty():
    document = pypdfium2.PdfDocument(pdf_pages(['<rect width="10" height="10"/>']))
    page = document[0]
    with page_text(page, page_box(page).view) as text:
        assert text.text == "" and text.box(0, 5) is None


def test_text_outside_the_visible_box_is_not_the_pages() -> None:
    """Text beyond the crop box is never shown or printed: a withdrawn number there was judged
    (not-entitled), and an entitled one there kept a page from no-qualification."""
    import datetime
    import io

    import pypdf

    import htq_mark
    from htq_mark.register import EXAMPLE_ENTITLED_ID, EXAMPLE_WITHDRAWN_ID
    from htq_mark.scanner import scan_document

    from .._make import mark_fragment

    kit = htq_mark.load_kit()
    pdf = pdf_pages([mark_fragment(kit, x=100, y=150, width=200)
                     + text_fragment(f"Course QN {EXAMPLE_ENTITLED_ID}", x=100, y=300, size=14)
                     + text_fragment(f"old template: QN {EXAMPLE_WITHDRAWN_ID}", x=100, y=820, size=14)])
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(pdf)))
    writer.pages[0].cropbox = pypdf.generic.RectangleObject([0, 100, 595.28, 841.89])  # hides y < 100 pt
    out = io.BytesIO()
    writer.write(out)
    cropped = out.getvalue()
    page = pypdfium2.PdfDocument(cropped)[0]
    box = page_box(page)
    with page_text(page, box.view) as whole, page_text(page, box.view, box.crop) as shown:
        assert EXAMPLE_WITHDRAWN_ID in whole.text and EXAMPLE_WITHDRAWN_ID not in shown.text
        assert len(shown.text) == len(whole.text) and EXAMPLE_ENTITLED_ID in shown.text  # each keeps its place
    result = scan_document(cropped, on=datetime.date(2026, 11, 23), kit=kit, ocr="never")
    assert result.status == "ok" and len(result.marks) == 1
    assert [finding.rule for finding in result.findings] == []
