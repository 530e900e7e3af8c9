"""Canvas geometry: the artwork's size and its clear-space margin, in px and mm.

Pixel sizes are whole numbers, fixed by one rule (halves round up):

* the artwork's width is exactly the width asked for;
* its height is ``round(width / aspect_ratio)``;
* the margin on every side is ``round(clear_space_ratio * height)`` (0 without clear space);
* the canvas is the artwork plus the margin on every side.

A *millimetre* layout keeps the mm exact (vector output) and reports the pixels
the same rule gives at the resolution; a *pixel* layout keeps the pixels exact
(raster output) and reports the mm they measure at the resolution.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ._units import Unit, mm_to_px, px_to_mm, round_half_up

__all__ = ["Layout", "millimetre_layout", "pixel_layout"]


@dataclass(frozen=True)
class Layout:
    """Where the artwork sits on its canvas; ``basis`` says which unit is exact."""

    basis: Unit
    dpi: float
    artwork_width_px: int
    artwork_height_px: int
    margin_px: int
    artwork_width_mm: float
    artwork_height_mm: float
    margin_mm: float

    @property
    def canvas_width_px(self) -> int:
        return self.artwork_width_px + 2 * self.margin_px

    @property
    def canvas_height_px(self) -> int:
        return self.artwork_height_px + 2 * self.margin_px

    @property
    def canvas_width_mm(self) -> float:
        return self.artwork_width_mm + 2 * self.margin_mm

    @property
    def canvas_height_mm(self) -> float:
        return self.artwork_height_mm + 2 * self.margin_mm

    def to_dict(self) -> dict[str, Any]:
        """The sizes, with mm rounded to 0.001 mm for reports."""
        return {
            "basis": self.basis,
            "dpi": int(self.dpi) if float(self.dpi).is_integer() else self.dpi,
            "artwork_width_px": self.artwork_width_px,
            "artwork_height_px": self.artwork_height_px,
            "margin_px": self.margin_px,
            "canvas_width_px": self.canvas_width_px,
            "canvas_height_px": self.canvas_height_px,
            "artwork_width_mm": round(self.artwork_width_mm, 3),
            "artwork_height_mm": round(self.artwork_height_mm, 3),
            "margin_mm": round(self.margin_mm, 3),
            "canvas_width_mm": round(self.canvas_width_mm, 3),
            "canvas_height_mm": round(self.canvas_height_mm, 3),
        }


def _pixels(width_px: int, aspect_ratio: float, ratio: float) -> tuple[int, int, int]:
    height = max(1, round_half_up(width_px / aspect_ratio))
    return width_px, height, round_half_up(ratio * height)


def pixel_layout(width_px: int, *, aspect_ratio: float, clear_space_ratio: float, dpi: float) -> Layout:
    """A layout with exact whole pixels; ``clear_space_ratio`` 0 means no clear space."""
    width, height, margin = _pixels(width_px, aspect_ratio, clear_space_ratio)
    return Layout(basis="px", dpi=dpi, artwork_width_px=width, artwork_height_px=height,
                  margin_px=margin, artwork_width_mm=px_to_mm(width, dpi),
                  artwork_height_mm=px_to_mm(height, dpi), margin_mm=px_to_mm(margin, dpi))


def millimetre_layout(width_mm: float, *, aspect_ratio: float, clear_space_ratio: float,
                      dpi: float) -> Layout:
    """A layout with exact millimetres; the pixels follow the pixel rule at ``dpi``."""
    height_mm = width_mm / aspect_ratio
    width, height, margin = _pixels(max(1, round_half_up(mm_to_px(width_mm, dpi))), aspect_ratio,
                                    clear_space_ratio)
    return Layout(basis="mm", dpi=dpi, artwork_width_px=width, artwork_height_px=height,
                  margin_px=margin, artwork_width_mm=width_mm, artwork_height_mm=height_mm,
                  margin_mm=clear_space_ratio * height_mm)
