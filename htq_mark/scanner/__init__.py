"""The scanner: find the quality mark in PDFs and images and report every misuse.

``scan(paths, ...)`` scans files and folders in parallel worker processes and
returns a :class:`ScanReport`; ``scan_document(path_or_bytes, ...)`` scans one
document and returns its :class:`DocumentResult`. Both take the same
:class:`Limits`. Heavy libraries are imported when a scan runs.
"""

from __future__ import annotations

from .._exports import claim_exports
from ._baseline import apply_baseline, fingerprint
from ._batch import Progress, ScanStream, Source, default_jobs, scan, scan_iter
from ._document import scan_document
from ._inputs import DEFAULT_EXCLUDE, InputDocument, expand_paths
from ._limits import DEFAULT_LIMITS, Limits
from ._ocr import OcrMode
from ._results import (
    NOTE_CODES,
    RULES,
    SCHEMA_ID,
    DocumentError,
    DocumentResult,
    Finding,
    Mark,
    Note,
    PageImage,
    PageInfo,
    ScanReport,
    ScanSettings,
)
from ._selection import RuleSelection, select_rules

__all__ = [
    "DEFAULT_EXCLUDE",
    "DEFAULT_LIMITS",
    "NOTE_CODES",
    "RULES",
    "SCHEMA_ID",
    "DocumentError",
    "DocumentResult",
    "Finding",
    "InputDocument",
    "Limits",
    "Mark",
    "Note",
    "OcrMode",
    "PageImage",
    "PageInfo",
    "Progress",
    "RuleSelection",
    "ScanReport",
    "ScanSettings",
    "ScanStream",
    "Source",
    "apply_baseline",
    "default_jobs",
    "expand_paths",
    "fingerprint",
    "scan",
    "scan_document",
    "scan_iter",
    "select_rules",
]

# The names htq_mark exports from here report htq_mark as their module.
claim_exports(__name__, globals())
