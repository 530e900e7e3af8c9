"""The guide's pictures: the mark used right, and each misuse, drawn by the library.

Every picture is composed with Pillow from the kit's own artwork, so official
artwork dropped into a kit gives a matching guide. The drawing helpers
(:func:`render_mark`, :func:`place_mark`, :func:`photo_background`) are meant to
be reused for other compositions, such as test images for the scanner.
"""

from __future__ import annotations

import contextlib
import dataclasses
import io
import itertools
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .._io import check_writable, write_atomic
from ..errors import HtqMarkError, UsageError
from ..kit import Kit, load_kit
from ._background import background_for
from ._canvas import Layout
from ._formats.png import render_png
from ._formats.svg import compose_svg
from ._units import round_half_up

if TYPE_CHECKING:
    from PIL import Image

__all__ = ["GUIDE_PICTURES", "GuidePicture", "build_guide_pictures", "photo_background", "place_mark",
           "recoloured_svg", "render_mark", "write_guide_pictures"]

SIZE = (480, 240)
MARK_WIDTH = 280
WHITE = (255, 255, 255)
PAPER = (246, 246, 242)
TEXT_GREY = (178, 182, 190)
RIGHT_GREEN = (30, 142, 62)
WRONG_RED = (198, 40, 40)


@dataclass(frozen=True)
class GuidePicture:
    """One picture of the guide: its file name, the scanner rule it shows, and a caption."""

    name: str
    rule: str | None
    right: bool
    caption: str

    @property
    def file_name(self) -> str:
        return f"{self.name}.png"


GUIDE_PICTURES: tuple[GuidePicture, ...] = (
    GuidePicture("right-colour-on-light", None, True,
                 "The full-colour mark on a white or light background, with its clear space."),
    GuidePicture("right-white-on-dark", None, True, "The white mark on a dark background."),
    GuidePicture("right-white-on-photo", None, True, "The white mark on a photograph."),
    GuidePicture("clear-space", None, True,
                 "The clear space: a quarter of the mark's height, kept empty on every side."),
    GuidePicture("wrong-too-small", "too-small", False, "Too small: narrower than the minimum width."),
    GuidePicture("wrong-stretched", "distorted", False, "Stretched or squashed: the proportions changed."),
    GuidePicture("wrong-rotated", "rotated", False, "Rotated: the mark is not upright."),
    GuidePicture("wrong-recoloured", "recoloured", False, "Recoloured: colours outside the palette."),
    GuidePicture("wrong-clear-space", "clear-space", False, "Crowded: other content inside the clear space."),
    GuidePicture("wrong-low-contrast", "low-contrast", False,
                 "Wrong background: a variant on a background it is not for, with too little contrast."),
    GuidePicture("wrong-low-resolution", "low-resolution", False,
                 "Low resolution: a small raster file enlarged until it is blurred or blocky."),
    GuidePicture("wrong-cropped", "cropped", False, "Cropped: part of the mark cut off or covered."),
    GuidePicture("wrong-altered", "altered-artwork", False,
                 "Altered artwork: parts moved, removed, redrawn or added."),
)


def recoloured_svg(svg: bytes, colours: Mapping[str, str]) -> bytes:
    """The SVG with each ``#RRGGBB`` in ``colours`` replaced (any letter case)."""
    text = svg.decode("utf-8")
    for old, new in colours.items():
        for spelling in {old, old.upper(), old.lower()}:
            text = text.replace(spelling, new)
    return text.encode("utf-8")


def render_mark(kit: Kit, variant: str, width: int, height: int | None = None, *,
                svg: bytes | None = None) -> Image.Image:
    """The mark as an RGBA image ``width`` px wide, transparent around it.

    ``height`` defaults to the artwork's proportions; another height stretches it.
    ``svg`` replaces the variant's artwork (e.g. a recoloured copy).
    """
    from PIL import Image

    artwork = kit.artwork_for(variant)
    if svg is not None:
        artwork = dataclasses.replace(artwork, svg=svg)
    tall = height if height is not None else max(1, round_half_up(width / kit.aspect_ratio))
    layout = Layout(basis="px", dpi=96.0, artwork_width_px=width, artwork_height_px=tall, margin_px=0,
                    artwork_width_mm=0.0, artwork_height_mm=0.0, margin_mm=0.0)
    png = render_png(compose_svg(artwork, layout, "px"), width, tall)
    with Image.open(io.BytesIO(png)) as decoded:
        return decoded.convert("RGBA")


