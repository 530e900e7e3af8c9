import io
import struct
import zlib

import numpy as np
import pytest
from PIL import Image

from htq_mark.errors import LimitExceededError, UnreadableFileError
from htq_mark.scanner._images import read_frames
from htq_mark.scanner._limits import Limits

from ._make import encode, frames_file, interlaced_png, png_chunk, png_file

RGB = np.zeros((40, 60, 3), np.uint8)
RGB[:, :30] = (200, 30, 10)
RGB[:, 30:] = (10, 40, 220)


@pytest.mark.parametrize("kind, fmt, options", [
    ("png", "PNG", {}),
    ("jpeg", "JPEG", {"quality": 95}),
    ("webp", "WEBP", {"lossless": True}),
    ("tiff", "TIFF", {}),
    ("gif", "GIF", {}),
    ("bmp", "BMP", {}),
])
def test_every_format_reads_as_rgb(kind, fmt, options):
    frames = list(read_frames(encode(RGB, fmt, **options), kind, "x", Limits()))
    assert [f.number for f in frames] == [1]
    rgb = frames[0].rgb
    assert rgb.shape == (40, 60, 3) and rgb.dtype == np.uint8
    assert np.abs(rgb[20, 10].astype(int) - (200, 30, 10)).max() < 12
    assert np.abs(rgb[20, 50].astype(int) - (10, 40, 220)).max() < 12


@pytest.mark.parametrize("kind, fmt", [("tiff", "TIFF"), ("gif", "GIF")])
def test_every_frame_is_a_page(kind, fmt):
    colours = [(255, 0, 0), (0, 255, 0), (0, 0, 255)]
    frames = [np.full((20, 30, 3), c, np.uint8) for c in colours]
    read = list(read_frames(frames_file(frames, fmt), kind, "x", Limits()))
    assert [f.number for f in read] == [1, 2, 3]
    for frame, colour in zip(read, colours):
        assert np.abs(frame.rgb[10, 15].astype(int) - colour).max() < 10


@pytest.mark.parametrize("kind, fmt", [("tiff", "TIFF"), ("gif", "GIF")])
def test_too_many_frames_is_too_large_before_decoding(kind, fmt):
    frames = [np.full((8, 8, 3), (i * 40, 0, 0), np.uint8) for i in range(5)]
    with pytest.raises(LimitExceededError, match="more than 4 frames"):
        list(read_frames(frames_file(frames, fmt), kind, "many.gif", Limits(max_frames=4)))
    assert len(list(read_frames(frames_file(frames, fmt), kind, "x", Limits(max_frames=5)))) == 5


def _png_header_only(width: int, height: int) -> bytes:
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return png_file(header, png_chunk(b"IDAT", zlib.compress(b"\x00" * 10)))


@pytest.mark.parametrize("width, height, limit", [(100_000, 100_000, 80_000_000), (200, 100, 19_999)])
def test_pixel_limit_is_checked_from_the_header(width, height, limit):
    with pytest.raises(LimitExceededError, match="pixels|too large"):
        list(read_frames(_png_header_only(width, height), "png", "huge.png", Limits(max_pixels_per_page=limit)))


def test_just_within_the_pixel_limit_is_read():
    data = encode(np.zeros((100, 200, 3), np.uint8), "PNG")
    assert len(list(read_frames(data, "png", "x", Limits(max_pixels_per_page=20_000)))) == 1


def test_pillow_settings_are_left_alone():
    before = Image.MAX_IMAGE_PIXELS
    with pytest.raises(LimitExceededError):
        list(read_frames(_png_header_only(100_000, 100_000), "png", "huge.png", Limits()))
    assert Image.MAX_IMAGE_PIXELS == before


@pytest.mark.parametrize("data, kind", [
    (b"\x89PNG\r\n\x1a\nbroken", "png"),
    (encode(RGB, "PNG")[:60], "png"),
    (b"\xff\xd8\xff\xe0 not really", "jpeg"),
])
def test_damaged_image_is_unreadable_with_the_name(data, kind):
    with pytest.raises((UnreadableFileError, LimitExceededError), match="broken-file"):
        list(read_frames(data, kind, "broken-file", Limits()))


