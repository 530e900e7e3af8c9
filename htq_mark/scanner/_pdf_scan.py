"""The PDF page loop: render each page, search it, measure marks against the PDF's structure, judge."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from ..errors import InputError, UnreadableFileError
from ._context import Collected, ScanContext
from ._limits import Limits
from ._marks import pdf_mark
from ._pdf._drawing import may_be_pictures, may_draw_mark
from ._pdf.document import open_pdf, open_structure, page_box
from ._pdf.placements import Placement, find_placements
from ._pdf.render import Rendered, render_dpi_for, render_page
from ._pdf.text import page_text
from ._pdf.user_unit import may_set_user_unit, page_user_unit
from ._pdf.vectors import vector_boxes
from ._picture import combined_text, find_in_picture, read_picture_text, wants_ocr
from ._reason import reason
from ._results import Mark, Note, PageInfo
from ._rules import MarkFacts, check_mark, check_page_qualifications
from ._text import read_text_facts
from ._thumbnails import thumbnail

if TYPE_CHECKING:
    from ..kit import Spec

__all__ = ["scan_pdf"]

# A page rendered at less than this share of the spec's resolution on the printed page gets a note.
NOTED_BELOW = 0.995


class _Structure:
    """pypdf's view of the document, opened on first need (only pages with marks, or with a /UserUnit, need it)."""

    def __init__(self, data: bytes, name: str, password: str | None, notes: list[Note]) -> None:
        self.data, self.name, self.password, self.notes = data, name, password, notes
        self.reader: Any = None
        self.failed = False
        self._may_set_user_unit: bool | None = None

    def _opened(self) -> Any:
        """The reader, or None (with a note, once) if the structure cannot be read."""
        if self.reader is None and not self.failed:
            try:
                self.reader = open_structure(self.data, self.name, self.password)
            except InputError as exc:
                self.failed = True
                self.notes.append(Note("structure-unreadable", f"the document's structure could not be read, so "
                                                               f"marks were measured from pixels only ({exc.detail})"))
        return self.reader

    def placements(self, index: int, number: int, view: Any, limits: Limits) -> list[Placement]:
        reader = self._opened()
        if reader is None:
            return []
        scan = find_placements(reader, index, view, limits)
        self.notes.extend(Note("structure-unreadable", f"page {number}: {note}; marks on it were judged from "
                                                       "pixels only", page=number) for note in scan.notes)
        return scan.placements

    def user_unit(self, index: int, number: int) -> float:
        """Page ``index``'s /UserUnit (1.0 unless it sets a usable one); a page that sets one gets a note."""
        if self._may_set_user_unit is None:
            self._may_set_user_unit = may_set_user_unit(self.data)
        reader = self._opened() if self._may_set_user_unit else None
        if reader is None:
            return 1.0
        unit, problem = page_user_unit(reader, index)
        if problem is not None:
            self.notes.append(Note("user-unit", f"page {number}: {problem}; it was ignored, so sizes were measured "
                                                "in points", page=number))
        elif unit != 1.0:
            self.notes.append(Note("user-unit", f"page {number} sets /UserUnit {unit:g}: each of its units is "
                                                f"{unit:g}/72 inch, so its sizes in mm are {unit:g} times, and its "
                                                f"pictures' pixels per inch 1/{unit:g} of, what a viewer that "
                                                "ignores /UserUnit shows", page=number))
        return unit


@contextmanager
def _reading_page(name: str, number: int) -> Iterator[None]:
    """pdfium's own errors while it reads a page of the user's file, as that file's :class:`UnreadableFileError`."""
    try:
        yield
    except (InputError, MemoryError):
        raise
    except Exception as exc:  # noqa: BLE001 - pdfium raises PdfiumError, ctypes and value errors on damaged pages
        raise UnreadableFileError(name, f"page {number} could not be read ({type(exc).__name__}: {reason(exc)}); "
                                        "export it again.") from exc


