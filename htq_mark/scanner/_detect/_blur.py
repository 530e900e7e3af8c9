"""How blurred a registered mark really is: the blur with which the artwork's colour classes best explain it.

The measurements assume the blur a mark drawn at its size carries (a fraction of a
pixel). A small picture of the mark enlarged (a 100 px logo stretched over a
banner, a web image placed large in a PDF) is blurred over several of its new
pixels: judged as if sharp, the cores of its letters show colours blended with
their surroundings, which looks like a recolouring or an alteration. Fitting the
blur from the pixels themselves lets such a mark be judged as the soft copy it is.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

from ._frame_masks import _layout, _near
from ._pixels import _Pixels
from .references import Frame

__all__ = ["fitted_blur"]

BLUR_STEPS = (1.0, 1.5, 2.0, 3.0, 4.0, 6.0, 8.0)  # multiples of the assumed blur that are tried
FIT_STEP = 7               # every seventh pixel around the artwork is plenty for a handful of colours
FIT_OUTLIERS = 0.15        # share of worst-fitting pixels (something covering the mark, say) left out
# A blur is only believed if it explains the pixels clearly better than the assumed one: an outline or
# glow added round the artwork also fits a little better blurred, but leaves most of its misfit.
CLEAR_GAIN = 0.65          # the best blur's typical residual, at most this share of the assumed blur's


def fitted_blur(pixels: _Pixels, inside: NDArray[np.bool_], frame: Frame, margin_x: int, margin_y: int,
                assumed: float) -> float:
    """The Gaussian blur (frame px) that best explains the warped ``pixels`` as the artwork's classes.

    Each tried blur (``assumed`` times each of BLUR_STEPS) blurs the classes' masks;
    the classes' colours are solved by least squares, and the blur leaving the
    smallest typical residual wins, refined between its neighbours, if it leaves
    at most CLEAR_GAIN of the assumed blur's residual (else ``assumed`` is
    returned). Only pixels in the image (``inside``) and near the artwork count.
    """
    import cv2

    classes = _layout(frame, margin_x, margin_y).classes
    reach = max(1, math.ceil(2.0 * assumed * BLUR_STEPS[-1]))
    chosen = np.flatnonzero((_near(frame, margin_x, margin_y, reach) & inside).reshape(-1))[::FIT_STEP]
    if len(chosen) < 10 * len(classes):
        return assumed
    target = pixels.at(chosen).astype(np.float64)
    errors = []
    for step in BLUR_STEPS:
        blends = np.stack([cv2.GaussianBlur(c, (0, 0), assumed * step) for c in classes])
        design = blends.reshape(len(classes), -1)[:, chosen].T.astype(np.float64)
        colours = np.linalg.lstsq(design, target, rcond=None)[0]
        residual = np.sqrt(np.square(design @ colours - target).sum(axis=1))
        kept = np.partition(residual, int((1.0 - FIT_OUTLIERS) * (len(residual) - 1)))
        errors.append(float(kept[:int((1.0 - FIT_OUTLIERS) * len(residual))].mean()))
    best = int(np.argmin(errors))
    if errors[best] > CLEAR_GAIN * errors[0]:
        return assumed
    return assumed * _refined_step(best, errors)


def _refined_step(best: int, errors: list[float]) -> float:
    """The step at the bottom of a parabola through the best error and its neighbours (in log steps)."""
    if best == 0 or best == len(errors) - 1:
        return BLUR_STEPS[best]
    xs = [math.log(BLUR_STEPS[i]) for i in (best - 1, best, best + 1)]
    ys = [errors[i] for i in (best - 1, best, best + 1)]
    slope_left, slope_right = (ys[1] - ys[0]) / (xs[1] - xs[0]), (ys[2] - ys[1]) / (xs[2] - xs[1])
    curvature = (slope_right - slope_left) / (xs[2] - xs[0])
    if curvature <= 0:
        return BLUR_STEPS[best]
    bottom = (xs[0] + xs[1]) / 2 - slope_left / (2 * curvature)
    return math.exp(min(max(bottom, xs[0]), xs[2]))
