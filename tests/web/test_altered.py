"""``altered-artwork`` for a mark with a part removed, judged on the page and in the picture file it shows."""

from __future__ import annotations

import functools
import io
from collections.abc import Iterator

import pytest

from htq_mark import load_kit
from htq_mark.web import WebScanner
from tests.web.server import Reply, Site, serve
from tests.web.sites import ENTITLED_QN, mark_png, page

pytestmark = pytest.mark.browser

WIDTH = 300
# The chevron in artwork units (640 x 200): the colour artwork's path M198 58H215L236 100L215 142H198L219 100Z.
CHEVRON = [(198, 58), (215, 58), (236, 100), (215, 142), (198, 142), (219, 100)]


@functools.lru_cache(maxsize=None)
def _without_chevron(variant: str) -> bytes:
    """The mark as a PNG (transparent around it) with the chevron filled in the colour around it."""
    from PIL import Image, ImageDraw

    picture = Image.open(io.BytesIO(mark_png(variant, WIDTH))).convert("RGBA")
    scale = picture.width / 640
    around = load_kit().spec.variant(variant).colours[0].rgb  # the badge's colour
    ImageDraw.Draw(picture).polygon([(x * scale, y * scale) for x, y in CHEVRON], fill=(*around, 255),
                                    outline=(*around, 255), width=2)
    buffer = io.BytesIO()
    picture.save(buffer, "PNG")
    return buffer.getvalue()


@functools.lru_cache(maxsize=None)
def _dark_photo() -> bytes:
    import numpy as np
    from PIL import Image

    rng = np.random.default_rng(3)
    noisy = np.clip(35 + rng.normal(0, 18, (400, 900, 3)), 0, 255).astype(np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(noisy, "RGB").save(buffer, "PNG")
    return buffer.getvalue()


def _on(background: str, picture: str) -> str:
    return (f'<div style="padding:60px;{background}"><img src="{picture}" style="width:{WIDTH}px;display:block" '
            f'alt="HTQ quality mark"></div><p>Higher Technical Qualification, QN {ENTITLED_QN}.</p>')


PHOTO = "background:url(/img/dark.png)"
#: path -> (body, whether a part of the mark is missing)
PAGES: dict[str, tuple[str, bool]] = {
    "/colour-without-chevron": (_on("background:#fff", "/img/colour-without-chevron.png"), True),
    "/colour-whole": (_on("background:#fff", "/img/colour.png"), False),
    # The white mark's chevron is knocked out: over a photograph the page cannot tell what shows
    # there, the picture file laid on a flat backdrop can.
    "/white-without-chevron-over-a-photo": (_on(PHOTO, "/img/white-without-chevron.png"), True),
    "/white-whole-over-a-photo": (_on(PHOTO, "/img/white.png"), False),
    # A box of the page in the badge's navy laid over the chevron: the screenshot shows what a chevron
    # painted over shows, the DOM says the mark is covered (cropped), and the picture file is whole.
    "/colour-chevron-under-a-box": (
        '<div style="padding:60px;position:relative;width:300px"><img src="/img/colour.png" '
        'style="width:300px;display:block" alt="HTQ quality mark"><div style="position:absolute;left:151px;'
        'top:84px;width:20px;height:44px;background:#0B2545"></div></div>'
        f"<p>Higher Technical Qualification, QN {ENTITLED_QN}.</p>", False),
}


@pytest.fixture(scope="module")
def site() -> Iterator[Site]:
    routes = {path: page(body) for path, (body, _) in PAGES.items()}
    routes.update({
        "/img/colour-without-chevron.png": Reply(_without_chevron("colour"), "image/png"),
        "/img/white-without-chevron.png": Reply(_without_chevron("white"), "image/png"),
        "/img/colour.png": Reply(mark_png("colour", WIDTH), "image/png"),
        "/img/white.png": Reply(mark_png("white", WIDTH), "image/png"),
        "/img/dark.png": Reply(_dark_photo(), "image/png"),
        "/robots.txt": Reply(b"User-agent: *\nAllow: /\n", "text/plain"),
    })
    with serve(Site(routes=routes)) as served:
        yield served


@pytest.mark.parametrize("path", sorted(PAGES))
def test_altered_artwork_on_web_pages(scanner: WebScanner, site: Site, path: str) -> None:
    """Before, the chevron (1% of the artwork's area) could be left out of a mark on a web page unreported."""
    result = scanner.scan(site.url(path)).result
    assert result.status == "ok", result.error
    desktop = [m for m in result.marks if m.page == 1]
    assert len(desktop) == 1, desktop
    altered = [f for f in result.findings if f.rule == "altered-artwork" and f.page == 1]
    if not PAGES[path][1]:
        assert not altered, [f.message for f in altered]
        return
    assert len(altered) == 1 and altered[0].mark == desktop[0].id, [f.message for f in result.findings]
    assert altered[0].message.startswith("A part of the mark is missing")
    assert altered[0].details["missing_part"] > altered[0].details["missing_part_tolerance"]
