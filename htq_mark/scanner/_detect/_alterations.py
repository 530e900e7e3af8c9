"""Pixels of a registered mark that differ from their class: alterations, missing parts, and covers over the artwork."""

from __future__ import annotations

import functools
import math
from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

from ._frame_masks import CACHE_SIZE, _Cores, MIN_CORE_PIXELS, _part_counts, _rim, _silhouette
from ._pixels import _deviation, _median_colour, _Pixels
from .references import Frame, References
from .verify import disk


DIFFERENCE_FLOOR = 40.0     # RGB distance below which a pixel never counts as different (noise, JPEG)
DIFFERENCE_SHARE = 0.3      # ...and the share of the distance between class colours it must exceed
COVER_MIN_WIDTH = 0.06      # covering blobs are at least this share of the height across (outlines are thinner)
GROUND_RING = 0.03          # the ring a part's surrounding class is read in, as a share of the frame's height
GROUND_INSIDE = 0.99        # share of that ring inside the artwork for the part to have a surrounding class
# An element is judged missing only if it is in view with this margin (a share of the frame's height) all
# round: one next to a cover or the edge of what shows may be hidden (by more than the edge's estimate).
MISSING_IN_VIEW = 0.1
# ...and if the artwork around it is intact (at most this share of its cores differs): a removed element
# leaves the artwork around it as it was, something laid over the mark does not.
SURROUNDINGS_INTACT = 0.02
# Parts of one colour on the same ground that meet when each is grown by this share of the frame's height
# are one element (the title's words; the chevron and the subtitle beside it). An element is judged if its
# core has this many pixels: a thin line drawn across a smaller one can look like most of it gone.
ELEMENT_REACH = 0.15
MIN_ELEMENT_CORE = 80
# Each part is also judged by all its pixels, which a part too thin for a core (the subtitle's letters) has
# too: how much of its own colour they show against the colour around it, next to how much the artwork at
# the mark's blur would show. Blur and compression take a little away (a third at most on the evaluation
# sets); a removed part shows none. Less than this share missing counts as none.
FADED_PRESENT = 0.5
FADED_TOLD = 0.25           # ...judged only where the blurred artwork shows this much of a part's colour on average


def _difference_threshold(colours: NDArray[np.float64]) -> float:
    """The RGB distance from its class's colour beyond which a pixel differs."""
    # np.linalg.norm of a vector is the square root of its dot product with itself; the distance
    # either way round is the same.
    gaps = [colours[a] - colours[b] for a in range(len(colours)) for b in range(a + 1, len(colours))]
    separations = [math.sqrt(float(gap.dot(gap))) for gap in gaps]
    return max(DIFFERENCE_FLOOR, DIFFERENCE_SHARE * min(separations)) if separations else DIFFERENCE_FLOOR


def _differences(core: _Pixels, colours: NDArray[np.float64], cores: _Cores,
                 visible: NDArray[np.bool_], varying: list[bool]) -> NDArray[np.bool_]:
    """Core pixels whose colour is far from their class's.

    In a ``varying`` class (knocked out over a varied background) a pixel must
    also look like another class (be within the noise floor of its colour) to count.
    """
    threshold = _difference_threshold(colours)
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


@functools.lru_cache(maxsize=4)
def _parts_with_margin(refs: References) -> tuple[NDArray[np.bool_], ...]:
    """Per part, its pixels in the frame (flattened) grown by the in-view margin."""
    import cv2

    frame = refs.measure
    kernel = disk(max(1, round(MISSING_IN_VIEW * frame.height)))
    grown = []
    for part in range(len(refs.part_class)):
        mask = (cv2.dilate((frame.parts == part).astype(np.uint8), kernel) > 0).reshape(-1)
        mask.setflags(write=False)
        grown.append(mask)
    return tuple(grown)


@functools.lru_cache(maxsize=4)
def _grounds(refs: References) -> tuple[int | None, ...]:
    """Per part, the part of the artwork around it (what shows if the part is removed); None for a
    part along the artwork's outline (the background is around it)."""
    import cv2

    frame = refs.measure
    silhouette = frame.silhouette > 0.5
    kernel = disk(max(2, round(GROUND_RING * frame.height)))
    grounds: list[int | None] = []
    for part, own in enumerate(refs.part_class):
        mask = (frame.parts == part).astype(np.uint8)
        ring = (cv2.dilate(mask, kernel) > 0) & (mask == 0)
        inside = ring & silhouette
        if np.count_nonzero(inside) < GROUND_INSIDE * np.count_nonzero(ring):
            grounds.append(None)
            continue
        counts = np.bincount(frame.parts[inside & (frame.parts >= 0)], minlength=len(refs.part_class)).astype(float)
        counts[[q for q, k in enumerate(refs.part_class) if k == own]] = 0.0  # another class shows there
        grounds.append(int(np.argmax(counts)) if counts.max() > 0 else None)
    return tuple(grounds)


