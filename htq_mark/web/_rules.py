"""The rules only a web page adds, on top of the scanner's own: what the DOM shows about a mark.

``missing-alt-text`` (info): the element showing the mark has no accessible name.
``low-resolution``: a raster mark shown larger than its intrinsic pixels at the
viewport's device pixel ratio (below half of them: an error).
``cropped``: part of the mark clipped by a container's overflow or the page's edge, or covered
by content laid over it (a fixed or sticky header) wherever the page is scrolled to show it.
"""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING

from .._catalogue import CROPPED, LOW_RESOLUTION, MISSING_ALT_TEXT, Severity
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
    return [finding(MISSING_ALT_TEXT, facts,
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
    severity = Severity.ERROR if ratio < _LOW_RESOLUTION_ERROR_RATIO else Severity.WARNING
    return [finding(
        LOW_RESOLUTION, facts,
        f"The mark is a {natural_width:.0f} px wide image shown {shown_width:.0f} CSS px wide, which needs "
        f"{device_px:.0f} device px at device pixel ratio {dpr:g}; it is upscaled "
        f"{measure(1 / ratio, 1.0, 2)}x and looks blurred.",
        f"Use the SVG, or a PNG at least {device_px:.0f} px wide: "
        + generate_command(spec, facts, width=device_px),
        {"intrinsic_width_px": natural_width, "css_width": shown_width, "device_pixel_ratio": dpr,
         "upscale": 1 / ratio, "error_below": _LOW_RESOLUTION_ERROR_RATIO},
        severity=severity)]


def _clipped(facts: MarkFacts, element: PageElement, already: list[Finding], spec: Spec) -> list[Finding]:
    hidden_limit = spec.scan.cropped_max_hidden
    hidden = element.hidden_fraction
    if hidden <= hidden_limit or any(f.rule == "cropped" for f in already):
        return []
    cut = 1.0 - element.visible_fraction
    where = f" on its {element.hidden_side}" if element.hidden_side else ""
    if cut >= element.covered:
        how = "clipped by a container's overflow or the edge of the page"
        fix = f"Make room for the whole mark and its clear space in {element.selector} (check overflow and widths)."
    else:
        how = ("covered by other content (a fixed or sticky header, a banner) wherever the page is scrolled to "
               "show it")
        fix = (f"Keep fixed and sticky content off the mark: move {element.selector} clear of it (e.g. add "
               "padding-top or scroll-margin-top equal to the header's height) or give the header no "
               "background where the mark is.")
    return [finding(
        CROPPED, facts,
        f"{measure(hidden * 100, hidden_limit * 100)}% of the mark is {how}{where}; the whole mark must show "
        f"(at most {limit_text(hidden_limit * 100)}% hidden).",
        fix,
        {"hidden_fraction": hidden, "side": element.hidden_side, "cut_off_fraction": cut,
         "covered_fraction": element.covered, "tolerance": hidden_limit, "selector": element.selector})]


def check_web_mark(facts: MarkFacts, element: PageElement | None, dpr: float, spec: Spec,
                   already: list[Finding]) -> list[Finding]:
    """The web-only findings about one mark, given the element that shows it (if any)."""
    if element is None:
        return []
    return (_clipped(facts, element, already, spec) + _low_resolution(facts, element, dpr, spec)
            + _missing_alt(facts, element, spec))
