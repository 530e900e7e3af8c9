"""What a scan returns: frozen, picklable records whose ``to_dict()`` is the JSON report.

The JSON form is the schema ``htq-mark.scan-report/1`` (published as
``htq_mark/reports/schema/scan-report-1.json``). Coordinates are
``[x0, y0, x1, y1]`` in the page's own unit (PDF points of the crop box after
/Rotate, or image pixels), origin top-left, y down.
"""

from __future__ import annotations

import json
import math

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Literal, TypeVar

from .._catalogue import DOCUMENT_ERRORS, NOTE_CODES, DocumentErrorCode, ErrorCode, Severity
from .._catalogue import RULES as RULE_CATALOGUE
from .._frozen import frozen
from ..errors import ReportFileError, UsageError
from ._ocr import OCR_MODES

__all__ = [
    "BOX_PLACES",
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
    "ScanSettings",
    "Severity",
    "fail_on_threshold",
]

SCHEMA_ID = "htq-mark.scan-report/1"
#: The keys of ``kit`` and ``register`` that the JSON report carries, in order.
KIT_KEYS = ("name", "version", "sha256")
REGISTER_KEYS = ("source", "sha256", "as_of", "qualifications", "is_example")
BBox = tuple[float, float, float, float]
MarkSource = Literal["image-xobject", "vector", "raster"]
DocumentType = Literal["pdf", "png", "jpeg", "webp", "tiff", "gif", "bmp", "web", "unknown"]
PageUnit = Literal["pt", "px", "css-px"]

#: Every rule the scanner reports, with its default severity and a one-line meaning, in report order
#: (derived from the catalogue, which has each rule's title and help too).
RULES: Mapping[str, tuple[Severity, str]] = MappingProxyType({rule.id: (rule.severity, rule.meaning)
                                                              for rule in RULE_CATALOGUE.values()})


_T = TypeVar("_T")


def _loaded(kind: str, build: Callable[[], _T]) -> _T:
    """``build()``, with a missing key or a value of the wrong type reported as a :class:`ReportFileError`."""
    try:
        return build()
    except (KeyError, TypeError, ValueError, AttributeError, IndexError, OverflowError) as exc:
        part = "the report" if kind == "report" else f"a {kind} in the report"
        raise ReportFileError(f"{part} is incomplete or malformed ({type(exc).__name__}: {exc}); "
                              "give a JSON report written by htq-mark (format=\"json\").") from None


def _settings(data: Mapping[str, Any]) -> ScanSettings | None:
    """The report's settings; None when it does not record them."""
    if "settings" not in data:
        return None
    return _loaded("settings record", lambda: ScanSettings.from_dict(data["settings"]))


def _text_or_none(value: Any) -> str | None:
    if value is not None and not isinstance(value, str):
        raise TypeError(f"text or null expected, not {type(value).__name__}: {value!r}")
    return value


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


#: Decimal places a box's coordinates are written with (in page units).
BOX_PLACES = 2


def _bbox(box: BBox | None) -> list[float] | None:
    return None if box is None else [round(float(v), BOX_PLACES) for v in box]


@dataclass(frozen=True)
class PageInfo:
    """A page's size in its own unit: ``pt`` for PDF pages, ``px`` for images, ``css-px`` for web viewports.

    A PDF page's unit is the point unless it sets /UserUnit: then each of its
    units (its size and every box on it) is ``user_unit`` points.
    """

    number: int
    width: float
    height: float
    unit: PageUnit
    user_unit: float = 1.0

    def __post_init__(self) -> None:
        if not (isinstance(self.user_unit, (int, float)) and math.isfinite(self.user_unit) and self.user_unit > 0):
            raise ValueError(f"user_unit must be a positive number, not {self.user_unit!r}")

    def to_dict(self) -> dict[str, Any]:
        page = {"number": self.number, "width": _round(self.width), "height": _round(self.height), "unit": self.unit}
        return page if self.user_unit == 1.0 else {**page, "user_unit": self.user_unit}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PageInfo:
        """The page described by ``to_dict()``'s output."""
        return _loaded("page", lambda: cls(number=int(data["number"]), width=float(data["width"]),
                                           height=float(data["height"]), unit=data["unit"],
                                           user_unit=float(data.get("user_unit", 1.0))))


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

    def __post_init__(self) -> None:
        object.__setattr__(self, "severity", Severity(self.severity))
        object.__setattr__(self, "details", frozen(self.details))

    def to_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "severity": self.severity.value, "page": self.page, "mark": self.mark,
                "bbox": _bbox(self.bbox), "message": self.message, "fix": self.fix,
                "details": dict(self.details)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Finding:
        """The finding described by ``to_dict()``'s output."""
        return _loaded("finding", lambda: cls(
            rule=str(data["rule"]), severity=data["severity"], page=int(data["page"]), mark=_text_or_none(data["mark"]),
            bbox=_box(data["bbox"]), message=str(data["message"]), fix=_text_or_none(data["fix"]),
            details=dict(data.get("details") or {})))