def test_transparency_is_shown_over_white():
    rgba = np.zeros((10, 10, 4), np.uint8)
    rgba[:, :5] = (0, 0, 0, 255)
    out = io.BytesIO()
    Image.fromarray(rgba, "RGBA").save(out, "PNG")
    rgb = next(read_frames(out.getvalue(), "png", "x", Limits())).rgb
    assert tuple(rgb[5, 2]) == (0, 0, 0) and tuple(rgb[5, 8]) == (255, 255, 255)


@pytest.mark.parametrize("fmt", ["JPEG", "PNG"])
def test_exif_orientation_is_applied(fmt):
    image = Image.fromarray(np.zeros((10, 30, 3), np.uint8))
    exif = image.getexif()
    exif[0x0112] = 6  # rotate 90 degrees clockwise to view
    out = io.BytesIO()
    image.save(out, fmt, exif=exif.tobytes())
    rgb = next(read_frames(out.getvalue(), fmt.lower(), "x", Limits())).rgb
    assert rgb.shape[:2] == (30, 10)


def _photo_like(height=90, width=120):
    rng = np.random.default_rng(5)
    y, x = np.mgrid[:height, :width]
    base = np.stack([x * 2, y * 2, (x + y)], axis=-1) % 256
    return np.clip(base + rng.normal(0, 12, base.shape), 0, 255).astype(np.uint8)


@pytest.fixture(params=["rgb-decoding", "bgr-decoding"])
def opencv(request, monkeypatch):
    """OpenCV as it is, and as before 4.10 (no decoding straight to RGB)."""
    import cv2

    if request.param == "bgr-decoding":
        monkeypatch.delattr(cv2, "IMREAD_COLOR_RGB", raising=False)
    return cv2


@pytest.mark.parametrize("mode", ["RGB", "L"])
def test_plain_png_reads_exactly_as_pillow_shows_it(mode, opencv):
    image = Image.fromarray(_photo_like()).convert(mode)
    data = encode_image(image, "PNG")
    rgb = next(read_frames(data, "png", "x", Limits())).rgb
    assert np.array_equal(rgb, np.asarray(image.convert("RGB")))


def _with_chunk_data(data: bytes, kind: bytes, body: bytes) -> bytes:
    """``data`` (a PNG) with the body of its first ``kind`` chunk replaced (and its CRC made right)."""
    start = data.index(kind) - 4
    length = int.from_bytes(data[start:start + 4], "big")
    return data[:start] + png_chunk(kind, body) + data[start + 12 + length:]


@pytest.mark.parametrize("options", [{"bits": 16}, {"interlace": True}])
def test_other_plain_pngs_read_exactly_as_pillow_shows_them(options):
    import cv2

    pixels = _photo_like()
    if options.get("bits") == 16:
        # Each sample's low byte unlike its high one, so a decoder that rounds instead of cutting shows.
        deep = pixels.astype(np.uint16) * 256 + np.random.default_rng(3).integers(0, 256, pixels.shape, np.uint16)
        ok, encoded = cv2.imencode(".png", cv2.cvtColor(deep, cv2.COLOR_RGB2BGR))
        data = encoded.tobytes()
    else:
        # An interlaced (Adam7) PNG: written row group by row group, as image editors offer.
        data = interlaced_png(pixels)
    with Image.open(io.BytesIO(data)) as image:
        shown = np.asarray(image.convert("RGB"))
    rgb = next(read_frames(data, "png", "x", Limits())).rgb
    assert np.array_equal(rgb, shown)


def test_a_png_whose_pixel_data_is_damaged_is_unreadable_with_the_name():
    data = encode(_photo_like(), "PNG")
    # Every chunk whole, so the fast decoder is tried first; the pixels inside are not a zlib stream.
    damaged = _with_chunk_data(data, b"IDAT", b"not a zlib stream" * 20)
    with pytest.raises(UnreadableFileError, match="damaged-pixels"):
        list(read_frames(damaged, "png", "damaged-pixels", Limits()))


