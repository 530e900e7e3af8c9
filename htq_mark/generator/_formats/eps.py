"""EPS output: cairo's vector EPS with a canvas-sized bounding box and our DSC comments.

cairo sets the bounding box to the ink, which would drop the clear space, and
stamps the time; both are rewritten. cairo flips the page about a whole number
of points (the height rounded up), so the canvas sits at the top of that box.
"""

from __future__ import annotations

import math
import re

from ...errors import KitError
from ...kit import render_svg
from ...kit._render import temporary_file_advice
from .._metadata import AssetMetadata
from .cmyk import CmykPalette, replace_colour_operators

__all__ = ["render_eps"]

_FLIP = re.compile(rb"^1 0 0 -1 0 ([\d.]+) cm", re.MULTILINE)
_HEADER_DROPPED = (b"%%Creator:", b"%%CreationDate:", b"%%BoundingBox:", b"%%HiResBoundingBox:",
                   b"%%Title:", b"%%For:")
_RGB_DEFINITION = b"/rg { setrgbcolor } bind def\n"


def _dsc_text(value: str) -> str:
    """DSC comment values are one line of printable ASCII."""
    return "".join(c if 32 <= ord(c) < 127 else "?" for c in value)


def _header(metadata: AssetMetadata, box: tuple[float, float, float, float]) -> list[bytes]:
    x0, y0, x1, y1 = box
    lines = [
        f"%%Title: {_dsc_text(metadata.title)}",
        f"%%Creator: {_dsc_text(metadata.tool)}",
    ]
    if metadata.created is not None:
        lines.append(f"%%CreationDate: {metadata.created.strftime('%Y-%m-%dT%H:%M:%SZ')}")
    lines += [
        f"%%BoundingBox: {math.floor(x0)} {math.floor(y0)} {math.ceil(x1)} {math.ceil(y1)}",
        f"%%HiResBoundingBox: {x0:.6f} {y0:.6f} {x1:.6f} {y1:.6f}",
    ]
    lines += [f"%%HTQMark-{key}: {_dsc_text(value)}" for key, value in metadata.to_dict().items()
              if key not in ("title", "tool", "created")]
    return [line.encode("ascii") for line in lines]


def render_eps(svg: bytes, *, width_pt: float, height_pt: float, metadata: AssetMetadata,
               palette: CmykPalette | None = None) -> bytes:
    """A vector EPS of an mm-sized canvas SVG whose bounding box is the whole canvas."""
    drawn = render_svg(svg, to="eps")
    head, separator, body = drawn.partition(b"%%EndComments\n")
    flip = _FLIP.search(body)
    if not separator or flip is None:
        # cairo says nothing when it cannot write the temporary file it keeps the page in.
        raise KitError(f"the renderer's EPS has an unexpected layout: if cairo's temporary file was cut short, "
                       f"{temporary_file_advice()}; if not, check the cairo version.")
    top = float(flip.group(1))
    box = (0.0, top - height_pt, width_pt, top)
    kept = [line for line in head.split(b"\n") if line and not line.startswith(_HEADER_DROPPED)]
    header = b"\n".join([kept[0], *_header(metadata, box), *kept[1:]]) + b"\n"
    page_box = f"%%PageBoundingBox: {math.floor(box[0])} {math.floor(box[1])} " \
               f"{math.ceil(box[2])} {math.ceil(box[3])}".encode("ascii")
    body = re.sub(rb"^%%PageBoundingBox:.*$", page_box, body, flags=re.MULTILINE)
    if palette is not None:
        prolog, marker, page = body.partition(b"%%EndProlog\n")
        if not marker or _RGB_DEFINITION not in prolog:
            raise KitError("the renderer's EPS has an unexpected prolog; cannot convert it to CMYK.")
        prolog = prolog.replace(_RGB_DEFINITION, _RGB_DEFINITION + b"/k { setcmykcolor } bind def\n")
        page = replace_colour_operators(page.decode("latin-1"), palette).encode("latin-1")
        body = prolog + marker + page
    return header + separator + body
