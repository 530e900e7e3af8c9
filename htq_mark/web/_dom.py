"""What the page's DOM says about the pictures on it, gathered by one script run in the page.

Every ``img`` (also inside ``picture``), outermost inline ``svg``, ``object``,
``embed``, ``input type=image`` and element with a CSS background image, with
its box in CSS px of the full page, the part of it left visible by clipping
ancestors and the viewport, its intrinsic size, CSS transform, filter and
``object-fit``, its accessible name and a CSS selector for it, and what a
reader scrolling the page sees of it: the share that content laid over it (a
fixed or sticky header, a banner) covers at every scroll position bringing it
into view. Also the page's visible text and the links on it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


__all__ = ["COLLECT_SCRIPT", "PageElement", "PageFacts", "SETTLE_SCRIPT", "page_facts"]

#: Scrolls through the page so lazy images load, waits for fonts and images, returns the full height.
SETTLE_SCRIPT = """
async ({maxHeight, stepMs, maxSteps}) => {
  const pause = ms => new Promise(done => setTimeout(done, ms));
  const height = () => Math.max(document.documentElement.scrollHeight, document.body ? document.body.scrollHeight : 0);
  let steps = 0;
  for (let y = 0; y < height() && y <= maxHeight && steps < maxSteps; y += window.innerHeight, steps++) {
    window.scrollTo({left: 0, top: y, behavior: 'instant'});
    await pause(stepMs);
  }
  window.scrollTo({left: 0, top: 0, behavior: 'instant'});
  const images = Array.from(document.images).filter(i => !i.complete).slice(0, 200);
  const settled = Promise.all([document.fonts ? document.fonts.ready : null,
                               ...images.map(i => i.decode().catch(() => null))]);
  await Promise.race([settled, pause(2000)]);
  await pause(stepMs);
  return height();
}
"""

COLLECT_SCRIPT = """
async ({maxElements, maxLinks, maxText, maxCoverage}) => {
  const sx = window.scrollX, sy = window.scrollY, viewWidth = document.documentElement.clientWidth;
  const unique = sel => { try { return document.querySelectorAll(sel).length === 1; } catch (e) { return false; } };
  function selectorOf(el) {
    const parts = [];
    for (let node = el; node && node.nodeType === 1; node = node.parentElement) {
      if (node.id && unique('#' + CSS.escape(node.id))) { parts.unshift('#' + CSS.escape(node.id)); break; }
      let part = node.localName;
      const parent = node.parentElement;
      if (parent) {
        const same = Array.from(parent.children).filter(c => c.localName === node.localName);
        if (same.length > 1) part += ':nth-of-type(' + (same.indexOf(node) + 1) + ')';
      }
      parts.unshift(part);
    }
    return parts.join(' > ');
  }
  const clean = t => (t || '').replace(/\\s+/g, ' ').trim();
  function accessibleName(el) {
    const label = clean(el.getAttribute('aria-label'));
    if (label) return label;
    const by = el.getAttribute('aria-labelledby');
    if (by) {
      const text = clean(by.split(/\\s+/).map(id => document.getElementById(id)).filter(Boolean)
                            .map(n => n.textContent).join(' '));
      if (text) return text;
    }
    if (['img', 'input', 'area'].includes(el.localName)) {
      const alt = clean(el.getAttribute('alt'));
      if (alt) return alt;
    }
    if (el.localName === 'svg') {
      const title = el.querySelector(':scope > title');
      if (title && clean(title.textContent)) return clean(title.textContent);
    }
    return clean(el.getAttribute('title'));
  }
  function visibleBox(el, r) {
    let x0 = r.left, y0 = r.top, x1 = r.right, y1 = r.bottom;
    for (let p = el.parentElement; p && p !== document.documentElement; p = p.parentElement) {
      const s = getComputedStyle(p);
      if (s.overflowX === 'visible' && s.overflowY === 'visible' && s.clipPath === 'none') continue;
      const q = p.getBoundingClientRect();
      if (s.overflowX !== 'visible' || s.clipPath !== 'none') { x0 = Math.max(x0, q.left); x1 = Math.min(x1, q.right); }
      if (s.overflowY !== 'visible' || s.clipPath !== 'none') { y0 = Math.max(y0, q.top); y1 = Math.min(y1, q.bottom); }
    }
    x0 = Math.max(x0, -sx); x1 = Math.min(x1, viewWidth - sx); y0 = Math.max(y0, -sy);
    if (x1 <= x0 || y1 <= y0) return [0, 0, 0, 0];
    return [x0 + sx, y0 + sy, x1 + sx, y1 + sy];
  }
  async function pictureSize(url) {
    const picture = new Image();
    picture.src = url;
    try { await Promise.race([picture.decode(), new Promise((_, no) => setTimeout(no, 500))]); }
    catch (e) { return [0, 0]; }
    return [picture.naturalWidth, picture.naturalHeight];
  }
  const viewHeight = window.innerHeight;
  const pageHeight = Math.max(document.documentElement.scrollHeight, document.body ? document.body.scrollHeight : 0);
  const lowestScroll = Math.max(0, pageHeight - viewHeight);
  const replaced = ['img', 'video', 'canvas', 'iframe', 'svg', 'object', 'embed', 'picture', 'input'];
  function paints(node) {
    const s = getComputedStyle(node);
    if (s.visibility === 'hidden' || parseFloat(s.opacity) < 0.5) return false;
    if (replaced.includes(node.localName)) return true;
    if (s.backgroundImage && s.backgroundImage !== 'none') return true;
    const colour = /rgba?\\(([^)]*)\\)/.exec(s.backgroundColor || '');
    if (!colour) return false;
    const parts = colour[1].split(/[\\s,\\/]+/).filter(Boolean);
    return parts.length < 4 || parseFloat(parts[3]) >= 0.5;
  }
  // At a point of the viewport: true when something that paints lies over the element, false when the
  // element is on top, null when the element is not there (a turned element's corners).
  function coveredAt(el, x, y) {
    const stack = document.elementsFromPoint(x, y);
    const at = stack.findIndex(node => node === el || el.contains(node));
    return at < 0 ? null : stack.slice(0, at).some(paints);
  }
  // Whether ``cover`` (or something inside it) is drawn above the element at a point of the viewport.
  function above(el, cover, x, y) {
    const stack = document.elementsFromPoint(x, y);
    const at = stack.findIndex(node => node === el || el.contains(node));
    const over = stack.findIndex(node => node === cover || cover.contains(node));
    return at >= 0 && over >= 0 && over < at
      && stack.slice(over, at).some(node => (node === cover || cover.contains(node)) && paints(node));
  }
  // Hit testing skips what lets clicks through (pointer-events: none), yet a reader cannot see through
  // a box that paints a background: such boxes, and the element itself, take part while coverage is read.
  function hitTestable(nodes) {
    const saved = nodes.map(node => [node, node.style.getPropertyValue('pointer-events'),
                                     node.style.getPropertyPriority('pointer-events')]);
    for (const node of nodes) node.style.setProperty('pointer-events', 'auto', 'important');
    return () => {
      for (const [node, value, priority] of saved) {
        if (value) node.style.setProperty('pointer-events', value, priority);
        else node.style.removeProperty('pointer-events');
      }
    };
  }
  // What a reader scrolling the page sees of the element: the share of its box covered at every scroll
  // that brings it into view (a fixed or sticky header, a banner), and the side where its hidden part is.
  // Hit tests on a coarse grid find what lies over it; the boxes of fixed and sticky elements found to
  // lie over it are counted exactly, so a bar thinner than the grid's step is not missed. The share is
  // counted on a fine grid.
  function coverage(el, item) {
    const [x0, y0, x1, y1] = item.box, [v0, w0, v1, w1] = item.visible;
    const across = 16, down = 8, tall = y1 - y0, wide = x1 - x0;
    const scrolls = Array.from(new Set([y0 - (viewHeight - tall) / 2, y0, y1 - viewHeight]
      .map(y => Math.round(Math.min(lowestScroll, Math.max(0, y))))));
    const inView = (x, y, scroll) => !(x < v0 || x > v1 || y < w0 || y > w1) && x - sx >= 0 && x - sx < viewWidth
      && y - scroll >= 0 && y - scroll < viewHeight;
    const seen = [];  // per scroll: the coarse cells covered there, and the covering boxes (page px)
    const open = new Uint8Array(across * down);
    const restore = hitTestable([el, ...clickThrough]);
    try {
      for (const scroll of scrolls) {
        window.scrollTo({left: sx, top: scroll, behavior: 'instant'});  // not smoothly: read at once
        const cells = new Uint8Array(across * down), boxes = [];
        for (let k = 0; k < across * down; k++) {
          if (open[k]) continue;  // seen uncovered at an earlier scroll: no need to look again
          const x = x0 + ((k % across) + 0.5) / across * wide, y = y0 + (Math.floor(k / across) + 0.5) / down * tall;
          if (!inView(x, y, scroll)) continue;
          if (coveredAt(el, x - window.scrollX, y - window.scrollY) === true) cells[k] = 1; else open[k] = 1;
        }
        for (const cover of pinned) {
          if (cover === el || cover.contains(el) || el.contains(cover)) continue;
          const r = cover.getBoundingClientRect();
          const c0 = Math.max(x0, r.left + window.scrollX), c1 = Math.min(x1, r.right + window.scrollX);
          const d0 = Math.max(y0, r.top + window.scrollY), d1 = Math.min(y1, r.bottom + window.scrollY);
          if (c1 <= c0 || d1 <= d0 || !inView((c0 + c1) / 2, (d0 + d1) / 2, scroll)) continue;
          const cx = (c0 + c1) / 2 - window.scrollX, cy = (d0 + d1) / 2 - window.scrollY;
          if (above(el, cover, cx, cy)) boxes.push([c0, d0, c1, d1]);
        }
        seen.push({scroll, cells, boxes});
      }
    } finally {
      restore();
    }
    // Without covering boxes the coarse cells say it all.
    const [fineAcross, fineDown] = seen.some(s => s.boxes.length) ? [80, 32] : [across, down];
    let covered = 0, hiddenX = 0, hiddenY = 0, hidden = 0;
    for (let k = 0; k < fineAcross * fineDown; k++) {
      const fx = ((k % fineAcross) + 0.5) / fineAcross, fy = (Math.floor(k / fineAcross) + 0.5) / fineDown;
      const x = x0 + fx * wide, y = y0 + fy * tall, coarse = Math.floor(fy * down) * across + Math.floor(fx * across);
      let judged = false, shown = false;
      for (const {scroll, cells, boxes} of seen) {
        if (!inView(x, y, scroll)) continue;
        judged = true;
        const underBox = boxes.some(([c0, d0, c1, d1]) => x >= c0 && x < c1 && y >= d0 && y < d1);
        if (!cells[coarse] && !underBox) { shown = true; break; }
      }
      const cut = x < v0 || x > v1 || y < w0 || y > w1;
      if (judged && !shown) covered++;
      if (cut || (judged && !shown)) { hidden++; hiddenX += fx - 0.5; hiddenY += fy - 0.5; }
    }
    let side = null;
    if (hidden) side = Math.abs(hiddenX) >= Math.abs(hiddenY) ? (hiddenX < 0 ? 'left' : 'right') : (hiddenY < 0 ? 'top' : 'bottom');
    return {covered: covered / (fineAcross * fineDown), side};
  }
  // ``pinned``: fixed and sticky boxes that paint; ``clickThrough``: boxes painting a background that
  // let clicks through. Both are gathered from the whole page, past the last picture counted.
  const found = [], nodes = [], pinned = [], clickThrough = [];
  const all = document.querySelectorAll('*');
  for (let i = 0; i < all.length; i++) {
    const el = all[i];
    const name = el.localName;
    const style = getComputedStyle(el);
    if ((style.position === 'fixed' || style.position === 'sticky') && paints(el)) pinned.push(el);
    if (style.pointerEvents === 'none' && !replaced.includes(name) && paints(el)) clickThrough.push(el);
    if (found.length >= maxElements) continue;
    let kind = null, src = null, natural = [0, 0];
    if (name === 'img') { kind = 'img'; src = el.currentSrc || el.src || null; natural = [el.naturalWidth, el.naturalHeight]; }
    else if (name === 'svg' && !(el.parentElement && el.parentElement.closest('svg'))) {
      kind = 'svg';
      const box = el.viewBox && el.viewBox.baseVal;
      if (box && box.width && box.height) natural = [box.width, box.height];
    }
    else if (name === 'object') { kind = 'object'; src = el.data || null; }
    else if (name === 'embed') { kind = 'embed'; src = el.src || null; }
    else if (name === 'input' && (el.type || '').toLowerCase() === 'image') { kind = 'input'; src = el.src || null; }
    let background = null;
    const match = /url\\(["']?([^"')]+)["']?\\)/.exec(style.backgroundImage || '');
    if (match && kind === null) { kind = 'background'; src = new URL(match[1], document.baseURI).href; background = src; }
    if (kind === null) continue;
    const r = el.getBoundingClientRect();
    if (r.width < 1 || r.height < 1 || style.visibility === 'hidden' || style.display === 'none') continue;
    if (background) natural = await pictureSize(background);
    // From srcset (or a picture's source) the natural size is divided by the chosen density: the file's pixels.
    if (kind === 'img' && src && (el.srcset || (el.parentElement && el.parentElement.localName === 'picture'))) {
      const file = await pictureSize(src);
      if (file[0] > 0) natural = file;
    }
    found.push({
      kind, src, selector: selectorOf(el),
      box: [r.left + sx, r.top + sy, r.right + sx, r.bottom + sy],
      layout: [el.offsetWidth === undefined ? r.width : el.offsetWidth,
               el.offsetHeight === undefined ? r.height : el.offsetHeight],
      visible: visibleBox(el, r),
      natural, accessibleName: accessibleName(el),
      decorative: el.getAttribute('alt') === '' || el.getAttribute('role') === 'presentation' || el.getAttribute('aria-hidden') === 'true',
      transform: style.transform, filter: style.filter, objectFit: style.objectFit, opacity: parseFloat(style.opacity),
      backgroundSize: style.backgroundSize,
      widthAttr: el.getAttribute('width'), heightAttr: el.getAttribute('height'),
      covered: 0, hiddenSide: null,
    });
    nodes.push(el);
  }
  let judged = 0;
  for (let i = 0; i < found.length && judged < maxCoverage; i++) {
    const item = found[i], [x0, y0, x1, y1] = item.visible;
    if (x1 - x0 < 16 || y1 - y0 < 8) continue;
    judged++;
    const seen = coverage(nodes[i], item);
    item.covered = seen.covered;
    item.hiddenSide = seen.side;
  }
  window.scrollTo({left: sx, top: sy, behavior: 'instant'});
  const links = [];
  for (const a of document.querySelectorAll('a[href], area[href]')) {
    if (links.length >= maxLinks) break;
    try { links.push(new URL(a.getAttribute('href'), document.baseURI).href); } catch (e) {}
  }
  const text = (document.body ? document.body.innerText : '').slice(0, maxText);
  return {elements: found, links, text, url: location.href, title: document.title,
          width: document.documentElement.clientWidth};
}
"""


@dataclass(frozen=True)
class PageElement:
    """One picture-showing element: where it is (CSS px of the full page) and how it is drawn."""

    kind: str
    src: str | None
    selector: str
    box: tuple[float, float, float, float]
    visible: tuple[float, float, float, float]
    #: Width and height as laid out, before CSS transforms (which turn or scale ``box``).
    layout: tuple[float, float]
    natural: tuple[float, float]
    accessible_name: str
    decorative: bool
    transform: str
    filter: str
    object_fit: str
    opacity: float
    #: Share of the box that other content (a fixed or sticky header, a banner) lies over at every
    #: scroll position that brings the element into view.
    covered: float = 0.0
    #: Where the hidden part (clipped, off the page or covered) lies: left, right, top or bottom.
    hidden_side: str | None = None

    @property
    def visible_fraction(self) -> float:
        """Share of the element's box left visible by clipping ancestors and the page's edges."""
        x0, y0, x1, y1 = self.box
        v0, w0, v1, w1 = self.visible
        whole = max(0.0, x1 - x0) * max(0.0, y1 - y0)
        return 0.0 if whole <= 0 else max(0.0, v1 - v0) * max(0.0, w1 - w0) / whole

    @property
    def hidden_fraction(self) -> float:
        """Share of the box a reader never sees: clipped, off the page, or covered."""
        return min(1.0, 1.0 - self.visible_fraction + self.covered)


@dataclass(frozen=True)
class PageFacts:
    """What the DOM script returned."""

    url: str
    title: str
    text: str
    links: tuple[str, ...]
    elements: tuple[PageElement, ...]


def _box(value: Any) -> tuple[float, float, float, float]:
    x0, y0, x1, y1 = (float(v) for v in value)
    return (x0, y0, x1, y1)


def page_facts(raw: Mapping[str, Any]) -> PageFacts:
    """The script's JSON answer as typed records."""
    elements = tuple(
        PageElement(kind=str(e["kind"]), src=e.get("src") or None, selector=str(e["selector"]),
                    box=_box(e["box"]), visible=_box(e["visible"]),
                    layout=(float(e["layout"][0] or 0), float(e["layout"][1] or 0)),
                    natural=(float(e["natural"][0] or 0), float(e["natural"][1] or 0)),
                    accessible_name=str(e.get("accessibleName") or ""), decorative=bool(e.get("decorative")),
                    transform=str(e.get("transform") or "none"), filter=str(e.get("filter") or "none"),
                    object_fit=str(e.get("objectFit") or "fill"), opacity=float(e.get("opacity") or 1.0),
                    covered=float(e.get("covered") or 0.0), hidden_side=e.get("hiddenSide") or None)
        for e in raw.get("elements", ()))
    return PageFacts(url=str(raw.get("url", "")), title=str(raw.get("title", "")), text=str(raw.get("text", "")),
                     links=tuple(str(link) for link in raw.get("links", ())), elements=elements)