def _stored_png(pixels: np.ndarray) -> bytes:
    """An RGB PNG whose pixel data is stored uncompressed: a damaged byte there still decodes."""
    height, width = pixels.shape[:2]
    raw = b"".join(b"\x00" + pixels[y].tobytes() for y in range(height))
    return png_file(struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0), png_chunk(b"IDAT", zlib.compress(raw, 0)))


def test_a_png_damaged_after_it_was_written_is_unreadable_with_the_name():
    data = bytearray(_stored_png(np.full((8, 8, 3), 200, np.uint8)))
    data[data.index(b"IDAT") + 4 + 10] ^= 0xFF  # one pixel byte, its chunk's CRC as written
    with pytest.raises(UnreadableFileError, match="flipped"):
        list(read_frames(bytes(data), "png", "flipped", Limits()))


def test_a_plain_png_given_as_a_memoryview_reads_like_its_bytes():
    data = encode(_photo_like(), "PNG")
    frames = list(read_frames(memoryview(data), "png", "x", Limits()))  # type: ignore[arg-type]
    assert np.array_equal(frames[0].rgb, next(read_frames(data, "png", "x", Limits())).rgb)


def test_plain_jpeg_reads_as_pillow_shows_it(opencv):
    data = encode(_photo_like(), "JPEG", quality=80)
    rgb = next(read_frames(data, "jpeg", "x", Limits())).rgb
    with Image.open(io.BytesIO(data)) as image:
        shown = np.asarray(image.convert("RGB"))
    assert rgb.shape == shown.shape and np.abs(rgb.astype(int) - shown).mean() < 1.0


