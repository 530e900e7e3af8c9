"""Small pictures of pages with marks or findings, for visual reports."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from ._results import PageImage

if TYPE_CHECKING:
    import numpy as np

__all__ = ["THUMBNAIL_EDGE", "thumbnail"]

#: Long edge, in pixels, of the page pictures made for visual reports.
THUMBNAIL_EDGE = 1000


def thumbnail(rgb: np.ndarray, page: int, page_width: float) -> PageImage:
    """A JPEG of ``rgb`` no longer than :data:`THUMBNAIL_EDGE`, scaled against the page's width."""
    from PIL import Image

    height, width = rgb.shape[:2]
    factor = min(1.0, THUMBNAIL_EDGE / max(width, height, 1))
    picture = Image.fromarray(rgb, "RGB")
    if factor < 1.0:
        picture = picture.resize((max(1, round(width * factor)), max(1, round(height * factor))),
                                 Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=82, optimize=True)
    return PageImage(page=page, width=picture.width, height=picture.height,
                     scale=picture.width / page_width if page_width else 1.0,
                     media_type="image/jpeg", data=buffer.getvalue())
