"""Affine matrices and the page's view transform (PDF user space -> top-left points)."""

from __future__ import annotations

import math
from collections.abc import Sequence

__all__ = ["IDENTITY", "Matrix", "Point", "apply", "area", "bounds", "concat", "quad_measures", "view_matrix"]

Matrix = tuple[float, float, float, float, float, float]
Point = tuple[float, float]
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


def concat(first: Matrix, then: Matrix) -> Matrix:
    """The matrix applying ``first`` and then ``then`` (PDF row-vector convention)."""
    a, b, c, d, e, f = first
    A, B, C, D, E, F = then
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)


def apply(matrix: Matrix, point: Point) -> Point:
    """Transform one point."""
    a, b, c, d, e, f = matrix
    x, y = point
    return (a * x + c * y + e, b * x + d * y + f)


def view_matrix(box: Sequence[float], rotation: int) -> Matrix:
    """Map PDF user space to the page as a viewer shows it: points, origin top-left, y down.

    ``box`` is the crop box (x0, y0, x1, y1) and ``rotation`` the page's /Rotate
    (clockwise degrees, a multiple of 90).
    """
    x0, y0, x1, y1 = (float(v) for v in box)
    turn = rotation % 360
    if turn == 90:
        return (0.0, 1.0, 1.0, 0.0, -y0, -x0)
    if turn == 180:
        return (-1.0, 0.0, 0.0, 1.0, x1, -y0)
    if turn == 270:
        return (0.0, -1.0, -1.0, 0.0, y1, x1)
    return (1.0, 0.0, 0.0, -1.0, -x0, y1)


def bounds(points: Sequence[Point]) -> tuple[float, float, float, float]:
    """The axis-aligned box (x0, y0, x1, y1) around ``points``."""
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    return (min(xs), min(ys), max(xs), max(ys))


def area(box: Sequence[float]) -> float:
    """The area of a box (x0, y0, x1, y1); 0 for an empty or inverted one."""
    return max(0.0, box[2] - box[0]) * max(0.0, box[3] - box[1])


def quad_measures(corners: Sequence[Point]) -> tuple[float, float, float]:
    """Width (top edge), height (left edge) and rotation of a placed rectangle.

    ``corners`` are top-left, top-right, bottom-right, bottom-left in a y-down
    frame; the rotation is counter-clockwise positive as seen, in (-180, 180].
    """
    (tlx, tly), (trx, try_), _, (blx, bly) = corners[:4]
    width = math.hypot(trx - tlx, try_ - tly)
    height = math.hypot(blx - tlx, bly - tly)
    angle = math.degrees(math.atan2(-(try_ - tly), trx - tlx))
    if angle <= -180.0:
        angle += 360.0
    return width, height, angle
