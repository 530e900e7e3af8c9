"""Image cases (PNG, JPEG): a background, the mark placed under one condition, and labels."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .backgrounds import busy_page, colour_of_tone, gradient, photo, plain, render_carrier
from .compose import (
    RECOLOURINGS,
    Image,
    Placed,
    Pose,
    clear_zone,
    clip_to,
    cropped_pose,
    draw_polygon,
    frame_window,
    hidden_part,
    intrude_clear_space,
    mirror_svg,
    occlude,
    place_mark,
    polygon_mask,
    recolour_svg,
    relative_luminance,
    small_intruder,
    window_polygon,
)
from .labels import ExpectedMark, ExpectedRule
from .scene import (
    CROPPED_CONDITIONS,
    MARK_RULES,
    OWN_PLATE_CONDITIONS,
    PLATE_CONDITIONS,
    Context,
    RingStats,
    altered_artwork,
    background_verdict,
    fit_pose,
    own_colour_plate,
    part_recoloured_artwork,
    part_removed_artwork,
    random_rotation,
    ring_stats,
)

__all__ = ["ImageScene", "build_image_scene", "draw_decoy", "encode_image"]

CANVAS_SIZES = ((800, 600), (1080, 1080), (1200, 800), (1280, 720), (1000, 1400), (1600, 900))
TINY_WIDTH_PX = (48.0, 90.0)   # the smallest marks: from the detection floor up
TINY_JPEG_QUALITY = (64, 85)   # ...and how hard JPEG copies of them are compressed
SMALL_INTRUDER_SHARE = 0.01   # a small intruder covers less than this share of the clear-space zone
BACKGROUND_WEIGHTS = {"plain": 0.35, "photo": 0.25, "busy-page": 0.25, "corpus-page": 0.15}


@dataclass
class ImageScene:
    """A drawn image and its ground truth."""

    canvas: Image
    marks: list[ExpectedMark] = field(default_factory=list)
    rules: list[ExpectedRule] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class _Backdrop:
    canvas: Image
    kind: str                         # plain | photo | busy-page | corpus-page
    tone: str                         # light | dark
    paper: tuple[int, int, int] | None  # colour a compliant layout keeps around the mark


def _backdrop(kind: str, size: tuple[int, int], rng: np.random.Generator, ctx: Context,
              tone: str | None = None) -> _Backdrop:
    tone = tone or ("dark" if rng.random() < 0.3 else "light")
    if kind == "plain":
        if rng.random() < 0.5:
            return _Backdrop(plain(size, colour_of_tone(rng, "white" if tone == "light" and rng.random() < 0.5
                                                        else tone)), kind, tone, None)
        return _Backdrop(gradient(size, rng, tone), kind, tone, None)
    if kind == "photo":
        texture = float(rng.uniform(0.5, 1.6)) if tone == "dark" else float(rng.uniform(0.1, 0.35))
        return _Backdrop(photo(size, rng, tone, texture), kind, tone, None)
    if kind == "busy-page":
        page, paper = busy_page(size, rng, dark=tone == "dark")
        return _Backdrop(page, kind, tone, paper)
    if kind == "corpus-page":
        carrier = ctx.carriers[int(rng.integers(len(ctx.carriers)))]
        dpi = min(150.0, size[0] / carrier.width_pt * 72)
        page = render_carrier(carrier, dpi)
        return _Backdrop(page, kind, "light", (255, 255, 255))
    raise ValueError(f"unknown background {kind!r}")


def _variant_for(tone: str, rng: np.random.Generator) -> str:
    if tone == "dark":
        return "white"
    return "colour" if rng.random() < 0.7 else "black"


def _mark_label(placed: Placed, rules: tuple[str, ...], conditions: list[str], kit_aspect: float,
                details: dict[str, Any], source: str = "raster", page: int = 1) -> ExpectedMark:
    width, height = placed.pose.size(kit_aspect)
    return ExpectedMark(page=page, corners=placed.corners, variant=placed.variant, width=width, height=height,
                        rotation_deg=placed.pose.rotation_deg,
                        aspect_ratio_error=placed.pose.stretch_x / placed.pose.stretch_y - 1,
                        visible_fraction=placed.visible_fraction, source=source, rules=rules,
                        conditions=tuple(conditions), details=details)


def _pose_parameters(condition: str, rng: np.random.Generator, ctx: Context) -> dict[str, float]:
    minimum = ctx.kit.spec.minimum_width_px
    detect = ctx.kit.spec.scan.minimum_detect_width_px
    if condition == "small":
        return {"width": float(rng.uniform(detect, minimum * 0.93))}
    if condition == "tiny":
        return {"width": float(rng.uniform(TINY_WIDTH_PX[0], TINY_WIDTH_PX[1]))}
    width = float(np.exp(rng.uniform(np.log(minimum * 1.1), np.log(700))))
    if condition == "rotated":
        return {"width": min(width, 520.0), "rotation_deg": random_rotation(rng)}
    if condition == "stretched":
        factor = float(rng.uniform(1.06, 1.6))
        key = "stretch_x" if rng.random() < 0.5 else "stretch_y"
        return {"width": min(width, 480.0), key: factor}
    return {"width": width}


def encode_image(canvas: Image, fmt: str, quality: int = 90) -> bytes:
    """PNG or JPEG bytes of an RGB canvas (Pillow, deterministic)."""
    from PIL import Image as PILImage

    buffer = io.BytesIO()
    picture = PILImage.fromarray(canvas, "RGB")
    if fmt == "png":
        picture.save(buffer, "PNG", optimize=False, compress_level=6)
    elif fmt == "jpeg":
        picture.save(buffer, "JPEG", quality=quality, optimize=False)
    else:
        raise ValueError(f"unknown image format {fmt!r}")
    return buffer.getvalue()


def draw_decoy(canvas: Image, rng: np.random.Generator) -> Image:
    """A badge-like shape that is not the mark: rounded panel, square, chevron-ish arrow, text."""
    import cv2

    from .compose import draw_text_block

    h, w = canvas.shape[:2]
    bw = int(rng.integers(min(w - 20, 160), min(w - 10, 520)))
    bh = int(bw / rng.uniform(2.4, 4.0))
    x0, y0 = int(rng.integers(5, max(6, w - bw - 5))), int(rng.integers(5, max(6, h - bh - 5)))
    out = canvas.copy()
    panel = tuple(int(c) for c in rng.integers(0, 120, 3))
    cv2.rectangle(out, (x0, y0), (x0 + bw, y0 + bh), panel, -1, cv2.LINE_AA)
    s = int(bh * 0.8)
    cv2.rectangle(out, (x0 + bh // 10, y0 + bh // 10), (x0 + bh // 10 + s, y0 + bh // 10 + s), (255, 255, 255), -1)
    cv2.putText(out, "".join(rng.choice(list("ABCDEFGKLMNPRSUVWXYZ"), 2)), (x0 + bh // 6, y0 + int(bh * 0.65)),
                cv2.FONT_HERSHEY_SIMPLEX, bh / 60, panel, max(1, bh // 20), cv2.LINE_AA)
    return draw_text_block(out, (x0 + bh + bh // 5, y0 + bh // 5, x0 + bw - 4, y0 + bh - bh // 6),
                           (255, 255, 255), rng, line_height=max(10, bh // 4))


def build_image_scene(condition: str, rng: np.random.Generator, ctx: Context) -> ImageScene:
    """Draw one image case for ``condition`` (see :data:`.scene.MARK_RULES`)."""
    for _ in range(30):
        scene = _attempt(condition, rng, ctx)
        if scene is not None:
            return scene
    raise RuntimeError(f"could not draw a {condition!r} image case; the seed gives no usable layout")


def _background_kind(condition: str, rng: np.random.Generator) -> str:
    if condition in ("photo", "busy-page"):
        return condition
    if condition in PLATE_CONDITIONS:
        return "plain"
    kinds = list(BACKGROUND_WEIGHTS)
    return str(rng.choice(kinds, p=np.array(list(BACKGROUND_WEIGHTS.values()))))


def _attempt(condition: str, rng: np.random.Generator, ctx: Context) -> ImageScene | None:
    kit = ctx.kit
    aspect = ctx.aspect
    ratio = kit.spec.clear_space_ratio
    size = CANVAS_SIZES[int(rng.integers(len(CANVAS_SIZES)))]
    kind = _background_kind(condition, rng)
    tone = None
    variant_override = None
    if condition == "photo":
        tone = "dark"
    if condition == "tiny" and rng.random() < 0.5:
        kind, tone = "plain", "dark"  # the white variant on a dark plate
    if condition == "low-contrast":
        variant_override, tone = [("white", "pale"), ("colour", "mid-dark"), ("black", "mid-dark")][
            int(rng.integers(3))]
    if condition == "no-mark":
        back = _backdrop(kind, size, rng, ctx)
        canvas = back.canvas
        for _ in range(int(rng.integers(0, 3))):
            canvas = draw_decoy(canvas, rng)
        return ImageScene(canvas, tags=[condition, kind])
    if condition in OWN_PLATE_CONDITIONS:
        variant_override = "colour"
        back = _Backdrop(plain(size, own_colour_plate(kit, rng)), "plain", "dark", None)
    elif tone in ("pale", "mid-dark"):
        back = _Backdrop(plain(size, colour_of_tone(rng, tone)) if rng.random() < 0.5 else gradient(size, rng, tone),
                         "plain", tone, None)
    else:
        back = _backdrop(kind, size, rng, ctx, tone)
    canvas = back.canvas
    height_px, width_px = canvas.shape[:2]
    variant = variant_override or _variant_for(back.tone, rng)
    count = int(rng.integers(2, 4)) if condition == "multi" else 1
    marks: list[ExpectedMark] = []
    rules: list[ExpectedRule] = []
    avoid: list[tuple[float, float, float, float]] = []
    details: dict[str, Any] = {"background": kind, "tone": back.tone}
    if condition == "tiny":
        details["jpeg_quality"] = int(rng.integers(TINY_JPEG_QUALITY[0], TINY_JPEG_QUALITY[1] + 1))
    for index in range(count):
        params = _pose_parameters(condition, rng, ctx)
        params["width"] = min(params["width"], width_px * 0.8 / max(1.0, params.get("stretch_x", 1.0)) / count)
        if params["width"] < (kit.spec.minimum_width_px * 1.05 if condition not in ("small", "tiny") else 0):
            return None
        clear = ratio * params["width"] / aspect * params.get("stretch_y", 1.0)
        pose = fit_pose(rng, (width_px, height_px), params["width"], aspect, params.get("rotation_deg", 0.0),
                        params.get("stretch_x", 1.0), params.get("stretch_y", 1.0), clear * 1.3 + 4, avoid)
        if pose is None:
            return None
        avoid.append(_grown_box(pose, aspect, clear * 1.3 + 4))
        if condition in CROPPED_CONDITIONS:
            edge = str(rng.choice(["left", "right", "top", "bottom"]))
            fraction = float(rng.uniform(*CROPPED_CONDITIONS[condition]))
            pose = cropped_pose(pose, aspect, (width_px, height_px), edge, fraction)
            details.update(edge=edge, cut_fraction=round(fraction, 4))
        if back.paper is not None and condition != "low-contrast":
            canvas = clear_zone(canvas, pose, aspect, clear * 1.15 + 3, back.paper)
        stats = ring_stats(canvas, pose, aspect, ratio)
        mark_details: dict[str, Any] = {}
        svg = None
        if stats is not None:
            verdict = background_verdict(kit, variant, stats)
            mark_details.update(stats.to_dict())
            if condition == "recoloured":
                pass  # judged on its own colours below
            elif condition in PLATE_CONDITIONS:
                if verdict != "low-contrast":
                    return None
            elif verdict != "fits":
                return None
        if condition == "recoloured":
            how = str(rng.choice(RECOLOURINGS)) if variant == "colour" else "palette"
            svg = recolour_svg(kit.artwork_for(variant).svg, how, kit, rng)
            mark_details["recolouring"] = how
        elif condition == "altered":
            how = str(rng.choice(["remove-part", "outline"])) if variant == "colour" else "remove-part"
            svg, change = altered_artwork(ctx, variant, how)
            mark_details.update(alteration=how, changed_fraction=round(change, 4))
        elif condition == "mirrored":
            svg = mirror_svg(kit.artwork_for(variant).svg)
            mark_details.update(alteration="mirrored")
        elif condition == "part-removed":
            if variant != "colour":  # the parts are the colour artwork's elements
                return None
            svg, change, part = part_removed_artwork(ctx, rng, params["width"])
            mark_details.update(alteration="remove-element", removed=part, changed_fraction=round(change, 4))
        elif condition == "part-recoloured":
            if variant != "colour":  # the parts are the colour artwork's elements
                return None
            svg, change, part = part_recoloured_artwork(ctx, rng, params["width"])
            mark_details.update(alteration="repaint-element", repainted=part, changed_fraction=round(change, 4))
        unmarked = canvas
        canvas, placed = place_mark(canvas, kit, variant, pose, svg)
        # A recoloured mark has no approved background; make sure contrast is not a second problem.
        if condition == "recoloured" and stats is not None and \
                _mark_contrast(canvas, placed, stats, aspect) < kit.spec.backgrounds.minimum_contrast_ratio:
            return None
        if condition == "clear-space":
            side = str(rng.choice(["left", "right", "top", "bottom"]))
            depth = float(rng.uniform(0.5, 1.0))
            ink = (20, 20, 20) if back.tone == "light" else (235, 235, 235)
            intruded = intrude_clear_space(canvas, pose, aspect, ratio, side, depth,
                                           str(rng.choice(["text", "block"])), ink, rng)
            share = _changed_share(canvas, intruded, pose, aspect, ratio)
            if share < 3 * kit.spec.scan.clear_space_min_intrusion:
                return None
            canvas = intruded
            mark_details.update(side=side, depth=round(depth, 3), intrusion_share=round(share, 4))
        if condition == "small-intruder":
            side = str(rng.choice(["left", "right", "top", "bottom"]))
            depth = float(rng.uniform(0.2, 0.6))
            shape = str(rng.choice(["dot", "bar"]))
            ink = (20, 20, 20) if back.tone == "light" else (235, 235, 235)
            local = small_intruder(pose.size(aspect), ratio * pose.size(aspect)[1], side, depth, shape, 1.0, rng)
            affine = pose.local_to_canvas(aspect)
            intruded = draw_polygon(canvas, [tuple(affine @ np.array([x, y, 1.0])) for x, y in local], ink)
            share = _changed_share(canvas, intruded, pose, aspect, ratio)
            if not 0.0 < share < SMALL_INTRUDER_SHARE:
                return None
            canvas = intruded
            mark_details.update(side=side, depth=round(depth, 3), intruder=shape, intrusion_share=round(share, 4))
        if condition == "frame-clipped":
            side = str(rng.choice(["left", "right", "top", "bottom"]))
            hidden = float(rng.uniform(0.25, 0.45))
            how = str(rng.choice(["clip", "cover"]))
            size_placed = pose.size(aspect)
            if how == "clip":  # the image's frame is smaller than the image: the page shows beyond it
                window = frame_window(size_placed, side, hidden, size_placed[1] * 2)
                canvas = clip_to(unmarked, canvas, window_polygon(pose, aspect, window))
            else:  # another box laid over part of the mark
                cover = hidden_part(size_placed, side, hidden, 0.3 * size_placed[1])
                colour = tuple(int(c) for c in rng.integers(0, 256, 3))
                canvas = draw_polygon(canvas, window_polygon(pose, aspect, cover), colour)
            mark_details.update(side=side, hidden_fraction=round(hidden, 4), how=how)
        if condition == "occluded":
            colour = tuple(int(c) for c in rng.integers(0, 256, 3))
            canvas, covered = occlude(canvas, pose, aspect, float(rng.uniform(0.18, 0.35)), colour, rng)
            mark_details["covered_fraction"] = round(covered, 4)
        tags = [condition, kind]
        label = _mark_label(placed, MARK_RULES[condition], tags, aspect, mark_details)
        marks.append(label)
        for rule in label.rules:
            rules.append(ExpectedRule(rule, "error", 1, index))
    return ImageScene(canvas, marks, rules, [condition, kind], details)


def _grown_box(pose: Pose, aspect: float, margin: float) -> tuple[float, float, float, float]:
    from .compose import expanded_corners

    points = np.array(expanded_corners(pose, aspect, margin))
    return float(points[:, 0].min()), float(points[:, 1].min()), float(points[:, 0].max()), float(points[:, 1].max())


def _changed_share(before: Image, after: Image, pose: Pose, aspect: float, ratio: float) -> float:
    from .compose import expanded_corners

    _, height = pose.size(aspect)
    shape = before.shape[:2]
    ring = polygon_mask(shape, expanded_corners(pose, aspect, ratio * height)) & ~polygon_mask(
        shape, pose.corners(aspect))
    changed = np.abs(before.astype(np.int16) - after.astype(np.int16)).max(axis=-1) > 24
    return float((changed & ring).sum()) / max(1, int(ring.sum()))


def _mark_contrast(canvas: Image, placed: Placed, stats: RingStats, aspect: float) -> float:
    """Contrast between the mark's edge colour (sampled just inside its outline) and the ring."""
    from .compose import expanded_corners

    _, height = placed.pose.size(aspect)
    inner = expanded_corners(placed.pose, aspect, -0.03 * height)
    shape = canvas.shape[:2]
    band = polygon_mask(shape, placed.corners) & ~polygon_mask(shape, inner)
    if band.sum() < 8:
        return 21.0
    edge = float(np.median(relative_luminance(canvas[band])))
    high, low = max(edge, stats.median), min(edge, stats.median)
    return (high + 0.05) / (low + 0.05)
