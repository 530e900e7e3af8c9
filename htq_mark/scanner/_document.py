"""Scan one document: ``scan_document(path_or_bytes, ...) -> DocumentResult``.

The result depends only on the inputs (the document's bytes, the kit, the
register, the date and the options) and is picklable, so documents can be
scanned anywhere. A bad document never raises: it comes back with status
``error`` and one of the contract's codes.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import os
import stat
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from ..errors import (
    InputError,
    LimitExceededError,
    ScanTimeoutError,
    UnreadableFileError,
    UnsupportedFormatError,
    UsageError,
)
from ._reason import reason
from ._alarm import Alarm, AlarmRang
from ._limits import DEFAULT_LIMITS, Limits
from ._ocr import OcrMode, OcrText, check_ocr_mode
from ._results import BBox, DocumentError, DocumentResult, Finding, Mark, Note, PageImage, PageInfo
from ._sniff import HEAD_BYTES, DocumentKind, describe_unsupported, readable_kinds

if TYPE_CHECKING:
    import numpy as np

    from ..kit import Kit
    from ..register import Register
    from ._detect import Detection, References

__all__ = ["THUMBNAIL_EDGE", "scan_document"]

_PACKAGE = Path(__file__).resolve().parents[1]

#: Long edge, in pixels, of the page pictures made for visual reports.
THUMBNAIL_EDGE = 1000


@dataclass
class _Collected:
    """What the page loop gathers for one document."""

    pages: list[PageInfo] = field(default_factory=list)
    marks: list[Mark] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    images: list[PageImage] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)

    def next_mark_id(self) -> str:
        return f"m{len(self.marks) + 1}"


@dataclass(frozen=True)
class _Context:
    """The judging inputs shared by every page of a document."""

    name: str
    kit: Kit
    register: Register
    on: datetime.date
    references: References
    limits: Limits
    thumbnails: bool
    ocr: OcrMode
    deadline: float  # time.perf_counter() value past which the document is stopped

    def check_time(self) -> None:
        """Stop the document (as ``timeout``) once its time limit has passed."""
        if time.perf_counter() > self.deadline:
            raise ScanTimeoutError(self.name, f"scanning took longer than the {self.limits.max_seconds:g} s limit "
                                              "and was stopped; raise --timeout or split the document.")


def _wants_ocr(mode: OcrMode, has_mark: bool, has_text: bool) -> bool:
    """Whether to read the text in a picture: always, or (auto) where the mark shows and no text layer does."""
    return mode == "always" or (mode == "auto" and has_mark and not has_text)


def _read_picture_text(rgb: np.ndarray, context: _Context, out: _Collected) -> OcrText | None:
    """The text OCR reads in ``rgb``; None (with a note, once) when the engine is not installed."""
    from ._ocr import ocr_available, read_text

    if not ocr_available():
        note = Note("ocr-unavailable", "text in pictures was not read: the OCR engine is not installed "
                                       "(pip install 'htq-mark[ocr]')")
        if note not in out.notes:
            out.notes.append(note)
        return None
    try:
        return read_text(rgb)
    except Exception as exc:  # noqa: BLE001 - the engine refusing a picture (say, a sliver) loses its text only
        out.notes.append(Note("ocr-failed", f"the text in a picture could not be read "
                                            f"({type(exc).__name__}: {reason(exc)})"))
        return None


def _combined(layer: str, layer_box: Callable[[int, int], BBox | None], read: OcrText | None,
              scale: float) -> tuple[str, Callable[[int, int], BBox | None]]:
    """A page's text layer followed by the text read in its picture, and where any stretch of either is."""
    if read is None:
        return layer, layer_box
    if not layer.strip():
        return read.text, lambda start, end: read.box(start, end, scale)
    offset = len(layer) + 1

    def locate(start: int, end: int) -> BBox | None:
        if start < len(layer):
            return layer_box(start, min(end, len(layer)))
        return read.box(start - offset, end - offset, scale)

    return layer + "\n" + read.text, locate


