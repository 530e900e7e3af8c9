"""What the rules share: the facts about one mark, number formatting and fix commands."""

from __future__ import annotations

import math

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from ..._catalogue import Rule, Severity
from .._results import BBox, Finding, Mark

if TYPE_CHECKING:
    from ...kit import Spec
    from .._detect import Detection

__all__ = ["MarkFacts", "below", "finding", "generate_command", "measure", "suitable_variant"]


@dataclass(frozen=True)
class MarkFacts:
    """Everything the rules know about one mark.

    ``units_per_px`` turns the detector's pixels into page units (72/dpi for PDF
    pages, 1 for images); ``mm_per_px`` is set where physical size is known
    (PDF pages). ``effective_ppi`` is set for marks inside a placed raster image.
    """

    mark: Mark
    detection: Detection
    unit: Literal["pt", "px"]
    units_per_px: float
    mm_per_px: float | None
    effective_ppi: float | None = None

    @property
    def is_print(self) -> bool:
        return self.mm_per_px is not None

    def length(self, px: float) -> tuple[float, str]:
        """A length in detector pixels as (value, unit): mm in PDFs, px in images."""
        if self.mm_per_px is not None:
            return px * self.mm_per_px, "mm"
        return px, "px"


def measure(value: float, limit: float | None = None, places: int = 1) -> str:
    """``value`` with enough decimals that it never reads as equal to ``limit``."""
    text = f"{value:.{places}f}"
    if limit is not None:
        while places < 4 and value != limit and float(text) == float(f"{limit:.{places}f}"):
            places += 1
            text = f"{value:.{places}f}"
    return text


def below(value: float, limit: float) -> bool:
    """Whether ``value`` is under ``limit`` by more than arithmetic's rounding (300 ppi worked out through a
    page's matrices may come out as 299.9999999999999)."""
    return value < limit and not math.isclose(value, limit, rel_tol=1e-9)


def limit_text(limit: float) -> str:
    """A spec value as written in messages (``25``, ``0.5``)."""
    return f"{limit:g}"


def suitable_variant(spec: Spec, background_kind: str | None, current: str | None) -> str:
    """The approved variant to recommend: the current one if it suits the background."""
    if background_kind in ("light", "dark", "photo"):
        fitting = spec.variants_for(background_kind)
        if current in fitting:
            return current
        if fitting:
            return fitting[0]
    if current is not None and current in spec.variants:
        return current
    return next(iter(spec.variants))


def generate_command(spec: Spec, facts: MarkFacts, *, variant: str | None = None,
                     width: float | None = None) -> str:
    """The ``htq-mark generate`` command that makes the right asset for this mark's use."""
    chosen = variant or suitable_variant(spec, facts.detection.measurements.background_kind,
                                         facts.mark.variant)
    if facts.is_print:
        current = facts.mark.width_mm or 0.0
        size = max(spec.minimum_width_mm, round(width if width is not None else current))
        return f"htq-mark generate --variant {chosen} --width {size:g}mm --format pdf -o htq-mark-{chosen}.pdf"
    current = facts.mark.width_px or 0.0
    size = max(spec.minimum_width_px, round(width if width is not None else current))
    return f"htq-mark generate --variant {chosen} --width {size:g}px --format png -o htq-mark-{chosen}.png"


def finding(rule: Rule, facts: MarkFacts, message: str, fix: str | None, details: dict[str, Any],
            bbox: BBox | None = None, *, severity: Severity | None = None) -> Finding:
    """A finding of ``rule`` about ``facts.mark`` (boxed on the mark unless ``bbox`` is given), at the rule's
    default severity unless ``severity`` is given."""
    rounded = {k: (round(v, 4) if isinstance(v, float) else v) for k, v in details.items()}
    return Finding(rule=rule.id, severity=rule.severity if severity is None else severity,
                   page=facts.mark.page, mark=facts.mark.id,
                   bbox=facts.mark.bbox if bbox is None else bbox, message=message, fix=fix, details=rounded)
