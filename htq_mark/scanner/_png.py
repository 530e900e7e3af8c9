"""PNG files chunk by chunk, and the fast way to decode a whole, plain one.

Most of the time a PNG takes to decode goes on inflating its pixel data. zlib-ng
inflates it several times faster than the zlib built into libspng, so it is
inflated here and handed back to libspng as stored (uncompressed) deflate
blocks, which libspng only copies and unfilters.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from typing import TYPE_CHECKING, cast

from zlib_ng import zlib_ng

if TYPE_CHECKING:
    import numpy as np

__all__ = ["chunks", "decode_png", "is_plain_png", "without_chunks"]

#: PNG chunks a plain still image may hold; anything else (animation, unknown chunks) goes to Pillow.
PLAIN_CHUNKS = frozenset({b"IHDR", b"IDAT", b"IEND", b"PLTE", b"sRGB", b"gAMA", b"cHRM", b"iCCP", b"pHYs",
                          b"tEXt", b"zTXt", b"iTXt", b"tIME", b"bKGD", b"sBIT"})

_SAMPLES_PER_PIXEL = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}  # by colour type: grey, RGB, palette, grey + alpha, RGBA
_STORED_BLOCK = 0xFFFF  # the most a stored deflate block holds
_ZLIB_HEADER = b"\x78\x01"  # deflate with a 32 KiB window, no dictionary (a multiple of 31, as zlib requires)
_IEND = b"\x00\x00\x00\x00IEND\xaeB`\x82"
# Above this many bytes of pixel data the two copies made here (the inflated data, the file handed
# on) cost more than the faster inflating saves, being mapped and faulted in afresh, and would add
# to the peak memory a huge picture takes: such a file is read as it is.
_MOST_STORED = 24 << 20
_INFLATE_ERROR = cast("type[Exception]", zlib_ng.error)  # its stub types it as an instance


def chunks(data: bytes) -> Iterator[tuple[int, bytes, int]]:
    """Each chunk of the PNG ``data`` whose header lies within it: (its offset, its type, its stated length).

    The last one's stated length may run past the end of ``data``.
    """
    position, end = 8, len(data)
    while position + 12 <= end:
        length = int.from_bytes(data[position:position + 4], "big")
        yield position, data[position + 4:position + 8], length
        position += 12 + length


def without_chunks(data: bytes, kinds: frozenset[bytes]) -> bytes:
    """The PNG ``data`` without its chunks of the types ``kinds`` (everything else kept, as it is)."""
    kept, following = [data[:8]], 8
    for position, kind, length in chunks(data):
        following = position + 12 + length
        if kind not in kinds:
            kept.append(data[position:following])
    kept.append(data[following:])
    return b"".join(kept)


def is_plain_png(data: bytes) -> bool:
    """Whether a PNG is a whole still image whose every chunk fits in the file and matches its CRC.

    libspng, as pyspng sets it up, checks neither the chunks' CRCs nor the compressed
    stream's Adler-32: checked here, a file damaged after it was written goes to Pillow,
    which names the damage.
    """
    return _plain_pixel_data(bytes(data)) is not None


def decode_png(data: bytes) -> np.ndarray | None:
    """The pixels of a plain PNG (see :func:`is_plain_png`) as 8-bit RGB (grey repeated, 16-bit samples cut
    to their high byte); None if it is not plain or they do not decode (Pillow then reads it, and names
    any damage).
    """
    import numpy as np
    import pyspng

    data = bytes(data)  # copies only a bytes-like other than bytes
    plain = _plain_pixel_data(data)
    if plain is None:
        return None
    stored = _with_stored_pixels(data, *plain)
    del plain  # the compressed pixel data: not kept while libspng decodes
    try:
        return np.asarray(pyspng.load(stored or data, format="RGB"))
    except (RuntimeError, ValueError):
        return None


def _plain_pixel_data(data: bytes) -> tuple[int, bytearray | None] | None:
    """Where a plain PNG's first IDAT chunk starts, and the data of its IDAT chunks together (None
    unless they follow one another, as they must); None if it is not plain (see :func:`is_plain_png`).

    One walk over the chunks, keeping nothing per chunk: a file may hold millions.
    """
    view = memoryview(data)
    compressed: bytearray | None = bytearray()
    first_pixels, previous = 0, b""
    for position, kind, length in chunks(data):
        following = position + 12 + length
        if kind not in PLAIN_CHUNKS or (position == 8 and kind != b"IHDR") or following > len(data):
            return None
        if zlib_ng.crc32(view[position + 4:following - 4]) != int.from_bytes(data[following - 4:following], "big"):
            return None
        if kind == b"IDAT":
            if first_pixels and previous != b"IDAT":
                compressed = None  # pixel data interrupted by another chunk: libspng judges it
            first_pixels = first_pixels or position
            if compressed is not None:
                compressed += view[position + 8:following - 4]
        elif kind == b"IEND":
            return (first_pixels, compressed) if following == len(data) else None
        previous = kind
    return None


def _with_stored_pixels(data: bytes, first_pixels: int, compressed: bytearray | None) -> bytes | None:
    """The plain PNG ``data`` with its pixel data (``compressed``, from its IDAT chunks, the first at
    ``first_pixels``) inflated and stored in one IDAT chunk.

    None where libspng reads the file as it is, as it did before: where it is interlaced, its pixel
    data is larger than _MOST_STORED or not exactly one whole zlib stream (nothing after it) of the
    size its header gives (a stream whose Adler-32 alone is wrong under right CRCs, which only a file
    made so on purpose has, among them), or its IDAT chunks do not follow one another.
    """
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    depth, colour_type, interlaced = data[24], data[25], data[28]
    samples = _SAMPLES_PER_PIXEL.get(colour_type)
    if samples is None or interlaced or not first_pixels or compressed is None:
        return None
    size = height * (1 + (width * samples * depth + 7) // 8)  # each row starts with its filter's byte
    if size > _MOST_STORED:
        return None
    inflater = zlib_ng.decompressobj()
    try:
        # One byte more than the header gives, so that a longer stream shows, and the end of one this size is read.
        pixels = inflater.decompress(compressed, size + 1)
    except _INFLATE_ERROR:
        return None
    if len(pixels) != size or not inflater.eof or inflater.unused_data:
        return None
    stored: list[bytes | memoryview] = [_ZLIB_HEADER]
    pixel_view = memoryview(pixels)
    for start in range(0, size, _STORED_BLOCK):
        count = min(_STORED_BLOCK, size - start)
        stored.append(struct.pack("<BHH", start + count == size, count, count ^ 0xFFFF))
        stored.append(pixel_view[start:start + count])
    stored.append(zlib_ng.adler32(pixels).to_bytes(4, "big"))
    length = sum(len(piece) for piece in stored)
    crc = zlib_ng.crc32(b"IDAT")
    for piece in stored:
        crc = zlib_ng.crc32(piece, crc)
    return b"".join([memoryview(data)[:first_pixels], length.to_bytes(4, "big"), b"IDAT", *stored,
                     crc.to_bytes(4, "big"), _IEND])
