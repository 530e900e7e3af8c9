"""The layout rule: whole pixels, exact millimetres, the clear space on every side."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from htq_mark.generator._canvas import millimetre_layout, pixel_layout
from htq_mark.generator._units import round_half_up

ASPECT = 3.2  # the bundled artwork: 640 x 200
RATIO = 0.25


@pytest.mark.parametrize(("width", "height", "margin", "canvas"), [
    (150, 47, 12, (174, 71)),     # 46.875 -> 47; 11.75 -> 12
    (200, 63, 16, (232, 95)),     # 62.5 -> 63 (halves round up); 15.75 -> 16
    (300, 94, 24, (348, 142)),    # 93.75 -> 94; 23.5 -> 24
    (600, 188, 47, (694, 282)),   # 187.5 -> 188; 47
    (1080, 338, 85, (1250, 508)),  # 337.5 -> 338; 84.5 -> 85
])
def test_pixel_sizes_follow_the_rounding_rule(width: int, height: int, margin: int,
                                              canvas: tuple[int, int]) -> None:
    layout = pixel_layout(width, aspect_ratio=ASPECT, clear_space_ratio=RATIO, dpi=96)
    assert (layout.artwork_width_px, layout.artwork_height_px, layout.margin_px) == (width, height, margin)
    assert (layout.canvas_width_px, layout.canvas_height_px) == canvas
    assert layout.artwork_width_mm == pytest.approx(width * 25.4 / 96)


def test_no_clear_space_is_exactly_the_artwork() -> None:
    layout = pixel_layout(300, aspect_ratio=ASPECT, clear_space_ratio=0.0, dpi=300)
    assert (layout.canvas_width_px, layout.canvas_height_px, layout.margin_px) == (300, 94, 0)
    assert layout.canvas_width_mm == layout.artwork_width_mm


def test_millimetres_are_exact() -> None:
    layout = millimetre_layout(40.0, aspect_ratio=ASPECT, clear_space_ratio=RATIO, dpi=300)
    assert (layout.artwork_width_mm, layout.artwork_height_mm, layout.margin_mm) == (40.0, 12.5, 3.125)
    assert (layout.canvas_width_mm, layout.canvas_height_mm) == (46.25, 18.75)
    # The pixels are what the same rule gives for round(40 mm at 300 dpi) = 472 px.
    assert (layout.artwork_width_px, layout.artwork_height_px, layout.margin_px) == (472, 148, 37)
    assert layout.to_dict()["canvas_width_mm"] == 46.25
    assert layout.to_dict()["dpi"] == 300


@given(width=st.integers(1, 20000), aspect=st.floats(0.2, 10), ratio=st.sampled_from([0.0, 0.1, 0.25, 0.5]))
def test_the_canvas_is_the_artwork_plus_the_margin_each_side(width: int, aspect: float, ratio: float) -> None:
    layout = pixel_layout(width, aspect_ratio=aspect, clear_space_ratio=ratio, dpi=300)
    assert layout.artwork_width_px == width
    assert layout.artwork_height_px == max(1, round_half_up(width / aspect))
    assert layout.margin_px == round_half_up(ratio * layout.artwork_height_px)
    assert layout.canvas_width_px == width + 2 * layout.margin_px
    assert layout.canvas_height_px == layout.artwork_height_px + 2 * layout.margin_px
    assert abs(layout.artwork_height_px - width / aspect) <= 0.5 or layout.artwork_height_px == 1
