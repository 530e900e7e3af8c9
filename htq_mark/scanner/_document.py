"""Scan one document: ``scan_document(path_or_bytes, ...) -> DocumentResult``.

The result depends only on the inputs (the document's bytes, the kit, the
register, the date and the options) and is picklable, so documents can be
scanned anywhere. A bad document never raises: it comes back with status
``error`` and one of the contract's codes. Reading is in :mod:`._read`, the
PDF page loop in :mod:`._pdf_scan`, the image loop in :mod:`._image_scan`,
files that are both in :mod:`._polyglot` and error translation in
:mod:`._failures`.
"""

from __future__ import annotations

import datetime
import hashlib
import os
import time
from typing import IO, TYPE_CHECKING

from .._resolve import resolve_kit, resolve_register
from ..errors import InputError, ScanTimeoutError, UnreadableFileError, UnsupportedFormatError, UsageError
from ._alarm import AlarmRang, run_within
from ._context import Collected, ScanContext, scan_date
from ._failures import error_result, failure_of
from ._image_scan import scan_image
from ._limits import DEFAULT_LIMITS, Limits, check_limits
from ._ocr import OcrMode, check_ocr_mode
from ._pdf_scan import scan_pdf
from ._polyglot import scan_also_as_pdf, scan_image_or_pdf
from ._read import check_size, read_path, read_stream
from ._results import DocumentResult
from ._sniff import HEAD_BYTES, DocumentKind, describe_unsupported, readable_kinds

if TYPE_CHECKING:
    from .._resolve import KitSource, RegisterSource
    from ._detect import References

__all__ = ["scan_document"]


def scan_document(source: str | os.PathLike[str] | bytes | IO[bytes], *, kit: KitSource = None,
                  register: RegisterSource = None, on: datetime.date | str | None = None,
                  password: str | None = None, limits: Limits = DEFAULT_LIMITS, thumbnails: bool = False,
                  name: str | None = None, references: References | None = None,
                  ocr: OcrMode = "auto") -> DocumentResult:
    """Scan one PDF or image (a path, its bytes or a binary file object) and return its marks and findings.

    ``kit`` is a :class:`~htq_mark.Kit` or a kit folder, ``register`` a
    :class:`~htq_mark.Register` or a register file; None is the folder
    ``$HTQ_MARK_KIT`` names, else the bundled kit, and the file
    ``$HTQ_MARK_REGISTER`` names, else the built-in example register. ``on``
    defaults to today. ``name`` is the path reported (default: the path
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
    check_limits(limits)
    stream_name = getattr(stream, "name", None)
    default_name = location or (stream_name if isinstance(stream_name, str) else None) or "<bytes>"
    shown = name if name is not None else default_name
    chosen_kit = resolve_kit(kit)
    if references is None:
        from ._detect import build_references  # the detector loads NumPy and OpenCV on import

        references = build_references(chosen_kit)
    check_ocr_mode(ocr)
    context = ScanContext(name=shown, kit=chosen_kit,
                          register=resolve_register(register),
                          on=scan_date(on), references=references, limits=limits, thumbnails=thumbnails, ocr=ocr,
                          deadline=time.perf_counter() + limits.max_seconds)

    sha256: str | None = None
    kind: DocumentKind = "unknown"
    out = Collected()

    def scanned() -> DocumentResult:  # what the time limit stops
        nonlocal sha256, kind
        try:
            if given is not None:
                data = check_size(given, shown, limits)
            elif stream is not None:
                data = read_stream(stream, shown, limits)
            else:
                assert location is not None
                data = read_path(location, shown, limits)
            sha256 = hashlib.sha256(data).hexdigest()
            if not data:
                raise UnreadableFileError(shown, "the file is empty; export it again.")
            kind, *others = readable_kinds(data[:HEAD_BYTES])
            if kind == "unknown":
                raise UnsupportedFormatError(shown, describe_unsupported(data[:64]))
            if kind == "pdf":
                scan_pdf(data, password, context, out)
            elif not others:
                scan_image(data, kind, context, out)
            elif scan_image_or_pdf(data, kind, password, context, out) == "pdf":
                kind, others = "pdf", []
            for other in others:
                scan_also_as_pdf(data, kind, other, password, context, out)
        except InputError as exc:
            return error_result(shown, sha256, kind, exc, started, out.notes)
        except Exception as exc:  # noqa: BLE001 - never a traceback; failure_of says whose fault it is
            return error_result(shown, sha256, kind, failure_of(exc, shown), started, out.notes)
        return DocumentResult(path=shown, sha256=sha256, type=kind, status="ok",
                              pages=tuple(out.pages), marks=tuple(out.marks), findings=tuple(out.findings),
                              images=tuple(out.images), notes=tuple(out.notes),
                              elapsed_s=time.perf_counter() - started)

    try:
        return run_within(limits.max_seconds, scanned)
    except AlarmRang:
        return error_result(shown, sha256, kind, ScanTimeoutError(
            shown, f"scanning took longer than the {limits.max_seconds:g} s limit and was stopped; "
                   "raise limits.max_seconds or split the document."), started, out.notes)