@dataclass(frozen=True)
class DocumentError:
    """Why a document could not be scanned (``code`` is one of the contract's codes)."""

    code: DocumentErrorCode
    message: str

    def __post_init__(self) -> None:
        if self.code not in DOCUMENT_ERRORS:
            raise ValueError(f"{self.code!r} is not a document error code; use one of {', '.join(DOCUMENT_ERRORS)}")
        object.__setattr__(self, "code", ErrorCode(self.code))

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code.value, "message": self.message}

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
    def severity(self) -> Severity:
        return NOTE_CODES[self.code][0] if self.code in NOTE_CODES else Severity.WARNING

    def __str__(self) -> str:
        return self.message

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "severity": self.severity.value, "page": self.page, "message": self.message}

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

    def count(self, severity: Severity | str) -> int:
        """How many findings have this severity."""
        return sum(1 for f in self.findings if f.severity == severity)


def fail_on_threshold(fail_on: str | Iterable[str]) -> Severity | None:
    """The severity from which findings and notes fail under ``fail_on`` (None: ``never``).

    The least severe severity given; ``error`` when only note codes are given (adding one
    must not stop errors failing). Raises :class:`~htq_mark.errors.UsageError` for an
    unknown value, and for ``never`` with a severity.
    """
    chosen = _fail_on_values(fail_on)
    unknown = chosen - {*Severity, "never"} - set(NOTE_CODES)
    if unknown:
        raise UsageError(f"unknown fail_on value(s) {', '.join(map(repr, sorted(unknown)))}; use "
                         f"{', '.join(Severity)}, never or a note code ({', '.join(NOTE_CODES)})")
    severities = [Severity(value) for value in chosen if value in set(Severity)]
    if "never" in chosen:
        if severities:
            raise UsageError(f"never cannot go with a severity ({', '.join(sorted(severities))}); give one or "
                             "the other")
        return None
    return max(severities, key=lambda severity: severity.rank) if severities else Severity.ERROR


def _fail_on_values(fail_on: object) -> set[str]:
    values = [fail_on] if isinstance(fail_on, str) else list(fail_on) if isinstance(fail_on, Iterable) else None
    if values is None or not all(isinstance(value, str) for value in values):
        raise UsageError(f"fail_on takes a severity or note code, or a list of them (e.g. \"warning\" or "
                         f"[\"error\", \"symlink-outside\"]), not {fail_on!r}")
    return set(values)


