"""JPEG and WebP output: the rendered mark flattened on its variant's background.

JPEG is written at quality 95 without chroma subsampling, so the mark's edges
keep their colour; WebP is lossless, so its colours are exact. Both carry the
DPI and sRGB colour space in EXIF, and the metadata in EXIF and XMP (and a
JPEG comment).
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from .._metadata import AssetMetadata

if TYPE_CHECKING:
    from PIL import Image

__all__ = ["encode_jpeg", "encode_webp", "flatten"]

_EXIF_IFD = 0x8769
_TAG_DESCRIPTION = 0x010E
_TAG_SOFTWARE = 0x0131
_TAG_X_RESOLUTION = 0x011A
_TAG_Y_RESOLUTION = 0x011B
_TAG_RESOLUTION_UNIT = 0x0128
_TAG_DATE_TIME = 0x0132
_TAG_COLOR_SPACE = 0xA001
_INCHES = 2
_SRGB = 1


def flatten(png: bytes, background: tuple[int, int, int]) -> Image.Image:
    """Decode an RGBA PNG and composite it on an opaque ``background``; returns RGB."""
    from PIL import Image

    with Image.open(io.BytesIO(png)) as decoded:
        rgba = decoded.convert("RGBA")
    base = Image.new("RGBA", rgba.size, (*background, 255))
    return Image.alpha_composite(base, rgba).convert("RGB")


def _exif(metadata: AssetMetadata, dpi: float) -> bytes:
    from PIL import Image
    from PIL.TiffImagePlugin import IFDRational

    exif = Image.Exif()
    exif[_TAG_DESCRIPTION] = metadata.summary
    exif[_TAG_SOFTWARE] = metadata.tool
    exif[_TAG_X_RESOLUTION] = IFDRational(dpi)
    exif[_TAG_Y_RESOLUTION] = IFDRational(dpi)
    exif[_TAG_RESOLUTION_UNIT] = _INCHES
    if metadata.created is not None:
        exif[_TAG_DATE_TIME] = metadata.created.strftime("%Y:%m:%d %H:%M:%S")
    exif.get_ifd(_EXIF_IFD)[_TAG_COLOR_SPACE] = _SRGB
    return exif.tobytes()


def encode_jpeg(image: Image.Image, *, dpi: float, metadata: AssetMetadata) -> bytes:
    """JPEG bytes of an RGB image, with DPI, EXIF, XMP and a comment."""
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=95, subsampling=0, dpi=(dpi, dpi),
               exif=_exif(metadata, dpi), xmp=metadata.xmp_packet(),
               comment=metadata.summary.encode("utf-8"))
    return out.getvalue()


def encode_webp(image: Image.Image, *, dpi: float, metadata: AssetMetadata) -> bytes:
    """Lossless WebP bytes of an RGB image, with EXIF (DPI, sRGB) and XMP."""
    out = io.BytesIO()
    image.save(out, format="WEBP", lossless=True, quality=80, method=4,
               exif=_exif(metadata, dpi), xmp=metadata.xmp_packet())
    return out.getvalue()
