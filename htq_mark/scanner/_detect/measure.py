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

Each step lives in its own module: ``_pixels`` (the warped pixels and colour
look-ups), ``_frame_masks`` (the artwork's masks), ``_colours`` (class colours and
the variant they fit), ``_clear_space`` and ``_alterations``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import NDArray

from ...kit import Spec
from ...kit._colour import contrast_ratio, delta_e, relative_luminance, srgb_to_lab
from ._alterations import _altered_share, _covered, _differences, _element_shares, _side_of, ElementShares
from ._blur import fitted_blur
from ._clear_space import _clear_space_content
from ._colours import (_agreed_colours, _background_kind, _class_colours, _expected, _expected_lab, _is_flat_lab,
                       _knockout_disagreement, _knockouts_flat, _off_palette, _palette_distances, _part_colours,
                       _part_labs, _surroundings, _thin_parts, _unmixed)
from ._frame_masks import _beyond, _core_radius, _Cores, _cores, _far, _in_image, _near, _part_counts, _silhouette
from ._pixels import _luminance, _median_colour, _Pixels, _warp_extended
from .model import PixelMeasurements, Pose
from .references import Frame, References
from .statistics import median, std
from .verify import SOURCE_BLUR, ImagePyramid, shown_pixels

__all__ = ["measure"]

OUTLINE_BLUR_PX = 1.0       # source pixels the mark's own outline is blurred over
BLUR_GAIN = 1.4             # a mark judged off is measured again if it is at least this much softer than assumed
TOUCHING_BAND = 2           # frame px beyond the outline's gap where content touches the artwork


def _blur_sigma(frame: Frame, height_px: float) -> float:
    return max(0.5, SOURCE_BLUR * frame.height / max(height_px, 1.0))


@dataclass(frozen=True, eq=False)
class _Warped:
    """The image around a registered mark, in its measuring frame grown by the clear-space margins."""

    pixels: _Pixels                 # the whole warp
    core: _Pixels                   # the artwork's frame alone
    inside: NDArray[np.bool_]       # pixels of the warp that lie in the image
    visible: NDArray[np.bool_]      # pixels of the artwork's frame that are shown (in the image, not framed out)
    margin_x: int
    margin_y: int
    sigma: float                    # blur of the mark, in frame px
    source_px: float                # source px per frame px
    soft: bool = False              # its blur was fitted from its pixels: an enlarged small picture


def _warp(pyramid: ImagePyramid, pose: Pose, frame: Frame, ratio: float) -> _Warped:
    width_px, height_px = pose.width, pose.height
    margin_y = max(2, round(ratio * frame.height))
    margin_x = max(2, round(ratio * height_px * frame.width / max(width_px, 1e-6)))
    rgb, inside, factor = _warp_extended(pyramid, pose, frame, margin_x, margin_y)
    pixels = _Pixels.of(rgb)
    visible = inside[margin_y:-margin_y, margin_x:-margin_x]
    if pose.shown is not None:  # the rest is hidden (a frame, a cover): not judged, reported as hidden
        visible = visible & shown_pixels(frame, pose.shown).reshape(visible.shape)
    return _Warped(pixels, pixels.crop(margin_x, margin_y), inside, visible, margin_x, margin_y,
                   _blur_sigma(frame, height_px * factor), height_px * factor / frame.height)


@dataclass(frozen=True, eq=False)
class _Background:
    """The background around the mark and the content in its clear space."""

    colour: NDArray[np.float64]
    luminance: float
    variation: float
    kind: str
    clean_pixels: NDArray[np.intp]  # flat indices of the zone's pixels clear of content
    intrusion: float                # the largest share of a side's strip that content covers
    depth: dict[str, float]         # per side, how deep solid content reaches (frame px)
    touched: bool                   # content right beside the artwork's outline (it may lie over the artwork)


def _background(warped: _Warped, frame: Frame, spec: Spec, unmixed: NDArray[np.float64] | None,
                zone_mask: NDArray[np.bool_], zone_pixels: NDArray[np.intp], gap: int) -> _Background:
    """The clear-space zone outside the outline, less any content in it."""
    import cv2

    rgb = warped.pixels.rgb
    background = unmixed[-1] if unmixed is not None and len(zone_pixels) < 10 else _median_colour(rgb, zone_mask)
    # The artwork's own blurred outline (and the edge filter's reach) is not content.
    outline_gap = max(gap, math.ceil((OUTLINE_BLUR_PX + 1.5) / max(warped.source_px, 1e-6)))
    share, depth, content = _clear_space_content(warped.pixels, warped.inside, frame, warped.margin_x,
                                                 warped.margin_y, background, outline_gap, warped.source_px)
    has_content = bool(content.any())
    clean, clean_pixels = zone_mask, zone_pixels
    if has_content:
        clean = zone_mask & ~(cv2.dilate(content.astype(np.uint8), np.ones((5, 5), np.uint8)) > 0)
        clean_pixels = np.flatnonzero(clean)
    if len(clean_pixels) >= 10:
        if has_content:  # else the background is already the zone's median
            background = _median_colour(rgb, clean)
        luminance = _luminance(warped.pixels.rgba_at(clean_pixels))
        background_luminance = median(luminance)
        variation = std(luminance)
    else:
        background_luminance = float(relative_luminance(background))
        variation = 0.0
    kind = _background_kind(spec, background_luminance, variation)
    touched = has_content and bool(
        (content & ~_beyond(frame, warped.margin_x, warped.margin_y, outline_gap + TOUCHING_BAND)).any())
    return _Background(background, background_luminance, variation, kind, clean_pixels, share, depth, touched)


