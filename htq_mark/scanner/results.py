"""What a scan returns: frozen, picklable records whose ``to_dict()`` is the JSON report.

The JSON form is the schema ``htq-mark.scan-report/1`` (published as
``htq_mark/reports/schema/scan-report-1.json``). Coordinates are
``[x0, y0, x1, y1]`` in the page's own unit (PDF points of the crop box after
/Rotate, or image pixels), origin top-left, y down.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

__all__ = [
    "BBox",
    "DocumentError",
    "DocumentResult",
    "Finding",
    "KIT_KEYS",
    "Mark",
    "PageImage",
    "PageInfo",
    "PageUnit",
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
DocumentType = Literal["pdf", "png", "jpeg", "webp", "tiff", "gif", "bmp", "web", "unknown"]
ErrorCode = Literal["unreadable", "encrypted", "unsupported", "too-large", "timeout", "blocked"]
PageUnit = Literal["pt", "px", "css-px"]

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
    "missing-alt-text": ("info", "A web page shows the mark in an element without an accessible name."),
}


def _round(value: float | None, places: int = 2) -> float | None:
    return None if value is None else round(float(value), places)


def _bbox(box: BBox | None) -> list[float] | None:
    return None if box is None else [round(float(v), 2) for v in box]


@dataclass(frozen=True)
class PageInfo:
    """A page's size in its own unit: ``pt`` for PDF pages, ``px`` for images, ``css-px`` for web viewports."""

    number: int
    width: float
    height: float
    unit: PageUnit

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
    #: On web pages: a CSS selector of the element showing the mark (None when baked into a picture).
    selector: str | None = None
    #: On web pages: the URL of the image showing the mark, if it has one.
    src: str | None = None

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
    notes: tuple[str, ...] = ()
    elapsed_s: float = 0.0
    #: Web pages: the final URL after redirects (``path`` is the URL as given or found).
    url: str | None = None

    def to_dict(self) -> dict[str, Any]:
        marks = [m.to_dict() for m in self.marks]
        data = {"path": self.path, "sha256": self.sha256, "type": self.type, "status": self.status,
                "error": None if self.error is None else self.error.to_dict(),
                "pages": [p.to_dict() for p in self.pages], "marks": marks,
                "findings": [f.to_dict() for f in self.findings]}
        if self.type == "web":  # web documents carry their final URL and each mark's element
            data["url"] = self.url
            for mark, shown in zip(self.marks, marks):
                shown.update(selector=mark.selector, src=mark.src)
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
