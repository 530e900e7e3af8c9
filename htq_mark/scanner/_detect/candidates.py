"""Candidate placements of the mark: rounded-rectangle outlines found in an edge map.

The artwork's outline is a solid rounded rectangle, so any placement (any angle,
stretch or palette) shows up as a closed edge contour of a known shape. Edges come
from the lightness and, on colourful images, from two colour-opponent channels at
half resolution, so a recoloured mark as light as its background is still seen; the
strong edges alone are searched too, where a grainy picture's weaker ones would run
into a small mark's outline. A
contour cut by the image edge gives hypotheses for the whole artwork extended
beyond that edge; a shorter outline may be a mark partly covered. Each outline
gives two poses (tile end at either end); the verifier decides. On a background
of the outline's own colour the outline is not there at all: an outline shaped
like one of the artwork's anchors (its tile) places the whole artwork instead.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .model import Pose
from .references import Anchor

__all__ = ["Box", "Candidate", "colour_edge_map", "content_box", "dedupe", "edge_map", "edge_maps", "find_candidates",
           "find_outlines", "halve", "sharpened_pose"]

CANNY_LOW, CANNY_HIGH = 30, 60
# Strong edges only: on a textured background (a photo) the weaker edges of the texture may join a
# small mark's outline, which then shows as a whole only among the strong ones.
STRONG_LOW, STRONG_HIGH = 100, 200
FLAT_MARGIN = 4              # px of a flat margin kept around content, so edge detection there is unchanged
COLOURFUL_SPREAD = 40        # max-min channel difference (0-255) that makes an image worth colour edges
MIN_FILL = 0.80              # contour area / its minimum-area rectangle (a rounded rectangle is ~0.99)
MIN_SOLIDITY = 0.90          # contour area / its convex hull area
STRETCH_LIMIT = 2.0          # aspect ratios accepted: the artwork's divided or multiplied by this (half covered)
BORDER_NEAR = 2.6            # outline points this close to the image edge are the edge, not the artwork
MIN_UNCOVERED = 0.5          # an outline shorter than the artwork may be a mark with at most half covered
HIDDEN_SHARES = (0.15, 0.25, 0.35, 0.45)  # shares of the height an edge may hide, tried for cropped outlines
MIN_VISIBLE = 0.5            # a cropped hypothesis must keep at least this share of the artwork
SHARPEN_BELOW_PX = 32        # outlines less tall than this (px) are traced again at full resolution...
SHARPEN_PAD = 0.3            # ...in their box grown by this share of their height (and 4 px)
SHARPEN_REACH = 0.1          # a traced outline replaces a pose it differs from by less than this share
# A box laid over part of a mark, close to its colours, may leave no edge of its own between the two:
# the outline runs round both. The mark's part is cut off along the box's edge, between two concave
# corners where that edge runs on beyond the cut.
COVER_SIMPLIFY = 1.5         # px an outline is simplified by before its corners are looked at
COVER_CORNER_DEPTH = 2.0     # px a concave corner lies inside the outline's hull
COVER_CORNERS = 6            # at most this many of the deepest concave corners are paired
COVER_EDGE_TURN = math.cos(math.radians(20))  # the box's edge beyond the cut turns less than this
# A later view of the edges is traced only where it differs from the first, unless it differs in more
# than this share of their pixels (finding where would then cost more than tracing it all).
MAX_DIFFERING_SHARE = 0.1
ANCHOR_SHAPE_TOLERANCE = 0.15  # an outline's proportions may differ from an anchor's by this share
MIN_ANCHOR_SHOWN = 0.25        # an anchor cut by the image's edge must show at least this share across the cut


@dataclass(frozen=True)
class Candidate:
    """An outline's poses, and poses to try only if one of those shows some likeness.

    ``extended`` poses assume part of the artwork is hidden (covered) beyond the
    outline's ends; they are many, and only worth trying near something mark-like.
    """

    poses: tuple[Pose, ...]
    extended: tuple[Pose, ...] = ()
    # The extended poses show only what lies inside the outline (``poses[0]``); worked out when they
    # are tried (few are), by :meth:`hypotheses`.
    shown_in_outline: bool = False
    #: The outline of the anchor the poses were placed from (its minimum-area rectangle); None for the
    #: artwork's own outline.
    anchor: Pose | None = None

    def moved(self, dx: float, dy: float) -> Candidate:
        """The same candidate moved by (``dx``, ``dy``) px."""
        return Candidate(tuple(p.moved(dx, dy) for p in self.poses), tuple(p.moved(dx, dy) for p in self.extended),
                         self.shown_in_outline, None if self.anchor is None else self.anchor.moved(dx, dy))

    def hypotheses(self) -> tuple[Pose, ...]:
        """The extended poses, each with the part of the artwork it takes to be in view."""
        if not self.shown_in_outline:
            return self.extended
        outline = self.poses[0].corners
        return tuple(pose.showing(outline) for pose in self.extended)


def _is_colourful(rgb: NDArray[np.uint8]) -> bool:
    import cv2

    scale = min(1.0, 256.0 / max(rgb.shape[0], rgb.shape[1]))
    small = cv2.resize(rgb, (max(1, round(rgb.shape[1] * scale)), max(1, round(rgb.shape[0] * scale))),
                       interpolation=cv2.INTER_NEAREST)
    channels = cv2.split(small)
    spread = cv2.max(cv2.max(channels[0], channels[1]), channels[2]) - \
        cv2.min(cv2.min(channels[0], channels[1]), channels[2])
    return bool(np.count_nonzero(spread >= COLOURFUL_SPREAD) > 1e-4 * spread.size)


Box = tuple[int, int, int, int]  # x0, y0, x1, y1 (end exclusive)
WHOLE: Box = (0, 0, 1 << 30, 1 << 30)


def content_box(rgb: NDArray[np.uint8]) -> Box | None:
    """The smallest box beyond which ``rgb`` is the flat colour of its top-left pixel; None if all of it is.

    Pages often have wide empty margins, or little on them at all: no edge can be found there.
    The box is found from each side inwards, so only the margins are looked at (and a band beyond).
    """
    height, width = rgb.shape[:2]
    first = rgb[0, 0]
    if (rgb[0] != first).any() and (rgb[:, 0] != first).any() and (rgb[-1] != first).any() \
            and (rgb[:, -1] != first).any():
        return 0, 0, width, height  # content on all four sides (a photo, say): the box is the whole image
    # Rows of bytes: column c of the image is columns 3c..3c+2 here.
    rows = np.ascontiguousarray(rgb).reshape(height, width * 3)
    blank = np.tile(first, width)
    top = _first_unlike(rows, blank, along_rows=True, from_end=False)
    if top < 0:
        return None
    bottom = _first_unlike(rows, blank, along_rows=True, from_end=True)
    content_rows = rows[top:bottom + 1]
    left = _first_unlike(content_rows, blank, along_rows=False, from_end=False)
    right = _first_unlike(content_rows, blank, along_rows=False, from_end=True)
    return left, top, right + 1, bottom + 1


def _first_unlike(rows: NDArray[np.uint8], blank: NDArray[np.uint8], *, along_rows: bool, from_end: bool) -> int:
    """The first (or, ``from_end``, the last) row of ``rows`` unlike ``blank``, or pixel column if not
    ``along_rows``; -1 if there is none.

    ``rows`` holds an RGB image's rows of bytes, ``blank`` a row of the corner's colour. Bands
    doubling in size are compared in turn, so the cost follows the margin's size, not the image's.
    """
    count = rows.shape[0] if along_rows else rows.shape[1] // 3
    band, done = 16, 0
    while done < count:
        take = min(band, count - done)
        start = count - done - take if from_end else done
        if along_rows:
            unlike = (rows[start:start + take] != blank).any(axis=1)
        else:
            part = rows[:, 3 * start:3 * (start + take)]
            unlike = (part != blank[:3 * take]).any(axis=0).reshape(take, 3).any(axis=1)
        found = np.flatnonzero(unlike)
        if len(found):
            return start + int(found[-1] if from_end else found[0])
        done += take
        band *= 2
    return -1


def _grown(box: Box, margin: int, size: tuple[int, int]) -> Box:
    x0, y0, x1, y1 = box
    return max(0, x0 - margin), max(0, y0 - margin), min(size[0], x1 + margin), min(size[1], y1 + margin)


def edge_map(rgb: NDArray[np.uint8], box: Box | None = WHOLE) -> NDArray[np.uint8]:
    """Edges (255) of the image's lightness; only ``box`` (from :func:`content_box`) is searched."""
    return edge_maps(rgb, box, ((CANNY_LOW, CANNY_HIGH),))[0]


