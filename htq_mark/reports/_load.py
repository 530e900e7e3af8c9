"""Read a saved JSON report back: ``load_report(source) -> ScanReport``.

A report read back can be rendered again in another format, compared with a
new one, or used as a baseline. Pictures of pages are not in the JSON, so an HTML
report made from it has none.
"""

from __future__ import annotations

import json
import os
from typing import IO

from .._io import read_limited
from ..errors import ReportFileError
from ..scanner._results import ScanReport

__all__ = ["MAX_REPORT_BYTES", "load_report"]

#: The largest JSON report read back (a report of some hundreds of thousands of documents).
MAX_REPORT_BYTES = 1024 * 1024 * 1024


def _read(source: str | os.PathLike[str] | bytes | IO[bytes]) -> tuple[str, bytes]:
    if isinstance(source, (bytes, bytearray, memoryview)):
        return "<bytes>", bytes(source)
    if hasattr(source, "read"):
        name = str(getattr(source, "name", "<stream>"))
        data = source.read(MAX_REPORT_BYTES + 1)
        if len(data) > MAX_REPORT_BYTES:
            raise ReportFileError(f"{name}: the report is more than the {MAX_REPORT_BYTES:,} bytes allowed; check it "
                                  "is the right one.")
        return name, data
    name = os.fspath(source)
    try:
        return str(name), read_limited(name, limit=MAX_REPORT_BYTES, what="JSON report", refuse=ReportFileError)
    except OSError as exc:
        raise ReportFileError(f"{name}: the report cannot be read ({exc.strerror}); check the path.") from None


def load_report(source: str | os.PathLike[str] | bytes | IO[bytes]) -> ScanReport:
    """The :class:`ScanReport` in a JSON report file (a path, its bytes or a binary file object).

    Raises :class:`~htq_mark.errors.ReportFileError` naming the file when it is
    not a JSON report written by htq-mark.
    """
    name, data = _read(source)
    try:
        parsed = json.loads(data.decode("utf-8", "surrogatepass"))
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
