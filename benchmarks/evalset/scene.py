"""Shared pieces of a case: the run's context, poses that fit, and background checks.

A case is drawn in "scene" coordinates (image pixels, or PDF points as the page
is shown); :mod:`.images` and :mod:`.pdfs` turn scenes into files.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np

from htq_mark.kit import Kit

from .backgrounds import Carrier
from .compose import (Image, Pose, alter_svg, expanded_corners, polygon_mask, relative_luminance, remove_element,
                      repaint_element)

__all__ = [
    "MARK_RULES",
    "CROPPED_CONDITIONS",
    "OWN_PLATE_CONDITIONS",
    "PLATE_CONDITIONS",
    "REMOVABLE_PARTS",
    "Context",
    "RingStats",
    "altered_artwork",
    "background_verdict",
    "fit_pose",
    "own_colour_plate",
    "part_recoloured_artwork",
    "part_removed_artwork",
    "ring_stats",
]

#: The rules each condition makes a mark break (text rules are added per page).
MARK_RULES: dict[str, tuple[str, ...]] = {
    "compliant": (), "jpeg-q60": (), "photo": (), "busy-page": (), "real-pdf": (), "multi": (),
    "small": ("too-small",), "rotated": ("rotated",), "stretched": ("distorted",),
    "recoloured": ("recoloured",), "cropped": ("cropped",), "occluded": ("cropped",),
    "clear-space": ("clear-space",), "low-contrast": ("low-contrast",), "altered": ("altered-artwork",),
    "low-resolution": ("low-resolution",), "not-entitled": (), "no-qualification": (), "no-mark": (),
    "small-intruder": ("clear-space",), "frame-clipped": ("cropped",), "tiny": ("too-small",),
    "part-removed": ("altered-artwork",), "part-recoloured": ("altered-artwork",),
    # The colour artwork on a plate of (nearly) its own outline colour: the badge melts into it.
    "own-colour-plate": ("low-contrast",),
    # The same, cut by the picture's edge (the tile with it, but a quarter of the tile or more shows).
    "own-colour-plate-cropped": ("low-contrast", "cropped"),
    "mirrored": ("altered-artwork",),
}

#: Conditions whose mark is the colour artwork on a plate of (nearly) its own outline colour.
OWN_PLATE_CONDITIONS = ("own-colour-plate", "own-colour-plate-cropped")
#: Conditions whose mark is drawn on a plain plate its variant does not suit (a low-contrast finding).
PLATE_CONDITIONS = ("low-contrast", *OWN_PLATE_CONDITIONS)
#: Conditions whose mark is cut by the picture's edge, and the share of its extent cut off (a range).
CROPPED_CONDITIONS: dict[str, tuple[float, float]] = {"cropped": (0.25, 0.45), "own-colour-plate-cropped": (0.05, 0.2)}

#: Parts of the bundled colour artwork a "part-removed" case may leave out, each under the area
#: tolerance, and the width (px) from which each has core enough to judge (the chevron's and the title's
#: strokes are thin).
REMOVABLE_PARTS: dict[str, float] = {"chevron": 190.0, "monogram": 110.0, "title": 220.0}
#: Parts a "part-recoloured" case paints in another of the colour artwork's own colours (not the colour
#: around the part: that is a part removed), and the width (px) from which each is judged.
REPAINTABLE_PARTS: dict[str, tuple[str, float]] = {"chevron": ("#FFFFFF", 200.0), "monogram": ("#FFB300", 110.0),
                                                   "title": ("#FFB300", 260.0)}


@dataclass
class Context:
    """What every case of a run shares: the kit, corpus carriers, register numbers and a cache."""

    kit: Kit
    carriers: list[Carrier]
    on_date: date
    entitled_ids: list[str]
    not_entitled_ids: list[str]
    cache: dict[Any, Any] = field(default_factory=dict)

    @property
    def aspect(self) -> float:
        return self.kit.aspect_ratio


@dataclass(frozen=True)
class RingStats:
    """Luminance of the clear-space ring around a placed mark (background only)."""

    median: float
    variation: float

    def kind(self, kit: Kit) -> str:
        rules = kit.spec.backgrounds
        if self.variation > rules.photo_min_variation:
            return "photo"
        if self.median >= rules.light_min_luminance:
            return "light"
        if self.median <= rules.dark_max_luminance:
            return "dark"
        return "mid"

    def contrast_with(self, rgb: tuple[int, int, int]) -> float:
        a = float(relative_luminance(np.array(rgb)))
        high, low = max(a, self.median), min(a, self.median)
        return (high + 0.05) / (low + 0.05)

    def to_dict(self) -> dict[str, float]:
        return {"background_luminance": round(self.median, 4), "background_variation": round(self.variation, 4)}


def ring_stats(canvas: Image, pose: Pose, aspect: float, ratio: float) -> RingStats | None:
    """Median and spread of luminance in the clear-space ring (None when it is off the canvas)."""
    _, height = pose.size(aspect)
    shape = canvas.shape[:2]
    outer = polygon_mask(shape, expanded_corners(pose, aspect, ratio * height))
    inner = polygon_mask(shape, pose.corners(aspect))
    ring = outer & ~inner
    if ring.sum() < 16:
        return None
    lum = relative_luminance(canvas[ring])
    return RingStats(float(np.median(lum)), float(lum.std()))


def altered_artwork(ctx: Context, variant: str, how: str) -> tuple[bytes, float]:
    """The artwork of ``variant`` altered ``how``, and the share changed (cached per run)."""
    key = ("altered", variant, how)
    if key not in ctx.cache:
        threshold = ctx.kit.spec.scan.altered_max_difference
        ctx.cache[key] = alter_svg(ctx.kit.artwork_for(variant).svg, how, ctx.kit, variant, threshold + 0.02)
    result: tuple[bytes, float] = ctx.cache[key]
    return result


def part_removed_artwork(ctx: Context, rng: np.random.Generator, width_px: float) -> tuple[bytes, float, str]:
    """The colour artwork with one part removed that is judged at ``width_px``: its SVG, share changed and name."""
    names = [name for name, floor in REMOVABLE_PARTS.items() if width_px >= floor]
    name = names[int(rng.integers(len(names)))]
    key = ("part-removed", name)
    if key not in ctx.cache:
        ctx.cache[key] = remove_element(ctx.kit.artwork_for("colour").svg, ctx.kit, name)
    svg, change = ctx.cache[key]
    return svg, change, name


def part_recoloured_artwork(ctx: Context, rng: np.random.Generator, width_px: float) -> tuple[bytes, float, str]:
    """The colour artwork with one part judged at ``width_px`` painted in another of its colours: its SVG,
    share changed and name."""
    names = [name for name, (_, floor) in REPAINTABLE_PARTS.items() if width_px >= floor]
    name = names[int(rng.integers(len(names)))]
    key = ("part-recoloured", name)
    if key not in ctx.cache:
        ctx.cache[key] = repaint_element(ctx.kit.artwork_for("colour").svg, ctx.kit, name, REPAINTABLE_PARTS[name][0])
    svg, change = ctx.cache[key]
    return svg, change, name


def own_colour_plate(kit: Kit, rng: np.random.Generator) -> tuple[int, int, int]:
    """A plate colour within a few steps of the colour artwork's outline colour (the badge's navy)."""
    outline = np.array(kit.spec.variant("colour").colours[0].rgb)
    colour = np.clip(outline + rng.integers(-10, 11, 3), 0, 255)
    return int(colour[0]), int(colour[1]), int(colour[2])


def background_verdict(kit: Kit, variant: str, stats: RingStats) -> str:
    """``fits`` when the variant clearly suits the ring, ``low-contrast`` when it clearly does
    not, ``ambiguous`` when the measurement is too close to a threshold to label."""
    rules = kit.spec.backgrounds
    outer = kit.spec.variant(variant).colours[0].rgb
    contrast = stats.contrast_with(outer)
    allowed = kit.spec.variant(variant).backgrounds
    clearly_light = stats.median >= rules.light_min_luminance + 0.05 and \
        stats.variation < rules.photo_min_variation - 0.03
    clearly_dark = stats.median <= rules.dark_max_luminance - 0.03
    clearly_photo = stats.variation > rules.photo_min_variation + 0.03
    kinds = {k for k, clear in (("light", clearly_light), ("dark", clearly_dark), ("photo", clearly_photo))
             if clear}
    if contrast < rules.minimum_contrast_ratio - 0.3:
        return "low-contrast"
    if kinds and not kinds & set(allowed) and (clearly_light or clearly_dark) and not (
            clearly_photo and "photo" in allowed):
        return "low-contrast"
    if kinds & set(allowed) and not kinds - set(allowed) and contrast >= rules.minimum_contrast_ratio + 0.5:
        return "fits"
    return "ambiguous"


def fit_pose(rng: np.random.Generator, canvas_size: tuple[float, float], width: float, aspect: float,
             rotation_deg: float = 0.0, stretch_x: float = 1.0, stretch_y: float = 1.0,
             margin: float = 0.0, avoid: list[tuple[float, float, float, float]] | None = None,
             tries: int = 200) -> Pose | None:
    """A pose whose box grown by ``margin`` lies inside the canvas and off every ``avoid`` box."""
    probe = Pose(0.0, 0.0, width, rotation_deg, stretch_x, stretch_y)
    points = np.array(expanded_corners(probe, aspect, margin))
    lo, hi = points.min(axis=0), points.max(axis=0)
    cw, ch = canvas_size
    if hi[0] - lo[0] > cw or hi[1] - lo[1] > ch:
        return None
    for _ in range(tries):
        cx = float(rng.uniform(-lo[0], cw - hi[0]))
        cy = float(rng.uniform(-lo[1], ch - hi[1]))
        box = (cx + lo[0], cy + lo[1], cx + hi[0], cy + hi[1])
        if avoid and any(_overlap(box, other) for other in avoid):
            continue
        return Pose(cx, cy, width, rotation_deg, stretch_x, stretch_y)
    return None


def _overlap(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def random_rotation(rng: np.random.Generator, minimum: float = 5.0) -> float:
    """An angle in (-180, 180] at least ``minimum`` degrees from upright."""
    angle = float(rng.uniform(minimum, 180.0))
    return angle if rng.random() < 0.5 or math.isclose(angle, 180.0) else -angle
