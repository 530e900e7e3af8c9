"""Read image files (PNG, JPEG, WebP, TIFF, GIF, BMP) as RGB frames, within limits.

Sizes and frame counts are checked from the headers before any pixels are
decoded. Pillow's own decompression-bomb guard is left as it is; the scanner's
limits are checked here, per document, without touching Pillow's settings.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..errors import InputError, LimitExceededError, UnreadableFileError
from ._colour_profiles import foreign_profile, is_rgb_profile, to_srgb
from ._reason import reason
from ._limits import MAX_DECODABLE_PIXELS, Limits
from ._png import decode_png, without_chunks

if TYPE_CHECKING:
    import numpy as np
    from PIL import Image

__all__ = ["PILLOW_FORMATS", "Frame", "read_frames"]

#: The Pillow format name for each image type the scanner reads.
PILLOW_FORMATS = {"png": "PNG", "jpeg": "JPEG", "webp": "WEBP", "tiff": "TIFF", "gif": "GIF", "bmp": "BMP"}

_EXIF_ORIENTATION = 0x0112
_TEXT_CHUNKS = frozenset({b"tEXt", b"zTXt", b"iTXt", b"iCCP"})  # left out when Pillow refuses one


@dataclass(frozen=True)
class Frame:
    """One page of an image file: its 1-based number and its RGB pixels (H, W, 3), transparency laid over white.

    ``over_black``, for a frame with transparency, gives its pixels laid over black instead (None if no pixel
    is transparent after all), worked out when asked for, while the frame is the one being read: a white mark
    on a transparent background vanishes over white.
    """

    number: int
    rgb: np.ndarray
    over_black: Callable[[], np.ndarray | None] | None = None


def _open(data: bytes, kind: str, name: str) -> Image.Image:
    from PIL import Image, UnidentifiedImageError

    try:
        with warnings.catch_warnings():
            # Above Pillow's own threshold it warns; here that is simply "too large",
            # and the scanner's limit (checked next) decides.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            try:
                return Image.open(io.BytesIO(data), formats=[PILLOW_FORMATS[kind]])
            except ValueError as exc:
                # Pillow refuses a text or profile chunk that inflates past a megabyte (a bomb, or
                # a long edit history): the picture is read without its text and profile.
                if kind != "png" or "MAX_TEXT_CHUNK" not in str(exc):
                    raise
                return Image.open(io.BytesIO(without_chunks(data, _TEXT_CHUNKS)), formats=[PILLOW_FORMATS[kind]])
    except Image.DecompressionBombError as exc:
        raise LimitExceededError(name, f"the image is too large to decode safely ({reason(exc)}).") from exc
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError) as exc:
        raise UnreadableFileError(name, f"the {kind.upper()} image is damaged or incomplete ({reason(exc)}); "
                                        "export it again.") from exc
    except MemoryError:
        raise
    except Exception as exc:  # noqa: BLE001 - Pillow's plugins raise other kinds too on a damaged header
        raise UnreadableFileError(name, f"the {kind.upper()} image is damaged or incomplete "
                                        f"({type(exc).__name__}: {reason(exc)}); export it again.") from exc


def _check_size(image: Image.Image, name: str, number: int, limits: Limits) -> None:
    width, height = image.size
    if width <= 0 or height <= 0:
        raise UnreadableFileError(name, f"page {number} has no pixels ({width}x{height}); export it again.")
    if width * height > limits.max_pixels_per_page:
        raise LimitExceededError(
            name, f"page {number} is {width}x{height} pixels ({width * height:,}); the limit is "
                  f"{limits.max_pixels_per_page:,} pixels. Export it smaller"
                  + (" or raise limits.max_pixels_per_page." if limits.max_pixels_per_page < MAX_DECODABLE_PIXELS
                     else " (no image larger than this can be decoded safely)."))


_WIDE_ROWS_PIXELS = 1 << 20  # pixels of a deep image scaled to 8 bits at a time


_WHITE = (255, 255, 255)


def _has_transparency(image: Image.Image) -> bool:
    """An alpha channel, or a colour made transparent (a PNG's tRNS, a GIF's transparent index)."""
    return image.mode in ("RGBA", "LA", "PA", "La", "RGBa") or (
        image.mode in ("P", "L", "RGB") and image.info.get("transparency") is not None)


def _to_rgb(image: Image.Image, backdrop: tuple[int, int, int] = _WHITE) -> Image.Image:
    """RGB as a viewer shows it: transparency over ``backdrop`` (white), palettes and CMYK converted."""
    from PIL import Image

    if image.mode == "RGB" and not _has_transparency(image):
        return image
    if image.mode in ("I;16", "I;16B", "I;16L", "I", "F"):
        import numpy as np

        values = np.asarray(image)
        white = _white_level(image.mode, float(values.max()) if values.size else 0.0)
        grey = np.empty(values.shape, np.uint8)
        # A few rows at a time: the whole frame in float64 took four times an 8-bit image's memory.
        rows = max(1, _WIDE_ROWS_PIXELS // max(1, values.shape[1])) if values.ndim == 2 else len(values)
        for start in range(0, len(values), rows):
            block = values[start:start + rows].astype(np.float64)
            if white != 255:
                block *= 255.0 / white
            grey[start:start + rows] = np.clip(np.rint(block), 0, 255).astype(np.uint8)
        return Image.fromarray(grey, "L").convert("RGB")
    if _has_transparency(image):
        rgba = image.convert("RGBA")
        canvas = Image.new("RGBA", rgba.size, (*backdrop, 255))
        canvas.alpha_composite(rgba)
        return canvas.convert("RGB")
    return image.convert("RGB")


def _white_level(mode: str, peak: float) -> float:
    """The value of white in a grey picture of ``mode`` whose largest value is ``peak``: the type's full
    range, as viewers show it (a dark 16-bit picture stays dark), not the picture's own peak. Only a 32-bit
    picture beyond 16 bits, which viewers show in no agreed way, is scaled to its peak."""
    if mode.startswith("I;16"):
        return 65535.0
    if mode == "F" and peak <= 1.0:  # floating point from 0 (black) to 1 (white)
        return 1.0
    for white in (255.0, 65535.0):
        if peak <= white:
            return white
    return peak


def _as_shown(frame: Image.Image, first_mode: str, profile: Any, backdrop: tuple[int, int, int] = _WHITE
              ) -> Image.Image:
    """``frame`` in RGB as a viewer shows it: over ``backdrop`` (white), and turned into sRGB from its ICC
    ``profile`` (if any)."""
    if profile is None or frame.mode != first_mode:
        return _to_rgb(frame, backdrop)
    if is_rgb_profile(profile):
        shown = _to_rgb(frame, backdrop)
        return to_srgb(shown, profile) or shown
    return to_srgb(frame, profile) or _to_rgb(frame, backdrop)


def _over_black(frame: Image.Image, first_mode: str, profile: Any) -> Callable[[], np.ndarray | None] | None:
    """For a frame with transparency, what gives it laid over black (None if nothing in it is transparent)."""
    if not _has_transparency(frame):
        return None

    def shown() -> np.ndarray | None:
        import numpy as np

        alpha = frame.convert("RGBA").getchannel("A")
        if alpha.getextrema()[0] == 255:
            return None
        return np.ascontiguousarray(np.asarray(_as_shown(frame, first_mode, profile, (0, 0, 0)), dtype=np.uint8))
    return shown


def _frame_count_within(image: Image.Image, name: str, limits: Limits) -> int:
    """How many frames there are, refusing a file with more than the limit."""
    # Counting frames walks the file (Pillow's n_frames takes time growing with the square of
    # a TIFF's frame count), so seek only as far as the limit.
    count = 1
    try:
        while count <= limits.max_frames:
            image.seek(count)
            count += 1
    except EOFError:
        pass
    image.seek(0)
    if count > limits.max_frames:
        raise LimitExceededError(name, f"the image has more than {limits.max_frames} frames; "
                                       "split it or raise the frame limit.")
    return count


def _is_turned(image: Image.Image, data: bytes, kind: str) -> bool:
    """Whether the image's EXIF orientation asks a viewer to turn or flip it (exif_transpose copies even if not)."""
    if kind == "png" and b"eXIf" not in data:
        return False  # no EXIF chunk; asking Pillow would decode the whole image to look for one
    try:
        return image.getexif().get(_EXIF_ORIENTATION, 1) not in (1, None)
    except (OSError, ValueError, SyntaxError, EOFError):
        return True  # unreadable EXIF: the careful path decodes the image and reports any damage


