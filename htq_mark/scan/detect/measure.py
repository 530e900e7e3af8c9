"""Pixel measurements of a registered mark: colours, background, clear space, alterations.

The image is warped into the artwork's measuring frame grown by the clear-space
zone. Class colours are found by unmixing: every pixel is modelled as a blend of
the colour classes (blurred as much as the mark is), solved by least squares
with the worst-fitting pixels dropped, so even a small, soft mark gives clean
colours. Pixels that fit no class they should (in the cores of parts, away from
blurred edges) are differences: inside a part they are alterations; in blobs
reaching the artwork's outline they are things covering it.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

from ...kit import Spec
from .colour import contrast_ratio, delta_e, relative_luminance, srgb_to_lab
from .model import PixelMeasurements, Pose
from .references import Frame, References
from .verify import ImagePyramid
from .verify import erode_inside as _erode

__all__ = ["measure"]

SOURCE_BLUR = 0.6           # source pixels of blur in a rendered, resampled mark
UNMIX_STEP = 5              # unmix colours from every fifth pixel
OUTLIER_SHARE = 0.15        # share of worst-fitting pixels ignored when unmixing colours
MIN_CORE_PIXELS = 12        # a class or part needs this many core pixels to be judged
DIFFERENCE_FLOOR = 40.0     # RGB distance below which a pixel never counts as different (noise, JPEG)
DIFFERENCE_SHARE = 0.45     # ...and the share of the distance between class colours it must exceed
CONTENT_FLOOR = 28.0        # RGB distance from the background that counts as content in the clear space
CONTENT_NOISE = 4.0         # ...or this many robust standard deviations of the background, if more
PALETTE_PERCENTILE = 70.0   # the share of the artwork (by area, %) whose colours must fit a variant
PART_AGREEMENT = 40.0       # RGB distance within which two parts' colours agree
COVER_MIN_WIDTH = 0.06      # covering blobs are at least this share of the height across (outlines are thinner)
SIDE_NOISE = 0.005          # content on less than this share of a side's strip is noise (edge spill)
UNIFORM_VARIATION = 0.02    # luminance spread below which a background is one flat colour
SIDES = ("left", "right", "top", "bottom")


def _blur_sigma(frame: Frame, height_px: float) -> float:
    return max(0.5, SOURCE_BLUR * frame.height / max(height_px, 1.0))


def _warp_extended(pyramid: ImagePyramid, pose: Pose, frame: Frame, margin_x: int, margin_y: int
                   ) -> tuple[NDArray[np.float32], NDArray[np.bool_], float]:
    """The image in the frame grown by the margins, which of its pixels lie in the image, and the scale used."""
    import cv2

    image, factor = pyramid.for_height(pose.height, frame.height)
    matrix = pose.scaled(factor).matrix(frame.width, frame.height)
    shift = np.array([[1.0, 0.0, -margin_x], [0.0, 1.0, -margin_y], [0.0, 0.0, 1.0]])
    extended = matrix @ shift
    size = (frame.width + 2 * margin_x, frame.height + 2 * margin_y)
    warp = cv2.warpAffine(image, extended, size, flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
                          borderMode=cv2.BORDER_REPLICATE).astype(np.float32)
    ones = np.full(image.shape[:2], 255, np.uint8)
    inside = cv2.warpAffine(ones, extended, size, flags=cv2.INTER_NEAREST | cv2.WARP_INVERSE_MAP,
                            borderMode=cv2.BORDER_CONSTANT, borderValue=0) > 0
    return warp, inside, factor


def _pad(array: NDArray[np.float32], margin_x: int, margin_y: int, value: float = 0.0) -> NDArray[np.float32]:
    return np.pad(array, ((margin_y, margin_y), (margin_x, margin_x)), constant_values=value)


def _unmix(warp: NDArray[np.float32], blends: NDArray[np.float32], use: NDArray[np.bool_]
           ) -> NDArray[np.float64]:
    """Colour of each blend component (rows) that best explains ``warp`` where ``use``, robustly."""
    # Every few pixels are plenty for a handful of colours.
    chosen = np.flatnonzero(use.reshape(-1))[::UNMIX_STEP]
    design = blends.reshape(blends.shape[0], -1)[:, chosen].T.astype(np.float64)
    target = warp.reshape(-1, 3)[chosen].astype(np.float64)
    keep = np.ones(len(target), bool)
    colours = np.zeros((blends.shape[0], 3))
    for _ in range(2):
        colours, *_ = np.linalg.lstsq(design[keep], target[keep], rcond=None)
        residual = np.linalg.norm(design @ colours - target, axis=1)
        keep = residual <= np.quantile(residual, 1.0 - OUTLIER_SHARE)
    return np.asarray(np.clip(colours, 0, 255), dtype=np.float64)


def _part_colours(warp: NDArray[np.float32], refs: References, cores: NDArray[np.bool_],
                  visible: NDArray[np.bool_]) -> list[NDArray[np.float64] | None]:
    """Each part's colour: the median of its core pixels (None when too few are seen)."""
    frame = refs.measure
    colours: list[NDArray[np.float64] | None] = []
    for p, k in enumerate(refs.part_class):
        core = (frame.parts == p) & cores[k] & visible
        colours.append(np.median(warp[core], axis=0).astype(np.float64)
                       if core.sum() >= MIN_CORE_PIXELS // 3 else None)
    return colours


def _class_colours(refs: References, part_colours: list[NDArray[np.float64] | None],
                   unmixed: NDArray[np.float64]) -> NDArray[np.float64]:
    """Each class's colour, agreed by its parts.

    Every part votes with its colour; the colour most parts share wins (ties go
    to the larger parts), so one altered part does not decide the colour of its
    class. Classes with no part seen keep the unmixed colour.
    """
    sizes = [int((refs.measure.parts == p).sum()) for p in range(len(refs.part_class))]
    colours = unmixed.copy()
    for k in range(len(colours)):
        votes = [(c, sizes[p]) for p, c in enumerate(part_colours) if c is not None and refs.part_class[p] == k]
        if not votes:
            continue
        support = [(sum(1 for other, _ in votes if np.linalg.norm(other - colour) <= PART_AGREEMENT),
                    sum(n for other, n in votes if np.linalg.norm(other - colour) <= PART_AGREEMENT), i)
                   for i, (colour, _) in enumerate(votes)]
        winner = votes[max(support)[2]][0]
        group = [(c, n) for c, n in votes if np.linalg.norm(c - winner) <= PART_AGREEMENT]
        colours[k] = np.average([c for c, _ in group], axis=0, weights=[n for _, n in group])
    return colours


def _expected(refs: References, variant: str, background: NDArray[np.float64] | None
              ) -> list[NDArray[np.float64] | None]:
    """Per class, the colour ``variant`` shows there: its paint, or the background where it is knocked out."""
    return [None if paint is None and background is None
            else (background if paint is None else np.asarray(paint, np.float64))
            for paint in refs.palette(variant)]


def _palette_distances(refs: References, part_colours: list[NDArray[np.float64] | None],
                       background: NDArray[np.float64] | None) -> dict[str, float]:
    """Per variant: how far the parts' colours are from what it paints (delta E).

    The distance is an upper percentile over the artwork's area, part by part: a
    recolouring moves every part, while one altered part (judged by the altered
    measure) does not make the whole mark "recoloured".
    """
    frame = refs.measure
    sizes = np.array([float((frame.parts == p).sum()) for p in range(len(refs.part_class))])
    distances = {}
    for variant in refs.variants:
        expected = _expected(refs, variant, background)
        values, weights = [], []
        for p, colour in enumerate(part_colours):
            target = expected[refs.part_class[p]]
            if colour is None or target is None:
                continue  # unseen, or knocked out over a busy background (which may show anything)
            values.append(float(delta_e(srgb_to_lab(colour), srgb_to_lab(target))))
            weights.append(sizes[p])
        distances[variant] = _weighted_percentile(values, weights, PALETTE_PERCENTILE) if values else 0.0
    return distances


def _off_palette(refs: References, variant: str, part_colours: list[NDArray[np.float64] | None],
                 background: NDArray[np.float64] | None, hidden: list[bool]) -> float:
    """Largest delta E from a seen, uncovered part's colour to the nearest colour ``variant`` shows.

    Which colour sits where is the altered measure's business; here only whether
    the mark's colours are the variant's (its paints, or the background through
    its knock-outs) counts, so a mark with a part removed is not "recoloured".
    """
    shown = [np.asarray(paint, np.float64) for paint in refs.palette(variant) if paint is not None]
    knocks_out = any(paint is None for paint in refs.palette(variant))
    if knocks_out and background is not None:
        shown.append(background)
    shown_lab = srgb_to_lab(np.array(shown))
    worst = 0.0
    for p, colour in enumerate(part_colours):
        if colour is None or hidden[p]:
            continue
        if knocks_out and background is None and refs.palette(variant)[refs.part_class[p]] is None:
            continue  # knocked out over a busy background: it may show anything
        worst = max(worst, float(delta_e(srgb_to_lab(colour)[None], shown_lab).min()))
    return worst


def _weighted_percentile(values: list[float], weights: list[float], percentile: float) -> float:
    order = np.argsort(values, kind="stable")
    cumulative = np.cumsum(np.asarray(weights)[order])
    index = int(np.searchsorted(cumulative, percentile / 100.0 * cumulative[-1]))
    return float(np.asarray(values)[order][min(index, len(values) - 1)])


def _cores(frame: Frame, sigma: float) -> NDArray[np.bool_]:
    """Per class, pixels far enough from other classes that blur cannot reach them."""
    import cv2

    radius = max(1, math.ceil(2.0 * sigma))
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * radius + 1, 2 * radius + 1))
    return np.stack([_erode((c >= 0.99).astype(np.uint8), kernel) > 0 for c in frame.classes])


