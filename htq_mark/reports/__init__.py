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

import json as _jsonlib  # not "_json": that is the JSON report module beside this file
from importlib import resources
from typing import Any

from .._exports import claim_exports
from ..errors import UsageError
from ._load import load_report
from ._render import FORMATS, SUFFIXES, check_report_path, format_for_path, render, render_bytes
from ._writer import ReportWriter

__all__ = ["FORMATS", "SCHEMAS", "SCHEMA_RESOURCE", "SUFFIXES", "ReportWriter", "check_report_path", "format_for_path",
           "load_report", "load_schema", "render", "render_bytes"]

#: The JSON Schema of the JSON report, inside this package.
SCHEMA_RESOURCE = "schema/scan-report-1.json"
#: Every JSON Schema shipped: the scan report, a pack's manifest.json, ``htq-mark check --format json``.
SCHEMAS: dict[str, str] = {"scan-report": SCHEMA_RESOURCE, "pack-manifest": "schema/pack-manifest-1.json",
                           "check-result": "schema/check-result-1.json"}


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
