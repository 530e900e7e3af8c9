"""The background each variant is shown on when a format cannot be transparent.

Variants meant for light backgrounds go on white. A variant meant only for dark
or photographic backgrounds goes on the darkest colour of the kit's first
light-background variant (the brand colour: navy in the default kit) when that
colour counts as dark, else on dark grey ``#333333``.
"""

from __future__ import annotations

from ..kit import Kit

__all__ = ["DARK_GREY", "WHITE", "background_for", "relative_luminance"]

WHITE = (255, 255, 255)
DARK_GREY = (0x33, 0x33, 0x33)


def relative_luminance(rgb: tuple[int, int, int]) -> float:
    """WCAG relative luminance of an sRGB colour (0 black .. 1 white)."""
    def linear(channel: int) -> float:
        value = channel / 255
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (linear(c) for c in rgb)
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def background_for(kit: Kit, variant: str) -> tuple[int, int, int]:
    """The sRGB background ``variant`` is flattened on (JPEG, WebP, usage sheet)."""
    spec = kit.spec
    if "light" in spec.variant(variant).backgrounds:
        return WHITE
    for candidate in spec.variants.values():
        if "light" in candidate.backgrounds:
            darkest = min((c.rgb for c in candidate.colours), key=relative_luminance)
            if relative_luminance(darkest) <= spec.backgrounds.dark_max_luminance:
                return darkest
            break
    return DARK_GREY