def _scan_page(document: Any, index: int, number: int, context: ScanContext, structure: _Structure,
               out: Collected) -> bool:
    """Scan one page; returns False (with a note) if the page cannot be read."""
    spec = context.kit.spec
    try:
        page = document[index]
    except Exception as exc:  # noqa: BLE001 - pdfium: "Failed to load page"
        out.notes.append(Note("page-unreadable", f"page {number} could not be read ({reason(exc)}); it was skipped",
                              page=number))
        return False
    try:
        with _reading_page(context.name, number):
            box = page_box(page)
        unit = structure.user_unit(index, number)
        out.pages.append(PageInfo(number=number, width=box.width, height=box.height, unit="pt", user_unit=unit))
        # ``dpi`` is pixels per 72 of the page's units, whatever /UserUnit says: rendering a page of larger
        # units finer would cost more and blow its pictures up into blocks; the note says what it misses.
        dpi = render_dpi_for(box.width, box.height, float(spec.scan.render_dpi), context.limits.max_render_pixels)
        with page_text(page, box.view, box.crop) as text:
            # A page of nothing but text (and rules and links) cannot show the mark: it is neither rendered
            # nor searched (unless its picture is to be read anyway), except where its text may be pictures.
            smallest_mark = spec.scan.minimum_detect_width_px / context.kit.aspect_ratio * 72.0 / dpi
            searched = context.ocr == "always" or may_draw_mark(page, smallest_mark) or may_be_pictures(text.text)
            if searched and dpi / unit < NOTED_BELOW * spec.scan.render_dpi:
                out.notes.append(_reduced_resolution(number, dpi, unit, spec))
            rendered = _rendered(page, dpi, number, out) if searched else None
            if searched and rendered is None:
                return False
            found = find_in_picture(rendered.rgb, context) if rendered is not None else []
            placements = structure.placements(index, number, box.view, context.limits) if found else []
            with _reading_page(context.name, number):
                vectors = vector_boxes(page, box.view) if found else []
            before = len(out.findings)
            page_marks: list[Mark] = []
            for detection in found:
                placed = pdf_mark(detection, out.next_mark_id(), number, dpi, placements, vectors, user_unit=unit)
                out.marks.append(placed.mark)
                page_marks.append(placed.mark)
                out.findings.extend(check_mark(
                    MarkFacts(mark=placed.mark, detection=detection, unit="pt", units_per_px=72.0 / dpi,
                              mm_per_px=25.4 * unit / dpi, effective_ppi=placed.effective_ppi),
                    spec))
            read = (read_picture_text(rendered.rgb, out) if rendered is not None
                    and wants_ocr(context.ocr, bool(found), has_text=bool(text.text.strip())) else None)
            words, locate = combined_text(text.text, text.box, read, 72.0 / dpi)
            out.findings.extend(check_page_qualifications(number, read_text_facts(words), page_marks,
                                                          context.register, context.on, locate))
        if context.thumbnails and (found or len(out.findings) > before):
            rendered = rendered if rendered is not None else _rendered(page, dpi, number, out)
            if rendered is not None:
                out.images.append(thumbnail(rendered.rgb, number, box.width))
        return True
    finally:
        page.close()


def _reduced_resolution(number: int, dpi: float, unit: float, spec: Spec) -> Note:
    """The note on a page rendered at less than the spec's resolution on the printed page (``dpi`` per 72 units)."""
    printed = dpi / unit
    smallest = spec.scan.minimum_detect_width_px * 25.4 / printed
    why = "it is very large" if unit <= 1.0 else f"it sets /UserUnit {unit:g}" if dpi >= spec.scan.render_dpi \
        else f"it is very large and sets /UserUnit {unit:g}"
    return Note("reduced-resolution", f"page {number} was rendered at {_plain(printed)} dpi on the printed page "
                                      f"instead of {spec.scan.render_dpi}, as {why}; marks under {_plain(smallest)} mm "
                                      "wide may be missed", page=number)


def _plain(value: float) -> str:
    """``value`` to three significant figures, in digits (no exponent), with thousands separated."""
    if value >= 1000:
        return f"{value:,.0f}"
    return f"{float(f'{value:.3g}'):f}".rstrip("0").rstrip(".")


def _rendered(page: Any, dpi: float, number: int, out: Collected) -> Rendered | None:
    """The page's pixels at ``dpi``; None (with a note) if pdfium cannot draw it."""
    try:
        return render_page(page, dpi)
    except Exception as exc:  # noqa: BLE001 - pdfium rendering failures are per page
        out.notes.append(Note("page-unreadable", f"page {number} could not be rendered ({reason(exc)}); "
                              "it was skipped", page=number))
        return None


def scan_pdf(data: bytes, password: str | None, context: ScanContext, out: Collected, first_page: int = 1) -> None:
    """Scan every page; page numbers start at ``first_page`` (after an image's frames, in a polyglot)."""
    with open_pdf(data, context.name, password, context.limits) as document:
        structure = _Structure(data, context.name, password, out.notes)
        read = 0
        for index in range(len(document)):
            context.check_time()
            read += _scan_page(document, index, first_page + index, context, structure, out)
        if read == 0:
            raise UnreadableFileError(context.name, "no page of the PDF could be read; export it again.")
