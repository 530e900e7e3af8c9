"""Test scenes made by code: the kit's mark placed with an exact pose on generated backgrounds."""

from __future__ import annotations

import io
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from htq_mark.kit import Kit, render_svg

Image = NDArray[np.uint8]
Point = tuple[float, float]
SIZE = (640, 420)  # width, height of the default canvas

_HEX = re.compile(r"#([0-9A-Fa-f]{6})\b")


@dataclass(frozen=True)
class Placement:
    """Where a mark was drawn: its corners (top-left, top-right, bottom-right, bottom-left)."""

    corners: tuple[Point, Point, Point, Point]
    width: float
    height: float

    def matches(self, corners: Sequence[Point], tolerance: float = 0.2) -> bool:
        """True when every corner is within ``tolerance`` x the height (+1 px) of the truth."""
        error = np.abs(np.asarray(corners) - np.asarray(self.corners)).max()
        return bool(error <= tolerance * self.height + 1.0)


def _body(svg: bytes) -> str:
    text = svg.decode("utf-8")
    text = re.sub(r"<\?xml[^>]*>", "", text)
    text = re.sub(r"<title>.*?</title>", "", text, flags=re.DOTALL)
    text = re.sub(r"<svg[^>]*>", "", text, count=1)
    return text.replace("</svg>", "")


def place(canvas: Image, kit: Kit, variant: str, centre: Point, width: float, *, rotation_deg: float = 0.0,
          stretch_x: float = 1.0, stretch_y: float = 1.0, svg: bytes | None = None) -> tuple[Image, Placement]:
    """Draw the artwork (or an edited ``svg`` of it) into ``canvas``; rotation is counter-clockwise as seen."""
    artwork = kit.artwork[variant]
    geometry = artwork.geometry
    placed_w = width * stretch_x
    placed_h = width / artwork.aspect_ratio * stretch_y
    theta = math.radians(rotation_deg)
    ux = np.array([math.cos(theta), -math.sin(theta)])
    uy = np.array([math.sin(theta), math.cos(theta)])
    origin = np.asarray(centre) - ux * placed_w / 2 - uy * placed_h / 2
    a, b = ux * placed_w / geometry.width
    c, d = uy * placed_h / geometry.height
    e = origin[0] - a * geometry.min_x - c * geometry.min_y
    f = origin[1] - b * geometry.min_x - d * geometry.min_y
    height, width_px = canvas.shape[:2]
    outer = (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width_px}" height="{height}" '
             f'viewBox="0 0 {width_px} {height}"><g transform="matrix({a} {b} {c} {d} {e} {f})">'
             f'{_body(svg or artwork.svg)}</g></svg>')
    layer = _decode_rgba(render_svg(outer.encode(), to="png"))
    alpha = layer[..., 3:] / 255.0
    out = np.clip(canvas * (1 - alpha) + layer[..., :3] * alpha + 0.5, 0, 255).astype(np.uint8)
    corners = (tuple(origin), tuple(origin + ux * placed_w), tuple(origin + ux * placed_w + uy * placed_h),
               tuple(origin + uy * placed_h))
    return out, Placement(tuple((float(x), float(y)) for x, y in corners), placed_w, placed_h)  # type: ignore[arg-type]


def _decode_rgba(png: bytes) -> NDArray[np.float64]:
    from PIL import Image as PILImage

    with PILImage.open(io.BytesIO(png)) as image:
        return np.asarray(image.convert("RGBA"), dtype=np.float64)


def recolour(svg: bytes, mapping: Callable[[tuple[int, int, int]], tuple[int, int, int]]) -> bytes:
    """The SVG with every hex colour replaced by ``mapping`` of it."""
    def swap(match: re.Match[str]) -> str:
        value = match.group(1)
        rgb = (int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16))
        red, green, blue = mapping(rgb)
        return f"#{red:02X}{green:02X}{blue:02X}"
    return _HEX.sub(swap, svg.decode("utf-8")).encode("utf-8")


def _grey(level: int) -> tuple[int, int, int]:
    return (level, level, level)


PALETTE_SWAP = {(11, 37, 69): (120, 20, 140), (255, 255, 255): (250, 240, 120), (255, 179, 0): (20, 160, 90)}
RECOLOURINGS: dict[str, Callable[[tuple[int, int, int]], tuple[int, int, int]]] = {
    "palette": lambda rgb: PALETTE_SWAP.get(rgb, rgb),
    "greyscale": lambda rgb: _grey(round(0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2])),
    "inverted": lambda rgb: (255 - rgb[0], 255 - rgb[1], 255 - rgb[2]),
}


def outlined(svg: bytes, colour: str, width: float) -> bytes:
    """The SVG with every shape outlined (stroked) in ``colour``, ``width`` artwork units wide: an effect added."""
    return svg.decode("utf-8").replace("<path ", f'<path stroke="{colour}" stroke-width="{width}" ').encode("utf-8")


