"""Deterministic mutations of a document's bytes.

Each fuzz input is one seed with one to several mutations applied, chosen by a
random generator seeded from ``(run seed, input number)``, so input N of a run
is the same whatever the number of workers and can be rebuilt on its own.
"""

from __future__ import annotations

import random
import re
import struct
import zlib
from collections.abc import Callable, Sequence

__all__ = ["MAX_INPUT_BYTES", "MUTATIONS", "TOKENS", "mutate"]

#: Mutated inputs are cut to this size, so no mutation makes a huge file.
MAX_INPUT_BYTES = 4 * 1024 * 1024

#: Tokens that PDF and image parsers give meaning to; inserted or swapped in.
TOKENS: tuple[bytes, ...] = (
    b"/Length 999999999", b"/Length -1", b"/Length 0", b" obj", b"endobj", b"stream\n", b"\nendstream",
    b" 0 R", b"1 0 R", b"999999 0 R", b"<<", b">>", b"[", b"]", b"(", b")", b"xref", b"trailer",
    b"startxref", b"%%EOF", b"/Type /Pages", b"/Type /Page", b"/Count 1000000", b"/Count -1",
    b"/Kids [1 0 R 1 0 R]", b"/Parent 2 0 R", b"/Width 100000", b"/Height 100000", b"/BitsPerComponent 16",
    b"/Filter /FlateDecode", b"/Filter /LZWDecode", b"/Filter /DCTDecode", b"/Filter /JBIG2Decode",
    b"/Filter /CCITTFaxDecode", b"/DecodeParms << /Predictor 15 /Columns 99999 /Colors 4 >>",
    b"/Subtype /Form", b"/Subtype /Image", b"/XObject", b"/Resources", b"/MediaBox [0 0 1e30 1e30]",
    b"/Rotate 45", b"/Encrypt", b"/ObjStm", b"/Prev 0", b"/N 1000000", b"/First 999999", b"q", b"Q", b"Do",
    b"cm", b"BT", b"ET", b"Tj", b"BI", b"ID", b"EI", b"9999999999999999999999", b"-2147483649",
    b"4294967296", b"1e308", b"-0", b"NaN", b"\x00", b"\xff\xff\xff\xff", b"IHDR", b"IDAT", b"IEND", b"acTL",
    b"\xff\xc0", b"\xff\xda", b"\xff\xd9", b"GIF89a", b"II*\x00", b"MM\x00*",
)

_NUMBER = re.compile(rb"-?\d+(?:\.\d+)?")
_HUGE = (b"0", b"-1", b"65535", b"65536", b"2147483647", b"2147483648", b"4294967295", b"99999999999",
         b"-99999999", b"1e400", b"0.0000001")

Mutation = Callable[[bytearray, random.Random, Sequence[bytes]], bytearray]


def _position(data: bytearray, rng: random.Random) -> int:
    """Anywhere, but often near the start or end, where headers and trailers live."""
    size = len(data)
    if size == 0:
        return 0
    roll = rng.random()
    if roll < 0.2:
        return rng.randrange(min(size, 512) + 1)
    if roll < 0.4:
        return size - rng.randrange(min(size, 2048) + 1)
    return rng.randrange(size + 1)


def flip_bits(data: bytearray, rng: random.Random, donors: Sequence[bytes]) -> bytearray:
    for _ in range(rng.randint(1, 16)):
        if data:
            at = min(_position(data, rng), len(data) - 1)
            data[at] ^= 1 << rng.randrange(8)
    return data


def insert_bytes(data: bytearray, rng: random.Random, donors: Sequence[bytes]) -> bytearray:
    at = _position(data, rng)
    data[at:at] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 64)))
    return data


