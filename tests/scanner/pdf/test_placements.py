import base64
import io

import pypdf
import pypdfium2
import pytest
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    NameObject,
)

import htq_mark
from htq_mark.scanner._limits import Limits
from htq_mark.scanner._pdf.document import page_box
from htq_mark.scanner._pdf.placements import find_placements

from .._make import encode, mark_rgb, pdf_pages

KIT = htq_mark.load_kit()


def _placements(pdf: bytes, limits: Limits | None = None):
    document = pypdfium2.PdfDocument(pdf)
    box = page_box(document[0])
    return find_placements(pypdf.PdfReader(io.BytesIO(pdf)), 0, box.view, limits or Limits())


def _image(x, y, width, height, transform=""):
    png = encode(mark_rgb(KIT, width=320), "PNG")  # 320 x 100 px
    uri = "data:image/png;base64," + base64.b64encode(png).decode()
    return (f'<g transform="{transform}"><image x="{x}" y="{y}" width="{width}" height="{height}" '
            f'preserveAspectRatio="none" xlink:href="{uri}"/></g>')


@pytest.mark.parametrize("svg_transform, rotation, stretch", [
    ("", 0.0, 0.0),
    ("rotate(-30 200 300)", 30.0, 0.0),
    ("rotate(90 200 300)", -90.0, 0.0),
])
def test_image_placements_give_size_rotation_and_ppi(svg_transform, rotation, stretch):
    scan = _placements(pdf_pages([_image(100, 200, 160, 50, svg_transform)]))
    [placed] = [p for p in scan.placements if p.kind == "image"]
    assert (placed.pixel_width, placed.pixel_height) == (320, 100)
    assert placed.size_pt == pytest.approx((160.0, 50.0), abs=0.01)
    assert placed.rotation_deg == pytest.approx(rotation, abs=0.01)
    assert placed.stretch == pytest.approx(stretch, abs=1e-3)
    assert placed.effective_ppi == pytest.approx(320 / (160 / 72))


def test_stretched_image_is_measured_exactly():
    scan = _placements(pdf_pages([_image(100, 200, 200, 50)]))
    assert scan.placements[0].stretch == pytest.approx((200 / 50) / 3.2 - 1)


def test_unrotated_image_corners_are_in_top_left_points():
    [placed] = _placements(pdf_pages([_image(100, 200, 160, 50)])).placements
    assert placed.bbox == pytest.approx((100.0, 200.0, 260.0, 250.0), abs=0.01)


def _pdf_with_forms(depth: int, cyclic: bool = False, operators: int = 0) -> bytes:
    writer = pypdf.PdfWriter()
    page = writer.add_blank_page(200, 200)
    previous = None
    forms = []
    for level in range(depth):
        form = DecodedStreamObject()
        form.update({NameObject("/Type"): NameObject("/XObject"), NameObject("/Subtype"): NameObject("/Form"),
                     NameObject("/BBox"): ArrayObject([FloatObject(0), FloatObject(0), FloatObject(10),
                                                       FloatObject(10)])})
        form.set_data(b"q 1 0 0 1 1 1 cm /F Do Q" if previous is not None or cyclic else b"0 0 1 1 re f")
        reference = writer._add_object(form)
        if previous is not None:
            form[NameObject("/Resources")] = DictionaryObject({NameObject("/XObject"): DictionaryObject(
                {NameObject("/F"): previous})})
        forms.append((form, reference))
        previous = reference
    if cyclic:
        form, reference = forms[0]
        form[NameObject("/Resources")] = DictionaryObject({NameObject("/XObject"): DictionaryObject(
            {NameObject("/F"): reference})})
    content = DecodedStreamObject()
    content.set_data(b"0 0 m " * operators + b"/F Do")
    page[NameObject("/Contents")] = writer._add_object(content)
    page[NameObject("/Resources")] = DictionaryObject({NameObject("/XObject"): DictionaryObject(
        {NameObject("/F"): previous})})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_nesting_within_the_limit_is_followed():
    scan = _placements(_pdf_with_forms(5), Limits(max_form_depth=5))
    assert len(scan.placements) == 5 and scan.notes == []


def test_nesting_beyond_the_limit_stops_with_a_note():
    scan = _placements(_pdf_with_forms(8), Limits(max_form_depth=5))
    assert len(scan.placements) == 5
    assert any("nested more than 5 deep" in note for note in scan.notes)


def test_a_form_drawing_itself_is_not_followed():
    scan = _placements(_pdf_with_forms(1, cyclic=True))
    assert len(scan.placements) == 1
    assert any("draws itself" in note for note in scan.notes)


def test_operator_limit_stops_the_walk():
    scan = _placements(_pdf_with_forms(1, operators=50), Limits(max_operators=20))
    assert scan.placements == [] and any("more than 20 drawing operators" in n for n in scan.notes)


def test_oversized_content_stream_is_not_walked():
    scan = _placements(_pdf_with_forms(1, operators=200), Limits(max_content_bytes=100))
    assert scan.placements == [] and any("byte limit" in note for note in scan.notes)
