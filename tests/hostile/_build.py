"""Hostile and broken documents, built by code (nothing big is stored in git).

Everything here writes bytes by hand where a library would refuse to make
the file: PDFs with lying page trees, bombs that inflate to gigabytes, image
headers claiming impossible sizes, files with ten thousand frames.
"""

from __future__ import annotations

import io
import struct
import zlib
from collections.abc import Iterable, Mapping
from functools import lru_cache

import numpy as np

# --------------------------------------------------------------------------- PDF


def stream(entries: bytes, data: bytes) -> bytes:
    """The body of a stream object: ``<< entries /Length n >> stream ... endstream``."""
    return b"<< " + entries + b" /Length %d >>\nstream\n" % len(data) + data + b"\nendstream"


def pdf(objects: Mapping[int, bytes], *, root: int = 1, trailer: bytes = b"",
        header: bytes = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n") -> bytes:
    """A PDF holding ``objects`` (number -> body) with a correct xref table."""
    out = io.BytesIO()
    out.write(header)
    offsets: dict[int, int] = {}
    for number in sorted(objects):
        offsets[number] = out.tell()
        out.write(b"%d 0 obj\n" % number + objects[number] + b"\nendobj\n")
    size = max(objects) + 1
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % size)
    for number in range(1, size):
        if number in offsets:
            out.write(b"%010d 00000 n \n" % offsets[number])
        else:
            out.write(b"0000000000 65535 f \n")
    out.write(b"trailer\n<< /Size %d /Root %d 0 R %s>>\nstartxref\n%d\n%%%%EOF\n" % (size, root, trailer, xref))
    return out.getvalue()


def image_xobject(rgb: np.ndarray) -> bytes:
    """An RGB image XObject (Flate-compressed) holding ``rgb``."""
    height, width = rgb.shape[:2]
    return stream(b"/Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceRGB "
                  b"/BitsPerComponent 8 /Filter /FlateDecode" % (width, height),
                  zlib.compress(np.ascontiguousarray(rgb, np.uint8).tobytes(), 6))


def page_pdf(content: bytes, *, xobjects: Mapping[str, int] | None = None, extra: Mapping[int, bytes] | None = None,
             size: tuple[float, float] = (595.0, 842.0), compress: bool = True) -> bytes:
    """A one-page PDF drawing ``content``; ``xobjects`` maps resource names to object numbers in ``extra``."""
    names = b" ".join(b"/%s %d 0 R" % (name.encode(), number) for name, number in (xobjects or {}).items())
    data = zlib.compress(content, 6) if compress else content
    objects = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %g %g] /Resources << /XObject << %s >> >> "
           b"/Contents 4 0 R >>" % (size[0], size[1], names),
        4: stream(b"/Filter /FlateDecode" if compress else b"", data),
    }
    objects.update(extra or {})
    return pdf(objects)


@lru_cache(maxsize=4)
def mark_rgb(width: int = 400) -> np.ndarray:
    """The bundled kit's colour artwork, ``width`` px wide, on white."""
    from PIL import Image

    from htq_mark.kit import load_kit, render_svg

    png = render_svg(load_kit().artwork["colour"].svg, to="png", width=width)
    art = Image.open(io.BytesIO(png)).convert("RGBA")
    canvas = Image.new("RGBA", art.size, (255, 255, 255, 255))
    canvas.alpha_composite(art)
    return np.asarray(canvas.convert("RGB"))


MARK_DRAW = b"q 200 0 0 %.3f 60 560 cm /Mark Do Q\n"


def mark_draw() -> bytes:
    """Content drawing the image XObject /Mark 200 pt wide near the top of an A4 page."""
    height, width = mark_rgb().shape[:2]
    return MARK_DRAW % (200.0 * height / width)


