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
from ...kit.colour import contrast_ratio, delta_e, relative_luminance, srgb_to_lab
from .model import PixelMeasurements, Pose
from .references import Frame, References
from .verify import ImagePyramid, disk
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
CONTENT_EDGE = 20.0         # colour change (levels per source pixel) of an edge of content in the clear space
SHARP_BORDER = 0.5          # share of an off-colour area's border that must be a sharp edge for it to be content
FLAT_PERCENTILE = 80.0      # share (%) of a background that decides whether it is flat...
FLAT_DELTA_E = 6.0          # the same for colours seen through knock-outs, in delta E
OUTLINE_BLUR_PX = 1.0       # source pixels the mark's own outline is blurred over
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
    colours: NDArray[np.float64] = np.zeros((blends.shape[0], 3))
    for _ in range(2):
        colours = np.asarray(np.linalg.lstsq(design[keep], target[keep], rcond=None)[0], dtype=np.float64)
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
                 surroundings: NDArray[np.float64], hidden: list[bool]) -> float:
    """Largest delta E from a seen, uncovered part's colour to what ``variant`` shows there.

    Painted parts are compared with the variant's paints (any of them: which
    colour sits where is the altered measure's business, so a mark with a part
    removed is not "recoloured"). Knocked-out parts show the background, which on
    a photograph varies: on a flat background they are compared with the colours
    around the mark (``surroundings``, CIELAB), all but the rarest of them, and
    on a varied one they are not judged.
    """
    paints = [np.asarray(paint, np.float64) for paint in refs.palette(variant) if paint is not None]
    paint_lab = srgb_to_lab(np.array(paints))
    flat = bool(len(surroundings)) and _is_flat_lab(surroundings)
    worst = 0.0
    for p, colour in enumerate(part_colours):
        if colour is None or hidden[p]:
            continue
        lab = srgb_to_lab(colour)
        distance = float(delta_e(lab[None], paint_lab).min())
        if refs.palette(variant)[refs.part_class[p]] is None:
            if not flat:
                continue  # knocked out over a varied background: it may show anything
            around = delta_e(lab[None], surroundings)
            distance = min(distance, float(np.percentile(around, SURROUNDING_PERCENTILE)))
        worst = max(worst, distance)
    return worst


def _close(colour: NDArray[np.float64], expected: NDArray[np.float64], spec: Spec) -> bool:
    return float(delta_e(srgb_to_lab(colour), srgb_to_lab(expected))) <= spec.scan.colour_tolerance_delta_e


def _is_flat_lab(lab: NDArray[np.float64]) -> bool:
    """Whether colours (CIELAB) are one flat colour, bar a few."""
    spread = delta_e(lab, np.median(lab, axis=0)[None])
    return float(np.percentile(spread, FLAT_PERCENTILE)) < FLAT_DELTA_E


def _is_flat(rgb: NDArray[np.float32]) -> bool:
    return _is_flat_lab(srgb_to_lab(rgb[::SURROUNDING_STEP].astype(np.float64)))


def _weighted_percentile(values: list[float], weights: list[float], percentile: float) -> float:
    order = np.argsort(values, kind="stable")
    cumulative = np.cumsum(np.asarray(weights)[order])
    index = int(np.searchsorted(cumulative, percentile / 100.0 * cumulative[-1]))
    return float(np.asarray(values)[order][min(index, len(values) - 1)])


def _cores(frame: Frame, sigma: float) -> NDArray[np.bool_]:
    """Per class, pixels far enough from other classes that blur cannot reach them."""

    radius = max(1, math.ceil(2.0 * sigma))
    kernel = disk(radius)
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
                 cores: NDArray[np.bool_], visible: NDArray[np.bool_], varying: list[bool]) -> NDArray[np.bool_]:
    """Core pixels whose colour is far from their class's.

    In a ``varying`` class (knocked out over a varied background) a pixel must
    also look like another class (be within the noise floor of its colour) to count.
    """
    distance = np.linalg.norm(warp[None, :, :, :] - colours[:, None, None, :], axis=-1)
    separations = [np.linalg.norm(colours[a] - colours[b]) for a in range(len(colours))
                   for b in range(len(colours)) if a != b]
    threshold = max(DIFFERENCE_FLOOR, DIFFERENCE_SHARE * min(separations)) if separations else DIFFERENCE_FLOOR
    different = np.zeros(warp.shape[:2], bool)
    for k in range(len(colours)):
        core = cores[k] & visible
        if not core.any():
            continue
        far = core & (distance[k] > threshold)
        if varying[k]:
            others = np.delete(distance, k, axis=0)
            far &= (others < DIFFERENCE_FLOOR).any(axis=0)
        different |= far
    return different


