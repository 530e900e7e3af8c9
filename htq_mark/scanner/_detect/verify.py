"""Verifying candidates: warp the image into the artwork's frame and compare structure.

The comparison is palette-free: the warped colours are projected onto the one
direction of colour space that best predicts the artwork's outer-class mask
(least squares), so any recolouring, greyscale or inversion scores like the
original. The score is the mean, over the artwork's parts, of the correlation
between that projection and the mask in a window around each part: a random
rectangle may match the outline, but not the tile, monogram, chevron and words
all at once. Only the part of the artwork inside the image counts.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from .model import Pose
from .references import Frame

__all__ = ["SOURCE_BLUR", "ImagePyramid", "Registration", "disk", "erode_inside", "match_score", "refine", "register",
           "register_all", "shown_pixels"]

PART_MATCHED = 0.85        # a part whose correlation reaches this matches fully...
PART_UNMATCHED = 0.55      # ...and one at or below this not at all
GLOBAL_FLOOR = 0.15        # below this correlation over the whole artwork nothing is looked at part by part
MIN_VISIBLE_SHARE = 0.3    # share of the artwork that must lie inside the image
MIN_CONTRAST = 18.0        # RGB distance between the mean outer-class and other colours of a real mark
MIN_PART_VISIBLE = 0.5     # share of a part's window that must be inside the image for the part to count
SOURCE_BLUR = 0.6          # source pixels of blur a rendered, resampled mark carries
ECC_BLURS = (5, 3)         # Gaussian sizes of the coarse (on halved images) and the fine alignment passes
WELL_PLACED = 0.9          # rough score from which a pose is only finely aligned


def erode_inside(mask: NDArray[np.uint8], kernel: NDArray[np.uint8]) -> NDArray[np.uint8]:
    """Erode ``mask`` treating everything beyond the array as empty (OpenCV's default keeps edges)."""
    import cv2

    return np.asarray(cv2.erode(mask, kernel, borderType=cv2.BORDER_CONSTANT, borderValue=0), dtype=np.uint8)


def disk(radius: int) -> NDArray[np.uint8]:
    """A round structuring element ``2 * radius + 1`` px across."""
    import cv2

    return np.asarray(cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * radius + 1, 2 * radius + 1)), np.uint8)