@functools.lru_cache(maxsize=4)
def _elements(refs: References) -> tuple[tuple[int, ...], ...]:
    """The parts that have a part around them, grouped into the artwork's elements: parts of one class on
    the same ground close together (a title's words) are one element."""
    import cv2

    frame, grounds = refs.measure, _grounds(refs)
    kernel = disk(max(1, round(ELEMENT_REACH * frame.height)))
    elements: list[tuple[int, ...]] = []
    for own in sorted(set(refs.part_class)):
        for ground in sorted({g for g in grounds if g is not None}):
            members = [p for p, (k, g) in enumerate(zip(refs.part_class, grounds)) if k == own and g == ground]
            if not members:
                continue
            mask = np.isin(frame.parts, members).astype(np.uint8)
            count, groups = cv2.connectedComponents(cv2.dilate(mask, kernel), connectivity=8)
            for group in range(1, count):
                inside = set(np.unique(frame.parts[(groups == group) & (mask > 0)]).tolist())
                elements.append(tuple(p for p in members if p in inside))
    return tuple(element for element in elements if element)


@functools.lru_cache(maxsize=CACHE_SIZE)
def _element_cores(cores: _Cores, refs: References) -> tuple[tuple[NDArray[np.intp], NDArray[np.intp]], ...]:
    """Per element, the flat indices of its parts' core pixels, and of the artwork it sits in: the core pixels
    of the part around it and of every other part within the margin of either (its own left out)."""
    labels = cores.parts[cores.part_pixels]
    grown, grounds = _parts_with_margin(refs), _grounds(refs)
    found = []
    for element in _elements(refs):
        own = np.isin(labels, [p + 1 for p in element])
        near = np.zeros(len(labels), bool)
        for part in element:  # every part of an element has a part around it (see _elements)
            ground = grounds[part]
            assert ground is not None
            near |= grown[part][cores.part_pixels] | (labels == ground + 1) | grown[ground][cores.part_pixels]
        pixels, context = cores.part_pixels[own], cores.part_pixels[near & ~own]
        pixels.setflags(write=False)
        context.setflags(write=False)
        found.append((pixels, context))
    return tuple(found)


class ElementShares(NamedTuple):
    """The largest share of one element of the artwork that shows something other than its own colour."""

    missing: float     # the colour of the part around it (removed, or painted over in that colour)
    recoloured: float  # another of the artwork's colours (the chevron painted white, the title amber)


def _element_shares(core: _Pixels, colours: NDArray[np.float64], refs: References, cores: _Cores,
                    different: NDArray[np.bool_], in_view: NDArray[np.bool_], varying: list[bool],
                    sigma: float, shown_colours: NDArray[np.float64] | None) -> ElementShares:
    """The largest share of one element that shows the colour of the part around it instead of its own
    (missing), and that shows another of the artwork's colours (recoloured).

    A removed element (or one painted over in the colour around it) leaves the colour around
    it; one painted in another colour of the palette shows that colour; one blurred or
    compressed looks like neither. An element's missing share is that of its core, or of the
    colour one of its parts fails to show (see :func:`_faded_share`; the mark is blurred by
    ``sigma`` frame px, and its classes show ``shown_colours``; None: no part is judged so),
    whichever is larger; its recoloured share is that of its core (see :func:`_recoloured_share`),
    judged only where the part around it is intact close by (see :func:`_ring_intact`). An element is judged
    only if all of it, with a margin, is ``in_view`` (visible and uncovered) and the
    artwork it sits in is intact: hardly any of its pixels ``different``, other than those
    that show an element missing or mostly recoloured themselves (two may be). Nor are elements judged
    whose class or surrounding class is ``varying`` (a knock-out), or with too small a core
    and parts too small or too faint to tell; only classes that are not ``varying`` count as
    the other colours an element may show.
    """
    threshold = _difference_threshold(colours)
    grounds, grown = _grounds(refs), _parts_with_margin(refs)
    elements = list(zip(_elements(refs), _element_cores(cores, refs)))
    damaged = different.reshape(-1).copy()
    out_of_view = np.flatnonzero(~in_view.reshape(-1))
    in_sight = [not any(grown[part][out_of_view].any() for part in element) for element, _ in elements]
    shares: list[tuple[float, float] | None] = []  # per element judged: its missing and recoloured shares
    for (element, (pixels, context)), whole in zip(elements, in_sight):
        around = grounds[element[0]]
        assert around is not None  # see _elements
        own, ground = refs.part_class[element[0]], refs.part_class[around]
        if varying[own] or varying[ground]:
            shares.append(None)
            continue
        # Only an element wholly in sight (its parts' pixels all in view) is judged by its parts' pixels.
        faded = [_faded_share(core, shown_colours, refs, part, around, sigma, threshold)
                 for part in element] if whole and shown_colours is not None else []
        told = [share for share in faded if share is not None]
        recoloured = 0.0
        if len(pixels) >= MIN_ELEMENT_CORE:
            values = core.rgba_at(pixels)
            # Far from its own colour, and as close to the colour around it (or another class's) as a
            # class's own pixels must be.
            unlike_own = _deviation(values, colours[own]) > threshold
            like_ground = unlike_own & (_deviation(values, colours[ground]) < threshold)
            like_other = np.zeros(len(pixels), bool)
            for other in range(len(colours)):
                if other not in (own, ground) and not varying[other]:
                    like_other |= _deviation(values, colours[other]) < threshold
            like_other &= unlike_own & ~like_ground
            damaged[pixels[like_ground]] = False
            told.append(float(np.count_nonzero(like_ground)) / len(pixels))
            if _ring_intact(different, cores, grown, element, around, context):
                recoloured = _recoloured_share(core, colours, refs, cores, element, pixels, values, like_other,
                                               sigma)
            if recoloured > 0.5:  # a part mostly recoloured leaves the artwork around it as it was
                damaged[pixels[like_other]] = False
        shares.append((max(told), recoloured) if told else None)
    judged = [share for share, whole, (_, (_, context)) in zip(shares, in_sight, elements)
              if share is not None and whole
              and np.count_nonzero(damaged[context]) <= SURROUNDINGS_INTACT * len(context)]
    return ElementShares(max((missing for missing, _ in judged), default=0.0),
                         max((recoloured for _, recoloured in judged), default=0.0))