def place_mark(canvas: Image.Image, mark: Image.Image, centre: tuple[float, float],
               rotation: float = 0.0) -> tuple[int, int, int, int]:
    """Paste ``mark`` centred at ``centre``, turned ``rotation`` degrees anticlockwise.

    Returns the pasted box ``(x0, y0, x1, y1)``; parts outside the canvas are cut off.
    """
    from PIL import Image

    if rotation:
        mark = mark.rotate(rotation, resample=Image.Resampling.BICUBIC, expand=True)
    left = round_half_up(centre[0] - mark.width / 2)
    top = round_half_up(centre[1] - mark.height / 2)
    canvas.alpha_composite(mark, dest=(max(0, left), max(0, top)),
                           source=(max(0, -left), max(0, -top)))
    return (left, top, left + mark.width, top + mark.height)


def photo_background(size: tuple[int, int] = SIZE) -> Image.Image:
    """A busy, darkish scene standing in for a photograph (deterministic)."""
    from PIL import Image, ImageDraw, ImageFilter

    width, height = size
    sky = Image.linear_gradient("L").resize(size)
    top, bottom = Image.new("RGBA", size, (24, 46, 92, 255)), Image.new("RGBA", size, (190, 120, 92, 255))
    scene = Image.composite(bottom, top, sky)
    draw = ImageDraw.Draw(scene)
    draw.ellipse((width * 0.62, height * 0.18, width * 0.78, height * 0.5), fill=(250, 214, 140, 255))
    for index, (shade, lift) in enumerate(((40, 0.55), (28, 0.68), (18, 0.8))):
        offset = index * width // 5
        points = [(x, height * lift + ((x * 7 + offset) % 53) - 26 + 18 * ((x // 60 + index) % 3))
                  for x in range(-20, width + 40, 30)]
        draw.polygon([*points, (width + 40, height), (-20, height)], fill=(shade, shade + 22, shade + 10, 255))
    for x in range(12, width, 37):
        tree = height * 0.82 + (x * 13) % 21
        draw.polygon([(x, tree - 34 - (x % 17)), (x - 9, tree), (x + 9, tree)], fill=(14, 34, 22, 255))
    return scene.filter(ImageFilter.GaussianBlur(1.2))


def _canvas(colour: tuple[int, int, int]) -> Image.Image:
    from PIL import Image

    return Image.new("RGBA", SIZE, (*colour, 255))


def _dashed_box(canvas: Image.Image, box: tuple[float, float, float, float],
                colour: tuple[int, int, int], dash: int = 6) -> None:
    from PIL import ImageDraw

    draw = ImageDraw.Draw(canvas)
    x0, y0, x1, y1 = (round_half_up(v) for v in box)
    for x in range(x0, x1, dash * 2):
        draw.line((x, y0, min(x + dash, x1), y0), fill=colour, width=2)
        draw.line((x, y1, min(x + dash, x1), y1), fill=colour, width=2)
    for y in range(y0, y1, dash * 2):
        draw.line((x0, y, x0, min(y + dash, y1)), fill=colour, width=2)
        draw.line((x1, y, x1, min(y + dash, y1)), fill=colour, width=2)


def _text_lines(canvas: Image.Image, box: tuple[int, int, int, int], colour: tuple[int, int, int]) -> None:
    """Grey bars standing in for a paragraph of text."""
    from PIL import ImageDraw

    draw = ImageDraw.Draw(canvas)
    x0, y0, x1, y1 = box
    for row, y in enumerate(range(y0, y1 - 8, 18)):
        end = x1 - (row * 37) % 60
        draw.rounded_rectangle((x0, y, end, y + 8), radius=4, fill=colour)


def _verdict(canvas: Image.Image, right: bool) -> None:
    """A green tick or a red cross in the top-right corner."""
    from PIL import ImageDraw

    draw = ImageDraw.Draw(canvas)
    cx, cy, radius = SIZE[0] - 28, 28, 17
    draw.ellipse((cx - radius, cy - radius, cx + radius, cy + radius),
                 fill=RIGHT_GREEN if right else WRONG_RED, outline=WHITE, width=2)
    if right:
        draw.line([(cx - 8, cy + 1), (cx - 2, cy + 7), (cx + 9, cy - 6)], fill=WHITE, width=4, joint="curve")
    else:
        draw.line((cx - 7, cy - 7, cx + 7, cy + 7), fill=WHITE, width=4)
        draw.line((cx - 7, cy + 7, cx + 7, cy - 7), fill=WHITE, width=4)


def _centre() -> tuple[float, float]:
    return (SIZE[0] / 2, SIZE[1] / 2)


def _light_variant(kit: Kit) -> str:
    light = kit.spec.variants_for("light")
    return light[0] if light else next(iter(kit.artwork))


def _dark_variant(kit: Kit) -> str:
    dark = kit.spec.variants_for("dark") or kit.spec.variants_for("photo")
    return dark[0] if dark else next(iter(kit.artwork))


def _richest_variant(kit: Kit) -> str:
    return max(kit.spec.variants.values(), key=lambda v: len(v.colours)).name


def _right_colour(kit: Kit) -> Image.Image:
    variant = _light_variant(kit)
    canvas = _canvas(background_for(kit, variant))
    place_mark(canvas, render_mark(kit, variant, MARK_WIDTH), _centre())
    return canvas


def _right_white_dark(kit: Kit) -> Image.Image:
    variant = _dark_variant(kit)
    canvas = _canvas(background_for(kit, variant))
    place_mark(canvas, render_mark(kit, variant, MARK_WIDTH), _centre())
    return canvas


def _right_white_photo(kit: Kit) -> Image.Image:
    variant = (kit.spec.variants_for("photo") or (_dark_variant(kit),))[0]
    canvas = photo_background()
    place_mark(canvas, render_mark(kit, variant, MARK_WIDTH), _centre())
    return canvas


def _clear_space(kit: Kit, crowded: bool) -> Image.Image:
    from PIL import Image, ImageDraw

    variant = _light_variant(kit)
    canvas = _canvas(PAPER)
    mark = render_mark(kit, variant, 240)
    margin = kit.spec.clear_space_ratio * mark.height
    cx, cy = _centre()
    zone = (cx - mark.width / 2 - margin, cy - mark.height / 2 - margin,
            cx + mark.width / 2 + margin, cy + mark.height / 2 + margin)
    if crowded:
        _text_lines(canvas, (24, 24, SIZE[0] - 24, round_half_up(zone[1] + margin * 0.8)), TEXT_GREY)
        ImageDraw.Draw(canvas).rectangle((round_half_up(zone[2] - margin * 0.7), round_half_up(cy - 30),
                                          SIZE[0] - 24, round_half_up(cy + 30)), fill=(96, 150, 190))
    else:
        shade = Image.new("RGBA", SIZE, (0, 0, 0, 0))
        ImageDraw.Draw(shade).rectangle(tuple(round_half_up(v) for v in zone), fill=(255, 179, 0, 60))
        canvas.alpha_composite(shade)
    place_mark(canvas, mark, (cx, cy))
    _dashed_box(canvas, zone, WRONG_RED if crowded else (60, 60, 60))
    return canvas


def _too_small(kit: Kit) -> Image.Image:
    variant = _light_variant(kit)
    canvas = _canvas(PAPER)
    _text_lines(canvas, (24, 60, 300, 216), TEXT_GREY)
    place_mark(canvas, render_mark(kit, variant, 44), (380, 196))
    return canvas


def _stretched(kit: Kit) -> Image.Image:
    variant = _light_variant(kit)
    canvas = _canvas(background_for(kit, variant))
    natural = round_half_up(MARK_WIDTH / kit.aspect_ratio)
    place_mark(canvas, render_mark(kit, variant, MARK_WIDTH + 90, round_half_up(natural * 0.8)), _centre())
    return canvas


def _rotated(kit: Kit) -> Image.Image:
    variant = _light_variant(kit)
    canvas = _canvas(background_for(kit, variant))
    place_mark(canvas, render_mark(kit, variant, MARK_WIDTH - 20), _centre(), rotation=12)
    return canvas


def _recoloured(kit: Kit) -> Image.Image:
    variant = _richest_variant(kit)
    # Rotating each colour's channels gives different hues for every palette colour but greys.
    swaps = {colour.srgb: "#{2:02X}{0:02X}{1:02X}".format(*colour.rgb)
             for colour in kit.spec.variant(variant).colours}
    svg = recoloured_svg(kit.artwork_for(variant).svg, swaps)
    canvas = _canvas(background_for(kit, variant))
    place_mark(canvas, render_mark(kit, variant, MARK_WIDTH, svg=svg), _centre())
    return canvas


def _low_contrast(kit: Kit) -> Image.Image:
    light = kit.spec.variants_for("light")
    variant = light[-1] if light else next(iter(kit.artwork))
    canvas = _canvas((40, 44, 56))
    place_mark(canvas, render_mark(kit, variant, MARK_WIDTH), _centre())
    return canvas


def _low_resolution(kit: Kit) -> Image.Image:
    from PIL import Image

    variant = _light_variant(kit)
    canvas = _canvas(background_for(kit, variant))
    small = render_mark(kit, variant, 48)
    blocky = small.resize((MARK_WIDTH, round_half_up(MARK_WIDTH * small.height / small.width)),
                          Image.Resampling.NEAREST)
    place_mark(canvas, blocky, _centre())
    return canvas


def _cropped(kit: Kit) -> Image.Image:
    variant = _light_variant(kit)
    canvas = _canvas(background_for(kit, variant))
    place_mark(canvas, render_mark(kit, variant, MARK_WIDTH), (SIZE[0] - MARK_WIDTH * 0.3, SIZE[1] / 2))
    return canvas


def _altered(kit: Kit) -> Image.Image:
    from PIL import Image

    variant = _richest_variant(kit)
    mark = render_mark(kit, variant, MARK_WIDTH)
    cut = round_half_up(mark.width * 0.3)
    swapped = Image.new("RGBA", mark.size, (0, 0, 0, 0))
    swapped.alpha_composite(mark.crop((cut, 0, mark.width, mark.height)), dest=(0, 0))
    swapped.alpha_composite(mark.crop((0, 0, cut, mark.height)), dest=(mark.width - cut, 0))
    canvas = _canvas(background_for(kit, variant))
    place_mark(canvas, swapped, _centre())
    return canvas


_BUILDERS: Mapping[str, Callable[[Kit], Image.Image]] = {
    "right-colour-on-light": _right_colour,
    "right-white-on-dark": _right_white_dark,
    "right-white-on-photo": _right_white_photo,
    "clear-space": lambda kit: _clear_space(kit, crowded=False),
    "wrong-too-small": _too_small,
    "wrong-stretched": _stretched,
    "wrong-rotated": _rotated,
    "wrong-recoloured": _recoloured,
    "wrong-clear-space": lambda kit: _clear_space(kit, crowded=True),
    "wrong-low-contrast": _low_contrast,
    "wrong-low-resolution": _low_resolution,
    "wrong-cropped": _cropped,
    "wrong-altered": _altered,
}


def build_guide_pictures(kit: Kit | None = None) -> dict[str, bytes]:
    """Every guide picture as PNG bytes, by file name. The same kit gives the same bytes."""
    chosen = kit if kit is not None else load_kit()
    pictures = {}
    for picture in GUIDE_PICTURES:
        image = _BUILDERS[picture.name](chosen)
        _verdict(image, picture.right)
        out = io.BytesIO()
        image.convert("RGB").save(out, format="PNG", optimize=True)
        pictures[picture.file_name] = out.getvalue()
    return pictures


def write_guide_pictures(directory: str | os.PathLike[str], *, kit: Kit | None = None,
                         force: bool = False) -> list[Path]:
    """Write the guide pictures into ``directory`` (created if missing); existing files need ``force``.

    If a picture cannot be written, those written new before it are removed again, and the
    folders this made; pictures replaced (with ``force``) before it stay replaced.
    """
    if isinstance(directory, (str, os.PathLike)) and os.fspath(directory) == "":
        raise UsageError("the guide pictures need a folder to go in, not an empty name (an unset variable?); "
                         "name one, or . for the current folder.")
    folder = Path(directory)
    if folder.exists() and not folder.is_dir():
        raise HtqMarkError(f"{folder}: is a file; give a folder for the guide pictures.")
    pictures = build_guide_pictures(kit)
    made = list(itertools.takewhile(lambda path: not path.exists(), [folder, *folder.parents]))  # deepest first
    if made:
        try:
            folder.mkdir(parents=True)
        except OSError as exc:
            raise HtqMarkError(f"{folder}: the folder cannot be created ({exc.strerror}).") from exc
    else:
        for name in pictures:
            check_writable(folder / name, force=force)
    written: list[Path] = []
    new: list[Path] = []
    try:
        for name, data in pictures.items():
            existed = (folder / name).exists()
            written.append(write_atomic(folder / name, data, force=force))
            if not existed:
                new.append(written[-1])
    except BaseException:  # an error, or the user stopping it: the new pictures go again
        for path in new:
            path.unlink(missing_ok=True)
        for path in made:
            with contextlib.suppress(OSError):
                path.rmdir()
        raise
    return written