class ImagePyramid:
    """An RGB image and its halvings (area averages), made on demand (one per image being searched).

    ``half`` is the first halving, when it has been made already.
    """

    def __init__(self, rgb: NDArray[np.uint8], half: NDArray[np.uint8] | None = None) -> None:
        self._levels = [rgb]
        if half is not None and min(rgb.shape[:2]) >= 8:
            if half.shape != (rgb.shape[0] // 2, rgb.shape[1] // 2, 3):
                raise ValueError(f"a halving of a {rgb.shape} image cannot be {half.shape}")
            self._levels.append(half)

    @property
    def size(self) -> tuple[int, int]:
        height, width = self._levels[0].shape[:2]
        return width, height

    def level(self, index: int) -> NDArray[np.uint8]:
        import cv2

        while len(self._levels) <= index:
            previous = self._levels[-1]
            if min(previous.shape[:2]) < 8:
                break
            # Area averaging keeps pixel edges where scaling puts them (x / 2), unlike pyrDown's
            # quarter-pixel shift; an odd last row or column is dropped.
            half_height, half_width = previous.shape[0] // 2, previous.shape[1] // 2
            self._levels.append(np.asarray(cv2.resize(previous[:2 * half_height, :2 * half_width],
                                                      (half_width, half_height), interpolation=cv2.INTER_AREA),
                                           dtype=np.uint8))
        return self._levels[min(index, len(self._levels) - 1)]

    def for_height(self, mark_height: float, frame_height: int) -> tuple[NDArray[np.uint8], float]:
        """The level where a mark of ``mark_height`` px is still at least as tall as the frame, and its scale."""
        index = max(0, math.floor(math.log2(max(mark_height, 1.0) / frame_height)))
        image = self.level(index)
        return image, image.shape[1] / self._levels[0].shape[1]


@dataclass(frozen=True)
class Registration:
    """A pose and how well the image there matches the artwork."""

    pose: Pose
    weights: tuple[float, float, float, float]  # colour projection: rgb @ weights[:3] + weights[3]
    score: float                     # 0..1 mean part correlation (forgiving: ranks rough poses)
    match: float                     # 0..1 share of parts that match closely (strict: decides)
    contrast: float                  # RGB distance between the colours the projection separates
    parts_seen: int


def _visible(pose: Pose, frame: Frame, size: tuple[int, int]) -> NDArray[np.bool_] | None:
    """Per pixel of ``frame`` (flat): does it fall inside the image, and in the part of the artwork
    the pose takes to be in view? None when all do."""
    shown = None if pose.shown is None else shown_pixels(frame, pose.shown)
    if pose.lies_within(size):
        return shown
    inside = _inside_image(pose, frame, size)
    return inside if shown is None else inside & shown


def shown_pixels(frame: Frame, window: tuple[float, float, float, float]) -> NDArray[np.bool_]:
    """Per pixel of ``frame`` (flat): does its centre lie in ``window`` (shares of width and height)?"""
    u0, v0, u1, v1 = window
    columns = (np.arange(frame.width) + 0.5) / frame.width
    rows = (np.arange(frame.height) + 0.5) / frame.height
    in_columns = (columns >= u0) & (columns <= u1)
    in_rows = (rows >= v0) & (rows <= v1)
    return np.asarray(in_rows[:, None] & in_columns[None, :]).reshape(-1)


def _inside_image(pose: Pose, frame: Frame, size: tuple[int, int]) -> NDArray[np.bool_]:
    """Per pixel of ``frame`` (flat): does it fall inside the image?"""
    matrix = pose.matrix(frame.width, frame.height)
    columns, rows = _axes(frame)
    # Products along one axis, broadcast: the same terms, summed in the same order, as over a full grid.
    ix = (matrix[0, 0] * columns + matrix[0, 1] * rows) + matrix[0, 2] + 0.5
    iy = (matrix[1, 0] * columns + matrix[1, 1] * rows) + matrix[1, 2] + 0.5
    return np.asarray((ix >= 0) & (iy >= 0) & (ix < size[0]) & (iy < size[1])).reshape(-1)


@functools.lru_cache(maxsize=8)
def _axes(frame: Frame) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Column of each pixel of ``frame`` along a row (W,), and row of each pixel down a column (H, 1)."""
    columns = np.arange(frame.width, dtype=np.float64)
    rows = np.arange(frame.height, dtype=np.float64)[:, None]
    columns.setflags(write=False)
    rows.setflags(write=False)
    return columns, rows


def _blur_step(frame: Frame, pose_height: float) -> float:
    sigma = SOURCE_BLUR * frame.height / max(pose_height, 1.0)
    return 0.0 if sigma < 0.5 else round(sigma * 4) / 4  # few distinct blurs, so results are stable


@functools.lru_cache(maxsize=64)
def _blurred_outer(frame: Frame, sigma: float) -> NDArray[np.float32]:
    import cv2

    if sigma <= 0:
        return frame.outer
    blurred = np.asarray(cv2.GaussianBlur(frame.outer, (0, 0), sigma), dtype=np.float32)
    blurred.setflags(write=False)
    return blurred


@dataclass(frozen=True, eq=False)
class _Target:
    """The blurred outer-class mask over the frame's pixels, and its sums over the part windows.

    Correlations are computed from sums (of x, x * x, x * y, ...): over the whole frame
    for the colour fit, and over each part's window with one product by ``windows``,
    which holds one 0/1 row per window. ``basis`` serves the fit of a pose and of its
    mirror image at once: the mirror image's mask is the same one read backwards.
    The per-window sums are also kept as plain floats, as the fully visible case reads them.
    """

    values: NDArray[np.float64]       # (N,) the mask, flat
    squares: NDArray[np.float64]      # (N,) the mask squared
    basis: NDArray[np.float64]        # (N, 3) columns: 1, the mask, the mask read backwards
    total: float                      # the mask summed over the frame
    total_squares: float              # the mask squared, summed over the frame
    windows: NDArray[np.float64]      # (P, N) 1 where a pixel is in a part's window
    counts: NDArray[np.float64]       # (P,) pixels per window
    sums: NDArray[np.float64]         # (P,) the mask summed over each window
    sum_squares: NDArray[np.float64]  # (P,) the mask squared, summed over each window
    window_sums: tuple[list[float], list[float], list[float]]  # counts, sums, sum_squares as floats


@functools.lru_cache(maxsize=64)
def _target(frame: Frame, sigma: float) -> _Target:
    values = _blurred_outer(frame, sigma).reshape(-1).astype(np.float64)
    squares = values * values
    basis = np.ascontiguousarray(np.stack((np.ones_like(values), values, values[::-1]), axis=1))
    windows, counts = _windows(frame)
    sums, sum_squares = windows @ values, windows @ squares
    target = _Target(values, squares, basis, float(values.sum()), float(squares.sum()), windows,
                     counts, sums, sum_squares, (counts.tolist(), sums.tolist(), sum_squares.tolist()))
    for array in (values, squares, basis, sums, sum_squares):
        array.setflags(write=False)
    return target


@functools.lru_cache(maxsize=8)
def _windows(frame: Frame) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """The part windows as 0/1 rows over the frame's pixels, and their pixel counts.

    One copy per frame, whatever the blur, keeps the products that read it in cache.
    """
    windows = np.zeros((len(frame.window_pixels), frame.width * frame.height), np.float64)
    for row, window in zip(windows, frame.window_pixels):
        row[window] = 1.0
    counts = windows.sum(axis=1)
    windows.setflags(write=False)
    counts.setflags(write=False)
    return windows, counts


def register(pyramid: ImagePyramid, pose: Pose, frame: Frame) -> Registration:
    """Warp the image into ``frame`` at ``pose`` and score the match."""
    return _register_views(pyramid, frame, (pose,))[0]


def register_all(pyramid: ImagePyramid, poses: Sequence[Pose], frame: Frame) -> list[Registration]:
    """:func:`register` for each of ``poses``, in order.

    A pose followed by its mirror image (the same rectangle turned half a turn)
    shares one warp with it: the mirror image's frame is the same pixels in reverse order.
    """
    results: list[Registration] = []
    index = 0
    while index < len(poses):
        pair = index + 1 < len(poses) and _mirrored(poses[index], poses[index + 1])
        views = tuple(poses[index:index + 2]) if pair else (poses[index],)
        results.extend(_register_views(pyramid, frame, views))
        index += len(views)
    return results


def _mirrored(a: Pose, b: Pose) -> bool:
    """Whether ``b`` is ``a`` turned half a turn about its centre."""
    (ox, oy), (ax, ay), (bx, by) = a.origin, a.x_axis, a.y_axis
    return (b.x_axis == (-ax, -ay) and b.y_axis == (-bx, -by)
            and abs(b.origin[0] - (ox + ax + bx)) <= 1e-9 * (1.0 + abs(ox))
            and abs(b.origin[1] - (oy + ay + by)) <= 1e-9 * (1.0 + abs(oy)))


def _unscored(view: Pose) -> Registration:
    return Registration(view, (0.0, 0.0, 0.0, 0.0), 0.0, 0.0, 0.0, 0)


def _register_views(pyramid: ImagePyramid, frame: Frame, views: tuple[Pose, ...]) -> list[Registration]:
    """Score ``views[0]`` and, if given, its mirror image ``views[1]`` from one warp."""
    import cv2

    pose = views[0]
    image, factor = pyramid.for_height(pose.height, frame.height)
    matrix = pose.scaled(factor).matrix(frame.width, frame.height)
    warp = cv2.warpAffine(image, matrix, (frame.width, frame.height),
                          flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP, borderMode=cv2.BORDER_REPLICATE)
    # Every pixel of the frame takes part: the few beyond the rounded corners show
    # background and are expected to be unlike the outline, as they are.
    by_pixel = warp.reshape(-1, 3).astype(np.float64)   # (N, 3)
    by_channel = np.ascontiguousarray(by_pixel.T)        # (3, N)
    target = _target(frame, _blur_step(frame, pose.height * factor))
    visible = _visible(pose, frame, pyramid.size)
    masks = target.basis[:, :len(views) + 1]
    seen_pixel, seen_channel = by_pixel, by_channel
    if visible is None:
        truth_sums, truth_squares = [target.total] * len(views), [target.total_squares] * len(views)
    else:
        if np.count_nonzero(visible) < MIN_VISIBLE_SHARE * len(visible):
            return [_unscored(view) for view in views]
        # Gathering by index is much cheaper than by a boolean mask. A boolean mask over the
        # columns of by_channel would give the transpose of seen_pixel: the same strides, so
        # the same products.
        seen = np.flatnonzero(visible)
        seen_pixel, masks = by_pixel.take(seen, 0), masks.take(seen, 0)
        seen_channel = seen_pixel.T
        # Column 0 of the masks is all ones: one product gives each mask's sum and sum of squares.
        products = masks.T @ masks
        truth_sums = products[0, 1:].tolist()
        truth_squares = products.diagonal()[1:].tolist()
    mean_colour, betas = _fit(seen_channel @ seen_pixel, seen_channel @ masks, truth_sums, truth_squares,
                              len(masks))
    mean = np.array(mean_colour)
    results = []
    for view, found in enumerate(betas):
        if found is None:
            results.append(_unscored(views[view]))
            continue
        beta = np.array(found)
        offset = float(mean @ beta)
        projection = seen_pixel @ beta - offset
        contrast = _contrast(projection, seen_channel, mean)
        if contrast < MIN_CONTRAST:
            results.append(_unscored(views[view]))
            continue
        full = projection if visible is None else by_pixel @ beta - offset
        shown = visible
        if view == 1:  # the mirror image reads the frame backwards
            full = np.ascontiguousarray(full[::-1])
            shown = None if visible is None else np.ascontiguousarray(visible[::-1])
        correlations = _part_correlations(full, target, shown)
        rough = sum([r if r > 0.0 else 0.0 for r in correlations]) / len(correlations) if correlations else 0.0
        match = match_score(correlations, len(frame.window_pixels))
        results.append(Registration(views[view], (found[0], found[1], found[2], -offset), rough, match, contrast,
                                    len(correlations)))
    return results


def _fit(gram: NDArray[np.float64], sums: NDArray[np.float64], truth_sums: Sequence[float],
         truth_squares: Sequence[float], count: int) -> tuple[list[float], list[list[float] | None]]:
    """The mean colour and, per mask, the colour direction that best predicts the mask (least
    squares: any palette, or inverted); None when that correlates less than GLOBAL_FLOOR with it.

    All from sums over the pixels: ``gram`` of colour products, ``sums`` of the colours
    (column 0) and of the colours times each mask, ``truth_sums`` and ``truth_squares`` of each mask.
    The algebra is on 3 x 3 matrices, done with plain floats (numpy's overhead would dominate).
    """
    columns = sums.T.tolist()
    m0, m1, m2 = mean = [value / count for value in columns[0]]
    # Colours are whole numbers, so these sums are exact whatever their size.
    (g00, g01, g02), (g10, g11, g12), (g20, g21, g22) = gram.tolist()
    n0, n1, n2 = count * m0, count * m1, count * m2
    c00, c01, c02 = g00 - n0 * m0, g01 - n0 * m1, g02 - n0 * m2
    c10, c11, c12 = g10 - n1 * m0, g11 - n1 * m1, g12 - n1 * m2
    c20, c21, c22 = g20 - n2 * m0, g21 - n2 * m1, g22 - n2 * m2
    ridge = 1e-3 * (c00 + c11 + c22) + count
    regularised = [[c00 + ridge, c01, c02], [c10, c11 + ridge, c12], [c20, c21, c22 + ridge]]
    betas: list[list[float] | None] = []
    for column, truth_sum, truth_square in zip(columns[1:], truth_sums, truth_squares):
        cross = [column[0] - m0 * truth_sum, column[1] - m1 * truth_sum, column[2] - m2 * truth_sum]
        b0, b1, b2 = beta = _solve3(regularised, cross)
        # The projection's correlation with the mask, from the sums alone (terms added in row order).
        spread = (b0 * c00 * b0 + b0 * c01 * b1 + b0 * c02 * b2 + b1 * c10 * b0 + b1 * c11 * b1 + b1 * c12 * b2
                  + b2 * c20 * b0 + b2 * c21 * b1 + b2 * c22 * b2)
        norm = math.sqrt(max(0.0, spread) * max(0.0, truth_square - truth_sum * truth_sum / count))
        agree = b0 * cross[0] + b1 * cross[1] + b2 * cross[2]
        betas.append(None if norm <= 0 or agree / norm < GLOBAL_FLOOR else beta)
    return mean, betas


def _solve3(matrix: list[list[float]], vector: list[float]) -> list[float]:
    """``matrix`` (3 x 3, symmetric positive definite) solved for ``vector`` by Cramer's rule."""
    (a, b, c), (d, e, f), (g, h, i) = matrix
    minors = (e * i - f * h, f * g - d * i, d * h - e * g)
    determinant = a * minors[0] + b * minors[1] + c * minors[2]
    x, y, z = vector
    return [(x * minors[0] + b * (f * z - y * i) + c * (y * h - e * z)) / determinant,
            (a * (y * i - f * z) + x * minors[1] + c * (d * z - y * g)) / determinant,
            (a * (e * z - y * h) + b * (y * g - d * z) + x * minors[2]) / determinant]


def _contrast(projection: NDArray[np.float64], colours: NDArray[np.float64], mean: NDArray[np.float64]
              ) -> float:
    """RGB distance between the mean colours either side of the projection's zero (0 if a side is empty)."""
    split = projection > 0
    count = split.size
    on_count = int(np.count_nonzero(split))
    if on_count == 0 or on_count == count:
        return 0.0
    on_sum = colours @ split.astype(np.float64)
    difference = on_sum / on_count - (mean * count - on_sum) / (count - on_count)
    return math.sqrt(float(difference.dot(difference)))  # as np.linalg.norm computes it


def _part_correlations(projection: NDArray[np.float64], target: _Target, visible: NDArray[np.bool_] | None
                       ) -> list[float]:
    """Correlation of the projection with the mask in each part's window (those mostly in view)."""
    if visible is None:
        counts, sums, sum_squares = target.window_sums
        terms = np.empty((3, projection.size))  # one row per sum, filled in place
        np.copyto(terms[0], projection)
        np.multiply(projection, projection, out=terms[1])
        np.multiply(projection, target.values, out=terms[2])
        totals, squares, crosses = (target.windows @ terms.T).T.tolist()
    else:
        # Every sum over the pixels in view, by window, from one product: a pixel out of view adds 0.
        terms = np.empty((6, projection.size))
        in_view, seen = terms[0], terms[3]
        np.copyto(in_view, visible)
        np.multiply(target.values, in_view, out=terms[1])
        np.multiply(target.squares, in_view, out=terms[2])
        np.multiply(projection, in_view, out=seen)
        np.multiply(seen, projection, out=terms[4])
        np.multiply(seen, target.values, out=terms[5])
        table = target.windows @ terms.T
        # The pixels of each window in view are whole numbers, so their sums are exact.
        shown = table[:, 0] >= MIN_PART_VISIBLE * target.counts
        counts, sums, sum_squares, totals, squares, crosses = table[shown].T.tolist()
    correlations = []
    for count, total, squared, cross, truth, truth_squared in zip(counts, totals, squares, crosses, sums,
                                                                  sum_squares):
        spread = squared - total * total / count
        # A flat window has no spread; rounding leaves a trace of one, which must not count.
        spread = 0.0 if spread <= 1e-10 * squared else spread
        denominator = math.sqrt(spread * max(0.0, truth_squared - truth * truth / count))
        correlations.append((cross - total * truth / count) / denominator if denominator > 0 else 0.0)
    return correlations


_PART_RANGE = PART_MATCHED - PART_UNMATCHED


def _clip(share: float) -> float:
    """``min(1.0, max(0.0, share))`` (as cheap as a comparison can be)."""
    share = share if share > 0.0 else 0.0
    return share if share < 1.0 else 1.0


def match_score(correlations: list[float], part_count: int) -> float:
    """Share of the parts that match: each part counts fully from a correlation of PART_MATCHED.

    Real marks, even small and compressed, correlate above ~0.85 part by part;
    look-alikes (a badge with a square and lines of text) match the outline and
    the square but not the monogram, chevron and words, which fall near 0.6.
    """
    if not correlations:
        return 0.0
    shares = [_clip((r - PART_UNMATCHED) / _PART_RANGE) for r in correlations]
    # Too few parts in view are weak evidence: count at least half of the parts.
    return float(sum(shares) / max(len(shares), math.ceil(part_count / 2)))


def refine(pyramid: ImagePyramid, registration: Registration, frame: Frame) -> Pose:
    """Improve a pose by aligning the colour projection with the artwork (ECC, affine)."""
    import cv2

    pose = registration.pose
    image, factor = pyramid.for_height(pose.height, frame.height)
    scaled = pose.scaled(factor)
    xs = [p[0] for p in scaled.corners]
    ys = [p[1] for p in scaled.corners]
    pad = 0.15 * scaled.height + 2
    x0, y0 = max(0, int(min(xs) - pad)), max(0, int(min(ys) - pad))
    x1 = min(image.shape[1], int(max(xs) + pad) + 1)
    y1 = min(image.shape[0], int(max(ys) + pad) + 1)
    if x1 - x0 < 8 or y1 - y0 < 8:
        return pose
    crop = image[y0:y1, x0:x1].astype(np.float32)
    # The colour direction found while scoring turns the crop into one channel like the mask.
    weights = np.asarray(registration.weights, np.float32)
    if not np.any(weights[:3]):
        return pose
    projected = np.asarray(crop @ weights[:3], np.float32)  # float32 already: no copy
    projected += weights[3]
    step = _blur_step(frame, scaled.height)
    template = _blurred_outer(frame, step)
    matrix = scaled.matrix(frame.width, frame.height)
    matrix[:, 2] -= (x0, y0)
    criteria = (cv2.TERM_CRITERIA_COUNT | cv2.TERM_CRITERIA_EPS, 40, 1e-4)
    refined: NDArray[np.float32] = matrix.astype(np.float32)
    sigma = SOURCE_BLUR * frame.height / max(scaled.height, 1.0)
    radius = max(1, math.ceil(2.0 * sigma)) + 1
    template_mask = _template_mask(frame, radius, pose.shown)
    # Coarse to fine: a heavy blur first widens the reach (at half resolution, where it is
    # as wide for a quarter of the work), a light one then settles the detail (a pose that
    # already matches well needs only the fine pass).
    if registration.score < WELL_PLACED:
        coarse = _align_half(_halved_template(frame, step, radius, pose.shown), projected, refined, criteria)
        if coarse is None:
            return pose
        refined = coarse
    fine = _align(template, projected, template_mask, refined, criteria, ECC_BLURS[1])
    if fine is not None:
        refined = fine
    elif registration.score >= WELL_PLACED:
        return pose
    placed = refined.astype(np.float64)
    placed[:, 2] += (x0, y0)
    result = Pose.from_matrix(placed, frame.width, frame.height).scaled(1.0 / factor)
    # Reject runaway fits: the artwork must stay roughly where it was.
    if (abs(math.log(result.width / pose.width)) > 0.25 or abs(math.log(result.height / pose.height)) > 0.25
            or math.dist(result.centre, pose.centre) > 0.25 * pose.height):
        return pose
    return result


@functools.lru_cache(maxsize=32)
def _template_mask(frame: Frame, radius: int, shown: tuple[float, float, float, float] | None = None
                   ) -> NDArray[np.uint8]:
    """The artwork's silhouette less a ``radius`` px rim, where the ECC compares the template.

    The outline's blurred edge is left out: the background beyond it is unknown, and
    matching it to the template's edge would pull the frame inward. Of a partly hidden
    artwork, only the part ``shown`` (see :attr:`Pose.shown`) is compared, less the rim
    along the edge that hides the rest.
    """
    mask = erode_inside((frame.silhouette > 0.5).astype(np.uint8) * 255, disk(radius))
    if shown is not None:
        window = shown_pixels(frame, shown).reshape(mask.shape).astype(np.uint8)
        mask = mask & (erode_inside(window, disk(radius)) * 255)
    mask.setflags(write=False)
    return mask


@functools.lru_cache(maxsize=32)
def _halved_template(frame: Frame, sigma: float, radius: int, shown: tuple[float, float, float, float] | None = None
                     ) -> tuple[NDArray[np.float32], NDArray[np.uint8]]:
    """The template blurred by ``sigma`` and its mask (see :func:`_template_mask`), both halved."""
    import cv2

    small_template = np.asarray(cv2.pyrDown(_blurred_outer(frame, sigma)), dtype=np.float32)
    small_mask = np.asarray(cv2.resize(_template_mask(frame, radius, shown), (small_template.shape[1],
                                                                        small_template.shape[0]),
                                       interpolation=cv2.INTER_NEAREST), dtype=np.uint8)
    small_template.setflags(write=False)
    small_mask.setflags(write=False)
    return small_template, small_mask


def _align(template: NDArray[np.float32], image: NDArray[np.float32], template_mask: NDArray[np.uint8],
           matrix: NDArray[np.float32], criteria: tuple[int, int, float], blur: int) -> NDArray[np.float32] | None:
    """ECC (affine) from ``matrix``, mapping template pixels to ``image`` pixels; None if it fails."""
    import cv2

    try:
        if hasattr(cv2, "findTransformECCWithMask"):
            _, found = cv2.findTransformECCWithMask(template, image, template_mask,
                                                    np.full(image.shape, 255, np.uint8), matrix,
                                                    cv2.MOTION_AFFINE, criteria, blur)
        else:  # pragma: no cover - OpenCV before 4.12
            _, found = cv2.findTransformECC(template, image, matrix, cv2.MOTION_AFFINE, criteria,
                                            None, blur)  # type: ignore[call-overload]
    except cv2.error:
        return None
    return np.asarray(found, dtype=np.float32)


def _align_half(small: tuple[NDArray[np.float32], NDArray[np.uint8]], image: NDArray[np.float32],
                matrix: NDArray[np.float32], criteria: tuple[int, int, float]) -> NDArray[np.float32] | None:
    """:func:`_align` with the coarse blur, on the halved template and mask ``small`` and ``image`` halved
    (``matrix`` and the result are for the whole)."""
    import cv2

    # Pixel i of a halved image is centred on pixel 2i of the whole one: only the shift scales.
    halved = matrix.copy()
    halved[:, 2] *= 0.5
    found = _align(small[0], np.asarray(cv2.pyrDown(image), dtype=np.float32), small[1], halved, criteria,
                   ECC_BLURS[0])
    if found is not None:
        found[:, 2] *= 2.0
    return found
