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
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from .model import Pose
from .references import Frame

__all__ = ["ImagePyramid", "Registration", "blurred_outer", "disk", "erode_inside", "match_score", "refine",
           "register"]

PART_MATCHED = 0.85        # a part whose correlation reaches this matches fully...
PART_UNMATCHED = 0.55      # ...and one at or below this not at all
GLOBAL_FLOOR = 0.15        # below this correlation over the whole artwork nothing is looked at part by part
MIN_VISIBLE_SHARE = 0.3    # share of the artwork that must lie inside the image
MIN_CONTRAST = 18.0        # RGB distance between the mean outer-class and other colours of a real mark
MIN_PART_VISIBLE = 0.5     # share of a part's window that must be inside the image for the part to count
SOURCE_BLUR = 0.6          # source pixels of blur a rendered, resampled mark carries
ECC_BLURS = (11, 3)        # Gaussian sizes of the coarse and the fine alignment passes
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
    """An RGB image and its halvings, made on demand (one per image being searched)."""

    def __init__(self, rgb: NDArray[np.uint8]) -> None:
        self._levels = [rgb]

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
            self._levels.append(np.asarray(cv2.pyrDown(previous), dtype=np.uint8))
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
    """Per pixel of ``frame`` (flat): does it fall inside the image? None when all do."""
    xs = [p[0] for p in pose.corners]
    ys = [p[1] for p in pose.corners]
    if min(xs) >= 0 and min(ys) >= 0 and max(xs) <= size[0] and max(ys) <= size[1]:
        return None
    matrix = pose.matrix(frame.width, frame.height)
    gy, gx = np.divmod(np.arange(frame.width * frame.height), frame.width)
    ix = matrix[0, 0] * gx + matrix[0, 1] * gy + matrix[0, 2] + 0.5
    iy = matrix[1, 0] * gx + matrix[1, 1] * gy + matrix[1, 2] + 0.5
    return np.asarray((ix >= 0) & (iy >= 0) & (ix < size[0]) & (iy < size[1]))


def blurred_outer(frame: Frame, pose_height: float) -> NDArray[np.float32]:
    """The outer-class mask blurred as much as a mark ``pose_height`` px tall is."""
    return _blurred_outer(frame, _blur_step(frame, pose_height))


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
    """The blurred outer-class mask over the artwork's pixels, centred, whole and per part window."""

    values: NDArray[np.float32]
    centred: NDArray[np.float32]
    norm: float
    windows: tuple[tuple[NDArray[np.intp], NDArray[np.float32], float], ...]


@functools.lru_cache(maxsize=64)
def _target(frame: Frame, sigma: float) -> _Target:
    values = np.ascontiguousarray(_blurred_outer(frame, sigma).reshape(-1), dtype=np.float32)
    centred = values - values.mean()
    windows = []
    for window in frame.window_pixels:
        part = values[window] - values[window].mean()
        windows.append((window, part, float(np.sqrt(part @ part))))
    return _Target(values, centred, float(np.sqrt(centred @ centred)), tuple(windows))


def register(pyramid: ImagePyramid, pose: Pose, frame: Frame) -> Registration:
    """Warp the image into ``frame`` at ``pose`` and score the match."""
    import cv2

    image, factor = pyramid.for_height(pose.height, frame.height)
    matrix = pose.scaled(factor).matrix(frame.width, frame.height)
    warp = cv2.warpAffine(image, matrix, (frame.width, frame.height),
                          flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP, borderMode=cv2.BORDER_REPLICATE)
    # Every pixel of the frame takes part: the few beyond the rounded corners show
    # background and are expected to be unlike the outline, as they are.
    colours = warp.reshape(-1, 3).astype(np.float32)
    target = _target(frame, _blur_step(frame, pose.height * factor))
    visible = _visible(pose, frame, pyramid.size)
    nothing = Registration(pose, (0.0, 0.0, 0.0, 0.0), 0.0, 0.0, 0.0, 0)
    if visible is None:
        seen_colours, truth = colours, target.centred
    else:
        if visible.sum() < MIN_VISIBLE_SHARE * len(visible):
            return nothing
        seen_colours = colours[visible]
        truth = target.values[visible] - target.values[visible].mean()
    # The colour direction that best predicts the mask (least squares): any palette, or inverted.
    mean = np.full(len(seen_colours), 1.0 / len(seen_colours), np.float32) @ seen_colours
    centred = seen_colours - mean
    covariance = (centred.T @ centred).astype(np.float64)
    covariance += np.eye(3) * (1e-3 * np.trace(covariance) + len(truth))
    beta = np.linalg.solve(covariance, (centred.T @ truth).astype(np.float64)).astype(np.float32)
    projection = centred @ beta
    norm = float(np.sqrt((projection @ projection) * (truth @ truth)))
    if norm <= 0 or float(projection @ truth) / norm < GLOBAL_FLOOR:
        return nothing
    split = projection > 0
    if split.all() or not split.any():
        return nothing
    on = split.astype(np.float32)
    contrast = float(np.linalg.norm((on @ seen_colours) / on.sum() - ((1 - on) @ seen_colours) / (1 - on).sum()))
    if contrast < MIN_CONTRAST:
        return nothing
    full_projection = (colours - mean) @ beta
    correlations = []
    for window, part_truth, part_norm in target.windows:
        if visible is not None:
            shown = window[visible[window]]
            if len(shown) < MIN_PART_VISIBLE * len(window):
                continue
            correlations.append(_correlation(full_projection[shown], target.values[shown]))
            continue
        values = full_projection[window]
        values = values - values.mean()
        denominator = float(np.sqrt(values @ values)) * part_norm
        correlations.append(float(values @ part_truth) / denominator if denominator > 0 else 0.0)
    rough = float(np.mean([max(0.0, r) for r in correlations])) if correlations else 0.0
    weights = (float(beta[0]), float(beta[1]), float(beta[2]), -float(mean @ beta))
    return Registration(pose, weights, rough, match_score(correlations, len(frame.window_pixels)), contrast,
                        len(correlations))


