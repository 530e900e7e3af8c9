"""Lengths with units: parse ``"300px"`` / ``"40mm"`` and convert at a resolution."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Literal

from ..errors import UsageError

__all__ = ["MM_PER_INCH", "POINTS_PER_INCH", "Length", "Unit", "mm_to_points", "mm_to_px",
           "parse_length", "px_to_mm", "round_half_up"]

Unit = Literal["px", "mm"]
MM_PER_INCH = 25.4
POINTS_PER_INCH = 72.0
_LENGTH = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(px|mm)\s*$", re.IGNORECASE)
_NEGATIVE = re.compile(r"^\s*-\s*\d")
_EXPONENT = re.compile(r"^\s*[+-]?\d+(?:\.\d*)?e[+-]?\d+\s*(px|mm)?\s*$", re.IGNORECASE)


def round_half_up(value: float) -> int:
    """Round to the nearest integer, halves away from zero (``round()`` rounds halves to even)."""
    return math.floor(value + 0.5)


def mm_to_px(mm: float, dpi: float) -> float:
    """Millimetres to pixels at ``dpi`` (not rounded)."""
    return mm * dpi / MM_PER_INCH


def px_to_mm(px: float, dpi: float) -> float:
    """Pixels at ``dpi`` to millimetres."""
    return px * MM_PER_INCH / dpi


def mm_to_points(mm: float) -> float:
    """Millimetres to PostScript/PDF points (1/72 inch)."""
    return mm * POINTS_PER_INCH / MM_PER_INCH


@dataclass(frozen=True)
class Length:
    """A positive length in pixels or millimetres, like ``300px`` or ``40mm``."""

    value: float
    unit: Unit

    def __str__(self) -> str:
        return f"{self.value:g}{self.unit}"


def _not_a_length(text: str) -> str:
    """What is wrong with ``text``, which is not a length, and what to write."""
    if _NEGATIVE.match(text):
        return "is negative; write a positive length,"
    if _EXPONENT.match(text):
        return "has an exponent; write the number in digits, with a unit,"
    return "is not a number with a unit; write it"


def parse_length(text: str | Length, *, what: str = "width") -> Length:
    """Parse ``"300px"`` or ``"40mm"``; px must be whole. Raises :class:`UsageError`."""
    if isinstance(text, Length):
        return text
    match = _LENGTH.match(str(text))
    if not match:
        raise UsageError(f"{what} {text!r} {_not_a_length(str(text))} like '300px' or '40mm'.")
    value, unit = float(match.group(1)), match.group(2).lower()
    if unit == "px":
        if not value.is_integer():
            raise UsageError(f"{what} {text!r}: a width in px must be a whole number, like '300px'.")
        return Length(value, "px")
    return Length(value, "mm")
