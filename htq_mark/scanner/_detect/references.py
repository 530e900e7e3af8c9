"""References: the kit's artwork rasterised into the frames the detector compares images with.

Everything is derived from the kit's own SVGs and palettes, so a new kit needs no
code change. Each pixel of the artwork gets a *colour class*: the tuple of what
every variant paints there (a palette colour, or nothing so the background shows
through). For the default kit that gives three classes: the badge colour (badge
and monogram), the tile/title colour and the chevron/subtitle colour. Connected
areas of one class, with nearby ones (letters of a word) merged, are the *parts*
used to judge registration part by part. An inner part as tall as most of the
artwork and solid in outline (the default kit's tile) is an *anchor*: seen
alone, it places the whole artwork.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from ...errors import KitError
from ...kit import Kit, render_svg
from .. import _reference_cache

__all__ = ["Anchor", "Frame", "References", "build_references"]

RGB = tuple[int, int, int]
Anchor = tuple[float, float, float, float]  # a part's box (x0, y0, x1, y1) as shares of the artwork's width and height

PAINT_CODES = 1 << 15       # paint indices (-1 for none) are below this, so combinations code as integers
MASTER_HEIGHT = 400        # px; the artwork is analysed at this size, then reduced
SCREEN_HEIGHT = 32         # px; frame candidates are first screened in
DETECT_HEIGHT = 48         # px; frame the best candidates are judged in
MEASURE_HEIGHT = 96        # px; frame registered marks are measured in
PART_MERGE_RATIO = 0.03    # areas of one class closer than this share of the height form one part
MIN_CLASS_SHARE = 0.004    # smaller classes are edge artefacts of anti-aliasing, folded into neighbours
MIN_PART_SHARE = 0.002     # smaller parts are ignored when scoring part by part
WINDOW_MARGIN = 0.08       # a part is scored in its box grown by this share of the frame height
ANCHOR_MIN_HEIGHT = 0.6    # an inner part at least this share of the artwork's height...
ANCHOR_MIN_FILL = 0.9      # ...whose outline fills its box this well is an anchor


@dataclass(frozen=True, eq=False)
class Frame:
    """The artwork rasterised at one canonical size (width x height px)."""

    width: int
    height: int
    classes: NDArray[np.float32]     # (K, H, W): share of each colour class in each pixel
    silhouette: NDArray[np.float32]  # (H, W): share of each pixel inside the artwork
    parts: NDArray[np.int16]         # (H, W): part index, -1 outside the artwork
    windows: tuple[tuple[int, int, int, int], ...]  # each part's box (x0, y0, x1, y1), end exclusive
    inside: NDArray[np.intp]         # flat indices of the pixels inside the artwork
    window_pixels: tuple[NDArray[np.intp], ...]  # per part: flat indices of its scoring window in the artwork

    @property
    def outer(self) -> NDArray[np.float32]:
        """Soft mask of the class along the artwork's outline (the badge colour)."""
        return np.asarray(self.classes[0], dtype=np.float32)


@dataclass(frozen=True, eq=False)
class References:
    """What the detector knows about the kit's mark; picklable, built once per kit.

    Class 0 is always the outer class (the colour of the artwork's outline).
    """

    kit_sha256: str
    aspect_ratio: float
    variants: tuple[str, ...]
    palettes: tuple[tuple[RGB | None, ...], ...]  # per variant, per class: the colour, or None if knocked out
    part_class: tuple[int, ...]
    anchors: tuple[Anchor, ...]  # inner parts whose outline alone places the artwork (see the module's text)
    screen: Frame
    detect: Frame
    measure: Frame

    @property
    def class_count(self) -> int:
        return len(self.palettes[0])

    def palette(self, variant: str) -> tuple[RGB | None, ...]:
        """Per class, the colour ``variant`` paints (None where the background shows)."""
        return self.palettes[self.variants.index(variant)]


def build_references(kit: Kit) -> References:
    """Render the kit's variants and derive the detector's references (cached per kit, in memory and on disk)."""
    variants = tuple(kit.artwork)
    svgs = tuple(kit.artwork[name].svg for name in variants)
    palettes = tuple(tuple(colour.rgb for colour in kit.spec.variant(name).colours) for name in variants)
    return _kept(kit.sha256, variants, svgs, palettes, kit.aspect_ratio)


@functools.lru_cache(maxsize=4)
def _kept(sha256: str, variants: tuple[str, ...], svgs: tuple[bytes, ...],
          palettes: tuple[tuple[RGB, ...], ...], aspect: float) -> References:
    """The references, from the disk cache (keyed by the kit's sha256, which covers its artwork and
    spec) or built and kept there; once per process."""
    cached = _reference_cache.load(sha256, References)
    if cached is not None:
        return cached
    built = _build(sha256, variants, svgs, palettes, aspect)
    _reference_cache.store(sha256, built)
    return built


