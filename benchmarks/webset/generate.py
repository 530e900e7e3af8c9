"""Build the web evaluation set: a folder of pages, the marks they use, and ``labels.json``.

    python -m benchmarks.webset.generate OUT [--seed N]

Every page is 1280 CSS px wide with one scene on a plain, busy (fine stripes)
or photographic background: compliant marks at several widths (PNG and SVG),
each misuse done the way web authors do it (CSS width, height, transform,
filter, overflow, an upscaled small PNG, no alt text, edited artwork, text
in the clear space, the wrong variant on a dark panel, qualification text),
decoy badges and pages that only name HTQs. Edited artwork comes in several
kinds, as in the file set: a patch painted over the picture, a part removed
(as PNG and as SVG) and a keyline drawn round it, each changing at least the
altered-artwork tolerance plus 2 points of the artwork. The seed chooses where
each mark sits, the compliant widths, the patches and the photograph. Labels use the file set's format
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
#: Colours of the patch painted over a mark (none is one of the marks' own).
PATCH_COLOURS = ((200, 30, 30), (30, 150, 60), (150, 40, 170))
#: How each variant's artwork is edited: a painted patch, a part removed (PNG, SVG), a keyline (the
#: file set outlines only the colour mark).
ALTERATIONS = {"colour": ("patch", "remove-part-as-png", "outline-as-svg"),
               "white": ("patch", "remove-part-as-png", "remove-part-as-svg")}
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


def _png(variant: str, width: int) -> tuple[bytes, int]:
    """The approved mark as a PNG ``width`` px wide, and its height."""
    from PIL import Image

    from htq_mark import generate

    # The generator refuses widths below the minimum: smaller files are the 300 px one scaled down.
    asset = generate(variant=variant, format="png", width=f"{max(width, 300)}px", clear_space=False)
    if width >= 300:
        return asset.data, Image.open(io.BytesIO(asset.data)).height
    picture = Image.open(io.BytesIO(asset.data)).convert("RGBA")
    picture = picture.resize((width, round(picture.height * width / picture.width)), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    picture.save(out, "PNG")
    return out.getvalue(), picture.height


def _changed_share(original: Any, altered: Any) -> float:
    """Share of the artwork's box whose pixels differ (both RGBA, over mid grey), as the file set measures it."""
    import numpy as np

    def over_grey(rgba: Any) -> Any:
        alpha = rgba[..., 3:] / 255.0
        return rgba[..., :3] * alpha + 128.0 * (1.0 - alpha)

    return float((np.abs(over_grey(original) - over_grey(altered)).max(axis=-1) > 40).mean())


def _patched_png(variant: str, rng: Any, minimum: float) -> tuple[bytes, int, float]:
    """The 300 px PNG with a patch painted over it (grown until it changes ``minimum`` of the artwork)."""
    import numpy as np
    from PIL import Image, ImageDraw

    data, height = _png(variant, 300)
    original = Image.open(io.BytesIO(data)).convert("RGBA")
    colour = PATCH_COLOURS[int(rng.integers(len(PATCH_COLOURS)))]
    cx, cy = float(rng.uniform(0.3, 0.7)), float(rng.uniform(0.4, 0.6))
    half_w, half_h = float(rng.uniform(0.13, 0.17)), float(rng.uniform(0.34, 0.4))
    w, h = original.size
    while True:
        picture = original.copy()
        ImageDraw.Draw(picture).ellipse((w * (cx - half_w), h * (cy - half_h), w * (cx + half_w),
                                         h * (cy + half_h)), fill=(*colour, 255))
        change = _changed_share(np.asarray(original, np.float64), np.asarray(picture, np.float64))
        if change >= minimum:
            break
        half_w *= 1.1
    out = io.BytesIO()
    picture.save(out, "PNG")
    return out.getvalue(), height, change