def marked_pdf(extra_content: bytes = b"", *, xobjects: Mapping[str, int] | None = None,
               extra: Mapping[int, bytes] | None = None) -> bytes:
    """A one-page PDF with the mark placed as an image, then ``extra_content``."""
    objects = {10: image_xobject(mark_rgb())}
    objects.update(extra or {})
    return page_pdf(mark_draw() + extra_content, xobjects={"Mark": 10, **(xobjects or {})}, extra=objects)


def zeros_deflate(total: int, chunk: int = 1 << 20) -> bytes:
    """A zlib stream that inflates to ``total`` zero bytes (a multiple of ``chunk``), built without inflating."""
    if total % chunk:
        raise ValueError("total must be a multiple of chunk")
    compressor = zlib.compressobj(9)
    block = compressor.compress(b"\0" * chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    repeat = compressor.compress(b"\0" * chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    count = total // chunk
    adler = (((total % 65521) << 16) | 1)  # Adler-32 of zeros: a stays 1, b grows by one per byte
    return block + repeat * (count - 1) + b"\x03\x00" + struct.pack(">I", adler)


def page_tree_claiming(pages: int) -> bytes:
    """A PDF whose page tree's /Count claims ``pages`` but which holds one page."""
    objects = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids [3 0 R] /Count %d >>" % pages,
        3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        4: stream(b"", b"0 0 1 rg 10 10 100 100 re f"),
    }
    return pdf(objects)


def page_tree_fanout(levels: int, fanout: int = 10) -> bytes:
    """A PDF whose page tree really reaches ``fanout ** levels`` pages, sharing nodes (tiny file)."""
    objects: dict[int, bytes] = {1: b"<< /Type /Catalog /Pages 2 0 R >>"}
    leaf = 3 + levels
    objects[leaf] = b"<< /Type /Page /MediaBox [0 0 595 842] >>"
    child, count = leaf, 1
    for level in range(levels):
        number = 2 if level == levels - 1 else 3 + level
        count *= fanout
        kids = b" ".join(b"%d 0 R" % child for _ in range(fanout))
        objects[number] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, count)
        child = number
    return pdf(objects)


def nested_forms(depth: int, *, cycle: bool = False) -> bytes:
    """A page with the mark, drawing a form that draws a form ... ``depth`` deep (or back to the first)."""
    first = 100
    extra: dict[int, bytes] = {}
    for level in range(depth):
        number = first + level
        target = first if cycle and level == depth - 1 else number + 1
        last = level == depth - 1 and not cycle
        content = b"0 0 1 rg 0 0 1 1 re f" if last else b"q 0.99 0 0 0.99 0.5 0.5 cm /F Do Q"
        resources = b"" if last else b"/Resources << /XObject << /F %d 0 R >> >> " % target
        extra[number] = stream(b"/Type /XObject /Subtype /Form /BBox [0 0 100 100] " + resources, content)
    return marked_pdf(b"q 1 0 0 1 300 100 cm /F0 Do Q\n", xobjects={"F0": first}, extra=extra)


def many_operators(count: int) -> bytes:
    """A page with the mark and a content stream of ``count`` more operators (compressed)."""
    compressor = zlib.compressobj(6)
    parts = [compressor.compress(mark_draw())]
    unit = b"1 0 0 1 0 0 cm\n"  # one operator per line; harmless to draw
    block = unit * 100_000
    for _ in range(count // 100_000):
        parts.append(compressor.compress(block))
    parts.append(compressor.compress(unit * (count % 100_000)))
    parts.append(compressor.flush())
    data = b"".join(parts)
    objects = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /XObject << /Mark 10 0 R >> >> "
           b"/Contents 4 0 R >>",
        4: stream(b"/Filter /FlateDecode", data),
        10: image_xobject(mark_rgb()),
    }
    return pdf(objects)


