"""Content in a registered mark's clear space: its share of each side and how deep it reaches."""

from __future__ import annotations

import functools
import math

import numpy as np
from numpy.typing import NDArray

from ._frame_masks import _beyond, _beyond_pixels, CACHE_SIZE, _in_image
from ._pixels import _deviation, _Pixels, _read_only
from .references import Frame
from .statistics import median_distance, sorted_median
from .verify import erode_inside as _erode


CONTENT_FLOOR = 28.0        # RGB distance from the background that counts as content in the clear space
CONTENT_NOISE = 4.0         # ...or this many robust standard deviations of the background, if more
SIDE_NOISE = 0.005          # content on less than this share of a side's strip is noise (edge spill)
SOLID_MIN_AREA = 5.0        # source px^2 a piece of content covers before its reach counts (a dot, a thin bar)
OUTLINE_SPILL = 1.5         # source px beyond the outline gap where a slightly misplaced outline may still show
CONTENT_EDGE = 20.0         # colour change (levels per source pixel) of an edge of content in the clear space
SHARP_BORDER = 0.5          # share of an off-colour area's border that must be a sharp edge for it to be content
SURROUND_PX = 2             # px around a solid piece whose colours it is compared with...
BLEND_MARGIN = 20           # ...and levels (any channel) beyond their range it must reach to stand out from them
MIN_SURROUND = 4            # pixels of the surroundings needed to judge a piece by them
SIDES = ("left", "right", "top", "bottom")


def _edge_strength(rgb: NDArray[np.uint8], source_px_per_frame_px: float) -> NDArray[np.float32]:
    """Steepest colour change at each pixel, in levels per source pixel (any channel)."""
    import cv2

    channels = [np.asarray(channel, dtype=np.uint8) for channel in cv2.split(rgb)]
    strongest = _gradient(channels[0])
    for channel in channels[1:]:
        strongest = np.maximum(strongest, _gradient(channel))
    return np.asarray(strongest / max(source_px_per_frame_px, 1e-6), dtype=np.float32)


def _gradient(channel: NDArray[np.uint8]) -> NDArray[np.float32]:
    """Steepest change of one channel at each pixel, in levels per pixel."""
    import cv2

    dx = cv2.Sobel(channel, cv2.CV_32F, 1, 0, ksize=3, scale=0.125)
    dy = cv2.Sobel(channel, cv2.CV_32F, 0, 1, ksize=3, scale=0.125)
    return np.asarray(cv2.magnitude(dx, dy), dtype=np.float32)


def _sharp_regions(pixels: _Pixels, zone: NDArray[np.bool_], zone_pixels: NDArray[np.intp],
                   background: NDArray[np.float64], edges: NDArray[np.bool_]) -> NDArray[np.bool_]:
    """Areas of the zone (also as flat indices) off the background's colour whose borders are sharp
    (a solid block, not shading)."""
    import cv2

    in_zone = _deviation(pixels.rgba_at(zone_pixels), background)
    ordered = np.sort(in_zone)
    typical = sorted_median(ordered)
    spread = 1.4826 * median_distance(ordered, typical)
    outlying = in_zone > max(CONTENT_FLOOR, CONTENT_NOISE * spread)
    if not outlying.any():
        return np.zeros(zone.shape, bool)
    off = np.zeros(zone.shape, np.uint8)
    off[zone] = outlying
    count, labels = cv2.connectedComponents(off, connectivity=8)
    if count <= 1:
        return np.zeros(zone.shape, bool)
    ring = np.ones((3, 3), np.uint8)
    inner_zone = _erode(zone.astype(np.uint8), ring) > 0
    border = (off > 0) & ~(cv2.erode(off, ring) > 0) & inner_zone  # region borders inside the zone
    sharp = border & (cv2.dilate(edges.astype(np.uint8), ring) > 0)
    totals = np.bincount(labels[border], minlength=count)
    sharps = np.bincount(labels[sharp], minlength=count)
    keep = (sharps >= SHARP_BORDER * np.maximum(totals, 1)) & (totals > 0)
    keep[0] = False
    return np.asarray(keep[labels])


