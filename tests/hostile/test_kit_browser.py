"""Hostile kit artwork, end to end in headless Chromium: a kit whose SVG would make a browser fetch
from outside is refused, or every SVG generated from it fetches nothing.

A loopback listener stands in for the attacker's server. Each payload is first opened in Chromium
as it is (the control: the listener must receive a request, so the payload really fetches); then
the same artwork is put in a kit, and either loading or generating from that kit is refused, or the
generated SVG, opened on its own and inline in a web page, makes no request at all.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from htq_mark.errors import KitError
from htq_mark.generator import generate
from htq_mark.kit import load_kit

from ._listener import listening
from .test_kits import _kit_with_artwork, _with_body

pytestmark = pytest.mark.browser

_SETTLE_S = 1.0

# name -> artwork given the listener's URL; each fetches from it when opened in a browser.
HOSTILE_KITS: dict[str, Callable[[str], bytes]] = {
    "style-import-after-a-child": lambda u: _with_body(f"<style><desc/>@import url({u}/import.css);</style>"),
    "style-background-after-a-child": lambda u: _with_body(
        f"<style><desc/>svg {{ background-image: url({u}/background.png) }}</style>"),
    "style-image-set": lambda u: _with_body(f'<style>svg {{ background-image: image-set("{u}/set.png" 1x) }}</style>'),
    "set-href": lambda u: _with_body(
        f'<image width="5" height="5"><set attributeName="href" to="{u}/set.png"/></image>'),
    "animate-href": lambda u: _with_body(
        f'<image width="5" height="5"><animate attributeName="href" values="{u}/animate.png" '
        'dur="1s" fill="freeze"/></image>'),
}


@pytest.fixture(scope="module")
def listener() -> Iterator[tuple[str, list[str]]]:
    with listening() as found:
        yield found


def _requests_when_opened(browser: Any, page: Path, hits: list[str]) -> list[str]:
    hits.clear()
    browser.get(page.as_uri())
    time.sleep(_SETTLE_S)
    return list(hits)


def _inline_page(svg: bytes) -> bytes:
    body = svg.decode("utf-8").split("?>", 1)[-1]
    return f"<!DOCTYPE html><html><head><title>page</title></head><body>{body}</body></html>".encode()


@pytest.mark.parametrize("name", sorted(HOSTILE_KITS))
def test_the_payload_fetches_when_opened_as_it_is(browser: Any, listener: tuple[str, list[str]],
                                                  tmp_path: Path, name: str) -> None:
    """The control: unchecked, each payload does make Chromium request the listener."""
    base, hits = listener
    page = tmp_path / "payload.svg"
    page.write_bytes(HOSTILE_KITS[name](base))
    assert _requests_when_opened(browser, page, hits), f"{name}: the payload fetched nothing even unchecked"


@pytest.mark.parametrize("name", sorted(HOSTILE_KITS))
def test_a_hostile_kit_is_refused_or_its_svg_fetches_nothing(browser: Any, listener: tuple[str, list[str]],
                                                            tmp_path: Path, name: str) -> None:
    base, hits = listener
    folder = _kit_with_artwork(tmp_path / "kit", HOSTILE_KITS[name](base))
    try:
        svg = generate("colour", "svg", "300px", kit=load_kit(folder)).data
    except KitError as exc:
        assert "refused" in str(exc) and str(folder) in str(exc)
        return
    alone, inline = tmp_path / "mark.svg", tmp_path / "page.html"
    alone.write_bytes(svg)
    inline.write_bytes(_inline_page(svg))
    assert _requests_when_opened(browser, alone, hits) == []
    assert _requests_when_opened(browser, inline, hits) == []
    assert hits == []
