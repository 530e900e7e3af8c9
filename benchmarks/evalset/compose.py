"""Place the kit's mark into an RGB canvas with an exact pose and known ground truth.

The artwork is rendered by cairosvg already transformed (scaled, stretched,
rotated and translated inside an outer SVG), so edges are anti-aliased exactly
as a design tool would draw them, and the ground-truth corners are the exact
images of the artwork's corners.

Coordinates are canvas units (pixels for images, points for PDF pages), origin
top-left, y down. ``rotation_deg`` is counter-clockwise as seen, like the
scanner's ``rotation_deg``.
"""

from __future__ import annotations

import colorsys
import io
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from htq_mark.kit import Kit, render_svg
from htq_mark.kit._svg_safety import SvgGeometry

__all__ = [
    "RECOLOURINGS",
    "Placed",
    "Point",
    "Pose",
    "alter_svg",
    "mirror_svg",
    "remove_element",
    "artwork_body",
    "clear_zone",
    "clip_to",
    "composite_rgba",
    "cropped_pose",
    "delta_e",
    "draw_polygon",
    "draw_text_block",
    "expanded_corners",
    "frame_window",
    "hidden_part",
    "intrude_clear_space",
    "occlude",
    "place_mark",
    "png_to_rgba",
    "polygon_mask",
    "recolour_svg",
    "relative_luminance",
    "render_tile",
    "small_intruder",
    "window_polygon",
    "srgb_to_lab",
    "visible_fraction",
]

Point = tuple[float, float]
Image = NDArray[np.uint8]

_HEX_COLOUR = re.compile(r"#([0-9A-Fa-f]{6}|[0-9A-Fa-f]{3})\b")
_SVG_OPEN = re.compile(rb"<svg\b[^>]*>", re.DOTALL)
_TITLE = re.compile(rb"<title\b.*?</title>", re.DOTALL)
_PATH = re.compile(rb"<path\b[^>]*?/>", re.DOTALL)
_PATH_D = re.compile(rb'\bd="([^"]*)"')

#: The recolourings the evaluation set applies (all give colours no variant approves).
RECOLOURINGS = ("palette", "greyscale", "inverted", "hue-shift")


@dataclass(frozen=True)
class Pose:
    """Where and how the artwork is placed.

    ``width`` is the artwork's width before stretching; the placed width is
    ``width * stretch_x`` and the placed height ``width / aspect * stretch_y``.
    """

    center_x: float
    center_y: float
    width: float
    rotation_deg: float = 0.0
    stretch_x: float = 1.0
    stretch_y: float = 1.0

    def size(self, aspect: float) -> tuple[float, float]:
        """Placed (width, height) along the artwork's own edges."""
        return self.width * self.stretch_x, self.width / aspect * self.stretch_y

    def local_to_canvas(self, aspect: float) -> NDArray[np.float64]:
        """2x3 affine mapping the artwork box [0, w] x [0, h] (as placed) to the canvas."""
        width, height = self.size(aspect)
        theta = math.radians(self.rotation_deg)
        cos, sin = math.cos(theta), math.sin(theta)
        # y is down, so a counter-clockwise turn as seen maps the x axis to (cos, -sin).
        linear = np.array([[cos, sin], [-sin, cos]])
        offset = np.array([self.center_x, self.center_y]) - linear @ np.array([width / 2, height / 2])
        return np.hstack([linear, offset[:, None]])

    def corners(self, aspect: float) -> tuple[Point, Point, Point, Point]:
        """The artwork's own top-left, top-right, bottom-right, bottom-left as placed."""
        width, height = self.size(aspect)
        affine = self.local_to_canvas(aspect)
        points = [(0.0, 0.0), (width, 0.0), (width, height), (0.0, height)]
        mapped = [tuple(float(v) for v in affine @ np.array([x, y, 1.0])) for x, y in points]
        return (mapped[0][0], mapped[0][1]), (mapped[1][0], mapped[1][1]), \
            (mapped[2][0], mapped[2][1]), (mapped[3][0], mapped[3][1])

    def svg_matrix(self, geometry: SvgGeometry, offset: Point = (0.0, 0.0)) -> tuple[float, ...]:
        """SVG ``matrix(a b c d e f)`` from artwork user units to canvas units minus ``offset``."""
        aspect = geometry.width / geometry.height
        width, height = self.size(aspect)
        scale = np.array([[width / geometry.width, 0.0, -geometry.min_x * width / geometry.width],
                          [0.0, height / geometry.height, -geometry.min_y * height / geometry.height],
                          [0.0, 0.0, 1.0]])
        full = np.vstack([self.local_to_canvas(aspect), [0.0, 0.0, 1.0]]) @ scale
        return (float(full[0, 0]), float(full[1, 0]), float(full[0, 1]), float(full[1, 1]),
                float(full[0, 2] - offset[0]), float(full[1, 2] - offset[1]))


