"""Rules on the mark's size and shape: too-small, distorted, rotated."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..._catalogue import DISTORTED, ROTATED, TOO_SMALL
from .._results import Finding
from ._common import MarkFacts, below, finding, generate_command, limit_text, measure

if TYPE_CHECKING:
    from ...kit import Spec

__all__ = ["check_distorted", "check_rotated", "check_too_small"]


def check_too_small(facts: MarkFacts, spec: Spec) -> list[Finding]:
    """Artwork narrower than the spec's minimum (mm in PDFs, px in images)."""
    if facts.mark.width_mm is not None:
        width, minimum, unit = facts.mark.width_mm, spec.minimum_width_mm, "mm"
    else:
        width, minimum, unit = facts.mark.width_px or 0.0, float(spec.minimum_width_px), "px"
    if not below(width, minimum):
        return []
    return [finding(
        TOO_SMALL, facts,
        f"The mark is {measure(width, minimum)} {unit} wide; the minimum is {limit_text(minimum)} {unit}.",
        f"Place it at least {limit_text(minimum)} {unit} wide: "
        f"{generate_command(spec, facts, width=minimum)}",
        {"width": width, "minimum": minimum, "unit": unit})]


def check_distorted(facts: MarkFacts, spec: Spec) -> list[Finding]:
    """Aspect ratio further from the artwork's than the tolerance."""
    error = facts.mark.aspect_ratio_error
    tolerance = spec.aspect_ratio_tolerance
    if abs(error) <= tolerance:
        return []
    direction = "wider" if error > 0 else "taller"
    amount = abs(error) * 100
    return [finding(
        DISTORTED, facts,
        f"The mark is stretched {measure(amount, tolerance * 100)}% {direction} than the artwork; "
        f"the tolerance is {limit_text(tolerance * 100)}%.",
        "Scale it with the proportions locked, or place a fresh copy: " + generate_command(spec, facts),
        {"aspect_ratio_error": error, "tolerance": tolerance})]


def _from_upright(angle: float) -> float:
    folded = (angle + 180.0) % 360.0 - 180.0
    return abs(folded)


def _direction(angle: float) -> str:
    folded = (angle + 180.0) % 360.0 - 180.0
    return "anticlockwise" if folded > 0 else "clockwise"


def check_rotated(facts: MarkFacts, spec: Spec) -> list[Finding]:
    """Not upright beyond the rotation tolerance."""
    off = _from_upright(facts.mark.rotation_deg)
    tolerance = spec.rotation_tolerance_deg
    if off <= tolerance:
        return []
    return [finding(
        ROTATED, facts,
        f"The mark is rotated {measure(off, tolerance)}° {_direction(facts.mark.rotation_deg)}; "
        "it must be upright "
        f"(within {limit_text(tolerance)}°).",
        "Set the mark's rotation to 0°.",
        {"rotation_deg": facts.mark.rotation_deg, "tolerance_deg": tolerance})]