def _background_kind(spec: Spec, luminance: float, variation: float) -> str:
    rules = spec.backgrounds
    if variation > rules.photo_min_variation:
        return "photo"
    if luminance >= rules.light_min_luminance:
        return "light"
    if luminance <= rules.dark_max_luminance:
        return "dark"
    return "mid"


def _differences(warp: NDArray[np.float32], colours: NDArray[np.float64], frame: Frame,
                 cores: NDArray[np.bool_], visible: NDArray[np.bool_]) -> NDArray[np.bool_]:
    """Core pixels whose colour is far from their class's (and, in classes that vary, nearer another's)."""
    distance = np.linalg.norm(warp[None, :, :, :] - colours[:, None, None, :], axis=-1)
    separations = [np.linalg.norm(colours[a] - colours[b]) for a in range(len(colours))
                   for b in range(len(colours)) if a != b]
    threshold = max(DIFFERENCE_FLOOR, DIFFERENCE_SHARE * min(separations)) if separations else DIFFERENCE_FLOOR
    different = np.zeros(warp.shape[:2], bool)
    for k in range(len(colours)):
        own = distance[k]
        core = cores[k] & visible
        if not core.any():
            continue
        far = core & (own > threshold)
        if np.median(own[core]) > 0.5 * threshold:  # a class that varies: the background shows through
            far &= (distance < own[None]).any(axis=0)
        different |= far
    return different