@dataclass(frozen=True)
class Placed:
    """A mark placed into a canvas: its pose, corners and the share inside the canvas."""

    variant: str
    pose: Pose
    corners: tuple[Point, Point, Point, Point]
    visible_fraction: float

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        """Axis-aligned box of the corners (may reach beyond the canvas)."""
        xs = [p[0] for p in self.corners]
        ys = [p[1] for p in self.corners]
        return min(xs), min(ys), max(xs), max(ys)


# ---------------------------------------------------------------- colour science

def srgb_to_lab(rgb: NDArray[np.floating] | Sequence[float]) -> NDArray[np.float64]:
    """CIE L*a*b* (D65) of sRGB colours given as 0-255 values, shape (..., 3)."""
    c = np.asarray(rgb, dtype=np.float64) / 255.0
    linear = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    m = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]])
    xyz = linear @ m.T / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > 216 / 24389, np.cbrt(xyz), (24389 / 27 * xyz + 16) / 116)
    return np.stack([116 * f[..., 1] - 16, 500 * (f[..., 0] - f[..., 1]), 200 * (f[..., 1] - f[..., 2])],
                    axis=-1)


def delta_e(rgb1: Sequence[float], rgb2: Sequence[float]) -> float:
    """CIE76 colour difference of two sRGB colours (0-255)."""
    return float(np.linalg.norm(srgb_to_lab(rgb1) - srgb_to_lab(rgb2)))