def delete_bytes(data: bytearray, rng: random.Random, donors: Sequence[bytes]) -> bytearray:
    if len(data) > 1:
        at = min(_position(data, rng), len(data) - 1)
        del data[at:at + rng.randint(1, max(1, min(4096, len(data) // 4)))]
    return data


def splice(data: bytearray, rng: random.Random, donors: Sequence[bytes]) -> bytearray:
    donor = rng.choice(donors) if donors and rng.random() < 0.7 else bytes(data)
    if not donor:
        return data
    start = rng.randrange(len(donor))
    chunk = donor[start:start + rng.randint(16, 8192)]
    at = _position(data, rng)
    if rng.random() < 0.5:
        data[at:at] = chunk
    else:
        data[at:at + len(chunk)] = chunk
    return data


def truncate(data: bytearray, rng: random.Random, donors: Sequence[bytes]) -> bytearray:
    if data:
        del data[rng.randrange(len(data)) if rng.random() < 0.95 else 0:]
    return data


def insert_token(data: bytearray, rng: random.Random, donors: Sequence[bytes]) -> bytearray:
    token = rng.choice(TOKENS)
    at = _position(data, rng)
    if rng.random() < 0.5:
        data[at:at] = b" " + token + b" "
    else:
        data[at:at + len(token)] = token
    return data


def replace_number(data: bytearray, rng: random.Random, donors: Sequence[bytes]) -> bytearray:
    """Swap an ASCII number near a random place for a huge, negative or odd one."""
    at = _position(data, rng)
    window = bytes(data[max(0, at - 2048):at + 2048])
    found = list(_NUMBER.finditer(window))
    if not found:
        return data
    match = rng.choice(found)
    offset = max(0, at - 2048)
    data[offset + match.start():offset + match.end()] = rng.choice(_HUGE)
    return data


def overwrite_int(data: bytearray, rng: random.Random, donors: Sequence[bytes]) -> bytearray:
    """Write an extreme 2- or 4-byte integer into the header region (sizes, counts, offsets)."""
    if len(data) < 4:
        return data
    at = rng.randrange(min(len(data) - 3, 256))
    value = rng.choice((b"\xff\xff\xff\xff", b"\x7f\xff\xff\xff", b"\x00\x00\x00\x00", b"\x80\x00\x00\x00",
                        b"\x00\x01\x86\xa0", b"\xa0\x86\x01\x00"))
    width = rng.choice((2, 4))
    data[at:at + width] = value[:width]
    return data


def repeat_chunk(data: bytearray, rng: random.Random, donors: Sequence[bytes]) -> bytearray:
    """Repeat a small piece many times (long runs of operators, nested brackets)."""
    if not data:
        return data
    at = min(_position(data, rng), len(data) - 1)
    piece = bytes(data[at:at + rng.randint(1, 32)])
    data[at:at] = piece * rng.randint(2, max(2, 65536 // max(1, len(piece))))
    return data


MUTATIONS: tuple[Mutation, ...] = (flip_bits, insert_bytes, delete_bytes, splice, truncate, insert_token,
                                   replace_number, overwrite_int, repeat_chunk)
_WEIGHTS = (14, 8, 8, 10, 5, 18, 14, 10, 5)
_COUNTS = (1, 1, 1, 1, 2, 2, 3, 5, 8)


_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def fix_png_checksums(data: bytearray) -> bytearray:
    """Recompute each PNG chunk's CRC, so a mutation reaches the decoder instead of the checksum test."""
    at = len(_PNG_SIGNATURE)
    while at + 12 <= len(data):
        (length,) = struct.unpack_from(">I", data, at)
        end = at + 8 + length
        if end + 4 > len(data):
            break
        struct.pack_into(">I", data, end, zlib.crc32(bytes(data[at + 4:end])) & 0xFFFFFFFF)
        at = end + 4
    return data


def mutate(data: bytes, rng: random.Random, donors: Sequence[bytes] = ()) -> tuple[bytes, tuple[str, ...]]:
    """``data`` with one to eight mutations; returns the bytes and the mutations' names."""
    out = bytearray(data)
    applied = []
    for _ in range(rng.choice(_COUNTS)):
        mutation = rng.choices(MUTATIONS, weights=_WEIGHTS)[0]
        out = mutation(out, rng, donors)
        applied.append(mutation.__name__)
        if len(out) > MAX_INPUT_BYTES:
            del out[MAX_INPUT_BYTES:]
    if out.startswith(_PNG_SIGNATURE) and rng.random() < 0.7:
        out = fix_png_checksums(out)
        applied.append("fix_png_checksums")
    return bytes(out), tuple(applied)