@dataclass(frozen=True)
class ScanSettings:
    """The choices that shaped a scan's findings, as its report records them.

    ``select`` (None: every rule), ``ignore`` and ``severity`` (rule, severity
    pairs) are the rule selection; ``ocr`` where text in pictures was read;
    ``config`` the config file the settings came from and ``baseline`` the report
    whose findings were suppressed (None when there was none; ``-`` when it was read
    from standard input). ``exclude`` lists the globs that passed over entries of the
    folders scanned, when they are not the default ones (None: the defaults,
    ``.git/``, ``node_modules/`` and hidden folders); ``force_exclude`` says they
    passed over files and folders given by name too. Unknown severities
    and OCR modes, a rule named twice, an empty path or a value of the wrong type
    raise ValueError. Rule names are not checked against this version's rules, so
    a report of another version reads back (as its findings do).
    """

    ocr: str = "auto"
    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] = ()
    severity: tuple[tuple[str, str], ...] = ()
    config: str | None = None
    baseline: str | None = None
    exclude: tuple[str, ...] | None = None
    force_exclude: bool = False

    def __post_init__(self) -> None:
        if self.ocr not in OCR_MODES:
            raise ValueError(f"unknown OCR mode {self.ocr!r}")
        if self.select is not None and not isinstance(self.select, tuple) or not isinstance(self.ignore, tuple) \
                or not isinstance(self.severity, tuple) \
                or not all(isinstance(pair, tuple) and len(pair) == 2 for pair in self.severity):
            raise ValueError("select and ignore must be tuples of rules, severity a tuple of (rule, level) pairs")
        for rules in (self.select or (), self.ignore, tuple(pair[0] for pair in self.severity)):
            if not all(isinstance(rule, str) and rule for rule in rules):
                raise ValueError(f"a rule must be named by text: {rules!r}")
            if len(set(rules)) != len(rules):
                raise ValueError(f"a rule is named twice: {rules!r}")
        for _, level in self.severity:
            if not isinstance(level, str):
                raise ValueError(f"a severity must be text, not {type(level).__name__}")
            Severity(level)
        for path in (self.config, self.baseline):
            if path is not None and (not isinstance(path, str) or not path):
                raise ValueError(f"a path must be non-empty text, not {path!r}")
        if self.exclude is not None and (not isinstance(self.exclude, tuple)
                                         or not all(isinstance(glob, str) and glob for glob in self.exclude)):
            raise ValueError(f"exclude must be None or a tuple of non-empty globs, not {self.exclude!r}")
        if not isinstance(self.force_exclude, bool):
            raise ValueError(f"force_exclude must be True or False, not {self.force_exclude!r}")

    def to_dict(self) -> dict[str, Any]:
        recorded: dict[str, Any] = {
            "config": self.config, "baseline": self.baseline,
            "rules": {"select": None if self.select is None else list(self.select), "ignore": list(self.ignore),
                      "severity": dict(self.severity)},
            "ocr": self.ocr, "exclude": None if self.exclude is None else list(self.exclude)}
        if self.force_exclude:  # only when on: a report without it reads as it did before
            recorded["force_exclude"] = True
        return recorded

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ScanSettings:
        """The settings ``to_dict()`` describes; ValueError (or KeyError, TypeError) if malformed."""
        rules = data["rules"]
        select, ignore, severity = rules["select"], rules["ignore"], rules["severity"]
        if select is not None and not isinstance(select, list) or not isinstance(ignore, list) \
                or not isinstance(severity, dict):
            raise TypeError("settings.rules: select and ignore are lists, severity an object")
        exclude = data.get("exclude")  # not in reports of the first versions that recorded settings
        if exclude is not None and not isinstance(exclude, list):
            raise TypeError("settings.exclude is a list of globs or null")
        return cls(ocr=data["ocr"], select=None if select is None else tuple(select), ignore=tuple(ignore),
                   severity=tuple(severity.items()), config=data["config"], baseline=data["baseline"],
                   exclude=None if exclude is None else tuple(exclude),
                   force_exclude=data.get("force_exclude", False))

    def describe(self) -> str:
        """One line for people: the config file, the rules left out or changed, OCR, excludes and the baseline.

        Paths are quoted (as JSON strings), so none can pass for more settings.
        """
        parts = [f"config file {_quoted(self.config)}" if self.config else "no config file"]
        if self.select is not None:
            parts.append(f"only rules {', '.join(self.select)}" if self.select else "no rule reported")
        if self.ignore:
            parts.append(f"rules ignored: {', '.join(self.ignore)}")
        if self.severity:
            parts.append(f"severities set: {', '.join(f'{rule} to {level}' for rule, level in self.severity)}")
        if self.select is None and not self.ignore and not self.severity:
            parts.append("every rule at its own severity")
        parts.append(f"OCR {self.ocr}")
        if self.exclude is not None:
            parts.append(f"passed over: {', '.join(map(_quoted, self.exclude))}" if self.exclude
                         else "nothing passed over in folders (not even .git/ or hidden folders)")
        if self.force_exclude:
            parts.append("excludes applied to paths given by name too" if self.exclude != ()
                         else "excludes applied to paths given by name too (there are none)")
        if self.baseline == "-":
            parts.append("findings in the baseline read from standard input suppressed")
        elif self.baseline:
            parts.append(f"findings in baseline {_quoted(self.baseline)} suppressed")
        return "; ".join(parts)