def relative_luminance(rgb: NDArray[np.generic]) -> NDArray[np.float64]:
    """WCAG relative luminance (0..1) of sRGB values 0-255, shape (..., 3) -> (...)."""
    c = np.asarray(rgb, dtype=np.float64) / 255.0
    linear = np.where(c <= 0.03928, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    return np.asarray(linear @ np.array([0.2126, 0.7152, 0.0722]), dtype=np.float64)


def _hex(rgb: Sequence[float]) -> str:
    return "#" + "".join(f"{round(min(255.0, max(0.0, v))):02X}" for v in rgb)


def _parse_hex(text: str) -> tuple[int, int, int]:
    if len(text) == 3:
        text = "".join(ch * 2 for ch in text)
    return int(text[0:2], 16), int(text[2:4], 16), int(text[4:6], 16)


def _approved_colours(kit: Kit) -> list[tuple[int, int, int]]:
    return [c.rgb for v in kit.spec.variants.values() for c in v.colours]


def _far_colour(rng: np.random.Generator, avoid: Sequence[tuple[int, int, int]],
                minimum: float) -> tuple[int, int, int]:
    for _ in range(500):
        candidate = tuple(int(v) for v in rng.integers(0, 256, 3))
        if all(delta_e(candidate, a) >= minimum for a in avoid):
            return candidate[0], candidate[1], candidate[2]
    raise RuntimeError("no colour far enough from the approved palette; lower the distance")


# ---------------------------------------------------------------- SVG edits

def artwork_body(svg: bytes) -> bytes:
    """The drawing inside the artwork's root ``<svg>`` element, without its title."""
    opening = _SVG_OPEN.search(svg)
    closing = svg.rfind(b"</svg>")
    if opening is None or closing < 0:
        raise ValueError("the artwork is not a single <svg> element")
    return _TITLE.sub(b"", svg[opening.end():closing])


def _map_colours(svg: bytes, mapping: Callable[[tuple[int, int, int]], tuple[int, int, int]]) -> bytes:
    text = svg.decode("utf-8")
    return _HEX_COLOUR.sub(lambda m: _hex(mapping(_parse_hex(m.group(1)))), text).encode("utf-8")


def recolour_svg(svg: bytes, how: str, kit: Kit, rng: np.random.Generator) -> bytes:
    """Recolour every colour in ``svg``: palette, greyscale, inverted or hue-shift.

    ``palette`` draws each new colour at least 2.5 times the kit's colour
    tolerance away from every approved colour, so the result is unambiguous.
    """
    if how == "greyscale":
        def grey(rgb: tuple[int, int, int]) -> tuple[int, int, int]:
            y = round(0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2])
            return y, y, y
        return _map_colours(svg, grey)
    if how == "inverted":
        return _map_colours(svg, lambda rgb: (255 - rgb[0], 255 - rgb[1], 255 - rgb[2]))
    if how == "hue-shift":
        shift = float(rng.uniform(0.25, 0.75))

        def rotate(rgb: tuple[int, int, int]) -> tuple[int, int, int]:
            h, s, v = colorsys.rgb_to_hsv(*(c / 255 for c in rgb))
            r, g, b = colorsys.hsv_to_rgb((h + shift) % 1.0, s, v)
            return round(r * 255), round(g * 255), round(b * 255)
        return _map_colours(svg, rotate)
    if how == "palette":
        approved = _approved_colours(kit)
        minimum = 2.5 * kit.spec.scan.colour_tolerance_delta_e
        chosen: dict[tuple[int, int, int], tuple[int, int, int]] = {}
        text = svg.decode("utf-8")
        for match in _HEX_COLOUR.finditer(text):
            original = _parse_hex(match.group(1))
            if original not in chosen:
                chosen[original] = _far_colour(rng, approved + list(chosen.values()), minimum)
        return _map_colours(svg, lambda rgb: chosen[rgb])
    raise ValueError(f"unknown recolouring {how!r}; use one of {', '.join(RECOLOURINGS)}")


def _subpaths(d: bytes) -> list[bytes]:
    starts = [m.start() for m in re.finditer(rb"[Mm]", d)]
    return [d[a:b] for a, b in zip(starts, starts[1:] + [len(d)])]


def _removal_candidates(svg: bytes) -> list[bytes]:
    """Artwork with one part removed: each path element after the first, or each sub-path
    of a single-path (knock-out) artwork after the outline."""
    paths = list(_PATH.finditer(svg))
    out: list[bytes] = []
    if len(paths) > 1:
        for match in paths[1:]:
            out.append(svg[:match.start()] + svg[match.end():])
        return out
    for match in paths:
        d_match = _PATH_D.search(match.group(0))
        if d_match is None:
            continue
        parts = _subpaths(d_match.group(1))
        for index in range(1, len(parts)):
            new_d = b"".join(parts[:index] + parts[index + 1:])
            element = match.group(0).replace(d_match.group(1), new_d)
            out.append(svg[:match.start()] + element + svg[match.end():])
    return out


def _outlined(svg: bytes, kit: Kit, variant: str) -> bytes:
    """Artwork with a heavy keyline added along its outer shape, in the variant's last colour."""
    colours = kit.spec.variant(variant).colours
    stroke = _hex(colours[-1].rgb)
    first = _PATH.search(svg)
    d_match = None if first is None else _PATH_D.search(first.group(0))
    if first is None or d_match is None:
        raise ValueError("the artwork has no <path> to outline")
    outline = _subpaths(d_match.group(1))[0]
    keyline = (b'<path fill="none" stroke="' + stroke.encode() + b'" stroke-width="22" '
               b'stroke-linejoin="round" d="' + outline + b'"/>')
    closing = svg.rfind(b"</svg>")
    return svg[:closing] + keyline + svg[closing:]


