"""The low-resolution rule: a raster mark printed below the spec's ppi."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..._catalogue import LOW_RESOLUTION, Severity
from .._results import Finding
from ._common import MarkFacts, below, finding, limit_text, measure, suitable_variant

if TYPE_CHECKING:
    from ...kit import Spec

__all__ = ["check_low_resolution"]


def check_low_resolution(facts: MarkFacts, spec: Spec) -> list[Finding]:
    """Error below ``print.minimum_ppi``, warning below ``print.recommended_ppi``."""
    ppi = facts.effective_ppi
    if ppi is None:
        return []
    if below(ppi, spec.minimum_ppi):
        severity, limit, word = Severity.ERROR, float(spec.minimum_ppi), "minimum"
    elif below(ppi, spec.recommended_ppi):
        severity, limit, word = Severity.WARNING, float(spec.recommended_ppi), "recommended minimum"
    else:
        return []
    variant = suitable_variant(spec, facts.detection.measurements.background_kind, facts.mark.variant)
    width = max(spec.minimum_width_mm, round(facts.mark.width_mm or spec.minimum_width_mm))
    return [finding(
        LOW_RESOLUTION, facts,
        f"The mark is a raster image printed at {measure(ppi, limit, 0)} ppi; "
        f"the {word} is {limit_text(limit)} ppi.",
        f"Place the vector artwork instead: htq-mark generate --variant {variant} --width {width:g}mm "
        f"--format pdf -o htq-mark-{variant}.pdf",
        {"effective_ppi": ppi, "minimum_ppi": spec.minimum_ppi, "recommended_ppi": spec.recommended_ppi},
        severity=severity)]
