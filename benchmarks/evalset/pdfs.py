"""PDF cases: the mark stamped as vector paths or as an image XObject on a page.

Pages are drawn (plain, busy or photo pages) or taken from the real PDFs of the
shared corpus. Every page that shows a mark also carries text naming a
qualification (entitled, unless the case is about qualifications), because the
scanner warns about a mark on a page that names none. Ground truth is in page
points as a viewer shows the page, origin top-left.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from htq_mark.kit import render_svg

from .backgrounds import Carrier, busy_page, colour_of_tone, photo
from .compose import (
    RECOLOURINGS,
    Pose,
    artwork_body,
    cropped_pose,
    expanded_corners,
    frame_window,
    hidden_part,
    mirror_svg,
    place_mark,
    png_to_rgba,
    recolour_svg,
    relative_luminance,
    small_intruder,
    visible_fraction,
    window_polygon,
)
from .labels import ExpectedMark, ExpectedRule
from .pdfwriter import PageBuilder, display_to_user
from .scene import (MARK_RULES, PLATE_CONDITIONS, Context, altered_artwork, fit_pose, own_colour_plate,
                    part_recoloured_artwork, part_removed_artwork, random_rotation)

__all__ = ["PAGE_SIZES", "PdfScene", "build_pdf_scene"]

MM = 72 / 25.4
TINY_WIDTH_MM = (6.1, 11.4)  # the smallest marks: 48-90 px at the render resolution
RENDER_DPI = 200.0  # the resolution the scanner renders pages at (sizes small drawings in its pixels)
PAGE_SIZES = {"A4": (595.28, 841.89), "A5": (419.53, 595.28), "Letter": (612.0, 792.0),
              "A4-landscape": (841.89, 595.28)}
WHITE = (255, 255, 255)
INK = (33, 33, 33)
MARGIN_TEXT = "Apply online or visit our open day."

Box = tuple[float, float, float, float]


@dataclass
class PdfScene:
    """A one-page PDF and its ground truth."""

    data: bytes
    page_size: tuple[float, float]
    marks: list[ExpectedMark] = field(default_factory=list)
    rules: list[ExpectedRule] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)


def _qualification_lines(ctx: Context, rng: np.random.Generator, kind: str) -> tuple[list[str], str | None]:
    """Text naming a qualification: entitled, not entitled, or none at all."""
    if kind == "none":
        return ["Study with us this autumn.", "Flexible learning, industry placements and modern workshops."], None
    pool = ctx.entitled_ids if kind == "entitled" else ctx.not_entitled_ids
    qn = pool[int(rng.integers(len(pool)))]
    spelling = str(rng.choice(["{qn}", "QN: {qn}", "QN {qn}", "Qualification number {qn}"]))
    subject = str(rng.choice(["Cyber Security", "Digital Support", "Construction Design", "Health Science",
                              "Engineering Manufacture", "Data Analysis"]))
    return [f"Level 4 Higher Technical Qualification in {subject}",
            f"{spelling.format(qn=qn)}. Approved for the HTQ quality mark."], qn


def _band_box(page: tuple[float, float], lines: list[str], top: bool) -> Box:
    """Where the text band goes: the top or bottom of the page, full width."""
    band_h = 24 + 14 * len(lines)
    y0 = 18.0 if top else page[1] - 18 - band_h
    return 18.0, y0, page[0] - 18, y0 + band_h


def _text_box(x: float, baseline: float, size: float, text: str) -> Box:
    """A generous box around a line of Helvetica text (no glyph is wider than 0.6 em on average)."""
    return x - 2, baseline - size, x + 0.6 * size * len(text) + 2, baseline + 0.3 * size


def _grown(box: Box, margin: float) -> Box:
    return box[0] - margin, box[1] - margin, box[2] + margin, box[3] + margin


def _box_of(points: Sequence[tuple[float, float]]) -> Box:
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    return min(xs), min(ys), max(xs), max(ys)


def _overlap(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _annotation_boxes(carrier: Carrier, ctx: Context) -> list[Box]:
    """Where the carrier page's annotations show (display points, top-left origin; cached per run).

    Viewers draw annotations over the page content, so over anything stamped on
    the page too. Only annotations that show when pypdfium2 (the scanner's
    renderer) draws the page count; links, pop-ups and empty form fields do not.
    """
    key = ("annotations", carrier.name)
    if key not in ctx.cache:
        ctx.cache[key] = _read_annotation_boxes(carrier)
    boxes: list[Box] = ctx.cache[key]
    return boxes


def _read_annotation_boxes(carrier: Carrier) -> list[Box]:
    import pypdf

    page = pypdf.PdfReader(carrier.path).pages[carrier.page_index]
    crop = page.cropbox
    to_display = np.linalg.inv(display_to_user(
        (float(crop.left), float(crop.bottom), float(crop.right), float(crop.top)), carrier.rotation))
    boxes: list[Box] = []
    for reference in page.get("/Annots") or []:
        try:
            annotation = reference.get_object()
            if annotation.get("/Subtype") in ("/Link", "/Popup"):
                continue
            x0, y0, x1, y1 = (float(v) for v in annotation["/Rect"])
        except (KeyError, TypeError, ValueError, AttributeError):
            continue  # an annotation without a usable /Rect shows nowhere a layout could avoid
        points = [to_display @ np.array([x, y, 1.0]) for x in (x0, x1) for y in (y0, y1)]
        boxes.append(_box_of([(float(p[0]), carrier.height_pt - float(p[1])) for p in points]))
    if not boxes:
        return boxes
    shown = _annotation_pixels(carrier, ANNOTATION_SCALE)
    return [box for box in boxes if _shows(shown, _grown(box, 2), ANNOTATION_SCALE)]


ANNOTATION_SCALE = 2.0


def _annotation_pixels(carrier: Carrier, scale: float) -> NDArray[np.bool_]:
    """Pixels of the carrier page that change when its annotations are drawn."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(carrier.path))
    try:
        page = document[carrier.page_index]
        renders = [page.render(scale=scale, may_draw_forms=annots, draw_annots=annots,
                               fill_color=(255, 255, 255, 255)).to_numpy()[..., :3].astype(np.int16)
                   for annots in (True, False)]
    finally:
        document.close()
    changed: NDArray[np.bool_] = np.abs(renders[0] - renders[1]).max(axis=-1) > 24
    return changed


