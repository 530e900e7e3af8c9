"""PNG files chunk by chunk, and the fast way to decode a whole, plain one.

Most of the time a PNG takes to decode goes on inflating its pixel data. zlib-ng
inflates it about three times as fast as the zlib built into libspng, so it is
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

__all__ = ["chunks", "decode_png", "without_chunks"]

# PNG chunks a plain still image may hold; anything else (animation, unknown chunks) goes to Pillow.
_PLAIN_CHUNKS = frozenset({b"IHDR", b"IDAT", b"IEND", b"PLTE", b"sRGB", b"gAMA", b"cHRM", b"iCCP", b"pHYs",
                           b"tEXt", b"zTXt", b"iTXt", b"tIME", b"bKGD", b"sBIT"})
_SAMPLES_PER_PIXEL = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}  # by colour type: grey, RGB, palette, grey + alpha, RGBA
# Above this many bytes of inflated pixel data the fast path costs more than it saves (a 4000 x 3000
# picture, 36 MB of it, decoded in 197 ms rather than 157 ms): the two copies it makes are then
# mapped and faulted in afresh, and no longer fit in the memory a scan process keeps for reuse
# (see htq_mark.scanner._pool). Such a file is read as it is.
_MOST_INFLATED = 24 << 20
_STORED_BLOCK = 0xFFFF  # the most a stored deflate block holds
_ZLIB_HEADER = b"\x78\x01"  # deflate with a 32 KiB window, no dictionary (a multiple of 31, as zlib requires)
_IEND = b"\x00\x00\x00\x00IEND\xaeB`\x82"
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


def decode_png(data: bytes) -> np.ndarray | None:
    """The pixels of a whole, plain PNG as 8-bit RGB (grey repeated, 16-bit samples cut to their high
    byte); None if it is not one or they do not decode (Pillow then reads it, and names any damage).

    Plain: a still image of known chunks only, each within the file and matching its CRC, ending
    with IEND. libspng, as pyspng sets it up, checks neither the chunks' CRCs nor the compressed
    stream's Adler-32: checked here, a file damaged after it was written goes to Pillow.
    """
    import numpy as np
    import pyspng

    data = bytes(data)  # copies only a bytes-like other than bytes
    walked = _walk(data)
    if walked is None:
        return None
    first_pixels, size, compressed = walked
    del walked  # the names hold the only references, so each copy is let go once the next is made
    stored = None
    if compressed is not None:
        inflated = _inflated(compressed, size)
        del compressed
        if inflated is not None:
            stored = _as_stored(data, first_pixels, inflated)
            del inflated
    try:
        return np.asarray(pyspng.load(stored or data, format="RGB"))
    except (RuntimeError, ValueError):
        return None


def _walk(data: bytes) -> tuple[int, int, bytearray | None] | None:
    """Where a plain PNG's first IDAT chunk starts, the size of its inflated pixel data, and its IDAT
    chunks' data together if the fast path takes it (else None); None if it is not plain.

    The fast path takes an image of a known colour type, not interlaced, with at most _MOST_INFLATED
    bytes of pixel data in IDAT chunks that follow one another, as they must. One walk over the
    chunks, keeping nothing per chunk: a file may hold millions.
    """
    view = memoryview(data)
    compressed: bytearray | None = None
    first_pixels, size, previous = 0, 0, b""
    for position, kind, length in chunks(data):
        following = position + 12 + length
        if kind not in _PLAIN_CHUNKS or (position == 8 and kind != b"IHDR") or following > len(data):
            return None
        if zlib_ng.crc32(view[position + 4:following - 4]) != int.from_bytes(data[following - 4:following], "big"):
            return None
        if position == 8:
            size = _inflated_size(data[position + 8:position + 21]) if length == 13 else 0
            compressed = bytearray() if 0 < size <= _MOST_INFLATED else None
        elif kind == b"IDAT":
            if first_pixels and previous != b"IDAT":
                compressed = None  # pixel data interrupted by another chunk: libspng judges it
            first_pixels = first_pixels or position
            if compressed is not None:
                compressed += view[position + 8:following - 4]
        elif kind == b"IEND":
            if following != len(data):
                return None
            return first_pixels, size, (compressed if first_pixels else None)
        previous = kind
    return None


def _inflated_size(header: bytes) -> int:
    """The bytes of pixel data the IHDR ``header`` gives, once inflated; 0 for one the fast path leaves
    to libspng (interlaced, or of an unknown colour type)."""
    width, height = int.from_bytes(header[0:4], "big"), int.from_bytes(header[4:8], "big")
    depth, colour_type, interlaced = header[8], header[9], header[12]
    samples = _SAMPLES_PER_PIXEL.get(colour_type)
    if samples is None or interlaced:
        return 0
    return height * (1 + (width * samples * depth + 7) // 8)  # each row starts with its filter's byte


def _inflated(compressed: bytearray, size: int) -> bytes | None:
    """``compressed`` inflated, if it is exactly one whole zlib stream of ``size`` bytes with nothing after
    it; else None (libspng then reads the file as it is, as it did before; so it does a stream whose
    Adler-32 alone is wrong)."""
    inflater = zlib_ng.decompressobj()
    try:
        # One byte more than the header gives, so that a longer stream shows, and the end of one this size is read.
        inflated = inflater.decompress(compressed, size + 1)
    except _INFLATE_ERROR:
        return None
    if len(inflated) != size or not inflater.eof or inflater.unused_data:
        return None
    return inflated


def _as_stored(data: bytes, first_pixels: int, inflated: bytes) -> bytes:
    """The PNG ``data`` up to its first IDAT chunk (at ``first_pixels``), then ``inflated`` in stored
    deflate blocks in one IDAT chunk, then IEND."""
    stored: list[bytes | memoryview] = [_ZLIB_HEADER]
    view = memoryview(inflated)
    for start in range(0, len(inflated), _STORED_BLOCK):
        count = min(_STORED_BLOCK, len(inflated) - start)
        last = start + count == len(inflated)
        stored.append(struct.pack("<BHH", last, count, count ^ 0xFFFF))
        stored.append(view[start:start + count])
    stored.append(zlib_ng.adler32(inflated).to_bytes(4, "big"))
    crc = zlib_ng.crc32(b"IDAT")
    for piece in stored:
        crc = zlib_ng.crc32(piece, crc)
    length = sum(len(piece) for piece in stored)
    return b"".join([memoryview(data)[:first_pixels], length.to_bytes(4, "big"), b"IDAT", *stored,
                     crc.to_bytes(4, "big"), _IEND])
