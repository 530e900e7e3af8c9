import io
import struct
import zlib

import numpy as np
import pytest
from PIL import Image

from htq_mark.scanner import _png
from htq_mark.scanner._png import chunks, decode_png, is_plain_png, without_chunks

from ._make import encode

NONE, SUB, UP, AVERAGE, PAETH = range(5)


def _stored(data: bytes) -> bytes | None:
    """What the fast path hands libspng for ``data`` (None: the file as it is)."""
    plain = _png._plain_pixel_data(data)
    assert plain is not None
    return _png._with_stored_pixels(data, *plain)


def _photo_like(height=70, width=90, samples=3, depth=8):
    rng = np.random.default_rng(11)
    y, x = np.mgrid[:height, :width]
    base = np.stack([x * 3, y * 2, x + y, x * y][:samples], axis=-1) % 256
    noisy = np.clip(base + rng.normal(0, 12, base.shape), 0, 255)
    if depth == 16:  # each sample's low byte unlike its high one
        return (noisy.astype(np.uint16) * 256 + rng.integers(0, 256, base.shape, np.uint16)).astype(">u2")
    return noisy.astype(np.uint8)


def _filtered(rows: np.ndarray, filters: list[int], step: int) -> bytes:
    """PNG scanlines of ``rows`` (height x bytes per row), each row filtered as ``filters`` says."""
    rows = rows.astype(np.int32)
    up = np.vstack([np.zeros_like(rows[:1]), rows[:-1]])
    left = np.hstack([np.zeros_like(rows[:, :step]), rows[:, :-step]])
    upper_left = np.hstack([np.zeros_like(up[:, :step]), up[:, :-step]])
    estimate = left + up - upper_left
    distances = [np.abs(estimate - v) for v in (left, up, upper_left)]
    paeth = np.where((distances[0] <= distances[1]) & (distances[0] <= distances[2]), left,
                     np.where(distances[1] <= distances[2], up, upper_left))
    predictions = {NONE: 0, SUB: left, UP: up, AVERAGE: (left + up) // 2, PAETH: paeth}
    out = b""
    for y, kind in enumerate(filters):
        prediction = predictions[kind] if kind == NONE else predictions[kind][y]
        out += bytes([kind]) + ((rows[y] - prediction) % 256).astype(np.uint8).tobytes()
    return out


def _chunk(kind: bytes, body: bytes) -> bytes:
    return len(body).to_bytes(4, "big") + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def _png_file(pixels: np.ndarray, filters: list[int] | None = None, *, idat_size: int | None = None,
         stream: bytes | None = None) -> bytes:
    """A PNG of ``pixels`` (grey, grey + alpha, RGB or RGBA; 8 or 16 bits), every row filtered as ``filters``
    says (cycling through all five by default), its pixel data split into IDAT chunks of ``idat_size`` bytes."""
    height, width = pixels.shape[:2]
    samples = 1 if pixels.ndim == 2 else pixels.shape[2]
    depth = pixels.dtype.itemsize * 8
    colour_type = {1: 0, 2: 4, 3: 2, 4: 6}[samples]
    filters = filters or [y % 5 for y in range(height)]
    rows = np.frombuffer(pixels.tobytes(), np.uint8).reshape(height, -1)
    compressed = stream if stream is not None else zlib.compress(_filtered(rows, filters, samples * depth // 8), 6)
    size = idat_size or len(compressed)
    parts = [compressed[i:i + size] for i in range(0, len(compressed), size)]
    header = struct.pack(">IIBBBBB", width, height, depth, colour_type, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"gAMA", struct.pack(">I", 45455))
            + b"".join(_chunk(b"IDAT", part) for part in parts) + _chunk(b"IEND", b""))


def _as_pillow_shows(data: bytes) -> np.ndarray:
    with Image.open(io.BytesIO(data)) as image:
        if image.mode in ("I;16", "I;16B", "I"):  # 16-bit grey: its high byte, as the fast path reads it
            return np.repeat((np.asarray(image).astype(np.uint32) >> 8).astype(np.uint8)[..., None], 3, axis=2)
        return np.asarray(image.convert("RGB"))


@pytest.mark.parametrize("samples", [1, 3])
@pytest.mark.parametrize("depth", [8, 16])
@pytest.mark.parametrize("filters", [[NONE], [SUB], [UP], [AVERAGE], [PAETH], None])
def test_every_filter_reads_through_the_inflated_stream_as_pillow_shows_it(samples, depth, filters):
    pixels = _photo_like(samples=samples, depth=depth)
    data = _png_file(pixels, filters and filters * pixels.shape[0], idat_size=997)
    stored = _stored(data)
    assert stored is not None  # the fast path was taken
    assert [kind for _, kind, _ in chunks(stored)] == [b"IHDR", b"gAMA", b"IDAT", b"IEND"]
    assert is_plain_png(stored)  # every CRC right
    assert np.array_equal(decode_png(data), _as_pillow_shows(data))


def test_a_large_image_spans_many_stored_blocks():
    pixels = np.random.default_rng(2).integers(0, 256, (300, 400, 3), np.uint8)
    data = encode(pixels, "PNG")
    stored = _stored(data)
    assert stored is not None and len(stored) > 5 * 0xFFFF
    assert np.array_equal(decode_png(data), pixels)


def _with_stream(pixels: np.ndarray, stream: bytes) -> bytes:
    return _png_file(pixels, stream=stream)


@pytest.mark.parametrize("change", ["longer", "shorter", "bad checksum", "not zlib", "trailing bytes"])
def test_pixel_data_unlike_its_header_is_left_to_libspng(change):
    pixels = _photo_like()
    raw = _filtered(np.frombuffer(pixels.tobytes(), np.uint8).reshape(pixels.shape[0], -1),
                    [UP] * pixels.shape[0], 3)
    stream = {
        "longer": lambda: zlib.compress(raw + b"\x00" * 271),
        "shorter": lambda: zlib.compress(raw[:-271]),
        "bad checksum": lambda: zlib.compress(raw)[:-4] + b"\x00\x00\x00\x00",
        "not zlib": lambda: b"not a zlib stream" * 20,
        "trailing bytes": lambda: zlib.compress(raw) + b"more",
    }[change]()
    data = _with_stream(pixels, stream)
    assert _stored(data) is None
    # What libspng makes of the file as it is, as before: the same pixels or none.
    import pyspng
    try:
        expected = np.asarray(pyspng.load(data, format="RGB"))
    except (RuntimeError, ValueError):
        expected = None
    decoded = decode_png(data)
    assert (decoded is None) == (expected is None)
    if expected is not None:
        assert np.array_equal(decoded, expected)


def test_an_interlaced_png_is_left_to_libspng():
    pixels = _photo_like()
    data = _png_file(pixels)
    header = struct.pack(">IIBBBBB", pixels.shape[1], pixels.shape[0], 8, 2, 0, 0, 1)  # Adam7
    interlaced = data[:8] + _chunk(b"IHDR", header) + data[33:]
    assert is_plain_png(interlaced)
    assert _stored(interlaced) is None


def test_one_walk_over_millions_of_chunks_keeps_nothing_per_chunk():
    pixels = _photo_like(8, 8)
    stream = zlib.compress(_filtered(pixels.reshape(8, -1), [NONE] * 8, 3))
    many = _chunk(b"IDAT", stream[:2]) + _chunk(b"IDAT", b"") * 50_000 + _chunk(b"IDAT", stream[2:])
    data = _png_file(pixels)
    data = data[:data.index(b"IDAT") - 4] + many + _chunk(b"IEND", b"")
    import tracemalloc

    tracemalloc.start()
    try:
        decoded = decode_png(data)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert np.array_equal(decoded, pixels)
    assert peak < len(data) + (1 << 20)  # a copy of the file at most, not an object per chunk


@pytest.mark.parametrize("chunk", [b"acTL", b"fcTL", b"zzZz"])
def test_pngs_with_other_chunks_are_not_plain(chunk):
    data = encode(_photo_like(), "PNG")
    assert is_plain_png(data)
    extra = _chunk(chunk, b"abcd")
    assert not is_plain_png(data[:33] + extra + data[33:])


def test_a_chunk_with_a_wrong_crc_or_cut_off_is_not_plain():
    data = encode(_photo_like(), "PNG")
    flipped = bytearray(data)
    flipped[data.index(b"IDAT") + 20] ^= 0x01
    assert not is_plain_png(bytes(flipped))
    assert not is_plain_png(data[:-5])


def test_without_chunks_keeps_everything_else_byte_for_byte():
    data = _png_file(_photo_like(), idat_size=500)
    text = _chunk(b"tEXt", b"Comment\x00hello")
    with_text = data[:33] + text + data[33:]
    assert without_chunks(with_text, frozenset({b"tEXt"})) == data
    assert without_chunks(data + b"tail", frozenset({b"tEXt"})) == data + b"tail"


@pytest.mark.parametrize("between", [b"tEXt", b"IHDR"])
def test_pixel_data_interrupted_by_another_chunk_is_left_to_libspng(between):
    pixels = _photo_like(8, 8)
    data = _png_file(pixels, idat_size=40)
    second = data.index(b"IDAT", data.index(b"IDAT") + 1) - 4  # where the second IDAT chunk starts
    body = b"Comment\x00x" if between == b"tEXt" else struct.pack(">IIBBBBB", 999, 999, 8, 2, 0, 0, 0)
    interrupted = data[:second] + _chunk(between, body) + data[second:]
    assert is_plain_png(interrupted)
    assert _stored(interrupted) is None  # libspng reads the file as it is (and refuses it)
    assert decode_png(interrupted) is None


def test_a_picture_with_more_pixel_data_than_is_worth_storing_is_read_as_it_is(monkeypatch):
    pixels = _photo_like()
    data = _png_file(pixels)
    size = pixels.shape[0] * (1 + pixels.shape[1] * 3)
    monkeypatch.setattr(_png, "_MOST_STORED", size - 1)
    assert _stored(data) is None
    assert np.array_equal(decode_png(data), pixels)
    monkeypatch.setattr(_png, "_MOST_STORED", size)
    assert _stored(data) is not None
