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


def with_user_unit(pdf: bytes, value) -> bytes:
    """``pdf`` with every page's /UserUnit set to ``value`` (a pypdf object)."""
    import pypdf
    from pypdf.generic import NameObject

    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(pdf)))
    for page in writer.pages:
        page[NameObject("/UserUnit")] = value
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def object_stream_pdf(page_entries: str, content: bytes, size: tuple[float, float] = (300.0, 200.0), *,
                      stream_entries: str = "/Filter/FlateDecode") -> bytes:
    """A one-page PDF 1.5 whose catalogue, page tree and page dictionary (with ``page_entries``) are packed
    in an object stream, indexed by a cross-reference stream, as many producers write them.

    ``stream_entries`` go in the object stream's dictionary: with ``/FlateDecode`` (the
    default) its content is compressed; with ``""``, stored as it is.
    """
    import zlib

    packed = [b"<</Type/Catalog/Pages 2 0 R>>", b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
              f"<</Type/Page/Parent 2 0 R/MediaBox[0 0 {size[0]} {size[1]}]/Contents 4 0 R{page_entries}>>".encode()]
    offsets, body = [], b""
    for number, text in enumerate(packed, start=1):
        offsets.append(f"{number} {len(body)}")
        body += text + b"\n"
    header = (" ".join(offsets) + "\n").encode()
    out = bytearray(b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n")
    places = {}
    places[4] = len(out)
    out += b"4 0 obj\n<</Length %d>>\nstream\n" % len(content) + content + b"\nendstream\nendobj\n"
    places[5] = len(out)
    stream = header + body
    if "/FlateDecode" in stream_entries:
        stream = zlib.compress(stream)
    elif "/ASCIIHexDecode" in stream_entries:
        stream = stream.hex().encode() + b">"
    out += (b"5 0 obj\n<</Type/ObjStm/N 3/First %d/Length %d%s>>\nstream\n"
            % (len(header), len(stream), stream_entries.encode()) + stream + b"\nendstream\nendobj\n")
    places[6] = len(out)
    rows = [bytes([0]) + (0).to_bytes(4, "big") + (0xFFFF).to_bytes(2, "big")]
    rows += [bytes([2]) + (5).to_bytes(4, "big") + index.to_bytes(2, "big") for index in range(3)]
    rows += [bytes([1]) + places[n].to_bytes(4, "big") + (0).to_bytes(2, "big") for n in (4, 5, 6)]
    xref = b"".join(rows)
    out += (b"6 0 obj\n<</Type/XRef/Size 7/Root 1 0 R/W[1 4 2]/Length %d>>\nstream\n" % len(xref)
            + xref + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % places[6])
    return bytes(out)


PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_chunk(kind: bytes, body: bytes) -> bytes:
    """One PNG chunk: its length, type, body and CRC."""
    import zlib

    return len(body).to_bytes(4, "big") + kind + body + zlib.crc32(kind + body).to_bytes(4, "big")


def png_file(header: bytes, *chunks: bytes) -> bytes:
    """A PNG of the IHDR body ``header``, then ``chunks`` (whole, from :func:`png_chunk`), then IEND."""
    return PNG_SIGNATURE + png_chunk(b"IHDR", header) + b"".join(chunks) + png_chunk(b"IEND", b"")


def interlaced_png(pixels: np.ndarray) -> bytes:
    """An 8-bit RGB PNG of ``pixels`` written row group by row group (Adam7), as image editors offer."""
    import struct
    import zlib

    height, width = pixels.shape[:2]
    passes = ((0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2))
    raw = b"".join(b"".join(b"\x00" + pixels[y, x0::dx].tobytes() for y in range(y0, height, dy))
                   for x0, y0, dx, dy in passes if x0 < width and y0 < height)
    return png_file(struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 1), png_chunk(b"IDAT", zlib.compress(raw)))
