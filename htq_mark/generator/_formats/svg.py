"""SVG output: the artwork on its canvas, clean, sized in the unit asked for.

The clear space is made by widening the viewBox around the artwork, so the
artwork's own shapes are copied unchanged. Only SVG elements and plain,
``xlink:`` and ``xml:`` attributes are kept; editor namespaces are dropped.
"""

from __future__ import annotations

from xml.etree import ElementTree
from xml.sax.saxutils import escape

from defusedxml.ElementTree import fromstring

from ...kit import Artwork
from .._canvas import Layout
from .._metadata import AssetMetadata
from .._units import Unit

__all__ = ["compose_svg", "format_number"]

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
XML_NS = "http://www.w3.org/XML/1998/namespace"
_ROOT_ONLY = frozenset({"width", "height", "viewBox", "version", "preserveAspectRatio", "x", "y", "baseProfile"})
_ARTWORK_INFO = {"title", "desc", "metadata"}


def format_number(value: float) -> str:
    """A number with at most 6 decimals and no trailing zeros."""
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _attr(value: str) -> str:
    return escape(value, {'"': "&quot;", "\n": "&#10;", "\t": "&#9;", "\r": "&#13;"})


def _attribute_name(name: str) -> str | None:
    if not name.startswith("{"):
        return name
    namespace, local = name[1:].split("}", 1)
    if namespace == XLINK_NS:
        return f"xlink:{local}"
    if namespace == XML_NS:
        return f"xml:{local}"
    return None


def _attributes(element: ElementTree.Element, skip: frozenset[str] = frozenset()) -> str:
    parts = []
    for name, value in element.attrib.items():
        written = _attribute_name(name)
        if written is not None and written not in skip:
            parts.append(f' {written}="{_attr(value)}"')
    return "".join(parts)


def _serialise(element: ElementTree.Element, out: list[str]) -> None:
    if not isinstance(element.tag, str) or not element.tag.startswith(f"{{{SVG_NS}}}"):
        return  # comments, processing instructions and foreign elements are left out
    name = element.tag.split("}", 1)[1]
    out.append(f"<{name}{_attributes(element)}")
    children = list(element)
    if not children and not element.text:
        out.append("/>")
        return
    out.append(">")
    if element.text:
        out.append(escape(element.text))
    for child in children:
        _serialise(child, out)
        if child.tail and child.tail.strip():
            out.append(escape(child.tail))
    out.append(f"</{name}>")


def _artwork_body(svg: bytes) -> tuple[str, bool]:
    """The artwork's drawing as SVG text, and whether it uses xlink attributes."""
    root = fromstring(svg, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    out: list[str] = []
    for child in root:
        if isinstance(child.tag, str) and child.tag.split("}", 1)[-1] in _ARTWORK_INFO:
            continue
        _serialise(child, out)
        out.append("\n")
    body = "".join(out)
    # Presentation attributes on the artwork's root (fill, style...) still apply to its shapes.
    inherited = _attributes(root, _ROOT_ONLY)
    if inherited:
        body = f"<g{inherited}>\n{body}</g>\n"
    return body, "xlink:" in body


def compose_svg(artwork: Artwork, layout: Layout, unit: Unit, metadata: AssetMetadata | None = None) -> bytes:
    """The artwork on its canvas as SVG bytes, width and height in ``unit``."""
    geometry = artwork.geometry
    if unit == "mm":
        scale_x = layout.artwork_width_mm / geometry.width
        scale_y = layout.artwork_height_mm / geometry.height
        margin, width, height = layout.margin_mm, layout.canvas_width_mm, layout.canvas_height_mm
    else:
        scale_x = layout.artwork_width_px / geometry.width
        scale_y = layout.artwork_height_px / geometry.height
        margin, width, height = layout.margin_px, layout.canvas_width_px, layout.canvas_height_px
    margin_x, margin_y = margin / scale_x, margin / scale_y
    view_box = " ".join(format_number(v) for v in (
        geometry.min_x - margin_x, geometry.min_y - margin_y,
        geometry.width + 2 * margin_x, geometry.height + 2 * margin_y))
    body, uses_xlink = _artwork_body(artwork.svg)
    root = [f'<svg xmlns="{SVG_NS}"']
    if uses_xlink:
        root.append(f' xmlns:xlink="{XLINK_NS}"')
    root.append(f' version="1.1" width="{format_number(width)}{unit}" height="{format_number(height)}{unit}"'
                f' viewBox="{view_box}"')
    # Whole pixels can make the two scales differ by a fraction of a pixel; fill exactly.
    if abs(scale_x / scale_y - 1) > 1e-9:
        root.append(' preserveAspectRatio="none"')
    root.append(">\n")
    head = []
    if metadata is not None:
        head.append(f"<title>{escape(metadata.title)}</title>\n")
        head.append(f"<desc>{escape(metadata.summary)}</desc>\n")
        head.append(f"<metadata>\n{metadata.rdf_description()}\n</metadata>\n")
    text = '<?xml version="1.0" encoding="UTF-8"?>\n' + "".join(root) + "".join(head) + body + "</svg>\n"
    return text.encode("utf-8")
