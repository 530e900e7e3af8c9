"""A picture file laid on flat backdrops: transparent parts on white and on dark, large files scaled down."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from htq_mark.errors import LimitExceededError
from htq_mark.scanner._limits import DEFAULT_LIMITS
from htq_mark.web._pictures import on_backdrops


def _png(size: tuple[int, int], colour: tuple[int, int, int, int]) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGBA", size, colour).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.mark.parametrize(("alpha", "backdrops"), [(255, [(255, 255, 255)]),
                                                  (0, [(255, 255, 255), (40, 40, 40)])])
def test_transparent_pictures_are_laid_on_white_then_dark(alpha: int, backdrops: list[tuple[int, ...]]) -> None:
    laid = list(on_backdrops(_png((300, 94), (200, 30, 30, alpha)), "png", "mark.png", DEFAULT_LIMITS))
    assert [width for _, width in laid] == [300] * len(backdrops)
    for (rgb, _), backdrop in zip(laid, backdrops):
        assert rgb.shape == (94 + 2 * 75, 300 + 2 * 75, 3)
        assert tuple(rgb[0, 0]) == backdrop  # the margin
        assert tuple(rgb[100, 200]) == ((200, 30, 30) if alpha else backdrop)


def test_a_huge_picture_is_judged_smaller_and_one_beyond_the_limit_refused() -> None:
    data = _png((2400, 2000), (0, 0, 0, 255))
    (rgb, width), = on_backdrops(data, "png", "big.png", DEFAULT_LIMITS)
    assert width < 2400 and (rgb.shape[0] - 2 * (width // 4)) * width <= 4_000_000
    with pytest.raises(LimitExceededError, match="big.png"):
        list(on_backdrops(data, "png", "big.png", DEFAULT_LIMITS.replace(max_pixels_per_page=1_000_000)))