def _shows(mask: NDArray[np.bool_], box: Box, scale: float) -> bool:
    height, width = mask.shape
    x0, y0 = max(0, math.floor(box[0] * scale)), max(0, math.floor(box[1] * scale))
    x1, y1 = min(width, math.ceil(box[2] * scale)), min(height, math.ceil(box[3] * scale))
    return x1 > x0 and y1 > y0 and bool(mask[y0:y1, x0:x1].any())


def _draw_band(builder: PageBuilder, box: tuple[float, float, float, float], lines: list[str]) -> None:
    """A white band holding the lines of text (drawn last, so nothing covers it)."""
    builder.rect(box, WHITE)
    for index, line in enumerate(lines):
        builder.text(30, box[1] + 20 + 14 * index, 10.0, line, INK, bold=index == 0)


def _mark_width_pt(condition: str, rng: np.random.Generator, ctx: Context, page: tuple[float, float]) -> float:
    minimum = ctx.kit.spec.minimum_width_mm
    if condition == "small":
        return float(rng.uniform(8.0, minimum * 0.93)) * MM
    if condition == "tiny":
        return float(rng.uniform(*TINY_WIDTH_MM)) * MM
    upper = min(90.0, page[0] / MM * 0.55)
    return float(np.exp(rng.uniform(np.log(minimum * 1.08), np.log(max(upper, minimum * 1.2))))) * MM


