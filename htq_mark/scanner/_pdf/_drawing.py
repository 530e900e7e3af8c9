"""Whether anything on a PDF page could draw the mark, read from the page's objects without rendering it.

The mark reaches a page as a picture or as vector drawing (paths, shadings, a form
XObject holding either, an annotation's appearance). A page whose objects are all
text in ordinary fonts draws only glyphs, so rendering and searching it cannot find
a mark; about half the pages of real documents are such pages. Text draws only its
glyphs' shapes, whatever fills them, except in a Type 3 font, whose glyphs are drawings
(and may hold pictures): such text counts as drawing, as does anything pdfium cannot describe.
A glyph's shape can be a picture too: icon fonts put theirs at code points of Unicode's
Private Use Area, so a page whose text holds any is searched as well (see :func:`may_be_pictures`).
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


def _outline_font(raw: Any, font: Any) -> bool:
    """Whether ``font`` draws its glyphs from a font program (a Type 3 font has none: its glyphs are drawings)."""
    size = ctypes.c_size_t(0)
    return bool(raw.FPDFFont_GetFontData(font, None, 0, ctypes.byref(size))) and size.value > 0


def may_be_pictures(text: str) -> bool:
    """Whether a page's ``text`` holds characters of a Private Use Area, where icon fonts draw pictures."""
    return _PRIVATE_USE.search(text) is not None
