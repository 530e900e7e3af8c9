"""Build the web evaluation set: a folder of pages, the marks they use, and ``labels.json``.

    python -m benchmarks.webset.generate OUT

Every page is 1280 CSS px wide with one scene on a plain, busy (fine stripes)
or photographic background: compliant marks at several widths (PNG and SVG),
each misuse done the way web authors do it (CSS width, height, transform,
filter, overflow, an upscaled small PNG, no alt text, an edited picture, text
in the clear space, the wrong variant on a dark panel, qualification text),
decoy badges and pages that only name HTQs. Labels use the file set's format
(``benchmarks/evaluate.py`` scores them) with boxes in CSS px of the desktop
viewport (page 1); the mobile viewport is not labelled.
"""

from __future__ import annotations

import argparse
import io
import json
import math
import sys
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

__all__ = ["BACKGROUNDS", "MISUSES", "build"]

ON_DATE = "2026-06-01"
ENTITLED_QN = "999/1001/9"
NOT_ENTITLED_QN = "999/9999/9"
AT = (420, 320)
BACKGROUNDS = {
    "plain": ("background:#ffffff", "colour"),
    "busy": ("background:repeating-linear-gradient(45deg,#ffffff 0 10px,#f2f2f2 10px 20px)", "colour"),
    "photo": ("background:url(/img/photo.png) center/cover", "white"),
}
COMPLIANT_WIDTHS = (160, 220, 300, 440)
#: misuse -> (rule, severity, rules also allowed on that page)
MISUSES: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "too-small": ("too-small", "error", ()),
    "distorted": ("distorted", "error", ()),
    "rotated": ("rotated", "error", ("clear-space",)),
    "recoloured": ("recoloured", "error", ("low-contrast", "altered-artwork")),
    "clear-space": ("clear-space", "error", ()),
    "low-contrast": ("low-contrast", "error", ()),
    "cropped": ("cropped", "error", ("altered-artwork",)),
    "low-resolution": ("low-resolution", "error", ()),
    "missing-alt-text": ("missing-alt-text", "info", ()),
    "altered-artwork": ("altered-artwork", "error", ("cropped", "recoloured")),
    "not-entitled": ("not-entitled", "error", ("no-qualification",)),
    "no-qualification": ("no-qualification", "warning", ()),
}
DECOYS = {
    "badge": '<div style="position:absolute;left:420px;top:320px;width:300px;height:94px;background:#0B2545;'
             'border-radius:14px;color:#FFB300;font:bold 44px sans-serif;text-align:center;line-height:94px">'
             'QUALITY</div>',
    "iso": '<div style="position:absolute;left:420px;top:300px;width:150px;height:150px;border-radius:50%;'
           'border:8px solid #0B2545;color:#0B2545;font:bold 30px sans-serif;text-align:center;'
           'line-height:150px">ISO 9001</div>',
    "htq-text": '<h2 style="position:absolute;left:420px;top:320px;font:bold 64px sans-serif;color:#0B2545">'
                'HTQ</h2>',
    "navy-box": '<div style="position:absolute;left:420px;top:320px;width:300px;height:94px;background:#0B2545">'
                '<span style="color:#fff;font:bold 40px serif;padding:20px;display:block">Higher Tech</span></div>',
    "names-only": '<p style="position:absolute;left:420px;top:320px;font:22px sans-serif;width:600px">Our Higher '
                  'Technical Qualifications (HTQs) are approved by Ofqual; see each course page.</p>',
}


