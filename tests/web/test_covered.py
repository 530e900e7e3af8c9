"""``cropped`` for a mark covered by fixed or sticky content wherever the page is scrolled to show it."""

from __future__ import annotations

import urllib.request
from collections.abc import Iterator

import pytest

from htq_mark import DEFAULT_LIMITS
from htq_mark.web import VIEWPORTS, Browser, WebScanner
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
    # A banner that lets clicks through (pointer-events: none) still hides what it is over.
    "/click-through-banner": ('<div style="position:fixed;top:0;left:0;right:0;height:60px;background:#7a1f1f;'
                              f'pointer-events:none;z-index:5"></div>{_MARK}{_QN}{_TALL}', "top"),
    # A fixed bar 12 px wide (a twenty-fifth of the mark) over the mark's left part, 12 px in.
    "/thin-side-bar": ('<div style="position:fixed;top:0;bottom:0;left:52px;width:12px;background:#0B2545;'
                       f'z-index:5"></div>{_MARK}{_QN}{_TALL}', "left"),
    # Transparent layers that let clicks through (a particle canvas, an icon layer, a faded picture)
    # hide nothing.
    "/click-through-canvas": (f'{_QN}<div style="position:relative;padding:60px;width:300px">{_MARK}'
                              '<canvas width="420" height="214" style="position:absolute;inset:0;'
                              'pointer-events:none"></canvas></div>', None),
    "/click-through-faded-picture": (f'{_QN}<div style="position:relative;padding:60px;width:300px">{_MARK}'
                                     '<img src="/img/mark.png" alt="" style="position:absolute;left:60px;top:60px;'
                                     'width:300px;opacity:0;pointer-events:none"></div>', None),
    # A fixed backdrop behind all content does not cover the mark, even where a badge does.
    "/fixed-backdrop": ('<div style="position:fixed;inset:0;background:#e8eef5;z-index:-1"></div>'
                        f'<div style="position:relative;width:300px;margin:40px">{_MARK}'
                        '<span style="position:absolute;left:140px;top:42px;width:20px;height:10px;'
                        f'background:#c00"></span></div>{_QN}{_TALL}', None),
}


#: path -> the range the reported hidden share must fall in (the default: 0.15-0.85)
HIDDEN: dict[str, tuple[float, float]] = {path: (0.15, 0.85) for path in PAGES} | {
    "/thin-side-bar": (0.02, 0.08),  # 12 of 300 px hidden: 0.04
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
    assert HIDDEN[path][0] <= details["hidden_fraction"] <= HIDDEN[path][1]


@pytest.mark.parametrize("path", sorted(PAGES))
def test_the_page_itself_says_how_much_of_the_mark_is_covered(site: Site, path: str) -> None:
    """The DOM's own measure, which names the element, whatever the screenshot shows."""
    url = site.url(path)
    browser = Browser()
    try:
        body = urllib.request.urlopen(url, timeout=30).read()
        rendering = browser.render(url, body, "text/html", VIEWPORTS[0], DEFAULT_LIMITS, allow_private=True)
    finally:
        browser.close()
    mark = next(element for element in rendering.facts.elements if element.src and element.src.endswith("/mark.png"))
    if PAGES[path][1] is None:  # at most what cropped tolerates (a badge laid over a corner)
        assert mark.covered <= 0.02
        return
    low, high = HIDDEN[path]
    assert low <= mark.covered <= high
    assert mark.hidden_side == PAGES[path][1]
