"""Colour science for the generator and the scanner: CIELAB, delta E, WCAG luminance and contrast.

All functions take NumPy arrays whose last axis holds R, G, B as 0-255 values
(uint8 or float) and work on any leading shape.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = ["contrast_ratio", "delta_e", "linear_to_lab", "relative_luminance", "srgb_to_lab", "srgb_to_linear"]

FloatArray = NDArray[np.float64]

# sRGB (D65) to CIE XYZ, and the D65 white point.
_RGB_TO_XYZ = np.array([[0.4124564, 0.3575761, 0.1804375],
                        [0.2126729, 0.7151522, 0.0721750],
                        [0.0193339, 0.1191920, 0.9503041]])
_WHITE = np.array([0.95047, 1.0, 1.08883])
_LUMINANCE = np.array([0.2126, 0.7152, 0.0722])


def srgb_to_linear(rgb: ArrayLike) -> FloatArray:
    """Linear-light values 0..1 from sRGB values 0..255."""
    c = np.asarray(rgb, dtype=np.float64) / 255.0
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def relative_luminance(rgb: ArrayLike) -> FloatArray:
    """WCAG 2 relative luminance (0 black .. 1 white) of sRGB colours."""
    return np.asarray(srgb_to_linear(rgb) @ _LUMINANCE, dtype=np.float64)


def contrast_ratio(luminance_a: ArrayLike, luminance_b: ArrayLike) -> FloatArray:
    """WCAG 2 contrast ratio (1..21) between two relative luminances."""
    a = np.asarray(luminance_a, dtype=np.float64)
    b = np.asarray(luminance_b, dtype=np.float64)
    return (np.maximum(a, b) + 0.05) / (np.minimum(a, b) + 0.05)


def srgb_to_lab(rgb: ArrayLike) -> FloatArray:
    """CIELAB (D65) coordinates of sRGB colours: L 0..100, a and b roughly -128..127."""
    return linear_to_lab(srgb_to_linear(rgb))


def linear_to_lab(linear: FloatArray) -> FloatArray:
    """CIELAB (D65) coordinates of linear-light sRGB colours (0..1, as :func:`srgb_to_linear` gives them)."""
    xyz = linear @ _RGB_TO_XYZ.T / _WHITE
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    lab = np.empty_like(f)
    lab[..., 0] = 116 * f[..., 1] - 16
    lab[..., 1] = 500 * (f[..., 0] - f[..., 1])
    lab[..., 2] = 200 * (f[..., 1] - f[..., 2])
    return np.asarray(lab, dtype=np.float64)


def delta_e(lab_a: ArrayLike, lab_b: ArrayLike) -> FloatArray:
    """CIE76 colour difference between CIELAB colours."""
    a, b = np.asarray(lab_a, dtype=np.float64), np.asarray(lab_b, dtype=np.float64)
    # The three squares summed one by one (as np.sum would, without its overhead on many small calls).
    dl, da, db = a[..., 0] - b[..., 0], a[..., 1] - b[..., 1], a[..., 2] - b[..., 2]
    return np.asarray(np.sqrt((dl * dl + da * da) + db * db), dtype=np.float64)
