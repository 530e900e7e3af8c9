"""The composed SVG: clean, sized in the unit asked for, the clear space in the viewBox."""

from __future__ import annotations

import dataclasses

import pytest
from defusedxml.ElementTree import fromstring

from htq_mark.generator._canvas import millimetre_layout, pixel_layout
from htq_mark.generator._formats.svg import compose_svg, format_number
from htq_mark.generator._metadata import AssetMetadata
from htq_mark.kit import check_svg, load_kit

SVG = "{http://www.w3.org/2000/svg}"


def _artwork(svg: str):  # type: ignore[no-untyped-def]
    base = load_kit().artwork_for("colour")
    data = svg.encode()
    return dataclasses.replace(base, svg=data, geometry=check_svg(data, "test.svg"))


def test_mm_output_widens_the_viewbox_by_the_clear_space() -> None:
    kit = load_kit()
    layout = millimetre_layout(40, aspect_ratio=kit.aspect_ratio, clear_space_ratio=0.25, dpi=300)
    root = fromstring(compose_svg(kit.artwork_for("colour"), layout, "mm"))
    assert (root.get("width"), root.get("height")) == ("46.25mm", "18.75mm")
    assert root.get("viewBox") == "-50 -50 740 300"  # 0.25 x 200 units on every side
    assert root.get("preserveAspectRatio") is None


def test_px_output_fills_whole_pixels_exactly() -> None:
    kit = load_kit()
    layout = pixel_layout(300, aspect_ratio=kit.aspect_ratio, clear_space_ratio=0.25, dpi=300)
    root = fromstring(compose_svg(kit.artwork_for("colour"), layout, "px"))
    assert (root.get("width"), root.get("height")) == ("348px", "142px")
    x, y, w, h = (float(v) for v in root.get("viewBox").split())
    # 300 px across 640 units, 94 px down 200 units; 24 px margins.
    assert (x, w) == pytest.approx((-24 / (300 / 640), 348 / (300 / 640)))
    assert (y, h) == pytest.approx((-24 / (94 / 200), 142 / (94 / 200)), abs=1e-5)
    assert root.get("preserveAspectRatio") == "none"


def test_metadata_goes_in_title_desc_and_metadata() -> None:
    kit = load_kit()
    layout = pixel_layout(300, aspect_ratio=kit.aspect_ratio, clear_space_ratio=0.0, dpi=300)
    facts = AssetMetadata(title="Mark <one>", variant="colour", kit_name="k&k", kit_version="1",
                          kit_sha256="0" * 64)
    root = fromstring(compose_svg(kit.artwork_for("colour"), layout, "px", facts))
    assert root.find(f"{SVG}title").text == "Mark <one>"
    assert "k&k" in root.find(f"{SVG}desc").text
    assert root.find(f"{SVG}metadata") is not None
    assert [child.tag for child in root].count(f"{SVG}title") == 1  # the artwork's own title is dropped


def test_editor_namespaces_and_comments_are_dropped_but_xlink_kept() -> None:
    artwork = _artwork(
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        'xmlns:ed="http://example.com/editor" viewBox="0 0 64 20" fill="#0B2545" ed:version="3">'
        '<!-- exported --><ed:settings a="1"/><defs><path id="p" d="M0 0H64V20H0Z"/></defs>'
        '<use xlink:href="#p" ed:locked="true"/><text xml:space="preserve">A &amp; B</text></svg>')
    layout = pixel_layout(640, aspect_ratio=3.2, clear_space_ratio=0.0, dpi=96)
    text = compose_svg(artwork, layout, "px").decode()
    assert "editor" not in text and "ed:" not in text and "exported" not in text
    assert 'xmlns:xlink="http://www.w3.org/1999/xlink"' in text
    assert '<use xlink:href="#p"/>' in text
    assert '<g fill="#0B2545">' in text  # presentation attributes of the artwork's root still apply
    assert "A &amp; B" in text
    fromstring(text.encode())


@pytest.mark.parametrize(("value", "text"), [(1.0, "1"), (-0.0000001, "0"), (51.2, "51.2"), (1 / 3, "0.333333")])
def test_numbers_are_short(value: float, text: str) -> None:
    assert format_number(value) == text