@dataclass(frozen=True, eq=False)
class _Judged:
    """What the pixels of the artwork say: the variant they fit, how far off it, what differs and is covered."""

    best_variant: str | None
    off_palette: float
    altered: float
    missing: float
    recoloured: float
    covered: NDArray[np.bool_]


def _judge(warped: _Warped, refs: References, spec: Spec, cores: _Cores,
           part_colours: list[NDArray[np.float64] | None], class_colours: NDArray[np.float64],
           agreed: list[NDArray[np.float64] | None], background: _Background) -> _Judged:
    """Judge each pixel against the approved colours when a variant fits; a recoloured
    mark is judged against its own (agreed) colours instead."""
    core, visible, frame = warped.core, warped.visible, refs.measure
    part_lab, seen = _part_labs(part_colours)
    background_lab = srgb_to_lab(background.colour)
    distances = _palette_distances(refs, part_lab, seen, None if background.kind == "photo" else background_lab)
    best = min(distances, key=lambda v: distances[v]) if distances else None
    surroundings = _surroundings(warped.pixels, background.clean_pixels, background_lab)
    flat = _is_flat_lab(surroundings)

    reference = class_colours
    varying = [False] * len(class_colours)
    if best is not None and distances[best] <= spec.scan.colour_tolerance_delta_e:
        expected = _expected(refs, best, background.colour if flat else None)
        shift = delta_e(srgb_to_lab(class_colours), _expected_lab(refs, best, background_lab if flat else None))
        # Each class's own colour where it is close enough to the expected one (so small
        # shifts from printing or compression are not differences), else the expected one.
        reference = np.array([class_colours[k] if e is None or shift[k] <= spec.scan.colour_tolerance_delta_e else e
                              for k, e in enumerate(expected)])
        varying = [e is None for e in expected]
    different = _differences(core, reference, cores, visible, varying)
    covered = _covered(different, core, frame, visible, warped.sigma, varying)
    anything_covered = bool(covered.any())
    # What something else covers is not judged: neither an alteration of the artwork nor an element removed.
    judged_different, in_view = (different & ~covered, visible & ~covered) if anything_covered else (different, visible)
    altered = _altered_share(judged_different, refs, cores, in_view)
    # Something touching the outline may reach over the artwork, where it looks like an element painted over:
    # elements are judged missing only on a mark with nothing beside it (usually reported as clear-space content).
    # On a mark below the smallest size allowed (a small picture enlarged counts as small) a tone curve or
    # a threshold can wash a thin part's few pixels out as a removal would: parts are judged by their pixels
    # on marks at least that wide only.
    wide_enough = frame.width * warped.source_px >= spec.minimum_width_px
    elements = ElementShares(0.0, 0.0) if background.touched else _element_shares(
        core, reference, refs, cores, judged_different, in_view, varying, warped.sigma,
        class_colours if wide_enough else None)
    hidden = (_part_counts(refs, covered) > 0.5 * np.maximum(1, _part_counts(refs, visible)) if anything_covered
              else np.zeros(len(refs.part_class), bool))
    off_palette = (_off_palette(refs, best, part_lab, seen, surroundings, flat, hidden,
                                _thin_parts(refs, warped.source_px), faded_paints=warped.soft) if best else 0.0)
    if best:
        # Every knock-out shows the same background: where each shows one flat colour they
        # must agree, however close each is to some colour around the mark. (A greyscale
        # copy of the colour mark, taken for the black one, has white and grey knock-outs.)
        judged_agreed = agreed if not hidden.any() else _agreed_colours(
            refs, [None if hidden[p] else c for p, c in enumerate(part_colours)])
        disagreement = _knockout_disagreement(refs, best, judged_agreed)
        if disagreement > off_palette and _knockouts_flat(core, refs, cores, best, seen & ~hidden, visible):
            off_palette = disagreement
    return _Judged(best, off_palette, altered, elements.missing, elements.recoloured, covered)


