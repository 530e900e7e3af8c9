"""Rules on the mark's surroundings: clear-space, cropped."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._results import Finding
from ._common import MarkFacts, finding, generate_command, limit_text, measure

if TYPE_CHECKING:
    from ...kit import Spec

__all__ = ["check_clear_space", "check_cropped"]


#: Detector pixels an object's reach must exceed before it counts: a neighbour exactly at the
#: zone's edge spills this far in through anti-aliasing and the edge filter.
EDGE_SPILL_PX = 2.5


def check_clear_space(facts: MarkFacts, spec: Spec) -> list[Finding]:
    """Other content inside the clear-space zone: filling more of it than the noise threshold,
    or reaching deeper into it than the depth threshold (a dot or a thin bar counts)."""
    measured = facts.detection.measurements
    share = measured.clear_space_intrusion
    threshold = spec.scan.clear_space_min_intrusion
    sides = {side: depth for side, depth in measured.clear_space_intrusion_px.items() if depth > 0}
    side, depth_px = max(sides.items(), key=lambda item: item[1]) if sides else ("", 0.0)
    deepest_allowed = max(EDGE_SPILL_PX, spec.scan.clear_space_min_depth * measured.clear_space_required_px)
    if share <= threshold and depth_px <= deepest_allowed:
        return []
    depth, unit = facts.length(depth_px)
    required, _ = facts.length(measured.clear_space_required_px)
    where = f" on the {side}" if side else ""
    x0, y0, x1, y1 = facts.mark.bbox
    margin = measured.clear_space_required_px * facts.units_per_px
    zone = (x0 - margin, y0 - margin, x1 + margin, y1 + margin)
    if depth > 0:
        message = (f"Other content intrudes {measure(depth)} {unit} into the clear space{where}; "
                   f"keep {measure(required)} {unit} clear.")
        move = f"Move the other content {measure(depth)} {unit} further from the mark"
    else:
        message = (f"Other content fills {measure(share * 100)}% of the clear space; "
                   f"keep {measure(required)} {unit} clear on every side.")
        move = "Move the other content out of the clear space"
    return [finding(
        "clear-space", "error", facts, message,
        f"{move}, or place the mark with its clear space built in: "
        f"{generate_command(spec, facts)}",
        {"intrusion_share": share, "threshold": threshold, "side": side or None,
         f"intrusion_{unit}": depth, f"required_{unit}": required},
        bbox=zone)]


def check_cropped(facts: MarkFacts, spec: Spec) -> list[Finding]:
    """Part of the mark cut off by the page or image edge, or hidden by other content (a frame
    smaller than the artwork, a box laid over it); says how much and on which side."""
    hidden_limit = spec.scan.cropped_max_hidden
    measured = facts.detection.measurements
    cut = max(0.0, 1.0 - facts.detection.visible_fraction)
    covered = max(0.0, measured.covered_fraction)
    if facts.detection.visible_fraction >= 1.0 - hidden_limit and covered <= hidden_limit:
        return []
    if facts.detection.visible_fraction < 1.0 - hidden_limit and cut >= covered:
        hidden, side = cut, facts.detection.cut_side
        how = "cut off by the edge of the page"
        fix = "Move the whole mark inside the page, with its clear space."
    else:
        hidden, side = covered, measured.covered_side
        how = "hidden by other content (covered, or clipped by a frame smaller than the mark)"
        fix = ("Bring the mark to the front, keep other content off it, and make its frame or box "
               "large enough to show all of it with its clear space.")
    where = f" on its {side}" if side else ""
    return [finding(
        "cropped", "error", facts,
        f"{measure(hidden * 100, hidden_limit * 100)}% of the mark is {how}{where}; the whole mark must show "
        f"(at most {limit_text(hidden_limit * 100)}% hidden).",
        fix,
        {"hidden_fraction": hidden, "side": side, "cut_off_fraction": cut, "covered_fraction": covered,
         "tolerance": hidden_limit})]
