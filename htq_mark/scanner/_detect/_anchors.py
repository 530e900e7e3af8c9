"""Whether an outline shaped like an anchor (the tile) looks like one: a plain colour inside, unlike
what lies just outside it.

Looked at on a few pixels each way before an anchor's poses are screened. That passes over table
cells and boxes drawn as lines (the same colour either side) and photographs (no plain colour). What
lies outside is judged by its median alone: close to a small anchor those pixels are half its edge's
blur.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from .model import Pose
from .verify import MIN_CONTRAST

__all__ = ["stands_out"]

ANCHOR_INSIDE = 0.15        # share of the anchor's side it is looked at inside (the tile's letters leave a
                            # third of it clear above and below them)...
ANCHOR_OUTSIDE = 0.05       # ...and all round it outside (the badge's margin round the tile is 0.095)...
ANCHOR_OUTSIDE_MIN_PX = 2.0  # ...but at least this far from the outline (its edge's blur)
ANCHOR_POINTS = 12          # pixels along the middle of each side looked at
ANCHOR_PLAIN = 0.6          # share of those inside within PLAIN_DISTANCE of their median colour
PLAIN_DISTANCE = 40.0       # RGB distance
ANCHOR_SIDE_SHOWN = 0.25    # a side is looked at only if this share of it lies inside the image
# The sides of an outline in its own axes (top, bottom, left, right): where each starts, which way it
# runs, and which way is out.
_STARTS = np.array([[0, 0], [0, 1], [0, 0], [1, 0]], np.float64)
_RUNS = np.array([[1, 0], [1, 0], [0, 1], [0, 1]], np.float64)
_OUTWARD = np.array([[0, -1], [0, 1], [-1, 0], [1, 0]], np.float64)
_ALONG = np.linspace(0.2, 0.8, ANCHOR_POINTS)
# The eight lines looked along, in the anchor's own axes: each side moved inward, then each moved outward.
_LINE_STARTS, _LINE_RUNS, _LINE_OUTWARD = np.tile(_STARTS, (2, 1)), np.tile(_RUNS, (2, 1)), np.tile(_OUTWARD, (2, 1))
# Their points where every line lies wholly in the image (the usual case): each point on its side (u, v),
# and the way out from it, to be scaled by how far the line is moved.
_POINTS_U = (_LINE_STARTS[:, 0:1] + _LINE_RUNS[:, 0:1] * _ALONG).ravel()
_POINTS_V = (_LINE_STARTS[:, 1:2] + _LINE_RUNS[:, 1:2] * _ALONG).ravel()
_POINTS_OUT_U = np.repeat(_LINE_OUTWARD[:, 0], ANCHOR_POINTS)
_POINTS_OUT_V = np.repeat(_LINE_OUTWARD[:, 1], ANCHOR_POINTS)
_INWARD = np.repeat([True, False], 4 * ANCHOR_POINTS)


def stands_out(rgb: NDArray[np.uint8], anchor: Pose) -> bool:
    """Whether an anchor's outline holds one plain colour, unlike the colour just outside it.

    Each side is looked at along the middle of its part inside the image (all of it, unless
    the anchor is cut by the image's edge), a little inside the outline and a little outside.
    """
    outside = min(2 * ANCHOR_OUTSIDE, max(ANCHOR_OUTSIDE, ANCHOR_OUTSIDE_MIN_PX / max(1.0, anchor.height)))
    (ox, oy), (ax, ay), (bx, by) = anchor.origin, anchor.x_axis, anchor.y_axis
    reach = (-outside, 1.0 + outside)
    xs = [ox + ax * u + bx * v for u in reach for v in reach]
    ys = [oy + ay * u + by * v for u in reach for v in reach]
    if min(xs) >= -0.5 and min(ys) >= -0.5 and max(xs) < rgb.shape[1] - 0.5 and max(ys) < rgb.shape[0] - 0.5:
        # All of each line is in the image (the usual case): its points in one step.
        shift = np.where(_INWARD, -ANCHOR_INSIDE, outside)
        u, v = _POINTS_U + _POINTS_OUT_U * shift, _POINTS_V + _POINTS_OUT_V * shift
        columns, rows = np.rint(ox + ax * u + bx * v).astype(np.intp), np.rint(oy + ay * u + by * v).astype(np.intp)
        pixels = rgb[rows, columns].astype(np.float64)
        pair = 2 * ANCHOR_POINTS
        return _plain_and_unlike((pixels[:pair], pixels[pair:2 * pair]), pixels[2 * pair:])
    # The part of each line inside the image (pixel centres from 0 to size - 1, rounded).
    offsets = np.repeat([-ANCHOR_INSIDE, outside], 4)[:, None]
    axes = np.array([anchor.x_axis, anchor.y_axis], np.float64)
    starts = np.asarray(anchor.origin, np.float64) + (_LINE_STARTS + _LINE_OUTWARD * offsets) @ axes  # in pixels
    runs = _LINE_RUNS @ axes
    low, high = np.zeros(8), np.ones(8)
    for axis, limit in ((0, rgb.shape[1]), (1, rgb.shape[0])):
        run, start = runs[:, axis], starts[:, axis]
        moving = np.abs(run) > 1e-9
        with np.errstate(divide="ignore", invalid="ignore"):
            ends = np.sort(np.stack(((-0.5 - start) / run, (limit - 0.5 - start) / run)), axis=0)
        low = np.where(moving, np.maximum(low, ends[0]), low)
        high = np.where(moving, np.minimum(high, ends[1]), np.where((start >= -0.5) & (start < limit - 0.5), high, 0))
    looked_at = high - low >= ANCHOR_SIDE_SHOWN
    t = low[:, None] + (high - low)[:, None] * _ALONG  # 8 x ANCHOR_POINTS
    columns = np.clip(np.rint(starts[:, 0:1] + runs[:, 0:1] * t).astype(np.intp), 0, rgb.shape[1] - 1)
    rows = np.clip(np.rint(starts[:, 1:2] + runs[:, 1:2] * t).astype(np.intp), 0, rgb.shape[0] - 1)
    lines = rgb[rows, columns].astype(np.float64)  # 8 x ANCHOR_POINTS x 3
    return _plain_and_unlike((lines[:2][looked_at[:2]].reshape(-1, 3), lines[2:4][looked_at[2:4]].reshape(-1, 3)),
                         lines[4:][looked_at[4:]].reshape(-1, 3))


def _plain_and_unlike(pairs: tuple[NDArray[np.float64], NDArray[np.float64]], beyond: NDArray[np.float64]) -> bool:
    """The judgement of :func:`stands_out` on the pixels looked at inside, along each pair of opposite
    sides, and those ``beyond`` the outline."""
    if len(beyond) < 2 * ANCHOR_POINTS:
        return False
    # The letters may run along either pair of opposite sides (the outline does not say which way up it is).
    inside = max((_plain(pair) for pair in pairs), key=lambda found: found[1])
    return inside[1] >= ANCHOR_PLAIN and float(np.linalg.norm(inside[0] - np.median(beyond, axis=0))) >= MIN_CONTRAST


def _plain(pixels: NDArray[np.float64]) -> tuple[NDArray[np.float64], float]:
    """The median colour of ``pixels``, and the share of them within PLAIN_DISTANCE of it (none if fewer
    than half of a pair of sides' points are given)."""
    if len(pixels) < ANCHOR_POINTS:
        return np.zeros(3), 0.0
    median = np.median(pixels, axis=0)
    return median, float((np.linalg.norm(pixels - median, axis=1) <= PLAIN_DISTANCE).mean())