def build_pdf_scene(condition: str, medium: str, rng: np.random.Generator, ctx: Context) -> PdfScene:
    """Draw one PDF case; ``medium`` is ``pdf-vector`` or ``pdf-raster``."""
    for _ in range(30):
        scene = _attempt(condition, medium, rng, ctx)
        if scene is not None:
            return scene
    raise RuntimeError(f"could not draw a {condition!r} {medium} case; the seed gives no usable layout")


def _page_kind(condition: str, rng: np.random.Generator) -> str:
    if condition in ("photo", "busy-page"):
        return condition
    if condition == "real-pdf":
        return "real-pdf"
    if condition in PLATE_CONDITIONS:
        return "plain"
    if condition == "low-resolution":
        return str(rng.choice(["plain", "busy-page", "real-pdf"]))
    return str(rng.choice(["plain", "plain", "busy-page", "photo", "real-pdf", "real-pdf"]))


def _attempt(condition: str, medium: str, rng: np.random.Generator, ctx: Context) -> PdfScene | None:
    kit = ctx.kit
    aspect = ctx.aspect
    ratio = kit.spec.clear_space_ratio
    kind = _page_kind(condition, rng)
    carrier: Carrier | None = None
    furniture: list[Box] = []  # what the page shows over or beside the marks; they must stay clear of it
    if kind == "real-pdf":
        carrier = ctx.carriers[int(rng.integers(len(ctx.carriers)))]
        size = (carrier.width_pt, carrier.height_pt)
        furniture.extend(_annotation_boxes(carrier, ctx))
    else:
        size = PAGE_SIZES[str(rng.choice(list(PAGE_SIZES)))]
    builder = PageBuilder(*size)
    tags = [condition, kind, medium]
    details: dict[str, Any] = {"page": kind}
    if carrier is not None:
        details["carrier"] = carrier.name
    tone = "light"
    if kind == "busy-page":
        page_px = (int(size[0] / 72 * 100), int(size[1] / 72 * 100))
        picture, _ = busy_page(page_px, rng)
        builder.image(picture, [(0, 0), (size[0], 0), size, (0, size[1])], jpeg_quality=85)
    elif kind == "photo":
        tone = "dark"
        page_px = (int(size[0] / 72 * 100), int(size[1] / 72 * 100))
        builder.image(photo(page_px, rng, "dark", float(rng.uniform(0.5, 1.5))),
                      [(0, 0), (size[0], 0), size, (0, size[1])], jpeg_quality=85)
    elif kind == "plain" and condition != "low-contrast":
        # A light page with a few text lines in the margins.
        for index in range(int(rng.integers(0, 4))):
            baseline = size[1] * 0.4 + 16 * index
            builder.text(40, baseline, 9, MARGIN_TEXT, (90, 90, 90))
            furniture.append(_text_box(40, baseline, 9, MARGIN_TEXT))
    text_kind = {"not-entitled": "not-entitled", "no-qualification": "none"}.get(condition, "entitled")
    lines, qn = _qualification_lines(ctx, rng, text_kind)
    band = _band_box(size, lines, bool(rng.random() < 0.5))
    details["qualification"] = qn
    if condition == "no-mark":
        _decoy(builder, rng, band)
        _draw_band(builder, band, lines)
        return PdfScene(builder.build(None if carrier is None else (carrier.path, carrier.page_index)), size,
                        tags=tags, details=details)

    variant = "white" if tone == "dark" else ("colour" if rng.random() < 0.7 else "black")
    panel_colour: tuple[int, int, int] | None = WHITE if kind in ("busy-page", "real-pdf") else None
    if condition == "low-contrast":
        variant, panel_tone = [("white", "pale"), ("colour", "mid-dark"), ("black", "mid-dark")][int(rng.integers(3))]
        panel_colour = colour_of_tone(rng, panel_tone)
    elif condition == "own-colour-plate":
        variant, panel_colour = "colour", own_colour_plate(kit, rng)
    count = int(rng.integers(2, 4)) if condition == "multi" else 1
    avoid = [_grown(band, 6)] + furniture
    marks: list[ExpectedMark] = []
    rules: list[ExpectedRule] = []
    source = "vector" if medium == "pdf-vector" else "image-xobject"
    baked = medium == "pdf-raster" and kind == "photo"
    if baked:
        source = "raster"
    for index in range(count):
        width = _mark_width_pt(condition, rng, ctx, size) / (1 if count == 1 else 1.5)
        if count > 1:
            width = max(width, kit.spec.minimum_width_mm * 1.08 * MM)
        params: dict[str, float] = {"width": width}
        if condition == "rotated":
            params["rotation_deg"] = random_rotation(rng)
        if condition == "stretched":
            params["stretch_x" if rng.random() < 0.5 else "stretch_y"] = float(rng.uniform(1.06, 1.6))
        clear = ratio * width / aspect * params.get("stretch_y", 1.0)
        pose = fit_pose(rng, size, params["width"], aspect, params.get("rotation_deg", 0.0),
                        params.get("stretch_x", 1.0), params.get("stretch_y", 1.0), clear * 1.3 + 6, avoid)
        if pose is None:
            return None
        corners = np.array(expanded_corners(pose, aspect, clear * 1.3 + 6))
        avoid.append((float(corners[:, 0].min()), float(corners[:, 1].min()),
                      float(corners[:, 0].max()), float(corners[:, 1].max())))
        mark_details: dict[str, Any] = {}
        if condition == "cropped":
            edge = str(rng.choice(["left", "right", "top", "bottom"]))
            fraction = float(rng.uniform(0.25, 0.45))
            pose = cropped_pose(pose, aspect, size, edge, fraction)
            mark_details.update(edge=edge, cut_fraction=round(fraction, 4))
            # The mark now sits on the page edge, where the text band may be: keep the band (drawn
            # last, over everything) and the margin text off it, so the case is cropped and nothing else.
            zone = _box_of(expanded_corners(pose, aspect, clear * 1.3 + 6))
            if _overlap(zone, _grown(band, 6)):
                band = _band_box(size, lines, top=band[1] > size[1] / 2)
            if any(_overlap(zone, box) for box in [_grown(band, 6)] + furniture):
                return None
        if panel_colour is not None:
            grow = clear * (1.6 if condition in PLATE_CONDITIONS else 1.15) + 3
            builder.polygon(expanded_corners(pose, aspect, grow), panel_colour)
        svg = kit.artwork_for(variant).svg
        if condition == "recoloured":
            how = str(rng.choice(RECOLOURINGS)) if variant == "colour" else "palette"
            svg = recolour_svg(svg, how, kit, rng)
            mark_details["recolouring"] = how
            outer = _first_colour(svg)
            if relative_luminance(np.array(outer)) > 0.3 or tone == "dark":
                # keep the recoloured mark readable, so contrast is not a second problem
                backing = (30, 30, 30) if relative_luminance(np.array(outer)) > 0.3 else WHITE
                builder.polygon(expanded_corners(pose, aspect, clear * 1.15 + 3), backing)
        elif condition == "altered":
            how = str(rng.choice(["remove-part", "outline"])) if variant == "colour" else "remove-part"
            svg, change = altered_artwork(ctx, variant, how)
            mark_details.update(alteration=how, changed_fraction=round(change, 4))
        elif condition == "mirrored":
            svg = mirror_svg(svg)
            mark_details.update(alteration="mirrored")
        elif condition == "part-removed":
            if variant != "colour":  # the parts are the colour artwork's elements
                return None
            svg, change, part = part_removed_artwork(ctx, rng, pose.width * ctx.kit.spec.scan.render_dpi / 72.0)
            mark_details.update(alteration="remove-element", removed=part, changed_fraction=round(change, 4))
        elif condition == "part-recoloured":
            if variant != "colour":  # the parts are the colour artwork's elements
                return None
            svg, change, part = part_recoloured_artwork(ctx, rng, pose.width * ctx.kit.spec.scan.render_dpi / 72.0)
            mark_details.update(alteration="repaint-element", repainted=part, changed_fraction=round(change, 4))
        mark_rules = list(MARK_RULES[condition])
        window = None
        if condition == "frame-clipped":
            side = str(rng.choice(["left", "right", "top", "bottom"]))
            hidden = float(rng.uniform(0.25, 0.45))
            how = "cover" if baked else str(rng.choice(["clip", "cover"]))
            placed_size = pose.size(aspect)
            if how == "clip":  # a frame smaller than the artwork: the page shows beyond it
                window = frame_window(placed_size, side, hidden, placed_size[1] * 2)
            mark_details.update(side=side, hidden_fraction=round(hidden, 4), how=how)
        if baked:
            _bake(builder, rng, ctx, variant, svg, pose, size)
            mark_details["baked_into_photo"] = True
        elif medium == "pdf-vector":
            builder.vector_mark(svg, kit.artwork_for(variant).geometry, pose, window)
        else:
            ppi = _raster_mark(builder, svg, pose, aspect, _ppi(condition, rng, ctx),
                               None if window is None else window_polygon(pose, aspect, window))
            mark_details["ppi"] = round(ppi, 1)
            if condition == "low-resolution":
                severity = "error" if ppi < kit.spec.minimum_ppi else "warning"
                mark_details["severity"] = severity
        if condition == "clear-space":
            ink = WHITE if tone == "dark" else INK
            share = _intrude(builder, rng, pose, aspect, ratio, ink)
            mark_details["intrusion"] = share
        if condition == "frame-clipped" and mark_details["how"] == "cover":
            cover = hidden_part(pose.size(aspect), mark_details["side"], mark_details["hidden_fraction"],
                                0.3 * pose.size(aspect)[1])
            builder.polygon(window_polygon(pose, aspect, cover),
                            tuple(int(c) for c in rng.integers(0, 256, 3)))  # type: ignore[arg-type]
        if condition == "small-intruder":
            mark_details.update(_small_intruder(builder, rng, pose, aspect, ratio, WHITE if tone == "dark" else INK))
        if condition == "occluded":
            mark_details["covered_fraction"] = _occlude(builder, rng, pose, aspect)
        placed_w, placed_h = pose.size(aspect)
        label = ExpectedMark(
            page=1, corners=pose.corners(aspect), variant=variant, width=placed_w, height=placed_h,
            rotation_deg=pose.rotation_deg, aspect_ratio_error=pose.stretch_x / pose.stretch_y - 1,
            visible_fraction=visible_fraction(pose.corners(aspect), *size), source=source,
            rules=tuple(mark_rules), conditions=tuple(tags), width_mm=placed_w / MM, details=mark_details)
        marks.append(label)
        for rule in label.rules:
            rules.append(ExpectedRule(rule, str(mark_details.get("severity", "error")), 1, index))
    if condition == "not-entitled":
        rules.append(ExpectedRule("not-entitled", "error", 1, None))
        details["also_allowed"] = ["no-qualification"]
    if condition == "no-qualification":
        rules.append(ExpectedRule("no-qualification", "warning", 1, None))
    _draw_band(builder, band, lines)
    data = builder.build(None if carrier is None else (carrier.path, carrier.page_index))
    return PdfScene(data, size, marks, rules, tags, details)


