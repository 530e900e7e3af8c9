"""The detector's results: where a mark sits (Pose), what was found (Detection), what was measured."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

__all__ = ["Detection", "PixelMeasurements", "Pose"]

Point = tuple[float, float]


@dataclass(frozen=True)
class Pose:
    """Where the artwork lies in an image: an affine placement of its rectangle.

    Image coordinates are continuous: pixel (i, j) covers [i, i+1) x [j, j+1).
    ``origin`` is the artwork's own top-left corner; ``x_axis`` runs along its top
    edge (full width) and ``y_axis`` down its left edge (full height).
    """

    origin: Point
    x_axis: Point
    y_axis: Point
    # The part of the artwork a hypothesis takes to be in view, as shares of its width and height
    # (u0, v0, u1, v1); None when all of it may be. The rest is taken to be hidden (a frame, a cover).
    shown: tuple[float, float, float, float] | None = None

    @property
    def corners(self) -> tuple[Point, Point, Point, Point]:
        """Top-left, top-right, bottom-right, bottom-left of the artwork as placed."""
        (ox, oy), (ax, ay), (bx, by) = self.origin, self.x_axis, self.y_axis
        return ((ox, oy), (ox + ax, oy + ay), (ox + ax + bx, oy + ay + by), (ox + bx, oy + by))

    def lies_within(self, size: tuple[int, int]) -> bool:
        """Whether all of the placed artwork lies inside an image of ``size`` (width, height)."""
        (x0, y0), (x1, y1), (x2, y2), (x3, y3) = self.corners
        return min(x0, x1, x2, x3) >= 0 and min(y0, y1, y2, y3) >= 0 and max(x0, x1, x2, x3) <= size[0] \
            and max(y0, y1, y2, y3) <= size[1]

    @property
    def width(self) -> float:
        return math.hypot(*self.x_axis)

    @property
    def height(self) -> float:
        return math.hypot(*self.y_axis)

    @property
    def centre(self) -> Point:
        (ox, oy), (ax, ay), (bx, by) = self.origin, self.x_axis, self.y_axis
        return (ox + (ax + bx) / 2, oy + (ay + by) / 2)

    @property
    def rotation_deg(self) -> float:
        """Angle of the top edge from horizontal, counter-clockwise as seen, in (-180, 180]; of a mirrored
        artwork, of its top edge read from its right end (an upright mirrored artwork is at 0)."""
        ax, ay = self.x_axis
        if self.mirrored:
            ax, ay = -ax, -ay
        angle = math.degrees(math.atan2(-ay, ax))
        return 180.0 if angle <= -180.0 else angle

    @property
    def mirrored(self) -> bool:
        """Whether the placement flips the artwork (its left edge runs down its right side as seen)."""
        (ax, ay), (bx, by) = self.x_axis, self.y_axis
        return ax * by - ay * bx < 0

    def mirror(self) -> Pose:
        """The same rectangle with the artwork flipped left to right within it."""
        (ox, oy), (ax, ay) = self.origin, self.x_axis
        shown = None if self.shown is None else (1.0 - self.shown[2], self.shown[1], 1.0 - self.shown[0],
                                                 self.shown[3])
        return Pose((ox + ax, oy + ay), (-ax, -ay), self.y_axis, shown)

    def matrix(self, width: int, height: int) -> NDArray[np.float64]:
        """2x3 matrix from pixel indices of a ``width`` x ``height`` canonical frame to image pixel indices."""
        (ox, oy), (ax, ay), (bx, by) = self.origin, self.x_axis, self.y_axis
        sx, sy = 1.0 / width, 1.0 / height
        return np.array([[ax * sx, bx * sy, ox + 0.5 * (ax * sx + bx * sy) - 0.5],
                         [ay * sx, by * sy, oy + 0.5 * (ay * sx + by * sy) - 0.5]])

    @classmethod
    def from_matrix(cls, matrix: NDArray[np.float64], width: int, height: int) -> Pose:
        """Inverse of :meth:`matrix`."""
        ax, ay = matrix[0, 0] * width, matrix[1, 0] * width
        bx, by = matrix[0, 1] * height, matrix[1, 1] * height
        ox = matrix[0, 2] + 0.5 - 0.5 * (matrix[0, 0] + matrix[0, 1])
        oy = matrix[1, 2] + 0.5 - 0.5 * (matrix[1, 0] + matrix[1, 1])
        return cls((float(ox), float(oy)), (float(ax), float(ay)), (float(bx), float(by)))

    def scaled(self, factor: float) -> Pose:
        """The same placement in an image scaled by ``factor``."""
        (ox, oy), (ax, ay), (bx, by) = self.origin, self.x_axis, self.y_axis
        return Pose((ox * factor, oy * factor), (ax * factor, ay * factor), (bx * factor, by * factor), self.shown)

    def moved(self, dx: float, dy: float) -> Pose:
        """The same placement moved by (``dx``, ``dy``)."""
        return Pose((self.origin[0] + dx, self.origin[1] + dy), self.x_axis, self.y_axis, self.shown)

    def share_of(self, point: Point) -> Point:
        """Where ``point`` (image px) lies along the artwork's width and height (0..1 on the artwork)."""
        (ox, oy), (ax, ay), (bx, by) = self.origin, self.x_axis, self.y_axis
        px, py = point[0] - ox, point[1] - oy
        return (px * ax + py * ay) / (ax * ax + ay * ay), (px * bx + py * by) / (bx * bx + by * by)

    def showing(self, corners: tuple[Point, ...]) -> Pose:
        """The same placement, with only the part of the artwork inside ``corners`` (image px) in view."""
        shares = [self.share_of(corner) for corner in corners]
        us, vs = [max(0.0, min(1.0, u)) for u, _ in shares], [max(0.0, min(1.0, v)) for _, v in shares]
        return Pose(self.origin, self.x_axis, self.y_axis, (min(us), min(vs), max(us), max(vs)))

    def visible_fraction(self, image_width: int, image_height: int) -> float:
        """Share of the artwork's rectangle inside the image."""
        import cv2

        quad = np.asarray(self.corners, np.float32)
        frame = np.array([[0, 0], [image_width, 0], [image_width, image_height], [0, image_height]], np.float32)
        area = abs(float(cv2.contourArea(quad)))
        if area <= 0:
            return 0.0
        inside, _ = cv2.intersectConvexConvex(quad, frame)
        return max(0.0, min(1.0, float(inside) / area))

    @property
    def hidden_share(self) -> float:
        """Share of the artwork outside ``shown`` (0 when all of it may be in view)."""
        if self.shown is None:
            return 0.0
        u0, v0, u1, v1 = self.shown
        return max(0.0, 1.0 - (u1 - u0) * (v1 - v0))

    @property
    def hidden_side(self) -> str | None:
        """The artwork's side (its own) outside ``shown``, if any: the one with most hidden."""
        if self.shown is None:
            return None
        u0, v0, u1, v1 = self.shown
        hidden = {"left": u0, "right": 1.0 - u1, "top": v0, "bottom": 1.0 - v1}
        side, share = max(hidden.items(), key=lambda item: item[1])
        return side if share > 0 else None

    def cut_side(self, image_width: int, image_height: int) -> str | None:
        """The side of the artwork (its own left/right/top/bottom) that lies mostly beyond the image, if any."""
        shares = (np.arange(16) + 0.5) / 16
        u, v = np.meshgrid(shares, shares)
        (ox, oy), (ax, ay), (bx, by) = self.origin, self.x_axis, self.y_axis
        x, y = ox + u * ax + v * bx, oy + u * ay + v * by
        beyond = (x < 0) | (y < 0) | (x > image_width) | (y > image_height)
        if not beyond.any():
            return None
        across, down = float(u[beyond].mean()) - 0.5, float(v[beyond].mean()) - 0.5
        if abs(across) >= abs(down):
            return "left" if across < 0 else "right"
        return "top" if down < 0 else "bottom"


