"""What a scan returns: frozen, picklable records whose ``to_dict()`` is the JSON report.

The JSON form is the schema ``htq-mark.scan-report/1`` (published as
``htq_mark/reports/schema/scan-report-1.json``). Coordinates are
``[x0, y0, x1, y1]`` in the page's own unit (PDF points of the crop box after
/Rotate, or image pixels), origin top-left, y down.
"""

from __future__ import annotations

import math

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

from ..errors import ReportFileError

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
REGISTER_KEYS = ("source", "sha256", "as_of", "qualifications", "is_example")
Severity = Literal["error", "warning", "info"]
BBox = tuple[float, float, float, float]
MarkSource = Literal["image-xobject", "vector", "raster"]
DocumentType = Literal["pdf", "png", "jpeg", "webp", "tiff", "gif", "bmp", "web", "unknown"]
ErrorCode = Literal["unreadable", "encrypted", "unsupported", "too-large", "timeout", "worker-lost", "blocked"]
PageUnit = Literal["pt", "px", "css-px"]
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
    "web-refused": ("info", "A web page asked for something that was refused (a private or link-local address, "
                            "or another site's pop-up); the page was scanned without it."),
    "web-navigation": ("info", "A web page tried to go to another address by itself (a refresh or a script); "
                               "the page was scanned as it stood."),
    "ocr-unavailable": ("info", "Text in pictures was not read because the OCR engine is not installed "
                                "(pip install 'htq-mark[ocr]')."),
    "ocr-failed": ("info", "The OCR engine could not read the text in a picture; the rest was scanned."),
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
    "missing-alt-text": ("info", "A web page shows the mark in an element without an accessible name."),
}


_SEVERITY_RANK = {"error": 0, "warning": 1, "info": 2}


_T = TypeVar("_T")


def _loaded(kind: str, build: Callable[[], _T]) -> _T:
    """``build()``, with a missing key or a value of the wrong type reported as a :class:`ReportFileError`."""
    try:
        return build()
    except (KeyError, TypeError, ValueError, AttributeError, IndexError, OverflowError) as exc:
        raise ReportFileError(f"a {kind} in the report is incomplete or malformed ({type(exc).__name__}: {exc}); "
                              "give a JSON report written by htq-mark scan --format json.") from None


def _box(value: Any) -> BBox | None:
    if value is None:
        return None
    x0, y0, x1, y1 = (float(v) for v in value)
    if not all(math.isfinite(v) for v in (x0, y0, x1, y1)):
        raise ValueError(f"a box has a value that is not a finite number: {value!r}")
    return (x0, y0, x1, y1)


def _optional_float(value: Any) -> float | None:
    return None if value is None else float(value)


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

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PageInfo:
        """The page described by ``to_dict()``'s output."""
        return _loaded("page", lambda: cls(number=int(data["number"]), width=float(data["width"]),
                                           height=float(data["height"]), unit=data["unit"]))


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

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Mark:
        """The mark described by ``to_dict()``'s output."""
        def build() -> Mark:
            box = _box(data["bbox"])
            if box is None:
                raise ValueError("a mark needs a bbox")
            return cls(id=str(data["id"]), page=int(data["page"]), bbox=box, variant=data["variant"],
                       confidence=float(data["confidence"]), width_mm=_optional_float(data["width_mm"]),
                       width_px=_optional_float(data["width_px"]), rotation_deg=float(data["rotation_deg"]),
                       aspect_ratio_error=float(data["aspect_ratio_error"]), source=data["source"],
                       selector=data.get("selector"), src=data.get("src"))

        return _loaded("mark", build)


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

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Finding:
        """The finding described by ``to_dict()``'s output."""
        return _loaded("finding", lambda: cls(
            rule=str(data["rule"]), severity=data["severity"], page=int(data["page"]), mark=data["mark"],
            bbox=_box(data["bbox"]), message=str(data["message"]), fix=data["fix"],
            details=dict(data.get("details") or {})))


@dataclass(frozen=True)
class DocumentError:
    """Why a document could not be scanned (``code`` is one of the contract's codes)."""

    code: ErrorCode
    message: str

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> DocumentError:
        """The error described by ``to_dict()``'s output."""
        return _loaded("document error", lambda: cls(code=data["code"], message=str(data["message"])))


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

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Note:
        """The note described by ``to_dict()``'s output."""
        return _loaded("note", lambda: cls(code=str(data["code"]), message=str(data["message"]),
                                           page=None if data.get("page") is None else int(data["page"])))


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
    suppressed: tuple[Finding, ...] = ()
    #: Web pages: the final URL after redirects (``path`` is the URL as given or found).
    url: str | None = None

    def to_dict(self) -> dict[str, Any]:
        marks = [m.to_dict() for m in self.marks]
        data: dict[str, Any] = {"path": self.path, "sha256": self.sha256, "type": self.type, "status": self.status,
                "error": None if self.error is None else self.error.to_dict(),
                "pages": [p.to_dict() for p in self.pages], "marks": marks,
                "findings": [f.to_dict() for f in self.findings]}
        if self.type == "web":  # web documents carry their final URL and each mark's element
            data["url"] = self.url
            for mark, shown in zip(self.marks, marks):
                shown.update(selector=mark.selector, src=mark.src)
        if self.notes:
            data["notes"] = [note.to_dict() for note in self.notes]
        if self.suppressed:
            data["suppressed"] = [f.to_dict() for f in self.suppressed]
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> DocumentResult:
        """The document described by ``to_dict()``'s output (pictures are not in it)."""
        def build() -> DocumentResult:
            error = data["error"]
            return cls(path=str(data["path"]), sha256=data["sha256"], type=data["type"], status=data["status"],
                       error=None if error is None else DocumentError.from_dict(error),
                       pages=tuple(PageInfo.from_dict(p) for p in data["pages"]),
                       marks=tuple(Mark.from_dict(m) for m in data["marks"]),
                       findings=tuple(Finding.from_dict(f) for f in data["findings"]),
                       notes=tuple(Note.from_dict(n) for n in data.get("notes", ())),
                       suppressed=tuple(Finding.from_dict(f) for f in data.get("suppressed", ())),
                       url=data.get("url"))

        return _loaded("document", build)

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
            **({"suppressed": suppressed} if (suppressed := sum(len(d.suppressed) for d in self.documents)) else {}),
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
            "scanned_at": self.scanned_at or None,
            # Only the contract's keys: extra provenance (a kit's source) is for the visual reports.
            "kit": {key: self.kit.get(key) for key in KIT_KEYS},
            "register": {key: (bool(self.register.get(key)) if key == "is_example" else self.register.get(key))
                         for key in REGISTER_KEYS},
            "documents": [d.to_dict() for d in self.documents],
            "summary": self.summary,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ScanReport:
        """The report described by ``to_dict()`` (a JSON report read back), for re-rendering or as a baseline.

        Raises :class:`~htq_mark.errors.ReportFileError` when ``data`` is not such a report.
        """
        if not isinstance(data, Mapping) or data.get("schema") != SCHEMA_ID:
            found = data.get("schema") if isinstance(data, Mapping) else type(data).__name__
            raise ReportFileError(f"this is not an htq-mark JSON report (schema {found!r}, expected {SCHEMA_ID!r}); "
                                  "give a report written by htq-mark scan --format json.")
        return _loaded("report", lambda: cls(
            generator_version=str(data["generator"]["version"]), on_date=str(data["on_date"]),
            kit=dict(data["kit"]), register=dict(data["register"]),
            documents=tuple(DocumentResult.from_dict(d) for d in data["documents"]),
            scanned_at=str(data.get("scanned_at") or "")))
