"""Scan reports: plain text, contract JSON, SARIF 2.1.0, JUnit XML and a self-contained HTML page.

Each format is a module with one ``render(report, fp)`` function that writes to a
text stream; :func:`render` picks one by name and :func:`render_bytes` gives the
UTF-8 bytes to hand to ``htq_mark._io.write_atomic`` or to standard output::

    from htq_mark import reports
    reports.render(report, sys.stdout, "text")
    write_atomic("report.html", reports.render_bytes(report, "html"), force=False)

The JSON report's schema ships in the package (:func:`load_schema`); a saved JSON
report reads back with :func:`load_report`. Every format gives the same bytes for
the same report. A :class:`ReportWriter` writes the same bytes from documents
added one at a time as a scan streams them (:func:`htq_mark.scan_iter`), holding
them on disk rather than in memory.
"""

from __future__ import annotations

import importlib
import io
import json as _jsonlib  # not "_json": that is the JSON report module beside this file
import os
from importlib import resources
from pathlib import PurePath
from typing import TYPE_CHECKING, Any, Protocol

from .._exports import claim_exports
from ..errors import UsageError
from ._writer import ReportWriter
from ._load import load_report

if TYPE_CHECKING:
    from ..scanner._results import ScanReport

__all__ = ["FORMATS", "SCHEMAS", "SCHEMA_RESOURCE", "SUFFIXES", "ReportWriter", "format_for_path", "load_report",
           "load_schema", "render", "render_bytes"]

#: The report formats, the default (for a terminal) first.
FORMATS: tuple[str, ...] = ("text", "json", "sarif", "html", "junit")
#: The JSON Schema of the JSON report, inside this package.
SCHEMA_RESOURCE = "schema/scan-report-1.json"
#: Every JSON Schema shipped: the scan report, a pack's manifest.json, ``htq-mark check --format json``.
SCHEMAS: dict[str, str] = {"scan-report": SCHEMA_RESOURCE, "pack-manifest": "schema/pack-manifest-1.json",
                           "check-result": "schema/check-result-1.json"}
#: The format an output file's suffix stands for.
SUFFIXES: dict[str, str] = {".txt": "text", ".text": "text", ".json": "json", ".sarif": "sarif",
                            ".html": "html", ".htm": "html", ".xml": "junit"}


def format_for_path(path: str | os.PathLike[str] | None, format: str | None = None) -> str | None:
    """The report format for writing to ``path``: ``format`` if given, else the one its suffix names.

    ``None`` when neither says. Raises :class:`htq_mark.errors.UsageError` when the
    suffix names another format than ``format`` (``report.json`` with ``sarif``).
    """
    suffix = PurePath(path).suffix.lower() if path is not None else ""
    implied = SUFFIXES.get(suffix)
    if suffix == ".json" and PurePath(str(path)).name.lower().endswith(".sarif.json"):
        implied = "sarif"
    if format is None:
        return implied
    if implied is not None and implied != format:
        raise UsageError(f"{path}: the suffix {suffix} means {implied}, but the format asked for is {format}; "
                         f"name the file for its format or drop --format.")
    return format


class _Writer(Protocol):
    def write(self, text: str, /) -> object: ...


def render(report: ScanReport, fp: _Writer, format: str = "text", *, verbose: bool = False,
           quiet: bool = False) -> None:
    """Write ``report`` in ``format`` (one of :data:`FORMATS`) to the text stream ``fp``.

    ``verbose`` and ``quiet`` shape the text report (inputs' checksums; only the
    findings and problems); other formats always say everything.
    Raises :class:`htq_mark.errors.UsageError` for an unknown format.
    """
    if format not in FORMATS:
        raise UsageError(f"unknown report format {format!r}; choose one of {', '.join(FORMATS)}.")
    module = importlib.import_module(f"{__name__}._{format}")
    if format == "text":
        module.render(report, fp, verbose=verbose, quiet=quiet)
    else:
        module.render(report, fp)


def render_bytes(report: ScanReport, format: str = "text", *, verbose: bool = False, quiet: bool = False) -> bytes:
    """``report`` in ``format`` as UTF-8 bytes, ready to write to a file."""
    buffer = io.BytesIO()
    # Encode as it is written, so a big report is not also held as one long str.
    text = io.TextIOWrapper(buffer, encoding="utf-8", newline="\n", write_through=True)
    try:
        render(report, text, format, verbose=verbose, quiet=quiet)
        text.flush()
        return buffer.getvalue()
    finally:
        text.detach()


def load_schema(name: str = "scan-report") -> dict[str, Any]:
    """A shipped JSON Schema (draft 2020-12): by default the JSON report's, ``htq-mark.scan-report/1``.

    ``name`` is one of :data:`SCHEMAS`: ``scan-report``, ``pack-manifest`` or ``check-result``.
    """
    if name not in SCHEMAS:
        raise UsageError(f"unknown schema {name!r}; choose one of {', '.join(SCHEMAS)}.")
    text = resources.files(__name__).joinpath(SCHEMAS[name]).read_text(encoding="utf-8")
    schema: dict[str, Any] = _jsonlib.loads(text)
    return schema

# The names htq_mark exports from here report htq_mark as their module.
claim_exports(__name__, globals())