@dataclass(frozen=True)
class PixelMeasurements:
    """Raw measurements of a registered mark; the scanner's rules turn them into findings."""

    palette_distance: float       # CIE76 delta E between the mark's colours and the best variant's palette
    best_variant: str | None      # variant with the smallest palette_distance (even if beyond tolerance)
    background_luminance: float   # WCAG relative luminance (median) of the clear-space ring outside the mark
    background_variation: float   # standard deviation of luminance in that ring
    background_kind: str          # "light" | "dark" | "photo" | "mid" by spec.backgrounds thresholds
    contrast_ratio: float         # WCAG contrast between the mark's outer colour and the background
    clear_space_required_px: float  # spec.clear_space_ratio * height_px
    clear_space_intrusion: float  # share (0..1) of the visible clear-space zone holding other content
    # deepest intrusion per side (left/right/top/bottom in the mark's frame; of a mirrored mark, left and right as
    # seen), px from the zone's outer edge inward
    clear_space_intrusion_px: dict[str, float]
    altered_difference: float     # share (0..1) of the artwork that differs from the approved artwork
    covered_fraction: float       # share of the artwork inside the image covered by other content (or hidden
    #                               beyond the visible part's outline: a frame smaller than it, a box over it)
    covered_side: str | None = None  # left/right/top/bottom (the artwork's own; mirrored, as seen): where most lies
    missing_part: float = 0.0     # largest share (0..1) of one element of the artwork (the monogram, the chevron,
    #                               the title...) showing the colour around it instead of its own (removed or
    #                               painted over)
    recoloured_part: float = 0.0  # largest share (0..1) of one element showing another of the artwork's colours
    #                               instead of its own (the chevron painted white, the title amber)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Detection:
    """A mark found in an image, with its placement and measurements (image pixels)."""

    corners: tuple[Point, ...]    # artwork's top-left, top-right, bottom-right, bottom-left as placed
    confidence: float             # 0..1; spec.scan.minimum_confidence is the cut
    variant: str | None           # approved variant whose palette fits, or None when none fits
    width_px: float               # length of the artwork's top edge as placed
    height_px: float              # length of its left edge as placed
    rotation_deg: float           # angle of the top edge from horizontal, counter-clockwise, (-180, 180]
    aspect_ratio_error: float     # (width_px / height_px) / artwork aspect - 1 (signed)
    visible_fraction: float       # share of the artwork's area inside the image
    measurements: PixelMeasurements
    cut_side: str | None = None   # the artwork's side (its own left/right/top/bottom; of a mirrored artwork, left
    #                               and right as seen) beyond the image, if any
    mirrored: bool = False        # the artwork is flipped (left to right; also upside down if rotated 180)

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        """Axis-aligned box (x0, y0, x1, y1) of the corners (may reach beyond the image)."""
        xs = [p[0] for p in self.corners]
        ys = [p[1] for p in self.corners]
        return (min(xs), min(ys), max(xs), max(ys))

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["corners"] = [list(p) for p in self.corners]
        return data
