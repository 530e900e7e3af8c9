"""Pixels of a registered mark that differ from their class: alterations, and covers over the artwork."""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

from ._frame_masks import _Cores, MIN_CORE_PIXELS, _part_counts, _rim, _silhouette
from ._pixels import _deviation, _median_colour, _Pixels
from .references import Frame, References
from .verify import disk


DIFFERENCE_FLOOR = 40.0     # RGB distance below which a pixel never counts as different (noise, JPEG)
DIFFERENCE_SHARE = 0.3      # ...and the share of the distance between class colours it must exceed
COVER_MIN_WIDTH = 0.06      # covering blobs are at least this share of the height across (outlines are thinner)


def _differences(core: _Pixels, colours: NDArray[np.float64], cores: _Cores,
                 visible: NDArray[np.bool_], varying: list[bool]) -> NDArray[np.bool_]:
    """Core pixels whose colour is far from their class's.

    In a ``varying`` class (knocked out over a varied background) a pixel must
    also look like another class (be within the noise floor of its colour) to count.
    """
    # np.linalg.norm of a vector is the square root of its dot product with itself; the distance
    # either way round is the same.
    gaps = [colours[a] - colours[b] for a in range(len(colours)) for b in range(a + 1, len(colours))]
    separations = [math.sqrt(float(gap.dot(gap))) for gap in gaps]
    threshold = max(DIFFERENCE_FLOOR, DIFFERENCE_SHARE * min(separations)) if separations else DIFFERENCE_FLOOR
    seen = visible.reshape(-1)
    different = np.zeros(visible.size, bool)
    everywhere = bool(seen.all())
    for k in range(len(colours)):
        pixels = cores.classes[k] if everywhere else cores.classes[k][seen[cores.classes[k]]]
        if not len(pixels):
            continue
        values = core.rgba_at(pixels)
        far = _deviation(values, colours[k]) > threshold
        if varying[k]:
            like_another = np.zeros(len(pixels), bool)
            for other in range(len(colours)):
                if other != k:
                    like_another |= _deviation(values, colours[other]) < DIFFERENCE_FLOOR
            far &= like_another
        different[pixels[far]] = True
    return different.reshape(visible.shape)


def _altered_share(different: NDArray[np.bool_], refs: References, cores: _Cores, visible: NDArray[np.bool_]
                   ) -> float:
    """Share of the visible artwork that differs, each part's share judged on its core.

    Blurred edges cannot be judged, so each part's core stands for the whole part;
    parts too thin to have a core count as unchanged.
    """
    frame = refs.measure
    total = float(np.count_nonzero(_silhouette(frame) & visible))
    if total <= 0:
        return 0.0
    count = len(refs.part_class) + 1
    seen = visible.reshape(-1)
    parts = _part_counts(refs, visible)
    core_sizes = cores.part_sizes if seen.all() else np.bincount(cores.parts[seen], minlength=count)
    changed_sizes = np.bincount(cores.parts[different.reshape(-1)], minlength=count)
    changed = 0.0
    for p in range(count - 1):
        if core_sizes[p + 1] >= MIN_CORE_PIXELS:
            changed += float(changed_sizes[p + 1]) / float(core_sizes[p + 1]) * float(parts[p])
    return min(1.0, changed / total)


def _covered(different: NDArray[np.bool_], core: _Pixels, frame: Frame, visible: NDArray[np.bool_],
             sigma: float, varying: list[bool]) -> NDArray[np.bool_]:
    """The visible artwork under broad difference blobs that reach the artwork's outline.

    A blob also takes in the pixels next to it of its own colour in ``varying``
    classes (knock-outs over a varied background, where differences cannot be
    told), so a sticker is covered where it lies over a knock-out too. Thin bands (an outline drawn round
    the badge) are alterations, not covers: blobs are opened with a kernel wider
    than such a band before they count.
    """
    import cv2

    silhouette = _silhouette(frame)
    nothing = np.zeros(different.shape, bool)
    if not (silhouette & visible).any() or np.count_nonzero(different) < MIN_CORE_PIXELS:
        return nothing
    bridge = max(1, math.ceil(2.0 * sigma)) + 1
    bridging = disk(bridge)
    seeds = cv2.morphologyEx(different.astype(np.uint8), cv2.MORPH_CLOSE, bridging) > 0
    unjudged = np.zeros(different.shape, bool)
    for k, varies in enumerate(varying):
        if varies:
            unjudged |= frame.classes[k] >= 0.5
    if unjudged.any():
        unjudged &= _deviation(core.rgba, _median_colour(core.rgb, different)) < DIFFERENCE_FLOOR
    grown = (seeds | unjudged) & silhouette & visible
    count, labels = cv2.connectedComponents(grown.astype(np.uint8), connectivity=8)
    seeded = np.bincount(labels[seeds & grown], minlength=count) > 0
    # The rim is as wide as the band cores and bridging leave out along the outline.
    rim = _rim(frame, 2 * bridge)
    reaching = seeded & (np.bincount(labels[rim & grown], minlength=count) > 0)
    reaching[0] = False
    if not reaching.any():
        return nothing
    covering = reaching[labels].astype(np.uint8)
    broad = max(3, round(COVER_MIN_WIDTH * frame.height))
    kernel = disk(broad)
    broad_parts = cv2.morphologyEx(covering, cv2.MORPH_OPEN, kernel)
    # Give back the narrow strips joining the broad parts (and the blurred edges the cores left out).
    return np.asarray((cv2.dilate(broad_parts, kernel) > 0) & (cv2.dilate(covering, bridging) > 0)
                      & silhouette & visible)


def _side_of(mask: NDArray[np.bool_]) -> str:
    """The side of the frame (the artwork's own) the pixels of ``mask`` lie towards."""
    rows, columns = np.nonzero(mask)
    height, width = mask.shape
    across = (float(columns.mean()) + 0.5) / width - 0.5
    down = (float(rows.mean()) + 0.5) / height - 0.5
    if abs(across) >= abs(down):
        return "left" if across < 0 else "right"
    return "top" if down < 0 else "bottom"
