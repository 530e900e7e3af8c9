"""Build small test documents by code: pages drawn as SVG (with the kit's mark) and images."""

from __future__ import annotations

import io
import re
from collections.abc import Sequence

import numpy as np

A4 = (595.28, 841.89)


def mark_fragment(kit, variant: str = "colour", *, x: float, y: float, width: float,
                  rotate: float = 0.0, stretch: float = 1.0) -> str:
    """SVG placing the kit's artwork with its top-left at (x, y), ``width`` wide (page units)."""
    art = kit.artwork[variant]
    svg = art.svg.decode("utf-8")
    svg = svg[svg.index("<svg"):]
    geometry = art.geometry
    height = width / (geometry.width / geometry.height) / stretch
    opening = (f'<svg x="0" y="0" width="{width:.3f}" height="{height:.3f}" preserveAspectRatio="none" '
               f'viewBox="{geometry.min_x} {geometry.min_y} {geometry.width} {geometry.height}">')
    svg = re.sub(r"<svg[^>]*>", opening, svg, count=1)
    svg = re.sub(r"<title>.*?</title>", "", svg, flags=re.DOTALL)
    return f'<g transform="translate({x:.3f} {y:.3f}) rotate({-rotate:.3f})">{svg}</g>'


def text_fragment(text: str, *, x: float, y: float, size: float = 11.0) -> str:
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return f'<text x="{x}" y="{y}" font-family="DejaVu Sans" font-size="{size}">{escaped}</text>'


def svg_page(body: str, size: tuple[float, float] = A4, background: str = "white") -> bytes:
    width, height = size
    return (f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
            f'width="{width}pt" height="{height}pt" viewBox="0 0 {width} {height}">'
            f'<rect width="{width}" height="{height}" fill="{background}"/>{body}</svg>').encode()


def pdf_pages(bodies: Sequence[str], size: tuple[float, float] = A4, background: str = "white") -> bytes:
    """A PDF with one page per SVG body (drawn with cairosvg, joined with pypdf)."""
    import cairosvg
    import pypdf

    writer = pypdf.PdfWriter()
    for body in bodies:
        page = cairosvg.svg2pdf(bytestring=svg_page(body, size, background))
        writer.append(pypdf.PdfReader(io.BytesIO(page)))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def encrypt(pdf: bytes, user_password: str, owner_password: str = "owner") -> bytes:
    import pypdf

    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(pdf)))
    writer.encrypt(user_password=user_password, owner_password=owner_password, algorithm="AES-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def mark_rgb(kit, variant: str = "colour", width: int = 300, background=(255, 255, 255)) -> np.ndarray:
    """The kit's artwork rendered ``width`` px wide, flattened onto ``background``."""
    from PIL import Image

    from htq_mark.kit import render_svg

    png = render_svg(kit.artwork[variant].svg, to="png", width=width)
    art = Image.open(io.BytesIO(png)).convert("RGBA")
    canvas = Image.new("RGBA", art.size, background + (255,))
    canvas.alpha_composite(art)
    return np.asarray(canvas.convert("RGB"))


def canvas_with(kit, *, size=(900, 600), variant: str = "colour", width: int = 300, at=(150, 200),
                background=(255, 255, 255)) -> np.ndarray:
    """A plain canvas with the mark pasted at ``at`` (top-left), ``width`` px wide."""
    canvas = np.zeros((size[1], size[0], 3), np.uint8)
    canvas[:] = background
    mark = mark_rgb(kit, variant, width, background)
    x, y = at
    h, w = mark.shape[:2]
    canvas[y:y + h, x:x + w] = mark
    return canvas


def encode(rgb: np.ndarray, fmt: str, **options) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.fromarray(rgb).save(out, fmt, **options)
    return out.getvalue()


def frames_file(frames: Sequence[np.ndarray], fmt: str) -> bytes:
    """A multi-frame TIFF or GIF holding ``frames``."""
    from PIL import Image

    images = [Image.fromarray(f) for f in frames]
    out = io.BytesIO()
    if fmt == "GIF":
        images = [im.quantize(colors=256) for im in images]
        images[0].save(out, "GIF", save_all=True, append_images=images[1:], duration=100, loop=0, disposal=1)
    else:
        images[0].save(out, fmt, save_all=True, append_images=images[1:])
    return out.getvalue()
