"""Build the default kit's master artwork (assets/htq-mark-*.svg).

The mark is an original design for this project: a deep navy landscape badge,
a white square tile on the left carrying a bold ``HTQ`` monogram, an amber
chevron, and on the right the words "Higher Technical Qualification" and
"APPROVED QUALIFICATION". All text is converted to outlines here, so the SVG
renders identically with no fonts installed.

This script is only needed to change the artwork; the package ships its output.
It needs fontTools and the DejaVu Sans Bold font:

    python tools/build_artwork.py [--font /usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from fontTools.pens.svgPathPen import SVGPathPen
from fontTools.pens.transformPen import TransformPen
from fontTools.ttLib import TTFont

WIDTH, HEIGHT = 640.0, 200.0
CORNER = 28.0
TILE = (16.0, 16.0, 168.0)  # x, y, side
TILE_CORNER = 18.0
NAVY, WHITE, AMBER = "#0B2545", "#FFFFFF", "#FFB300"

ROOT = Path(__file__).resolve().parents[1]


def _rounded_rect(x: float, y: float, w: float, h: float, r: float, clockwise: bool = True) -> str:
    """A rounded rectangle as path data; direction matters only for readability."""
    if clockwise:
        return (
            f"M{x + r:g} {y:g}H{x + w - r:g}A{r:g} {r:g} 0 0 1 {x + w:g} {y + r:g}"
            f"V{y + h - r:g}A{r:g} {r:g} 0 0 1 {x + w - r:g} {y + h:g}"
            f"H{x + r:g}A{r:g} {r:g} 0 0 1 {x:g} {y + h - r:g}"
            f"V{y + r:g}A{r:g} {r:g} 0 0 1 {x + r:g} {y:g}Z"
        )
    return (
        f"M{x + r:g} {y:g}A{r:g} {r:g} 0 0 0 {x:g} {y + r:g}V{y + h - r:g}"
        f"A{r:g} {r:g} 0 0 0 {x + r:g} {y + h:g}H{x + w - r:g}"
        f"A{r:g} {r:g} 0 0 0 {x + w:g} {y + h - r:g}V{y + r:g}"
        f"A{r:g} {r:g} 0 0 0 {x + w - r:g} {y:g}Z"
    )


class _Text:
    """Lays out a line of text as outline path data from a TrueType font."""

    def __init__(self, font_path: Path) -> None:
        self.font = TTFont(str(font_path))
        self.glyphs = self.font.getGlyphSet()
        self.cmap = self.font.getBestCmap()
        self.units = self.font["head"].unitsPerEm
        self.hmtx = self.font["hmtx"]

    def advance(self, text: str, size: float, tracking: float = 0.0) -> float:
        scale = size / self.units
        return sum(self.hmtx[self.cmap[ord(c)]][0] * scale + tracking for c in text) - tracking

    def path(self, text: str, x: float, baseline: float, size: float, tracking: float = 0.0,
             stretch: float = 1.0) -> str:
        scale = size / self.units
        pen = SVGPathPen(self.glyphs, ntos=lambda v: f"{round(v, 2):g}")
        cursor = x
        for char in text:
            name = self.cmap[ord(char)]
            # Font units are y-up; SVG is y-down.
            transform = (scale * stretch, 0, 0, -scale, cursor, baseline)
            self.glyphs[name].draw(TransformPen(pen, transform))
            cursor += self.hmtx[name][0] * scale * stretch + tracking
        return pen.getCommands()


def _chevron() -> str:
    """The amber chevron pointing right, between the tile and the words."""
    x0, x1, top, mid, bottom, thick = 198.0, 236.0, 58.0, 100.0, 142.0, 17.0
    return (f"M{x0:g} {top:g}H{x0 + thick:g}L{x1:g} {mid:g}L{x0 + thick:g} {bottom:g}"
            f"H{x0:g}L{x1 - thick:g} {mid:g}Z")


def build_parts(font_path: Path) -> dict[str, str]:
    """Path data of each part of the mark, in viewBox units."""
    text = _Text(font_path)
    x_tile, y_tile, side = TILE
    monogram_size = 74.0
    stretch = 0.86
    mono_width = text.advance("HTQ", monogram_size, -3.0) * stretch
    mono_x = x_tile + (side - mono_width) / 2
    words_x = 252.0
    return {
        "badge": _rounded_rect(0, 0, WIDTH, HEIGHT, CORNER),
        "tile": _rounded_rect(x_tile, y_tile, side, side, TILE_CORNER),
        "monogram": text.path("HTQ", mono_x, y_tile + side / 2 + 27, monogram_size, -3.0, stretch),
        "chevron": _chevron(),
        "title": text.path("Higher Technical", words_x, 74, 38.0)
        + text.path("Qualification", words_x, 120, 38.0),
        "subtitle": text.path("APPROVED QUALIFICATION", words_x, 164, 21.0, 1.2),
    }


def _svg(body: str, title: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<svg xmlns="http://www.w3.org/2000/svg" version="1.1" viewBox="0 0 {WIDTH:g} {HEIGHT:g}" '
        f'width="{WIDTH:g}" height="{HEIGHT:g}">\n'
        f"<title>{title}</title>\n{body}</svg>\n"
    )


def colour_svg(parts: dict[str, str]) -> str:
    fills = {"badge": NAVY, "tile": WHITE, "monogram": NAVY, "chevron": AMBER,
             "title": WHITE, "subtitle": AMBER}
    body = "".join(f'<path id="{name}" fill="{fills[name]}" d="{parts[name]}"/>\n' for name in fills)
    return _svg(body, "Higher Technical Qualification quality mark (colour)")


def one_colour_svg(parts: dict[str, str], colour: str, label: str) -> str:
    # One compound path, even-odd: the tile, chevron and words are knocked out of the
    # badge and the monogram sits inside the tile, so the paper shows through.
    data = "".join(parts[name] for name in ("badge", "tile", "monogram", "chevron", "title", "subtitle"))
    body = f'<path id="mark" fill="{colour}" fill-rule="evenodd" d="{data}"/>\n'
    return _svg(body, f"Higher Technical Qualification quality mark ({label})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--font", type=Path,
                        default=Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"))
    parser.add_argument("--out", type=Path, default=ROOT / "assets")
    args = parser.parse_args()
    parts = build_parts(args.font)
    outputs = {
        "htq-mark-colour.svg": colour_svg(parts),
        "htq-mark-black.svg": one_colour_svg(parts, "#000000", "black"),
        "htq-mark-white.svg": one_colour_svg(parts, "#FFFFFF", "white"),
    }
    for name, svg in outputs.items():
        (args.out / name).write_text(svg, encoding="utf-8")
        print(f"wrote {args.out / name} ({len(svg)} bytes)")


if __name__ == "__main__":
    main()
