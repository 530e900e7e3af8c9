"""The rules only a web page adds, on top of the scanner's own: what the DOM shows about a mark.

``missing-alt-text`` (info): the element showing the mark has no accessible name.
``low-resolution``: a raster mark shown larger than its intrinsic pixels at the
viewport's device pixel ratio (below half of them: an error).
``cropped``: part of the mark clipped by a container's overflow or the page's edge.
"""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING

from ..scanner._results import Finding
from ..scanner._rules._common import MarkFacts, finding, generate_command, limit_text, measure

if TYPE_CHECKING:
    from ..kit import Spec
    from ._dom import PageElement

__all__ = ["check_web_mark"]

#: A raster mark with fewer intrinsic pixels than this share of the device pixels it covers is an error.
_LOW_RESOLUTION_ERROR_RATIO = 0.5
_MATRIX = re.compile(r"matrix\(([^)]*)\)")


def _missing_alt(facts: MarkFacts, element: PageElement, spec: Spec) -> list[Finding]:
    if element.accessible_name:
        return []
    how = {"svg": "add <title>Higher Technical Qualification quality mark</title> as the SVG's first child "
                  "or an aria-label",
           "background": "add role=\"img\" and aria-label=\"Higher Technical Qualification quality mark\" "
                         "to the element"}.get(element.kind, "add alt=\"Higher Technical Qualification quality mark\"")
    return [finding("missing-alt-text", "info", facts,
                    f"The mark ({element.selector}) has no accessible name, so screen readers do not announce it.",
                    f"Give it a text alternative: {how}.",
                    {"selector": element.selector, "decorative": element.decorative})]


def shown_width_of(element: PageElement) -> float:
    """The element's width on screen along its own top edge: its layout width times any CSS scale."""
    width = element.layout[0] or (element.box[2] - element.box[0])
    matrix = _MATRIX.match(element.transform)
    if matrix:
        a, b = (float(v) for v in matrix.group(1).split(",")[:2])
        width *= math.hypot(a, b)
    return width


def _low_resolution(facts: MarkFacts, element: PageElement, dpr: float, spec: Spec) -> list[Finding]:
    natural_width = element.natural[0]
    shown_width = shown_width_of(element)
    if element.kind == "svg" or (element.src or "").lower().split("?")[0].endswith(".svg") \
            or natural_width <= 0 or shown_width <= 0 or facts.mark.source == "vector":
        return []
    device_px = shown_width * dpr
    ratio = natural_width / device_px
    if ratio >= 1.0:
        return []
    severity = "error" if ratio < _LOW_RESOLUTION_ERROR_RATIO else "warning"
    return [finding(
        "low-resolution", severity, facts,  # type: ignore[arg-type]
        f"The mark is a {natural_width:.0f} px wide image shown {shown_width:.0f} CSS px wide, which needs "
        f"{device_px:.0f} device px at device pixel ratio {dpr:g}; it is upscaled "
        f"{measure(1 / ratio, 1.0, 2)}x and looks blurred.",
        f"Use the SVG, or a PNG at least {device_px:.0f} px wide: "
        + generate_command(spec, facts, width=device_px),
        {"intrinsic_width_px": natural_width, "css_width": shown_width, "device_pixel_ratio": dpr,
         "upscale": 1 / ratio, "error_below": _LOW_RESOLUTION_ERROR_RATIO})]


def _clipped(facts: MarkFacts, element: PageElement, already: list[Finding], spec: Spec) -> list[Finding]:
    hidden_limit = spec.scan.cropped_max_hidden
    hidden = 1.0 - element.visible_fraction
    if hidden <= hidden_limit or any(f.rule == "cropped" for f in already):
        return []
    return [finding(
        "cropped", "error", facts,
        f"{measure(hidden * 100, hidden_limit * 100)}% of the mark is clipped by a container's overflow or the "
        f"edge of the page; the whole mark must show (at most {limit_text(hidden_limit * 100)}% hidden).",
        f"Make room for the whole mark and its clear space in {element.selector} (check overflow and widths).",
        {"cut_off_fraction": hidden, "covered_fraction": 0.0, "tolerance": hidden_limit,
         "selector": element.selector})]


def check_web_mark(facts: MarkFacts, element: PageElement | None, dpr: float, spec: Spec,
                   already: list[Finding]) -> list[Finding]:
    """The web-only findings about one mark, given the element that shows it (if any)."""
    if element is None:
        return []
    return (_clipped(facts, element, already, spec) + _low_resolution(facts, element, dpr, spec)
            + _missing_alt(facts, element, spec))