def _edge_strength(warp: NDArray[np.float32], source_px_per_frame_px: float) -> NDArray[np.float32]:
    """Steepest colour change at each pixel, in levels per source pixel (any channel)."""
    import cv2

    strongest = np.zeros(warp.shape[:2], np.float32)
    for c in range(3):
        dx = cv2.Sobel(warp[..., c], cv2.CV_32F, 1, 0, ksize=3, scale=0.125)
        dy = cv2.Sobel(warp[..., c], cv2.CV_32F, 0, 1, ksize=3, scale=0.125)
        strongest = np.maximum(strongest, cv2.magnitude(dx, dy))
    return np.asarray(strongest / max(source_px_per_frame_px, 1e-6), dtype=np.float32)


def _sharp_regions(warp: NDArray[np.float32], zone: NDArray[np.bool_], background: NDArray[np.float64],
                   edges: NDArray[np.bool_]) -> NDArray[np.bool_]:
    """Areas of the zone off the background's colour whose borders are sharp (a solid block, not shading)."""
    import cv2

    deviation = np.linalg.norm(warp - background, axis=-1)
    typical = float(np.median(deviation[zone]))
    spread = 1.4826 * float(np.median(np.abs(deviation[zone] - typical)))
    off = (zone & (deviation > max(CONTENT_FLOOR, CONTENT_NOISE * spread))).astype(np.uint8)
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


def _clear_space(warp: NDArray[np.float32], inside: NDArray[np.bool_], frame: Frame, margin_x: int,
                 margin_y: int, background: NDArray[np.float64], gap: int, source_px_per_frame_px: float
                 ) -> tuple[float, dict[str, float], NDArray[np.bool_]]:
    """Share of content on the most intruded side of the clear-space zone, the deepest reach per side,
    and where the content is.

    Content is what has sharp edges (text, rules, the border of a box), which a
    photograph's soft shading and grain do not; on a flat background anything
    clearly off its colour counts too (the inside of a solid block).
    """
    import cv2

    height, width = warp.shape[:2]
    silhouette = _pad(frame.silhouette, margin_x, margin_y) > 0.5
    kernel = disk(gap)
    zone = inside & ~(cv2.dilate(silhouette.astype(np.uint8), kernel) > 0)
    none = {side: 0.0 for side in SIDES}
    if zone.sum() < 10:
        return 0.0, none, np.zeros(zone.shape, bool)
    edges = _edge_strength(warp, source_px_per_frame_px) > CONTENT_EDGE
    content = edges & zone
    content |= _sharp_regions(warp, zone, background, edges)
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
    return share, depth, content


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


