"""An icon font whose one picture, at U+E000 (Unicode's Private Use Area), is the mark's black artwork."""

from __future__ import annotations

import io
import re

from htq_mark.kit import Kit

ICON = "\ue000"
_SAMPLES = 8  # points per curve when contours are flattened to find which lies inside which


def _contours(path: str) -> list[list[tuple[str, tuple[tuple[float, float], ...]]]]:
    """The SVG path data as recorded contours, in font units (y up, the artwork's baseline at 0)."""
    from fontTools.pens.recordingPen import RecordingPen
    from fontTools.pens.transformPen import TransformPen
    from fontTools.svgLib.path import parse_path

    recorded = RecordingPen()
    parse_path(path, TransformPen(recorded, (1, 0, 0, -1, 0, 200)))
    contours: list[list[tuple[str, tuple[tuple[float, float], ...]]]] = []
    for operator, points in recorded.value:
        if operator == "moveTo":
            contours.append([])
        contours[-1].append((operator, tuple(points)))
    return contours


def _polygon(contour: list[tuple[str, tuple[tuple[float, float], ...]]]) -> list[tuple[float, float]]:
    """The contour flattened (each cubic sampled) to a polygon."""
    polygon: list[tuple[float, float]] = []
    for operator, points in contour:
        if operator in ("moveTo", "lineTo"):
            polygon.append(points[0])
        elif operator == "curveTo":
            (x0, y0), ((x1, y1), (x2, y2), (x3, y3)) = polygon[-1], points
            for step in range(1, _SAMPLES + 1):
                t = step / _SAMPLES
                a, b, c, d = (1 - t) ** 3, 3 * t * (1 - t) ** 2, 3 * t * t * (1 - t), t ** 3
                polygon.append((a * x0 + b * x1 + c * x2 + d * x3, a * y0 + b * y1 + c * y2 + d * y3))
        elif operator == "qCurveTo":
            polygon.extend(points)
    return polygon


def _area(polygon: list[tuple[float, float]]) -> float:
    return sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(polygon, polygon[1:] + polygon[:1])) / 2


def _inside(point: tuple[float, float], polygon: list[tuple[float, float]]) -> bool:
    x, y = point
    crossings = 0
    for (x0, y0), (x1, y1) in zip(polygon, polygon[1:] + polygon[:1]):
        if (y0 > y) != (y1 > y) and x < x0 + (y - y0) * (x1 - x0) / (y1 - y0):
            crossings += 1
    return crossings % 2 == 1


def mark_icon_font(kit: Kit) -> bytes:
    """A TrueType font drawing the kit's black artwork as glyph ``mark`` at U+E000 (640 x 200 units).

    The artwork's path fills even-odd; a font fills non-zero, so each contour is turned to
    run one way if it lies inside an even number of others (a shape) and the other way if odd (a hole).
    """
    from fontTools.fontBuilder import FontBuilder
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.recordingPen import replayRecording
    from fontTools.pens.reverseContourPen import ReverseContourPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen

    svg = kit.artwork["black"].svg.decode()
    match = re.search(r'<path[^>]*\sd="([^"]+)"', svg)
    assert match is not None, "the black artwork is one path"
    contours = _contours(match.group(1))
    polygons = [_polygon(contour) for contour in contours]
    glyph_pen = TTGlyphPen(None)
    quadratic = Cu2QuPen(glyph_pen, max_err=0.5, reverse_direction=False)
    for contour, polygon in zip(contours, polygons):
        depth = sum(_inside(polygon[0], other) for other in polygons if other is not polygon)
        clockwise = _area(polygon) < 0
        wanted_clockwise = depth % 2 == 0  # TrueType: shapes run clockwise, holes the other way
        target = quadratic if clockwise == wanted_clockwise else ReverseContourPen(quadratic)
        replayRecording(contour, target)
    builder = FontBuilder(1000, isTTF=True)
    builder.setupGlyphOrder([".notdef", "space", "mark"])
    builder.setupCharacterMap({0x20: "space", ord(ICON): "mark"})
    empty = TTGlyphPen(None).glyph()
    builder.setupGlyf({".notdef": empty, "space": empty, "mark": glyph_pen.glyph()})
    builder.setupHorizontalMetrics({".notdef": (500, 0), "space": (250, 0), "mark": (640, 0)})
    builder.setupHorizontalHeader(ascent=800, descent=-200)
    builder.setupNameTable({"familyName": "HtqIcons", "styleName": "Regular"})
    builder.setupOS2(sTypoAscender=800, sTypoDescender=-200, usWinAscent=800, usWinDescent=200, fsType=0)
    builder.setupPost()
    out = io.BytesIO()
    builder.save(out)
    return out.getvalue()