def _as_date(on: datetime.date | str | None) -> datetime.date:
    if on is None:
        return datetime.date.today()
    if isinstance(on, datetime.datetime):
        return on.date()
    if isinstance(on, datetime.date):
        return on
    try:
        return datetime.date.fromisoformat(str(on))
    except ValueError:
        raise UsageError(f"the scan date {on!r} is not a date in the form YYYY-MM-DD") from None


def _read(source: str | os.PathLike[str], name: str, limits: Limits) -> bytes:
    path = Path(source)
    try:
        with path.open("rb") as handle:
            info = os.fstat(handle.fileno())
            # A FIFO is read like a file (a silent one is stopped by the time limit); a device is refused.
            if stat.S_ISCHR(info.st_mode) or stat.S_ISBLK(info.st_mode):
                raise UnreadableFileError(name, "is a device, not a file; save the document to a file and scan "
                                                "that, or pipe it to 'htq-mark scan -'.")
            size = info.st_size
            if size > limits.max_file_bytes:
                raise LimitExceededError(name, f"the file is {size:,} bytes; the limit is "
                                               f"{limits.max_file_bytes:,} bytes.")
            data = handle.read(limits.max_file_bytes + 1)
    except IsADirectoryError:
        raise UnreadableFileError(name, "is a folder; pass it as a PATH to scan everything inside.") from None
    except OSError as exc:
        raise UnreadableFileError(name, f"cannot be read ({exc.strerror or exc}); check the path "
                                        "and its permissions.") from exc
    if len(data) > limits.max_file_bytes:
        raise LimitExceededError(name, f"the file is larger than the {limits.max_file_bytes:,}-byte limit.")
    return data


def _thumbnail(rgb: np.ndarray, page: int, page_width: float) -> PageImage:
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


#: The detector refuses pictures narrower or lower than this; they are simply searched for nothing.
_SMALLEST_SEARCHED_PX = 4


def _find(rgb: np.ndarray, context: _Context) -> list[Detection]:
    from ._detect import find_marks
    from ._marks import sort_detections

    spec = context.kit.spec
    if min(rgb.shape[:2]) < _SMALLEST_SEARCHED_PX:  # a few pixels cannot hold a mark
        return []
    found = find_marks(rgb, context.references, spec=spec)
    return sort_detections([d for d in found if d.confidence >= spec.scan.minimum_confidence])


def _scan_image(data: bytes, kind: str, context: _Context, out: _Collected) -> None:
    from ._images import read_frames
    from ._marks import image_mark
    from ._rules import MarkFacts, check_mark, check_page_qualifications
    from ._text import read_text_facts

    for frame in read_frames(data, kind, context.name, context.limits):
        context.check_time()
        height, width = frame.rgb.shape[:2]
        out.pages.append(PageInfo(number=frame.number, width=float(width), height=float(height), unit="px"))
        before = len(out.findings)
        found = _find(frame.rgb, context)
        frame_marks: list[Mark] = []
        for detection in found:
            mark = image_mark(detection, out.next_mark_id(), frame.number)
            out.marks.append(mark)
            frame_marks.append(mark)
            out.findings.extend(check_mark(
                MarkFacts(mark=mark, detection=detection, unit="px", units_per_px=1.0, mm_per_px=None),
                context.kit.spec))
        if _wants_ocr(context.ocr, bool(found), has_text=False):
            read = _read_picture_text(frame.rgb, context, out)
            if read is not None:
                # An image has no text layer to say for sure that no number is named: only what is read counts.
                out.findings.extend(check_page_qualifications(frame.number, read_text_facts(read.text), frame_marks,
                                                              context.register, context.on, read.box,
                                                              absence_counts=False))
        if context.thumbnails and (found or len(out.findings) > before):
            out.images.append(_thumbnail(frame.rgb, frame.number, float(width)))