def _altered_svg(variant: str, how: str, minimum: float) -> tuple[bytes, float]:
    """The artwork with a part removed or a keyline added (the file set's alterations), and the share changed."""
    from benchmarks.evalset.compose import alter_svg
    from htq_mark import load_kit

    kit = load_kit()
    return alter_svg(kit.artwork_for(variant).svg, how, kit, variant, minimum)


def _photo(rng: Any) -> bytes:
    import numpy as np
    from PIL import Image

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


def _img(src: str, width: float, height: float, at: tuple[float, float], *, style: str = "",
         alt: str = 'alt="HTQ quality mark"') -> str:
    return (f'<img src="{src}" {alt} style="position:absolute;left:{at[0]}px;top:{at[1]}px;width:{width}px;'
            f'height:{height}px;{style}">')


def _box(width: float, height: float, at: tuple[float, float], turn: float = 0.0) -> list[float]:
    cx, cy = at[0] + width / 2, at[1] + height / 2
    t = math.radians(turn)
    w = abs(width * math.cos(t)) + abs(height * math.sin(t))
    h = abs(width * math.sin(t)) + abs(height * math.cos(t))
    return [round(cx - w / 2, 2), round(cy - h / 2, 2), round(cx + w / 2, 2), round(cy + h / 2, 2)]


def _place(rng: Any, width: float) -> tuple[float, float]:
    """Where a mark of this width sits on the stage: below the words, with room for a neighbour on its right."""
    return float(rng.integers(140, max(141, 1280 - 260 - int(width)))), float(rng.integers(200, 560))