def mirror_svg(svg: bytes) -> bytes:
    """The artwork flipped left to right within its own box (a design tool's flip)."""
    opening = re.search(rb"<svg\b[^>]*>", svg)
    box = None if opening is None else re.search(rb'viewBox="([-0-9. ]+)"', opening.group(0))
    closing = svg.rfind(b"</svg>")
    if opening is None or box is None or closing < 0:
        raise ValueError("the artwork has no <svg> element with a viewBox to flip within")
    left, _, width, _ = (float(value) for value in box.group(1).split())
    flip = f'<g transform="matrix(-1 0 0 1 {2 * left + width:g} 0)">'.encode()
    return svg[:opening.end()] + flip + svg[opening.end():closing] + b"</g>" + svg[closing:]


def _difference(kit: Kit, original: bytes, altered: bytes, width: int = 320) -> float:
    """Share of the artwork's box whose pixels differ between two versions."""
    a = png_to_rgba(render_svg(original, to="png", width=width))
    b = png_to_rgba(render_svg(altered, to="png", width=width))
    if a.shape != b.shape:
        return 1.0
    diff = np.abs(_over_grey(a) - _over_grey(b)).max(axis=-1) > 40
    return float(diff.mean())


def remove_element(svg: bytes, kit: Kit, element: str) -> tuple[bytes, float]:
    """The artwork without its ``<path id="element">`` (one part removed), and the share of its area changed."""
    pattern = re.compile(rb'<path id="' + re.escape(element.encode()) + rb'"[^>]*/>')
    edited = pattern.sub(b"", svg, count=1)
    if edited == svg:
        raise ValueError(f"the artwork has no element {element!r}")
    return edited, _difference(kit, svg, edited)


def repaint_element(svg: bytes, kit: Kit, element: str, colour: str) -> tuple[bytes, float]:
    """The artwork with its ``<path id="element">`` filled with ``colour``, and the share of its area changed."""
    pattern = re.compile(rb'(<path id="' + re.escape(element.encode()) + rb'" fill=")[^"]*"')
    edited = pattern.sub(lambda found: found.group(1) + colour.encode() + b'"', svg, count=1)
    if edited == svg:
        raise ValueError(f"the artwork has no element {element!r} of another colour than {colour}")
    return edited, _difference(kit, svg, edited)


def alter_svg(svg: bytes, how: str, kit: Kit, variant: str, minimum_difference: float) -> tuple[bytes, float]:
    """Alter the artwork ("remove-part" or "outline"); return it and the share of its area changed.

    ``remove-part`` removes the part whose absence changes the most area while
    keeping at least half of the artwork unchanged; the change must reach
    ``minimum_difference`` or ValueError is raised.
    """
    if how == "outline":
        altered = _outlined(svg, kit, variant)
        change = _difference(kit, svg, altered)
    elif how == "remove-part":
        scored = [(_difference(kit, svg, c), c) for c in _removal_candidates(svg)]
        scored = [s for s in scored if s[0] <= 0.5]
        if not scored:
            raise ValueError("the artwork has no removable part")
        change, altered = max(scored, key=lambda s: s[0])
    else:
        raise ValueError(f"unknown alteration {how!r}; use remove-part or outline")
    if change < minimum_difference:
        raise ValueError(f"the {how} alteration changes only {change:.1%} of the artwork")
    return altered, change


# ---------------------------------------------------------------- rendering and compositing

def png_to_rgba(png: bytes) -> NDArray[np.float32]:
    """PNG bytes as a float RGBA array (0-255)."""
    from PIL import Image as PILImage

    with PILImage.open(io.BytesIO(png)) as image:
        rgba: NDArray[np.float32] = np.asarray(image.convert("RGBA"), dtype=np.float32)
    return rgba


