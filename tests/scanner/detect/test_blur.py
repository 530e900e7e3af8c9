"""The blur fitted to a registered mark's pixels."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from htq_mark.kit import Kit
from htq_mark.scanner._detect import References, find_marks
from htq_mark.scanner._detect._blur import fitted_blur
from htq_mark.scanner._detect.candidates import content_box, halve
from htq_mark.scanner._detect.measure import _warp
from htq_mark.scanner._detect.model import Pose
from htq_mark.scanner._detect.verify import ImagePyramid

from .scenes import place, plain

WIDTH = 300.0


def _fitted_and_assumed(image: np.ndarray, kit: Kit, refs: References) -> tuple[float, float]:
    (found,) = find_marks(image, refs, spec=kit.spec)
    (x0, y0), (x1, y1), _, (x3, y3) = found.corners
    pose = Pose((x0, y0), (x1 - x0, y1 - y0), (x3 - x0, y3 - y0))
    warped = _warp(ImagePyramid(image, halve(image, content_box(image))[0]), pose, refs.measure,
                   kit.spec.clear_space_ratio)
    return (fitted_blur(warped.pixels, warped.inside, refs.measure, warped.margin_x, warped.margin_y, warped.sigma),
            warped.sigma)


def test_a_sharp_mark_is_as_blurred_as_assumed(kit: Kit, refs: References) -> None:
    image, _ = place(plain((255, 255, 255), (640, 320)), kit, "colour", (320.0, 160.0), WIDTH)
    fitted, assumed = _fitted_and_assumed(image, kit, refs)
    assert fitted == pytest.approx(assumed, rel=0.25)


@pytest.mark.parametrize("sigma_px", [1.5, 2.5, 3.5])
def test_a_blurred_mark_is_found_as_blurred_as_it_is(sigma_px: float, kit: Kit, refs: References) -> None:
    image, placement = place(plain((255, 255, 255), (640, 320)), kit, "colour", (320.0, 160.0), WIDTH)
    blurred = np.asarray(cv2.GaussianBlur(image, (0, 0), sigma_px), dtype=np.uint8)
    fitted, assumed = _fitted_and_assumed(blurred, kit, refs)
    # The frame's pixels per image pixel, applied to the blur added to the drawing's own.
    frame_per_px = refs.measure.height / placement.height
    expected = float(np.hypot(assumed, sigma_px * frame_per_px))
    assert fitted == pytest.approx(expected, rel=0.25)
    assert fitted > 1.4 * assumed
