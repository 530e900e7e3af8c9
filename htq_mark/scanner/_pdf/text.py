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

    def __init__(self, textpage: pypdfium2.PdfTextPage | None, view: Matrix) -> None:
        self._textpage = textpage
        self._view = view
        self._count = min(textpage.count_chars(), _MAX_CHARS) if textpage is not None else 0
        self.text = textpage.get_text_range(0, self._count) if self._count > 0 and textpage else ""

    def box(self, start: int, end: int) -> tuple[float, float, float, float] | None:
        """The box (points, y down) around characters ``start`` to ``end``, or None."""
        if self._textpage is None:
            return None
        corners = []
        for index in range(max(start, 0), min(end, self._count)):
            if self.text[index:index + 1].isspace():
                continue
            left, bottom, right, top = self._textpage.get_charbox(index)
            if right > left or top > bottom:
                corners += [apply(self._view, (left, bottom)), apply(self._view, (right, top))]
        return bounds(corners) if corners else None


@contextmanager
def page_text(page: pypdfium2.PdfPage, view: Matrix) -> Iterator[PageText]:
    """The page's text for the duration of the block (empty if it cannot be read)."""
    try:
        textpage = page.get_textpage()
    except Exception:  # noqa: BLE001 - a page whose text layer pdfium cannot load simply has no text
        yield PageText(None, view)
        return
    try:
        yield PageText(textpage, view)
    finally:
        textpage.close()
