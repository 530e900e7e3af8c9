"""Fixture sites built by code: a small college site, and pages that misuse the mark the way web authors do."""

from __future__ import annotations

import functools
import io

from htq_mark import generate
from htq_mark.register._example import EXAMPLE_ENTITLED_ID
from tests.web.server import Reply, Site

__all__ = ["college_site", "mark_png", "mark_svg", "page"]

ENTITLED_QN = EXAMPLE_ENTITLED_ID


@functools.lru_cache(maxsize=None)
def mark_png(variant: str = "colour", width: int = 300) -> bytes:
    """The approved mark as a PNG of this artwork width, without its clear space."""
    return generate(variant=variant, format="png", width=f"{width}px", clear_space=False).data


@functools.lru_cache(maxsize=None)
def mark_svg(variant: str = "colour") -> bytes:
    return generate(variant=variant, format="svg", width="300px", clear_space=False).data


@functools.lru_cache(maxsize=None)
def photo_png(width: int = 1200, height: int = 500) -> bytes:
    """A busy picture (noise and gradients) for hero images."""
    import numpy as np
    from PIL import Image

    rng = np.random.default_rng(7)
    base = np.linspace(40, 200, width, dtype=np.float64)[None, :, None] * np.ones((height, 1, 3))
    noisy = np.clip(base + rng.normal(0, 40, (height, width, 3)), 0, 255).astype(np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(noisy, "RGB").save(buffer, "PNG")
    return buffer.getvalue()


def page(body: str, title: str = "Course", head: str = "") -> Reply:
    """An HTML page with a plain white layout."""
    html = (f"<!doctype html><html lang=en><head><meta charset=utf-8><title>{title}</title>"
            "<style>body{margin:0;font:16px sans-serif;background:#fff;color:#111}"
            "main{padding:40px}</style>"
            f"{head}</head><body><main>{body}</main></body></html>")
    return Reply(html.encode())


def college_site(site: Site) -> Site:
    """A college: a home page, two course pages (one good, one with misuse), a PDF, robots.txt and a redirect."""
    from htq_mark import load_kit
    from tests.scanner._make import mark_fragment, pdf_pages, text_fragment

    prospectus = pdf_pages([mark_fragment(load_kit(), x=100, y=100, width=150)
                            + text_fragment(f"Digital HTQ, QN {ENTITLED_QN}", x=100, y=300)])
    site.routes.update({
        "/robots.txt": Reply(b"User-agent: *\nDisallow: /private/\n", "text/plain"),
        "/img/mark.png": Reply(mark_png(), "image/png"),
        "/img/mark.svg": Reply(mark_svg(), "image/svg+xml"),
        "/": page('<h1>Example College</h1><p><a href="/courses/htq-digital">Digital HTQ</a> '
                  '<a href="/courses/old">Old course</a> <a href="/private/staff">Staff</a> '
                  '<a href="/docs/prospectus.pdf">Prospectus</a> <a href="https://elsewhere.example/">x</a></p>',
                  "Home"),
        "/courses/htq-digital": page(
            f'<h1>Digital Technologies HTQ</h1><p>Higher Technical Qualification, QN {ENTITLED_QN}.</p>'
            '<div style="padding:60px"><img src="/img/mark.png" width="300" height="94" '
            'alt="Higher Technical Qualification quality mark"></div>', "Digital HTQ"),
        "/courses/old": Reply(b"", "text/html", 301, {"Location": "/courses/htq-digital-2"}),
        "/courses/htq-digital-2": page(
            f'<h1>Digital HTQ (2)</h1><p>QN {ENTITLED_QN}</p>'
            '<div style="padding:60px"><img src="/img/mark.png" style="width:100px"></div>', "Digital 2"),
        "/private/staff": page("<h1>Staff only</h1>"),
        "/docs/prospectus.pdf": Reply(prospectus, "application/pdf"),
    })
    return site


def _mark_block(style: str = "", attrs: str = 'alt="HTQ quality mark"', wrapper: str = "padding:60px",
                src: str = "/img/mark.png") -> str:
    return f'<div style="{wrapper}"><img src="{src}" style="width:300px;{style}" {attrs}></div>'


def _qn() -> str:
    return f"<p>Higher Technical Qualification, QN {ENTITLED_QN}.</p>"


#: Pages that each misuse the mark one way, as web authors do it: path -> (body, the rule it must trigger).
RULE_PAGES: dict[str, tuple[str, str]] = {
    "/rules/too-small": (_qn() + _mark_block("width:110px"), "too-small"),
    "/rules/distorted": (_qn() + _mark_block("height:60px"), "distorted"),
    "/rules/object-fit-fill": (_qn() + _mark_block("height:140px;object-fit:fill"), "distorted"),
    "/rules/rotated": (_qn() + _mark_block("transform:rotate(12deg)", wrapper="padding:90px"), "rotated"),
    "/rules/recoloured": (_qn() + _mark_block("filter:hue-rotate(150deg) saturate(3)"), "recoloured"),
    "/rules/clear-space": (_qn() + '<div style="padding:60px;display:flex;align-items:center">'
                           '<img src="/img/mark.png" style="width:300px" alt="HTQ quality mark">'
                           '<span style="font:bold 40px sans-serif;background:#c00;color:#fff;padding:10px">'
                           'APPLY NOW</span></div>', "clear-space"),
    "/rules/low-contrast": (_qn() + _mark_block(wrapper="padding:80px;background:#3a3a3a"), "low-contrast"),
    "/rules/cropped": (_qn() + '<div style="margin:60px;width:180px;overflow:hidden">'
                       '<img src="/img/mark.png" style="width:300px;display:block" alt="HTQ quality mark"></div>',
                       "cropped"),
    "/rules/low-resolution": (_qn() + _mark_block(src="/img/mark-small.png"), "low-resolution"),
    "/rules/missing-alt-text": (_qn() + _mark_block(attrs=""), "missing-alt-text"),
    "/rules/not-entitled": ("<p>Higher Technical Qualification, QN 999/9999/9.</p>" + _mark_block(), "not-entitled"),
    "/rules/no-qualification": ("<p>Our courses.</p>" + _mark_block(), "no-qualification"),
}


def rule_site(site: Site) -> Site:
    """The rule pages, the marks they use and a compliant page (with an inline SVG mark)."""
    site.routes.update({
        "/robots.txt": Reply(b"User-agent: *\nAllow: /\n", "text/plain"),
        "/img/mark.png": Reply(mark_png(), "image/png"),
        "/img/mark-small.png": Reply(mark_png(width=150), "image/png"),
        "/img/mark.svg": Reply(mark_svg(), "image/svg+xml"),
        "/compliant": page(_qn() + _mark_block() + '<div style="padding:60px">'
                           '<img src="/img/mark.svg" style="width:200px" alt="HTQ quality mark"></div>'),
    })
    for path, (body, _) in RULE_PAGES.items():
        site.routes[path] = page(body)
    return site
