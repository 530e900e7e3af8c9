"""Write the part of the evaluation set laid out by headless Chromium.

    python -m benchmarks.chromeset.generate --out DIR [--seed 0] [--force]

Every case is an A4 brochure page in HTML (a header band, columns of text, a
coloured panel, a picture) with one mark placed the way web and print authors
place it: an ``<img>``, inline ``<svg>`` or a CSS background. The mark is whole,
clipped by a box with ``overflow: hidden`` (25-45% hidden on one side), or
covered on one side by another box laid over it. Chromium lays the page out
and either prints it to PDF or screenshots it, re-encoded as JPEG or WebP;
a few pages hold no mark at all.

Labels come from the layout (the mark element's box, read from the DOM) and
are checked against the rendered pixels: the page is captured again with the
mark hidden, and the share of the mark's box that changes must be what the
label says is visible (within 3% of its width or height); a printed page,
rendered back, must show the mark where the screenshot does. A case whose
pixels disagree with its label stops the run. ``labels.json`` has the
evaluation set's format, so ``python benchmarks/evaluate.py DIR`` scores it.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import io
import json
import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from benchmarks.evalset.generate import ON_DATE
from benchmarks.evalset.labels import LABELS_SCHEMA, Case, ExpectedMark, ExpectedRule
from htq_mark._io import write_atomic
from htq_mark._version import __version__
from htq_mark.kit import Kit, load_kit
from htq_mark.register import default_register

__all__ = ["CONDITIONS", "MEDIA", "PLACEMENTS", "build", "main"]

PAGE_W, PAGE_H = 794, 1123                   # CSS px: A4 at 96 CSS px per inch
PT_PER_CSS_PX = 0.75                         # Chromium prints 96 CSS px to the inch
MM_PER_CSS_PX = 25.4 / 96
CONDITIONS = ("compliant", "overflow-clipped", "covered")
PLACEMENTS = ("img", "svg", "css-background")
MEDIA = ("pdf", "jpeg", "webp")
NO_MARK_CASES = 3
PIXEL_CHANGE = 24                            # RGB levels: a pixel the mark changes
PRINT_DIFFERENCE = 12.0                      # mean RGB levels by which print and screenshot may differ at the mark
LABEL_TOLERANCE = 0.03                       # the visible share the pixels show may differ this much
SLOT = (440, 560, 330, 420)                  # left, top, width, height of the empty panel the mark sits in
PANELS = {"colour": ("#f4f1ea", "#1b1b1b"), "white": ("#123a5a", "#ffffff")}
COVERS = ("#c2185b", "#2e7d32", "#6a1b9a", "#ef6c00", "#37474f")
WORDS = ("course", "students", "employers", "skills", "digital", "engineering", "level", "study", "campus",
         "project", "industry", "apply", "support", "learning", "technical", "career", "placement", "team")


@dataclass(frozen=True)
class Planned:
    """One case to lay out: where the mark goes, how, and what hides part of it."""

    index: int
    medium: str
    placement: str | None        # None: a page without a mark
    condition: str
    variant: str
    width_css: float
    left: float
    top: float
    side: str
    hidden: float                # share of the width (left/right) or height (top/bottom) hidden


def plan(seed: int) -> list[Planned]:
    """Every condition x placement x medium once, then pages without a mark, in a seeded order."""
    rng = np.random.default_rng([seed, 0xC4])
    combos = [(c, p, m) for c in CONDITIONS for p in PLACEMENTS for m in MEDIA]
    combos += [("no-mark", None, MEDIA[i % len(MEDIA)]) for i in range(NO_MARK_CASES)]
    order = rng.permutation(len(combos))
    planned = []
    for index, chosen in enumerate(order.tolist(), start=1):
        condition, placement, medium = combos[chosen]
        width = float(rng.uniform(160, 260))
        height = width / 3.2
        margin = 0.25 * height
        left = float(rng.uniform(SLOT[0] + margin, SLOT[0] + SLOT[2] - margin - width))
        top = float(rng.uniform(SLOT[1] + margin, SLOT[1] + SLOT[3] - margin - height))
        planned.append(Planned(index, medium, placement, condition, str(rng.choice(("colour", "white"))),
                               round(width, 1), round(left, 1), round(top, 1),
                               str(rng.choice(("left", "right", "top", "bottom"))), round(float(rng.uniform(0.25, 0.45)), 3)))
    return planned


def _words(rng: np.random.Generator, count: int) -> str:
    return " ".join(str(w) for w in rng.choice(WORDS, count)).capitalize() + "."


def _mark_element(p: Planned, kit: Kit, height: float, at: tuple[float, float]) -> str:
    svg = kit.artwork_for(p.variant).svg.decode("utf-8")
    style = f"position:absolute;left:{at[0]:.2f}px;top:{at[1]:.2f}px;width:{p.width_css}px;height:{height:.2f}px"
    uri = "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")
    if p.placement == "img":
        return f'<img id=mark alt="HTQ quality mark" src="{uri}" style="{style}">'
    if p.placement == "css-background":
        return f'<div id=mark role=img aria-label="HTQ quality mark" style="{style};background:url({uri}) 0 0/100% 100% no-repeat"></div>'
    inline = svg[svg.index("<svg"):]
    return inline.replace("<svg ", f'<svg id=mark style="{style}" ', 1)


def _hiding(p: Planned, height: float, rng: np.random.Generator) -> tuple[str, str]:
    """HTML before and after the mark element that clips or covers it (and the mark's offset inside a clip)."""
    width = p.width_css
    cut_x = p.hidden * width if p.side in ("left", "right") else 0.0
    cut_y = p.hidden * height if p.side in ("top", "bottom") else 0.0
    x0 = p.left + (cut_x if p.side == "left" else 0.0)
    y0 = p.top + (cut_y if p.side == "top" else 0.0)
    shown_w, shown_h = width - cut_x, height - cut_y
    if p.condition == "overflow-clipped":
        return (f'<div style="position:absolute;left:{x0:.2f}px;top:{y0:.2f}px;width:{shown_w:.2f}px;'
                f'height:{shown_h:.2f}px;overflow:hidden">', "</div>")
    pad = float(rng.uniform(0.05, 0.3)) * height
    colour = str(rng.choice(COVERS))
    if p.side in ("left", "right"):
        box = (p.left - pad if p.side == "left" else p.left + width - cut_x, p.top - pad, cut_x + pad, height + 2 * pad)
    else:
        box = (p.left - pad, p.top - pad if p.side == "top" else p.top + height - cut_y, width + 2 * pad, cut_y + pad)
    cover = (f'<div style="position:absolute;left:{box[0]:.2f}px;top:{box[1]:.2f}px;width:{box[2]:.2f}px;'
             f'height:{box[3]:.2f}px;background:{colour}"></div>')
    return "", cover


def page_html(p: Planned, kit: Kit, seed: int) -> str:
    """The brochure page of a planned case."""
    rng = np.random.default_rng([seed, p.index, 0x77])
    panel, ink = PANELS[p.variant]
    height = p.width_css / kit.aspect_ratio
    columns = "".join(f"<p>{_words(rng, int(rng.integers(25, 45)))}</p>" for _ in range(5))
    mark = ""
    if p.placement is not None:
        before, after = _hiding(p, height, rng) if p.condition != "compliant" else ("", "")
        if p.condition == "overflow-clipped":
            inner_left = p.left - (p.left + (p.hidden * p.width_css if p.side == "left" else 0.0))
            inner_top = p.top - (p.top + (p.hidden * height if p.side == "top" else 0.0))
            mark = before + _mark_element(p, kit, height, (inner_left, inner_top)) + after
        else:
            mark = _mark_element(p, kit, height, (p.left, p.top)) + after
    hue = int(rng.integers(0, 360))
    return ("<!doctype html><html lang=en><head><meta charset=utf-8><title>Prospectus</title><style>"
            f"@page{{size:{PAGE_W}px {PAGE_H}px;margin:0}}html,body{{margin:0;width:{PAGE_W}px;height:{PAGE_H}px;"
            "overflow:hidden;-webkit-print-color-adjust:exact;print-color-adjust:exact}"
            "body{position:relative;font:15px/1.45 sans-serif;color:#222;background:#fff}"
            f".band{{position:absolute;left:0;top:0;width:{PAGE_W}px;height:120px;background:hsl({hue},45%,35%)}}"
            ".band h1{margin:0;padding:36px 40px;color:#fff;font:bold 34px sans-serif}"
            ".text{position:absolute;left:40px;top:150px;width:360px}"
            f".panel{{position:absolute;left:{SLOT[0]}px;top:{SLOT[1]}px;width:{SLOT[2]}px;height:{SLOT[3]}px;"
            f"background:{panel}}}"
            f".photo{{position:absolute;left:440px;top:150px;width:330px;height:380px;"
            f"background:linear-gradient(160deg,hsl({(hue + 140) % 360},50%,60%),hsl({(hue + 200) % 360},40%,25%))}}"
            f".foot{{position:absolute;left:40px;top:1030px;width:714px;color:{ink if p.variant == 'colour' else '#222'}}}"
            "</style></head><body>"
            f"<div class=band><h1>{_words(rng, 3)[:-1].title()}</h1></div>"
            f"<div class=text>{columns}</div><div class=photo></div><div class=panel></div>{mark}"
            f"<p class=foot>{_words(rng, 18)}</p></body></html>")


@contextmanager
def _chromium() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    from htq_mark.web._browser import INSTALL_HINT, find_chromium

    executable = find_chromium()
    if executable is None:
        raise SystemExit(f"chromeset: {INSTALL_HINT}")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, headless=True,
                                             args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"])
        try:
            yield browser
        finally:
            browser.close()


def _rgb(png: bytes) -> np.ndarray[Any, Any]:
    from PIL import Image

    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=np.int16)