def _first_colour(svg: bytes) -> tuple[int, int, int]:
    import re

    match = re.search(rb"#([0-9A-Fa-f]{6})", artwork_body(svg))
    if match is None:
        return (0, 0, 0)
    h = match.group(1).decode()
    return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)


def _ppi(condition: str, rng: np.random.Generator, ctx: Context) -> float:
    spec = ctx.kit.spec
    if condition == "low-resolution":
        if rng.random() < 0.5:
            return float(rng.uniform(spec.minimum_ppi * 0.55, spec.minimum_ppi * 0.8))
        return float(rng.uniform(spec.minimum_ppi * 1.15, spec.recommended_ppi * 0.85))
    return float(rng.uniform(spec.recommended_ppi * 1.05, spec.recommended_ppi * 1.35))


def _raster_mark(builder: PageBuilder, svg: bytes, pose: Pose, aspect: float, ppi: float,
                 clip: list[tuple[float, float]] | None = None) -> float:
    """The artwork as an RGBA image (its own proportions) placed with ``pose``.

    The image has enough pixels for ``ppi`` along both placed edges, so a
    stretched mark is not also a low-resolution one; returns the effective ppi
    (the lower of the two axes).
    """
    placed_w, placed_h = pose.size(aspect)
    px_w = max(2, math.ceil(max(placed_w, placed_h * aspect) / 72 * ppi))
    px_h = max(2, round(px_w / aspect))
    rgba = png_to_rgba(render_svg(svg, to="png", width=px_w, height=px_h)).astype(np.uint8)
    builder.image(rgba[..., :3], pose.corners(aspect), alpha=rgba[..., 3], clip=clip)
    return min(px_w / (placed_w / 72), px_h / (placed_h / 72))