def _covered(different: NDArray[np.bool_], warp: NDArray[np.float32], frame: Frame, visible: NDArray[np.bool_],
             sigma: float, varying: list[bool]) -> NDArray[np.bool_]:
    """The visible artwork under broad difference blobs that reach the artwork's outline.

    A blob also takes in the pixels next to it of its own colour in ``varying``
    classes (knock-outs over a varied background, where differences cannot be
    told), so a sticker is covered where it lies over a knock-out too. Thin bands (an outline drawn round
    the badge) are alterations, not covers: blobs are opened with a kernel wider
    than such a band before they count.
    """
    import cv2

    silhouette = frame.silhouette > 0.5
    nothing = np.zeros(different.shape, bool)
    if not (silhouette & visible).any() or different.sum() < MIN_CORE_PIXELS:
        return nothing
    bridge = max(1, math.ceil(2.0 * sigma)) + 1
    bridging = disk(bridge)
    seeds = cv2.morphologyEx(different.astype(np.uint8), cv2.MORPH_CLOSE, bridging) > 0
    unjudged = np.zeros(different.shape, bool)
    for k, varies in enumerate(varying):
        if varies:
            unjudged |= frame.classes[k] >= 0.5
    alike = unjudged & (np.linalg.norm(warp - np.median(warp[different], axis=0), axis=-1) < DIFFERENCE_FLOOR)
    grown = (seeds | alike) & silhouette & visible
    _, labels = cv2.connectedComponents(grown.astype(np.uint8), connectivity=8)
    seeded = np.unique(labels[seeds & grown])
    # The rim is as wide as the band cores and bridging leave out along the outline.
    rim_kernel = disk(2 * bridge)
    rim = silhouette & ~(_erode(silhouette.astype(np.uint8), rim_kernel) > 0)
    touching = np.unique(labels[rim & grown])
    reaching = np.intersect1d(seeded[seeded > 0], touching[touching > 0])
    covering = np.isin(labels, reaching).astype(np.uint8)
    broad = max(3, round(COVER_MIN_WIDTH * frame.height))
    kernel = disk(broad)
    broad_parts = cv2.morphologyEx(covering, cv2.MORPH_OPEN, kernel)
    # Give back the narrow strips joining the broad parts (and the blurred edges the cores left out).
    return np.asarray((cv2.dilate(broad_parts, kernel) > 0) & (cv2.dilate(covering, bridging) > 0)
                      & silhouette & visible)


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

    # Background: the clear-space zone outside the outline, less any content in it.
    zone_mask = inside & ~near
    background: NDArray[np.float64] = (np.median(warp[zone_mask], axis=0).astype(np.float64)
                                       if zone_mask.sum() >= 10 else outline_background)
    source_px = height_px * factor / frame.height
    # The artwork's own blurred outline (and the edge filter's reach) is not content.
    outline_gap = max(gap, math.ceil((OUTLINE_BLUR_PX + 1.5) / max(source_px, 1e-6)))
    share, depth, content = _clear_space(warp, inside, frame, margin_x, margin_y, background, outline_gap,
                                         source_px)
    clean = zone_mask & ~(cv2.dilate(content.astype(np.uint8), np.ones((5, 5), np.uint8)) > 0)
    if clean.sum() >= 10:
        background = np.median(warp[clean], axis=0).astype(np.float64)
        luminance = relative_luminance(warp[clean])
        background_luminance = float(np.median(luminance))
        variation = float(luminance.std())
    else:
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
    varying = [False] * len(class_colours)
    if best is not None and distances[best] <= spec.scan.colour_tolerance_delta_e:
        flat = _is_flat(warp[clean]) if clean.any() else True
        expected = _expected(refs, best, background if flat else None)
        # Each class's own colour where it is close enough to the expected one (so small
        # shifts from printing or compression are not differences), else the expected one.
        reference = np.array([class_colours[k] if e is None or _close(class_colours[k], e, spec) else e
                              for k, e in enumerate(expected)])
        varying = [e is None for e in expected]
    different = _differences(core_warp, reference, frame, cores, visible, varying)
    covered = _covered(different, core_warp, frame, visible, sigma, varying)
    # What something else covers is not an alteration of the artwork.
    altered = _altered_share(different & ~covered, frame, refs, cores, visible & ~covered)
    artwork_seen = float(((frame.silhouette > 0.5) & visible).sum())
    hidden = [bool((covered & (frame.parts == p)).sum() > 0.5 * max(1, ((frame.parts == p) & visible).sum()))
              for p in range(len(refs.part_class))]
    surroundings = srgb_to_lab(warp[clean][::SURROUNDING_STEP].astype(np.float64)) if clean.any() \
        else srgb_to_lab(np.asarray(background, np.float64))[None]
    off_palette = _off_palette(refs, best, part_colours, surroundings, hidden) if best else 0.0

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
