import io

import numpy as np
import pypdf
import pypdfium2
import pytest

from htq_mark.scanner._pdf.document import page_box
from htq_mark.scanner._pdf.geometry import apply, bounds, concat, quad_measures, view_matrix
from htq_mark.scanner._pdf.render import render_dpi_for, render_page

from .._make import pdf_pages


def _square_page(rotation: int, crop: tuple[float, float, float, float] | None) -> bytes:
    """A page with a black square at x 100-160, y 500-540 (PDF user space, y up)."""
    reader = pypdf.PdfReader(io.BytesIO(pdf_pages(['<rect x="100" y="301.89" width="60" height="40"/>'])))
    writer = pypdf.PdfWriter()
    writer.add_page(reader.pages[0])
    page = writer.pages[0]
    if rotation:
        page.rotate(rotation)
    if crop is not None:
        page.cropbox = pypdf.generic.RectangleObject(crop)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.mark.parametrize("rotation", [0, 90, 180, 270])
@pytest.mark.parametrize("crop", [None, (50.0, 400.0, 400.0, 800.0)])
def test_view_matrix_matches_what_pdfium_renders(rotation, crop):
    document = pypdfium2.PdfDocument(_square_page(rotation, crop))
    page = document[0]
    box = page_box(page)
    rendered = render_page(page, 72.0)
    dark = np.argwhere(rendered.rgb.mean(axis=2) < 128)
    (y0, x0), (y1, x1) = dark.min(axis=0), dark.max(axis=0) + 1
    expected = bounds([apply(box.view, (100.0, 500.0)), apply(box.view, (160.0, 540.0))])
    assert (x0, y0, x1, y1) == pytest.approx(expected, abs=1.01)
    assert rendered.rgb.shape[:2] == pytest.approx((box.height, box.width), abs=1.0)
    page.close()
    document.close()


def test_concat_applies_first_then_second():
    scale = (2.0, 0.0, 0.0, 2.0, 0.0, 0.0)
    move = (1.0, 0.0, 0.0, 1.0, 10.0, 5.0)
    assert apply(concat(scale, move), (1.0, 1.0)) == (12.0, 7.0)
    assert apply(concat(move, scale), (1.0, 1.0)) == (22.0, 12.0)


@pytest.mark.parametrize("angle", [0.0, 30.0, -45.0, 90.0, 180.0])
def test_quad_measures_reads_width_height_and_rotation(angle):
    import math

    theta = math.radians(angle)
    ux, uy = math.cos(theta), -math.sin(theta)  # y down: counter-clockwise as seen
    vx, vy = math.sin(theta), math.cos(theta)
    tl = (50.0, 50.0)
    tr = (tl[0] + 40 * ux, tl[1] + 40 * uy)
    bl = (tl[0] + 10 * vx, tl[1] + 10 * vy)
    br = (tr[0] + 10 * vx, tr[1] + 10 * vy)
    width, height, rotation = quad_measures([tl, tr, br, bl])
    assert (width, height, rotation) == pytest.approx((40.0, 10.0, angle), abs=1e-6)


def test_view_matrix_unrotated_flips_y():
    assert apply(view_matrix((0, 0, 600, 800), 0), (10.0, 790.0)) == (10.0, 10.0)


@pytest.mark.parametrize("size, dpi, budget, lowered", [
    ((595.0, 842.0), 200.0, 40_000_000, False),
    ((14400.0, 14400.0), 200.0, 40_000_000, True),
])
def test_render_resolution_is_lowered_only_for_huge_pages(size, dpi, budget, lowered):
    chosen = render_dpi_for(size[0], size[1], dpi, budget)
    assert (chosen < dpi) is lowered
    assert (size[0] * chosen / 72) * (size[1] * chosen / 72) <= budget
