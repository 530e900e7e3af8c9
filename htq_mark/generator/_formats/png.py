"""PNG output: exact pixels from cairo, with DPI, sRGB and text metadata chunks added.

The chunks are inserted into cairo's PNG directly (no re-encoding), so the
pixels are exactly what the renderer drew and the work is small.
"""

from __future__ import annotations

import struct
import zlib

from ...errors import KitError
from ...kit import render_svg
from .._metadata import AssetMetadata
from .._units import MM_PER_INCH, round_half_up

__all__ = ["finish_png", "png_chunks", "render_png"]

_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_DROPPED = {b"bKGD", b"tIME", b"tEXt", b"iTXt", b"zTXt", b"pHYs", b"sRGB", b"gAMA", b"cHRM", b"iCCP"}
_SRGB_PERCEPTUAL = 0


def render_png(svg: bytes, width: int, height: int) -> bytes:
    """Render a px-sized canvas SVG to an RGBA PNG of exactly ``width`` x ``height``."""
    png = render_svg(svg, to="png", width=width, height=height)
    got = struct.unpack(">II", png[16:24])
    if got != (width, height):
        raise KitError(f"the renderer drew {got[0]} x {got[1]} px instead of {width} x {height} px; "
                       "check the artwork's viewBox.")
    return png


def png_chunks(png: bytes) -> list[tuple[bytes, bytes]]:
    """The (type, data) chunks of a PNG, in order."""
    if not png.startswith(_SIGNATURE):
        raise KitError("the renderer did not produce a PNG; check cairosvg is installed correctly.")
    chunks, pos = [], len(_SIGNATURE)
    while pos + 8 <= len(png):
        length, kind = struct.unpack(">I4s", png[pos:pos + 8])
        chunks.append((kind, png[pos + 8:pos + 8 + length]))
        pos += 12 + length
    return chunks


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _text_chunk(keyword: str, value: str) -> bytes:
    key = keyword.encode("latin-1")
    try:
        return _chunk(b"tEXt", key + b"\0" + value.encode("latin-1"))
    except UnicodeEncodeError:  # international text goes in iTXt, uncompressed UTF-8
        return _chunk(b"iTXt", key + b"\0\0\0\0\0" + value.encode("utf-8"))


def _text_chunks(metadata: AssetMetadata) -> list[bytes]:
    facts = metadata.to_dict()
    chunks = [_text_chunk("Title", metadata.title), _text_chunk("Description", metadata.summary),
              _text_chunk("Software", metadata.tool)]
    if "created" in facts:
        chunks.append(_text_chunk("Creation Time", facts["created"]))
    chunks += [_text_chunk(f"htq-mark:{key}", value) for key, value in facts.items()
               if key not in ("title", "tool", "created")]
    return chunks


def finish_png(png: bytes, *, dpi: float, metadata: AssetMetadata) -> bytes:
    """Add sRGB, pHYs (DPI) and text chunks to a rendered PNG; drop cairo's background hint."""
    pixels_per_metre = round_half_up(dpi * 1000 / MM_PER_INCH)
    extra = [_chunk(b"sRGB", bytes([_SRGB_PERCEPTUAL])),
             _chunk(b"pHYs", struct.pack(">IIB", pixels_per_metre, pixels_per_metre, 1)),
             *_text_chunks(metadata)]
    out = [_SIGNATURE]
    for kind, data in png_chunks(png):
        if kind in _DROPPED:
            continue
        out.append(_chunk(kind, data))
        if kind == b"IHDR":
            out.extend(extra)
    return b"".join(out)