def _local_background(warp: NDArray[np.float32], zone: NDArray[np.bool_], sigma: float) -> NDArray[np.float32]:
    """The zone's colours smoothed within the zone (normalised convolution): the background's slow changes."""
    import cv2

    weight = zone.astype(np.float32)
    total = cv2.GaussianBlur(weight, (0, 0), sigma)
    smooth = np.stack([cv2.GaussianBlur(warp[..., c] * weight, (0, 0), sigma) for c in range(3)], axis=-1)
    return np.asarray(smooth / np.maximum(total, 1e-6)[..., None], dtype=np.float32)


def _clear_space(warp: NDArray[np.float32], inside: NDArray[np.bool_], frame: Frame, margin_x: int,
                 margin_y: int, background: NDArray[np.float64], uniform: bool, gap: int
                 ) -> tuple[float, dict[str, float]]:
    """Share of content on the most intruded side of the clear-space zone, and the deepest reach per side."""
    import cv2

    height, width = warp.shape[:2]
    silhouette = _pad(frame.silhouette, margin_x, margin_y) > 0.5
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * gap + 1, 2 * gap + 1))
    zone = inside & ~(cv2.dilate(silhouette.astype(np.uint8), kernel) > 0)
    none = {side: 0.0 for side in SIDES}
    if zone.sum() < 10:
        return 0.0, none
    reference = background if uniform else _local_background(warp, zone, max(2.0, margin_y / 2))
    deviation = np.linalg.norm(warp - reference, axis=-1)
    spread = 1.4826 * float(np.median(np.abs(deviation[zone] - np.median(deviation[zone]))))
    content = zone & (deviation > max(CONTENT_FLOOR, CONTENT_NOISE * spread))
    content = cv2.morphologyEx(content.astype(np.uint8), cv2.MORPH_OPEN, np.ones((2, 2), np.uint8)) > 0
    ys, xs = np.mgrid[0:height, 0:width]
    # Corners belong to the top and bottom strips, so content there has one side.
    beside = (ys >= margin_y) & (ys < height - margin_y)
    strips = {"left": (xs < margin_x) & beside, "right": (xs >= width - margin_x) & beside,
              "top": ys < margin_y, "bottom": ys >= height - margin_y}
    share, depth = 0.0, dict(none)
    for side, strip in strips.items():
        area = int((zone & strip).sum())
        hits = content & strip
        if area == 0 or hits.sum() < SIDE_NOISE * area:
            continue
        share = max(share, float(hits.sum()) / area)
        hx, hy = xs[hits], ys[hits]
        # Measured to the centre of the deepest pixel, which a blurred edge only partly covers.
        reach = {"left": hx.max() + 0.5, "right": width - hx.min() - 0.5,
                 "top": hy.max() + 0.5, "bottom": height - hy.min() - 0.5}
        depth[side] = float(reach[side])
    return share, depth