def edge_maps(rgb: NDArray[np.uint8], box: Box | None, thresholds: Sequence[tuple[int, int]]
              ) -> list[NDArray[np.uint8]]:
    """:func:`edge_map` with each pair of Canny ``thresholds`` (low, high), from one lightness image."""
    import cv2

    height, width = rgb.shape[:2]
    if box is None:
        return [np.zeros((height, width), np.uint8) for _ in thresholds]
    # A flat margin around the box keeps every gradient Canny looks at as it is in
    # the whole image, so it finds exactly the same edges.
    x0, y0, x1, y1 = _grown(box, FLAT_MARGIN, (width, height))
    grey = cv2.cvtColor(np.ascontiguousarray(rgb[y0:y1, x0:x1]), cv2.COLOR_RGB2GRAY)
    maps = []
    for low, high in thresholds:
        # Not Canny(dx, dy, ...) from gradients made once: OpenCV reaches that form after its first form fails,
        # and a time-limit alarm ringing just then crashed the process (a segmentation fault).
        found = np.asarray(cv2.Canny(grey, low, high), dtype=np.uint8)
        if (x0, y0, x1, y1) != (0, 0, width, height):
            edges = np.zeros((height, width), np.uint8)
            edges[y0:y1, x0:x1] = found
            found = edges
        maps.append(found)
    return maps


def colour_edge_map(rgb: NDArray[np.uint8], box: Box | None = WHOLE) -> NDArray[np.uint8] | None:
    """Edges of two colour-opponent channels, or None for an image without colour.

    They catch a recoloured mark as light as its background. Only ``box`` (from
    :func:`content_box`) is searched, with the same result as the whole image.
    """
    import cv2

    if not _is_colourful(rgb):
        return None
    height, width = rgb.shape[:2]
    edges = np.zeros((height, width), np.uint8)
    if box is None:
        return edges
    x0, y0, x1, y1 = _grown(box, FLAT_MARGIN, (width, height))
    region = rgb[y0:y1, x0:x1]
    red, green, blue = (cv2.extractChannel(region, channel) for channel in range(3))  # faster than cv2.split
    red_green = cv2.addWeighted(red, 0.5, green, -0.5, 128.0)
    yellow_blue = cv2.addWeighted(cv2.addWeighted(red, 0.25, green, 0.25, 0.0), 1.0, blue, -0.5, 128.0)
    edges[y0:y1, x0:x1] = cv2.bitwise_or(cv2.Canny(red_green, CANNY_LOW, CANNY_HIGH),
                                         cv2.Canny(yellow_blue, CANNY_LOW, CANNY_HIGH))
    return edges


