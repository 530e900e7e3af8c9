"""What each rule means and how to put it right, as reports explain it.

The one-line meaning and default severity come from ``htq_mark.scanner._results.RULES``;
this adds a title and the general advice. Each finding carries its own exact fix
(with the measured values and the kit's limits); this text is the general form.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..scanner._results import RULES

__all__ = ["RULE_ORDER", "RuleText", "rule_text"]


@dataclass(frozen=True)
class RuleText:
    """A rule's title, meaning, default severity and general fix advice."""

    rule: str
    title: str
    meaning: str
    default_severity: str
    help: str


_TITLES_AND_HELP: dict[str, tuple[str, str]] = {
    "too-small": (
        "Mark too small",
        "Place the artwork at least as wide as the kit's minimum (millimetres in print, pixels on "
        "screen). Make an asset at the right size with "
        "`htq-mark generate --variant colour --width <minimum>mm --format pdf -o mark.pdf`.",
    ),
    "distorted": (
        "Mark distorted",
        "Scale the mark by the same factor in both directions (lock the aspect ratio), or place a "
        "fresh asset made with `htq-mark generate --variant colour --width <width> --format pdf`.",
    ),
    "rotated": (
        "Mark rotated",
        "Place the mark upright, without rotation or skew.",
    ),
    "recoloured": (
        "Mark recoloured",
        "Use one of the approved variants unchanged (colour, black or white, as the kit lists); make "
        "it with `htq-mark generate --variant <variant> --format pdf`.",
    ),
    "clear-space": (
        "Clear space not kept",
        "Move text and images out of the clear-space zone around the mark, or generate the mark with "
        "its clear space built in (`htq-mark generate --variant <variant> --width <width> "
        "--format pdf`).",
    ),
    "low-contrast": (
        "Low contrast or wrong variant for the background",
        "Use the variant made for the background (the white variant on dark and photographic "
        "backgrounds, colour or black on light ones), e.g. "
        "`htq-mark generate --variant white --width <width> --format pdf`, or place the mark on a "
        "calmer area.",
    ),
    "low-resolution": (
        "Raster mark at low resolution",
        "Use the vector artwork (PDF or SVG) for print, or a raster file with enough pixels for the "
        "placed size: `htq-mark generate --variant <variant> --width <width> --format pdf`.",
    ),
    "cropped": (
        "Mark cut off or covered",
        "Place the whole mark inside the page, with nothing over it and its clear space kept.",
    ),
    "altered-artwork": (
        "Artwork altered",
        "Replace the mark with the approved artwork, without effects, outlines, added or removed "
        "parts: `htq-mark generate --variant <variant> --width <width> --format pdf`.",
    ),
    "no-qualification": (
        "No entitled qualification named",
        "Name, on the page that shows the mark, the qualification (its Ofqual number) that is "
        "entitled to it, or remove the mark. Check with `htq-mark check <QN>`.",
    ),
    "not-entitled": (
        "Qualification not entitled to the mark",
        "Remove the mark and any HTQ claim for this qualification, or correct the qualification "
        "number. Check entitlement on a date with `htq-mark check <QN> --date <YYYY-MM-DD>`.",
    ),
    "missing-alt-text": (
        "Mark without a text alternative",
        "Give the element showing the mark an accessible name: `alt` on an image, `<title>` or "
        "`aria-label` on an inline SVG, `role=\"img\"` with `aria-label` on a CSS background.",
    ),
}

#: The rules in the order reports list them (the order of ``RULES``).
RULE_ORDER: tuple[str, ...] = tuple(RULES)


def rule_text(rule: str) -> RuleText:
    """The explanation of ``rule``; an unknown rule gets a plain generic one."""
    severity, meaning = RULES.get(rule, ("warning", "A finding of a rule this version does not describe."))
    title, advice = _TITLES_AND_HELP.get(rule, (rule, "See the finding's message and fix."))
    return RuleText(rule=rule, title=title, meaning=meaning, default_severity=severity, help=advice)
