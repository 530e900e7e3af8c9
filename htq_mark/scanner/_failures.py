"""Error translation: what a document that could not be scanned is reported as."""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Final

from .._catalogue import ErrorCode
from ..errors import InputError, LimitExceededError, UnreadableFileError
from ._reason import reason
from ._results import DocumentError, DocumentResult, Note
from ._sniff import DocumentKind

__all__ = ["INTERNAL_ERROR", "error_result", "failure_of"]

#: The code of a document htq-mark failed on because of a bug of its own.
INTERNAL_ERROR: Final = ErrorCode.INTERNAL_ERROR


def failure_of(exc: Exception, name: str) -> InputError | DocumentError:
    """What an exception that escaped scanning ``name`` is reported as.

    Each reader translates its parser's errors on the user's bytes into an
    :class:`~htq_mark.errors.InputError` where it calls the parser, so anything
    else is htq-mark's own fault, wherever it was raised (inside NumPy or OpenCV too):
    an ``internal-error`` that asks for a bug report. Running out of memory or
    stack on a document is the document's size or nesting.
    """
    if isinstance(exc, MemoryError):
        return LimitExceededError(
            name, "the document needs more memory than is available to scan it; split or simplify it.")
    if isinstance(exc, RecursionError):
        return UnreadableFileError(name, "the document's structure is nested too deeply to read; export it again.")
    return DocumentError(code=INTERNAL_ERROR, message=(
        f"{name}: could not be scanned because of an internal error in htq-mark ({type(exc).__name__}: "
        f"{reason(exc)}); this is a bug, not a fault in the file: please report it, with the file if you can."))


def error_result(name: str, sha256: str | None, kind: DocumentKind, error: InputError | DocumentError,
                 started: float, notes: Sequence[Note] = ()) -> DocumentResult:
    """The result of a document that ends in ``error``."""
    if isinstance(error, DocumentError):
        problem = error
    else:
        problem = DocumentError(code=error.code, message=str(error))
    return DocumentResult(path=name, sha256=sha256, type=kind, status="error",
                          error=problem, notes=tuple(notes), elapsed_s=time.perf_counter() - started)