def _ring_intact(different: NDArray[np.bool_], cores: _Cores, grown: tuple[NDArray[np.bool_], ...],
                 element: tuple[int, ...], around: int, context: NDArray[np.intp]) -> bool:
    """Whether the core of the part ``around`` ``element``, within the in-view margin of its parts, shows
    its own colour: a part repainted leaves it so, a patch laid over the part's box does not."""
    near = np.zeros(len(context), bool)
    for part in element:
        near |= grown[part][context]
    ring = context[near & (cores.parts[context] == around + 1)]
    return len(ring) > 0 and int(np.count_nonzero(different.reshape(-1)[ring])) <= SURROUNDINGS_INTACT * len(ring)


def _recoloured_share(core: _Pixels, colours: NDArray[np.float64], refs: References, cores: _Cores,
                      element: tuple[int, ...], pixels: NDArray[np.intp], values: NDArray[np.uint8],
                      like_other: NDArray[np.bool_], sigma: float) -> float:
    """The share of ``element``'s core (its ``pixels``, their RGBA ``values``) that shows another class's
    colour (``like_other``), if the class's parts that do not (mostly) show it show its own colour."""
    if not like_other.any():
        return 0.0
    labels = cores.parts[pixels] - 1
    swapped = [part for part in element
               if np.count_nonzero(like_other[labels == part]) > 0.5 * np.count_nonzero(labels == part)]
    instead = np.median(values[like_other][:, :3].astype(np.float64), axis=0)
    if not _class_shown_elsewhere(core, colours, refs, cores, swapped, instead, sigma):
        return 0.0
    return float(np.count_nonzero(like_other)) / len(pixels)


def _class_shown_elsewhere(core: _Pixels, colours: NDArray[np.float64], refs: References, cores: _Cores,
                           swapped: list[int], instead: NDArray[np.float64], sigma: float) -> bool:
    """Whether the parts of their class other than ``swapped`` show its colour (``colours``, per class)
    rather than ``instead``, the colour those show: a class recoloured as a whole (a threshold
    turning the accent white) is the palette's business, not a part's. False if none can tell.

    A part along the artwork's outline (the badge) is told by its core pixels. The others are
    told together by all their pixels, each taken to blend the class's colour with the colour
    around its part as the artwork blurred by ``sigma`` frame px does there, so the thin letters
    of a subtitle have a say too.
    """
    if not swapped:
        return False
    own = refs.part_class[swapped[0]]
    grounds = _grounds(refs)
    weighted, weight = np.zeros(3), 0.0
    for other, kind in enumerate(refs.part_class):
        if kind != own or other in swapped:
            continue
        around = grounds[other]
        if around is None:
            values = core.at(cores.part_pixels[cores.parts[cores.part_pixels] == other + 1])
            if len(values) >= MIN_ELEMENT_CORE:
                shown = np.median(values.astype(np.float64), axis=0)
                if _nearer(shown, colours[own], instead):
                    return True
            continue
        others, drawn = _drawn_part(refs, other, round(sigma * 4) / 4)
        # Each pixel less the colour around the part that blur mixes into it, weighted by its share of the class.
        unmixed = core.at(others).astype(np.float64) - np.outer(1.0 - drawn, colours[refs.part_class[around]])
        weighted += drawn @ unmixed
        weight += float(drawn @ drawn)
    return weight >= FADED_TOLD * MIN_ELEMENT_CORE and _nearer(weighted / weight, colours[own], instead)


