"""The measuring frame's pixels, and per-level lookups that judge 8-bit colours fast."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np
from numpy.typing import NDArray

from ...kit._colour import linear_to_lab, relative_luminance, srgb_to_linear
from .model import Pose
from .references import Frame
from .verify import ImagePyramid


# Linear light of every 8-bit level, and the luminance weights of linear R, G, B (white is exactly 1).
_LINEAR = srgb_to_linear(np.arange(256))
_LUMINANCE = relative_luminance(np.eye(3) * 255.0)
_LINEAR_RGBA = np.repeat(_LINEAR[:, None, None], 4, axis=2)
_LEVELS = np.arange(256.0)[:, None]
_UNCOUNTED = 255 * 256      # where alpha's bins start in the joint histograms of parts' colours

_Array = TypeVar("_Array", bound="NDArray[Any]")


def _read_only(array: _Array) -> _Array:
    array.setflags(write=False)
    return array


@dataclass(frozen=True, eq=False)
class _Pixels:
    """8-bit RGB pixels (H, W, 3), also packed as RGBA words (H, W), which are much faster to pick from."""

    rgb: NDArray[np.uint8]
    packed: NDArray[np.uint32]

    @classmethod
    def of(cls, rgb: NDArray[np.uint8]) -> _Pixels:
        import cv2

        rgb = np.ascontiguousarray(rgb)
        rgba = np.asarray(cv2.cvtColor(rgb, cv2.COLOR_RGB2RGBA), dtype=np.uint8)
        return cls(rgb, rgba.view(np.uint32)[..., 0])

    def crop(self, margin_x: int, margin_y: int) -> _Pixels:
        """The pixels less ``margin_x`` columns and ``margin_y`` rows on each side."""
        inner = (slice(margin_y, -margin_y), slice(margin_x, -margin_x))
        return _Pixels(np.ascontiguousarray(self.rgb[inner]), np.ascontiguousarray(self.packed[inner]))

    @property
    def rgba(self) -> NDArray[np.uint8]:
        """The pixels as RGBA (H, W, 4; alpha unused)."""
        return self.packed.view(np.uint8).reshape(*self.packed.shape, 4)

    def rgba_at(self, where: NDArray[np.bool_] | NDArray[np.intp]) -> NDArray[np.uint8]:
        """The RGBA colours (rows; alpha unused) where a mask of the pixels is true, or at flat indices."""
        words = self.packed[where] if where.dtype == np.bool_ else self.packed.reshape(-1)[where]
        return words.view(np.uint8).reshape(-1, 4)

    def at(self, where: NDArray[np.bool_] | NDArray[np.intp]) -> NDArray[np.uint8]:
        """The RGB colours (rows) where a mask of the pixels is true, or at flat indices."""
        return self.rgba_at(where)[:, :3]


def _warp_extended(pyramid: ImagePyramid, pose: Pose, frame: Frame, margin_x: int, margin_y: int
                   ) -> tuple[NDArray[np.uint8], NDArray[np.bool_], float]:
    """The image in the frame grown by the margins, which of its pixels lie in the image, and the scale used."""
    import cv2

    image, factor = pyramid.for_height(pose.height, frame.height)
    matrix = pose.scaled(factor).matrix(frame.width, frame.height)
    shift = np.array([[1.0, 0.0, -margin_x], [0.0, 1.0, -margin_y], [0.0, 0.0, 1.0]])
    extended = matrix @ shift
    size = (frame.width + 2 * margin_x, frame.height + 2 * margin_y)
    warp = cv2.warpAffine(image, extended, size, flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
                          borderMode=cv2.BORDER_REPLICATE)
    return np.asarray(warp, dtype=np.uint8), _inside(image.shape[:2], extended, size), factor


def _inside(shape: tuple[int, ...], extended: NDArray[np.float64], size: tuple[int, int]) -> NDArray[np.bool_]:
    """Which pixels of the warp (``size``, by ``extended``) fall in an image of ``shape``."""
    import cv2

    width, height = size
    corners = extended @ np.array([[0.0, width - 1, 0.0, width - 1], [0.0, 0.0, height - 1, height - 1],
                                   [1.0, 1.0, 1.0, 1.0]])
    # The warp is a parallelogram in the image: with its corners a pixel inside the edges, all of it is inside.
    if corners[0].min() >= 1 and corners[1].min() >= 1 and corners[0].max() <= shape[1] - 2 \
            and corners[1].max() <= shape[0] - 2:
        return np.ones((height, width), bool)
    ones = np.full(shape[:2], 255, np.uint8)
    inside = cv2.warpAffine(ones, extended, size, flags=cv2.INTER_NEAREST | cv2.WARP_INVERSE_MAP,
                            borderMode=cv2.BORDER_CONSTANT, borderValue=0)
    return np.asarray(inside > 0)


def _histogram_starts(groups: NDArray[np.intp]) -> NDArray[np.uint16]:
    """Per row and channel of 8-bit RGBA colours in ``groups``: the start of its bins in a joint histogram.

    Alpha's bins lie beyond every group's, so it is never counted.
    """
    starts = np.empty((len(groups), 4), np.uint16)
    starts[:, :3] = (groups[:, None] * 3 + np.arange(3)) * 256
    starts[:, 3] = _UNCOUNTED
    return starts


def _middle(cumulative: NDArray[Any]) -> NDArray[np.float64]:
    """The median level of histograms (last axis, cumulated), as np.median gives it (halfway when even)."""
    total = cumulative[..., -1:]
    lower = (cumulative <= (total - 1) // 2).sum(axis=-1)
    upper = (cumulative <= total // 2).sum(axis=-1)
    return np.asarray((lower + upper) / 2.0, dtype=np.float64)


def _grouped_medians(values: NDArray[np.uint8], starts: NDArray[np.uint16], count: int
                     ) -> tuple[NDArray[np.float64], NDArray[np.intp]]:
    """Per group (0 to ``count`` - 1): the channel-wise median of its rows of 8-bit RGB or RGBA ``values``,
    and its size.

    ``starts`` (from _histogram_starts) says which group each row is in. Counting the levels
    gives exactly what np.median does, without sorting.
    """
    import cv2

    bins = count * 3 * 256
    assert bins <= _UNCOUNTED
    counts = np.zeros((count, 3, 256), np.intp)
    if len(values):
        # cv2.calcHist counts 16-bit codes much faster than np.bincount (exactly: far fewer than 2**24),
        # and leaves out those beyond its bins (alpha's).
        codes = np.add(starts[:, :values.shape[1]], values, dtype=np.uint16).reshape(1, -1)
        histogram = cv2.calcHist([codes], [0], None, [bins], [0, bins]).reshape(-1)
        counts = histogram.astype(np.intp).reshape(count, 3, 256)
    cumulative = np.cumsum(counts, axis=-1)
    return _middle(cumulative), cumulative[:, 0, -1]


def _median_colour(rgb: NDArray[np.uint8], mask: NDArray[np.bool_]) -> NDArray[np.float64]:
    """The channel-wise median of the 8-bit colours (H, W, 3) where ``mask``, from their histograms."""
    import cv2

    selected = mask.view(np.uint8)
    histograms = [cv2.calcHist([rgb], [c], selected, [256], [0, 256]).reshape(-1) for c in range(3)]
    return _middle(np.cumsum(histograms, axis=-1))


def _lab_of_levels(rgb: NDArray[np.uint8]) -> NDArray[np.float64]:
    """srgb_to_lab of 8-bit colours (rows), their linear light looked up per level (the same values)."""
    return linear_to_lab(np.take(_LINEAR, rgb))


def _deviation(rgba: NDArray[np.uint8], colour: NDArray[np.float64]) -> NDArray[np.float64]:
    """RGB distance of 8-bit RGBA colours (last axis) from ``colour``, looked up per level."""
    import cv2

    offsets = _LEVELS - colour
    table = np.zeros((256, 1, 4))
    table[:, 0, :3] = offsets * offsets
    squares = cv2.LUT(np.ascontiguousarray(rgba).reshape(-1, 1, 4), table).reshape(-1, 4)
    distance = np.sqrt(squares[:, 0] + squares[:, 1] + squares[:, 2])
    return np.asarray(distance.reshape(rgba.shape[:-1]), dtype=np.float64)


def _luminance(rgba: NDArray[np.uint8]) -> NDArray[np.float64]:
    """Relative luminance of 8-bit RGBA colours (rows), looked up per level."""
    import cv2

    linear = cv2.LUT(np.ascontiguousarray(rgba).reshape(-1, 1, 4), _LINEAR_RGBA).reshape(-1, 4)
    return np.asarray(linear[:, :3] @ _LUMINANCE, dtype=np.float64)


def _row_norms(vectors: NDArray[np.float64]) -> NDArray[np.float64]:
    """Length of each row of three (as np.linalg.norm along rows gives it, without its slow reduction)."""
    squares = vectors * vectors
    return np.asarray(np.sqrt(squares[:, 0] + squares[:, 1] + squares[:, 2]), dtype=np.float64)
