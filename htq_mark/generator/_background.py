"""The background each variant is shown on when a format cannot be transparent.

Variants meant for light backgrounds go on white. A variant meant only for dark
or photographic backgrounds goes on the darkest colour of the kit's first
light-background variant (the brand colour: navy in the default kit) when that
colour counts as dark, else on dark grey ``#333333``.
"""

from __future__ import annotations

from ..kit import Kit

__all__ = ["DARK_GREY", "WHITE", "background_for"]

WHITE = (255, 255, 255)
DARK_GREY = (0x33, 0x33, 0x33)


def background_for(kit: Kit, variant: str) -> tuple[int, int, int]:
    """The sRGB background ``variant`` is flattened on (JPEG, WebP, usage sheet)."""
    from ..kit._colour import relative_luminance

    def luminance(rgb: tuple[int, int, int]) -> float:
        return float(relative_luminance(rgb))

    spec = kit.spec
    if "light" in spec.variant(variant).backgrounds:
        return WHITE
    for candidate in spec.variants.values():
        if "light" in candidate.backgrounds:
            darkest = min((c.rgb for c in candidate.colours), key=luminance)
            if luminance(darkest) <= spec.backgrounds.dark_max_luminance:
                return darkest
            break
    return DARK_GREY