def _altered_share(different: NDArray[np.bool_], frame: Frame, refs: References, cores: NDArray[np.bool_],
                   visible: NDArray[np.bool_]) -> float:
    """Share of the visible artwork that differs, each part's share judged on its core.

    Blurred edges cannot be judged, so each part's core stands for the whole part;
    parts too thin to have a core count as unchanged.
    """
    silhouette = (frame.silhouette > 0.5) & visible
    total = float(silhouette.sum())
    if total <= 0:
        return 0.0
    changed = 0.0
    for p, k in enumerate(refs.part_class):
        part = (frame.parts == p) & visible
        core = part & cores[k]
        if core.sum() >= MIN_CORE_PIXELS:
            changed += float((different & core).sum()) / float(core.sum()) * float(part.sum())
    return min(1.0, changed / total)


def _covered(different: NDArray[np.bool_], frame: Frame, visible: NDArray[np.bool_], sigma: float
             ) -> NDArray[np.bool_]:
    """The visible artwork under broad difference blobs that reach the artwork's outline.

    Thin bands (an outline drawn round the badge) are alterations, not covers, so
    blobs are opened with a kernel wider than such a band before they count.
    """
    import cv2

    silhouette = frame.silhouette > 0.5
    area = float((silhouette & visible).sum())
    if area <= 0 or not different.any():
        return np.zeros(different.shape, bool)
    bridge = max(1, math.ceil(2.0 * sigma)) + 1
    joined = cv2.morphologyEx(different.astype(np.uint8), cv2.MORPH_CLOSE,
                              cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * bridge + 1, 2 * bridge + 1)))
    broad = max(3, round(COVER_MIN_WIDTH * frame.height))
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * broad + 1, 2 * broad + 1))
    blobs = cv2.morphologyEx(joined, cv2.MORPH_OPEN, kernel).astype(bool) & silhouette & visible
    count, labels = cv2.connectedComponents(blobs.astype(np.uint8), connectivity=8)
    if count <= 1:
        return np.zeros(different.shape, bool)
    rim = silhouette & ~(_erode(silhouette.astype(np.uint8), kernel) > 0)
    touching = np.unique(labels[rim & (labels > 0)])
    covered = np.isin(labels, touching[touching > 0]).astype(np.uint8)
    # Give back the blurred edges the cores left out.
    grow = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * bridge + 1, 2 * bridge + 1))
    return np.asarray(cv2.dilate(covered, grow).astype(bool) & silhouette & visible)