def _over_grey(rgba: NDArray[np.float32]) -> NDArray[np.float32]:
    alpha = rgba[..., 3:] / np.float32(255.0)
    grey: NDArray[np.float32] = rgba[..., :3] * alpha + np.float32(128.0) * (np.float32(1.0) - alpha)
    return grey


def _outer_svg(body: bytes, matrix: tuple[float, ...], width: int, height: int) -> bytes:
    m = " ".join(f"{v:.6f}" for v in matrix)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}"><g transform="matrix({m})">').encode() + body + b"</g></svg>"


def render_tile(svg: bytes, geometry: SvgGeometry, pose: Pose, canvas_size: tuple[int, int],
                margin: int = 2) -> tuple[NDArray[np.float32], int, int] | None:
    """Render the posed artwork into the part of the canvas it covers.

    Returns the RGBA tile (float 0-255) and its top-left in the canvas, or None
    when the mark lies wholly outside the canvas. ``canvas_size`` is (width, height).
    """
    corners = np.array(pose.corners(geometry.width / geometry.height))
    x0 = max(0, math.floor(corners[:, 0].min()) - margin)
    y0 = max(0, math.floor(corners[:, 1].min()) - margin)
    x1 = min(canvas_size[0], math.ceil(corners[:, 0].max()) + margin)
    y1 = min(canvas_size[1], math.ceil(corners[:, 1].max()) + margin)
    if x1 <= x0 or y1 <= y0:
        return None
    outer = _outer_svg(artwork_body(svg), pose.svg_matrix(geometry, (x0, y0)), x1 - x0, y1 - y0)
    return png_to_rgba(render_svg(outer, to="png")), x0, y0


def composite_rgba(canvas: Image, tile: NDArray[np.float32], x0: int, y0: int) -> Image:
    """``tile`` (RGBA) drawn over ``canvas`` (RGB) at (x0, y0); returns a new canvas."""
    out = canvas.copy()
    h, w = tile.shape[:2]
    region = out[y0:y0 + h, x0:x0 + w].astype(np.float32)
    alpha = tile[..., 3:] / 255.0
    out[y0:y0 + h, x0:x0 + w] = np.clip(region * (1 - alpha) + tile[..., :3] * alpha + 0.5, 0, 255
                                        ).astype(np.uint8)
    return out


def visible_fraction(corners: Sequence[Point], width: float, height: float) -> float:
    """Share of the quadrilateral's area inside the rectangle [0, width] x [0, height]."""
    import cv2

    quad = np.array(corners, dtype=np.float32)
    frame = np.array([[0, 0], [width, 0], [width, height], [0, height]], dtype=np.float32)
    total = abs(float(cv2.contourArea(quad)))
    inside, _ = cv2.intersectConvexConvex(quad, frame)
    # float32 geometry: round so a mark wholly inside is exactly 1.0
    return 0.0 if total == 0 else round(min(1.0, float(inside) / total), 5)


def place_mark(canvas: Image, kit: Kit, variant: str, pose: Pose, svg: bytes | None = None
               ) -> tuple[Image, Placed]:
    """Draw ``variant`` (or the given edited ``svg`` of it) into ``canvas`` with ``pose``."""
    artwork = kit.artwork_for(variant)
    height, width = canvas.shape[:2]
    rendered = render_tile(svg if svg is not None else artwork.svg, artwork.geometry, pose, (width, height))
    if rendered is None:
        raise ValueError(f"pose {pose} puts the mark outside the {width}x{height} canvas")
    tile, x0, y0 = rendered
    corners = pose.corners(artwork.aspect_ratio)
    placed = Placed(variant=variant, pose=pose, corners=corners,
                    visible_fraction=visible_fraction(corners, width, height))
    return composite_rgba(canvas, tile, x0, y0), placed


