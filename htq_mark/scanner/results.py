"""What a scan returns: frozen, picklable records whose ``to_dict()`` is the JSON report.

The JSON form is the schema ``htq-mark.scan-report/1`` (published as
``htq_mark/reports/schema/scan-report-1.json``). Coordinates are
``[x0, y0, x1, y1]`` in the page's own unit (PDF points of the crop box after
/Rotate, or image pixels), origin top-left, y down.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

__all__ = [
    "BBox",
    "DocumentError",
    "DocumentResult",
    "Finding",
    "KIT_KEYS",
    "Mark",
    "NOTE_CODES",
    "Note",
    "PageImage",
    "PageInfo",
    "REGISTER_KEYS",
    "RULES",
    "SCHEMA_ID",
    "ScanReport",
    "Severity",
]

SCHEMA_ID = "htq-mark.scan-report/1"
#: The keys of ``kit`` and ``register`` that the JSON report carries, in order.
KIT_KEYS = ("name", "version", "sha256")
REGISTER_KEYS = ("source", "sha256", "as_of", "qualifications")
Severity = Literal["error", "warning", "info"]
BBox = tuple[float, float, float, float]
MarkSource = Literal["image-xobject", "vector", "raster"]
DocumentType = Literal["pdf", "png", "jpeg", "webp", "tiff", "gif", "bmp", "unknown"]
ErrorCode = Literal["unreadable", "encrypted", "unsupported", "too-large", "timeout"]
NoteSeverity = Literal["warning", "info"]

#: Every note a document can carry: its code, its severity and a one-line meaning. A note says the
#: scan of a document was less than complete or not what it seems; ``--fail-on`` can select it.
NOTE_CODES: Mapping[str, tuple[NoteSeverity, str]] = {
    "structure-unreadable": ("warning", "The PDF's structure (a page's dictionary or the document's) could not "
                                        "be read, so marks were judged from pixels only."),
    "page-unreadable": ("warning", "A page could not be read or rendered; it was skipped."),
    "reduced-resolution": ("info", "A very large page was rendered at a lower resolution; small marks may be "
                                   "missed."),
    "polyglot": ("warning", "The file is valid as more than one format; it was scanned as each."),
    "symlink-outside": ("info", "A symbolic link leads outside the folders given; it was not followed."),
    "symlink-loop": ("warning", "A symbolic link leads back to a folder that contains it, or nowhere; it was "
                                "not followed."),
}

#: Every rule the scanner reports, with its default severity and a one-line meaning.
RULES: Mapping[str, tuple[str, str]] = {
    "too-small": ("error", "The artwork is narrower than the minimum width."),
    "distorted": ("error", "The aspect ratio differs from the artwork's by more than the tolerance."),
    "rotated": ("error", "The mark is not upright."),
    "recoloured": ("error", "The colours match no approved variant."),
    "clear-space": ("error", "Other content is inside the clear-space zone."),
    "low-contrast": ("error", "Wrong variant for its background, or contrast below the minimum."),
    "low-resolution": ("warning", "A raster mark is printed below the recommended (warning) or minimum (error) resolution."),
    "cropped": ("error", "Part of the mark is cut off by the page or image edge, or covered."),
    "altered-artwork": ("error", "The mark differs from the approved artwork."),
    "no-qualification": ("warning", "A page shows the mark but names no qualification entitled to it."),
    "not-entitled": ("error", "The document shows the mark or claims HTQ status for a qualification that is not entitled."),
}


_SEVERITY_RANK = {"error": 0, "warning": 1, "info": 2}


def _round(value: float | None, places: int = 2) -> float | None:
    return None if value is None else round(float(value), places)


def _bbox(box: BBox | None) -> list[float] | None:
    return None if box is None else [round(float(v), 2) for v in box]


@dataclass(frozen=True)
class PageInfo:
    """A page's size in its own unit: ``pt`` for PDF pages, ``px`` for images."""

    number: int
    width: float
    height: float
    unit: Literal["pt", "px"]

    def to_dict(self) -> dict[str, Any]:
        return {"number": self.number, "width": _round(self.width), "height": _round(self.height),
                "unit": self.unit}


@dataclass(frozen=True)
class Mark:
    """A quality mark found on a page, with how it is placed."""

    id: str
    page: int
    bbox: BBox
    variant: str | None
    confidence: float
    width_mm: float | None
    width_px: float | None
    rotation_deg: float
    aspect_ratio_error: float
    source: MarkSource

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "page": self.page, "bbox": _bbox(self.bbox), "variant": self.variant,
                "confidence": _round(self.confidence, 3), "width_mm": _round(self.width_mm),
                "width_px": _round(self.width_px), "rotation_deg": _round(self.rotation_deg),
                "aspect_ratio_error": _round(self.aspect_ratio_error, 4), "source": self.source}


