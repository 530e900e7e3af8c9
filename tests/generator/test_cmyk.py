"""Swapping RGB colour operators for the palette's CMYK values."""

from __future__ import annotations

import pytest

from htq_mark.errors import KitError
from htq_mark.generator._formats.cmyk import CmykPalette, replace_colour_operators
from htq_mark.kit import load_kit


@pytest.fixture(scope="module")
def palette() -> CmykPalette:
    return CmykPalette(load_kit().spec.variant("colour"), "spec.toml")


@pytest.mark.parametrize(("before", "after"), [
    ("0.0431373 0.145098 0.270588 rg", "1 0.78 0.3 0.55 k"),
    ("0.0431373 0.145098 0.270588 RG", "1 0.78 0.3 0.55 K"),
    ("1 0.701961 0 rg /a0 gs", "0 0.32 1 0 k /a0 gs"),
    ("1 g\n0 0 m", "0 0 0 0 k\n0 0 m"),
    ("1 1 1 rg 2 0 0 -2 0 57 cm", "0 0 0 0 k 2 0 0 -2 0 57 cm"),
    ("q 1 0 0 -1 0 56.69 cm 21 0 m 459 0 l f Q", "q 1 0 0 -1 0 56.69 cm 21 0 m 459 0 l f Q"),
    ("/a0 gs /Pattern cs", "/a0 gs /Pattern cs"),
])
def test_colour_operators_become_cmyk(palette: CmykPalette, before: str, after: str) -> None:
    assert replace_colour_operators(before, palette) == after


def test_a_colour_outside_the_palette_is_an_error(palette: CmykPalette) -> None:
    with pytest.raises(KitError, match=r"uses #FF0000, which is not in \[variants.colour\] colours"):
        replace_colour_operators("1 0 0 rg", palette)
