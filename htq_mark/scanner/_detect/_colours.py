"""Colours of a registered mark: its classes' colours, the variant they fit, the background's kind."""

from __future__ import annotations

import functools

import numpy as np
from numpy.typing import NDArray

from ...kit import Spec
from ...kit._colour import delta_e, srgb_to_lab
from ._frame_masks import _Cores, _layout, MIN_CORE_PIXELS, _part_sizes
from ._pixels import _grouped_medians, _lab_of_levels, _Pixels, _read_only, _row_norms
from .references import Frame, References
from .statistics import column_medians, row_percentiles


UNMIX_STEP = 5              # unmix colours from every fifth pixel
OUTLIER_SHARE = 0.15        # share of worst-fitting pixels ignored when unmixing colours
PALETTE_PERCENTILE = 50.0   # the share of the artwork (by area, %) whose colours must fit a variant
SURROUNDING_PERCENTILE = 5.0  # a knocked-out part shows the background if it is as close as this share (%) of it
SURROUNDING_STEP = 7          # every few pixels of the surroundings are enough
PART_AGREEMENT = 40.0       # RGB distance within which two parts' colours agree
FLAT_PERCENTILE = 80.0      # share (%) of a background that decides whether it is flat...
FLAT_DELTA_E = 6.0          # the same for colours seen through knock-outs, in delta E
THIN_STROKE_PX = 4.0        # source px: strokes this thin lose their colour to JPEG's half-resolution chroma...
FADED_KEEPS = 0.4           # ...a painted one keeping at least this share of its chroma (grey is a recolouring)


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
                 surroundings: NDArray[np.float64], flat: bool, hidden: NDArray[np.bool_],
                 thin: NDArray[np.bool_] | None = None, *, faded_paints: bool = False) -> float:
    """Largest delta E from a seen, uncovered part's colour to what ``variant`` shows there.

    Painted parts are compared with the variant's paints (any of them: which
    colour sits where is the altered measure's business, so a mark with a part
    removed is not "recoloured"). Knocked-out parts show the background, which on
    a photograph varies: on a ``flat`` background they are compared with the colours
    around the mark (``surroundings``, CIELAB), all but the rarest of them, and
    on a varied one they are not judged. A ``thin`` knocked-out part (letters whose
    strokes JPEG's half-resolution colour cannot resolve) may show the background's
    colour faded towards grey at its lightness; with ``faded_paints`` (a soft,
    enlarged picture, whose thin strokes were thinner still when it was encoded), a
    thin painted part may show its own paint so faded, keeping at least FADED_KEEPS
    of its chroma.
    """
    paints = _paint_labs(refs)[variant]
    painted = ~np.isnan(paints[:, 0])
    judged = seen & ~hidden
    lab = part_lab[judged]
    distance = delta_e(lab[:, None], paints[painted][None]).min(axis=1)
    classes = np.asarray(refs.part_class)[judged]
    knocked_out = ~painted[classes]
    if faded_paints and thin is not None and (faded := thin[judged] & ~knocked_out).any():
        own = paints[classes[faded]]  # faded from its own paint, not another's
        distance[faded] = np.minimum(distance[faded], _faded_distance(lab[faded], own, FADED_KEEPS))
    if knocked_out.any():
        if flat:
            around = row_percentiles(delta_e(lab[knocked_out][:, None], surroundings[None]), SURROUNDING_PERCENTILE)
            if thin is not None and (faded := thin[judged][knocked_out]).any():
                typical = column_medians(surroundings)
                around[faded] = np.minimum(around[faded], _faded_distance(lab[knocked_out][faded], typical))
            distance[knocked_out] = np.minimum(distance[knocked_out], around)
        else:
            distance = distance[~knocked_out]  # knocked out over a varied background: it may show anything
    return float(distance.max()) if len(distance) else 0.0


def _faded_distance(lab: NDArray[np.float64], background: NDArray[np.float64], least: float = 0.0
                    ) -> NDArray[np.float64]:
    """Delta E from each colour (CIELAB rows) to ``background`` (one colour, or one per row) with its chroma
    faded by the share that fits best, keeping at least ``least`` of it."""
    background = np.broadcast_to(background, lab.shape)
    chroma = background[:, 1:]
    norm = np.einsum("ij,ij->i", chroma, chroma)
    fit = np.einsum("ij,ij->i", lab[:, 1:], chroma) / np.where(norm > 0, norm, 1.0)
    keep = np.where(norm > 0, np.clip(fit, least, 1.0), 0.0)  # no chroma to fade: nothing kept either way
    faded = np.column_stack((background[:, 0], keep[:, None] * chroma))
    return delta_e(lab, faded)


@functools.lru_cache(maxsize=4)
def _stroke_widths(refs: References) -> NDArray[np.float64]:
    """Per part, the width of its strokes in the measuring frame (px): twice its area over its border."""
    import cv2

    parts = refs.measure.parts
    widths = np.zeros(len(refs.part_class))
    for p in range(len(refs.part_class)):
        mask = np.asarray(parts == p, dtype=np.uint8)
        inner = np.asarray(cv2.erode(mask, np.ones((3, 3), np.uint8), borderType=cv2.BORDER_CONSTANT, borderValue=0),
                           dtype=np.uint8)
        border = int(np.count_nonzero(mask > inner))
        widths[p] = 2.0 * float(np.count_nonzero(mask)) / float(max(1, border))
    return _read_only(widths)


def _thin_parts(refs: References, source_px_per_frame_px: float) -> NDArray[np.bool_]:
    """Parts whose strokes are at most THIN_STROKE_PX source pixels wide."""
    return np.asarray(_stroke_widths(refs) * source_px_per_frame_px <= THIN_STROKE_PX)


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


def _surroundings(pixels: _Pixels, clean: NDArray[np.intp], background_lab: NDArray[np.float64]
                  ) -> NDArray[np.float64]:
    """Colours (CIELAB) of every few pixels of the clean background (flat indices); the background's own if none."""
    if len(clean):
        return _lab_of_levels(pixels.at(clean[::SURROUNDING_STEP]))
    return background_lab[None]