def _hidden(covered: NDArray[np.bool_], visible: NDArray[np.bool_], frame: Frame, pose: Pose
            ) -> tuple[float, str | None]:
    """The share of the artwork hidden (covered, or beyond a frame's edge) and the side it is hidden on."""
    artwork_seen = float(np.count_nonzero(_silhouette(frame) & visible))
    covered_share = float(np.count_nonzero(covered)) / artwork_seen if artwork_seen else 0.0
    covered_side = _side_of(covered) if covered.any() else None
    framed = pose.hidden_share  # hidden beyond the visible part's outline: not judged above, but hidden all the same
    if framed > 0:
        covered_side = pose.hidden_side if framed >= (1.0 - framed) * covered_share else covered_side
        covered_share = framed + (1.0 - framed) * covered_share
    return covered_share, covered_side


def measure(pyramid: ImagePyramid, pose: Pose, refs: References, spec: Spec) -> PixelMeasurements:
    """Measure a mark registered at ``pose`` against the kit's artwork and spec.

    A mark that measures off its colours or altered is measured again with the blur
    its pixels show, if that is well above the blur assumed for its size: an
    enlarged small picture of the mark is soft, not recoloured.
    """
    frame = refs.measure
    warped = _warp(pyramid, pose, frame, spec.clear_space_ratio)
    measured = _measured(warped, pose, refs, spec)
    if measured.palette_distance > spec.scan.colour_tolerance_delta_e \
            or measured.altered_difference > spec.scan.altered_max_difference \
            or max(measured.missing_part, measured.recoloured_part) > spec.scan.altered_max_missing_part:
        blur = fitted_blur(warped.pixels, warped.inside, frame, warped.margin_x, warped.margin_y, warped.sigma)
        if blur >= BLUR_GAIN * warped.sigma:
            # As soft as a picture with fewer pixels: so much less detail is resolved, colour included.
            measured = _measured(replace(warped, sigma=blur, source_px=warped.source_px * warped.sigma / blur,
                                         soft=True), pose, refs, spec)
    return measured


def _measured(warped: _Warped, pose: Pose, refs: References, spec: Spec) -> PixelMeasurements:
    """The measurements of the mark ``warped`` shows, taking it to be as blurred as ``warped.sigma`` says."""
    frame = refs.measure
    ratio = spec.clear_space_ratio
    margin_x, margin_y, sigma = warped.margin_x, warped.margin_y, warped.sigma

    # Class colours from their parts' cores; a light erosion keeps the centres of letters'
    # strokes, so thin parts have a say too.
    cores = _cores(refs, _core_radius(sigma / 2))
    part_colours = _part_colours(warped.core, refs, cores, warped.visible)
    gap = max(1, math.ceil(1.5 * sigma))
    near = _near(frame, margin_x, margin_y, gap)
    zone_mask, zone_pixels = _in_image(warped.inside, bool(warped.inside.all()), *_far(frame, margin_x, margin_y, gap))
    # Unmixing gives the colours of classes no part shows, and the background just outside
    # the outline, which stands in when there is no clear space to see the background in.
    shown = {refs.part_class[p] for p, colour in enumerate(part_colours) if colour is not None}
    unmixed = (_unmixed(warped.pixels, frame, margin_x, margin_y, sigma, near & warped.inside)
               if len(shown) < refs.class_count or len(zone_pixels) < 10 else None)
    agreed = _agreed_colours(refs, part_colours)
    class_colours = _class_colours(refs, agreed, unmixed)

    background = _background(warped, frame, spec, unmixed, zone_mask, zone_pixels, gap)
    judged = _judge(warped, refs, spec, cores, part_colours, class_colours, agreed, background)
    covered_share, covered_side = _hidden(judged.covered, warped.visible, frame, pose)

    outer_luminance = float(relative_luminance(class_colours[0]))
    px_per_frame_x = pose.width / frame.width
    px_per_frame_y = pose.height / frame.height
    depth_px = {side: round(value * (px_per_frame_x if side in ("left", "right") else px_per_frame_y), 2)
                for side, value in background.depth.items()}
    return PixelMeasurements(
        palette_distance=round(judged.off_palette, 2),
        best_variant=judged.best_variant,
        background_luminance=round(background.luminance, 4),
        background_variation=round(background.variation, 4),
        background_kind=background.kind,
        contrast_ratio=round(float(contrast_ratio(outer_luminance, background.luminance)), 3),
        clear_space_required_px=round(ratio * pose.height, 2),
        clear_space_intrusion=round(background.intrusion, 4),
        clear_space_intrusion_px=depth_px,
        altered_difference=round(judged.altered, 4),
        missing_part=round(judged.missing, 4),
        recoloured_part=round(judged.recoloured, 4),
        covered_fraction=round(covered_share, 4),
        covered_side=covered_side,
    )
