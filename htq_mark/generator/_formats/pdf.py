"""PDF output: cairo's vector PDF, given our metadata and made reproducible.

cairo stamps the time into ``/CreationDate``; the file is rewritten with pypdf
so the Info dictionary holds only our metadata (a date only from
``SOURCE_DATE_EPOCH``), an XMP stream is added and, for CMYK, every page
content stream has its colours swapped for the palette's DeviceCMYK values.
"""

from __future__ import annotations

import io
from typing import Any

from ...errors import KitError
from ...kit import render_svg
from .._metadata import AssetMetadata
from .cmyk import CmykPalette, replace_colour_operators

__all__ = ["render_pdf"]


def _info(metadata: AssetMetadata) -> dict[str, str]:
    info = {
        "/Title": metadata.title,
        "/Subject": metadata.summary,
        "/Creator": metadata.tool,
        "/Producer": metadata.tool,
        "/Keywords": "HTQ; quality mark; " + metadata.variant,
    }
    for key, value in metadata.to_dict().items():
        if key not in ("title", "tool", "created"):
            info["/HTQMark" + "".join(part.capitalize() for part in key.split("_"))] = value
    if metadata.created is not None:
        info["/CreationDate"] = metadata.created.strftime("D:%Y%m%d%H%M%SZ")
        info["/ModDate"] = info["/CreationDate"]
    return info


def _swap_colours(writer: Any, palette: CmykPalette) -> None:
    from pypdf.generic import ContentStream, NameObject, StreamObject

    def convert(stream: StreamObject) -> None:
        text = stream.get_data().decode("latin-1")
        stream.set_data(replace_colour_operators(text, palette).encode("latin-1"))

    for page in writer.pages:
        contents = page.get_contents()
        if contents is not None:
            convert(contents)
            page.replace_contents(contents)
        # Transparency groups and forms drawn on the page have content streams too.
        resources = page.get("/Resources")
        xobjects = resources.get_object().get("/XObject") if resources is not None else None
        for reference in (xobjects.get_object().values() if xobjects is not None else ()):
            xobject = reference.get_object()
            if xobject.get("/Subtype") == NameObject("/Form") and not isinstance(xobject, ContentStream):
                convert(xobject)


def render_pdf(svg: bytes, *, metadata: AssetMetadata, palette: CmykPalette | None = None) -> bytes:
    """A vector PDF of an mm-sized canvas SVG; colours in DeviceCMYK when ``palette`` is given."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.errors import PyPdfError
    from pypdf.generic import NameObject, StreamObject

    drawn = render_svg(svg, to="pdf")
    try:
        reader = PdfReader(io.BytesIO(drawn))
        writer = PdfWriter(clone_from=reader)
        writer.pdf_header = reader.pdf_header
        writer.metadata = _info(metadata)
        if palette is not None:
            _swap_colours(writer, palette)
        writer.xmp_metadata = metadata.xmp_packet()
        stream = writer.root_object["/Metadata"].get_object()
        assert isinstance(stream, StreamObject)
        stream.update({NameObject("/Type"): NameObject("/Metadata"), NameObject("/Subtype"): NameObject("/XML")})
        for page in writer.pages:
            page.compress_content_streams()
        out = io.BytesIO()
        writer.write(out)
    except PyPdfError as exc:
        raise KitError(f"the rendered PDF could not be finished ({exc}); check the artwork.") from exc
    return out.getvalue()
