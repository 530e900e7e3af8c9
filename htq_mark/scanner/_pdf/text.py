"""A page's text, and where any stretch of it is, from pypdfium2."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from .geometry import Matrix, apply, bounds

if TYPE_CHECKING:
    import pypdfium2

__all__ = ["PageText", "page_text"]

_MAX_CHARS = 2_000_000


class PageText:
    """The text of an open page; :meth:`box` locates a stretch of it in view space."""

    def __init__(self, textpage: pypdfium2.PdfTextPage | None, view: Matrix,
                 crop: tuple[float, float, float, float] | None = None) -> None:
        self._textpage = textpage
        self._view = view
        self._count = min(textpage.count_chars(), _MAX_CHARS) if textpage is not None else 0
        self.text = textpage.get_text_range(0, self._count) if self._count > 0 and textpage else ""
        if crop is not None and textpage is not None and self.text:
            self.text = _shown(textpage, self.text, crop)

    def box(self, start: int, end: int) -> tuple[float, float, float, float] | None:
        """The box (points, y down) around characters ``start`` to ``end``, or None."""
        if self._textpage is None:
            return None
        corners = []
        for index in range(max(start, 0), min(end, self._count)):
            if self.text[index:index + 1].isspace():
                continue
            try:
                left, bottom, right, top = self._textpage.get_charbox(index)
            except Exception:  # noqa: BLE001 - pdfium on a damaged text layer: the character has no box
                continue
            if right > left or top > bottom:
                corners += [apply(self._view, (left, bottom)), apply(self._view, (right, top))]
        return bounds(corners) if corners else None


def _shown(textpage: pypdfium2.PdfTextPage, text: str, crop: tuple[float, float, float, float]) -> str:
    """``text`` with each character wholly outside ``crop`` (the page's visible box) made a space.

    Such text is never displayed or printed, so it names no qualification. Blanked
    rather than removed, each character keeps its place (boxes are found by index).
    """
    left, bottom, right, top = crop
    inside = textpage.get_text_bounded(left=left, bottom=bottom, right=right, top=top)
    if "".join(inside.split()) == "".join(text.split()):
        return text  # all of it shows (nearly every page): one call instead of one a character
    characters = list(text)
    for index, character in enumerate(characters):
        if character.isspace():
            continue
        try:
            x0, y0, x1, y1 = textpage.get_charbox(index)
        except Exception:  # noqa: BLE001 - pdfium on a damaged text layer: the character has no box
            continue
        if x1 < left or x0 > right or y1 < bottom or y0 > top:
            characters[index] = " "
    return "".join(characters)


@contextmanager
def page_text(page: pypdfium2.PdfPage, view: Matrix,
              crop: tuple[float, float, float, float] | None = None) -> Iterator[PageText]:
    """The page's text for the duration of the block (empty if it cannot be read), less what lies wholly
    outside ``crop`` (the page's visible box), if given."""
    try:
        textpage = page.get_textpage()
    except Exception:  # noqa: BLE001 - a page whose text layer pdfium cannot load simply has no text
        yield PageText(None, view)
        return
    try:
        try:
            text = PageText(textpage, view, crop)
        except Exception:  # noqa: BLE001 - nor one whose characters it cannot read
            text = PageText(None, view)
        yield text
    finally:
        textpage.close()
