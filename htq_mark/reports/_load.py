"""Read a saved JSON report back: ``load_report(source) -> ScanReport``.

A report read back can be rendered again in another format, compared with a
new one, or used as a baseline. Pictures of pages are not in the JSON, so an HTML
report made from it has none.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import IO

from .._io import read_limited
from ..errors import ReportFileError, UsageError
from ..scanner._results import ScanReport

__all__ = ["MAX_REPORT_BYTES", "load_report"]

#: The largest JSON report read back (a report of some hundreds of thousands of documents).
MAX_REPORT_BYTES = 1024 * 1024 * 1024
_CHUNK = 1 << 20


def _read(source: str | os.PathLike[str] | bytes | IO[bytes], given: str | None) -> tuple[str, bytes]:
    if given is not None and not isinstance(given, str):
        raise UsageError(f"load_report's name= is the text its errors name the report by; got "
                         f"{type(given).__name__}.")
    if isinstance(source, (bytes, bytearray, memoryview)):
        return given or "<bytes>", bytes(source)
    if not isinstance(source, (str, os.PathLike)):
        if not callable(getattr(source, "read", None)):
            raise UsageError(f"load_report takes a path, bytes or a binary file object; got "
                             f"{type(source).__name__}.")
        name = given or str(getattr(source, "name", "<stream>"))
        return name, _read_stream(source, name)
    path = os.fspath(source)
    name = given or str(path)
    prefix = f"{Path(path)}: "

    def refuse(message: str) -> ReportFileError:  # the message as about ``name``
        return ReportFileError(f"{name}: {message.removeprefix(prefix)}")

    try:
        return name, read_limited(path, limit=MAX_REPORT_BYTES, what="JSON report", refuse=refuse)
    except OSError as exc:
        raise ReportFileError(f"{name}: the report cannot be read ({exc.strerror}); check the path.") from None
    except ValueError:  # a NUL in the path
        raise ReportFileError(f"{name}: is not a usable path (it holds a NUL character); check the path.") from None


def _read_stream(stream: IO[bytes], name: str) -> bytes:
    """All of ``stream``, a chunk at a time (a pipe or unbuffered file may give less than asked for), within
    :data:`MAX_REPORT_BYTES`: an endless one is refused, and nothing is set aside for more than arrives."""
    chunks: list[bytes] = []
    size = 0
    while chunk := stream.read(_CHUNK):
        if isinstance(chunk, (bytearray, memoryview)):
            chunk = bytes(chunk)
        if not isinstance(chunk, bytes):
            raise UsageError(f"{name}: load_report reads a binary file object, and this one gives "
                             f"{type(chunk).__name__}; open it in binary mode ('rb').")
        chunks.append(chunk)
        size += len(chunk)
        if size > MAX_REPORT_BYTES:
            raise ReportFileError(f"{name}: the report is more than the {MAX_REPORT_BYTES:,} bytes allowed; check it "
                                  "is the right one.")
    return b"".join(chunks)


def load_report(source: str | os.PathLike[str] | bytes | IO[bytes], *, name: str | None = None) -> ScanReport:
    """The :class:`ScanReport` in a JSON report file (a path, its bytes or a binary file object).

    Raises :class:`~htq_mark.errors.ReportFileError` naming the file (or ``name``,
    if given) when it is not a JSON report written by htq-mark. A file object is
    read to its end, or until it holds more than :data:`MAX_REPORT_BYTES`.
    """
    name, data = _read(source, name)
    if not data.strip():
        raise ReportFileError(f"{name}: is empty; give a report written by htq-mark scan --format json.")
    try:
        # A byte order mark, as Windows editors and PowerShell write, is let be (as in config files and registers).
        parsed = json.loads(data.removeprefix(b"\xef\xbb\xbf").decode("utf-8", "surrogatepass"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise ReportFileError(f"{name}: is not JSON ({exc}); give a report written by "
                              "htq-mark scan --format json.") from None
    except RecursionError:
        raise ReportFileError(f"{name}: the JSON is nested too deeply to be a report; give a report written by "
                              "htq-mark scan --format json.") from None
    try:
        return ScanReport.from_dict(parsed)
    except ReportFileError as exc:
        raise ReportFileError(f"{name}: {exc.message}") from None
    except RecursionError:
        raise ReportFileError(f"{name}: the report is nested too deeply; give a report written by "
                              "htq-mark scan --format json.") from None
