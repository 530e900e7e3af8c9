"""Where a page draws vector graphics: the boxes of its path and form objects.

A mark found inside a larger image may be baked into that image, or drawn as
vector paths over it; only the first is a raster mark whose resolution matters.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from .geometry import Matrix, apply, area, bounds

if TYPE_CHECKING:
    import pypdfium2

__all__ = ["drawn_as_vectors", "vector_boxes"]

BBox = tuple[float, float, float, float]
_GRID = 32


def vector_boxes(page: pypdfium2.PdfPage, view: Matrix, limit: int = 20000) -> list[BBox]:
    """Top-left-origin boxes (points) of the page's top-level path and form objects."""
    import pypdfium2.raw as raw

    kinds = (raw.FPDF_PAGEOBJ_PATH, raw.FPDF_PAGEOBJ_FORM)
    boxes: list[BBox] = []
    for index, obj in enumerate(page.get_objects(filter=kinds, max_depth=0)):
        if index >= limit:
            break
        x0, y0, x1, y1 = obj.get_bounds()
        boxes.append(bounds([apply(view, (x0, y0)), apply(view, (x1, y1))]))
    return boxes


def drawn_as_vectors(mark: BBox, boxes: Sequence[BBox], *, share: float = 0.6) -> bool:
    """Whether vector objects lying within ``mark`` cover at least ``share`` of it."""
    import numpy as np

    if area(mark) <= 0:
        return False
    slack_x, slack_y = 0.03 * (mark[2] - mark[0]), 0.03 * (mark[3] - mark[1])
    grid = np.zeros((_GRID, _GRID), dtype=bool)
    scale_x, scale_y = _GRID / (mark[2] - mark[0]), _GRID / (mark[3] - mark[1])
    for box in boxes:
        inside = (box[0] >= mark[0] - slack_x and box[1] >= mark[1] - slack_y
                  and box[2] <= mark[2] + slack_x and box[3] <= mark[3] + slack_y)
        if not inside or area(box) <= 0:
            continue
        c0 = max(0, int((box[0] - mark[0]) * scale_x))
        r0 = max(0, int((box[1] - mark[1]) * scale_y))
        c1 = min(_GRID, int(np.ceil((box[2] - mark[0]) * scale_x)))
        r1 = min(_GRID, int(np.ceil((box[3] - mark[1]) * scale_y)))
        grid[r0:r1, c0:c1] = True
    return float(grid.mean()) >= share