@pytest.mark.parametrize("fmt, kind", [("PNG", "png"), ("JPEG", "jpeg")])
def test_a_cut_off_image_with_exif_is_unreadable_with_the_name(fmt, kind):
    image = Image.fromarray(_photo_like(200, 300))
    exif = image.getexif()
    exif[0x0112] = 1
    out = io.BytesIO()
    image.save(out, fmt, exif=exif.tobytes())
    data = out.getvalue()
    with pytest.raises(UnreadableFileError, match="cut-off"):
        list(read_frames(data[: len(data) * 2 // 3], kind, "cut-off", Limits()))


def encode_image(image, fmt):
    out = io.BytesIO()
    image.save(out, fmt)
    return out.getvalue()


def test_sixteen_bit_greyscale_is_scaled():
    grey = (np.arange(64 * 64, dtype=np.uint16).reshape(64, 64) * 16)
    out = io.BytesIO()
    Image.fromarray(grey).save(out, "PNG")
    rgb = next(read_frames(out.getvalue(), "png", "x", Limits())).rgb
    assert rgb.shape == (64, 64, 3) and rgb.max() == 255 and rgb.min() == 0


def _lying_png():
    """A valid 640x420 PNG whose IDAT chunk claims to be 2.6 GB long."""
    data = bytearray(encode(_photo_like(420, 640), "PNG"))
    idat = data.index(b"IDAT") - 4
    data[idat:idat + 4] = (2_684_366_236).to_bytes(4, "big")
    return bytes(data)


def test_a_png_chunk_claiming_gigabytes_is_unreadable_without_allocating_them(tmp_path):
    import subprocess
    import sys

    path = tmp_path / "lying.png"
    path.write_bytes(_lying_png())
    # The child's own peak (VmHWM): ru_maxrss would also count the parent's size when it was started.
    code = ("import sys; from htq_mark.scanner._document import scan_document; "
            "r = scan_document(sys.argv[1]); "
            "peak = [line for line in open('/proc/self/status') if line.startswith('VmHWM:')][0]; "
            "print(r.status, int(peak.split()[1]) // 1024)")
    out = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, check=True,
                         timeout=120).stdout.split()
    assert out[0] == "error" and int(out[1]) < 600  # MiB: the claimed 2.6 GB was never reserved


@pytest.mark.parametrize("mode", ["I;16", "I", "F"])
def test_a_deep_image_is_scaled_to_8_bits_a_few_rows_at_a_time_with_the_same_result(mode: str) -> None:
    """Scaled whole in float64, a 16-bit or float frame took four times an 8-bit one's memory."""
    from htq_mark.scanner import _images

    rng = np.random.default_rng(3)
    values = rng.integers(0, 60_000, (37, 29)).astype({"I;16": np.uint16, "I": np.int32, "F": np.float32}[mode])
    if mode != "I;16":
        values[0, 0] = -50  # clipped to black
    image = Image.fromarray(values)
    assert image.mode == mode
    expected = np.clip(np.rint(np.asarray(image, np.float64) * (255.0 / 65535)), 0, 255).astype(np.uint8)
    for rows_pixels in (1, 64, 1 << 20):  # a row at a time, a few rows, the whole frame
        _images._WIDE_ROWS_PIXELS = rows_pixels
        try:
            converted = np.asarray(_images._to_rgb(image))
        finally:
            _images._WIDE_ROWS_PIXELS = 1 << 20
        assert converted.shape == (37, 29, 3) and np.array_equal(converted[..., 0], expected)


@pytest.mark.parametrize(("values", "shown"), [
    (np.array([[64 * 257, 0]], np.uint16), [64, 0]),              # a dark 16-bit picture stays dark
    (np.array([[65535, 32896]], np.uint16), [255, 128]),
    (np.array([[0.25, 1.0]], np.float32), [64, 255]),             # floating point from 0 to 1
    (np.array([[64.0, 200.0]], np.float32), [64, 200]),           # floating point in 8-bit values
    (np.array([[64, 200]], np.int32), [64, 200]),                 # 32-bit in 8-bit values
    (np.array([[64 * 257, 1000]], np.int32), [64, 4]),            # 32-bit in 16-bit values
    (np.array([[1 << 20, 1 << 19]], np.int32), [255, 128]),       # beyond 16 bits: scaled to its peak
], ids=["16-bit-dark", "16-bit", "float-0-1", "float-8-bit", "32-bit-8-bit", "32-bit-16-bit", "32-bit-wide"])
def test_a_deep_grey_picture_is_shown_in_its_types_range(values: np.ndarray, shown: list[int]) -> None:
    """Scaled to its own peak, a 16-bit picture of a mark on a dark grey was brightened (no `low-contrast`, which
    a viewer's rendering gave) and a floating-point one from 0 to 1 turned black (no mark at all)."""
    from htq_mark.scanner import _images

    assert np.asarray(_images._to_rgb(Image.fromarray(values)))[0, :, 0].tolist() == shown


@pytest.mark.parametrize("chunk", [b"iTXt", b"zTXt", b"iCCP"])
def test_a_png_with_a_text_or_profile_chunk_over_a_megabyte_is_read_without_it(chunk: bytes) -> None:
    """Pillow refuses such a chunk (it guards against bombs): the picture was called damaged."""
    import htq_mark

    from ._make import canvas_with

    picture = canvas_with(htq_mark.load_kit())
    png = encode(picture, "PNG")
    inflated = zlib.compress(b"<x:xmpmeta>" + b" " * (2 << 20) + b"</x:xmpmeta>")
    body = {b"iTXt": b"XML:com.adobe.xmp\0\x01\x00\0\0" + inflated, b"zTXt": b"Comment\0\x00" + inflated,
            b"iCCP": b"Big profile\0\x00" + inflated}[chunk]
    extra = struct.pack(">I", len(body)) + chunk + body + struct.pack(">I", zlib.crc32(chunk + body) & 0xFFFFFFFF)
    after_header = 8 + 25  # the signature and IHDR
    [frame] = read_frames(png[:after_header] + extra + png[after_header:], "png", "big.png", Limits())
    assert np.array_equal(frame.rgb, picture)
