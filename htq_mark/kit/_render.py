"""Render artwork SVG with cairosvg, never reaching outside the file."""

from __future__ import annotations

from typing import Any, NoReturn

from .._io import file_size_limit, limit_advice
from ..errors import KitError

__all__ = ["render_svg", "temporary_file_advice"]


def _refuse_fetch(url: str, *args: Any, **kwargs: Any) -> NoReturn:
    raise KitError(f"artwork refers to {url!r}; kits may not load anything from outside the SVG file.")


# cairo keeps a PostScript page in a temporary file (about 30 KB for the mark), and says little when it
# cannot write it: a file-size limit below this may be why; above it, a full /tmp is likelier.
_LARGEST_TEMPORARY = 1024 * 1024


def temporary_file_advice() -> str:
    """What to do when cairo could not write the temporary file it keeps a PostScript page in."""
    limit = file_size_limit()
    if limit is not None and limit < _LARGEST_TEMPORARY:
        return limit_advice(limit)
    # cairo asks the C library for the file, which puts it in /tmp whatever TMPDIR says.
    return "free some space in /tmp, where cairo keeps it"


def render_svg(svg: bytes, *, to: str = "png", width: float | None = None, height: float | None = None,
               background: str | None = None, dpi: float = 96.0) -> bytes:
    """Render SVG bytes to ``to`` ("png", "pdf", "ps", "eps" or "svg") with cairosvg.

    ``width``/``height`` are in the output's units (pixels for PNG, points for
    PDF/PS). Nothing is fetched: any external reference is an error.
    """
    from cairosvg import surface

    converters = {"png": surface.PNGSurface.convert, "pdf": surface.PDFSurface.convert,
                  "ps": surface.PSSurface.convert, "eps": surface.EPSSurface.convert,
                  "svg": surface.SVGSurface.convert}
    try:
        convert = converters[to]
    except KeyError:
        raise KitError(f"cannot render artwork to {to!r}; use one of {', '.join(converters)}") from None
    try:
        result = convert(bytestring=svg, output_width=width, output_height=height,
                         background_color=background, dpi=dpi, unsafe=False, url_fetcher=_refuse_fetch)
    except KitError:
        raise
    except Exception as exc:  # cairosvg raises many kinds; translate once, here
        if "WRITE_ERROR" in str(exc):
            raise KitError(f"the artwork could not be rendered, cairo's temporary file cut short: "
                           f"{temporary_file_advice()}.") from exc
        raise KitError(f"the artwork could not be rendered ({type(exc).__name__}: {exc}); "
                       "check it is valid SVG.") from exc
    assert isinstance(result, bytes)
    return result