def _png(variant: str, width: int, *, edit: bool = False) -> tuple[bytes, int]:
    from PIL import Image, ImageDraw

    from htq_mark import generate

    # The generator refuses widths below the minimum: smaller files are the 300 px one scaled down.
    asset = generate(variant=variant, format="png", width=f"{max(width, 300)}px", clear_space=False)
    picture = Image.open(io.BytesIO(asset.data)).convert("RGBA")
    if width < 300:
        picture = picture.resize((width, round(picture.height * width / picture.width)), Image.Resampling.LANCZOS)
    height = picture.height
    if not edit and width >= 300:
        return asset.data, height
    if edit:
        w, h = picture.size
        ImageDraw.Draw(picture).ellipse((w * 0.35, h * 0.15, w * 0.6, h * 0.85), fill=(200, 30, 30, 255))
    out = io.BytesIO()
    picture.save(out, "PNG")
    return out.getvalue(), height


def _photo() -> bytes:
    import numpy as np
    from PIL import Image

    rng = np.random.default_rng(11)
    small = rng.normal(55, 18, (45, 80, 3))
    big = Image.fromarray(np.clip(small, 0, 255).astype(np.uint8), "RGB").resize((1280, 720),
                                                                                 Image.Resampling.BICUBIC)
    out = io.BytesIO()
    big.save(out, "PNG")
    return out.getvalue()


def _page(background: str, body: str, text: str) -> str:
    return ("<!doctype html><html lang=en><head><meta charset=utf-8><title>Course</title><style>"
            "body{margin:0;font:16px sans-serif}.stage{position:relative;width:1280px;height:900px;"
            f"{background}}}.words{{position:absolute;left:40px;top:30px;width:700px;padding:10px;"
            "background:#fff;color:#111}</style></head><body><div class=stage>"
            f'<p class=words>{text}</p>{body}</div></body></html>')


def _img(src: str, width: float, height: float, *, style: str = "", alt: str = 'alt="HTQ quality mark"',
         at: tuple[float, float] = AT) -> str:
    return (f'<img src="{src}" {alt} style="position:absolute;left:{at[0]}px;top:{at[1]}px;width:{width}px;'
            f'height:{height}px;{style}">')


def _box(width: float, height: float, at: tuple[float, float] = AT, turn: float = 0.0) -> list[float]:
    cx, cy = at[0] + width / 2, at[1] + height / 2
    t = math.radians(turn)
    w = abs(width * math.cos(t)) + abs(height * math.sin(t))
    h = abs(width * math.sin(t)) + abs(height * math.cos(t))
    return [round(cx - w / 2, 2), round(cy - h / 2, 2), round(cx + w / 2, 2), round(cy + h / 2, 2)]


