"""Rules on how the mark looks: recoloured, low-contrast, altered-artwork."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..._catalogue import ALTERED_ARTWORK, LOW_CONTRAST, RECOLOURED
from .._results import Finding
from ._common import (
    MarkFacts,
    finding,
    generate_command,
    limit_text,
    measure,
    suitable_variant,
)

if TYPE_CHECKING:
    from ...kit import Spec

__all__ = ["check_altered", "check_low_contrast", "check_recoloured"]


def check_recoloured(facts: MarkFacts, spec: Spec) -> list[Finding]:
    """Colours further from every approved variant's palette than the tolerance."""
    measured = facts.detection.measurements
    tolerance = spec.scan.colour_tolerance_delta_e
    distance = measured.palette_distance
    if facts.detection.variant is not None and distance <= tolerance:
        return []
    nearest = measured.best_variant or "none"
    return [finding(
        RECOLOURED, facts,
        f"The mark's colours match no approved variant (colour difference ΔE {measure(distance, tolerance)} "
        f"from the nearest, {nearest}; the tolerance is {limit_text(tolerance)}).",
        "Use an approved variant unchanged: " + generate_command(spec, facts),
        {"palette_distance": distance, "tolerance": tolerance, "nearest_variant": measured.best_variant})]


def check_low_contrast(facts: MarkFacts, spec: Spec) -> list[Finding]:
    """The wrong variant for its background, or contrast with it below the minimum."""
    measured = facts.detection.measurements
    kind = measured.background_kind
    variant = facts.mark.variant
    if variant is not None and kind in ("light", "dark", "photo") and variant in spec.variants:
        meant_for = spec.variants[variant].backgrounds
        if kind not in meant_for:
            if spec.variants_for(kind):
                right = suitable_variant(spec, kind, None)
                fix = f"Use the {right} variant here: " + generate_command(spec, facts, variant=right)
            else:  # a kit of its own may have none
                fix = (f"The kit has no variant for {kind} backgrounds: place the mark on a "
                       f"{' or '.join(meant_for)} background.")
            return [finding(
                LOW_CONTRAST, facts,
                f"The {variant} variant is for {' and '.join(meant_for)} backgrounds; this background is "
                f"{kind} (luminance {measured.background_luminance:.2f}).",
                fix,
                {"variant": variant, "background": kind,
                 "background_luminance": measured.background_luminance,
                 "contrast_ratio": measured.contrast_ratio})]
    minimum = spec.backgrounds.minimum_contrast_ratio
    ratio = measured.contrast_ratio
    if ratio >= minimum:
        return []
    right = suitable_variant(spec, kind, variant)
    return [finding(
        LOW_CONTRAST, facts,
        f"The mark's contrast with its background is {measure(ratio, minimum)}:1; "
        f"the minimum is {limit_text(minimum)}:1.",
        f"Place it on a plainer background or use the {right} variant: "
        + generate_command(spec, facts, variant=right),
        {"contrast_ratio": ratio, "minimum": minimum, "background": kind})]


def check_altered(facts: MarkFacts, spec: Spec) -> list[Finding]:
    """The artwork differs from the approved artwork beyond the tolerance, or one of its parts is missing
    or shows another of its colours."""
    measured = facts.detection.measurements
    difference, tolerance = measured.altered_difference, spec.scan.altered_max_difference
    missing, missing_tolerance = measured.missing_part, spec.scan.altered_max_missing_part
    recoloured = measured.recoloured_part
    evidence = {"altered_difference": difference, "tolerance": tolerance, "missing_part": missing,
                "recoloured_part": recoloured, "missing_part_tolerance": missing_tolerance}
    fix = "Replace it with the approved artwork, unedited: " + generate_command(spec, facts)
    if facts.detection.mirrored:
        return [finding(
            ALTERED_ARTWORK, facts,
            "The mark is mirrored (flipped left to right; flipped upside down, it is also rotated 180°); it must "
            "read as the approved artwork.",
            fix, {**evidence, "mirrored": True})]
    if difference > tolerance:
        return [finding(
            ALTERED_ARTWORK, facts,
            f"{measure(difference * 100, tolerance * 100)}% of the mark differs from the approved artwork "
            f"(parts missing or added, effects or outlines); at most {limit_text(tolerance * 100)}% may differ.",
            fix, evidence)]
    if missing > missing_tolerance:
        return [finding(
            ALTERED_ARTWORK, facts,
            f"A part of the mark is missing: {measure(missing * 100, missing_tolerance * 100)}% of one of its parts "
            f"shows the colour around it instead (the part removed or painted over; more than "
            f"{limit_text(missing_tolerance * 100)}% counts as missing). No part may be removed.",
            fix, evidence)]
    if recoloured > missing_tolerance:
        return [finding(
            ALTERED_ARTWORK, facts,
            f"A part of the mark is in the wrong colour: {measure(recoloured * 100, missing_tolerance * 100)}% of "
            f"one of its parts shows another of the mark's colours instead of its own (more than "
            f"{limit_text(missing_tolerance * 100)}% counts). No part may be recoloured.",
            fix, evidence)]
    return []
