"""Make the example documents in this folder with htq-mark's own generator.

    python examples/make_examples.py [--out DIR]

Writes brochure.pdf (two A4 pages), social-post.png and web-banner.jpg. The
marks come from ``htq_mark.generate`` (SVG, placed into drawn pages); pages are
drawn with cairosvg. The output is the same on every run.
"""

from __future__ import annotations

import argparse
import base64
import io
import re
import sys
from pathlib import Path

import htq_mark
from htq_mark._io import write_atomic
from htq_mark.register import EXAMPLE_ENTITLED_ID, EXAMPLE_WITHDRAWN_ID

MM = 72 / 25.4  # points per millimetre
A4 = (595.28, 841.89)
FONT = "DejaVu Sans, Arial, sans-serif"


def placed_mark(variant: str, x: float, y: float, width: float, *, clear_space: bool = False,
                stretch: float = 1.0, rotate: float = 0.0) -> str:
    """The generator's SVG for ``variant``, placed at (x, y) and ``width`` wide (page units).

    With ``clear_space`` the asset includes its clear space, so ``width`` covers it too.
    ``stretch`` > 1 makes it wider than its proportions; ``rotate`` turns it anticlockwise.
    """
    asset = htq_mark.generate(variant=variant, format="svg", width="40mm", clear_space=clear_space)
    svg = asset.data.decode("utf-8")
    svg = svg[svg.index("<svg"):]
    ratio = asset.canvas_width_mm / asset.canvas_height_mm
    height = width / ratio / stretch
    svg = re.sub(r'width="[^"]*" height="[^"]*"',
                 f'x="0" y="0" width="{width:.2f}" height="{height:.2f}" preserveAspectRatio="none"',
                 svg, count=1)
    return f'<g transform="translate({x:.2f} {y:.2f}) rotate({-rotate:.2f})">{svg}</g>'


def raster_mark(variant: str, x: float, y: float, width: float, pixels: int) -> str:
    """The generator's PNG (``pixels`` wide) placed ``width`` wide: a raster mark in print."""
    asset = htq_mark.generate(variant=variant, format="png", width=f"{pixels}px", clear_space=False)
    ratio = asset.width_px / asset.height_px
    uri = "data:image/png;base64," + base64.b64encode(asset.data).decode("ascii")
    return (f'<image x="{x:.2f}" y="{y:.2f}" width="{width:.2f}" height="{width / ratio:.2f}" '
            f'xlink:href="{uri}"/>')


def text(x: float, y: float, words: str, size: float = 11, weight: str = "normal", fill: str = "#1A1A1A") -> str:
    return (f'<text x="{x:.2f}" y="{y:.2f}" font-family="{FONT}" font-size="{size}" font-weight="{weight}" '
            f'fill="{fill}">{words}</text>')


def page(body: str, size: tuple[float, float], unit: str = "pt", background: str = "#FFFFFF") -> bytes:
    width, height = size
    return (f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
            f'width="{width}{unit}" height="{height}{unit}" viewBox="0 0 {width} {height}">'
            f'<rect width="{width}" height="{height}" fill="{background}"/>{body}</svg>').encode()


def brochure_pages() -> list[bytes]:
    left = 20 * MM
    first = "".join([
        text(left, 30 * MM, "Example College", 26, "bold", "#0B2545"),
        text(left, 40 * MM, "Higher Technical Qualifications for 2027", 14),
        # Compliant: 40 mm of artwork with its clear space (3.125 mm each side) built in.
        placed_mark("colour", left - 3.125 * MM, 52 * MM, 46.25 * MM, clear_space=True),
        text(left, 90 * MM, f"HNC in Digital Technologies (QN {EXAMPLE_ENTITLED_ID})", 12, "bold"),
        text(left, 97 * MM, "One year full time. Approved as a Higher Technical Qualification.", 11),
        text(left, 104 * MM, "Taught with local employers; apply by 30 June.", 11),
    ])
    second = "".join([
        text(left, 30 * MM, "More courses", 22, "bold", "#0B2545"),
        # Too small: 15 mm wide, below the 25 mm minimum.
        placed_mark("colour", left, 40 * MM, 15 * MM),
        text(left, 58 * MM, f"HTQ Diploma in Construction (QN {EXAMPLE_WITHDRAWN_ID})", 12, "bold"),
        text(left, 65 * MM, "Our Higher Technical Qualification for site managers.", 11),
        # Wrong variant: the full-colour mark on a dark panel (the white one belongs there).
        f'<rect x="0" y="{80 * MM:.2f}" width="{A4[0]}" height="{60 * MM:.2f}" fill="#7A1F3D"/>',
        placed_mark("colour", left, 95 * MM, 50 * MM),
        text(left + 60 * MM, 108 * MM, "Study close to home", 16, "bold", "#FFFFFF"),
        # A raster mark printed at low resolution: 240 px over 50 mm is 122 ppi.
        raster_mark("colour", left, 160 * MM, 50 * MM, 240),
        text(left + 60 * MM, 170 * MM, "Open evening: 12 March", 12),
    ])
    return [page(first, A4), page(second, A4)]


