"""Whether anything on a PDF page could draw the mark, read from the page's objects without rendering it.

The mark reaches a page as a picture or as vector drawing (paths, shadings, a form
XObject holding either, an annotation's appearance). A page whose objects are all
text in ordinary fonts draws only glyphs, so rendering and searching it cannot find
a mark; about half the pages of real documents are such pages. Text draws only its
glyphs' shapes, whatever fills them, except in a Type 3 font, whose glyphs are drawings
(and may hold pictures): such text counts as drawing, as does anything pdfium cannot describe.
A glyph's shape can be a picture too: icon fonts put theirs at code points of Unicode's
Private Use Area, so a page whose text holds any is searched as well (see :func:`may_be_pictures`).
For the same reason, text clear of everything else drawn on a page (beyond where a mark's clear
space could reach) cannot be part of a mark, and need not be searched (:func:`plain_text_boxes`).
"""

from __future__ import annotations

import ctypes
import math
import re
from typing import TYPE_CHECKING, Any

from .geometry import Matrix

if TYPE_CHECKING:
    import numpy as np
    import pypdfium2
    from numpy.typing import NDArray

__all__ = ["may_be_pictures", "may_draw_mark", "plain_text_boxes"]

# Unicode's Private Use Areas: the Basic Multilingual Plane's and planes 15 and 16.
_PRIVATE_USE = re.compile("[\ue000-\uf8ff\U000f0000-\U0010ffff]")

#: Pages with more objects than this are rendered without looking at each one (the look would cost more).
MAX_OBJECTS_LOOKED_AT = 20_000
#: Points added all round the reach of a drawing's clear space (outlines and anti-aliasing spill a little).
DRAWING_PAD_PT = 3.0
#: Drawn boxes closer than this (points) are taken to touch: one group that may hold a mark.
TOUCHING_PT = 1.0
#: The grid text and drawings are placed on: cells at least this wide (points), and at most this many.
GRID_CELL_PT = 4.0
MAX_GRID_CELLS = 400_000

BBox = tuple[float, float, float, float]


def may_draw_mark(page: pypdfium2.PdfPage) -> bool:
    """False only if every object on ``page`` is text in a font whose glyphs are outlines, with no annotation."""
    import pypdfium2.raw as raw

    handle = page.raw
    if raw.FPDFPage_GetAnnotCount(handle) != 0:
        return True
    count = raw.FPDFPage_CountObjects(handle)
    if count < 0 or count > MAX_OBJECTS_LOOKED_AT or not hasattr(raw, "FPDFFont_GetFontData"):
        return True
    plain_fonts: set[int | None] = set()
    for index in range(count):
        item = raw.FPDFPage_GetObject(handle, index)
        if not item or raw.FPDFPageObj_GetType(item) != raw.FPDF_PAGEOBJ_TEXT:
            return True
        font = raw.FPDFTextObj_GetFont(item)
        key = ctypes.cast(font, ctypes.c_void_p).value
        if key in plain_fonts:
            continue
        if not font or not _outline_font(raw, font):
            return True
        plain_fonts.add(key)
    return False


def plain_text_boxes(page: pypdfium2.PdfPage, view: Matrix, size: tuple[float, float],
                     clear_space_ratio: float) -> list[BBox]:
    """Top-left-origin boxes (points, in ``view``; the page is ``size`` as shown) of the text on ``page``
    that lies clear of all else drawn.

    Text in outline fonts draws only glyphs, which cannot make a mark's outline. Everything
    else drawn (pictures, paths, forms, annotations), with what touches it, may hold a mark
    no taller than the group's shorter side; text beyond that group's clear space (its
    shorter side times ``clear_space_ratio``, and :data:`DRAWING_PAD_PT`) is in no mark's
    clear space either, so nothing found or measured depends on it. Empty where the page
    cannot be read so: an object or annotation whose bounds pdfium cannot give, or too many objects.
    """
    import numpy as np
    import pypdfium2.raw as raw

    handle = page.raw
    count = raw.FPDFPage_CountObjects(handle)
    if count <= 0 or count > MAX_OBJECTS_LOOKED_AT or not hasattr(raw, "FPDFFont_GetFontData"):
        return []
    edges = [ctypes.c_float() for _ in range(4)]
    edge_pointers = [ctypes.byref(edge) for edge in edges]
    boxes: list[tuple[float, float, float, float]] = []  # in PDF user space: left, bottom, right, top
    is_text: list[bool] = []
    plain_fonts: set[int | None] = set()
    for index in range(count):
        item = raw.FPDFPage_GetObject(handle, index)
        if not item or not raw.FPDFPageObj_GetBounds(item, *edge_pointers):
            return []
        boxes.append((edges[0].value, edges[1].value, edges[2].value, edges[3].value))
        plain = False
        if raw.FPDFPageObj_GetType(item) == raw.FPDF_PAGEOBJ_TEXT:
            font = raw.FPDFTextObj_GetFont(item)
            key = ctypes.cast(font, ctypes.c_void_p).value
            plain = key in plain_fonts or bool(font and _outline_font(raw, font))
            if plain:
                plain_fonts.add(key)
        is_text.append(plain)
    if not any(is_text):
        return []
    annotations = _annotation_boxes(raw, handle)
    if annotations is None:
        return []
    placed = _in_view(boxes + annotations, view)
    if not np.isfinite(placed).all():  # bounds pdfium gives for a damaged object: where it draws is unknown
        return []
    text = placed[:count][np.array(is_text)]
    return _clear_of(text, np.concatenate([placed[:count][~np.array(is_text)], placed[count:]]), size,
                     clear_space_ratio)


