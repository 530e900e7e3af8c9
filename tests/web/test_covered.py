"""``cropped`` for a mark covered by fixed or sticky content wherever the page is scrolled to show it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from htq_mark.web import WebScanner
from tests.web.server import Reply, Site, serve
from tests.web.sites import ENTITLED_QN, mark_png, page

pytestmark = pytest.mark.browser

_MARK = '<img src="/img/mark.png" style="width:300px;height:94px;display:block" alt="HTQ quality mark">'
_QN = f"<p>Higher Technical Qualification, QN {ENTITLED_QN}.</p>"
_TALL = '<div style="height:1600px">Course details.</div>'

#: path -> (body, side of the mark hidden or None when a reader sees all of it)
PAGES: dict[str, tuple[str, str | None]] = {
    # A fixed header over the top of the page: the mark's upper half is under it at every scroll.
    "/fixed-header": ('<header style="position:fixed;top:0;left:0;right:0;height:87px;background:#0B2545;'
                      f'z-index:5"></header>{_MARK}{_QN}{_TALL}', "top"),
    # A cookie banner fixed to the bottom covers the footer's mark even when scrolled to the end (on a
    # page that scrolls smoothly: the check's own scrolling must be instant).
    "/cookie-banner": (f'<style>html{{scroll-behavior:smooth}}</style>{_QN}{_TALL}'
                       f'<footer style="padding-bottom:10px">{_MARK}</footer>'
                       '<div style="position:fixed;bottom:0;left:0;right:0;height:70px;background:#eee;'
                       'border-top:1px solid #999">We use cookies.</div>', "bottom"),
    # A sticky header: scrolled to the mark, the reader sees it whole below the header.
    "/sticky-header-clear": ('<header style="position:sticky;top:0;height:87px;background:#0B2545;z-index:5">'
                             f'</header>{_QN}{_TALL}<div style="padding:60px">{_MARK}</div>{_TALL}', None),
    # A transparent link laid over the mark hides nothing.
    "/transparent-overlay": (f'{_QN}<div style="position:relative;padding:60px;width:300px">{_MARK}'
                             '<a href="/apply" style="position:absolute;inset:0" aria-label="Apply"></a></div>',
                             None),
}


@pytest.fixture(scope="module")
def site() -> Iterator[Site]:
    routes = {path: page(body) for path, (body, _) in PAGES.items()}
    routes["/img/mark.png"] = Reply(mark_png(), "image/png")
    routes["/robots.txt"] = Reply(b"User-agent: *\nAllow: /\n", "text/plain")
    with serve(Site(routes=routes)) as served:
        yield served


@pytest.mark.parametrize("path", sorted(PAGES))
def test_covered_marks_are_cropped_with_the_hidden_side(scanner: WebScanner, site: Site, path: str) -> None:
    side = PAGES[path][1]
    result = scanner.scan(site.url(path)).result
    assert result.status == "ok", result.error
    desktop = [m for m in result.marks if m.page == 1]
    assert len(desktop) == 1, desktop
    cropped = [f for f in result.findings if f.rule == "cropped" and f.page == 1]
    if side is None:
        assert not cropped, [f.message for f in cropped]
        return
    assert len(cropped) == 1 and cropped[0].mark == desktop[0].id, [f.message for f in result.findings]
    details = cropped[0].details
    assert details["side"] == side
    assert 0.15 <= details["hidden_fraction"] <= 0.85
