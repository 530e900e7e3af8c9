"""Masks of the measuring frame grown by the clear space: the artwork, its cores, the zone around it."""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from ._pixels import _histogram_starts, _read_only
from .references import Frame, References
from .verify import disk
from .verify import erode_inside as _erode


CACHE_SIZE = 32             # masks of the frame kept per margins and widths (each a few hundred kB at most)
MIN_CORE_PIXELS = 12        # a class or part needs this many core pixels to be judged


def _pad(array: NDArray[np.float32], margin_x: int, margin_y: int, value: float = 0.0) -> NDArray[np.float32]:
    return np.pad(array, ((margin_y, margin_y), (margin_x, margin_x)), constant_values=value)


@dataclass(frozen=True, eq=False)
class _Layout:
    """The artwork in the frame grown by the clear-space margins (the same for every image)."""

    classes: NDArray[np.float32]   # (K + 1, H, W): each class's share, then the share outside the artwork
    artwork: NDArray[np.uint8]     # (H, W): 1 where any of the artwork is
    silhouette: NDArray[np.uint8]  # (H, W): 1 where most of the pixel is artwork


@functools.lru_cache(maxsize=CACHE_SIZE)
def _layout(frame: Frame, margin_x: int, margin_y: int) -> _Layout:
    classes = np.concatenate([frame.classes, (1.0 - frame.silhouette)[None]], axis=0)
    padded = np.stack([_pad(c, margin_x, margin_y, 1.0 if i == len(classes) - 1 else 0.0)
                       for i, c in enumerate(classes)])
    silhouette = _pad(frame.silhouette, margin_x, margin_y)
    return _Layout(_read_only(padded), _read_only((silhouette > 0).astype(np.uint8)),
                   _read_only((silhouette > 0.5).astype(np.uint8)))


@functools.lru_cache(maxsize=CACHE_SIZE)
def _near(frame: Frame, margin_x: int, margin_y: int, gap: int) -> NDArray[np.bool_]:
    """Pixels within ``gap`` px (along rows and columns) of any of the artwork."""
    import cv2

    square = np.ones((2 * gap + 1, 2 * gap + 1), np.uint8)
    return _read_only(cv2.dilate(_layout(frame, margin_x, margin_y).artwork, square) > 0)


@functools.lru_cache(maxsize=CACHE_SIZE)
def _far(frame: Frame, margin_x: int, margin_y: int, gap: int) -> tuple[NDArray[np.bool_], NDArray[np.intp]]:
    """Pixels not _near the artwork, as a mask and as flat indices."""
    far = _read_only(~_near(frame, margin_x, margin_y, gap))
    return far, _read_only(np.flatnonzero(far))


@functools.lru_cache(maxsize=CACHE_SIZE)
def _beyond_pixels(frame: Frame, margin_x: int, margin_y: int, gap: int) -> NDArray[np.intp]:
    """_beyond as flat indices."""
    return _read_only(np.flatnonzero(_beyond(frame, margin_x, margin_y, gap)))


def _in_image(inside: NDArray[np.bool_], everywhere: bool, mask: NDArray[np.bool_], pixels: NDArray[np.intp]
              ) -> tuple[NDArray[np.bool_], NDArray[np.intp]]:
    """A mask of the frame (with its flat indices) less what lies outside the image."""
    if everywhere:
        return mask, pixels
    kept = inside & mask
    return kept, np.flatnonzero(kept)


@functools.lru_cache(maxsize=CACHE_SIZE)
def _beyond(frame: Frame, margin_x: int, margin_y: int, gap: int) -> NDArray[np.bool_]:
    """Pixels more than ``gap`` px (a disk) from the artwork's silhouette."""
    import cv2

    return _read_only(~(cv2.dilate(_layout(frame, margin_x, margin_y).silhouette, disk(gap)) > 0))


@dataclass(frozen=True, eq=False)
class _Cores:
    """Pixels of the frame far enough from other classes that blur cannot reach them."""

    classes: tuple[NDArray[np.intp], ...]  # per class: flat indices of its core pixels
    parts: NDArray[np.intp]                # per pixel (flat): 1 + the part whose core holds it, else 0
    part_pixels: NDArray[np.intp]          # flat indices of the pixels in some part's core
    part_codes: NDArray[np.uint16]         # per such pixel and channel (and alpha): where its histogram starts
    part_sizes: NDArray[np.intp]           # per value of ``parts``: its pixels


def _core_radius(sigma: float) -> int:
    return max(1, math.ceil(2.0 * sigma))


@functools.lru_cache(maxsize=CACHE_SIZE)
def _cores(refs: References, radius: int) -> _Cores:
    """Per class, its pixels ``radius`` px inside it; per part, those of its class."""
    frame = refs.measure
    kernel = disk(radius)
    masks = [_erode((c >= 0.99).astype(np.uint8), kernel).reshape(-1) > 0 for c in frame.classes]
    parts = frame.parts.reshape(-1).astype(np.intp)
    part_class = np.asarray(refs.part_class)
    in_core = np.zeros(len(parts), bool)
    for k, mask in enumerate(masks):
        in_core |= mask & np.isin(parts, np.flatnonzero(part_class == k))
    part_pixels = np.flatnonzero(in_core)
    labels = np.where(in_core, parts + 1, 0)
    return _Cores(tuple(_read_only(np.flatnonzero(mask)) for mask in masks), _read_only(labels),
                  _read_only(part_pixels), _read_only(_histogram_starts(parts[part_pixels])),
                  _read_only(np.bincount(labels, minlength=len(refs.part_class) + 1)))


@functools.lru_cache(maxsize=4)
def _part_sizes(refs: References) -> NDArray[np.intp]:
    """Per part, its pixels in the measuring frame."""
    labels = refs.measure.parts.reshape(-1) + 1
    return _read_only(np.bincount(labels, minlength=len(refs.part_class) + 1)[1:])


def _part_counts(refs: References, mask: NDArray[np.bool_]) -> NDArray[np.intp]:
    """Per part, its pixels where ``mask`` (over the measuring frame)."""
    if mask.all():
        return _part_sizes(refs)
    if not mask.any():
        return np.zeros(len(refs.part_class), np.intp)
    labels = refs.measure.parts.reshape(-1)[mask.reshape(-1)] + 1
    return np.bincount(labels, minlength=len(refs.part_class) + 1)[1:]


@functools.lru_cache(maxsize=4)
def _silhouette(frame: Frame) -> NDArray[np.bool_]:
    """Pixels of the frame mostly inside the artwork."""
    return _read_only(frame.silhouette > 0.5)


@functools.lru_cache(maxsize=CACHE_SIZE)
def _rim(frame: Frame, width: int) -> NDArray[np.bool_]:
    """The band ``width`` px wide inside the artwork's outline."""
    silhouette = _silhouette(frame)
    return _read_only(silhouette & ~(_erode(silhouette.astype(np.uint8), disk(width)) > 0))