@dataclass(frozen=True)
class Finding:
    """One misuse: which rule, how bad, where, what was measured and how to fix it."""

    rule: str
    severity: Severity
    page: int
    mark: str | None
    bbox: BBox | None
    message: str
    fix: str | None
    details: Mapping[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "severity": self.severity, "page": self.page, "mark": self.mark,
                "bbox": _bbox(self.bbox), "message": self.message, "fix": self.fix,
                "details": dict(self.details)}


@dataclass(frozen=True)
class DocumentError:
    """Why a document could not be scanned (``code`` is one of the contract's codes)."""

    code: ErrorCode
    message: str

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message}


@dataclass(frozen=True)
class Note:
    """Something about a document that the reader should know: a stable ``code`` and a message.

    ``code`` is one of :data:`NOTE_CODES`, which gives its severity; ``page``
    is the page it is about, if any.
    """

    code: str
    message: str
    page: int | None = None

    @property
    def severity(self) -> NoteSeverity:
        return NOTE_CODES[self.code][0] if self.code in NOTE_CODES else "warning"

    def __str__(self) -> str:
        return self.message

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "severity": self.severity, "page": self.page, "message": self.message}


@dataclass(frozen=True)
class PageImage:
    """A small picture of a page for visual reports (not part of the JSON report).

    ``scale`` is image pixels per page unit, so a bbox times ``scale`` is a box
    in the picture.
    """

    page: int
    width: int
    height: int
    scale: float
    media_type: str
    data: bytes


@dataclass(frozen=True)
class DocumentResult:
    """The outcome for one document: its pages, marks and findings, or its error."""

    path: str
    sha256: str | None
    type: DocumentType
    status: Literal["ok", "error"]
    error: DocumentError | None = None
    pages: tuple[PageInfo, ...] = ()
    marks: tuple[Mark, ...] = ()
    findings: tuple[Finding, ...] = ()
    images: tuple[PageImage, ...] = ()
    notes: tuple[Note, ...] = ()
    elapsed_s: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        """The document's JSON form; ``notes`` is there only when there are some."""
        data = {"path": self.path, "sha256": self.sha256, "type": self.type, "status": self.status,
                "error": None if self.error is None else self.error.to_dict(),
                "pages": [p.to_dict() for p in self.pages], "marks": [m.to_dict() for m in self.marks],
                "findings": [f.to_dict() for f in self.findings]}
        if self.notes:
            data["notes"] = [note.to_dict() for note in self.notes]
        return data

    def count(self, severity: Severity) -> int:
        """How many findings have this severity."""
        return sum(1 for f in self.findings if f.severity == severity)


@dataclass(frozen=True)
class ScanReport:
    """A whole scan: what was used to judge, and each document's result."""

    generator_version: str
    on_date: str
    kit: Mapping[str, Any]
    register: Mapping[str, Any]
    documents: tuple[DocumentResult, ...]
    scanned_at: str = ""

    @property
    def summary(self) -> dict[str, Any]:
        return {
            "documents": len(self.documents),
            "unreadable": sum(1 for d in self.documents if d.status == "error"),
            "marks": sum(len(d.marks) for d in self.documents),
            "findings": {s: sum(d.count(s) for d in self.documents) for s in ("error", "warning", "info")},
        }

    def fails_on(self, fail_on: str | Collection[str]) -> bool:
        """Whether a finding or note reaches ``fail_on``.

        ``fail_on`` holds severities (``error``; ``warning``, which also counts
        warning notes; ``never``) and note codes (:data:`NOTE_CODES`), each of
        which fails on that note. Raises ValueError for anything else.
        """
        chosen = {fail_on} if isinstance(fail_on, str) else set(fail_on)
        unknown = chosen - {"error", "warning", "info", "never"} - set(NOTE_CODES)
        if unknown:
            raise ValueError(f"unknown fail_on value(s) {sorted(unknown)}; use error, warning, info, never "
                             f"or a note code ({', '.join(NOTE_CODES)})")
        ranks = [_SEVERITY_RANK[value] for value in chosen if value in _SEVERITY_RANK]
        threshold = max(ranks, default=-1)
        for document in self.documents:
            if any(_SEVERITY_RANK[f.severity] <= threshold for f in document.findings):
                return True
            if any(note.code in chosen or _SEVERITY_RANK[note.severity] <= threshold for note in document.notes):
                return True
        return False

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA_ID,
            "generator": {"name": "htq-mark", "version": self.generator_version},
            "on_date": self.on_date,
            # Only the contract's keys: extra provenance (a kit's source, a register's
            # is_example flag) is for the visual reports, not the JSON contract.
            "kit": {key: self.kit.get(key) for key in KIT_KEYS},
            "register": {key: self.register.get(key) for key in REGISTER_KEYS},
            "documents": [d.to_dict() for d in self.documents],
            "summary": self.summary,
        }