class _Structure:
    """pypdf's view of the document, opened on first need (only pages with marks need it)."""

    def __init__(self, data: bytes, name: str, password: str | None, notes: list[Note]) -> None:
        self.data, self.name, self.password, self.notes = data, name, password, notes
        self.reader: Any = None
        self.failed = False

    def placements(self, index: int, number: int, view: Any, limits: Limits) -> list[Any]:
        from ._pdf.document import open_structure
        from ._pdf.placements import find_placements

        if self.failed:
            return []
        if self.reader is None:
            try:
                self.reader = open_structure(self.data, self.name, self.password)
            except InputError as exc:
                self.failed = True
                self.notes.append(Note("structure-unreadable", f"the document's structure could not be read, so "
                                                               f"marks were measured from pixels only ({exc.detail})"))
                return []
        scan = find_placements(self.reader, index, view, limits)
        self.notes.extend(Note("structure-unreadable", f"page {number}: {note}; marks on it were judged from "
                                                       "pixels only", page=number) for note in scan.notes)
        return scan.placements


def _scan_pdf_page(document: Any, index: int, number: int, context: _Context, structure: _Structure,
                   out: _Collected) -> bool:
    """Scan one page; returns False (with a note) if the page cannot be read."""
    from ._marks import pdf_mark
    from ._pdf.document import page_box
    from ._pdf.render import render_dpi_for, render_page
    from ._pdf.text import page_text
    from ._pdf.vectors import vector_boxes
    from ._rules import MarkFacts, check_mark, check_page_qualifications
    from ._text import read_text_facts

    spec = context.kit.spec
    try:
        page = document[index]
    except Exception as exc:  # noqa: BLE001 - pdfium: "Failed to load page"
        out.notes.append(Note("page-unreadable", f"page {number} could not be read ({reason(exc)}); it was skipped",
                              page=number))
        return False
    try:
        box = page_box(page)
        out.pages.append(PageInfo(number=number, width=box.width, height=box.height, unit="pt"))
        dpi = render_dpi_for(box.width, box.height, float(spec.scan.render_dpi), context.limits.max_render_pixels)
        if dpi < spec.scan.render_dpi:
            out.notes.append(Note("reduced-resolution", f"page {number} is very large, so it was rendered at "
                                  f"{dpi:.0f} dpi instead of {spec.scan.render_dpi}; small marks may be missed",
                                  page=number))
        try:
            rendered = render_page(page, dpi)
        except Exception as exc:  # noqa: BLE001 - pdfium rendering failures are per page
            out.notes.append(Note("page-unreadable", f"page {number} could not be rendered ({reason(exc)}); "
                                  "it was skipped", page=number))
            return False
        found = _find(rendered.rgb, context)
        placements = structure.placements(index, number, box.view, context.limits) if found else []
        vectors = vector_boxes(page, box.view) if found else []
        before = len(out.findings)
        page_marks: list[Mark] = []
        for detection in found:
            placed = pdf_mark(detection, out.next_mark_id(), number, rendered.dpi, placements, vectors)
            out.marks.append(placed.mark)
            page_marks.append(placed.mark)
            out.findings.extend(check_mark(
                MarkFacts(mark=placed.mark, detection=detection, unit="pt", units_per_px=72.0 / rendered.dpi,
                          mm_per_px=25.4 / rendered.dpi, effective_ppi=placed.effective_ppi),
                spec))
        with page_text(page, box.view) as text:
            read = (_read_picture_text(rendered.rgb, context, out)
                    if _wants_ocr(context.ocr, bool(found), has_text=bool(text.text.strip())) else None)
            words, locate = _combined(text.text, text.box, read, 72.0 / rendered.dpi)
            out.findings.extend(check_page_qualifications(number, read_text_facts(words), page_marks,
                                                          context.register, context.on, locate))
        if context.thumbnails and (found or len(out.findings) > before):
            out.images.append(_thumbnail(rendered.rgb, number, box.width))
        return True
    finally:
        page.close()


def _scan_pdf(data: bytes, password: str | None, context: _Context, out: _Collected, first_page: int = 1) -> None:
    """Scan every page; page numbers start at ``first_page`` (after an image's frames, in a polyglot)."""
    from ._pdf.document import open_pdf

    with open_pdf(data, context.name, password, context.limits) as document:
        structure = _Structure(data, context.name, password, out.notes)
        read = 0
        for index in range(len(document)):
            context.check_time()
            read += _scan_pdf_page(document, index, first_page + index, context, structure, out)
        if read == 0:
            raise UnreadableFileError(context.name, "no page of the PDF could be read; export it again.")