def cropped_pose(pose: Pose, aspect: float, canvas_size: tuple[float, float], edge: str,
                 fraction: float) -> Pose:
    """``pose`` (upright) moved so ``fraction`` of the artwork lies beyond ``edge`` of the canvas."""
    width, height = pose.size(aspect)
    cw, ch = canvas_size
    cx, cy = pose.center_x, pose.center_y
    if edge == "left":
        cx = width * (0.5 - fraction)
    elif edge == "right":
        cx = cw - width * (0.5 - fraction)
    elif edge == "top":
        cy = height * (0.5 - fraction)
    elif edge == "bottom":
        cy = ch - height * (0.5 - fraction)
    else:
        raise ValueError(f"unknown edge {edge!r}")
    return Pose(cx, cy, pose.width, pose.rotation_deg, pose.stretch_x, pose.stretch_y)


# ---------------------------------------------------------------- zones, intrusions, occluders

def expanded_corners(pose: Pose, aspect: float, margin: float) -> tuple[Point, Point, Point, Point]:
    """Corners of the artwork box grown by ``margin`` on every side (in the mark's frame)."""
    width, height = pose.size(aspect)
    affine = pose.local_to_canvas(aspect)
    points = [(-margin, -margin), (width + margin, -margin), (width + margin, height + margin),
              (-margin, height + margin)]
    mapped = [affine @ np.array([x, y, 1.0]) for x, y in points]
    return tuple((float(p[0]), float(p[1])) for p in mapped)  # type: ignore[return-value]


def polygon_mask(shape: tuple[int, int], polygon: Sequence[Point], scale: int = 4) -> NDArray[np.bool_]:
    """Boolean mask (height, width) of the pixels whose centres lie inside ``polygon``."""
    import cv2

    mask = np.zeros(shape, dtype=np.uint8)
    points = np.round((np.array(polygon, dtype=np.float64) - 0.5) * (1 << scale)).astype(np.int32)
    cv2.fillPoly(mask, [points], 1, lineType=cv2.LINE_8, shift=scale)
    return mask.astype(bool)


def clear_zone(canvas: Image, pose: Pose, aspect: float, margin: float, colour: Sequence[int]) -> Image:
    """Paint the artwork's box grown by ``margin`` in ``colour`` (a compliant layout's empty space)."""
    import cv2

    out = canvas.copy()
    points = np.round(np.array(expanded_corners(pose, aspect, margin)) * 16).astype(np.int32)
    cv2.fillPoly(out, [points], tuple(int(c) for c in colour), lineType=cv2.LINE_AA, shift=4)
    return out