def halve(rgb: NDArray[np.uint8], box: Box | None = WHOLE) -> tuple[NDArray[np.uint8], Box | None]:
    """The image at half resolution (area averaging; an odd last row or column is dropped) and ``box`` in it.

    Only ``box`` (from :func:`content_box`) is resampled; beyond it the image is
    flat, so the result is the same as halving the whole image.
    """
    import cv2

    height, width = rgb.shape[:2]
    half_width, half_height = max(1, width // 2), max(1, height // 2)
    box_in_half: Box | None = None
    region = None
    if box is not None:
        bx0, by0, bx1, by1 = _grown(box, 2 * FLAT_MARGIN, (2 * half_width, 2 * half_height))
        x0, y0 = bx0 - bx0 % 2, by0 - by0 % 2
        x1, y1 = min(2 * half_width, bx1 + bx1 % 2), min(2 * half_height, by1 + by1 % 2)
        if x1 > x0 and y1 > y0:
            region = np.asarray(cv2.resize(rgb[y0:y1, x0:x1], ((x1 - x0) // 2, (y1 - y0) // 2),
                                           interpolation=cv2.INTER_AREA), dtype=np.uint8)
            box_in_half = (x0 // 2, y0 // 2, x1 // 2, y1 // 2)
            if region.shape[:2] == (half_height, half_width):
                return region, box_in_half
    if region is None or box_in_half is None:
        # All of the image is its corner's colour (filled a row at a time: much faster).
        flat = np.empty((half_height, half_width * 3), np.uint8)
        flat[:] = np.tile(rgb[0, 0], half_width)
        return flat.reshape(half_height, half_width, 3), None
    # Beyond the box the image is its corner's colour: a border of it around the region.
    hx0, hy0, hx1, hy1 = box_in_half
    whole = cv2.copyMakeBorder(region, hy0, half_height - hy1, hx0, half_width - hx1, cv2.BORDER_CONSTANT,
                               value=rgb[0, 0].tolist())
    return np.asarray(whole, dtype=np.uint8), box_in_half


def find_outlines(rgb: NDArray[np.uint8], aspect: float, min_width: float, *,
                  halved: tuple[NDArray[np.uint8], Box | None] | None = None,
                  anchors: Sequence[Anchor] = ()) -> list[Candidate]:
    """Candidates in ``rgb`` from its lightness edges (all, and the strong ones alone) and, on colourful
    images, the lightness edges joined with colour edges.

    The search runs at half resolution, where the smallest mark searched for
    still shows its outline; small outlines are then traced again at full
    resolution around where they were found, which places them as precisely as
    a full search would (and drops text that only looked like one when halved).
    Colour edges close gaps where a mark is as light as what surrounds it, but
    also join it to neighbours, so both views are searched; on a grainy picture
    the weaker edges join a small mark's outline to the grain, so the strong
    edges alone are a third view. ``halved`` is what
    ``halve(rgb, content_box(rgb))`` returns, when it has been made already.
    Outlines shaped like one of the ``anchors`` (see :mod:`.references`) give
    candidates too, placed as found: alignment places them.
    """
    import cv2

    half, box = halved if halved is not None else halve(rgb, content_box(rgb))
    edges, strong = edge_maps(half, box, ((CANNY_LOW, CANNY_HIGH), (STRONG_LOW, STRONG_HIGH)))
    colour_edges = colour_edge_map(half, box)
    views: list[tuple[NDArray[np.uint8], NDArray[np.uint8] | None]] = [(edges, None)]
    if colour_edges is not None:
        views.append((np.asarray(cv2.bitwise_or(edges, colour_edges), dtype=np.uint8), colour_edges))
    views.append((strong, None))
    found: list[Candidate] = []
    small: list[tuple[Box, NDArray[np.uint8] | None]] = []
    size = (rgb.shape[1], rgb.shape[0])
    seen: set[tuple[int, ...]] = set()
    contours: set[ContourKey] = set()  # contours several views show are looked at once
    for number, (view, colour) in enumerate(views):
        # After the first view, only what differs from it is traced (the rest shows contours seen already).
        traced = view if number == 0 else _differing_part(view, edges)
        for key, candidate in _keyed_candidates(view, aspect, min_width / 2, seen=contours, traced=traced,
                                                anchors=anchors):
            if key in seen:  # an outline several views show is traced once
                continue
            seen.add(key)
            # Canny marks the pixel before a step, so an outline sits half a pixel early, a whole
            # one at half resolution: moving it by half a pixel puts it where a full search would.
            poses = tuple(map(_placed, candidate.poses))
            if candidate.anchor is not None:
                found.append(Candidate(poses, anchor=_placed(candidate.anchor)))
            elif poses[0].height >= SHARPEN_BELOW_PX or (crop := _sharpening_box(poses, size)) is None:
                found.append(Candidate(poses, tuple(map(_placed, candidate.extended)), candidate.shown_in_outline))
            else:
                small.append((crop, colour))
    for colour in {id(c): c for _, c in small}.values():
        # Overlapping boxes (in the same view) are traced together, once.
        found.extend(_whole_outlines_in_crops(rgb, _merged([box for box, c in small if c is colour]), colour,
                                              aspect, min_width))
    return dedupe(found)


def _differing_part(view: NDArray[np.uint8], base: NDArray[np.uint8]) -> NDArray[np.uint8]:
    """The pixels of ``view`` whose connected component (in ``view | base``) holds a pixel the two maps differ in.

    Any other component of the union is a component of ``view`` and of ``base`` alike,
    so it has the same contours in both: tracing ``base`` saw them already. Where the
    maps differ in many pixels, finding those components would cost more than it
    saves, and ``view`` itself is returned.
    """
    import cv2

    difference = cv2.bitwise_xor(view, base)
    count = cv2.countNonZero(difference)
    if count == 0:
        return np.zeros_like(view)
    union = cv2.bitwise_or(view, base)
    if count > MAX_DIFFERING_SHARE * cv2.countNonZero(union):
        return view
    differing = cv2.findNonZero(difference)
    height, width = view.shape
    changed = np.zeros((height + 2, width + 2), np.uint8)
    flags = 8 | cv2.FLOODFILL_MASK_ONLY | (255 << 8)  # 8-connected, as contours are traced
    points: list[list[int]] = np.asarray(differing, dtype=np.intp).reshape(-1, 2).tolist()
    for x, y in points:
        if not changed[y + 1, x + 1]:
            cv2.floodFill(union, changed, (x, y), 0, 0, 0, flags)
    return np.asarray(cv2.bitwise_and(view, changed[1:-1, 1:-1]), dtype=np.uint8)


def _placed(pose: Pose) -> Pose:
    """A pose found at half resolution in the full image: ``pose.scaled(2.0).moved(0.5, 0.5)`` in one step."""
    (ox, oy), (ax, ay), (bx, by) = pose.origin, pose.x_axis, pose.y_axis
    return Pose((ox * 2.0 + 0.5, oy * 2.0 + 0.5), (ax * 2.0, ay * 2.0), (bx * 2.0, by * 2.0), pose.shown)


def sharpened_pose(rgb: NDArray[np.uint8], pose: Pose, aspect: float, min_width: float) -> Pose:
    """``pose`` as a full-resolution trace of its outline places it, or ``pose`` itself if none is found.

    An outline found at half resolution may sit a pixel off, which matters for a
    mark that matches only in part (altered, say); this traces the edges around
    it again at full resolution and takes the whole outline of about the same
    place, size and turn. Only the few candidates worth judging closely need it.
    """
    height, width = rgb.shape[:2]
    x0, y0, x1, y1 = _padded_box((pose,))
    x0, y0, x1, y1 = max(0, x0), max(0, y0), min(width, x1), min(height, y1)
    if x1 - x0 < 8 or y1 - y0 < 8:
        return pose
    best, best_distance = pose, SHARPEN_REACH
    for found in _whole_outlines_in(rgb, (x0, y0, x1, y1), None, aspect, min_width):
        for option in found.poses:
            turn = abs((option.rotation_deg - pose.rotation_deg + 180.0) % 360.0 - 180.0)
            distance = max(math.dist(option.centre, pose.centre) / pose.height, abs(option.width / pose.width - 1),
                           abs(option.height / pose.height - 1), turn / 90.0)
            if distance < best_distance:
                best, best_distance = option, distance
    return best


def _padded_box(poses: Sequence[Pose]) -> Box:
    """The box around ``poses`` grown by SHARPEN_PAD of the first one's height and 4 px (may leave the image)."""
    corners = [corner for pose in poses for corner in pose.corners]
    xs, ys = [x for x, _ in corners], [y for _, y in corners]
    pad = SHARPEN_PAD * poses[0].height + 4
    return math.floor(min(xs) - pad), math.floor(min(ys) - pad), math.ceil(max(xs) + pad), math.ceil(max(ys) + pad)


def _sharpening_box(poses: Sequence[Pose], size: tuple[int, int]) -> Box | None:
    """The box a small candidate (its ``poses``) is traced again in, or None if it reaches the image's edge.

    Outlines cut by the edge are only found in the whole image, so such a candidate is kept as it is.
    """
    x0, y0, x1, y1 = _padded_box(poses)
    if x0 < 0 or y0 < 0 or x1 > size[0] or y1 > size[1]:
        return None
    return x0, y0, x1, y1


def _merged(boxes: list[Box]) -> list[Box]:
    """The boxes, with any that overlap replaced by the box around them (repeatedly)."""
    merged: list[Box] = []
    for box in boxes:
        while True:
            overlapping = [m for m in merged if m[0] < box[2] and box[0] < m[2] and m[1] < box[3] and box[1] < m[3]]
            if not overlapping:
                break
            for m in overlapping:
                merged.remove(m)
            box = (min(box[0], *(m[0] for m in overlapping)), min(box[1], *(m[1] for m in overlapping)),
                   max(box[2], *(m[2] for m in overlapping)), max(box[3], *(m[3] for m in overlapping)))
        merged.append(box)
    return merged


def _whole_outlines_in(rgb: NDArray[np.uint8], crop: Box, colour_edges: NDArray[np.uint8] | None,
                       aspect: float, min_width: float) -> list[Candidate]:
    """The whole outlines found at full resolution in ``crop`` (with the colour edges of the view, if any)."""
    return _whole_outlines_in_crops(rgb, [crop], colour_edges, aspect, min_width)


def _whole_outlines_in_crops(rgb: NDArray[np.uint8], crops: Sequence[Box], colour_edges: NDArray[np.uint8] | None,
                             aspect: float, min_width: float) -> list[Candidate]:
    """:func:`_whole_outlines_in` each of ``crops``, one after another.

    The crops' edge maps are traced together, one above the other with a blank row between:
    each one's contours (and their order) are those a trace of it alone finds.
    """
    import cv2

    maps = [_crop_edges(rgb, crop, colour_edges) for crop in crops]
    starts = np.cumsum([0] + [edges.shape[0] + 1 for edges in maps])
    stack = np.zeros((int(starts[-1]), max(edges.shape[1] for edges in maps)), np.uint8)
    for edges, start in zip(maps, starts.tolist()):
        stack[start:start + edges.shape[0], :edges.shape[1]] = edges
    contours, _ = cv2.findContours(stack, cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE)
    found: list[Candidate] = []
    if not contours:
        return found
    lengths, lefts, tops, widths, heights = _contour_boxes(contours)
    which = np.searchsorted(starts, tops, side="right") - 1  # the crop each contour is in
    tops = tops - starts[which]
    map_widths = np.array([edges.shape[1] for edges in maps])[which]
    map_heights = np.array([edges.shape[0] for edges in maps])[which]
    # As in _large_contours for a contour clear of its map's edge (one touching it is not looked at).
    touching, whole_map = _edge_tests(lefts, tops, widths, heights, map_widths, map_heights)
    extents_sq = np.square(widths, dtype=np.float64) + np.square(heights, dtype=np.float64)
    large = (lengths >= 4) & ~whole_map & ~touching & (extents_sq >= (0.8 * min_width) ** 2)
    chosen, chosen_in = np.flatnonzero(large), which[large]
    for index, (crop, start) in enumerate(zip(crops, starts.tolist())):
        in_crop = [_whole_candidate(np.add(contours[i].reshape(-1, 2) - np.array([0, start], np.int32), 0.5,
                                           dtype=np.float32), aspect, min_width)
                   for i in chosen[chosen_in == index].tolist()]
        x0, y0 = float(crop[0]), float(crop[1])
        found.extend(candidate.moved(x0, y0) for _, candidate in _keyed([c for c in in_crop if c is not None]))
    return found


def _crop_edges(rgb: NDArray[np.uint8], crop: Box, colour_edges: NDArray[np.uint8] | None) -> NDArray[np.uint8]:
    """The edges in ``crop`` at full resolution (with the colour edges of the view, if any)."""
    import cv2

    x0, y0, x1, y1 = crop
    edges = edge_map(np.ascontiguousarray(rgb[y0:y1, x0:x1]))
    if colour_edges is not None:
        # The colour edges as a full-resolution search saw them: each half-resolution pixel twice over.
        hx0, hy0 = x0 // 2, y0 // 2
        part = colour_edges[hy0:(y1 + 1) // 2, hx0:(x1 + 1) // 2]
        doubled = cv2.resize(part, (2 * part.shape[1], 2 * part.shape[0]),
                             interpolation=cv2.INTER_NEAREST)[y0 - 2 * hy0:, x0 - 2 * hx0:]
        rows, columns = min(doubled.shape[0], edges.shape[0]), min(doubled.shape[1], edges.shape[1])
        np.bitwise_or(edges[:rows, :columns], doubled[:rows, :columns], out=edges[:rows, :columns])
    return edges


Vector = tuple[float, float]


def _rect_axes(rect: Rect) -> tuple[Vector, Vector, float, float]:
    """Unit vectors along a rotated rectangle's sides and the side lengths (e1 with length a, e2 with b)."""
    (_, _), (a, b), angle = rect
    theta = math.radians(angle)
    cos, sin = math.cos(theta), math.sin(theta)
    return (cos, sin), (-sin, cos), float(a), float(b)


def _poses(centre: Vector | NDArray[np.float64], axis: Vector | NDArray[np.float64], width: float,
           height: float) -> list[Pose]:
    """Both poses of an artwork rectangle whose top edge runs along +/-axis."""
    cx, cy, ax, ay = float(centre[0]), float(centre[1]), float(axis[0]), float(axis[1])
    poses = []
    for sign in (1.0, -1.0):
        ux, uy = ax * sign, ay * sign
        vx, vy = -uy, ux
        origin = (cx - ux * width / 2 - vx * height / 2, cy - uy * width / 2 - vy * height / 2)
        poses.append(Pose(origin, (ux * width, uy * width), (vx * height, vy * height)))
    return poses


Rect = tuple[Sequence[float], Sequence[float], float]  # cv2.minAreaRect: centre, sides, angle


def _sized_like_the_artwork(rect: Rect, aspect: float, min_width: float) -> bool:
    long_side, short_side = max(rect[1]), min(rect[1])
    return short_side > 2 and long_side >= 0.8 * min_width and \
        aspect / STRETCH_LIMIT <= long_side / short_side <= aspect * STRETCH_LIMIT


def _full_candidate(points: NDArray[np.float32], aspect: float, min_width: float,
                    rect: Rect | None = None) -> Candidate | None:
    """The poses of a whole outline; ``rect`` is the points' minimum-area rectangle, if known."""
    import cv2

    rect = rect if rect is not None else cv2.minAreaRect(points)
    if not _sized_like_the_artwork(rect, aspect, min_width):
        return None
    area = abs(cv2.contourArea(points))
    if area < MIN_FILL * rect[1][0] * rect[1][1] or area < MIN_SOLIDITY * cv2.contourArea(cv2.convexHull(points)):
        return None
    return _outline_candidate(rect, aspect)


def _whole_candidate(points: NDArray[np.float32], aspect: float, min_width: float,
                     anchors: Sequence[Anchor] = ()) -> Candidate | None:
    """The poses of an outline clear of the image's edge, if it is shaped like the artwork (or like one of
    its ``anchors``)."""
    import cv2

    # A point set and its hull have the same minimum-area rectangle: one test rules out both.
    rect = cv2.minAreaRect(points)
    if _sized_like_the_artwork(rect, aspect, min_width):
        return _closed_candidate(points, rect, aspect)
    return _anchored_candidate(points, rect, anchors, aspect, min_width) if anchors else None


def _anchored_candidate(points: NDArray[np.float32], rect: Rect, anchors: Sequence[Anchor], aspect: float,
                        min_width: float) -> Candidate | None:
    """The poses of the whole artwork an outline places if it is one of its ``anchors``; ``rect`` is the
    outline's minimum-area rectangle.

    Each way round the anchor fits the outline's proportions (a square tile fits four)
    gives a pose; the verifier decides.
    """
    import cv2

    a, b = float(rect[1][0]), float(rect[1][1])
    if min(a, b) <= 2:
        return None
    # Each anchor that fits, with the artwork's height it gives and whether its width lies along the rectangle's
    # second side (most outlines fit none: they are looked at no further).
    fits: list[tuple[Anchor, float, bool]] = []
    for anchor in anchors:
        shape = _anchor_shape(anchor, aspect)
        for along_second, anchor_width, anchor_height in ((False, a, b), (True, b, a)):
            height = anchor_height / (anchor[3] - anchor[1])
            fitting = abs(anchor_width / anchor_height / shape - 1.0) <= ANCHOR_SHAPE_TOLERANCE
            if fitting and height * aspect >= min_width:
                fits.append((anchor, height, along_second))
    if not fits:
        return None
    area = abs(cv2.contourArea(points))
    if area < MIN_FILL * a * b or area < MIN_SOLIDITY * cv2.contourArea(cv2.convexHull(points)):
        return None
    e1, e2, _, _ = _rect_axes(rect)
    centre = (float(rect[0][0]), float(rect[0][1]))
    poses = [pose for anchor, height, along_second in fits
             for pose in _placed_by_anchor(anchor, centre, e2 if along_second else e1, height, aspect)]
    return Candidate(tuple(poses), anchor=_poses(centre, e1, a, b)[0])


def _placed_by_anchor(anchor: Anchor, centre: Vector | NDArray[np.float64], across: Vector | NDArray[np.float64],
                      height: float, aspect: float) -> list[Pose]:
    """The poses of an artwork ``height`` px tall whose ``anchor`` is centred on ``centre``, with its width
    along +/-``across``: both ways round, and each mirrored (the rest of the artwork on the anchor's other side)."""
    x0, y0, x1, y1 = anchor
    # The anchor's centre, from the artwork's top left, in the artwork's own axes.
    along, down = (x0 + x1) / 2 * height * aspect, (y0 + y1) / 2 * height
    cx, cy = float(centre[0]), float(centre[1])
    poses = []
    for sign in (1.0, -1.0):
        ux, uy = float(across[0]) * sign, float(across[1]) * sign
        vx, vy = -uy, ux
        origin = (cx - ux * along - vx * down, cy - uy * along - vy * down)
        poses.append(Pose(origin, (ux * height * aspect, uy * height * aspect), (vx * height, vy * height)))
        flipped_origin = (cx + ux * along - vx * down, cy + uy * along - vy * down)
        poses.append(Pose(flipped_origin, (-ux * height * aspect, -uy * height * aspect), (vx * height, vy * height)))
    return poses


def _cut_anchored_candidates(points: NDArray[np.float32], on_border: NDArray[np.bool_], anchors: Sequence[Anchor],
                             aspect: float, min_width: float, size: tuple[int, int], rect: Rect) -> list[Candidate]:
    """The poses of the whole artwork an anchor cut by the image's edge places: a candidate for each size
    of anchor they assume.

    ``points`` is the hull of an outline touching the edge, ``on_border`` says which of
    them lie on it, and ``rect`` is the minimum-area rectangle of the others. The
    side along the edge is seen whole, so it gives the anchor's size; the anchor
    runs on beyond the edge by what is cut off, and each candidate's ``anchor`` is
    all of it, as it runs on.
    """
    cut = _Cut.of(points, on_border, rect)
    if cut is None:
        return []
    known = cut.t1 - cut.t0
    by_length: dict[float, tuple[Pose, list[Pose]]] = {}  # the whole anchor across the cut, and its poses
    for anchor in anchors:
        shape = _anchor_shape(anchor, aspect)
        for width_along_s in (True, False):
            length = known * shape if width_along_s else known / shape  # the whole anchor, across the cut
            height = (known if width_along_s else length) / (anchor[3] - anchor[1])  # the artwork's
            if not MIN_ANCHOR_SHOWN * length <= cut.shown <= (1.0 + ANCHOR_SHAPE_TOLERANCE) * length \
                    or height * aspect < min_width:
                continue
            centre = cut.point(cut.s_mid(length), (cut.t0 + cut.t1) / 2)
            placed = _placed_by_anchor(anchor, centre, cut.s_axis if width_along_s else cut.t_axis, height, aspect)
            kept = [pose for pose in placed if MIN_VISIBLE <= pose.visible_fraction(*size)]
            if kept:
                whole = _poses(centre, cut.s_axis, length, known)[0]
                by_length.setdefault(round(length, 6), (whole, []))[1].extend(kept)
    return [Candidate(tuple(poses), anchor=whole) for whole, poses in by_length.values()]


def _anchor_shape(anchor: Anchor, aspect: float) -> float:
    """The anchor's width over its height, in pixels, in an artwork of width over height ``aspect``."""
    x0, y0, x1, y1 = anchor
    return (x1 - x0) * aspect / (y1 - y0)


def _closed_candidate(points: NDArray[np.float32], rect: Rect, aspect: float) -> Candidate | None:
    """The poses of a whole outline, or of the shape it outlines if it has a gap; ``rect`` is sized like the artwork.

    An outline with a gap is an open curve; its hull is the shape it outlines. ``rect`` is
    the points' minimum-area rectangle, which is also their hull's.
    """
    import cv2

    filled = MIN_FILL * rect[1][0] * rect[1][1]
    hull_area = cv2.contourArea(cv2.convexHull(points))
    # The hull is convex (its own solidity is 1), so as an outline it only needs to fill the rectangle.
    if hull_area >= filled:
        return _outline_candidate(rect, aspect)
    area = abs(cv2.contourArea(points))
    return _outline_candidate(rect, aspect) if area >= filled and area >= MIN_SOLIDITY * hull_area else None


def _covered_parts(points: NDArray[np.float32], aspect: float, min_width: float) -> list[Candidate]:
    """Candidates for a mark's visible part, cut out of the outline it shares with a box laid over it.

    A box close to the mark's colours leaves only a broken edge between the two, so
    the outline traced runs round both. Where the box's edge crosses the mark, the
    outline has a concave corner at either end of the crossing, and the box's edge
    runs on straight beyond each: the part on one side of such a cut, if shaped
    like (part of) the artwork, is the visible part.
    """
    import cv2

    corners_of = cv2.approxPolyDP(np.floor(points).astype(np.int32).reshape(-1, 1, 2), COVER_SIMPLIFY, True)
    polygon = corners_of.reshape(-1, 2)
    count = len(polygon)
    if count < 6:
        return []
    try:
        defects = cv2.convexityDefects(polygon, cv2.convexHull(polygon, returnPoints=False))
    except cv2.error:  # a self-crossing outline has no defects to speak of
        return []
    if defects is None:
        return []
    defects = defects.reshape(-1, 4)
    deep = defects[defects[:, 3] >= COVER_CORNER_DEPTH * 256]  # depths are fixed-point, 8 fractional bits
    if len(deep) < 2:
        return []
    concave = sorted(deep[np.argsort(-deep[:, 3], kind="stable")[:COVER_CORNERS], 2].tolist())
    vertices = polygon.astype(np.float64)
    found = []
    for first, i in enumerate(concave):
        for j in concave[first + 1:]:
            cut = _unit(vertices[j] - vertices[i])
            # Each side of the cut, with the corners just beyond its ends (outside that side).
            sides = ((polygon[i:j + 1], vertices[i - 1], vertices[(j + 1) % count]),
                     (np.concatenate((polygon[j:], polygon[:i + 1])), vertices[(i + 1) % count], vertices[j - 1]))
            for part, before, after in sides:
                if len(part) < 3 or _unit(vertices[i] - before) @ cut < COVER_EDGE_TURN \
                        or _unit(after - vertices[j]) @ cut < COVER_EDGE_TURN:
                    continue
                candidate = _whole_candidate(_densify(np.add(part, 0.5, dtype=np.float32)), aspect, min_width)
                if candidate is not None:
                    found.append(candidate)
    return found


def _unit(vector: NDArray[np.float64]) -> NDArray[np.float64]:
    length = math.hypot(float(vector[0]), float(vector[1]))
    return vector / length if length > 0 else vector


def _outline_candidate(rect: Rect, aspect: float) -> Candidate:
    """The poses of an outline whose minimum-area rectangle is ``rect``, and those extended beyond its ends."""
    e1, e2, a, b = _rect_axes(rect)
    if a < b:
        e1, e2, a, b = e2, e1, b, a
    centre = (float(rect[0][0]), float(rect[0][1]))
    # Something may cover one end (or one long side): the whole artwork may reach beyond it, and
    # only the outlined part is in view.
    extended: list[Pose] = []
    if a / b < aspect * 0.92:
        full = aspect * b
        if a >= MIN_UNCOVERED * full:
            for sign in (1.0, -1.0):
                extended.extend(_poses(_along(centre, e1, sign * (full - a) / 2), e1, full, b))
    elif a / b > aspect * 1.08:
        full = a / aspect
        if b >= MIN_UNCOVERED * full:
            for sign in (1.0, -1.0):
                extended.extend(_poses(_along(centre, e2, sign * (full - b) / 2), e1, a, full))
    outline = _poses(centre, e1, a, b)
    return Candidate(tuple(outline), tuple(extended), shown_in_outline=True)


def _along(point: Vector, axis: Vector, distance: float) -> Vector:
    """``point`` moved by ``distance`` along the unit vector ``axis``."""
    return point[0] + axis[0] * distance, point[1] + axis[1] * distance


@dataclass(frozen=True, eq=False)
class _Cut:
    """An outline cut by the image's edge, in the axes of the rectangle round its points clear of the
    edge: ``s`` runs across the cut (the outline is open on one end of it), ``t`` along it."""

    centre: NDArray[np.float64]
    s_axis: NDArray[np.float64]
    t_axis: NDArray[np.float64]
    s0: float  # the extent of the points clear of the edge, along each axis from the centre
    s1: float
    t0: float
    t1: float
    shown: float  # the extent of all the points across the cut: what shows, up to the edge
    cut_low: bool  # whether the open end is at s0

    @staticmethod
    def of(points: NDArray[np.float32], on_border: NDArray[np.bool_], rect: Rect) -> _Cut | None:
        """The cut of the outline ``points`` (those ``on_border``, at least one, lie on the edge), whose points
        clear of the edge (at least one) have the minimum-area rectangle ``rect``; None if it is too thin or
        not solid enough."""
        import cv2

        clear = ~on_border
        e1, e2 = (np.array(axis) for axis in _rect_axes(rect)[:2])
        centre = np.asarray(rect[0], np.float64)
        offsets = points.astype(np.float64) - centre
        p, q = offsets @ e1, offsets @ e2
        p_clear, q_clear = p[clear], q[clear]
        p0, p1, q0, q1 = float(p_clear.min()), float(p_clear.max()), float(q_clear.min()), float(q_clear.max())
        if min(p1 - p0, q1 - q0) <= 2 or abs(cv2.contourArea(points)) < MIN_FILL * (p1 - p0) * (q1 - q0):
            return None
        mp, mq = p[on_border].mean(), q[on_border].mean()
        open_side = int(np.argmin([mp - p0, p1 - mp, mq - q0, q1 - mq]))
        if open_side < 2:
            return _Cut(centre, e1, e2, p0, p1, q0, q1, float(p.max() - p.min()), open_side == 0)
        return _Cut(centre, e2, e1, q0, q1, p0, p1, float(q.max() - q.min()), open_side == 2)

    def s_mid(self, length: float) -> float:
        """The middle, along s, of something ``length`` long from the closed end on beyond the open one."""
        return self.s1 - length / 2 if self.cut_low else self.s0 + length / 2

    def point(self, s: float, t: float) -> NDArray[np.float64]:
        """The image point at (``s``, ``t``)."""
        return self.centre + self.s_axis * s + self.t_axis * t


def _cropped_candidate(points: NDArray[np.float32], on_border: NDArray[np.bool_], aspect: float,
                       min_width: float, size: tuple[int, int], rect: Rect | None = None) -> Candidate | None:
    """Hypotheses for an artwork cut by the image edge, from the visible part of its outline.

    ``rect`` is the minimum-area rectangle of the points not ``on_border``, if known.
    """
    import cv2

    inner = points[~on_border]
    if len(inner) < 5:
        return None
    cut = _Cut.of(points, on_border, rect if rect is not None else cv2.minAreaRect(inner))
    if cut is None:
        return None
    s_axis, t_axis, s0, s1, t0, t1 = cut.s_axis, cut.t_axis, cut.s0, cut.s1, cut.t0, cut.t1
    known = t1 - t0
    poses: list[Pose] = []
    for along_s, length in ((True, known * aspect), (False, known / aspect)):
        # along_s: the artwork's width runs along the cut axis (its end is cut off);
        # otherwise its height does (its top or bottom is cut off).
        if length < (s1 - s0) * 0.97:
            continue
        width, height = (length, known) if along_s else (known, length)
        if width < 0.8 * min_width:
            continue
        axis = s_axis if along_s else t_axis
        for pose in _poses(cut.point(cut.s_mid(length), (t0 + t1) / 2), axis, width, height):
            if MIN_VISIBLE <= pose.visible_fraction(*size) < 0.995:
                poses.append(pose)
    if not poses:
        return None
    # The edge may also cut through the tile, so the visible outline is shorter than the
    # artwork: try taller artworks (from what share may be hidden) anchored at either end.
    extended: list[Pose] = []
    for share in HIDDEN_SHARES:
        height = (s1 - s0) / (1.0 - share)
        width = height * aspect
        if width <= (t1 - t0) * 1.03 or width < 0.8 * min_width:
            continue
        for t_mid in (t0 + width / 2, t1 - width / 2):
            for pose in _poses(cut.point(cut.s_mid(height), t_mid), t_axis, width, height):
                if MIN_VISIBLE <= pose.visible_fraction(*size) < 0.995:
                    extended.append(pose)
    return Candidate(tuple(poses), tuple(extended))


def _densify(points: NDArray[np.float32], step: float = 2.0) -> NDArray[np.float32]:
    """The closed polygon with extra points every ``step`` px along each side."""
    sides = np.concatenate((points[1:], points[:1])) - points
    counts = np.maximum(1, np.ceil(np.hypot(sides[:, 0], sides[:, 1]) / step).astype(int))
    index = np.repeat(np.arange(len(points)), counts)
    # Within each side: 0, 1/n, ..., (n-1)/n.
    firsts = np.cumsum(counts) - counts
    offsets = ((np.arange(len(index)) - firsts[index]) / counts[index])[:, None]
    return np.asarray(points[index] + sides[index] * offsets, dtype=np.float32)


def _key(candidate: Candidate) -> tuple[int, ...]:
    # Pose's centre, width, height and rotation_deg, worked out here at once (it is called for every outline).
    pose = candidate.poses[0]
    (ox, oy), (ax, ay), (bx, by) = pose.origin, pose.x_axis, pose.y_axis
    cx, cy = ox + (ax + bx) / 2, oy + (ay + by) / 2
    width, height = math.hypot(ax, ay), math.hypot(bx, by)
    angle = math.degrees(math.atan2(-ay, ax))
    rotation = 180.0 if angle <= -180.0 else angle
    step = max(1.0, 0.08 * height)
    return (round(cx / step), round(cy / step), round(20 * math.log(width)),
            round(20 * math.log(height)), round(rotation / 4) % 45, candidate.anchor is not None)


def dedupe(candidates: list[Candidate]) -> list[Candidate]:
    """The candidates without near repeats (the same outline seen twice)."""
    return [candidate for _, candidate in _keyed(candidates)]


def _keyed(candidates: list[Candidate]) -> list[tuple[tuple[int, ...], Candidate]]:
    """The candidates without near repeats, each with its key."""
    seen: set[tuple[int, ...]] = set()
    unique = []
    for candidate in candidates:
        key = _key(candidate)
        if key not in seen:
            seen.add(key)
            unique.append((key, candidate))
    return unique


def _hull(points: NDArray[np.float32]) -> NDArray[np.float32]:
    import cv2

    return np.asarray(cv2.convexHull(points).reshape(-1, 2), dtype=np.float32)


def _on_border(points: NDArray[np.float32], size: tuple[int, int]) -> NDArray[np.bool_]:
    return np.asarray((points[:, 0] < BORDER_NEAR) | (points[:, 1] < BORDER_NEAR)
                      | (points[:, 0] > size[0] - BORDER_NEAR) | (points[:, 1] > size[1] - BORDER_NEAR))


ContourKey = tuple[int, int, int, int, int, int]  # view (plain or framed), length and box of a contour


def _contour_boxes(contours: Sequence[Any]) -> tuple[NDArray[np.intp], NDArray[np.int32], NDArray[np.int32],
                                                    NDArray[np.int32], NDArray[np.int32]]:
    """Each contour's number of points, and its box: left, top, width and height (in pixels)."""
    # All contours at once: busy images have thousands of contours, nearly all small.
    lengths = np.fromiter(map(len, contours), dtype=np.intp, count=len(contours))
    points = np.concatenate(contours).reshape(-1, 2)
    starts = np.cumsum(lengths) - lengths
    (lefts, tops), (rights, bottoms) = np.minimum.reduceat(points, starts).T, np.maximum.reduceat(points, starts).T
    return lengths, lefts, tops, rights - lefts + 1, bottoms - tops + 1


def _edge_tests(lefts: NDArray[np.int32], tops: NDArray[np.int32], widths: NDArray[np.int32],
                heights: NDArray[np.int32], width: int | NDArray[np.intp], height: int | NDArray[np.intp]
                ) -> tuple[NDArray[np.bool_], NDArray[np.bool_]]:
    """Per contour box: whether it touches the edge of its map (``width`` x ``height``), and whether it spans it."""
    touching = (lefts < BORDER_NEAR) | (tops < BORDER_NEAR) | (lefts + widths > width - BORDER_NEAR) \
        | (tops + heights > height - BORDER_NEAR)
    return touching, (widths >= width - 2) & (heights >= height - 2)


def _large_contours(edges: NDArray[np.uint8], min_width: float, *, clear: bool = True,
                    seen: set[ContourKey] | None = None, framed: bool = False
                    ) -> tuple[list[tuple[NDArray[np.float32], bool]], bool]:
    """Contours (as float points, pixel centres at +0.5) big enough to be a mark, and whether each touches the edge.

    A contour ``clear`` of the image's edge must span the artwork's long side
    (0.8 * ``min_width`` at least, no more than its box's diagonal); one touching
    the edge may be a mark cut off by it, so less is enough. Contours whose
    keys are in ``seen`` are left out, and those returned are added to it. Also
    says whether any of those returned touches the edge: if none does, the
    regions closed off by the edge are those of the view already seen.
    ``framed`` says the map has its border drawn as edge.
    """
    import cv2

    height, width = edges.shape
    # Only the part of the map holding edges is traced (pages are mostly empty); a framed map's is all of it.
    x, y, w, h = (0, 0, width, height) if framed else cv2.boundingRect(edges)
    if w == 0 or h == 0:
        return [], False
    x0, y0, x1, y1 = _grown((x, y, x + w, y + h), 2, (width, height))
    contours, _ = cv2.findContours(edges[y0:y1, x0:x1], cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE, offset=(x0, y0))
    if not contours:
        return [], False
    lengths, lefts, tops, widths, heights = _contour_boxes(contours)
    extents_sq = np.square(widths, dtype=np.float64) + np.square(heights, dtype=np.float64)
    # The weaker of the two size tests first (whole outlines must be larger still): few contours pass it.
    near = np.flatnonzero((extents_sq >= (0.45 * min_width) ** 2) & (lengths >= 4))
    lefts, tops, widths, heights = lefts[near], tops[near], widths[near], heights[near]
    touching, whole_image = _edge_tests(lefts, tops, widths, heights, width, height)
    whole = ~touching & (extents_sq[near] >= (0.8 * min_width) ** 2) & clear
    chosen = np.flatnonzero(~whole_image & (whole | touching))
    found = []
    new_partial = False
    for i, length, left, top, box_width, box_height, at_edge in zip(
            near[chosen].tolist(), lengths[near[chosen]].tolist(), lefts[chosen].tolist(), tops[chosen].tolist(),
            widths[chosen].tolist(), heights[chosen].tolist(), touching[chosen].tolist()):
        if seen is not None:
            key = (int(framed), length, left, top, box_width, box_height)
            if key in seen:
                continue
            seen.add(key)
        new_partial = new_partial or at_edge
        points_at_centres = np.add(contours[i].reshape(-1, 2), 0.5, dtype=np.float32)
        found.append((points_at_centres, at_edge))
    return found, new_partial


def find_candidates(edges: NDArray[np.uint8], aspect: float, min_width: float, *,
                    seen: set[ContourKey] | None = None) -> list[Candidate]:
    """Candidates for every outline in ``edges`` shaped like the artwork (whole or cut by the image edge).

    Outlines cut by the image edge are open curves; two views close them: the
    convex hull of the curve, and the region the curve encloses together with the
    image's border (found again with the border drawn as edge). Contours already
    ``seen`` (in another view of the same image) are skipped; those looked at are added.
    """
    return [candidate for _, candidate in _keyed_candidates(edges, aspect, min_width, seen=seen)]


def _keyed_candidates(edges: NDArray[np.uint8], aspect: float, min_width: float, *,
                      seen: set[ContourKey] | None = None, traced: NDArray[np.uint8] | None = None,
                      anchors: Sequence[Anchor] = ()) -> list[tuple[tuple[int, ...], Candidate]]:
    """What :func:`find_candidates` finds, each candidate with its key (see :func:`_key`), and the
    candidates of outlines shaped like one of the ``anchors``.

    ``traced`` is the part of ``edges`` whose contours may not be ``seen`` yet (see :func:`_differing_part`).
    """
    import cv2

    height, width = edges.shape
    size = (width, height)
    found: list[Candidate | None] = []
    contours, touching = _large_contours(edges if traced is None else traced, min_width, seen=seen)
    for points, at_edge in contours:
        if not at_edge:
            whole = _whole_candidate(points, aspect, min_width, anchors)
            if whole is not None:
                found.append(whole)
                if whole.anchor is not None:
                    continue
                if whole.poses[0].height >= SHARPEN_BELOW_PX / 2:  # smaller ones are traced again, whole
                    found.extend(_covered_parts(points, aspect, min_width))
            continue
        # An anchor near the image's edge, whole or nearly so (the outline beside it cut off)...
        anchored = _anchored_candidate(points, cv2.minAreaRect(points), anchors, aspect, min_width) if anchors \
            else None
        found.append(anchored)
        hull = _densify(_hull(points))
        on_border = _on_border(hull, size)
        inner = hull[~on_border]
        inner_rect = cv2.minAreaRect(inner) if len(inner) >= 5 else None  # the hypotheses below start from it
        if anchors and anchored is None and inner_rect is not None and on_border.any():
            # ... or cut by it.
            found.extend(_cut_anchored_candidates(hull, on_border, anchors, aspect, min_width, size, inner_rect))
        if on_border.any():
            found.append(_cropped_candidate(hull, on_border, aspect, min_width, size, inner_rect))
        if inner_rect is not None:
            found.append(_full_candidate(inner, aspect, min_width, inner_rect))
    if touching:
        framed = edges.copy()
        framed[0, :] = framed[-1, :] = 255
        framed[:, 0] = framed[:, -1] = 255
        for points, _ in _large_contours(framed, min_width, clear=False, seen=seen, framed=True)[0]:
            points = _densify(points)
            on_border = _on_border(points, size)
            if on_border.any():
                found.append(_cropped_candidate(points, on_border, aspect, min_width, size))
    return _keyed([c for c in found if c is not None])
