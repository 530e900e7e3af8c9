"""Whether anything on a PDF page could draw the mark, read from the page's objects without rendering it.

The mark reaches a page as a picture or as vector drawing (paths, shadings, a form
XObject holding either, an annotation's appearance). A page whose objects are all
text in ordinary fonts draws only glyphs, so rendering and searching it cannot find
a mark; about half the pages of real documents are such pages. Text draws only its
glyphs' shapes, whatever fills them, except in a Type 3 font, whose glyphs are drawings
(and may hold pictures): such text counts as drawing, as does anything pdfium cannot describe.
A glyph's shape can be a picture too: icon fonts put theirs at code points of Unicode's
Private Use Area, so a page whose text holds any is searched as well (see :func:`may_be_pictures`).

Rules (a heading's underline, a table's lines, a header's bar) draw nothing that could be
the mark either, and are counted with the text: a path that is one straight line or one
rectangle square to the page (so no join of its outline can reach beyond its box), too thin
to hold the smallest mark searched for, lying clear of any other such path along it (strips
side by side could fill a shape between them), on a page with few of them (many thin ones
crossing could make up a picture of the mark, as a print's screen does). So is a link
annotation without an appearance of its own, which viewers and pdfium do not draw. Most
pages of reports and papers hold only these.
"""

from __future__ import annotations

import ctypes
import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pypdfium2

__all__ = ["may_be_pictures", "may_draw_mark"]

# Unicode's Private Use Areas: the Basic Multilingual Plane's and planes 15 and 16.
_PRIVATE_USE = re.compile("[\ue000-\uf8ff\U000f0000-\U0010ffff]")

#: Pages with more objects than this are rendered without looking at each one (the look would cost more).
MAX_OBJECTS_LOOKED_AT = 20_000
#: A straight line or rectangle thinner than this share of the smallest mark's height is a rule...
RULE_SHARE = 1 / 3
#: ...and a page with more rules than this is searched (a table has fewer; a mark drawn in strips, more).
MAX_RULES = 60
#: Pages with more annotations than this are rendered without looking at each one.
MAX_ANNOTATIONS_LOOKED_AT = 500
#: A rule's numbers (page units) stay within this: beyond it, single-precision rounding can make pdfium's
#: box of a wide path look thin.
RULE_REACH = 1e5

Box = tuple[float, float, float, float]  # left, bottom, right, top (page units)
# Text render modes that stroke the glyphs' outlines (with or without filling or clipping).
_STROKED = frozenset({1, 2, 5, 6})


def may_draw_mark(page: pypdfium2.PdfPage, smallest_mark: float = 0.0) -> bool:
    """False only if ``page`` shows nothing but text in fonts whose glyphs are outlines, rules and links.

    ``smallest_mark`` is the height (page units) of the smallest mark searched for: a straight
    line or a rectangle square to the page thinner than RULE_SHARE of it is a rule, unless
    another lies alongside it closer than that height or the page has more than MAX_RULES.
    With 0, every path may draw a mark. Links count only without an appearance stream.
    """
    import pypdfium2.raw as raw

    handle = page.raw
    count = raw.FPDFPage_CountObjects(handle)
    if count < 0 or count > MAX_OBJECTS_LOOKED_AT or not hasattr(raw, "FPDFFont_GetFontData"):
        return True
    plain_fonts: set[int | None] = set()
    rules: list[Box] = []
    for index in range(count):
        item = raw.FPDFPage_GetObject(handle, index)
        kind = raw.FPDFPageObj_GetType(item) if item else None
        if kind == raw.FPDF_PAGEOBJ_PATH and smallest_mark > 0:
            box = _rule_box(raw, item, RULE_SHARE * smallest_mark)
            if box is None or len(rules) == MAX_RULES:
                return True
            rules.append(box)
            continue
        if kind != raw.FPDF_PAGEOBJ_TEXT or not _only_glyphs(raw, item):
            return True
        font = raw.FPDFTextObj_GetFont(item)
        key = ctypes.cast(font, ctypes.c_void_p).value
        if key in plain_fonts:
            continue
        if not font or not _outline_font(raw, font):
            return True
        plain_fonts.add(key)
    return not _annotations_draw_nothing(raw, handle) or _side_by_side(rules, smallest_mark)