def image_bomb_pdf(width: int, height: int, *, inline_mark: bool = True) -> bytes:
    """A page drawing an RGB image whose Flate stream inflates to ``width * height * 3`` bytes of zeros."""
    total = width * height * 3
    chunk = 1 << 20
    padded = -(-total // chunk) * chunk
    bomb = stream(b"/Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceRGB "
                  b"/BitsPerComponent 8 /Filter /FlateDecode" % (width, height), zeros_deflate(padded, chunk))
    draw = b"q 300 0 0 300 150 100 cm /Bomb Do Q\n"
    if inline_mark:
        return marked_pdf(draw, xobjects={"Bomb": 20}, extra={20: bomb})
    return page_pdf(draw, xobjects={"Bomb": 20}, extra={20: bomb})


# --------------------------------------------------------------------------- images


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png_claiming(width: int, height: int) -> bytes:
    """A PNG whose header claims ``width x height`` RGB pixels, with a few rows of data."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    rows = zlib.compress((b"\0" + b"\xff" * min(width * 3, 1 << 16)) * 4)
    return b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", header) + _png_chunk(b"IDAT", rows) + _png_chunk(b"IEND", b"")


def png_16_bit_grey(side: int) -> bytes:
    """A real 16-bit grey PNG ``side`` pixels square (its first row white, the rest black): small on disk."""
    header = struct.pack(">IIBBBBB", side, side, 16, 0, 0, 0, 0)
    compressor = zlib.compressobj(9)
    blank = b"\0" + b"\0" * (2 * side)
    data = compressor.compress(b"\0" + b"\xff" * (2 * side))
    blocks, rest = divmod(side - 1, 64)
    data += b"".join(compressor.compress(blank * 64) for _ in range(blocks))
    data += compressor.compress(blank * rest) + compressor.flush()
    return b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", header) + _png_chunk(b"IDAT", data) + _png_chunk(b"IEND", b"")


def jpeg_claiming(width: int, height: int) -> bytes:
    """A baseline JPEG whose frame header (SOF0) claims ``width x height`` (at most 65,535 each)."""
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (16, 16), (200, 30, 30)).save(out, "JPEG", quality=90)
    data = bytearray(out.getvalue())
    at = data.index(b"\xff\xc0")
    struct.pack_into(">HH", data, at + 5, height, width)
    return bytes(data)


def tiff_frames(count: int, *, loop: bool = False) -> bytes:
    """A little-endian TIFF of ``count`` 1x1 grey frames (IFDs sharing one strip); ``loop`` links the last IFD to the first."""
    entries = 8
    ifd_size = 2 + entries * 12 + 4
    first = 16  # header (8) + one pixel strip (padded to 8)
    out = bytearray(b"II*\x00" + struct.pack("<I", first) + b"\x80" + b"\0" * 7)
    for index in range(count):
        start = first + index * ifd_size
        following = first if loop and index == count - 1 else (0 if index == count - 1 else start + ifd_size)
        tags = [(256, 3, 1, 1), (257, 3, 1, 1), (258, 3, 1, 8), (259, 3, 1, 1), (262, 3, 1, 1),
                (273, 4, 1, 8), (278, 3, 1, 1), (279, 4, 1, 1)]
        out += struct.pack("<H", entries)
        for tag, kind, number, value in tags:
            out += struct.pack("<HHII", tag, kind, number, value)
        out += struct.pack("<I", following)
    return bytes(out)


def gif_frames(count: int) -> bytes:
    """A GIF of ``count`` 1x1 frames (one image block repeated)."""
    header = b"GIF89a" + struct.pack("<HHBBB", 1, 1, 0x80, 0, 0) + b"\x00\x00\x00\xff\xff\xff"
    loop = b"\x21\xff\x0bNETSCAPE2.0\x03\x01\x00\x00\x00"
    control = b"\x21\xf9\x04\x00\x01\x00\x00\x00"  # 1/100 s per frame
    image = b"\x2c" + struct.pack("<HHHHB", 0, 0, 1, 1, 0) + b"\x02\x02\x44\x01\x00"
    return header + loop + (control + image) * count + b"\x3b"


def encode_rgb(rgb: np.ndarray, fmt: str, **options: object) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.fromarray(rgb).save(out, fmt, **options)
    return out.getvalue()


def marked_image(fmt: str = "PNG", size: tuple[int, int] = (900, 600)) -> bytes:
    """A white picture with the mark pasted in, encoded as ``fmt``."""
    canvas = np.full((size[1], size[0], 3), 255, np.uint8)
    mark = mark_rgb()
    height, width = mark.shape[:2]
    canvas[150:150 + height, 200:200 + width] = mark
    return encode_rgb(canvas, fmt, **({"quality": 92} if fmt == "JPEG" else {}))


def write_all(folder: object, files: Mapping[str, bytes] | Iterable[tuple[str, bytes]]) -> list[str]:
    """Write ``files`` (name -> bytes) into ``folder``; returns the paths written."""
    from pathlib import Path

    root = Path(str(folder))
    items = files.items() if isinstance(files, Mapping) else files
    written = []
    for name, data in items:
        path = root / name
        path.write_bytes(data)
        written.append(str(path))
    return written


# --------------------------------------------------------------------------- broken files


def corrupt_xref(data: bytes) -> bytes:
    """``data`` with every in-use xref offset pointing at the wrong place."""
    start = data.rindex(b"\nxref\n") + 1
    end = data.index(b"trailer", start)
    lines = data[start:end].split(b"\n")
    broken = [b"00000" + line[5:] if line.endswith(b" n ") else line for line in lines]
    return data[:start] + b"\n".join(broken) + data[end:]


def without_xref(data: bytes) -> bytes:
    """``data`` with its xref table, trailer and startxref cut off."""
    return data[:data.rindex(b"\nxref\n") + 1]


def bad_content_stream(*, garbage: bytes = b"\x00\xff not zlib at all \x13\x37" * 20) -> bytes:
    """A page with the mark whose second content stream claims Flate but holds garbage."""
    objects = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /XObject << /Mark 10 0 R >> >> "
           b"/Contents [4 0 R 5 0 R] >>",
        4: stream(b"", mark_draw()),
        5: stream(b"/Filter /FlateDecode", garbage),
        10: image_xobject(mark_rgb()),
    }
    return pdf(objects)


def wrong_length(data: bytes) -> bytes:
    """``data`` with every stream's /Length replaced by a huge number."""
    import re

    return re.sub(rb"/Length \d+", b"/Length 999999999", data)


def broken_images_pdf() -> bytes:
    """A page with the mark and three broken images: truncated Flate, garbage JPEG, and a lying /Width."""
    rgb = np.full((64, 64, 3), 90, np.uint8)
    truncated = zlib.compress(rgb.tobytes())[:40]
    extra = {
        20: stream(b"/Type /XObject /Subtype /Image /Width 64 /Height 64 /ColorSpace /DeviceRGB "
                   b"/BitsPerComponent 8 /Filter /FlateDecode", truncated),
        21: stream(b"/Type /XObject /Subtype /Image /Width 64 /Height 64 /ColorSpace /DeviceRGB "
                   b"/BitsPerComponent 8 /Filter /DCTDecode", b"\xff\xd8\xff\xe0 this is not a JPEG" * 5),
        22: stream(b"/Type /XObject /Subtype /Image /Width -5 /Height 0 /ColorSpace /NoSuchSpace "
                   b"/BitsPerComponent 7 /Filter /FlateDecode", zlib.compress(rgb.tobytes())),
    }
    draw = b"".join(b"q 80 0 0 80 %d 100 cm /B%d Do Q\n" % (100 + 100 * i, i) for i in range(3))
    return marked_pdf(draw, xobjects={"B0": 20, "B1": 21, "B2": 22}, extra=extra)


def encrypted(data: bytes, user_password: str) -> bytes:
    import pypdf

    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(data)))
    writer.encrypt(user_password=user_password, owner_password="owner-" + user_password, algorithm="AES-256")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