def measure(pyramid: ImagePyramid, pose: Pose, refs: References, spec: Spec) -> PixelMeasurements:
    """Measure a mark registered at ``pose`` against the kit's artwork and spec."""
    import cv2

    frame = refs.measure
    ratio = spec.clear_space_ratio
    width_px, height_px = pose.width, pose.height
    margin_y = max(2, round(ratio * frame.height))
    margin_x = max(2, round(ratio * height_px * frame.width / max(width_px, 1e-6)))
    warp, inside, factor = _warp_extended(pyramid, pose, frame, margin_x, margin_y)
    sigma = _blur_sigma(frame, height_px * factor)
    visible = inside[margin_y:-margin_y, margin_x:-margin_x]
    core_warp = warp[margin_y:-margin_y, margin_x:-margin_x]

    # Unmix class colours (plus the background just outside the outline).
    classes = np.concatenate([frame.classes, (1.0 - frame.silhouette)[None]], axis=0)
    padded = np.stack([_pad(c, margin_x, margin_y, 1.0 if i == len(classes) - 1 else 0.0)
                       for i, c in enumerate(classes)])
    blends = np.stack([cv2.GaussianBlur(c, (0, 0), sigma) for c in padded])
    gap = max(1, math.ceil(1.5 * sigma))
    near = cv2.dilate((_pad(frame.silhouette, margin_x, margin_y) > 0).astype(np.uint8),
                      np.ones((2 * gap + 1, 2 * gap + 1), np.uint8)) > 0
    unmixed = _unmix(warp, blends, near & inside)
    outline_background = unmixed[-1]
    # A light erosion keeps the centres of letters' strokes, so thin parts have a say too.
    cores = _cores(frame, sigma / 2)
    part_colours = _part_colours(core_warp, refs, cores, visible)
    class_colours = _class_colours(refs, part_colours, unmixed[:-1])

    # Background: the clear-space zone outside the outline.
    zone_mask = inside & ~near
    if zone_mask.sum() >= 10:
        zone_pixels = warp[zone_mask]
        background = np.median(zone_pixels, axis=0)
        luminance = relative_luminance(zone_pixels)
        q1, q3 = np.percentile(luminance, [25, 75])
        background_luminance = float(np.median(luminance))
        variation = float((q3 - q1) / 1.349)
    else:
        background = outline_background
        background_luminance = float(relative_luminance(background))
        variation = 0.0
    kind = _background_kind(spec, background_luminance, variation)
    outer_luminance = float(relative_luminance(class_colours[0]))

    shown_background = None if kind == "photo" else background
    distances = _palette_distances(refs, part_colours, shown_background)
    best = min(distances, key=lambda v: distances[v]) if distances else None

    # Judge each pixel against the approved colours when a variant fits; a recoloured
    # mark is judged against its own (agreed) colours instead.
    reference = class_colours
    if best is not None and distances[best] <= spec.scan.colour_tolerance_delta_e:
        expected = _expected(refs, best, shown_background)
        reference = np.array([class_colours[k] if e is None else e for k, e in enumerate(expected)])
    different = _differences(core_warp, reference, frame, cores, visible)
    altered = _altered_share(different, frame, refs, cores, visible)
    covered = _covered(different, frame, visible, sigma)
    artwork_seen = float(((frame.silhouette > 0.5) & visible).sum())
    hidden = [bool((covered & (frame.parts == p)).sum() > 0.5 * max(1, ((frame.parts == p) & visible).sum()))
              for p in range(len(refs.part_class))]
    off_palette = _off_palette(refs, best, part_colours, shown_background, hidden) if best else 0.0

    uniform = variation < UNIFORM_VARIATION
    share, depth = _clear_space(warp, inside, frame, margin_x, margin_y, background, uniform, gap)
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
        covered_fraction=round(float(covered.sum()) / artwork_seen, 4) if artwork_seen else 0.0,
    )