def _correlation(a: NDArray[np.float32], b: NDArray[np.float32]) -> float:
    a64 = a.astype(np.float64) - float(a.mean())
    b64 = b.astype(np.float64) - float(b.mean())
    norm = math.sqrt(float(a64 @ a64) * float(b64 @ b64))
    return float(a64 @ b64) / norm if norm > 0 else 0.0


def match_score(correlations: list[float], part_count: int) -> float:
    """Share of the parts that match: each part counts fully from a correlation of PART_MATCHED.

    Real marks, even small and compressed, correlate above ~0.85 part by part;
    look-alikes (a badge with a square and lines of text) match the outline and
    the square but not the monogram, chevron and words, which fall near 0.6.
    """
    if not correlations:
        return 0.0
    shares = [min(1.0, max(0.0, (r - PART_UNMATCHED) / (PART_MATCHED - PART_UNMATCHED))) for r in correlations]
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
    projected = (crop @ weights[:3] + weights[3]).astype(np.float32)
    template = blurred_outer(frame, scaled.height)
    matrix = scaled.matrix(frame.width, frame.height)
    matrix[:, 2] -= (x0, y0)
    criteria = (cv2.TERM_CRITERIA_COUNT | cv2.TERM_CRITERIA_EPS, 40, 1e-4)
    refined: NDArray[np.float32] = matrix.astype(np.float32)
    sigma = SOURCE_BLUR * frame.height / max(scaled.height, 1.0)
    radius = max(1, math.ceil(2.0 * sigma)) + 1
    kernel = disk(radius)
    # Leave the outline's blurred edge out: the background beyond it is unknown, and
    # matching it to the template's edge would pull the frame inward.
    template_mask = erode_inside((frame.silhouette > 0.5).astype(np.uint8) * 255, kernel)
    input_mask = np.full(projected.shape, 255, np.uint8)
    # Coarse to fine: a heavy blur first widens the reach, a light one then settles the detail
    # (a pose that already matches well needs only the fine pass).
    blurs = ECC_BLURS[1:] if registration.score >= WELL_PLACED else ECC_BLURS
    for blur in blurs:
        try:
            if hasattr(cv2, "findTransformECCWithMask"):
                _, found = cv2.findTransformECCWithMask(template, projected, template_mask, input_mask, refined,
                                                        cv2.MOTION_AFFINE, criteria, blur)
            else:  # pragma: no cover - OpenCV before 4.12
                _, found = cv2.findTransformECC(template, projected, refined, cv2.MOTION_AFFINE, criteria,
                                                None, blur)  # type: ignore[call-overload]
            refined = np.asarray(found, dtype=np.float32)
        except cv2.error:
            if blur == blurs[0]:
                return pose
            break
    placed = refined.astype(np.float64)
    placed[:, 2] += (x0, y0)
    result = Pose.from_matrix(placed, frame.width, frame.height).scaled(1.0 / factor)
    # Reject runaway fits: the artwork must stay roughly where it was.
    if (abs(math.log(result.width / pose.width)) > 0.25 or abs(math.log(result.height / pose.height)) > 0.25
            or math.dist(result.centre, pose.centre) > 0.25 * pose.height):
        return pose
    return result
