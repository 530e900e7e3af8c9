import io
import struct
import tracemalloc
import zlib

import numpy as np
import pyspng
import pytest
from PIL import Image

from htq_mark.scanner import _png
from htq_mark.scanner._png import chunks, decode_png, without_chunks

from ._make import encode, interlaced_png, png_chunk, png_file

NONE, SUB, UP, AVERAGE, PAETH = range(5)
COLOUR_TYPES = {"grey": 0, "rgb": 2, "palette": 3, "grey-alpha": 4, "rgba": 6}
SAMPLES = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}


@pytest.fixture
def handed(monkeypatch: pytest.MonkeyPatch) -> list[bytes]:
    """The files decode_png hands libspng, in order (libspng still decodes each)."""
    files: list[bytes] = []
    load = pyspng.load

    def spy(data: bytes, *args: object, **kwargs: object) -> object:
        files.append(data)
        return load(data, *args, **kwargs)
    monkeypatch.setattr(pyspng, "load", spy)
    return files


def _is_plain(data: bytes) -> bool:
    return _png._walk(data) is not None


def _samples(height: int, width: int, samples: int, depth: int) -> np.ndarray:
    """Noisy sample values (rows of ``width`` pixels of ``samples`` each) of ``depth`` bits."""
    rng = np.random.default_rng(11)
    y, x = np.mgrid[:height, :width * samples]
    values = (x * 3 + y * 2) % (1 << depth) + rng.integers(0, 4, (height, width * samples))
    return np.clip(values, 0, (1 << depth) - 1)