def _only_glyphs(raw: Any, item: Any) -> bool:
    """Whether a text object paints its glyphs' shapes and nothing else: not stroked (a wide pen paints
    beyond them), without transparency (a soft mask can cut a large glyph to any shape) and not clipped
    but by a rectangle around all of it (so can a clip)."""
    if raw.FPDFTextObj_GetTextRenderMode(item) in _STROKED or raw.FPDFPageObj_HasTransparency(item):
        return False
    clip = raw.FPDFPageObj_GetClipPath(item)
    if not clip:
        return True
    paths = raw.FPDFClipPath_CountPaths(clip)
    if paths <= 0:  # -1: a clip object holding no path
        return True
    if paths != 1:
        return False
    box = _bounds(raw, item)
    corners = _clip_points(raw, clip)
    if box is None or corners is None or not _square_rectangle(corners):
        return False
    xs, ys = [x for x, _ in corners], [y for _, y in corners]
    return min(xs) <= box[0] and min(ys) <= box[1] and max(xs) >= box[2] and max(ys) >= box[3]


def _clip_points(raw: Any, clip: Any) -> list[tuple[float, float]] | None:
    """The points of a clip's one path if it has straight sides only (at most 5 points), else None."""
    count = raw.FPDFClipPath_CountPathSegments(clip, 0)
    if not 4 <= count <= 5:
        return None
    return _line_points(raw, [raw.FPDFClipPath_GetPathSegment(clip, 0, index) for index in range(count)])


def _line_points(raw: Any, segments: list[Any]) -> list[tuple[float, float]] | None:
    """The points of path ``segments`` that move to a point and draw straight lines on from it, else None."""
    points = []
    x, y = ctypes.c_float(), ctypes.c_float()
    for index, segment in enumerate(segments):
        kind = raw.FPDFPathSegment_GetType(segment) if segment else None
        if kind != (raw.FPDF_SEGMENT_MOVETO if index == 0 else raw.FPDF_SEGMENT_LINETO) \
                or not raw.FPDFPathSegment_GetPoint(segment, ctypes.byref(x), ctypes.byref(y)):
            return None
        points.append((x.value, y.value))
    return points


def _annotations_draw_nothing(raw: Any, handle: Any) -> bool:
    """Whether every annotation of the page is a link without an appearance stream (pdfium draws none)."""
    count = raw.FPDFPage_GetAnnotCount(handle)
    if count > MAX_ANNOTATIONS_LOOKED_AT:
        return False
    for index in range(count):
        annotation = raw.FPDFPage_GetAnnot(handle, index)
        if not annotation:
            return False
        try:
            if raw.FPDFAnnot_GetSubtype(annotation) != raw.FPDF_ANNOT_LINK \
                    or raw.FPDFAnnot_HasKey(annotation, b"AP"):
                return False
        finally:
            raw.FPDFPage_CloseAnnot(annotation)
    return True