def _bake(builder: PageBuilder, rng: np.random.Generator, ctx: Context, variant: str, svg: bytes,
          pose: Pose, page: tuple[float, float]) -> None:
    """A photo around the mark with the mark drawn into its pixels, placed as one image (300+ ppi)."""
    aspect = ctx.aspect
    ppi = float(rng.uniform(300, 340))
    width, height = pose.size(aspect)
    margin = 0.9 * max(width, height)
    corners = np.array(pose.corners(aspect))
    x0 = max(0.0, float(corners[:, 0].min()) - margin)
    y0 = max(0.0, float(corners[:, 1].min()) - margin * 0.6)
    x1 = min(page[0], float(corners[:, 0].max()) + margin)
    y1 = min(page[1], float(corners[:, 1].max()) + margin * 0.6)
    scale = ppi / 72
    size_px = (round((x1 - x0) * scale), round((y1 - y0) * scale))
    picture = photo(size_px, rng, "dark", float(rng.uniform(0.4, 1.2)))
    local = Pose((pose.center_x - x0) * scale, (pose.center_y - y0) * scale, pose.width * scale,
                 pose.rotation_deg, pose.stretch_x, pose.stretch_y)
    picture, _ = place_mark(picture, ctx.kit, variant, local, svg)
    builder.image(picture, [(x0, y0), (x1, y0), (x1, y1), (x0, y1)], jpeg_quality=92)


