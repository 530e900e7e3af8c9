"""Kits: artwork SVG that could run code, expand entities or reach outside the file is refused with a
clear error before any renderer sees it, and nothing is fetched from the network.

A local HTTP server on 127.0.0.1 stands in for the outside world: every payload points at it, and
the tests assert it received no request, while loading the kit and also when the renderer is handed
the payload directly (its own guard must hold even without the kit check in front of it).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from htq_mark.errors import KitError, UnsafeArtworkError
from htq_mark.kit import bundled_kit_path, load_kit, render_svg

from ._listener import listening

ARTWORK = Path("assets") / "htq-mark-colour.svg"


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[str, list[str]]]:
    with listening() as (base, hits):
        yield base, hits


@pytest.fixture
def url(server: tuple[str, list[str]]) -> Iterator[str]:
    """The server's address; after the test, it must have received nothing."""
    base, hits = server
    hits.clear()
    yield base
    assert hits == [], f"something was fetched: {hits}"


def _with_body(extra: str, *, before_root: str = "", root_attributes: str = "") -> bytes:
    """The bundled colour artwork with ``extra`` inside it (and text before its root element)."""
    svg = (bundled_kit_path() / ARTWORK).read_text(encoding="utf-8")
    start = svg.index("<svg")
    head, rest = svg[:start], svg[start:]
    if head.lstrip().startswith("<?xml") and before_root:
        head = head + before_root
    else:
        head = before_root + head
    opening_end = rest.index(">")
    rest = rest[:opening_end] + root_attributes + rest[opening_end:]
    closing = rest.rindex("</svg>")
    return (head + rest[:closing] + extra + rest[closing:]).encode("utf-8")


# name -> (payload builder given the server URL, words the refusal must contain)
PAYLOADS = {
    "external-entity-url": (lambda u: _with_body(
        "<text>&x;</text>", before_root=f'<!DOCTYPE svg [<!ENTITY x SYSTEM "{u}/xxe">]>'), "DTD or entities"),
    "external-entity-file": (lambda u: _with_body(
        "<text>&x;</text>", before_root='<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>'),
        "DTD or entities"),
    "external-dtd": (lambda u: _with_body("", before_root=f'<!DOCTYPE svg SYSTEM "{u}/svg.dtd">'),
                     "DTD or entities"),
    "entity-expansion": (lambda u: _with_body("<text>&l4;</text>", before_root=(
        '<!DOCTYPE svg [<!ENTITY l0 "lol"><!ENTITY l1 "&l0;&l0;&l0;&l0;&l0;&l0;&l0;&l0;&l0;&l0;">'
        '<!ENTITY l2 "&l1;&l1;&l1;&l1;&l1;&l1;&l1;&l1;&l1;&l1;"><!ENTITY l3 "&l2;&l2;&l2;&l2;&l2;&l2;&l2;&l2;">'
        '<!ENTITY l4 "&l3;&l3;&l3;&l3;&l3;&l3;&l3;&l3;&l3;">]>')), "DTD or entities"),
    "image-href-url": (lambda u: _with_body(f'<image href="{u}/pixel.png" width="5" height="5"/>'),
                       "outside the file"),
    "image-xlink-href-file": (lambda u: _with_body('<image xlink:href="file:///etc/hostname" width="5" height="5" '
                                                   'xmlns:xlink="http://www.w3.org/1999/xlink"/>'),
                              "outside the file"),
    "image-href-relative-file": (lambda u: _with_body('<image href="../../secret.png" width="5" height="5"/>'),
                                 "outside the file"),
    "use-href-url": (lambda u: _with_body(f'<use href="{u}/sprite.svg#mark"/>'), "outside the file"),
    "data-uri-image": (lambda u: _with_body('<image href="data:image/svg+xml;base64,PHN2Zy8+" width="5" height="5"/>'),
                       "outside the file"),
    "xinclude": (lambda u: _with_body(f'<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="{u}/inc.xml"/>'),
                 "outside the file"),
    "xml-base": (lambda u: _with_body('<use href="#nothing"/>', root_attributes=f' xml:base="{u}/base/"'), "xml:base"),
    "script": (lambda u: _with_body(f"<script>fetch('{u}/script')</script>"), "<script>"),
    "script-href": (lambda u: _with_body(f'<script href="{u}/evil.js"/>'), "<script>"),
    "event-handler": (lambda u: _with_body(f'<rect width="1" height="1" onload="fetch(\'{u}/onload\')"/>'),
                      "event handler"),
    "foreign-object": (lambda u: _with_body(f'<foreignObject><iframe xmlns="http://www.w3.org/1999/xhtml" '
                                            f'src="{u}/frame"/></foreignObject>'), "foreignObject"),
    "css-url-in-style-element": (lambda u: _with_body(f"<style>rect {{ fill: url({u}/paint.svg#g) }}</style>"),
                                 "outside the file"),
    "css-import": (lambda u: _with_body(f'<style>@import url("{u}/more.css");</style>'), "@import"),
    "css-import-escaped": (lambda u: _with_body(f'<style>@\\69mport "{u}/escaped.css";</style>'), "escapes"),
    "css-url-escaped": (lambda u: _with_body(f"<style>rect {{ fill: \\75rl({u}/escaped#g) }}</style>"), "escapes"),
    "css-url-in-style-attribute": (lambda u: _with_body(
        f"<rect width=\"1\" height=\"1\" style=\"filter: url('{u}/filter.svg#f')\"/>"), "outside the file"),
    "css-url-in-fill": (lambda u: _with_body(f'<rect width="1" height="1" fill="url({u}/fill.svg#g)"/>'),
                        "outside the file"),
    "stylesheet-instruction": (lambda u: _with_body(
        "", before_root=f'<?xml-stylesheet type="text/css" href="{u}/pi.css"?>'), "processing instruction"),
}