def _build(sha256: str, variants: tuple[str, ...], svgs: tuple[bytes, ...],
           palettes: tuple[tuple[RGB, ...], ...], aspect: float) -> References:
    width = max(8, round(MASTER_HEIGHT * aspect))
    renders = [_render_rgba(svg, width, MASTER_HEIGHT, name) for name, svg in zip(variants, svgs)]
    per_variant = [_paint_index(rgba, palette) for rgba, palette in zip(renders, palettes)]
    silhouette = _fill_holes(np.logical_or.reduce([rgba[..., 3] >= 128 for rgba in renders]))
    if silhouette.sum() < 0.05 * silhouette.size:
        raise KitError("the kit's artwork is (almost) empty when rendered; check the SVG files.")
    labels, class_paints = _joint_classes(per_variant, silhouette)
    labels, class_paints = _outer_first(labels, class_paints, silhouette)
    part_map, part_class = _parts(labels, len(class_paints))
    variant_palettes = tuple(
        tuple(None if paints[v] < 0 else palettes[v][paints[v]] for paints in class_paints)
        for v in range(len(variants)))
    return References(
        kit_sha256=sha256, aspect_ratio=aspect, variants=variants, palettes=variant_palettes,
        part_class=part_class, anchors=_anchors(part_map, part_class),
        screen=_frame(labels, part_map, len(class_paints), len(part_class), SCREEN_HEIGHT, aspect),
        detect=_frame(labels, part_map, len(class_paints), len(part_class), DETECT_HEIGHT, aspect),
        measure=_frame(labels, part_map, len(class_paints), len(part_class), MEASURE_HEIGHT, aspect))


def _render_rgba(svg: bytes, width: int, height: int, variant: str) -> NDArray[np.uint8]:
    from PIL import Image

    png = render_svg(svg, to="png", width=width, height=height)
    try:
        with Image.open(io.BytesIO(png)) as image:
            return np.asarray(image.convert("RGBA"), dtype=np.uint8)
    except OSError as exc:  # pragma: no cover - cairosvg output is always a valid PNG
        raise KitError(f"the artwork of variant {variant!r} did not render to an image ({exc}).") from exc


def _paint_index(rgba: NDArray[np.uint8], palette: Sequence[RGB]) -> NDArray[np.int16]:
    """Per pixel: index of the nearest palette colour (the first, on a tie), or -1 where nothing is painted."""
    import cv2

    pixels = np.ascontiguousarray(rgba[..., :3])
    index = np.zeros(pixels.shape[:2], np.int16)
    nearest: NDArray[np.int32] | None = None
    for k, colour in enumerate(palette):
        difference = np.asarray(cv2.absdiff(pixels, np.array([*colour, 0], np.float64)), dtype=np.int32)
        distance = np.einsum("ijk,ijk->ij", difference, difference)
        if nearest is None:
            nearest = distance
            continue
        closer = distance < nearest
        nearest = np.where(closer, distance, nearest)
        index[closer] = k
    index[rgba[..., 3] < 128] = -1
    return index