def _solid(content: NDArray[np.bool_], source_px_per_frame_px: float) -> NDArray[np.bool_]:
    """The pieces of ``content`` large enough to be a real object (not an edge's speck or JPEG noise)."""
    import cv2

    count, labels, stats, _ = cv2.connectedComponentsWithStats(content.astype(np.uint8), connectivity=8)
    if count <= 1:
        return np.zeros(content.shape, bool)
    least = max(4.0, SOLID_MIN_AREA / max(source_px_per_frame_px, 1e-6) ** 2)
    keep = stats[:, cv2.CC_STAT_AREA] >= least
    keep[0] = False
    return np.asarray(keep[labels])


def _standing_out(pieces: NDArray[np.bool_], content: NDArray[np.bool_], zone: NDArray[np.bool_],
                  rgb: NDArray[np.uint8], judged: NDArray[np.bool_]) -> NDArray[np.bool_]:
    """The ``pieces`` reaching into ``judged`` with a colour of their own: beyond the range of the colours
    around them.

    Where two areas of a photograph meet, the edge filter marks pixels whose colours
    are blends of the two areas; a dot, a bar or the edge of a box shows its own
    colour (anti-aliased edges and JPEG ringing aside), which no pixel around it has.
    """
    import cv2

    count, labels, stats, _ = cv2.connectedComponentsWithStats(pieces.astype(np.uint8), connectivity=8)
    height, width = pieces.shape
    grow = np.ones((2 * SURROUND_PX + 1, 2 * SURROUND_PX + 1), np.uint8)
    keep = np.zeros(count, bool)
    for k in np.unique(labels[judged & pieces]).tolist():
        x, y, w, h = stats[k, :4].tolist()
        x0, y0 = max(0, x - SURROUND_PX), max(0, y - SURROUND_PX)
        x1, y1 = min(width, x + w + SURROUND_PX), min(height, y + h + SURROUND_PX)
        piece = _filled(labels[y0:y1, x0:x1] == k)
        around = (cv2.dilate(piece.astype(np.uint8), grow) > 0) & ~piece & zone[y0:y1, x0:x1] \
            & ~content[y0:y1, x0:x1]
        if np.count_nonzero(around) < MIN_SURROUND:
            keep[k] = True  # nothing to compare it with: it stands
            continue
        colours = rgb[y0:y1, x0:x1, :3].astype(np.int16)
        outside, inside = colours[around], colours[piece]
        low, high = outside.min(axis=0) - BLEND_MARGIN, outside.max(axis=0) + BLEND_MARGIN
        keep[k] = bool(((inside < low) | (inside > high)).any())
    return np.asarray(keep[labels])


def _filled(mask: NDArray[np.bool_]) -> NDArray[np.bool_]:
    """``mask`` with its holes filled (a ring's inside is part of it)."""
    import cv2

    padded = np.pad(mask.astype(np.uint8), 1)
    cv2.floodFill(padded, None, (0, 0), 2)
    return np.asarray(padded[1:-1, 1:-1] != 2)


