"""An anchor's outline is looked at before its poses are screened: a plain colour inside, unlike what lies outside."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from htq_mark.scanner._detect._anchors import stands_out
from htq_mark.scanner._detect.model import Pose

from .scenes import Image, plain


def _square(background: tuple[int, int, int], fill: tuple[int, int, int] | None, outline: tuple[int, int, int]
            ) -> tuple[Image, Pose]:
    """A 120 px square at (100, 80) on ``background``: filled, or drawn as a 2 px line (a table's cell)."""
    image = plain(background)
    if fill is not None:
        cv2.rectangle(image, (100, 80), (219, 199), fill, thickness=-1)
    cv2.rectangle(image, (100, 80), (219, 199), outline, thickness=2)
    return image, Pose((100.0, 80.0), (120.0, 0.0), (0.0, 120.0))


@pytest.mark.parametrize(("background", "fill", "outline", "expected"), [
    ((11, 37, 69), (255, 255, 255), (255, 255, 255), True),   # the tile on the badge's navy
    ((30, 30, 36), (255, 255, 255), (255, 255, 255), True),   # on near-black
    ((255, 255, 255), None, (0, 0, 0), False),                 # a table's cell: paper either side
    ((255, 255, 255), (255, 255, 255), (120, 120, 120), False),  # a box of the page's own colour
])
def test_an_anchor_must_stand_out_from_what_lies_around_it(background: tuple[int, int, int],
                                                           fill: tuple[int, int, int] | None,
                                                           outline: tuple[int, int, int], expected: bool) -> None:
    image, anchor = _square(background, fill, outline)
    assert stands_out(image, anchor) is expected


def test_a_photograph_is_no_anchor() -> None:
    image, anchor = _square((11, 37, 69), (255, 255, 255), (255, 255, 255))
    image[80:200, 100:220] = np.random.default_rng(3).integers(0, 256, (120, 120, 3), dtype=np.uint8)
    assert not stands_out(image, anchor)


@pytest.mark.parametrize(("left", "expected"), [
    (-60, True),    # half of it beyond the left edge: what shows is looked at
    (-100, False),  # a sixth of it showing: too little of its sides is in the picture to judge (the
                    # points beyond the edge were once all put on its first column, and judged there)
])
def test_an_anchor_cut_by_the_edge_is_judged_on_what_shows_of_it(left: int, expected: bool) -> None:
    # A white tile on navy with dark letters across its middle, running on beyond the left edge: its
    # top and bottom bands, and the navy around what shows, are in the picture.
    image = plain((11, 37, 69))
    cv2.rectangle(image, (0, 80), (left + 119, 199), (255, 255, 255), thickness=-1)
    cv2.rectangle(image, (0, 125), (left + 110, 155), (20, 20, 20), thickness=-1)
    assert stands_out(image, Pose((float(left), 80.0), (120.0, 0.0), (0.0, 120.0))) is expected


def test_an_anchor_wholly_beyond_the_edge_does_not_stand_out() -> None:
    image = plain((11, 37, 69))
    assert not stands_out(image, Pose((-200.0, 80.0), (120.0, 0.0), (0.0, 120.0)))