def _rule_box(raw: Any, item: Any, thinner_than: float) -> Box | None:
    """The box of a path object that is a rule (see the module's text) thinner than ``thinner_than``, else None.

    pdfium's box of a path holds its stroke's width but not every miter of a join that
    nearly turns back: only outlines without such joins are taken at their box's word.
    """
    matrix = raw.FS_MATRIX()
    if not raw.FPDFPageObj_GetMatrix(item, ctypes.byref(matrix)):
        return None
    a, b, c, d, e, f = matrix.a, matrix.b, matrix.c, matrix.d, matrix.e, matrix.f
    if not ((b == 0 and c == 0) or (a == 0 and d == 0)):
        return None  # turned or sheared: a rectangle's corners may not stay square
    points = _straight_points(raw, item)
    if points is None or not (len(points) == 2 or _square_rectangle(points)):
        return None
    # Its outline placed on the page in double precision, which pdfium's box must hold.
    placed = [(a * x + c * y + e, b * x + d * y + f) for x, y in points]
    box = _bounds(raw, item)
    values = (a, b, c, d, e, f, *(box or ()), *(value for point in [*points, *placed] for value in point))
    if box is None or not all(abs(value) <= RULE_REACH for value in values):  # NaN fails too
        return None
    xs, ys = [x for x, _ in placed], [y for _, y in placed]
    box = min(box[0], *xs), min(box[1], *ys), max(box[2], *xs), max(box[3], *ys)
    if min(box[2] - box[0], box[3] - box[1]) >= thinner_than:
        return None
    return box


def _straight_points(raw: Any, item: Any) -> list[tuple[float, float]] | None:
    """The points of a path of one open straight line or one closed outline of straight sides, else None."""
    count = raw.FPDFPath_CountSegments(item)
    if not 2 <= count <= 5:
        return None
    segments = [raw.FPDFPath_GetPathSegment(item, index) for index in range(count)]
    if count == 2 and any(segment and raw.FPDFPathSegment_GetClose(segment) for segment in segments):
        return None  # a line drawn there and back: its ends are joins
    return _line_points(raw, segments)


def _square_rectangle(points: list[tuple[float, float]]) -> bool:
    """Whether ``points`` (4, or 5 with the first again) go round a rectangle with sides along the axes."""
    if len(points) == 5 and points[4] == points[0]:
        points = points[:4]
    if len(points) != 4:
        return False
    # Each side changes one coordinate, the other one than the side before (no side turns back).
    changes = [(x0 != x1, y0 != y1) for (x0, y0), (x1, y1) in zip(points, points[1:] + points[:1])]
    return all(along_x != along_y for along_x, along_y in changes) and \
        all(changes[index][0] != changes[index - 1][0] for index in range(4))


def _bounds(raw: Any, item: Any) -> Box | None:
    """The page object's box as pdfium works it out (a stroke's width included), or None if it has none."""
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    if not raw.FPDFPageObj_GetBounds(item, ctypes.byref(left), ctypes.byref(bottom), ctypes.byref(right),
                                     ctypes.byref(top)):
        return None
    return left.value, bottom.value, right.value, top.value


def _side_by_side(rules: list[Box], reach: float) -> bool:
    """Whether two rules running the same way, overlapping along it, lie closer than ``reach`` across it.

    Strips side by side (a picture or a filled shape drawn a row at a time) could make up a mark.
    """
    across_rows = sorted((box for box in rules if box[2] - box[0] >= box[3] - box[1]), key=lambda box: box[1])
    across_columns = sorted(((b, l, t, r) for l, b, r, t in rules if r - l < t - b), key=lambda box: box[1])
    for boxes in (across_rows, across_columns):  # (along from, across from, along to, across to)
        for index, (start, low, end, high) in enumerate(boxes):
            for other_start, other_low, other_end, _ in boxes[index + 1:]:
                if other_low - high >= reach:
                    break
                if other_start < end and start < other_end:
                    return True
    return False


def _outline_font(raw: Any, font: Any) -> bool:
    """Whether ``font`` draws its glyphs from a font program (a Type 3 font has none: its glyphs are drawings)."""
    size = ctypes.c_size_t(0)
    return bool(raw.FPDFFont_GetFontData(font, None, 0, ctypes.byref(size))) and size.value > 0


def may_be_pictures(text: str) -> bool:
    """Whether a page's ``text`` holds characters of a Private Use Area, where icon fonts draw pictures."""
    return _PRIVATE_USE.search(text) is not None