def build(out: Path) -> dict[str, Any]:
    """Write the set into ``out`` and return its labels."""
    (out / "img").mkdir(parents=True, exist_ok=True)
    (out / "pages").mkdir(exist_ok=True)
    (out / "img" / "photo.png").write_bytes(_photo())
    cases: list[dict[str, Any]] = []
    entitled = f"Higher Technical Qualification in Digital, QN {ENTITLED_QN}."

    def image(variant: str, width: int, edit: bool = False) -> tuple[str, int]:
        name = f"mark-{variant}-{width}{'-edited' if edit else ''}.png"
        data, height = _png(variant, width, edit=edit)
        (out / "img" / name).write_bytes(data)
        return f"/img/{name}", height

    def add(case_id: str, background: str, condition: str, body: str, text: str,
            marks: list[dict[str, Any]], rules: list[dict[str, Any]], allowed: tuple[str, ...] = ()) -> None:
        (out / "pages" / f"{case_id}.html").write_text(_page(BACKGROUNDS[background][0] if background else
                                                             "background:#fff", body, text), encoding="utf-8")
        cases.append({"id": case_id, "file": f"pages/{case_id}.html", "condition": condition,
                      "conditions": [c for c in (background, condition) if c], "medium": "web", "unit": "px",
                      "marks": marks, "rules": rules, "details": {"also_allowed": list(allowed)}})

    for background, (_, variant) in BACKGROUNDS.items():
        svg = generate_svg(out, variant)
        for width in COMPLIANT_WIDTHS:
            src, height = image(variant, width)
            add(f"{background}-compliant-{width}", background, "compliant", _img(src, width, height), entitled,
                [{"page": 1, "bbox": _box(width, height), "conditions": ["png"], "rules": [], "width": width}], [])
        height_svg = 300 * 94 / 300
        add(f"{background}-compliant-svg", background, "compliant", _img(svg, 300, height_svg), entitled,
            [{"page": 1, "bbox": _box(300, height_svg), "conditions": ["svg"], "rules": [], "width": 300}], [])
        for misuse, (rule, severity, allowed) in MISUSES.items():
            width, text, style, alt = 300, entitled, "", 'alt="HTQ quality mark"'
            src, height = image(variant, 300)
            shown_height, turn, body_extra, wrapped = float(height), 0.0, "", None
            if misuse == "too-small":
                width = 110
                src, height = image(variant, 110)
                shown_height = float(height)
            elif misuse == "distorted":
                shown_height = height * 1.25
            elif misuse == "rotated":
                turn = 8.0
                style = f"transform:rotate({turn}deg)"
            elif misuse == "recoloured":
                style = "filter:sepia(1) saturate(8) hue-rotate(70deg)"
            elif misuse == "clear-space":
                body_extra = (f'<span style="position:absolute;left:{AT[0] + width + 4}px;top:{AT[1] + 10}px;'
                              'background:#c00;color:#fff;font:bold 40px sans-serif;padding:8px">APPLY</span>')
            elif misuse == "low-contrast":
                src, height = image("colour", 300) if variant == "white" else image("white", 300)
                shown_height = float(height)
                if variant == "colour":
                    # The white variant on a white page cannot be seen at all; a light grey panel is the
                    # realistic case (the colour one on a dark panel is covered by the photo background).
                    body_extra = (f'<div style="position:absolute;left:{AT[0] - 80}px;top:{AT[1] - 80}px;'
                                  f'width:{width + 160}px;height:{height + 160}px;background:#d9d9d9"></div>')
            elif misuse == "cropped":
                wrapped = int(width * 0.7)
            elif misuse == "low-resolution":
                src, _ = image(variant, 100)
            elif misuse == "missing-alt-text":
                alt = ""
            elif misuse == "altered-artwork":
                src, height = image(variant, 300, edit=True)
            elif misuse == "not-entitled":
                text = f"Higher Technical Qualification in Digital, QN {NOT_ENTITLED_QN}."
            elif misuse == "no-qualification":
                text = "Study digital technologies with us."
            if wrapped is not None:
                body = (f'<div style="position:absolute;left:{AT[0]}px;top:{AT[1]}px;width:{wrapped}px;'
                        f'height:{shown_height}px;overflow:hidden">'
                        f'<img src="{src}" {alt} style="width:{width}px;height:{shown_height}px;display:block">'
                        "</div>")
            else:
                body = body_extra + _img(src, width, shown_height, style=style, alt=alt)
            mark = {"page": 1, "bbox": _box(width, shown_height, turn=turn), "conditions": [misuse],
                    "rules": [rule], "width": width}
            add(f"{background}-{misuse}", background, misuse, body, text, [mark],
                [{"rule": rule, "page": 1, "mark": 0, "severity": severity}], allowed)
    for name, body in DECOYS.items():
        add(f"decoy-{name}", "", f"decoy-{name}", body, "Apply for September.", [], [])
    labels = {"size": "web", "seed": 0, "on_date": ON_DATE, "cases": cases,
              "target_conditions": ["compliant", *MISUSES]}
    (out / "labels.json").write_text(json.dumps(labels, indent=1), encoding="utf-8")
    return labels


def generate_svg(out: Path, variant: str) -> str:
    from htq_mark import generate

    name = f"mark-{variant}.svg"
    (out / "img" / name).write_bytes(generate(variant=variant, format="svg", width="300px", clear_space=False).data)
    return f"/img/{name}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    args = parser.parse_args(argv)
    labels = build(args.out)
    print(f"{len(labels['cases'])} pages in {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
