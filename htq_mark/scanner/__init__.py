"""The scanner: find the quality mark in PDFs and images and report every misuse.

``scan(paths, ...)`` scans files and folders in parallel worker processes and
returns a :class:`ScanReport`; ``scan_document(path_or_bytes, ...)`` scans one
document and returns its :class:`DocumentResult`. Both take the same
:class:`Limits`. Heavy libraries are imported when a scan runs.
"""

from __future__ import annotations

from .batch import Progress, default_jobs, scan
from .document import scan_document
from .inputs import InputDocument, expand_paths
from .limits import DEFAULT_LIMITS, Limits
from .results import (
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
)

__all__ = [
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
    "PageImage",
    "PageInfo",
    "Progress",
    "ScanReport",
    "default_jobs",
    "expand_paths",
    "scan",
    "scan_document",
]