def _scan_image_or_pdf(data: bytes, kind: DocumentKind, password: str | None, context: _Context,
                       out: _Collected) -> DocumentKind:
    """Scan a file that starts like an image and holds a PDF header; returns the kind it was read as.

    If no image reader accepts it, it is scanned as the PDF it also is, with a ``polyglot`` note;
    if neither does, the image's error is raised.
    """
    try:
        _scan_image(data, kind, context, out)
        return kind
    except InputError as image_error:
        for collected in (out.pages, out.marks, out.findings, out.images):
            collected.clear()
        try:
            _scan_pdf(data, password, context, out)
        except InputError:
            raise image_error from None
        out.notes.append(Note("polyglot", f"the file starts like a {kind.upper()} but cannot be read as one "
                                          f"({image_error.detail}); it was scanned as the PDF it also is"))
        return "pdf"


def _scan_also_as_pdf(data: bytes, kind: str, other: str, password: str | None, context: _Context,
                      out: _Collected) -> None:
    """Scan a file already read as an image again as a PDF, which PDF readers also accept.

    Its PDF pages are numbered after the image's frames, and a ``polyglot`` note
    says so. If no PDF reader part accepts it, it is only an image: nothing is added.
    """
    first_page = len(out.pages) + 1
    marks_before = len(out.marks)
    attempt = _Collected(marks=out.marks)  # one list, so mark ids go on from the image's
    try:
        _scan_pdf(data, password, context, attempt, first_page)
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


def _raised_here(exc: BaseException) -> bool:
    """Whether ``exc`` was raised by htq-mark's own code (a bug) rather than by a parser."""
    trace = exc.__traceback__
    if trace is None:
        return False
    while trace.tb_next is not None:
        trace = trace.tb_next
    return Path(trace.tb_frame.f_code.co_filename).resolve().is_relative_to(_PACKAGE)


def _error_result(name: str, sha256: str | None, kind: str, error: InputError | DocumentError,
                  started: float, notes: Sequence[Note] = ()) -> DocumentResult:
    if isinstance(error, DocumentError):
        problem = error
    else:
        problem = DocumentError(code=error.code, message=str(error))  # type: ignore[arg-type]
    return DocumentResult(path=name, sha256=sha256, type=kind, status="error",  # type: ignore[arg-type]
                          error=problem, notes=tuple(notes), elapsed_s=time.perf_counter() - started)


def _read_stream(stream: IO[bytes], name: str, limits: Limits) -> bytes:
    try:
        data = stream.read(limits.max_file_bytes + 1)
    except OSError as exc:
        raise UnreadableFileError(name, f"cannot be read ({exc.strerror or exc}).") from exc
    if not isinstance(data, (bytes, bytearray)):
        raise UnreadableFileError(name, "the file object gave text, not bytes; open it in binary mode ('rb').")
    if len(data) > limits.max_file_bytes:
        raise LimitExceededError(name, f"the document is larger than the {limits.max_file_bytes:,}-byte limit.")
    return bytes(data)


