"""Refuse artwork SVG that could run code, expand entities or reach outside the kit.

Checked before any renderer sees the file: no DTD or entities, no scripts or
event handlers, no ``foreignObject``, and no references except to fragments in
the same file (``href="#id"``, ``url(#id)``). Beyond those refusals the check is
an allow-list: only the SVG elements and attributes that static artwork needs
(no animation, images or links), and CSS made only of plain declarations of
allowed properties, read from every text node of a ``<style>`` element.
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
#: Most elements the artwork may draw once every ``<use>`` is expanded (the bundled artwork: 12).
MAX_EXPANDED_ELEMENTS = 20_000
#: Deepest nesting of elements and ``<use>`` references followed.
MAX_NESTING = 100
_SVG_NS = "{http://www.w3.org/2000/svg}"
_FORBIDDEN_ELEMENTS = {"script", "foreignObject", "iframe", "object", "embed", "handler", "listener"}
_URL = re.compile(r"url\(\s*['\"]?\s*([^)'\"\s]*)", re.IGNORECASE)
_IMPORT = re.compile(r"@import", re.IGNORECASE)
# Any processing instruction but the XML declaration (xml-stylesheet makes viewers fetch CSS).
_PROCESSING_INSTRUCTION = re.compile(rb"<\?(?!xml\s)", re.IGNORECASE)
_LENGTH = re.compile(r"^\s*([0-9.]+)\s*(px)?\s*$")
_XLINK_NS = "{http://www.w3.org/1999/xlink}"
_XML_NS = "{http://www.w3.org/XML/1998/namespace}"
#: Namespaces whose elements a viewer acts on even inside SVG (styles, scripts, inclusion).
_ACTIVE_NAMESPACES = frozenset({"http://www.w3.org/1999/xhtml", "http://www.w3.org/1998/Math/MathML",
                                "http://www.w3.org/2001/XInclude", "http://www.w3.org/1999/XSL/Transform"})

#: The elements static artwork may use: shapes, groups, paint servers, clipping, text and labels.
ALLOWED_ELEMENTS = frozenset({
    "svg", "g", "defs", "symbol", "use", "title", "desc", "metadata", "style",
    "path", "rect", "circle", "ellipse", "line", "polyline", "polygon", "text", "tspan",
    "linearGradient", "radialGradient", "stop", "clipPath", "mask", "pattern",
})
_PRESENTATION = frozenset({
    "clip-path", "clip-rule", "color", "color-interpolation", "display", "fill", "fill-opacity",
    "fill-rule", "font-family", "font-size", "font-stretch", "font-style", "font-variant", "font-weight",
    "letter-spacing", "mask", "opacity", "paint-order", "shape-rendering", "stop-color", "stop-opacity",
    "stroke", "stroke-dasharray", "stroke-dashoffset", "stroke-linecap", "stroke-linejoin",
    "stroke-miterlimit", "stroke-opacity", "stroke-width", "text-anchor", "text-rendering",
    "dominant-baseline", "alignment-baseline", "baseline-shift", "vector-effect", "visibility",
    "word-spacing", "writing-mode", "isolation", "mix-blend-mode", "transform", "transform-origin",
})
#: Attributes without a namespace that artwork may carry (attributes in editors' own namespaces
#: are ignored by every viewer and dropped from generated files).
ALLOWED_ATTRIBUTES = _PRESENTATION | frozenset({
    "id", "class", "style", "version", "baseProfile", "viewBox", "preserveAspectRatio", "width", "height",
    "x", "y", "x1", "y1", "x2", "y2", "cx", "cy", "r", "rx", "ry", "fx", "fy", "fr", "d", "points",
    "pathLength", "href", "offset", "gradientUnits", "gradientTransform", "spreadMethod",
    "clipPathUnits", "maskUnits", "maskContentUnits", "patternUnits", "patternContentUnits",
    "patternTransform", "dx", "dy", "rotate", "textLength", "lengthAdjust", "type", "media",
})
#: CSS properties a ``style`` may set: the presentation properties above.
ALLOWED_CSS_PROPERTIES = _PRESENTATION
_ALLOWED_CSS_FUNCTIONS = frozenset({"url", "rgb", "rgba", "hsl", "hsla", "matrix", "translate", "scale",
                                    "rotate", "skewx", "skewy"})
_CSS_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
_CSS_RULE = re.compile(r"([^{}]*)\{([^{}]*)\}")
_CSS_FUNCTION = re.compile(r"([A-Za-z_-][\w-]*)\s*\(")
_CSS_PROPERTY = re.compile(r"^-?[a-z][a-z-]*$")
_CSS_SELECTOR = re.compile(r"^[\w\s#.,>+~*:()-]*$")


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
        if name == "style":
            _check_style_element(element, source)
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
            if attr == "style":
                _check_declarations(value, source, f"<{name}>'s style")
        _check_allowed(element, source)
    _check_expansion(root, source)
    return _geometry(root, source)


def _check_expansion(root: ElementTree.Element, source: str) -> None:
    """Refuse artwork whose ``<use>`` references expand (fan out, or loop) beyond the limits.

    A few kilobytes of nested ``<use>`` can ask a renderer to draw billions of
    shapes; counting what each element expands to, once per element, costs
    time in proportion to the file.
    """
    by_id = {element.get("id"): element for element in root.iter() if element.get("id")}
    sizes: dict[int, int] = {}
    open_now: set[int] = set()

    def size(element: ElementTree.Element, depth: int) -> int:
        key = id(element)
        if key in sizes:
            return sizes[key]
        if key in open_now:
            raise _refuse(source, "its <use> references form a loop")
        if depth > MAX_NESTING:
            raise _refuse(source, f"its elements or <use> references are nested more than {MAX_NESTING} deep")
        open_now.add(key)
        total = 1 + sum(size(child, depth + 1) for child in element)
        if _local(element.tag) == "use":
            reference = (element.get("href") or element.get(f"{_XLINK_NS}href") or "").strip()
            target = by_id.get(reference[1:]) if reference.startswith("#") else None
            if target is not None:
                total += size(target, depth + 1)
        open_now.discard(key)
        if total > MAX_EXPANDED_ELEMENTS:
            raise _refuse(source, f"its <use> references expand to more than {MAX_EXPANDED_ELEMENTS:,} elements")
        sizes[key] = total
        return total

    size(root, 0)


def _check_allowed(element: ElementTree.Element, source: str) -> None:
    """Refuse an element or attribute that is not on the allow-list."""
    name = _local(element.tag)
    if not element.tag.startswith(_SVG_NS):
        namespace = element.tag[1:].split("}", 1)[0] if element.tag.startswith("{") else ""
        if not namespace or namespace in _ACTIVE_NAMESPACES:
            raise _refuse(source, f"it contains a <{name}> element from outside SVG")
        return  # an editor's or metadata's own element: no viewer draws or follows it
    if name not in ALLOWED_ELEMENTS:
        raise _refuse(source, f"it contains a <{name}> element, which artwork may not use "
                              "(no animation, images, links or filters)")
    for attribute in element.attrib:
        if attribute.startswith(_XLINK_NS) and _local(attribute) == "href":
            continue
        if attribute.startswith(_XML_NS) and _local(attribute) in ("space", "lang"):
            continue
        if attribute.startswith("{") and not attribute.startswith((_XLINK_NS, _XML_NS, _SVG_NS)):
            continue  # an editor's own namespace: no viewer acts on it
        if _local(attribute) not in ALLOWED_ATTRIBUTES:
            raise _refuse(source, f"<{name}> has the attribute {_local(attribute)!r}, which artwork may not use")


def _check_style_element(element: ElementTree.Element, source: str) -> None:
    """A ``<style>`` is plain CSS text: no child elements, every text node checked."""
    if len(element):
        raise _refuse(source, "its <style> element holds other elements")
    text = "".join(element.itertext())
    _check_css(text, source)
    css = _CSS_COMMENT.sub(" ", text)
    end = 0
    for rule in _CSS_RULE.finditer(css):
        if css[end:rule.start()].strip():
            break
        selector, declarations = rule.groups()
        if not _CSS_SELECTOR.match(selector):
            raise _refuse(source, f"its CSS has the selector {selector.strip()[:80]!r}, which artwork may not use")
        _check_declarations(declarations, source, "its CSS")
        end = rule.end()
    if css[end:].strip():
        raise _refuse(source, f"its CSS holds {css[end:].strip()[:80]!r}, which is not a plain rule "
                              "(selector { property: value })")


def _check_declarations(text: str, source: str, where: str) -> None:
    """Each ``property: value`` sets an allowed property with allowed functions only."""
    for declaration in _CSS_COMMENT.sub(" ", text).split(";"):
        if not declaration.strip():
            continue
        prop, colon, value = declaration.partition(":")
        prop = prop.strip().lower()
        if not colon or not _CSS_PROPERTY.match(prop):
            raise _refuse(source, f"{where} holds {declaration.strip()[:80]!r}, which is not a declaration")
        if prop not in ALLOWED_CSS_PROPERTIES:
            raise _refuse(source, f"{where} sets {prop!r}, which artwork may not use")
        for function in _CSS_FUNCTION.findall(value):
            if function.lower() not in _ALLOWED_CSS_FUNCTIONS:
                raise _refuse(source, f"{where} uses the CSS function {function}(), which artwork may not use")


def _check_css(text: str, source: str) -> None:
    if "\\" in text:  # escapes can spell @import or url( so that no pattern sees them
        raise _refuse(source, "its CSS uses backslash escapes")
    if _IMPORT.search(text):
        raise _refuse(source, "its CSS uses @import")
    if "@" in text:  # every at-rule (@font-face, @namespace...) can reach outside
        raise _refuse(source, "its CSS uses an at-rule (@...)")
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
