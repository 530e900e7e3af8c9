"""A mark drawn as vectors over a page-size picture is a vector mark, not a low-resolution one."""

from __future__ import annotations

import base64
import datetime

import numpy as np
import pytest

from htq_mark.kit import load_kit
from htq_mark.scanner import scan_document
from htq_mark.scanner._pdf.vectors import drawn_as_vectors
from tests.scanner._make import A4, encode, mark_fragment, mark_rgb, pdf_pages

ON = datetime.date(2026, 11, 23)
MARK_BOX = (100.0, 100.0, 300.0, 162.5)


@pytest.mark.parametrize(
    ("boxes", "expected"),
    [
        ([MARK_BOX], True),                                   # one path outlining the mark
        ([(100, 100, 200, 162.5), (200, 100, 300, 162.5)], True),  # parts that tile it
        ([(100, 100, 140, 120)], False),                      # a small shape in one corner
        ([(0, 0, 595, 842)], False),                          # a page-size path is not the mark
        ([], False),
    ],
)
def test_drawn_as_vectors(boxes, expected):
    assert drawn_as_vectors(MARK_BOX, boxes) is expected


def _picture_page(kit, *, mark_in_picture: bool) -> bytes:
    """An A4 page covered by a 50 ppi picture, with the mark baked into it or drawn over it."""
    width_px, height_px = round(A4[0] / 72 * 50), round(A4[1] / 72 * 50)
    rng = np.random.default_rng(7)
    picture = np.full((height_px, width_px, 3), 235, dtype=np.uint8)
    picture += rng.integers(0, 12, picture.shape, dtype=np.uint8)
    if mark_in_picture:
        mark = mark_rgb(kit, width=180, background=(235, 235, 235))
        picture[100:100 + mark.shape[0], 60:60 + mark.shape[1]] = mark
    data = base64.b64encode(encode(picture, "png")).decode()
    body = (f'<image x="0" y="0" width="{A4[0]}" height="{A4[1]}" preserveAspectRatio="none" '
            f'href="data:image/png;base64,{data}"/>')
    if not mark_in_picture:
        body += mark_fragment(kit, x=150, y=300, width=200)
    return pdf_pages([body])


def test_vector_mark_over_a_picture_has_no_resolution():
    result = scan_document(_picture_page(load_kit(), mark_in_picture=False), on=ON)
    assert [m.source for m in result.marks] == ["vector"]
    assert "low-resolution" not in {f.rule for f in result.findings}


def test_mark_baked_into_a_low_resolution_picture_is_reported():
    result = scan_document(_picture_page(load_kit(), mark_in_picture=True), on=ON)
    assert [m.source for m in result.marks] == ["raster"]
    low = [f for f in result.findings if f.rule == "low-resolution"]
    assert low and low[0].severity == "error"