def _kit_with_artwork(folder: Path, svg: bytes) -> Path:
    source = bundled_kit_path()
    shutil.copytree(source / "guidelines", folder / "guidelines")
    shutil.copytree(source / "assets", folder / "assets")
    (folder / ARTWORK).write_bytes(svg)
    return folder


@pytest.fixture
def renders(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every time cairosvg starts reading an SVG (any render), a note is added here."""
    from cairosvg import parser

    seen: list[str] = []
    original = parser.Tree.__init__

    def spy(self: object, **kwargs: object) -> None:
        seen.append("render")
        original(self, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(parser.Tree, "__init__", spy)
    return seen


@pytest.mark.parametrize("name", sorted(PAYLOADS))
def test_unsafe_artwork_is_refused_before_any_renderer(tmp_path: Path, url: str, renders: list[str],
                                                       name: str) -> None:
    build, words = PAYLOADS[name]
    kit = _kit_with_artwork(tmp_path / "kit", build(url))
    with pytest.raises(UnsafeArtworkError, match="refused") as caught:
        load_kit(kit)
    message = str(caught.value)
    assert message.startswith(str(kit / ARTWORK)), message
    assert words in message, message
    assert "export it again" in message
    assert renders == [], "the renderer saw the artwork before it was refused"


@pytest.mark.parametrize("name", sorted(PAYLOADS))
def test_the_renderer_fetches_nothing_even_when_handed_a_payload(url: str, name: str) -> None:
    """Behind the kit check, the renderer's own guard: no request leaves, whatever the SVG says."""
    build, _ = PAYLOADS[name]
    try:
        render_svg(build(url), to="png", width=64)
    except KitError as exc:
        assert "outside the SVG file" in str(exc) or "could not be rendered" in str(exc)


def test_the_spy_sees_a_render_and_a_safe_kit_renders_without_fetching(tmp_path: Path, url: str,
                                                                        renders: list[str]) -> None:
    """The controls: a safe kit with a local reference loads, and rendering it is seen by the spy."""
    svg = _with_body('<defs><rect id="local" width="3" height="3"/></defs><use href="#local"/>')
    kit = load_kit(_kit_with_artwork(tmp_path / "kit", svg))
    assert renders == []
    png = render_svg(kit.artwork["colour"].svg, to="png", width=64)
    assert png.startswith(b"\x89PNG") and renders


def test_generating_and_packing_fetch_nothing(tmp_path: Path, url: str) -> None:
    """The whole output path on the bundled kit: every format and a zip pack, with the server listening."""
    from htq_mark.generator import generate, pack

    for fmt in ("png", "svg", "pdf", "eps", "jpg", "webp"):
        asset = generate("colour", fmt, "40mm" if fmt in ("pdf", "eps") else "300px")
        assert asset.data
    result = pack(tmp_path / "pack.zip", presets=None)
    assert result.path.exists()