def _clear_space_content(pixels: _Pixels, inside: NDArray[np.bool_], frame: Frame, margin_x: int,
                 margin_y: int, background: NDArray[np.float64], gap: int, source_px_per_frame_px: float
                 ) -> tuple[float, dict[str, float], NDArray[np.bool_]]:
    """Share of content on the most intruded side of the clear-space zone, the deepest reach per side,
    and where the content is.

    Content is what has sharp edges (text, rules, the border of a box), which a
    photograph's soft shading and grain do not; on a flat background anything
    clearly off its colour counts too (the inside of a solid block). The reach
    is that of the deepest solid piece with a colour of its own, however little
    of the zone it covers (a dot, a thin bar), less a band along the outline
    where a misplaced outline shows; the blended edge between two areas of a
    photograph reaches nowhere.
    """
    import cv2

    height, width = pixels.rgb.shape[:2]
    zone, zone_pixels = _in_image(inside, bool(inside.all()), _beyond(frame, margin_x, margin_y, gap),
                                  _beyond_pixels(frame, margin_x, margin_y, gap))
    none = {side: 0.0 for side in SIDES}
    if len(zone_pixels) < 10:
        return 0.0, none, np.zeros(zone.shape, bool)
    edges = _edge_strength(pixels.rgb, source_px_per_frame_px) > CONTENT_EDGE
    content = edges & zone
    content |= _sharp_regions(pixels, zone, zone_pixels, background, edges)
    content = cv2.morphologyEx(content.astype(np.uint8), cv2.MORPH_OPEN, np.ones((2, 2), np.uint8)) > 0
    spill = gap + max(1, math.ceil(OUTLINE_SPILL / max(source_px_per_frame_px, 1e-6)))
    beyond_spill = _beyond(frame, margin_x, margin_y, spill)
    solid = _solid(content, source_px_per_frame_px)
    if (solid & beyond_spill).any():
        solid = _standing_out(solid, content, zone, pixels.rgb, beyond_spill)
    reaching = solid & beyond_spill
    # Corners belong to the top and bottom strips, so content there has one side.
    beside, across = slice(margin_y, height - margin_y), slice(0, width)
    strips = {"left": (beside, slice(0, margin_x)), "right": (beside, slice(width - margin_x, width)),
              "top": (slice(0, margin_y), across), "bottom": (slice(height - margin_y, height), across)}
    share = 0.0
    for rows, columns in strips.values():
        area = int(np.count_nonzero(zone[rows, columns]))
        found = int(np.count_nonzero(content[rows, columns]))
        if area and found >= SIDE_NOISE * area:
            share = max(share, float(found) / area)
    return share, _reach(reaching, margin_x, margin_y), content


@functools.lru_cache(maxsize=CACHE_SIZE)
def _outward(width: int, height: int, margin_x: int, margin_y: int
             ) -> tuple[NDArray[np.float64], NDArray[np.intp]]:
    """Each pixel's reach into the clear space (1 at the artwork, 0 at the zone's outer edge, lower
    beyond a corner's rounded edge) and its side (an index into SIDES; -1 on the artwork)."""
    centres_x = np.arange(width) + 0.5
    centres_y = np.arange(height) + 0.5
    out_x = np.maximum(margin_x - centres_x, centres_x - (width - margin_x)) / margin_x
    out_y = np.maximum(margin_y - centres_y, centres_y - (height - margin_y)) / margin_y
    nx = np.maximum(out_x, 0.0)[None, :].repeat(height, axis=0)
    ny = np.maximum(out_y, 0.0)[:, None].repeat(width, axis=1)
    # A corner pixel sides with the edge it lies further out from.
    horizontal = nx >= ny
    left = (centres_x < width / 2)[None, :]
    top = (centres_y < height / 2)[:, None]
    side = np.where(horizontal, np.where(left, 0, 1), np.where(top, 2, 3))
    side = np.where((nx > 0) | (ny > 0), side, -1)
    return _read_only(1.0 - np.hypot(nx, ny)), _read_only(side.astype(np.intp))


def _reach(reaching: NDArray[np.bool_], margin_x: int, margin_y: int) -> dict[str, float]:
    """The deepest reach into the clear space per side, in frame px along the side's axis
    (to the centre of the deepest pixel, which a blurred edge only partly covers)."""
    height, width = reaching.shape
    depth_share, side_of = _outward(width, height, margin_x, margin_y)
    depth = {side: 0.0 for side in SIDES}
    if not reaching.any():
        return depth
    where = reaching & (side_of >= 0)
    shares, sides = depth_share[where], side_of[where]
    for index, side in enumerate(SIDES):
        chosen = shares[sides == index]
        if len(chosen) and chosen.max() > 0:
            depth[side] = float(chosen.max()) * (margin_x if side in ("left", "right") else margin_y)
    return depth
