"""Print colours: swap the renderer's RGB colour operators for the spec's CMYK values.

cairo writes only RGB (``r g b rg``/``RG``, or ``v g``/``G`` for greys). Every
colour the artwork uses is in its variant's palette with CMYK values, so each
operator is replaced by the palette's ``c m y k k``/``K``. A colour that is not
in the palette is an error, never a guessed conversion.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from types import MappingProxyType

from ...errors import KitError
from ...kit import Variant

__all__ = ["CmykPalette", "replace_colour_operators"]

_NUMBER = r"[-+]?(?:\d+\.?\d*|\.\d+)"
_OPERATOR = re.compile(
    rf"(?<![\w./])(?:({_NUMBER})\s+({_NUMBER})\s+({_NUMBER})\s+(rg|RG)|({_NUMBER})\s+(g|G))(?![\w*])")
_CMYK_OPERATOR = {"rg": "k", "g": "k", "RG": "K", "G": "K"}


class CmykPalette:
    """Maps a variant's sRGB colours to its CMYK values (fractions 0-1)."""

    def __init__(self, variant: Variant, source: str) -> None:
        self.variant = variant.name
        self.source = source
        self.colours: Mapping[tuple[int, int, int], tuple[float, float, float, float]] = MappingProxyType({
            colour.rgb: tuple(v / 100 for v in colour.cmyk)  # type: ignore[misc]
            for colour in variant.colours
        })

    def cmyk(self, rgb: tuple[float, float, float]) -> tuple[float, float, float, float]:
        """The CMYK of an RGB colour given as fractions 0-1; KitError if not in the palette."""
        key = tuple(max(0, min(255, round(v * 255))) for v in rgb)
        try:
            return self.colours[key]  # type: ignore[index]
        except KeyError:
            hex_colour = "#{:02X}{:02X}{:02X}".format(*key)
            raise KitError(f"{self.source}: the {self.variant!r} artwork uses {hex_colour}, which is not in "
                           f"[variants.{self.variant}] colours; add it with its CMYK values to print "
                           "in CMYK.") from None


def _format(value: float) -> str:
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    return text or "0"


def replace_colour_operators(text: str, palette: CmykPalette) -> str:
    """Replace every RGB/grey colour operator in PDF or PostScript page code with CMYK."""
    def swap(match: re.Match[str]) -> str:
        if match.group(4):
            rgb = (float(match.group(1)), float(match.group(2)), float(match.group(3)))
            operator = match.group(4)
        else:
            grey = float(match.group(5))
            rgb, operator = (grey, grey, grey), match.group(6)
        values = " ".join(_format(v) for v in palette.cmyk(rgb))
        return f"{values} {_CMYK_OPERATOR[operator]}"

    return _OPERATOR.sub(swap, text)