def _shown_share(before: np.ndarray[Any, Any], after: np.ndarray[Any, Any], box: tuple[float, float, float, float]
                 ) -> tuple[float, float]:
    """Shares of the box's width and height over which the mark changes the pixels."""
    x0, y0, x1, y1 = (int(round(v)) for v in box)
    changed = (np.abs(before[y0:y1, x0:x1] - after[y0:y1, x0:x1]).max(axis=2) > PIXEL_CHANGE)
    columns = np.flatnonzero(changed.any(axis=0))
    rows = np.flatnonzero(changed.any(axis=1))
    if not len(columns):
        return 0.0, 0.0
    return (columns[-1] - columns[0] + 1) / max(1, x1 - x0), (rows[-1] - rows[0] + 1) / max(1, y1 - y0)


def _check_label(p: Planned, shown: tuple[float, float]) -> None:
    expected_w = 1.0 - (p.hidden if p.condition != "compliant" and p.side in ("left", "right") else 0.0)
    expected_h = 1.0 - (p.hidden if p.condition != "compliant" and p.side in ("top", "bottom") else 0.0)
    if abs(shown[0] - expected_w) > LABEL_TOLERANCE or abs(shown[1] - expected_h) > LABEL_TOLERANCE:
        raise RuntimeError(f"case {p.index}: the rendered mark shows {shown[0]:.3f} x {shown[1]:.3f} of its box, "
                           f"the label says {expected_w:.3f} x {expected_h:.3f}")


