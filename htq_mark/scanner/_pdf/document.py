"""Open a PDF with pypdfium2 (pages, rendering, text) and, when needed, pypdf (structure).

PDFs encrypted with an empty user password open like any other; others need
the password. Damage, encryption and limits become typed errors naming the file.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ...errors import EncryptedDocumentError, LimitExceededError, UnreadableFileError
from .._reason import reason
from .._limits import Limits
from .geometry import Matrix, view_matrix

if TYPE_CHECKING:
    import pypdfium2

__all__ = ["PageBox", "open_pdf", "page_box"]

_PASSWORD_ERROR = 4  # FPDF_ERR_PASSWORD
_SECURITY_ERROR = 6  # FPDF_ERR_SECURITY


@dataclass(frozen=True)
class PageBox:
    """A page's crop box, rotation, size as shown (points) and view transform."""

    crop: tuple[float, float, float, float]
    rotation: int
    width: float
    height: float
    view: Matrix


def page_box(page: pypdfium2.PdfPage) -> PageBox:
    """The geometry of a pdfium page as a viewer shows it."""
    rotation = int(page.get_rotation()) % 360
    width, height = (float(v) for v in page.get_size())  # already swapped for /Rotate 90/270
    # The box pdfium draws: the crop box within the media box, its corners either way round (as viewers
    # take them), or the media box (or a size of pdfium's own) where the crop box is empty or malformed.
    x0, y0, x1, y1 = (float(v) for v in page.get_bbox())
    return PageBox(crop=(x0, y0, x1, y1), rotation=rotation, width=width, height=height,
                   view=view_matrix((x0, y0, x1, y1), rotation))


def _reset_last_error() -> None:
    """Leave pdfium's last error at "format" (a load of a bare header fails so).

    Some loads fail without setting the error, which then still tells of the
    document before (a password error, say); this way such a failure reads as
    damage, whatever came before.
    """
    import pypdfium2

    try:
        pypdfium2.PdfDocument(b"%PDF-1.0\n").close()
    except pypdfium2.PdfiumError:
        pass


@contextmanager
def open_pdf(data: bytes, name: str, password: str | None, limits: Limits) -> Iterator[pypdfium2.PdfDocument]:
    """Open the PDF in ``data`` with pdfium; closes it on exit."""
    import pypdfium2

    _reset_last_error()
    try:
        try:
            document = pypdfium2.PdfDocument(data, password=password)
        except pypdfium2.PdfiumError as first:
            # A password is given for the batch; a PDF that needs none (an empty user password, owner
            # restrictions only) opens without it, as the structure reader opens it.
            if not password or getattr(first, "err_code", None) != _PASSWORD_ERROR:
                raise
            document = pypdfium2.PdfDocument(data, password=None)
    except pypdfium2.PdfiumError as exc:
        code = getattr(exc, "err_code", None)
        if code in (_PASSWORD_ERROR, _SECURITY_ERROR):
            if password:
                raise EncryptedDocumentError(name, "the password given does not open this PDF; "
                                                   "check it and pass the right one with password=....") from exc
            raise EncryptedDocumentError(name, "the PDF is encrypted and needs a password; "
                                               "pass it with password=....") from exc
        raise UnreadableFileError(name, f"the PDF is damaged and cannot be opened ({reason(exc)}); "
                                        "save or export it again.") from exc
    try:
        try:
            pages = len(document)
        except Exception as exc:  # pdfium's page tree errors surface here
            raise UnreadableFileError(
                name, f"the PDF's page tree is damaged ({reason(exc)}); export it again.") from exc
        if pages == 0:
            raise UnreadableFileError(name, "the PDF has no pages that can be read; export it again.")
        if pages > limits.max_pages:
            raise LimitExceededError(name, f"the PDF has {pages} pages; the limit is {limits.max_pages}. "
                                           "Split it or raise limits.max_pages.")
        yield document
    finally:
        document.close()


def open_structure(data: bytes, name: str, password: str | None) -> Any:
    """A pypdf reader for the document's structure (decrypted), or raise a typed error."""
    import io

    import pypdf

    try:
        reader = pypdf.PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            result = reader.decrypt(password or "")
            if not result and password:
                result = reader.decrypt("")
            if not result:
                raise EncryptedDocumentError(name, "pypdf could not decrypt the PDF with the password given.")
    except (EncryptedDocumentError, MemoryError):
        raise
    except Exception as exc:  # noqa: BLE001 - pypdf raises PyPdfError and many built-in kinds on damaged files
        raise UnreadableFileError(
            name, f"the PDF's structure cannot be read ({type(exc).__name__}: {reason(exc)}).") from exc
    return reader
