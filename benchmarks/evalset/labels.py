"""The labels of the evaluation set: what each file holds and what a scan should report.

``labels.json`` (schema ``htq-mark.evalset/1``) is a list of cases. Coordinates
follow the scan report: the page's own unit (``px`` for images, ``pt`` for PDF
pages as a viewer shows them), origin top-left, y down. A mark's ``corners``
are the artwork's own top-left, top-right, bottom-right and bottom-left as
placed; ``bbox`` is their axis-aligned box (it may reach beyond the page when
the mark is cut off by an edge).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = ["LABELS_SCHEMA", "Case", "ExpectedMark", "ExpectedRule", "bbox_of"]

LABELS_SCHEMA = "htq-mark.evalset/1"

Point = tuple[float, float]


def bbox_of(corners: Sequence[Point]) -> tuple[float, float, float, float]:
    """Axis-aligned box of a polygon."""
    xs = [p[0] for p in corners]
    ys = [p[1] for p in corners]
    return min(xs), min(ys), max(xs), max(ys)


def _r(value: float, places: int = 3) -> float:
    return round(float(value), places)


@dataclass(frozen=True)
class ExpectedMark:
    """A mark placed on a page, with the rules it breaks (empty when compliant)."""

    page: int
    corners: tuple[Point, Point, Point, Point]
    variant: str
    width: float                  # length of the artwork's top edge as placed, page units
    height: float                 # length of its left edge as placed, page units
    rotation_deg: float
    aspect_ratio_error: float
    visible_fraction: float
    source: str                   # raster | vector | image-xobject
    rules: tuple[str, ...]
    conditions: tuple[str, ...]
    width_mm: float | None = None
    details: Mapping[str, Any] = field(default_factory=dict)

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        return bbox_of(self.corners)

    @property
    def compliant(self) -> bool:
        return not self.rules

    def to_dict(self) -> dict[str, Any]:
        return {"page": self.page, "corners": [[_r(x), _r(y)] for x, y in self.corners],
                "bbox": [_r(v) for v in self.bbox], "variant": self.variant, "width": _r(self.width),
                "height": _r(self.height), "width_mm": None if self.width_mm is None else _r(self.width_mm),
                "rotation_deg": _r(self.rotation_deg), "aspect_ratio_error": _r(self.aspect_ratio_error, 4),
                "visible_fraction": _r(self.visible_fraction, 4), "source": self.source,
                "rules": list(self.rules), "conditions": list(self.conditions), "details": dict(self.details)}


@dataclass(frozen=True)
class ExpectedRule:
    """A finding a scan should report: the rule, its severity, the page and the mark (index)."""

    rule: str
    severity: str
    page: int
    mark: int | None

    def to_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "severity": self.severity, "page": self.page, "mark": self.mark}


@dataclass(frozen=True)
class Case:
    """One file of the set."""

    id: str
    file: str
    format: str                        # png | jpeg | pdf
    medium: str                        # png | jpeg | pdf-vector | pdf-raster
    condition: str                     # the main condition the case was made for
    conditions: tuple[str, ...]        # every condition tag (main, background, encoding, carrier)
    unit: str                          # px | pt
    pages: tuple[tuple[float, float], ...]
    marks: tuple[ExpectedMark, ...]
    rules: tuple[ExpectedRule, ...]
    sha256: str = ""
    details: Mapping[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "file": self.file, "format": self.format, "medium": self.medium,
                "condition": self.condition, "conditions": list(self.conditions), "unit": self.unit,
                "pages": [{"number": i + 1, "width": _r(w, 2), "height": _r(h, 2)}
                          for i, (w, h) in enumerate(self.pages)],
                "marks": [m.to_dict() for m in self.marks], "rules": [r.to_dict() for r in self.rules],
                "sha256": self.sha256, "details": dict(self.details)}
