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
# Along the middle of each side of an outline (top, bottom, left, right, in its own axes): where the points
# are, and which way is out.
_ALONG, _NONE, _ALL = np.linspace(0.2, 0.8, ANCHOR_POINTS), np.zeros(ANCHOR_POINTS), np.ones(ANCHOR_POINTS)
_SIDES_U, _SIDES_V = np.concatenate((_ALONG, _ALONG, _NONE, _ALL)), np.concatenate((_NONE, _ALL, _ALONG, _ALONG))
_OUTWARD_U, _OUTWARD_V = np.concatenate((_NONE, _NONE, -_ALL, _ALL)), np.concatenate((-_ALL, _ALL, _NONE, _NONE))


def stands_out(rgb: NDArray[np.uint8], anchor: Pose) -> bool:
    """Whether an anchor's outline holds one plain colour, unlike the colour just outside it."""
    outside = min(2 * ANCHOR_OUTSIDE, max(ANCHOR_OUTSIDE, ANCHOR_OUTSIDE_MIN_PX / max(1.0, anchor.height)))
    u = np.concatenate((_SIDES_U - ANCHOR_INSIDE * _OUTWARD_U, _SIDES_U + outside * _OUTWARD_U))
    v = np.concatenate((_SIDES_V - ANCHOR_INSIDE * _OUTWARD_V, _SIDES_V + outside * _OUTWARD_V))
    (ox, oy), (ax, ay), (bx, by) = anchor.origin, anchor.x_axis, anchor.y_axis
    columns = np.clip(np.rint(ox + ax * u + bx * v).astype(np.intp), 0, rgb.shape[1] - 1)
    rows = np.clip(np.rint(oy + ay * u + by * v).astype(np.intp), 0, rgb.shape[0] - 1)
    pixels = rgb[rows, columns].astype(np.float64)
    pair = 2 * ANCHOR_POINTS
    # The letters may run along either pair of opposite sides (the outline does not say which way up it is).
    inside = max((_plain(pixels[:pair]), _plain(pixels[pair:2 * pair])), key=lambda found: found[1])
    colour_outside = np.median(pixels[2 * pair:], axis=0)
    return inside[1] >= ANCHOR_PLAIN and float(np.linalg.norm(inside[0] - colour_outside)) >= MIN_CONTRAST


def _plain(pixels: NDArray[np.float64]) -> tuple[NDArray[np.float64], float]:
    """The median colour of ``pixels``, and the share of them within PLAIN_DISTANCE of it."""
    median = np.median(pixels, axis=0)
    return median, float((np.linalg.norm(pixels - median, axis=1) <= PLAIN_DISTANCE).mean())