def repaint_element(svg: bytes, element_id: str, colour: str) -> bytes:
    """The SVG with the ``<path id=...>`` named filled with ``colour`` instead of its own."""
    text = svg.decode("utf-8")
    edited = re.sub(rf'(<path id="{element_id}" fill=")[^"]*"', rf'\g<1>{colour}"', text)
    assert edited != text, f"no element {element_id!r} with a fill of another colour"
    return edited.encode("utf-8")


def remove_element(svg: bytes, element_id: str) -> bytes:
    """The SVG without the ``<path id=...>`` named (a part of the artwork removed)."""
    text = svg.decode("utf-8")
    edited = re.sub(rf'<path id="{element_id}"[^>]*/>', "", text)
    assert edited != text, f"no element {element_id!r}"
    return edited.encode("utf-8")


def painted_over(svg: bytes, box: tuple[float, float, float, float], colour: str) -> bytes:
    """The SVG with a rectangle of ``colour`` over ``box`` (x0, y0, x1, y1 in artwork units): what lies under it
    removed, where ``colour`` is the colour around it."""
    x0, y0, x1, y1 = box
    rectangle = f'<rect x="{x0:.2f}" y="{y0:.2f}" width="{x1 - x0:.2f}" height="{y1 - y0:.2f}" fill="{colour}"/>'
    closing = svg.rfind(b"</svg>")
    return svg[:closing] + rectangle.encode("utf-8") + svg[closing:]


# ---------------------------------------------------------------- backgrounds

def plain(colour: Sequence[int], size: tuple[int, int] = SIZE) -> Image:
    return np.full((size[1], size[0], 3), colour, np.uint8)


def photo_like(seed: int, tone: str = "light", size: tuple[int, int] = SIZE) -> Image:
    """Smooth colour fields, soft blobs and grain: a stand-in for a photograph."""
    import cv2

    rng = np.random.default_rng(seed)
    w, h = size
    field = cv2.resize(rng.uniform(0, 255, (4, 6, 3)).astype(np.float32), (w, h), interpolation=cv2.INTER_CUBIC)
    for _ in range(8):
        centre = (int(rng.integers(0, w)), int(rng.integers(0, h)))
        axes = (int(rng.integers(15, w // 4)), int(rng.integers(15, h // 4)))
        cv2.ellipse(field, centre, axes, float(rng.uniform(0, 180)), 0, 360, rng.uniform(0, 255, 3).tolist(), -1)
    smooth = np.asarray(cv2.GaussianBlur(field, (0, 0), 6), dtype=np.float32)
    smooth += rng.normal(0, 6, smooth.shape).astype(np.float32)
    low, high = (150, 250) if tone == "light" else (5, 70)
    scaled = low + (smooth - smooth.min()) / max(1e-6, float(np.ptp(smooth))) * (high - low)
    return np.asarray(np.clip(scaled, 0, 255), dtype=np.uint8)


def grainy_photo(seed: int, grain: float, size: tuple[int, int] = SIZE) -> Image:
    """A dark :func:`photo_like` under per-pixel noise of ``grain`` levels, softened a little as a camera
    or a resampling would."""
    import cv2

    rng = np.random.default_rng(seed)
    background = photo_like(seed + 30, "dark", size).astype(np.float32)
    noisy = np.clip(background + rng.normal(0, grain, background.shape), 0, 255).astype(np.uint8)
    return np.asarray(cv2.GaussianBlur(noisy, (0, 0), 0.8), dtype=np.uint8)


def text_page(seed: int, size: tuple[int, int] = SIZE, dark: bool = False) -> Image:
    """Lines of words, headings, rules and boxes: a typical document page without a mark."""
    import cv2

    rng = np.random.default_rng(seed)
    page = plain((25, 25, 35) if dark else (255, 255, 255), size)
    ink = (235, 235, 235) if dark else (20, 20, 20)
    y = 30
    while y < size[1] - 20:
        if rng.random() < 0.15:
            x0 = int(rng.integers(10, 60))
            box_w, box_h = int(rng.integers(90, 260)), int(rng.integers(28, 70))
            cv2.rectangle(page, (x0, y), (x0 + box_w, y + box_h), rng.integers(0, 255, 3).tolist(), -1)
            cv2.putText(page, "Apply now", (x0 + 8, y + box_h // 2 + 6), cv2.FONT_HERSHEY_SIMPLEX, 0.7,
                        ink, 2, cv2.LINE_AA)
            y += box_h + 15
            continue
        words = " ".join("".join(chr(int(c)) for c in rng.integers(97, 123, int(rng.integers(2, 9))))
                         for _ in range(8))
        scale = 0.9 if rng.random() < 0.2 else 0.5
        cv2.putText(page, words, (15, y), cv2.FONT_HERSHEY_SIMPLEX, scale, ink, 1 + int(scale > 0.6), cv2.LINE_AA)
        y += int(28 * scale + 12)
    return page


def jpeg(image: Image, quality: int) -> Image:
    from PIL import Image as PILImage

    buffer = io.BytesIO()
    PILImage.fromarray(image).save(buffer, "JPEG", quality=quality)
    with PILImage.open(io.BytesIO(buffer.getvalue())) as decoded:
        return np.asarray(decoded.convert("RGB"), dtype=np.uint8)