def _intrude(builder: PageBuilder, rng: np.random.Generator, pose: Pose, aspect: float, ratio: float,
             ink: tuple[int, int, int]) -> dict[str, Any]:
    """Text or a block inside the clear space, on one side; returns what was put where."""
    width, height = pose.size(aspect)
    clear = ratio * height
    depth = float(rng.uniform(0.5, 1.0))
    gap = clear * (1 - depth)
    local_w, local_h = width, height
    side = str(rng.choice(["left", "right", "top", "bottom"]))
    kind = str(rng.choice(["text", "block"]))
    affine = pose.local_to_canvas(aspect)

    def to_page(x: float, y: float) -> tuple[float, float]:
        p = affine @ np.array([x, y, 1.0])
        return float(p[0]), float(p[1])

    if kind == "block" or side in ("left", "right"):
        if side == "left":
            box = (-gap - clear * 2, 0.0, -gap, local_h)
        elif side == "right":
            box = (local_w + gap, 0.0, local_w + gap + clear * 2, local_h)
        elif side == "top":
            box = (0.0, -gap - clear * 1.2, local_w, -gap)
        else:
            box = (0.0, local_h + gap, local_w, local_h + gap + clear * 1.2)
        colour = tuple(int(c) for c in (rng.integers(0, 120, 3) if ink == INK else rng.integers(150, 256, 3)))
        builder.polygon([to_page(box[0], box[1]), to_page(box[2], box[1]), to_page(box[2], box[3]),
                         to_page(box[0], box[3])], colour)
        return {"side": side, "kind": "block", "depth": round(depth, 3)}
    # A heading in capitals right against the mark (only for upright marks, which all intrusions are).
    size = clear * 1.1
    baseline = -gap if side == "top" else local_h + gap + size * 0.72
    x, y = to_page(0.0, baseline)
    builder.text(x, y, size, "OPEN DAY SATURDAY", ink, bold=True)
    return {"side": side, "kind": "text", "depth": round(depth, 3)}