def _decode_plain(data: bytes, kind: str, image: Image.Image) -> np.ndarray | None:
    """Decode a complete 8-bit RGB or grey PNG (with libspng) or JPEG (with OpenCV); None otherwise.

    Both are faster than Pillow and give the same pixels. The caller passes only
    single-frame images that need no EXIF turn; everything else (palettes,
    transparency, CMYK, 16-bit grey, damage) is left to Pillow, which reads it as
    a viewer shows it.
    """
    import numpy as np

    if kind not in ("png", "jpeg") or image.mode not in ("RGB", "L") or "transparency" in image.info:
        return None
    if kind == "png":
        pixels = decode_png(data)  # None unless the PNG is whole and plain
    else:
        pixels = _decode_jpeg(data) if data[-2:] == b"\xff\xd9" else None  # a JPEG cut off is left to Pillow
    if pixels is None or pixels.shape != (image.size[1], image.size[0], 3) or pixels.dtype != np.uint8:
        return None
    return np.ascontiguousarray(pixels, dtype=np.uint8)


def _decode_jpeg(data: bytes) -> np.ndarray | None:
    """The JPEG's pixels as RGB; None if OpenCV cannot decode it."""
    import cv2
    import numpy as np

    # OpenCV 4.10 and later decode straight to RGB; older ones give BGR, turned here.
    as_rgb = getattr(cv2, "IMREAD_COLOR_RGB", None)
    try:
        pixels = cv2.imdecode(np.frombuffer(data, np.uint8),
                              (cv2.IMREAD_COLOR if as_rgb is None else as_rgb) | cv2.IMREAD_IGNORE_ORIENTATION)
    except cv2.error:
        return None
    if pixels is not None and as_rgb is None and pixels.ndim == 3:
        cv2.cvtColor(pixels, cv2.COLOR_BGR2RGB, dst=pixels)
    return pixels


