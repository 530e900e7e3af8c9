"""Render a PDF page to RGB pixels with pypdfium2, within a pixel budget."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    import pypdfium2

__all__ = ["Rendered", "render_dpi_for", "render_page"]


@dataclass(frozen=True)
class Rendered:
    """A page's pixels (H, W, 3 RGB) and the resolution they were rendered at."""

    rgb: np.ndarray
    dpi: float


def render_dpi_for(width_pt: float, height_pt: float, dpi: float, max_pixels: int) -> float:
    """``dpi``, lowered if needed so the page fits in ``max_pixels``."""
    pixels = (width_pt * dpi / 72.0) * (height_pt * dpi / 72.0)
    if pixels <= max_pixels or pixels <= 0:
        return dpi
    return dpi * math.sqrt(max_pixels / pixels) * 0.999


def render_page(page: pypdfium2.PdfPage, dpi: float) -> Rendered:
    """The page as a viewer shows it (crop box, /Rotate applied, annotations drawn), RGB."""
    import numpy as np
    import pypdfium2

    # A native bitmap's pixels are in a buffer Python allocated, which outlives the bitmap: an RGB
    # one is used as it is, not copied (a copy of a page costs about a sixth of rendering it).
    bitmap = page.render(scale=dpi / 72.0, rev_byteorder=True, draw_annots=True,
                         bitmap_maker=pypdfium2.PdfBitmap.new_native)
    try:
        pixels = bitmap.to_numpy()
        if pixels.ndim == 2:
            pixels = np.repeat(pixels[:, :, None], 3, axis=2)
        rgb = pixels if pixels.shape[2] == 3 else np.array(pixels[:, :, :3], dtype=np.uint8, copy=True)
    finally:
        bitmap.close()
    return Rendered(rgb=np.asarray(rgb, dtype=np.uint8), dpi=dpi)