def _in_view(boxes: list[tuple[float, float, float, float]], view: Matrix) -> NDArray[np.float64]:
    """``boxes`` (left, bottom, right, top in PDF user space) as boxes in ``view`` (x0, y0, x1, y1)."""
    import numpy as np

    a, b, c, d, e, f = view
    corners = np.array(boxes, np.float64).reshape(-1, 4)
    xs = corners[:, [0, 2]] * a + corners[:, [1, 3]] * c + e
    ys = corners[:, [0, 2]] * b + corners[:, [1, 3]] * d + f
    return np.stack([xs.min(axis=1), ys.min(axis=1), xs.max(axis=1), ys.max(axis=1)], axis=1)


def _annotation_boxes(raw: Any, handle: Any) -> list[tuple[float, float, float, float]] | None:
    """The rectangles of the page's annotations (their appearances are drawn there), in PDF user space;
    None if one cannot be read."""
    found = []
    for index in range(raw.FPDFPage_GetAnnotCount(handle)):
        annotation = raw.FPDFPage_GetAnnot(handle, index)
        if not annotation:
            return None
        try:
            rect = raw.FS_RECTF()
            if not raw.FPDFAnnot_GetRect(annotation, ctypes.byref(rect)):
                return None
        finally:
            raw.FPDFPage_CloseAnnot(annotation)
        found.append((rect.left, rect.bottom, rect.right, rect.top))
    return found


def _clear_of(text: NDArray[np.float64], drawn: NDArray[np.float64], size: tuple[float, float], ratio: float
              ) -> list[BBox]:
    """The ``text`` boxes beyond the clear space of every group of touching ``drawn`` boxes.

    Worked out on a grid of cells a few points wide over the page and a page's breadth
    around it (what lies farther off is never rendered), every box grown to whole cells.
    """
    import cv2
    import numpy as np

    if not len(drawn):
        return [(x0, y0, x1, y1) for x0, y0, x1, y1 in text.tolist()]
    width, height = max(size[0], 1.0), max(size[1], 1.0)
    cell = max(GRID_CELL_PT, math.sqrt(9.0 * width * height / MAX_GRID_CELLS))
    columns, rows = math.ceil(3 * width / cell) + 1, math.ceil(3 * height / cell) + 1

    def cells(boxes: NDArray[np.float64], grow: NDArray[np.float64] | float) -> NDArray[np.int32]:
        """``boxes`` (x0, y0, x1, y1 in points) grown by ``grow`` as inclusive cell ranges on the grid."""
        grown = boxes + np.multiply.outer(np.asarray(grow, np.float64), [-1.0, -1.0, 1.0, 1.0])
        low = np.floor((grown[:, :2] + (width, height)) / cell)
        high = np.floor((grown[:, 2:] + (width, height)) / cell)
        limits = (columns - 1, rows - 1)
        return np.concatenate([np.clip(low, 0, limits), np.clip(high, 0, limits)], axis=1).astype(np.int32)

    touching = np.zeros((rows, columns), np.uint8)
    for x0, y0, x1, y1 in cells(drawn, TOUCHING_PT).tolist():
        touching[y0:y1 + 1, x0:x1 + 1] = 1
    groups, _, stats, _ = cv2.connectedComponentsWithStats(touching, connectivity=8)
    group_boxes = stats[1:groups, :4].astype(np.float64) * cell  # x, y, width, height in points, on the grid
    reach = ratio * np.minimum(group_boxes[:, 2], group_boxes[:, 3]) + DRAWING_PAD_PT
    kept = np.zeros((rows, columns), np.uint8)
    origin = np.array([width, height, width, height])  # the grid starts a page's breadth before the page
    corners = np.concatenate([group_boxes[:, :2], group_boxes[:, :2] + group_boxes[:, 2:]], axis=1) - origin
    for x0, y0, x1, y1 in cells(corners, reach).tolist():
        kept[y0:y1 + 1, x0:x1 + 1] = 1
    counts = cv2.integral(kept)
    t = cells(text, 0.0)
    inside = counts[t[:, 3] + 1, t[:, 2] + 1] - counts[t[:, 1], t[:, 2] + 1] - counts[t[:, 3] + 1, t[:, 0]] \
        + counts[t[:, 1], t[:, 0]]
    return [(x0, y0, x1, y1) for x0, y0, x1, y1 in text[inside == 0].tolist()]


def _outline_font(raw: Any, font: Any) -> bool:
    """Whether ``font`` draws its glyphs from a font program (a Type 3 font has none: its glyphs are drawings)."""
    size = ctypes.c_size_t(0)
    return bool(raw.FPDFFont_GetFontData(font, None, 0, ctypes.byref(size))) and size.value > 0


def may_be_pictures(text: str) -> bool:
    """Whether a page's ``text`` holds characters of a Private Use Area, where icon fonts draw pictures."""
    return _PRIVATE_USE.search(text) is not None