def read_frames(data: bytes, kind: str, name: str, limits: Limits) -> Iterator[Frame]:
    """Decode each frame of an image file as RGB, checking limits before decoding it."""
    import numpy as np
    from PIL import Image, ImageOps

    image = _open(data, kind, name)
    try:
        try:
            _check_size(image, name, 1, limits)
            count = _frame_count_within(image, name, limits)
            turned = kind in ("jpeg", "webp", "png", "tiff") and _is_turned(image, data, kind)
            profile = foreign_profile(image)
            plain = _decode_plain(data, kind, image) if count == 1 and not turned and profile is None else None
        except (InputError, MemoryError):
            raise
        except Exception as exc:  # noqa: BLE001 - Pillow and OpenCV raise many kinds on damaged files
            raise UnreadableFileError(name, f"the {kind.upper()} image is damaged or incomplete "
                                            f"({type(exc).__name__}: {reason(exc)}); export it again.") from exc
        if plain is not None:
            yield Frame(number=1, rgb=plain)
            return
        for index in range(count):
            try:
                if index:
                    image.seek(index)
                _check_size(image, name, index + 1, limits)
                image.load()
                frame: Image.Image = image
                if index == 0 and turned:
                    frame = ImageOps.exif_transpose(image) or image
                rgb = np.ascontiguousarray(np.asarray(_as_shown(frame, image.mode, profile), dtype=np.uint8))
            except Image.DecompressionBombError as exc:
                raise LimitExceededError(name, f"frame {index + 1} is too large to decode safely.") from exc
            except (InputError, MemoryError):
                raise
            except Exception as exc:  # noqa: BLE001 - decoding the user's frame: Pillow's errors are the file's
                raise UnreadableFileError(name, f"frame {index + 1} of the {kind.upper()} image is damaged "
                                                f"or incomplete ({reason(exc)}); export it again.") from exc
            yield Frame(number=index + 1, rgb=rgb, over_black=_over_black(frame, image.mode, profile))
    finally:
        image.close()
