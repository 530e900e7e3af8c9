"""Error translation: what a document that could not be scanned is reported as."""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path

from ..errors import InputError, LimitExceededError, UnreadableFileError
from ._reason import reason
from ._results import DocumentError, DocumentResult, Note

__all__ = ["error_result", "failure_of"]

_PACKAGE = Path(__file__).resolve().parents[1]


def _raised_here(exc: BaseException) -> bool:
    """Whether ``exc`` was raised by htq-mark's own code (a bug) rather than by a parser."""
    trace = exc.__traceback__
    if trace is None:
        return False
    while trace.tb_next is not None:
        trace = trace.tb_next
    return Path(trace.tb_frame.f_code.co_filename).resolve().is_relative_to(_PACKAGE)


def failure_of(exc: Exception, name: str) -> InputError:
    """The input error an unexpected exception from scanning ``name`` is reported as."""
    if isinstance(exc, MemoryError):
        return LimitExceededError(
            name, "the document needs more memory than is available to scan it; split or simplify it.")
    if isinstance(exc, RecursionError):
        return UnreadableFileError(name, "the document's structure is nested too deeply to read; export it again.")
    if _raised_here(exc):
        message = (f"could not be scanned because of an internal error in htq-mark "
                   f"({type(exc).__name__}: {reason(exc)}); please report it with the file.")
    else:
        message = f"the file could not be read ({type(exc).__name__}: {reason(exc)}); export it again."
    return UnreadableFileError(name, message)


def error_result(name: str, sha256: str | None, kind: str, error: InputError | DocumentError,
                 started: float, notes: Sequence[Note] = ()) -> DocumentResult:
    """The result of a document that ends in ``error``."""
    if isinstance(error, DocumentError):
        problem = error
    else:
        problem = DocumentError(code=error.code, message=str(error))  # type: ignore[arg-type]
    return DocumentResult(path=name, sha256=sha256, type=kind, status="error",  # type: ignore[arg-type]
                          error=problem, notes=tuple(notes), elapsed_s=time.perf_counter() - started)