def brochure_pdf() -> bytes:
    import cairosvg
    import pypdf

    writer = pypdf.PdfWriter()
    for svg in brochure_pages():
        writer.append(pypdf.PdfReader(io.BytesIO(cairosvg.svg2pdf(bytestring=svg))))
    writer._info = writer._add_object(pypdf.generic.DictionaryObject({  # no creation date: same bytes every run
        pypdf.generic.NameObject("/Title"): pypdf.generic.TextStringObject("Example College brochure"),
        pypdf.generic.NameObject("/Producer"): pypdf.generic.TextStringObject("htq-mark examples")}))
    writer._ID = pypdf.generic.ArrayObject([pypdf.generic.ByteStringObject(b"htq-mark-example"),
                                            pypdf.generic.ByteStringObject(b"htq-mark-example")])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _raster(svg: bytes) -> bytes:
    import cairosvg

    return cairosvg.svg2png(bytestring=svg)


def social_post_png() -> bytes:
    """1080 x 1080: a dark gradient with a white mark, rotated and stretched."""
    from PIL import Image

    size = (1080, 1080)
    body = "".join([
        ('<defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1">'
         '<stop offset="0" stop-color="#0B2545"/><stop offset="1" stop-color="#13315C"/></linearGradient></defs>'),
        f'<rect width="{size[0]}" height="{size[1]}" fill="url(#g)"/>',
        text(90, 200, "Start your HTQ this autumn", 60, "bold", "#FFFFFF"),
        text(90, 280, "Digital, construction, health and engineering", 34, "normal", "#DDE6F0"),
        # Misuse: turned 8 degrees and stretched 30% wider.
        placed_mark("white", 120, 560, 640, stretch=1.3, rotate=8),
    ])
    image = Image.open(io.BytesIO(_raster(page(body, size, "px")))).convert("RGB")
    out = io.BytesIO()
    image.quantize(colors=64, dither=Image.Dither.NONE).save(out, "PNG", optimize=True)
    return out.getvalue()


def web_banner_jpeg() -> bytes:
    """1200 x 300: a compliant mark on the left, a small crowded one on the right."""
    from PIL import Image

    size = (1200, 300)
    body = "".join([
        placed_mark("colour", 20, 40, 370, clear_space=True),  # 320 px artwork with its clear space
        text(420, 120, "Higher Technical Qualifications", 34, "bold", "#0B2545"),
        text(420, 165, f"HNC in Digital Technologies (QN {EXAMPLE_ENTITLED_ID})", 20),
        # Misuse: 110 px wide (the minimum is 150 px) with words pressed against its right side.
        placed_mark("colour", 960, 200, 110),
        text(1073, 222, "Apply now", 16, "bold", "#0B2545"),
    ])
    image = Image.open(io.BytesIO(_raster(page(body, size, "px")))).convert("RGB")
    out = io.BytesIO()
    image.save(out, "JPEG", quality=88, optimize=True)
    return out.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent)
    args = parser.parse_args(argv)
    files = {"brochure.pdf": brochure_pdf(), "social-post.png": social_post_png(),
             "web-banner.jpg": web_banner_jpeg()}
    for name, data in files.items():
        write_atomic(args.out / name, data, force=True)
        print(f"{args.out / name}: {len(data):,} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
