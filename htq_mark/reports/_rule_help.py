"""What ``htq-mark rules RULE`` says: what a rule checks, the kit's numbers, pictures, the fix.

The numbers come from the kit in use, and the pictures are the guide's
(``guidelines/images/`` of the kit, drawn by ``htq-mark kit guide``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .._catalogue import RULES
from ..errors import UsageError
from ..generator._guide import GUIDE_PICTURES

if TYPE_CHECKING:
    from ..kit import Kit, Spec

__all__ = ["GUIDE_IMAGES", "Picture", "RuleHelp", "rule_help"]

#: Where a kit keeps the guide's pictures.
GUIDE_IMAGES = Path("guidelines") / "images"


@dataclass(frozen=True)
class Picture:
    """One of the guide's pictures: right or wrong use, its caption, and its file (None if not drawn)."""

    right: bool
    caption: str
    path: Path | None


@dataclass(frozen=True)
class RuleHelp:
    """Everything ``htq-mark rules RULE`` shows about one rule."""

    rule: str
    title: str
    meaning: str
    default_severity: str
    numbers: tuple[str, ...]
    pictures: tuple[Picture, ...]
    fix: str

    def to_dict(self) -> dict[str, object]:
        return {"rule": self.rule, "title": self.title, "meaning": self.meaning,
                "default_severity": self.default_severity, "numbers": list(self.numbers),
                "pictures": [{"right": p.right, "caption": p.caption, "path": None if p.path is None else str(p.path)}
                             for p in self.pictures],
                "fix": self.fix}


def _colours(spec: Spec) -> str:
    return "; ".join(f"{name}: {', '.join(c.srgb for c in variant.colours)}" for name, variant in spec.variants.items())


_NUMBERS: dict[str, Callable[[Spec], tuple[str, ...]]] = {
    "too-small": lambda s: (f"minimum width {s.minimum_width_mm:g} mm in print, {s.minimum_width_px} px on screen",),
    "distorted": lambda s: (f"aspect ratio within {s.aspect_ratio_tolerance * 100:g}% of the artwork's",),
    "rotated": lambda s: (f"upright within {s.rotation_tolerance_deg:g} degrees",),
    "recoloured": lambda s: (f"approved colours: {_colours(s)}",
                             f"a colour matches within CIE76 delta E {s.scan.colour_tolerance_delta_e:g}"),
    "clear-space": lambda s: (f"clear space {s.clear_space_ratio:g} x the artwork's height on every side",
                              f"reported when more than {s.scan.clear_space_min_intrusion * 100:g}% of it is occupied"),
    "low-contrast": lambda s: (
        f"contrast ratio at least {s.backgrounds.minimum_contrast_ratio:g}:1",
        f"light background: luminance at least {s.backgrounds.light_min_luminance:g}; dark: at most "
        f"{s.backgrounds.dark_max_luminance:g}",
        "variants: " + "; ".join(f"{n} on {', '.join(v.backgrounds)}" for n, v in s.variants.items())),
    "low-resolution": lambda s: (f"raster marks in print: {s.recommended_ppi} ppi recommended (warning below), "
                                 f"{s.minimum_ppi} ppi minimum (error below)",
                                 "on web pages: at least as many intrinsic pixels as device pixels shown "
                                 "(warning below), half as many (error below)"),
    "cropped": lambda s: (f"at most {s.scan.cropped_max_hidden * 100:g}% of the artwork hidden or cut off",),
    "altered-artwork": lambda s: (f"at most {s.scan.altered_max_difference * 100:g}% of the artwork's area "
                                  "may differ", "never mirrored (flipped left to right or upside down)"),
    "no-qualification": lambda s: ("a qualification number entitled on the scan date, named on the same page",),
    "not-entitled": lambda s: ("entitlement checked against the register on the scan date",),
    "missing-alt-text": lambda s: ("web pages: alt, aria-label, aria-labelledby, title, or an SVG's <title>",),
}

# The guide's picture of right use that goes with each rule (its wrong picture names the rule).
_RIGHT_PICTURE = {"clear-space": "clear-space", "low-contrast": "right-white-on-dark"}


def _picture(kit: Kit, name: str) -> Picture:
    entry = next(p for p in GUIDE_PICTURES if p.name == name)
    path = kit.root / GUIDE_IMAGES / entry.file_name
    return Picture(right=entry.right, caption=entry.caption, path=path if path.is_file() else None)


def rule_help(rule: str, kit: Kit) -> RuleHelp:
    """The help for ``rule`` with ``kit``'s numbers and pictures; :class:`UsageError` for an unknown rule."""
    if rule not in RULES:
        raise UsageError(f"unknown rule {rule!r}; the rules are {', '.join(RULES)}.")
    text = RULES[rule]
    names = [_RIGHT_PICTURE.get(rule, "right-colour-on-light")]
    names += [p.name for p in GUIDE_PICTURES if p.rule == rule]
    return RuleHelp(rule=rule, title=text.title, meaning=text.meaning, default_severity=text.severity.value,
                    numbers=_NUMBERS[rule](kit.spec), pictures=tuple(_picture(kit, n) for n in names),
                    fix=text.help)