def _small_intruder(builder: PageBuilder, rng: np.random.Generator, pose: Pose, aspect: float, ratio: float,
                    ink: tuple[int, int, int]) -> dict[str, Any]:
    """A dot or a thin bar reaching 20-60% into the clear space on one side; returns what was put where."""
    side = str(rng.choice(["left", "right", "top", "bottom"]))
    depth = float(rng.uniform(0.2, 0.6))
    shape = str(rng.choice(["dot", "bar"]))
    local = small_intruder(pose.size(aspect), ratio * pose.size(aspect)[1], side, depth, shape,
                           72.0 / RENDER_DPI, rng)
    affine = pose.local_to_canvas(aspect)
    builder.polygon([(float(p[0]), float(p[1])) for p in (affine @ np.array([x, y, 1.0]) for x, y in local)], ink)
    return {"side": side, "depth": round(depth, 3), "intruder": shape}


def _occlude(builder: PageBuilder, rng: np.random.Generator, pose: Pose, aspect: float) -> float:
    width, height = pose.size(aspect)
    fraction = float(rng.uniform(0.18, 0.35))
    affine = pose.local_to_canvas(aspect)
    x0 = (1 - fraction) * width
    local = [(x0, -0.3 * height), (width + 0.2 * height, -0.3 * height),
             (width + 0.2 * height, 1.3 * height), (x0, 1.3 * height)]
    points = [tuple(float(v) for v in affine @ np.array([x, y, 1.0])) for x, y in local]
    builder.polygon(points, tuple(int(c) for c in rng.integers(0, 256, 3)))  # type: ignore[arg-type]
    return round(fraction, 4)


def _decoy(builder: PageBuilder, rng: np.random.Generator, band: tuple[float, float, float, float]) -> None:
    """Badge-like vector shapes that are not the mark, placed off the text band."""
    page_w, page_h = builder.width, builder.height
    for _ in range(int(rng.integers(1, 3))):
        w = float(rng.uniform(min(80.0, page_w * 0.3), min(220.0, page_w * 0.6)))
        h = w / float(rng.uniform(2.4, 4.0))
        band_on_top = band[1] < page_h / 2
        low, high = (band[3] + 10, page_h - h - 10) if band_on_top else (10.0, band[1] - h - 10)
        if high <= low:
            return
        x = float(rng.uniform(10, page_w - w - 10))
        y = float(rng.uniform(low, high))
        panel = tuple(int(c) for c in rng.integers(0, 120, 3))
        builder.rect((x, y, x + w, y + h), panel)
        builder.rect((x + h * 0.1, y + h * 0.1, x + h * 0.9, y + h * 0.9), WHITE)
        builder.text(x + h * 0.18, y + h * 0.65, h * 0.35, "".join(rng.choice(list("ABDEFGKLMNPRSUVW"), 2)),
                     panel, bold=True)
        builder.text(x + h * 1.05, y + h * 0.45, h * 0.2, "Skills Partner", WHITE, bold=True)
        builder.text(x + h * 1.05, y + h * 0.75, h * 0.14, "MEMBER 2026", (255, 200, 0))
