"""Unsafe artwork is refused before any renderer sees it."""

from __future__ import annotations

import pytest

from htq_mark.errors import KitError, UnsafeArtworkError
from htq_mark.kit import check_svg, render_svg

SVG = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 64 20">{}</svg>'
SHAPE = '<rect width="64" height="20" fill="#0B2545"/>'

UNSAFE = [
    ("script", SVG.format("<script>alert(1)</script>"), "<script> element"),
    ("event handler", SVG.format('<rect width="1" height="1" onclick="alert(1)"/>'), "event handler"),
    ("foreignObject", SVG.format("<foreignObject><p>hi</p></foreignObject>"), "<foreignObject>"),
    ("external image", SVG.format('<image href="http://example.com/x.png" width="1" height="1"/>'),
     "outside the file"),
    ("xlink file", SVG.format('<use xlink:href="file:///etc/passwd#a"/>'), "outside the file"),
    ("css url", SVG.format('<rect style="fill: url(http://example.com/p)" width="1" height="1"/>'),
     "outside the file"),
    ("css import", SVG.format("<style>@import 'http://example.com/a.css';</style>"), "@import"),
    ("entity", '<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x "y">]>' + SVG.format("&x;"), "DTD or entities"),
    ("huge", SVG.format("<!--" + "x" * (5 * 1024 * 1024) + "-->"), "byte limit"),
    ("style after a child", SVG.format("<style><desc/>@import url(http://h/a.css);</style>"),
     "holds other elements"),
    ("set href", SVG.format('<use><set attributeName="href" to="http://h/x.svg#a"/></use>'), "<set> element"),
    ("animate href", SVG.format('<use><animate attributeName="href" values="http://h/x.svg#a"/></use>'),
     "<animate> element"),
    ("image without href", SVG.format('<image width="1" height="1"/>'), "<image> element"),
    ("at-rule", SVG.format("<style>@font-face { font-family: x }</style>"), "at-rule"),
    ("image-set", SVG.format('<style>svg { background-image: image-set("http://h/i.png" 1x) }</style>'),
     "'background-image'"),
    ("css function", SVG.format('<rect width="1" height="1" style="fill: image(\'http://h/i.png\')"/>'),
     "image()"),
    ("not a rule", SVG.format("<style>rect { fill: red } }</style>"), "not a plain rule"),
    ("attribute", SVG.format('<rect width="1" height="1" requiredExtensions="http://h/x"/>'),
     "'requiredExtensions'"),
    ("xhtml element", SVG.format('<h:style xmlns:h="http://www.w3.org/1999/xhtml">svg{}</h:style>'),
     "outside SVG"),
]

SAFE = [
    ("css rules", SVG.format("<style>/* brand */ .a, #b > path { fill: #0B2545; stroke-width: 2 }</style>"
                             + SHAPE)),
    ("style attribute", SVG.format('<rect width="1" height="1" style="fill: rgb(1, 2, 3); opacity: .5"/>')),
    ("gradient", SVG.format('<defs><linearGradient id="g"><stop offset="0" stop-color="#fff"/>'
                            '</linearGradient></defs><rect width="1" height="1" fill="url(#g)"/>')),
    ("editor namespace", SVG.format('<ed:x xmlns:ed="http://example.com/ed" a="1"/>' + SHAPE)),
]


@pytest.mark.parametrize(("name", "svg"), SAFE, ids=[case[0] for case in SAFE])
def test_plain_artwork_passes_the_allow_list(name: str, svg: str) -> None:
    assert check_svg(svg.encode(), "art.svg").width == 64


@pytest.mark.parametrize(("name", "svg", "words"), UNSAFE, ids=[case[0] for case in UNSAFE])
def test_unsafe_artwork_is_refused(name: str, svg: str, words: str) -> None:
    with pytest.raises(UnsafeArtworkError, match="art.svg: refused") as caught:
        check_svg(svg.encode(), "art.svg")
    assert words in str(caught.value)


BROKEN = [
    ("not xml", b"<svg", "not well-formed"),
    ("not svg", b'<html xmlns="http://www.w3.org/1999/xhtml"/>', "not an SVG"),
    ("no size", b'<svg xmlns="http://www.w3.org/2000/svg"/>', "no viewBox"),
    ("bad viewBox", b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 a b"/>', "not four numbers"),
    ("zero size", b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 0 10"/>', "must be positive"),
]


@pytest.mark.parametrize(("name", "svg", "words"), BROKEN, ids=[case[0] for case in BROKEN])
def test_broken_artwork_is_a_clear_error(name: str, svg: bytes, words: str) -> None:
    with pytest.raises(UnsafeArtworkError, match=words):
        check_svg(svg, "art.svg")


def test_safe_artwork_gives_its_geometry() -> None:
    geometry = check_svg(SVG.format(SHAPE + '<use xlink:href="#a"/>').encode(), "art.svg")
    assert (geometry.min_x, geometry.min_y, geometry.width, geometry.height) == (0, 0, 64, 20)


def test_width_and_height_stand_in_for_a_missing_viewbox() -> None:
    geometry = check_svg(b'<svg xmlns="http://www.w3.org/2000/svg" width="64px" height="20"/>', "art.svg")
    assert (geometry.width, geometry.height) == (64, 20)


def test_the_renderer_never_fetches_anything() -> None:
    svg = SVG.format('<image href="file:///etc/hostname" width="10" height="10"/>').encode()
    with pytest.raises(KitError, match="may not load anything"):
        render_svg(svg, to="png")


def test_the_renderer_refuses_an_unknown_target() -> None:
    with pytest.raises(KitError, match="cannot render artwork to 'gif'"):
        render_svg(SVG.format(SHAPE).encode(), to="gif")


def test_renderer_errors_are_translated() -> None:
    with pytest.raises(KitError, match="could not be rendered"):
        render_svg(b"<svg", to="png")
