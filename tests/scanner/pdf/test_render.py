"""A page's pixels: pdfium's own buffer, kept as long as they are used."""

from __future__ import annotations

import gc

import numpy as np
import pypdfium2
import pytest

from htq_mark.scanner._pdf.render import render_page
from tests.scanner._make import pdf_pages

PAGE = (200.0, 120.0)


@pytest.mark.parametrize("rotate", [0, 90])
def test_a_rendered_page_outlives_its_page_and_document(rotate: int) -> None:
    data = pdf_pages(['<rect x="20" y="30" width="90" height="40" fill="#1e6b52"/>'], size=PAGE)
    document = pypdfium2.PdfDocument(data)
    page = document[0]
    page.set_rotation(rotate)
    expected = np.array(page.render(scale=100 / 72, rev_byteorder=True, draw_annots=True).to_numpy()[..., :3])
    rendered = render_page(page, 100.0)
    page.close()
    document.close()
    gc.collect()
    litter = [np.full(rendered.rgb.size, 7, np.uint8) for _ in range(20)]  # memory freed early would be reused
    assert rendered.rgb.dtype == np.uint8 and rendered.rgb.flags.c_contiguous
    assert rendered.rgb.shape == expected.shape and rendered.rgb.shape[2] == 3
    assert np.array_equal(rendered.rgb, expected)
    assert (rendered.rgb == (30, 107, 82)).all(axis=2).any()  # the green box is there
    rendered.rgb[0, 0] = 0  # it is the page's own array, free to be written
    assert len(litter) == 20
