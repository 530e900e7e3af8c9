"""Pictures' embedded ICC profiles: their colours turned into sRGB, as a colour-managed viewer shows them.

The spec's colours are sRGB. A picture tagged with another profile (Adobe RGB, Display
P3 from a Mac's screenshot, ProPhoto, a printer's CMYK) holds other numbers for the same
colours: read as they stand, a correctly converted mark looks recoloured and a recoloured
one may look right. Pictures tagged with a profile that shows colours as sRGB does (whatever its name),
or not tagged, are taken as they are.
"""

from __future__ import annotations

import functools
import io
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from PIL import Image

__all__ = ["foreign_profile", "is_rgb_profile", "to_srgb"]

#: The image modes each kind of profile is applied to. A picture with transparency or a palette is
#: first laid over white in its own colours (white is white in any profile), then turned into sRGB.
_MODES_OF_SPACE = {"RGB": frozenset({"RGB", "RGBA", "RGBa", "P", "PA"}), "CMYK": frozenset({"CMYK"}),
                   "GRAY": frozenset({"L"})}


def foreign_profile(image: Image.Image) -> Any | None:
    """The ICC profile ``image`` carries, if it is not sRGB and can be applied to it; else None.

    A profile that cannot be read is passed over: the picture is taken as sRGB, as a
    viewer that cannot read it would show it.
    """
    data = image.info.get("icc_profile")
    if not data or not any(image.mode in modes for modes in _MODES_OF_SPACE.values()):
        return None
    from PIL import ImageCms

    try:
        profile = ImageCms.ImageCmsProfile(io.BytesIO(data))
        space = profile.profile.xcolor_space.strip()
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        return None
    if image.mode not in _MODES_OF_SPACE.get(space, ()) or (space != "CMYK" and _acts_as_srgb(data, space)):
        return None
    return profile


# A swatch of 6 levels in each channel (216 colours): what a profile does to them tells whether it is sRGB.
_LEVELS = (0, 51, 102, 153, 204, 255)
_SWATCH_RGB = bytes(value for r in _LEVELS for g in _LEVELS for b in _LEVELS for value in (r, g, b))
_SWATCH_GREY = bytes(range(0, 256, 5))
#: Levels an sRGB profile may move a colour by (its tables and lcms's rounding): another profile moves some by far more.
_SRGB_TOLERANCE = 3


@functools.lru_cache(maxsize=32)
def _acts_as_srgb(data: bytes, space: str) -> bool:
    """Whether the RGB or GRAY profile ``data`` leaves colours as they are when turned into sRGB: an sRGB profile
    whatever its name (a picture's description once decided, and "Linear sRGB", another profile, was read as
    sRGB), within a few levels; False if lcms cannot apply it."""
    from PIL import Image, ImageCms

    swatch = (Image.frombytes("RGB", (len(_SWATCH_RGB) // 3, 1), _SWATCH_RGB) if space == "RGB"
              else Image.frombytes("L", (len(_SWATCH_GREY), 1), _SWATCH_GREY))
    try:
        profile = ImageCms.ImageCmsProfile(io.BytesIO(data))
        shown = ImageCms.profileToProfile(swatch, profile, ImageCms.createProfile("sRGB"),
                                          renderingIntent=ImageCms.Intent.RELATIVE_COLORIMETRIC, outputMode="RGB")
    except (ImageCms.PyCMSError, OSError, ValueError):
        return False
    if shown is None:
        return False
    expected = swatch.convert("RGB").tobytes()
    return max(abs(a - b) for a, b in zip(shown.tobytes(), expected)) <= _SRGB_TOLERANCE


def is_rgb_profile(profile: Any) -> bool:
    """Whether ``profile`` (from :func:`foreign_profile`) is an RGB one."""
    return bool(profile.profile.xcolor_space.strip() == "RGB")


def to_srgb(image: Image.Image, profile: Any) -> Image.Image | None:
    """``image`` (mode RGB for an RGB profile, CMYK or L for theirs) turned from ``profile`` into sRGB
    (mode RGB); None if it cannot be."""
    from PIL import ImageCms

    try:
        converted = ImageCms.profileToProfile(image, profile, ImageCms.createProfile("sRGB"),
                                              renderingIntent=ImageCms.Intent.RELATIVE_COLORIMETRIC,
                                              outputMode="RGB")
    except (ImageCms.PyCMSError, OSError, ValueError):  # a profile lcms will not use
        return None
    return converted