def _fill_holes(mask: NDArray[np.bool_]) -> NDArray[np.bool_]:
    import cv2

    contours, _ = cv2.findContours(mask.astype(np.uint8), cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
    filled = np.zeros(mask.shape, np.uint8)
    cv2.drawContours(filled, contours, -1, 1, thickness=cv2.FILLED)
    return filled.astype(bool) | mask


def _joint_classes(per_variant: list[NDArray[np.int16]], silhouette: NDArray[np.bool_]
                   ) -> tuple[NDArray[np.int16], list[tuple[int, ...]]]:
    """Label each artwork pixel with its class: the tuple of what each variant paints there."""
    import cv2

    stack = np.stack(per_variant, axis=-1)
    inside = stack[silhouette]
    # One integer per combination (first variant most significant), so sorting them is cheap.
    weights = PAINT_CODES ** np.arange(inside.shape[1] - 1, -1, -1, dtype=np.int64)
    codes, inverse, counts = np.unique((inside.astype(np.int64) + 1) @ weights, return_inverse=True,
                                       return_counts=True)
    combos = (codes[:, None] // weights % PAINT_CODES) - 1
    keep = np.flatnonzero(counts >= MIN_CLASS_SHARE * inside.shape[0])
    labels = np.full(silhouette.shape, -1, np.int16)
    remap = np.full(len(combos), -1, np.int16)
    remap[keep] = np.arange(len(keep), dtype=np.int16)
    labels[silhouette] = remap[inverse.ravel()]
    # Fold anti-aliasing artefacts (rare combinations) into the nearest proper class.
    stray = silhouette & (labels < 0)
    if stray.any():
        distances = [cv2.distanceTransform((labels != k).astype(np.uint8), cv2.DIST_L2, 3)
                     for k in range(len(keep))]
        nearest = np.argmin(np.stack(distances), axis=0).astype(np.int16)
        labels[stray] = nearest[stray]
    return labels, [tuple(int(v) for v in combos[k]) for k in keep]


def _outer_first(labels: NDArray[np.int16], class_paints: list[tuple[int, ...]],
                 silhouette: NDArray[np.bool_]) -> tuple[NDArray[np.int16], list[tuple[int, ...]]]:
    """Renumber classes so class 0 is the one along the artwork's outline."""
    import cv2

    inner = cv2.erode(silhouette.astype(np.uint8), np.ones((9, 9), np.uint8),
                      borderType=cv2.BORDER_CONSTANT, borderValue=0).astype(bool)
    band = labels[silhouette & ~inner]
    outer = int(np.bincount(band[band >= 0], minlength=len(class_paints)).argmax())
    order = [outer] + [k for k in range(len(class_paints)) if k != outer]
    remap = np.full(len(order) + 1, -1, np.int16)
    for new, old in enumerate(order):
        remap[old] = new
    return remap[labels], [class_paints[k] for k in order]


def _parts(labels: NDArray[np.int16], class_count: int) -> tuple[NDArray[np.int16], tuple[int, ...]]:
    """Split classes into parts: connected areas, with near neighbours (letters) merged."""
    import cv2

    radius = max(1, round(PART_MERGE_RATIO * labels.shape[0]))
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * radius + 1, 2 * radius + 1))
    part_map = np.full(labels.shape, -1, np.int16)
    part_class: list[int] = []
    total = float((labels >= 0).sum())
    for k in range(class_count):
        mask = (labels == k).astype(np.uint8)
        count, groups = cv2.connectedComponents(cv2.dilate(mask, kernel), connectivity=8)
        for group in range(1, count):
            member = (groups == group) & (mask > 0)
            if member.sum() >= MIN_PART_SHARE * total:
                part_map[member] = len(part_class)
                part_class.append(k)
    return part_map, tuple(part_class)


def _anchors(part_map: NDArray[np.int16], part_class: tuple[int, ...]) -> tuple[Anchor, ...]:
    """The boxes of the inner parts (not of the outer class) that are anchors: tall, and solid in outline."""
    import cv2

    height, width = part_map.shape
    anchors = []
    for part, k in enumerate(part_class):
        if k == 0:
            continue
        mask = (part_map == part).astype(np.uint8)
        x, y, w, h = cv2.boundingRect(mask)
        if h < ANCHOR_MIN_HEIGHT * height:
            continue
        outlines, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
        if max(cv2.contourArea(outline) for outline in outlines) >= ANCHOR_MIN_FILL * w * h:
            anchors.append((x / width, y / height, (x + w) / width, (y + h) / height))
    return tuple(anchors)


def _frame(labels: NDArray[np.int16], part_map: NDArray[np.int16], class_count: int, part_count: int,
           height: int, aspect: float) -> Frame:
    import cv2

    width = round(height * aspect)

    def shrink(mask: NDArray[np.bool_]) -> NDArray[np.float32]:
        return np.asarray(cv2.resize(mask.astype(np.float32), (width, height), interpolation=cv2.INTER_AREA),
                          dtype=np.float32)

    classes = np.stack([shrink(labels == k) for k in range(class_count)])
    silhouette = shrink(labels >= 0)
    shares = np.stack([shrink(part_map == p) for p in range(part_count)])
    parts = np.where(shares.max(axis=0) >= 0.5, shares.argmax(axis=0), -1).astype(np.int16)
    windows = []
    for p in range(part_count):
        ys, xs = np.nonzero(shares[p] > 0.25)
        windows.append((int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1))
    inside = np.flatnonzero(silhouette.reshape(-1) > 0.5)
    margin = max(1, round(WINDOW_MARGIN * height))
    window_pixels = []
    for x0, y0, x1, y1 in windows:
        box = np.zeros((height, width), bool)
        box[max(0, y0 - margin):y1 + margin, max(0, x0 - margin):x1 + margin] = True
        window_pixels.append(np.flatnonzero(box.reshape(-1) & (silhouette.reshape(-1) > 0.5)))
    arrays: list[NDArray[np.generic]] = [classes, silhouette, parts, inside, *window_pixels]
    for array in arrays:
        array.setflags(write=False)
    return Frame(width=width, height=height, classes=classes, silhouette=silhouette, parts=parts,
                 windows=tuple(windows), inside=inside, window_pixels=tuple(window_pixels))
