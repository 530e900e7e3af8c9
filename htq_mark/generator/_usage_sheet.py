"""The pack's usage sheet (``index.html``): each variant on its background, with the rules.

The page is self-contained (inline CSS, images from the pack itself) and every
piece of text from the kit or the command line is HTML-escaped.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import TYPE_CHECKING

from .._version import __version__
from ..kit import Kit
from ._background import background_for
from ._guide import GUIDE_PICTURES

if TYPE_CHECKING:
    from ._pack import PackedFile

__all__ = ["usage_sheet"]

_STYLE = """
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 60rem; padding: 0 1rem;
       color: #1b1b1b; line-height: 1.45; }
h1 { font-size: 1.6rem; } h2 { margin-top: 2rem; }
.variant { display: flex; gap: 1.5rem; align-items: center; margin: 1rem 0; flex-wrap: wrap; }
.swatch { padding: 1.5rem; border: 1px solid #ccc; border-radius: 6px; }
.about { flex: 1 1 18rem; }
.swatch img { display: block; width: 300px; height: auto; }
ul.files { columns: 2; font-size: 0.9rem; }
code { background: #f2f2f2; padding: 0 0.2em; }
"""


def _hex(rgb: tuple[int, int, int]) -> str:
    return "#{:02X}{:02X}{:02X}".format(*rgb)


def _preview(files: Sequence[PackedFile], variant: str) -> PackedFile | None:
    svgs = [f for f in files if f.asset.variant == variant and f.asset.format == "svg"]
    preferred = [f for f in svgs if f.preset == "web"] or svgs
    return preferred[0] if preferred else None


def usage_sheet(kit: Kit, files: Sequence[PackedFile], *, qualification: str | None = None) -> bytes:
    """The usage sheet as UTF-8 HTML bytes."""
    spec = kit.spec
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en-GB">',
        '<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>HTQ quality mark: usage sheet</title><style>{_STYLE}</style></head>",
        "<body>",
        "<h1>HTQ quality mark: usage sheet</h1>",
        (f"<p>Kit <strong>{escape(kit.name)}</strong> version {escape(kit.version)}; "
        f"made by htq-mark {escape(__version__)}.</p>"),
    ]
    if qualification:
        parts.append(f"<p>Every file carries qualification <strong>{escape(qualification)}</strong>, "
                     "checked against the register of approved HTQs.</p>")
    parts.append("<h2>Variants</h2>")
    for name, variant in spec.variants.items():
        preview = _preview(files, name)
        background = _hex(background_for(kit, name))
        parts.append('<section class="variant">')
        if preview is not None:
            parts.append(f'<div class="swatch" style="background: {escape(background)}">'
                         f'<img src="{escape(preview.path)}" alt="{escape(variant.label)}"></div>')
        parts.append(f'<div class="about"><h3>{escape(variant.label)} (<code>{escape(name)}</code>)</h3>'
                     f"<p>{escape(variant.use)}</p>"
                     f"<p>For {escape(', '.join(variant.backgrounds))} backgrounds. Colours: "
                     + ", ".join(f"{escape(c.name)} {escape(c.srgb)} (CMYK "
                                 f"{escape(' '.join(f'{v:g}' for v in c.cmyk))})" for c in variant.colours)
                     + ".</p></div></section>")
    parts += [
        "<h2>Rules</h2>",
        "<ul>",
        (f"<li>Never narrower than {spec.minimum_width_mm:g} mm in print or {spec.minimum_width_px} px "
        "on screen (the artwork itself, without its clear space).</li>"),
        (f"<li>Keep clear space of {spec.clear_space_ratio:g} &times; the mark's height empty on every side; "
        "the files here include it.</li>"),
        (f"<li>Keep its proportions (within {spec.aspect_ratio_tolerance * 100:g}%) and keep it upright "
        f"(within {spec.rotation_tolerance_deg:g}&deg;).</li>"),
        (f"<li>Raster files in print: {spec.recommended_ppi} ppi recommended, {spec.minimum_ppi} ppi "
        "at the least.</li>"),
        "<li>Use the variant meant for the background, and only for a qualification entitled to the mark.</li>",
        "</ul>",
        "<h3>Do not</h3>",
        "<ul>",
        *(f"<li>{escape(picture.caption)}</li>" for picture in GUIDE_PICTURES if not picture.right),
        "</ul>",
        "<h2>Files</h2>",
        '<ul class="files">',
        *(f'<li><a href="{escape(f.path)}">{escape(f.path)}</a></li>' for f in files),
        "</ul>",
        "<p>Sizes, checksums and resolutions of every file are in <code>manifest.json</code>.</p>",
        "</body>",
        "</html>",
        "",
    ]
    return "\n".join(parts).encode("utf-8")