def draw_text_block(canvas: Image, box: tuple[int, int, int, int], colour: Sequence[int],
                    rng: np.random.Generator, line_height: int | None = None) -> Image:
    """Lines of word-like text (Hershey font) filling ``box`` = (x0, y0, x1, y1)."""
    import cv2

    out = canvas.copy()
    x0, y0, x1, y1 = box
    line = line_height or max(8, min(40, (y1 - y0) // 2 if y1 - y0 < 24 else int(rng.integers(12, 26))))
    scale = cv2.getFontScaleFromHeight(cv2.FONT_HERSHEY_SIMPLEX, max(4, int(line * 0.6)), 1)
    thickness = max(1, line // 12)
    y = y0 + int(line * 0.8)
    letters = "abcdefghijklmnopqrstuvwxyz"
    while y <= y1:
        words = " ".join("".join(rng.choice(list(letters), int(rng.integers(2, 9))))
                         for _ in range(int(rng.integers(6, 20))))
        clip = out[y0:y1, x0:x1].copy()
        cv2.putText(clip, words.capitalize(), (0, y - y0), cv2.FONT_HERSHEY_SIMPLEX, scale,
                    tuple(int(c) for c in colour), thickness, cv2.LINE_AA)
        out[y0:y1, x0:x1] = clip
        y += line
    return out


def intrude_clear_space(canvas: Image, pose: Pose, aspect: float, ratio: float, side: str,
                        depth: float, kind: str, colour: Sequence[int], rng: np.random.Generator) -> Image:
    """Put text or a solid block into the clear space on ``side`` of an upright mark.

    ``depth`` is how far (0..1 of the clear-space width) the content reaches in
    from the zone's outer edge; it never touches the artwork itself.
    """
    import cv2

    if abs(pose.rotation_deg) > 1e-6:
        raise ValueError("clear-space intrusions are drawn beside upright marks only")
    width, height = pose.size(aspect)
    clear = ratio * height
    left, top = pose.center_x - width / 2, pose.center_y - height / 2
    right, bottom = left + width, top + height
    gap = max(1.0, clear * (1.0 - depth))
    reach = clear * 2.0
    boxes = {
        "left": (left - gap - reach, top, left - gap, bottom),
        "right": (right + gap, top, right + gap + reach, bottom),
        "top": (left, top - gap - reach * 0.6, right, top - gap),
        "bottom": (left, bottom + gap, right, bottom + gap + reach * 0.6),
    }
    h, w = canvas.shape[:2]
    bx0, by0, bx1, by1 = boxes[side]
    box = (max(0, round(bx0)), max(0, round(by0)), min(w, round(bx1)), min(h, round(by1)))
    if box[2] - box[0] < 2 or box[3] - box[1] < 2:
        raise ValueError(f"no room for an intrusion on the {side}")
    if kind == "text":
        # Text hugging the mark: the first line sits right at the inner edge of the box.
        line = max(8, round(clear * 0.9))
        if side == "top":
            return draw_text_block(canvas, (box[0], max(0, box[3] - line * 2), box[2], box[3]), colour, rng, line)
        return draw_text_block(canvas, box, colour, rng, line)
    out = canvas.copy()
    cv2.rectangle(out, (box[0], box[1]), (box[2] - 1, box[3] - 1), tuple(int(c) for c in colour), -1)
    return out


def small_intruder(size: tuple[float, float], clear: float, side: str, depth: float, kind: str,
                   pixel: float, rng: np.random.Generator) -> list[Point]:
    """A dot or a thin bar in the clear space on ``side``, in the artwork's own frame (``size`` = w, h).

    Its deepest point lies ``depth`` (0..1 of the clear space) in from the zone's outer edge;
    ``pixel`` is one output pixel in these units (the bar is two or three pixels thick).
    """
    width, height = size
    inner = clear * (1.0 - depth)          # distance of the deepest point from the artwork
    along = width if side in ("top", "bottom") else height
    at = float(rng.uniform(0.15, 0.85)) * along
    if kind == "dot":
        diameter = max(3.0 * pixel, float(rng.uniform(0.1, 0.2)) * clear)
        centre_out = inner + diameter / 2
        angles = np.linspace(0.0, 2 * math.pi, 20, endpoint=False)
        ring = [(centre_out + diameter / 2 * math.cos(a), at + diameter / 2 * math.sin(a)) for a in angles]
    elif kind == "bar":
        thickness = float(rng.uniform(2.0, 3.0)) * pixel
        reach = clear * float(rng.uniform(1.1, 1.6))  # from the deepest point out past the zone's edge
        ring = [(inner, at - thickness / 2), (inner + reach, at - thickness / 2),
                (inner + reach, at + thickness / 2), (inner, at + thickness / 2)]
    else:
        raise ValueError(f"unknown intruder {kind!r}")
    # (distance out from the artwork's edge, position along it) -> the artwork's frame
    if side == "left":
        return [(-out, pos) for out, pos in ring]
    if side == "right":
        return [(width + out, pos) for out, pos in ring]
    if side == "top":
        return [(pos, -out) for out, pos in ring]
    if side == "bottom":
        return [(pos, height + out) for out, pos in ring]
    raise ValueError(f"unknown side {side!r}")


def draw_polygon(canvas: Image, polygon: Sequence[Point], colour: Sequence[int]) -> Image:
    """``canvas`` with an anti-aliased filled polygon (canvas coordinates)."""
    import cv2

    out = canvas.copy()
    points = np.round(np.array(polygon) * 16).astype(np.int32)
    cv2.fillPoly(out, [points], tuple(int(c) for c in colour), lineType=cv2.LINE_AA, shift=4)
    return out


def frame_window(size: tuple[float, float], side: str, hidden: float, reach: float
                 ) -> tuple[float, float, float, float]:
    """The window (x0, y0, x1, y1, in the artwork's own frame) of a frame that hides ``hidden`` of
    the artwork on ``side``; it reaches ``reach`` beyond the artwork everywhere else."""
    width, height = size
    x0, y0, x1, y1 = -reach, -reach, width + reach, height + reach
    if side == "left":
        x0 = hidden * width
    elif side == "right":
        x1 = (1.0 - hidden) * width
    elif side == "top":
        y0 = hidden * height
    elif side == "bottom":
        y1 = (1.0 - hidden) * height
    else:
        raise ValueError(f"unknown side {side!r}")
    return x0, y0, x1, y1


def hidden_part(size: tuple[float, float], side: str, hidden: float, reach: float
                ) -> tuple[float, float, float, float]:
    """The box (artwork frame) over ``hidden`` of the artwork on ``side``, reaching ``reach`` beyond it:
    what :func:`frame_window` leaves out."""
    width, height = size
    x0, y0, x1, y1 = frame_window(size, side, hidden, reach)
    return {"left": (-reach, y0, x0, y1), "right": (x1, y0, width + reach, y1),
            "top": (x0, -reach, x1, y0), "bottom": (x0, y1, x1, height + reach)}[side]


def window_polygon(pose: Pose, aspect: float, window: tuple[float, float, float, float]) -> list[Point]:
    """The corners of a window in the artwork's own frame, on the canvas."""
    x0, y0, x1, y1 = window
    affine = pose.local_to_canvas(aspect)
    return [(float(p[0]), float(p[1])) for p in (affine @ np.array([x, y, 1.0])
                                                 for x, y in ((x0, y0), (x1, y0), (x1, y1), (x0, y1)))]


def clip_to(before: Image, after: Image, polygon: Sequence[Point]) -> Image:
    """``after`` inside ``polygon`` and ``before`` outside it (an image frame's window)."""
    inside = polygon_mask(before.shape[:2], polygon)
    return np.where(inside[..., None], after, before)


def occlude(canvas: Image, pose: Pose, aspect: float, fraction: float, colour: Sequence[int],
            rng: np.random.Generator) -> tuple[Image, float]:
    """Cover about ``fraction`` of the artwork with a sticker-like block coming in from one side.

    Returns the new canvas and the exact share of the artwork covered.
    """
    import cv2

    width, height = pose.size(aspect)
    side = str(rng.choice(["left", "right", "top-right", "bottom-left"]))
    affine = pose.local_to_canvas(aspect)
    if side == "left":
        local = [(-0.2 * height, -0.3 * height), (fraction * width, -0.3 * height),
                 (fraction * width, 1.3 * height), (-0.2 * height, 1.3 * height)]
    elif side == "right":
        local = [((1 - fraction) * width, -0.3 * height), (width + 0.2 * height, -0.3 * height),
                 (width + 0.2 * height, 1.3 * height), ((1 - fraction) * width, 1.3 * height)]
    else:
        # A square corner block whose area over the artwork is fraction of it.
        side_len = math.sqrt(fraction * width * height)
        if side == "top-right":
            local = [(width - side_len, -0.3 * height), (width + 0.3 * height, -0.3 * height),
                     (width + 0.3 * height, side_len), (width - side_len, side_len)]
        else:
            local = [(-0.3 * height, height - side_len), (side_len, height - side_len),
                     (side_len, height + 0.3 * height), (-0.3 * height, height + 0.3 * height)]
    polygon = [tuple(float(v) for v in affine @ np.array([x, y, 1.0])) for x, y in local]
    out = canvas.copy()
    points = np.round(np.array(polygon) * 16).astype(np.int32)
    cv2.fillPoly(out, [points], tuple(int(c) for c in colour), lineType=cv2.LINE_AA, shift=4)
    artwork = np.array(pose.corners(aspect), dtype=np.float32)
    covered, _ = cv2.intersectConvexConvex(artwork, np.array(polygon, dtype=np.float32))
    return out, float(covered) / (width * height)
