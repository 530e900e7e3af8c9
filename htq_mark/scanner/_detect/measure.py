"""Pixel measurements of a registered mark: colours, background, clear space, alterations.

The image is warped into the artwork's measuring frame grown by the clear-space
zone. Class colours are what the cores of their parts (away from blurred edges)
agree on. Where no part shows a class, or no clear space shows the background,
colours are found by unmixing: every pixel is modelled as a blend of the colour
classes (blurred as much as the mark is), solved by least squares with the
worst-fitting pixels dropped, so even a small, soft mark gives clean colours.
Pixels that fit no class they should (in the cores of parts) are differences:
inside a part they are alterations; in blobs reaching the artwork's outline they
are things covering it.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np
from numpy.typing import NDArray

from ...kit import Spec
from ...kit._colour import (contrast_ratio, delta_e, linear_to_lab, relative_luminance, srgb_to_lab,
                           srgb_to_linear)
from .model import PixelMeasurements, Pose
from .references import Frame, References
from .statistics import column_medians, median, median_distance, row_percentiles, sorted_median, std
from .verify import ImagePyramid, disk, shown_pixels
from .verify import erode_inside as _erode

__all__ = ["measure"]

SOURCE_BLUR = 0.6           # source pixels of blur in a rendered, resampled mark
UNMIX_STEP = 5              # unmix colours from every fifth pixel
OUTLIER_SHARE = 0.15        # share of worst-fitting pixels ignored when unmixing colours
MIN_CORE_PIXELS = 12        # a class or part needs this many core pixels to be judged
DIFFERENCE_FLOOR = 40.0     # RGB distance below which a pixel never counts as different (noise, JPEG)
DIFFERENCE_SHARE = 0.3      # ...and the share of the distance between class colours it must exceed
CONTENT_FLOOR = 28.0        # RGB distance from the background that counts as content in the clear space
CONTENT_NOISE = 4.0         # ...or this many robust standard deviations of the background, if more
PALETTE_PERCENTILE = 50.0   # the share of the artwork (by area, %) whose colours must fit a variant
SURROUNDING_PERCENTILE = 5.0  # a knocked-out part shows the background if it is as close as this share (%) of it
SURROUNDING_STEP = 7          # every few pixels of the surroundings are enough
PART_AGREEMENT = 40.0       # RGB distance within which two parts' colours agree
COVER_MIN_WIDTH = 0.06      # covering blobs are at least this share of the height across (outlines are thinner)
SIDE_NOISE = 0.005          # content on less than this share of a side's strip is noise (edge spill)
SOLID_MIN_AREA = 5.0        # source px^2 a piece of content covers before its reach counts (a dot, a thin bar)
OUTLINE_SPILL = 1.5         # source px beyond the outline gap where a slightly misplaced outline may still show
CONTENT_EDGE = 20.0         # colour change (levels per source pixel) of an edge of content in the clear space
SHARP_BORDER = 0.5          # share of an off-colour area's border that must be a sharp edge for it to be content
FLAT_PERCENTILE = 80.0      # share (%) of a background that decides whether it is flat...
FLAT_DELTA_E = 6.0          # the same for colours seen through knock-outs, in delta E
OUTLINE_BLUR_PX = 1.0       # source pixels the mark's own outline is blurred over
SIDES = ("left", "right", "top", "bottom")
_UNCOUNTED = 255 * 256      # where alpha's bins start in the joint histograms of parts' colours
CACHE_SIZE = 32             # masks of the frame kept per margins and widths (each a few hundred kB at most)

# Linear light of every 8-bit level, and the luminance weights of linear R, G, B (white is exactly 1).
_LINEAR = srgb_to_linear(np.arange(256))
_LUMINANCE = relative_luminance(np.eye(3) * 255.0)
_LINEAR_RGBA = np.repeat(_LINEAR[:, None, None], 4, axis=2)
_LEVELS = np.arange(256.0)[:, None]


_Array = TypeVar("_Array", bound="NDArray[Any]")


def _read_only(array: _Array) -> _Array:
    array.setflags(write=False)
    return array


def _blur_sigma(frame: Frame, height_px: float) -> float:
    return max(0.5, SOURCE_BLUR * frame.height / max(height_px, 1.0))


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


def _unmixed(pixels: _Pixels, frame: Frame, margin_x: int, margin_y: int, sigma: float,
             use: NDArray[np.bool_]) -> NDArray[np.float64]:
    """Each class's colour, and the background's just outside the outline, unmixed from the pixels ``use``."""
    import cv2

    blends = np.stack([cv2.GaussianBlur(c, (0, 0), sigma) for c in _layout(frame, margin_x, margin_y).classes])
    # Every few pixels are plenty for a handful of colours.
    chosen = np.flatnonzero(use.reshape(-1))[::UNMIX_STEP]
    design = blends.reshape(blends.shape[0], -1)[:, chosen].T.astype(np.float64)
    return _unmix(design, pixels.at(chosen).astype(np.float64))


def _unmix(design: NDArray[np.float64], target: NDArray[np.float64]) -> NDArray[np.float64]:
    """Colour of each blend component (columns of ``design``) that best explains ``target``, robustly."""
    used_design, used_target = design, target
    colours: NDArray[np.float64] = np.zeros((design.shape[1], 3))
    for _ in range(2):
        colours = np.asarray(np.linalg.lstsq(used_design, used_target, rcond=None)[0], dtype=np.float64)
        residual = _row_norms(design @ colours - target)
        keep = residual <= np.quantile(residual, 1.0 - OUTLIER_SHARE)
        used_design, used_target = design[keep], target[keep]
    return np.asarray(np.clip(colours, 0, 255), dtype=np.float64)


def _row_norms(vectors: NDArray[np.float64]) -> NDArray[np.float64]:
    """Length of each row of three (as np.linalg.norm along rows gives it, without its slow reduction)."""
    squares = vectors * vectors
    return np.asarray(np.sqrt(squares[:, 0] + squares[:, 1] + squares[:, 2]), dtype=np.float64)


def _part_colours(core: _Pixels, refs: References, cores: _Cores, visible: NDArray[np.bool_]
                  ) -> list[NDArray[np.float64] | None]:
    """Each part's colour: the median of its core pixels (None when too few are seen)."""
    chosen, starts = cores.part_pixels, cores.part_codes
    if not visible.all():
        seen = visible.reshape(-1)[chosen]
        chosen, starts = chosen[seen], starts[seen]
    count = len(refs.part_class)
    medians, sizes = _grouped_medians(core.rgba_at(chosen), starts, count)
    return [medians[p] if sizes[p] >= MIN_CORE_PIXELS // 3 else None for p in range(count)]


def _class_colours(refs: References, agreed: list[NDArray[np.float64] | None],
                   unmixed: NDArray[np.float64] | None) -> NDArray[np.float64]:
    """Each class's colour, agreed by its parts (``agreed``, from _agreed_colours).

    Classes with no part seen keep their unmixed colour (``unmixed``, rows per
    class, is only needed when there are such classes).
    """
    colours = np.zeros((refs.class_count, 3)) if unmixed is None else unmixed[:refs.class_count].copy()
    for k in range(len(colours)):
        colour = agreed[k]
        if colour is not None:
            colours[k] = colour
    return colours


def _agreed_colours(refs: References, part_colours: list[NDArray[np.float64] | None]
                    ) -> list[NDArray[np.float64] | None]:
    """Per class, the colour its parts agree on (None if none is seen).

    Every part votes with its colour; the colour most parts share wins (ties go
    to the larger parts), so one altered part does not decide the colour of its class.
    """
    return [_agreed_colour(refs, part_colours, k) for k in range(refs.class_count)]


def _agreed_colour(refs: References, part_colours: list[NDArray[np.float64] | None], k: int
                   ) -> NDArray[np.float64] | None:
    """The colour most of class ``k``'s parts share (ties go to the larger parts); None if none is seen."""
    voters = [p for p, c in enumerate(part_colours) if c is not None and refs.part_class[p] == k]
    if not voters:
        return None
    votes = np.array([part_colours[p] for p in voters])
    weights = _part_sizes(refs)[voters]
    # The same arithmetic as np.linalg.norm and np.average, without their overhead.
    gaps = votes[:, None] - votes[None]
    agree = np.sqrt(np.add.reduce(gaps * gaps, axis=-1)) <= PART_AGREEMENT
    sizes, masses = np.count_nonzero(agree, axis=1).tolist(), (agree @ weights).tolist()
    group = agree[max(zip(sizes, masses, range(len(voters))))[2]]
    chosen = weights[group][:, None]
    return np.asarray((votes[group] * chosen).sum(axis=0) / chosen.sum(axis=0, dtype=np.float64),
                      dtype=np.float64)


def _expected(refs: References, variant: str, background: NDArray[np.float64] | None
              ) -> list[NDArray[np.float64] | None]:
    """Per class, the colour ``variant`` shows there: its paint, or the background where it is knocked out."""
    return [None if paint is None and background is None
            else (background if paint is None else np.asarray(paint, np.float64))
            for paint in refs.palette(variant)]


@functools.lru_cache(maxsize=4)
def _paint_labs(refs: References) -> dict[str, NDArray[np.float64]]:
    """Per variant, per class: its paint in CIELAB (NaN where the background shows through)."""
    labs = {}
    for variant in refs.variants:
        palette = refs.palette(variant)
        lab = np.full((len(palette), 3), np.nan)
        painted = [k for k, paint in enumerate(palette) if paint is not None]
        if painted:
            lab[painted] = srgb_to_lab(np.array([palette[k] for k in painted], np.float64))
        labs[variant] = _read_only(lab)
    return labs


def _expected_lab(refs: References, variant: str, background: NDArray[np.float64] | None
                  ) -> NDArray[np.float64]:
    """_expected in CIELAB (NaN where unknown), given the background's colour in CIELAB."""
    paints = _paint_labs(refs)[variant]
    return paints if background is None else np.where(np.isnan(paints), background, paints)


def _part_labs(part_colours: list[NDArray[np.float64] | None]) -> tuple[NDArray[np.float64], NDArray[np.bool_]]:
    """The parts' colours in CIELAB (rows; zero where unseen), and which parts are seen."""
    seen = np.array([c is not None for c in part_colours])
    lab = np.zeros((len(part_colours), 3))
    if seen.any():
        lab[seen] = srgb_to_lab(np.array([c for c in part_colours if c is not None]))
    return lab, seen


def _palette_distances(refs: References, part_lab: NDArray[np.float64], seen: NDArray[np.bool_],
                       background: NDArray[np.float64] | None) -> dict[str, float]:
    """Per variant: how far the parts' colours (CIELAB) are from what it paints (delta E).

    The distance is an upper percentile over the artwork's area, part by part: a
    recolouring moves every part, while one altered part (judged by the altered
    measure) does not make the whole mark "recoloured".
    """
    sizes = _part_sizes(refs).astype(np.float64)
    part_class = np.asarray(refs.part_class)
    distances = {}
    for variant in refs.variants:
        targets = _expected_lab(refs, variant, background)
        # Unseen parts, and knock-outs over a busy background (which may show anything), are not judged.
        judged = seen & ~np.isnan(targets[part_class, 0])
        if not judged.any():
            distances[variant] = 0.0
            continue
        values = delta_e(part_lab[judged], targets[part_class[judged]])
        distances[variant] = _weighted_percentile(values, sizes[judged], PALETTE_PERCENTILE)
    return distances


def _off_palette(refs: References, variant: str, part_lab: NDArray[np.float64], seen: NDArray[np.bool_],
                 surroundings: NDArray[np.float64], flat: bool, hidden: NDArray[np.bool_]) -> float:
    """Largest delta E from a seen, uncovered part's colour to what ``variant`` shows there.

    Painted parts are compared with the variant's paints (any of them: which
    colour sits where is the altered measure's business, so a mark with a part
    removed is not "recoloured"). Knocked-out parts show the background, which on
    a photograph varies: on a ``flat`` background they are compared with the colours
    around the mark (``surroundings``, CIELAB), all but the rarest of them, and
    on a varied one they are not judged.
    """
    paints = _paint_labs(refs)[variant]
    painted = ~np.isnan(paints[:, 0])
    judged = seen & ~hidden
    lab = part_lab[judged]
    distance = delta_e(lab[:, None], paints[painted][None]).min(axis=1)
    knocked_out = ~painted[np.asarray(refs.part_class)[judged]]
    if knocked_out.any():
        if flat:
            around = row_percentiles(delta_e(lab[knocked_out][:, None], surroundings[None]), SURROUNDING_PERCENTILE)
            distance[knocked_out] = np.minimum(distance[knocked_out], around)
        else:
            distance = distance[~knocked_out]  # knocked out over a varied background: it may show anything
    return float(distance.max()) if len(distance) else 0.0


def _knockout_disagreement(refs: References, variant: str, agreed: list[NDArray[np.float64] | None]) -> float:
    """Largest delta E between the colours of the classes ``variant`` knocks out (``agreed``, per class)."""
    colours = [agreed[k] for k, paint in enumerate(refs.palette(variant)) if paint is None]
    colours = [c for c in colours if c is not None]
    if len(colours) < 2:
        return 0.0
    lab = srgb_to_lab(np.array(colours))
    return float(delta_e(lab[:, None], lab[None]).max())


def _knockouts_flat(core: _Pixels, refs: References, cores: _Cores, variant: str, judged: NDArray[np.bool_],
                    visible: NDArray[np.bool_]) -> bool:
    """Whether every class ``variant`` knocks out shows one flat colour in the cores of its judged parts."""
    part_class = np.asarray(refs.part_class)
    chosen = cores.part_pixels
    if not visible.all():
        chosen = chosen[visible.reshape(-1)[chosen]]
    labels = cores.parts[chosen]
    for k, paint in enumerate(refs.palette(variant)):
        shown = judged & (part_class == k)
        if paint is not None or not shown.any():
            continue
        pixels = chosen[np.concatenate([[False], shown])[labels]][::SURROUNDING_STEP]
        if len(pixels) and not _is_flat_lab(_lab_of_levels(core.at(pixels))):
            return False
    return True


def _is_flat_lab(lab: NDArray[np.float64]) -> bool:
    """Whether colours (CIELAB) are one flat colour, bar a few."""
    spread = delta_e(lab, column_medians(lab)[None])
    # The percentile lies between two neighbouring sorted values near this index: when all
    # the candidates are on one side of the limit, counting decides; np.percentile decides the rest.
    index = int((len(spread) - 1) * FLAT_PERCENTILE / 100.0)
    below = int(np.count_nonzero(spread < FLAT_DELTA_E))
    if below >= index + 3:
        return True
    if below <= index - 1:
        return False
    return float(np.percentile(spread, FLAT_PERCENTILE)) < FLAT_DELTA_E


def _weighted_percentile(values: NDArray[np.float64], weights: NDArray[np.float64], percentile: float) -> float:
    order = np.argsort(values, kind="stable")
    cumulative = np.cumsum(weights[order])
    index = int(np.searchsorted(cumulative, percentile / 100.0 * cumulative[-1]))
    return float(values[order][min(index, len(values) - 1)])


def _background_kind(spec: Spec, luminance: float, variation: float) -> str:
    rules = spec.backgrounds
    if variation > rules.photo_min_variation:
        return "photo"
    if luminance >= rules.light_min_luminance:
        return "light"
    if luminance <= rules.dark_max_luminance:
        return "dark"
    return "mid"


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


def _clear_space(pixels: _Pixels, inside: NDArray[np.bool_], frame: Frame, margin_x: int,
                 margin_y: int, background: NDArray[np.float64], gap: int, source_px_per_frame_px: float
                 ) -> tuple[float, dict[str, float], NDArray[np.bool_]]:
    """Share of content on the most intruded side of the clear-space zone, the deepest reach per side,
    and where the content is.

    Content is what has sharp edges (text, rules, the border of a box), which a
    photograph's soft shading and grain do not; on a flat background anything
    clearly off its colour counts too (the inside of a solid block). The reach
    is that of the deepest solid piece, however little of the zone it covers (a
    dot, a thin bar), less a band along the outline where a misplaced outline shows.
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
    reaching = _solid(content, source_px_per_frame_px) & _beyond(frame, margin_x, margin_y, spill)
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


def _surroundings(pixels: _Pixels, clean: NDArray[np.intp], background_lab: NDArray[np.float64]
                  ) -> NDArray[np.float64]:
    """Colours (CIELAB) of every few pixels of the clean background (flat indices); the background's own if none."""
    if len(clean):
        return _lab_of_levels(pixels.at(clean[::SURROUNDING_STEP]))
    return background_lab[None]


def measure(pyramid: ImagePyramid, pose: Pose, refs: References, spec: Spec) -> PixelMeasurements:
    """Measure a mark registered at ``pose`` against the kit's artwork and spec."""
    import cv2

    frame = refs.measure
    ratio = spec.clear_space_ratio
    width_px, height_px = pose.width, pose.height
    margin_y = max(2, round(ratio * frame.height))
    margin_x = max(2, round(ratio * height_px * frame.width / max(width_px, 1e-6)))
    rgb, inside, factor = _warp_extended(pyramid, pose, frame, margin_x, margin_y)
    pixels = _Pixels.of(rgb)
    core = pixels.crop(margin_x, margin_y)
    sigma = _blur_sigma(frame, height_px * factor)
    visible = inside[margin_y:-margin_y, margin_x:-margin_x]
    if pose.shown is not None:  # the rest is hidden (a frame, a cover): not judged, reported as hidden
        visible = visible & shown_pixels(frame, pose.shown).reshape(visible.shape)

    # Class colours from their parts' cores; a light erosion keeps the centres of letters'
    # strokes, so thin parts have a say too.
    cores = _cores(refs, _core_radius(sigma / 2))
    part_colours = _part_colours(core, refs, cores, visible)
    gap = max(1, math.ceil(1.5 * sigma))
    near = _near(frame, margin_x, margin_y, gap)
    everywhere = bool(inside.all())
    zone_mask, zone_pixels = _in_image(inside, everywhere, *_far(frame, margin_x, margin_y, gap))
    zone_size = len(zone_pixels)
    # Unmixing gives the colours of classes no part shows, and the background just outside
    # the outline, which stands in when there is no clear space to see the background in.
    shown = {refs.part_class[p] for p, colour in enumerate(part_colours) if colour is not None}
    unmixed = (_unmixed(pixels, frame, margin_x, margin_y, sigma, near & inside)
               if len(shown) < refs.class_count or zone_size < 10 else None)
    agreed = _agreed_colours(refs, part_colours)
    class_colours = _class_colours(refs, agreed, unmixed)

    # Background: the clear-space zone outside the outline, less any content in it.
    background = unmixed[-1] if unmixed is not None and zone_size < 10 else _median_colour(rgb, zone_mask)
    source_px = height_px * factor / frame.height
    # The artwork's own blurred outline (and the edge filter's reach) is not content.
    outline_gap = max(gap, math.ceil((OUTLINE_BLUR_PX + 1.5) / max(source_px, 1e-6)))
    share, depth, content = _clear_space(pixels, inside, frame, margin_x, margin_y, background, outline_gap,
                                         source_px)
    has_content = bool(content.any())
    clean, clean_pixels = zone_mask, zone_pixels
    if has_content:
        clean = zone_mask & ~(cv2.dilate(content.astype(np.uint8), np.ones((5, 5), np.uint8)) > 0)
        clean_pixels = np.flatnonzero(clean)
    if len(clean_pixels) >= 10:
        if has_content:  # else the background is already the zone's median
            background = _median_colour(rgb, clean)
        luminance = _luminance(pixels.rgba_at(clean_pixels))
        background_luminance = median(luminance)
        variation = std(luminance)
    else:
        background_luminance = float(relative_luminance(background))
        variation = 0.0
    kind = _background_kind(spec, background_luminance, variation)
    outer_luminance = float(relative_luminance(class_colours[0]))

    part_lab, seen = _part_labs(part_colours)
    background_lab = srgb_to_lab(background)
    distances = _palette_distances(refs, part_lab, seen, None if kind == "photo" else background_lab)
    best = min(distances, key=lambda v: distances[v]) if distances else None
    surroundings = _surroundings(pixels, clean_pixels, background_lab)
    flat = _is_flat_lab(surroundings)

    # Judge each pixel against the approved colours when a variant fits; a recoloured
    # mark is judged against its own (agreed) colours instead.
    reference = class_colours
    varying = [False] * len(class_colours)
    if best is not None and distances[best] <= spec.scan.colour_tolerance_delta_e:
        expected = _expected(refs, best, background if flat else None)
        shift = delta_e(srgb_to_lab(class_colours), _expected_lab(refs, best, background_lab if flat else None))
        # Each class's own colour where it is close enough to the expected one (so small
        # shifts from printing or compression are not differences), else the expected one.
        reference = np.array([class_colours[k] if e is None or shift[k] <= spec.scan.colour_tolerance_delta_e else e
                              for k, e in enumerate(expected)])
        varying = [e is None for e in expected]
    different = _differences(core, reference, cores, visible, varying)
    covered = _covered(different, core, frame, visible, sigma, varying)
    # What something else covers is not an alteration of the artwork.
    anything_covered = bool(covered.any())
    altered = (_altered_share(different & ~covered, refs, cores, visible & ~covered) if anything_covered
               else _altered_share(different, refs, cores, visible))
    artwork_seen = float(np.count_nonzero(_silhouette(frame) & visible))
    hidden = (_part_counts(refs, covered) > 0.5 * np.maximum(1, _part_counts(refs, visible)) if anything_covered
              else np.zeros(len(refs.part_class), bool))
    off_palette = _off_palette(refs, best, part_lab, seen, surroundings, flat, hidden) if best else 0.0
    if best:
        # Every knock-out shows the same background: where each shows one flat colour they
        # must agree, however close each is to some colour around the mark. (A greyscale
        # copy of the colour mark, taken for the black one, has white and grey knock-outs.)
        judged_agreed = agreed if not hidden.any() else _agreed_colours(
            refs, [None if hidden[p] else c for p, c in enumerate(part_colours)])
        disagreement = _knockout_disagreement(refs, best, judged_agreed)
        if disagreement > off_palette and _knockouts_flat(core, refs, cores, best, seen & ~hidden, visible):
            off_palette = disagreement

    covered_share = float(np.count_nonzero(covered)) / artwork_seen if artwork_seen else 0.0
    covered_side = _side_of(covered) if anything_covered else None
    framed = pose.hidden_share  # hidden beyond the visible part's outline: not judged above, but hidden all the same
    if framed > 0:
        covered_side = pose.hidden_side if framed >= (1.0 - framed) * covered_share else covered_side
        covered_share = framed + (1.0 - framed) * covered_share
    px_per_frame_x = width_px / frame.width
    px_per_frame_y = height_px / frame.height
    depth_px = {side: round(value * (px_per_frame_x if side in ("left", "right") else px_per_frame_y), 2)
                for side, value in depth.items()}

    return PixelMeasurements(
        palette_distance=round(off_palette, 2),
        best_variant=best,
        background_luminance=round(background_luminance, 4),
        background_variation=round(variation, 4),
        background_kind=kind,
        contrast_ratio=round(float(contrast_ratio(outer_luminance, background_luminance)), 3),
        clear_space_required_px=round(ratio * height_px, 2),
        clear_space_intrusion=round(share, 4),
        clear_space_intrusion_px=depth_px,
        altered_difference=round(altered, 4),
        covered_fraction=round(covered_share, 4),
        covered_side=covered_side,
    )


def _side_of(mask: NDArray[np.bool_]) -> str:
    """The side of the frame (the artwork's own) the pixels of ``mask`` lie towards."""
    rows, columns = np.nonzero(mask)
    height, width = mask.shape
    across = (float(columns.mean()) + 0.5) / width - 0.5
    down = (float(rows.mean()) + 0.5) / height - 0.5
    if abs(across) >= abs(down):
        return "left" if across < 0 else "right"
    return "top" if down < 0 else "bottom"
