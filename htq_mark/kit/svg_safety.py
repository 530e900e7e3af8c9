"""Refuse artwork SVG that could run code, expand entities or reach outside the kit.

Checked before any renderer sees the file: no DTD or entities, no scripts or
event handlers, no ``foreignObject``, and no references except to fragments in
the same file (``href="#id"``, ``url(#id)``).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from ..errors import UnsafeArtworkError

__all__ = ["SvgGeometry", "check_svg"]

MAX_SVG_BYTES = 5 * 1024 * 1024
_SVG_NS = "{http://www.w3.org/2000/svg}"
_FORBIDDEN_ELEMENTS = {"script", "foreignObject", "iframe", "object", "embed", "handler", "listener"}
_URL = re.compile(r"url\(\s*['\"]?\s*([^)'\"\s]*)", re.IGNORECASE)
_IMPORT = re.compile(r"@import", re.IGNORECASE)
# Any processing instruction but the XML declaration (xml-stylesheet makes viewers fetch CSS).
_PROCESSING_INSTRUCTION = re.compile(rb"<\?(?!xml\s)", re.IGNORECASE)
_LENGTH = re.compile(r"^\s*([0-9.]+)\s*(px)?\s*$")


@dataclass(frozen=True)
class SvgGeometry:
    """The artwork's own coordinate box (from its viewBox)."""

    min_x: float
    min_y: float
    width: float
    height: float


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _refuse(source: str, what: str) -> UnsafeArtworkError:
    return UnsafeArtworkError(
        f"{source}: refused: {what}. Artwork must be plain SVG shapes with no scripts, "
        "entities or external references; export it again as plain SVG with text as outlines."
    )


def check_svg(data: bytes, source: str) -> SvgGeometry:
    """Validate artwork SVG and return its geometry; raise UnsafeArtworkError if unsafe."""
    if len(data) > MAX_SVG_BYTES:
        raise _refuse(source, f"the file is {len(data)} bytes, over the {MAX_SVG_BYTES}-byte limit")
    if b"<!DOCTYPE" in data.upper() or b"<!ENTITY" in data.upper():
        raise _refuse(source, "it declares a DTD or entities")
    if _PROCESSING_INSTRUCTION.search(data):
        raise _refuse(source, "it holds a processing instruction such as <?xml-stylesheet?>")
    try:
        root = fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise _refuse(source, f"it uses a forbidden XML feature ({exc})") from exc
    except ElementTree.ParseError as exc:
        raise UnsafeArtworkError(f"{source}: is not well-formed SVG ({exc}); export it again.") from exc
    if root.tag != f"{_SVG_NS}svg":
        raise UnsafeArtworkError(f"{source}: the root element is {_local(root.tag)!r}, not an SVG <svg>; "
                                 "check the file is SVG artwork.")
    for element in root.iter():
        name = _local(element.tag)
        if name in _FORBIDDEN_ELEMENTS:
            raise _refuse(source, f"it contains a <{name}> element")
        if name == "style" and element.text:
            _check_css(element.text, source)
        for attribute, value in element.attrib.items():
            attr = _local(attribute)
            if attr.lower().startswith("on"):
                raise _refuse(source, f"<{name}> has an event handler {attr!r}")
            if attr == "base":  # xml:base turns even "#id" references into fetches
                raise _refuse(source, f"<{name}> sets xml:base to {value[:80]!r}")
            if attr == "href" and not value.strip().startswith("#"):
                raise _refuse(source, f"<{name}> refers to {value[:80]!r} outside the file")
            if attr == "style" or "url(" in value.lower():
                _check_css(value, source)
    return _geometry(root, source)


def _check_css(text: str, source: str) -> None:
    if "\\" in text:  # escapes can spell @import or url( so that no pattern sees them
        raise _refuse(source, "its CSS uses backslash escapes")
    if _IMPORT.search(text):
        raise _refuse(source, "its CSS uses @import")
    for target in _URL.findall(text):
        if not target.startswith("#"):
            raise _refuse(source, f"its CSS refers to {target[:80]!r} outside the file")


def _geometry(root: ElementTree.Element, source: str) -> SvgGeometry:
    view_box = root.get("viewBox")
    if view_box:
        try:
            x, y, w, h = (float(v) for v in view_box.replace(",", " ").split())
        except ValueError:
            raise UnsafeArtworkError(f"{source}: viewBox {view_box!r} is not four numbers; fix the SVG.") from None
    else:
        sizes = [_LENGTH.match(root.get(k, "")) for k in ("width", "height")]
        if not all(sizes):
            raise UnsafeArtworkError(f"{source}: the SVG has no viewBox and no width/height in px; "
                                     "add a viewBox so its proportions are known.")
        x, y = 0.0, 0.0
        w, h = (float(m.group(1)) for m in sizes if m)
    if w <= 0 or h <= 0:
        raise UnsafeArtworkError(f"{source}: the SVG's size is {w:g} x {h:g}; it must be positive.")
    return SvgGeometry(x, y, w, h)
