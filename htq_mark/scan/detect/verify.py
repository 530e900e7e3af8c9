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

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from .model import Pose
from .references import Frame

__all__ = ["ImagePyramid", "Registration", "erode_inside", "refine", "register", "score_pose"]

MIN_CONTRAST = 18.0        # RGB distance between the mean outer-class and other colours of a real mark
MIN_PART_VISIBLE = 0.6     # share of a part's window that must be inside the image for the part to count
WINDOW_MARGIN = 0.08       # part windows reach this share of the frame height beyond the part
SOURCE_BLUR = 0.6          # source pixels of blur a rendered, resampled mark carries
ECC_BLURS = (11, 3)        # Gaussian sizes of the coarse and the fine alignment passes


def erode_inside(mask: NDArray[np.uint8], kernel: NDArray[np.uint8]) -> NDArray[np.uint8]:
    """Erode ``mask`` treating everything beyond the array as empty (OpenCV's default keeps edges)."""
    import cv2

    return np.asarray(cv2.erode(mask, kernel, borderType=cv2.BORDER_CONSTANT, borderValue=0), dtype=np.uint8)


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
        index = max(0, int(math.floor(math.log2(max(mark_height, 1.0) / frame_height))))
        image = self.level(index)
        return image, image.shape[1] / self._levels[0].shape[1]


@dataclass(frozen=True, eq=False)
class Registration:
    """A pose with the image warped into the artwork's frame and what the comparison found."""

    pose: Pose
    warp: NDArray[np.uint8]          # (H, W, 3) RGB in the frame
    visible: NDArray[np.bool_]       # (H, W) frame pixels inside the image
    projection: NDArray[np.float32]  # (H, W) colours projected to predict the outer class
    weights: NDArray[np.float64]     # (4,) the projection: rgb @ weights[:3] + weights[3]
    score: float                     # 0..1 mean part correlation
    contrast: float                  # RGB distance between outer-class and other colours
    parts_seen: int


def _visible(pose: Pose, frame: Frame, size: tuple[int, int]) -> NDArray[np.bool_] | None:
    """Frame pixels that fall inside the image, or None when all do."""
    xs = [p[0] for p in pose.corners]
    ys = [p[1] for p in pose.corners]
    if min(xs) >= 0 and min(ys) >= 0 and max(xs) <= size[0] and max(ys) <= size[1]:
        return None
    matrix = pose.matrix(frame.width, frame.height)
    gy, gx = np.mgrid[0:frame.height, 0:frame.width].astype(np.float64)
    ix = matrix[0, 0] * gx + matrix[0, 1] * gy + matrix[0, 2] + 0.5
    iy = matrix[1, 0] * gx + matrix[1, 1] * gy + matrix[1, 2] + 0.5
    return np.asarray((ix >= 0) & (iy >= 0) & (ix < size[0]) & (iy < size[1]))


def _target(frame: Frame, pose_height: float) -> NDArray[np.float32]:
    """The outer-class mask blurred as much as a mark of this size is."""
    import cv2

    sigma = SOURCE_BLUR * frame.height / max(pose_height, 1.0)
    if sigma < 0.5:
        return frame.outer
    sigma = round(sigma * 4) / 4  # few distinct blurs, so results are stable
    return np.asarray(cv2.GaussianBlur(frame.outer, (0, 0), sigma), dtype=np.float32)


def register(pyramid: ImagePyramid, pose: Pose, frame: Frame) -> Registration:
    """Warp the image into ``frame`` at ``pose`` and score the match."""
    import cv2

    image, factor = pyramid.for_height(pose.height, frame.height)
    matrix = pose.scaled(factor).matrix(frame.width, frame.height)
    warp = cv2.warpAffine(image, matrix, (frame.width, frame.height),
                          flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP, borderMode=cv2.BORDER_REPLICATE)
    inside = _visible(pose, frame, pyramid.size)
    visible = np.ones((frame.height, frame.width), bool) if inside is None else inside
    target = _target(frame, pose.height * factor)
    use = visible & (frame.silhouette > 0.5)
    empty = np.zeros((frame.height, frame.width), np.float32)
    if use.sum() < 0.3 * frame.width * frame.height:
        return Registration(pose, warp, visible, empty, np.zeros(4), 0.0, 0.0, 0)
    colours = warp[use].astype(np.float64)
    truth = target[use].astype(np.float64)
    mean = colours.mean(axis=0)
    centred = colours - mean
    truth_c = truth - truth.mean()
    covariance = centred.T @ centred / len(truth)
    covariance += np.eye(3) * (1e-3 * np.trace(covariance) + 1.0)
    beta = np.linalg.solve(covariance, centred.T @ truth_c / len(truth))
    inner, outer = truth > 0.9, truth < 0.1
    contrast = float(np.linalg.norm(colours[inner].mean(axis=0) - colours[outer].mean(axis=0))) \
        if inner.any() and outer.any() else 0.0
    weights = np.append(beta, -float(mean @ beta))
    projection = (warp.astype(np.float64) @ beta + weights[3]).astype(np.float32)
    score, seen = _part_score(projection, target, use, frame)
    return Registration(pose, warp, visible, projection, weights, score if contrast >= MIN_CONTRAST else 0.0,
                        contrast, seen)