def _quoted(path: str) -> str:
    return json.dumps(path, ensure_ascii=False)


@dataclass(frozen=True)
class ScanReport:
    """A whole scan: what was used to judge, and each document's result."""

    generator_version: str
    on_date: str
    kit: Mapping[str, Any]
    register: Mapping[str, Any]
    documents: tuple[DocumentResult, ...]
    scanned_at: str = ""
    settings: ScanSettings | None = None  # None: not recorded (a report written before reports had them)

    def __post_init__(self) -> None:
        object.__setattr__(self, "kit", frozen(self.kit))
        object.__setattr__(self, "register", frozen(self.register))

    @property
    def summary(self) -> dict[str, Any]:
        return {
            "documents": len(self.documents),
            "unreadable": sum(1 for d in self.documents if d.status == "error"),
            "marks": sum(len(d.marks) for d in self.documents),
            "findings": {s.value: sum(d.count(s) for d in self.documents) for s in Severity},
            **({"suppressed": suppressed} if (suppressed := sum(len(d.suppressed) for d in self.documents)) else {}),
        }

    def fails_at(self, severity: Severity | str) -> bool:
        """Whether a finding or a note of ``severity`` or worse is reported (unreadable documents aside).

        ``severity`` is a :class:`Severity` or its text (``"error"``, ``"warning"``,
        ``"info"``); :class:`~htq_mark.errors.UsageError` for anything else.
        """
        if not isinstance(severity, str) or severity not in set(Severity):
            raise UsageError(f"fails_at takes a severity ({', '.join(Severity)}), not {severity!r}")
        threshold = Severity(severity)
        return any(severity.at_least(threshold) for document in self.documents
                   for severity in (*(f.severity for f in document.findings), *(n.severity for n in document.notes)))

    def fails_on(self, fail_on: str | Iterable[str]) -> bool:
        """Whether a finding or note reaches ``fail_on``: the ``--fail-on`` decision.

        ``fail_on`` holds severities (``error``; ``warning``, which also counts
        warning notes; ``info``; ``never``) and note codes (:data:`NOTE_CODES`), each of
        which fails on that note. The least severe severity given is the threshold
        (see :meth:`fails_at`); note codes alone keep the default threshold, ``error``
        (with ``never``, only the notes fail). Raises :class:`~htq_mark.errors.UsageError`
        for anything else, and for ``never`` with a severity.
        """
        chosen = _fail_on_values(fail_on)
        threshold = fail_on_threshold(chosen)
        if threshold is not None and self.fails_at(threshold):
            return True
        return any(note.code in chosen for document in self.documents for note in document.notes)

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
            **({} if self.settings is None else {"settings": self.settings.to_dict()}),
            "documents": [d.to_dict() for d in self.documents],
            "summary": self.summary,
        }

    def describe_settings(self) -> str:
        """:meth:`ScanSettings.describe`, or that the report does not record its settings."""
        return "not recorded" if self.settings is None else self.settings.describe()

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ScanReport:
        """The report described by ``to_dict()`` (a JSON report read back), for re-rendering or as a baseline.

        Raises :class:`~htq_mark.errors.ReportFileError` when ``data`` is not such a report.
        """
        if not isinstance(data, Mapping) or data.get("schema") != SCHEMA_ID:
            found = f"schema {data.get('schema')!r}" if isinstance(data, Mapping) else f"a JSON {type(data).__name__}"
            raise ReportFileError(f"this is not an htq-mark JSON report ({found}, expected schema {SCHEMA_ID!r}); "
                                  "give a report written by htq-mark (format=\"json\").")
        return _loaded("report", lambda: cls(
            generator_version=str(data["generator"]["version"]), on_date=str(data["on_date"]),
            kit=dict(data["kit"]), register=dict(data["register"]),
            documents=tuple(DocumentResult.from_dict(d) for d in data["documents"]),
            scanned_at=str(data.get("scanned_at") or ""), settings=_settings(data)))