def _encode(png: bytes, medium: str, rng: np.random.Generator) -> tuple[bytes, int]:
    from PIL import Image

    quality = int(rng.integers(70, 91))
    out = io.BytesIO()
    Image.open(io.BytesIO(png)).convert("RGB").save(out, "JPEG" if medium == "jpeg" else "WEBP", quality=quality)
    return out.getvalue(), quality


def _pdf_matches(pdf: bytes, screenshot: np.ndarray[Any, Any], box: tuple[float, float, float, float]) -> bool:
    """Whether the printed page, rendered back at 96 dpi, shows what the screenshot shows in ``box``."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf)
    try:
        rendered = np.asarray(document[0].render(scale=1 / PT_PER_CSS_PX).to_pil().convert("RGB"), dtype=np.int16)
    finally:
        document.close()
    x0, y0, x1, y1 = (int(round(v)) for v in box)
    if x0 < 1 or y0 < 1 or y1 + 1 > min(rendered.shape[0], screenshot.shape[0]) \
            or x1 + 1 > min(rendered.shape[1], screenshot.shape[1]):
        return False
    shown = screenshot[y0:y1, x0:x1]
    # Print and screen rasterise the same layout up to a fraction of a pixel apart.
    return min(float(np.abs(rendered[y0 + dy:y1 + dy, x0 + dx:x1 + dx] - shown).mean())
               for dx in (-1, 0, 1) for dy in (-1, 0, 1)) < PRINT_DIFFERENCE


def _make(browser: Any, p: Planned, kit: Kit, seed: int, out: Path) -> Case:
    html = page_html(p, kit, seed)
    rng = np.random.default_rng([seed, p.index, 0xE7])
    page = browser.new_page(viewport={"width": PAGE_W, "height": PAGE_H}, device_scale_factor=1)
    try:
        if p.medium == "pdf":
            page.emulate_media(media="print")
        page.set_content(html, wait_until="load")
        box: tuple[float, float, float, float] | None = None
        details: dict[str, Any] = {"placement": p.placement}
        shot = page.screenshot(type="png")
        if p.placement is not None:
            rect = page.eval_on_selector("#mark", "e => { const r = e.getBoundingClientRect();"
                                                  " return [r.left, r.top, r.right, r.bottom]; }")
            box = (float(rect[0]), float(rect[1]), float(rect[2]), float(rect[3]))
            page.eval_on_selector("#mark", "e => { e.style.visibility = 'hidden'; }")
            shown = _shown_share(_rgb(shot), _rgb(page.screenshot(type="png")), box)
            page.eval_on_selector("#mark", "e => { e.style.visibility = 'visible'; }")
            _check_label(p, shown)
            details["shown_share"] = [round(shown[0], 3), round(shown[1], 3)]
        if p.medium == "pdf":
            data = page.pdf(width=f"{PAGE_W}px", height=f"{PAGE_H}px", print_background=True,
                            margin={"top": "0", "right": "0", "bottom": "0", "left": "0"})
            if box is not None and not _pdf_matches(data, _rgb(shot), box):
                raise RuntimeError(f"case {p.index}: the printed page does not show the mark the screenshot shows")
            scale, unit, fmt, medium = PT_PER_CSS_PX, "pt", "pdf", "pdf-vector"
        else:
            data, quality = _encode(shot, p.medium, rng)
            details["quality"] = quality
            scale, unit, fmt, medium = 1.0, "px", p.medium, p.medium
    finally:
        page.close()
    condition = p.condition
    name = f"c{p.index:03d}-{condition}.{'jpg' if fmt == 'jpeg' else fmt}"
    write_atomic(out / "cases" / name, data)
    conditions = (condition, "chromium", p.medium) + ((p.placement,) if p.placement else ())
    marks: tuple[ExpectedMark, ...] = ()
    rules: tuple[ExpectedRule, ...] = ()
    if box is not None:
        x0, y0, x1, y1 = (v * scale for v in box)
        rule = () if condition == "compliant" else ("cropped",)
        marks = (ExpectedMark(page=1, corners=((x0, y0), (x1, y0), (x1, y1), (x0, y1)), variant=p.variant,
                              width=x1 - x0, height=y1 - y0, rotation_deg=0.0, aspect_ratio_error=0.0,
                              visible_fraction=1.0, source="vector" if fmt == "pdf" else "raster", rules=rule,
                              conditions=conditions,
                              width_mm=(box[2] - box[0]) * MM_PER_CSS_PX if fmt == "pdf" else None,
                              details={"side": p.side, "hidden_fraction": p.hidden} if rule else {}),)
        rules = tuple(ExpectedRule(r, "error", 1, 0) for r in rule)
    return Case(id=f"c{p.index:03d}", file=f"cases/{name}", format=fmt, medium=medium, condition=condition,
                conditions=conditions, unit=unit, pages=((PAGE_W * scale, PAGE_H * scale),), marks=marks,
                rules=rules, sha256=hashlib.sha256(data).hexdigest(), details=details)


def build(out: Path, seed: int) -> dict[str, Any]:
    """Lay out, render, check and write every case into ``out``; returns the labels."""
    kit = load_kit()
    (out / "cases").mkdir(parents=True, exist_ok=True)
    with _chromium() as browser:
        cases = [_make(browser, p, kit, seed, out) for p in plan(seed)]
    labels = {"schema": LABELS_SCHEMA, "generator": {"name": "htq-mark chromeset", "version": __version__},
              "seed": seed, "size": "chromium", "on_date": ON_DATE.isoformat(),
              "kit": {"name": kit.name, "version": kit.version, "sha256": kit.sha256},
              "register": {"source": "embedded", "sha256": default_register().provenance.sha256},
              "target_conditions": list(CONDITIONS),
              "matching": "as the evaluation set (benchmarks/evaluate.py)",
              "cases": [c.to_dict() for c in cases]}
    write_atomic(out / "labels.json", (json.dumps(labels, indent=1) + "\n").encode("utf-8"))
    return labels


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.chromeset.generate", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, required=True, help="folder to write the cases and labels.json into")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--force", action="store_true", help="replace the folder's cases if it has some")
    args = parser.parse_args(argv)
    if (args.out / "labels.json").exists() or any((args.out / "cases").glob("*")):
        if not args.force:
            print(f"chromeset: {args.out} already holds cases; use --force to replace them", file=sys.stderr)
            return 2
        shutil.rmtree(args.out / "cases", ignore_errors=True)
        (args.out / "labels.json").unlink(missing_ok=True)
    labels = build(args.out, args.seed)
    print(f"chromeset: {len(labels['cases'])} cases in {args.out} (seed {args.seed})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