def scan_document(source: str | os.PathLike[str] | bytes | IO[bytes], *, kit: Kit | None = None,
                  register: Register | None = None, on: datetime.date | str | None = None,
                  password: str | None = None, limits: Limits = DEFAULT_LIMITS, thumbnails: bool = False,
                  name: str | None = None, references: References | None = None,
                  ocr: OcrMode = "auto") -> DocumentResult:
    """Scan one PDF or image (a path, its bytes or a binary file object) and return its marks and findings.

    ``kit`` defaults to :func:`htq_mark.load_kit`, ``register`` to the embedded
    register, ``on`` to today. ``name`` is the path reported (default: the path
    given, the file object's name, or ``"<bytes>"``). A document past
    ``limits.max_seconds`` ends ``timeout``: called from a main thread, the scan
    is interrupted by an alarm (see :mod:`htq_mark.scanner._alarm`); elsewhere
    the time is checked before each page and frame (:func:`htq_mark.scan` also
    stops a worker stuck inside one native call). ``references`` are the detector's references for
    ``kit``, when already built. With ``thumbnails``, pages with marks or
    findings get small pictures for visual reports. ``ocr`` says where text in
    pictures is read for the qualification rules: ``always`` (every image and
    page), ``auto`` (images, and pages without a text layer, that show the
    mark) or ``never``. A document that cannot be read is returned with status
    ``error``; only bad arguments raise.
    """
    started = time.perf_counter()
    from ..kit import load_kit
    from ..register import default_register

    given: bytes | None = None
    location: str | None = None
    stream: IO[bytes] | None = None
    if isinstance(source, (bytes, bytearray, memoryview)):
        given = bytes(source)
    elif isinstance(source, (str, os.PathLike)):
        location = str(os.fspath(source))
    elif callable(getattr(source, "read", None)):
        stream = source
    else:
        raise UsageError(f"scan_document takes a path, bytes or a binary file object; got {type(source).__name__}")
    stream_name = getattr(stream, "name", None)
    default_name = location or (stream_name if isinstance(stream_name, str) else None) or "<bytes>"
    shown = name if name is not None else default_name
    chosen_kit = kit if kit is not None else load_kit()
    if references is None:
        from ._detect import build_references

        references = build_references(chosen_kit)
    check_ocr_mode(ocr)
    context = _Context(name=shown, kit=chosen_kit,
                       register=register if register is not None else default_register(),
                       on=_as_date(on), references=references, limits=limits, thumbnails=thumbnails, ocr=ocr,
                       deadline=time.perf_counter() + limits.max_seconds)

    sha256: str | None = None
    kind: DocumentKind = "unknown"
    out = _Collected()
    alarm = Alarm(limits.max_seconds)
    try:
        try:
            if given is not None:
                data = given
                if len(data) > limits.max_file_bytes:
                    raise LimitExceededError(
                        shown, f"the document is larger than the {limits.max_file_bytes:,}-byte limit.")
            elif stream is not None:
                data = _read_stream(stream, shown, limits)
            else:
                assert location is not None
                data = _read(location, shown, limits)
            sha256 = hashlib.sha256(data).hexdigest()
            if not data:
                raise UnreadableFileError(shown, "the file is empty; export it again.")
            kind, *others = readable_kinds(data[:HEAD_BYTES])
            if kind == "unknown":
                raise UnsupportedFormatError(shown, describe_unsupported(data[:64]))
            if kind == "pdf":
                _scan_pdf(data, password, context, out)
            elif not others:
                _scan_image(data, kind, context, out)
            elif _scan_image_or_pdf(data, kind, password, context, out) == "pdf":
                kind, others = "pdf", []
            for other in others:
                _scan_also_as_pdf(data, kind, other, password, context, out)
        except InputError as exc:
            return _error_result(shown, sha256, kind, exc, started, out.notes)
        except MemoryError:
            return _error_result(shown, sha256, kind, LimitExceededError(
                shown, "the document needs more memory than is available to scan it; split or simplify it."),
                started, out.notes)
        except RecursionError:
            return _error_result(shown, sha256, kind, UnreadableFileError(
                shown, "the document's structure is nested too deeply to read; export it again."),
                started, out.notes)
        except Exception as exc:  # noqa: BLE001 - a parser's own error on a damaged file; never a traceback
            if _raised_here(exc):
                message = (f"could not be scanned because of an internal error in htq-mark "
                           f"({type(exc).__name__}: {reason(exc)}); please report it with the file.")
            else:
                message = f"the file could not be read ({type(exc).__name__}: {reason(exc)}); export it again."
            return _error_result(shown, sha256, kind, UnreadableFileError(shown, message), started, out.notes)
        return DocumentResult(path=shown, sha256=sha256, type=kind, status="ok",
                              pages=tuple(out.pages), marks=tuple(out.marks), findings=tuple(out.findings),
                              images=tuple(out.images), notes=tuple(out.notes),
                              elapsed_s=time.perf_counter() - started)
    except AlarmRang:
        return _error_result(shown, sha256, kind, ScanTimeoutError(
            shown, f"scanning took longer than the {limits.max_seconds:g} s limit and was stopped; "
                   "raise --timeout or split the document."), started, out.notes)
    finally:
        alarm.cancel()
