"""Files that are both an image and a PDF: each reading that works is scanned, with a ``polyglot`` note."""

from __future__ import annotations

from ..errors import InputError
from ._context import Collected, ScanContext
from ._image_scan import scan_image
from ._pdf_scan import scan_pdf
from ._results import Note
from ._sniff import DocumentKind

__all__ = ["scan_also_as_pdf", "scan_image_or_pdf"]


def scan_image_or_pdf(data: bytes, kind: DocumentKind, password: str | None, context: ScanContext,
                      out: Collected) -> DocumentKind:
    """Scan a file that starts like an image and holds a PDF header; returns the kind it was read as.

    If no image reader accepts it, it is scanned as the PDF it also is, with a ``polyglot`` note;
    if neither does, the image's error is raised.
    """
    try:
        scan_image(data, kind, context, out)
        return kind
    except InputError as image_error:
        for collected in (out.pages, out.marks, out.findings, out.images):
            collected.clear()
        try:
            scan_pdf(data, password, context, out)
        except InputError:
            raise image_error from None
        out.notes.append(Note("polyglot", f"the file starts like a {kind.upper()} but cannot be read as one "
                                          f"({image_error.detail}); it was scanned as the PDF it also is"))
        return "pdf"


def scan_also_as_pdf(data: bytes, kind: str, other: str, password: str | None, context: ScanContext,
                     out: Collected) -> None:
    """Scan a file already read as an image again as a PDF, which PDF readers also accept.

    Its PDF pages are numbered after the image's frames, and a ``polyglot`` note
    says so. If no PDF reader part accepts it, it is only an image: nothing is added.
    """
    first_page = len(out.pages) + 1
    marks_before = len(out.marks)
    attempt = Collected(marks=out.marks)  # one list, so mark ids go on from the image's
    try:
        scan_pdf(data, password, context, attempt, first_page)
    except InputError:
        del out.marks[marks_before:]
        return
    last_page = first_page + len(attempt.pages) - 1
    pages = f"page {first_page} is" if last_page == first_page else f"pages {first_page}-{last_page} are"
    out.notes.append(Note("polyglot", f"the file is both a valid {kind.upper()} and a valid {other.upper()}; it "
                                      f"was scanned as each, and {pages} the file read as {other.upper()}",
                          page=first_page))
    out.pages.extend(attempt.pages)
    out.findings.extend(attempt.findings)
    out.images.extend(attempt.images)
    out.notes.extend(attempt.notes)