def _part_score(projection: NDArray[np.float32], target: NDArray[np.float32], use: NDArray[np.bool_],
                frame: Frame) -> tuple[float, int]:
    margin = max(1, round(WINDOW_MARGIN * frame.height))
    scores = []
    for x0, y0, x1, y1 in frame.windows:
        x0, y0 = max(0, x0 - margin), max(0, y0 - margin)
        x1, y1 = min(frame.width, x1 + margin), min(frame.height, y1 + margin)
        window_use = use[y0:y1, x0:x1]
        silhouette = frame.silhouette[y0:y1, x0:x1] > 0.5
        if window_use.sum() < MIN_PART_VISIBLE * silhouette.sum():
            continue
        a = projection[y0:y1, x0:x1][window_use].astype(np.float64)
        b = target[y0:y1, x0:x1][window_use].astype(np.float64)
        a -= a.mean()
        b -= b.mean()
        norm = math.sqrt(float(a @ a) * float(b @ b))
        scores.append(max(0.0, float(a @ b) / norm) if norm > 0 else 0.0)
    if not scores:
        return 0.0, 0
    return float(np.mean(scores)), len(scores)


def score_pose(pyramid: ImagePyramid, pose: Pose, frame: Frame) -> float:
    """How well the image at ``pose`` matches the artwork's structure (0..1)."""
    return register(pyramid, pose, frame).score


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
    weights = registration.weights
    if not np.any(weights[:3]):
        return pose
    projected = (crop @ weights[:3].astype(np.float32) + np.float32(weights[3])).astype(np.float32)
    template = _target(frame, scaled.height)
    matrix = scaled.matrix(frame.width, frame.height)
    matrix[:, 2] -= (x0, y0)
    criteria = (cv2.TERM_CRITERIA_COUNT | cv2.TERM_CRITERIA_EPS, 40, 1e-4)
    refined = matrix.astype(np.float32)
    sigma = SOURCE_BLUR * frame.height / max(scaled.height, 1.0)
    radius = max(1, math.ceil(2.0 * sigma)) + 1
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * radius + 1, 2 * radius + 1))
    # Leave the outline's blurred edge out: the background beyond it is unknown, and
    # matching it to the template's edge would pull the frame inward.
    template_mask = erode_inside((frame.silhouette > 0.5).astype(np.uint8) * 255, kernel)
    input_mask = np.full(projected.shape, 255, np.uint8)
    # Coarse to fine: a heavy blur first widens the reach, a light one then settles the detail.
    for blur in ECC_BLURS:
        try:
            if hasattr(cv2, "findTransformECCWithMask"):
                _, refined = cv2.findTransformECCWithMask(template, projected, template_mask, input_mask, refined,
                                                          cv2.MOTION_AFFINE, criteria, blur)
            else:  # pragma: no cover - OpenCV before 4.12
                _, refined = cv2.findTransformECC(template, projected, refined, cv2.MOTION_AFFINE, criteria,
                                                  None, blur)
        except cv2.error:
            if blur == ECC_BLURS[0]:
                return pose
            break
    refined = refined.astype(np.float64)
    refined[:, 2] += (x0, y0)
    result = Pose.from_matrix(refined, frame.width, frame.height).scaled(1.0 / factor)
    # Reject runaway fits: the artwork must stay roughly where it was.
    if (abs(math.log(result.width / pose.width)) > 0.25 or abs(math.log(result.height / pose.height)) > 0.25
            or math.dist(result.centre, pose.centre) > 0.25 * pose.height):
        return pose
    return result