def build(out: Path, seed: int = 0) -> dict[str, Any]:
    """Write the set for ``seed`` into ``out`` and return its labels."""
    import numpy as np

    from htq_mark import load_kit

    rng = np.random.default_rng(seed)
    minimum_change = load_kit().spec.scan.altered_max_difference + 0.02
    (out / "img").mkdir(parents=True, exist_ok=True)
    (out / "pages").mkdir(exist_ok=True)
    (out / "img" / "photo.png").write_bytes(_photo(rng))
    cases: list[dict[str, Any]] = []
    entitled = f"Higher Technical Qualification in Digital, QN {ENTITLED_QN}."

    def write(name: str, data: bytes) -> str:
        (out / "img" / name).write_bytes(data)
        return f"/img/{name}"

    def image(variant: str, width: int) -> tuple[str, int]:
        data, height = _png(variant, width)
        return write(f"mark-{variant}-{width}.png", data), height

    def add(case_id: str, background: str, condition: str, body: str, text: str,
            marks: list[dict[str, Any]], rules: list[dict[str, Any]], allowed: tuple[str, ...] = (),
            details: dict[str, Any] | None = None) -> None:
        (out / "pages" / f"{case_id}.html").write_text(_page(BACKGROUNDS[background][0] if background else
                                                             "background:#fff", body, text), encoding="utf-8")
        cases.append({"id": case_id, "file": f"pages/{case_id}.html", "condition": condition,
                      "conditions": [c for c in (background, condition) if c], "medium": "web", "unit": "px",
                      "marks": marks, "rules": rules,
                      "details": {"also_allowed": list(allowed), **(details or {})}})

    def misuse_case(background: str, misuse: str, src: str, width: float, height: float, *,
                    how: str | None = None, details: dict[str, Any] | None = None) -> None:
        rule, severity, allowed = MISUSES[misuse]
        at = _place(rng, width)
        text, style, alt = entitled, "", 'alt="HTQ quality mark"'
        shown_height, turn, body_extra, wrapped = float(height), 0.0, "", None
        if misuse == "distorted":
            shown_height = height * 1.25
        elif misuse == "rotated":
            turn = 8.0
            style = f"transform:rotate({turn}deg)"
        elif misuse == "recoloured":
            style = "filter:sepia(1) saturate(8) hue-rotate(70deg)"
        elif misuse == "clear-space":
            body_extra = (f'<span style="position:absolute;left:{at[0] + width + 4}px;top:{at[1] + 10}px;'
                          'background:#c00;color:#fff;font:bold 40px sans-serif;padding:8px">APPLY</span>')
        elif misuse == "low-contrast" and BACKGROUNDS[background][1] == "colour":
            # The white variant on a white page cannot be seen at all; a light grey panel is the
            # realistic case (the colour one on a dark panel is covered by the photo background).
            body_extra = (f'<div style="position:absolute;left:{at[0] - 80}px;top:{at[1] - 80}px;'
                          f'width:{width + 160}px;height:{height + 160}px;background:#d9d9d9"></div>')
        elif misuse == "cropped":
            wrapped = int(width * 0.7)
        elif misuse == "missing-alt-text":
            alt = ""
        elif misuse == "not-entitled":
            text = f"Higher Technical Qualification in Digital, QN {NOT_ENTITLED_QN}."
        elif misuse == "no-qualification":
            text = "Study digital technologies with us."
        if wrapped is not None:
            body = (f'<div style="position:absolute;left:{at[0]}px;top:{at[1]}px;width:{wrapped}px;'
                    f'height:{shown_height}px;overflow:hidden">'
                    f'<img src="{src}" {alt} style="width:{width}px;height:{shown_height}px;display:block">'
                    "</div>")
        else:
            body = body_extra + _img(src, width, shown_height, at, style=style, alt=alt)
        mark = {"page": 1, "bbox": _box(width, shown_height, at, turn=turn),
                "conditions": [misuse, *([how] if how else [])], "rules": [rule], "width": width}
        add(f"{background}-{misuse}{'-' + how if how else ''}", background, misuse, body, text, [mark],
            [{"rule": rule, "page": 1, "mark": 0, "severity": severity}], allowed, details)

    for background, (_, variant) in BACKGROUNDS.items():
        svg = generate_svg(out, variant)
        for base_width in COMPLIANT_WIDTHS:
            width = base_width + int(rng.integers(-8, 9))
            src, height = image(variant, width)
            at = _place(rng, width)
            add(f"{background}-compliant-{base_width}", background, "compliant", _img(src, width, height, at),
                entitled, [{"page": 1, "bbox": _box(width, height, at), "conditions": ["png"], "rules": [],
                            "width": width}], [])
        at = _place(rng, 300)
        height_svg = 300 * 94 / 300
        add(f"{background}-compliant-svg", background, "compliant", _img(svg, 300, height_svg, at), entitled,
            [{"page": 1, "bbox": _box(300, height_svg, at), "conditions": ["svg"], "rules": [], "width": 300}], [])
        for misuse in MISUSES:
            if misuse == "altered-artwork":
                continue
            src, height = image(variant, 300)
            width = 300
            if misuse == "too-small":
                width = 110
                src, height = image(variant, 110)
            elif misuse == "low-contrast":
                src, height = image("colour", 300) if variant == "white" else image("white", 300)
            elif misuse == "low-resolution":
                src, _ = image(variant, 100)
            misuse_case(background, misuse, src, width, height)
        for how in ALTERATIONS[variant]:
            if how == "patch":
                data, height, change = _patched_png(variant, rng, minimum_change)
                src = write(f"mark-{variant}-patched-{background}.png", data)
            else:
                kind, _, file_type = how.partition("-as-")
                altered, change = _altered_svg(variant, kind, minimum_change)
                if file_type == "svg":
                    src = write(f"mark-{variant}-{kind}.svg", altered)
                else:
                    from htq_mark.kit import render_svg

                    src = write(f"mark-{variant}-{kind}.png", render_svg(altered, to="png", width=300))
                height = 94
            misuse_case(background, "altered-artwork", src, 300, height, how=how,
                        details={"alteration": how, "changed_fraction": round(change, 4)})
    for name, body in DECOYS.items():
        add(f"decoy-{name}", "", f"decoy-{name}", body, "Apply for September.", [], [])
    labels = {"size": "web", "seed": seed, "on_date": ON_DATE, "cases": cases,
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
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    labels = build(args.out, args.seed)
    print(f"{len(labels['cases'])} pages in {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