def _nearer(colour: NDArray[np.float64], to: NDArray[np.float64], than: NDArray[np.float64]) -> bool:
    """Whether ``colour`` is nearer ``to`` than ``than`` (RGB)."""
    return float(np.sum((colour - to) ** 2)) < float(np.sum((colour - than) ** 2))


def _faded_share(core: _Pixels, colours: NDArray[np.float64], refs: References, part: int, around: int,
                 sigma: float, threshold: float) -> float | None:
    """The share of its own colour that ``part`` fails to show, 0 below FADED_PRESENT; None if it cannot be told.

    Each of its pixels (all in view) is placed between the colour the part ``around`` it
    shows (0) and the colour its own class shows (1), as ``colours`` (per class) gives them: a
    part recoloured with the rest of its class is not missing. Summed, they are set against what the artwork blurred by
    ``sigma`` frame px shows there. Not told: a part of fewer than MIN_ELEMENT_CORE pixels,
    one blurred to less than FADED_TOLD of its colour on average, or one whose colour
    is within ``threshold`` of the colour around it.
    """
    own, ground = colours[refs.part_class[part]], colours[refs.part_class[around]]
    axis = own - ground
    separation = float(axis.dot(axis))
    if separation <= threshold * threshold:
        return None
    pixels, drawn = _drawn_part(refs, part, round(sigma * 4) / 4)  # blurs in quarter steps: a few to cache
    expected = float(drawn.sum())
    if len(pixels) < MIN_ELEMENT_CORE or expected < FADED_TOLD * len(pixels):
        return None
    shown = float(((core.at(pixels) - ground) @ axis).sum()) / separation
    share = min(1.0, 1.0 - shown / expected)
    return share if share >= FADED_PRESENT else 0.0


@functools.lru_cache(maxsize=128)  # eight parts at a dozen blurs: a few MB
def _drawn_part(refs: References, part: int, sigma: float) -> tuple[NDArray[np.intp], NDArray[np.float64]]:
    """``part``'s pixels (flat indices in the frame), and the share of its colour the artwork blurred by
    ``sigma`` frame px shows at each."""
    import cv2

    frame = refs.measure
    # Only the part's box and as far as the blur reaches from it are looked at.
    reach = math.ceil(3.0 * sigma) + 2
    x0, y0, x1, y1 = frame.windows[part]
    left, top = max(0, x0 - reach), max(0, y0 - reach)
    right, bottom = min(frame.width, x1 + reach), min(frame.height, y1 + reach)
    # The part's class in its box grown by a pixel (its anti-aliased edge; other parts of the class lie
    # further off), blurred as the mark is.
    drawn: NDArray[np.float32] = np.zeros((bottom - top, right - left), np.float32)
    box = (slice(max(0, y0 - 1) - top, min(frame.height, y1 + 1) - top),
           slice(max(0, x0 - 1) - left, min(frame.width, x1 + 1) - left))
    drawn[box] = frame.classes[refs.part_class[part]][top:bottom, left:right][box]
    if sigma > 0:
        drawn = np.asarray(cv2.GaussianBlur(drawn, (0, 0), sigma, borderType=cv2.BORDER_CONSTANT), np.float32)
    rows, columns = np.nonzero(frame.parts[top:bottom, left:right] == part)
    pixels = (rows + top) * frame.width + (columns + left)
    shares = drawn[rows, columns].astype(np.float64)
    pixels.setflags(write=False)
    shares.setflags(write=False)
    return pixels, shares


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


def _side_of(mask: NDArray[np.bool_]) -> str:
    """The side of the frame (the artwork's own) the pixels of ``mask`` lie towards."""
    rows, columns = np.nonzero(mask)
    height, width = mask.shape
    across = (float(columns.mean()) + 0.5) / width - 0.5
    down = (float(rows.mean()) + 0.5) / height - 0.5
    if abs(across) >= abs(down):
        return "left" if across < 0 else "right"
    return "top" if down < 0 else "bottom"