def _rows(values: np.ndarray, depth: int) -> np.ndarray:
    """Sample ``values`` packed into PNG rows of bytes (big-endian, most significant bits first)."""
    if depth == 16:
        return values.astype(">u2").view(np.uint8).reshape(values.shape[0], -1)
    if depth == 8:
        return values.astype(np.uint8)
    return np.packbits(np.unpackbits(values.astype(np.uint8)[..., None], axis=-1)[..., 8 - depth:]
                       .reshape(values.shape[0], -1), axis=1)


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
    predictions = {SUB: left, UP: up, AVERAGE: (left + up) // 2, PAETH: paeth}
    out = b""
    for y, kind in enumerate(filters):
        prediction = 0 if kind == NONE else predictions[kind][y]
        out += bytes([kind]) + ((rows[y] - prediction) % 256).astype(np.uint8).tobytes()
    return out


def _png_file(colour_type: int = 2, depth: int = 8, height: int = 37, width: int = 45,
              filters: list[int] | None = None, *, idat_size: int | None = None, stream: bytes | None = None,
              interlace: int = 0) -> bytes:
    """A PNG of noisy pixels, every row filtered as ``filters`` says (all five in turn by default), its pixel
    data (or ``stream``) split into IDAT chunks of ``idat_size`` bytes."""
    samples = SAMPLES[colour_type]
    rows = _rows(_samples(height, width, samples, depth), depth)
    step = max(1, samples * depth // 8)
    filters = filters or [y % 5 for y in range(height)]
    compressed = stream if stream is not None else zlib.compress(_filtered(rows, filters, step), 6)
    size = idat_size or len(compressed)
    header = struct.pack(">IIBBBBB", width, height, depth, colour_type, 0, 0, interlace)
    entries = range(0, 256, 256 >> depth) if depth <= 8 else ()
    palette = png_chunk(b"PLTE", bytes(v for v in entries for _ in "rgb")) if colour_type == 3 else b""
    return png_file(header, png_chunk(b"gAMA", struct.pack(">I", 45455)), palette,
                    *(png_chunk(b"IDAT", compressed[i:i + size]) for i in range(0, len(compressed), size)))


def _libspng_on(data: bytes) -> np.ndarray | None:
    try:
        return np.asarray(pyspng.load(data, format="RGB"))
    except (RuntimeError, ValueError):
        return None


@pytest.mark.parametrize("colour_type, depth", [
    (0, 1), (0, 2), (0, 4), (0, 8), (0, 16), (2, 8), (2, 16), (3, 1), (3, 2), (3, 4), (3, 8),
    (4, 8), (4, 16), (6, 8), (6, 16)])
def test_every_colour_type_and_depth_is_inflated_here_and_decodes_as_libspng_decodes_the_file(
        handed: list[bytes], colour_type: int, depth: int) -> None:
    data = _png_file(colour_type, depth, idat_size=97)  # an odd width: rows end part-way through a byte
    decoded = decode_png(data)
    assert decoded is not None and np.array_equal(decoded, _libspng_on(data))
    stored = handed[0]
    assert stored != data
    assert [kind for _, kind, _ in chunks(stored)] == [b"IHDR", b"gAMA"] + [b"PLTE"] * (colour_type == 3) + \
        [b"IDAT", b"IEND"]
    assert _is_plain(stored)  # every CRC right
    assert zlib.decompress(_pixel_data(stored)) == zlib.decompress(_pixel_data(data))  # its Adler-32 checked too


def _pixel_data(data: bytes) -> bytes:
    return b"".join(data[position + 8:position + 8 + length] for position, kind, length in chunks(data)
                    if kind == b"IDAT")


@pytest.mark.parametrize("filters", [[NONE], [SUB], [UP], [AVERAGE], [PAETH], None])
def test_every_filter_reads_as_pillow_shows_it(handed: list[bytes], filters: list[int] | None) -> None:
    data = _png_file(filters=filters and filters * 37)
    with Image.open(io.BytesIO(data)) as image:
        shown = np.asarray(image.convert("RGB"))
    assert np.array_equal(decode_png(data), shown)
    assert handed[0] != data


def test_a_large_image_spans_many_stored_blocks(handed: list[bytes]) -> None:
    pixels = np.random.default_rng(2).integers(0, 256, (300, 400, 3), np.uint8)
    data = encode(pixels, "PNG")
    assert np.array_equal(decode_png(data), pixels)
    assert len(handed[0]) > 5 * 0xFFFF


@pytest.mark.parametrize("change", ["longer", "shorter", "bad checksum", "not zlib", "trailing bytes",
                                    "preset dictionary"])
def test_pixel_data_unlike_its_header_is_left_to_libspng(handed: list[bytes], change: str) -> None:
    raw = _filtered(_rows(_samples(37, 45, 3, 8), 8), [UP] * 37, 3)
    stream = {
        "longer": lambda: zlib.compress(raw + b"\x00" * 271),
        "shorter": lambda: zlib.compress(raw[:-271]),
        "bad checksum": lambda: zlib.compress(raw)[:-4] + b"\x00\x00\x00\x00",
        "not zlib": lambda: b"not a zlib stream" * 20,
        "trailing bytes": lambda: zlib.compress(raw) + b"more",
        "preset dictionary": lambda: b"\x78\xbb" + zlib.adler32(b"dictionary").to_bytes(4, "big")
        + zlib.compress(raw)[2:],
    }[change]()
    data = _png_file(stream=stream)
    expected = _libspng_on(data)
    decoded = decode_png(data)
    assert handed[-1] == data  # the file as it is
    assert (decoded is None) == (expected is None)
    if expected is not None:
        assert np.array_equal(decoded, expected)


def test_an_interlaced_png_is_left_to_libspng(handed: list[bytes]) -> None:
    pixels = np.random.default_rng(4).integers(0, 256, (21, 30, 3), np.uint8)
    data = interlaced_png(pixels)
    assert np.array_equal(decode_png(data), pixels)
    assert handed == [data]


@pytest.mark.parametrize("between", [b"tEXt", b"IHDR"])
def test_pixel_data_interrupted_by_another_chunk_is_left_to_libspng(handed: list[bytes], between: bytes) -> None:
    data = _png_file(idat_size=40)
    second = data.index(b"IDAT", data.index(b"IDAT") + 1) - 4  # where the second IDAT chunk starts
    body = b"Comment\x00x" if between == b"tEXt" else struct.pack(">IIBBBBB", 999, 999, 8, 2, 0, 0, 0)
    interrupted = data[:second] + png_chunk(between, body) + data[second:]
    assert _is_plain(interrupted)
    assert decode_png(interrupted) is None  # libspng refuses it, as before; Pillow then names the damage
    assert handed == [interrupted]


def test_pixel_data_larger_than_is_worth_inflating_here_is_left_to_libspng(
        handed: list[bytes], monkeypatch: pytest.MonkeyPatch) -> None:
    data = _png_file()
    size = 37 * (1 + 45 * 3)
    monkeypatch.setattr(_png, "_MOST_INFLATED", size - 1)
    assert np.array_equal(decode_png(data), _libspng_on(data))
    assert handed[0] == data
    monkeypatch.setattr(_png, "_MOST_INFLATED", size)
    decode_png(data)
    assert handed[-1] != data


def _decoded_with_peak(data: bytes) -> tuple[np.ndarray | None, int]:
    """decode_png's result, and the most memory (bytes) Python held while it ran."""
    tracemalloc.start()
    try:
        return decode_png(data), tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_a_walk_over_many_chunks_keeps_nothing_per_chunk() -> None:
    raw = _filtered(_rows(_samples(8, 8, 3, 8), 8), [NONE] * 8, 3)
    stream = zlib.compress(raw)
    data = _png_file(height=8, width=8, stream=stream)
    first = data.index(b"IDAT") - 4
    many = png_chunk(b"IDAT", stream[:2]) + png_chunk(b"IDAT", b"") * 50_000 + png_chunk(b"IDAT", stream[2:])
    data = data[:first] + many + png_chunk(b"IEND", b"")
    decoded, peak = _decoded_with_peak(data)
    assert decoded is not None and np.array_equal(decoded, _libspng_on(data))
    assert peak < len(data) + (1 << 20)  # a copy of the file at most, not an object per chunk


@pytest.mark.parametrize("damage", ["unknown chunk", "animation chunk", "wrong CRC", "cut off", "bytes after IEND",
                                    "IHDR not first", "no IEND"])
def test_a_png_that_is_not_plain_is_left_to_pillow(handed: list[bytes], damage: str) -> None:
    data = _png_file()
    after_header = 33
    damaged = {
        "unknown chunk": lambda: data[:after_header] + png_chunk(b"zzZz", b"abcd") + data[after_header:],
        "animation chunk": lambda: data[:after_header] + png_chunk(b"acTL", b"abcdefgh") + data[after_header:],
        "wrong CRC": lambda: data[:data.index(b"IDAT") + 20] + bytes([data[data.index(b"IDAT") + 20] ^ 1])
        + data[data.index(b"IDAT") + 21:],
        "cut off": lambda: data[:-5],
        "bytes after IEND": lambda: data + b"\x00",
        "IHDR not first": lambda: data[:8] + png_chunk(b"gAMA", struct.pack(">I", 45455)) + data[8:],
        "no IEND": lambda: data[:-12],
    }[damage]()
    assert _is_plain(data) and not _is_plain(damaged)
    assert decode_png(damaged) is None
    assert handed == []  # not even tried


def test_without_chunks_keeps_everything_else_byte_for_byte() -> None:
    data = _png_file(idat_size=500)
    with_text = data[:33] + png_chunk(b"tEXt", b"Comment\x00hello") + data[33:]
    assert without_chunks(with_text, frozenset({b"tEXt"})) == data
    assert without_chunks(data + b"tail", frozenset({b"tEXt"})) == data + b"tail"


def test_each_copy_is_let_go_once_the_next_is_made(handed: list[bytes]) -> None:
    # Noise hardly compresses: the compressed data, the inflated data and the file handed on are each
    # about as large as the pixels. At most two of them are held at once.
    pixels = np.random.default_rng(8).integers(0, 256, (400, 500, 3), np.uint8)
    data = encode(pixels, "PNG")
    decoded, peak = _decoded_with_peak(data)
    assert np.array_equal(decoded, pixels) and handed[0] != data
    assert peak < 2.5 * pixels.nbytes
