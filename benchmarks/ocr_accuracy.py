"""How well text in pictures is read: qualification numbers on drawn images, and none invented.

    python benchmarks/ocr_accuracy.py [--count N] [--seed S] [--jobs N] [--json OUT]

Draws ``N`` images, each with a line of text naming a qualification number (QN)
whose digits are 10-24 px tall, on plain, gradient and photo-like backgrounds in
light and dark tones, half of them saved as JPEG (quality 65-90); and N/2 images
with text but no QN (phone numbers, dates, prices, postcodes, course codes).
Each is read by the scanner's OCR adapter and its text searched for QNs as the
text rules do. Scores: the share of images whose QN is found exactly (by digit
height), and the QNs found on images without one (each is invented).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

__all__ = ["HEIGHT_BUCKETS", "draw_case", "drawn_on", "encoded", "main", "measure"]

HEIGHT_BUCKETS = ((10, 13), (13, 17), (17, 25))
DIGIT_HEIGHT = 0.73          # a sans-serif digit's height as a share of the font size
READ_TARGET = 0.95
LEADS = ("Study the {qn} with us", "QN: {qn}", "Level 5 HTQ in Digital Skills ({qn})", "Course code {qn}",
         "Ofqual {qn} - apply by 30 June", "{qn} Higher Technical Qualification")
DECOYS = ("Call 0161 496 0123 today", "Open day 14/03/2027 at 10:30", "Fees from £9,250 a year",
          "Visit us at M15 6BH", "Course code CS-405/B", "Room 12/4, Block C", "ISBN 978-0-306-40615-7",
          "Level 5 HTQ in Digital Skills", "Apply by 01/09/2026")


def _qns() -> list[str]:
    from htq_mark.register import default_register

    return sorted(r.qualification_id for r in default_register().records if "/" in r.qualification_id)


def _background(rng: np.random.Generator, size: tuple[int, int], tone: str) -> np.ndarray:
    from benchmarks.evalset.backgrounds import colour_of_tone, gradient, photo, plain

    kind = int(rng.integers(3))
    if kind == 0:
        return plain(size, colour_of_tone(rng, tone))
    if kind == 1:
        return gradient(size, rng, tone)
    return photo(size, rng, tone, float(rng.uniform(0.1, 0.3)))


def draw_case(index: int, seed: int, qns: Sequence[str], with_qn: bool) -> tuple[bytes, str | None, float]:
    """One image (PNG or JPEG bytes), the QN it names (or None) and its digits' height in px."""
    rng = np.random.default_rng([seed, index, int(with_qn)])
    size = (int(rng.integers(640, 1281)), int(rng.integers(400, 901)))
    tone = "dark" if rng.random() < 0.35 else "light"
    canvas = _background(rng, size, tone)
    height = float(rng.uniform(10, 24))
    qn = str(rng.choice(list(qns))) if with_qn else None
    line = (str(rng.choice(LEADS)).format(qn=qn) if qn else str(rng.choice(DECOYS)))
    ink = "#f4f4f4" if tone == "dark" else "#1e1e28"
    font_size = height / DIGIT_HEIGHT
    x, y = float(rng.uniform(10, 60)), float(rng.uniform(font_size + 10, size[1] - 20))
    weight = "bold" if rng.random() < 0.3 else "normal"
    svg = (f'<svg xmlns="http://www.w3.org/2000/svg" width="{size[0]}" height="{size[1]}">'
           f'<text x="{x:.1f}" y="{y:.1f}" font-family="sans-serif" font-weight="{weight}" '
           f'font-size="{font_size:.2f}" fill="{ink}">{line.replace("&", "&amp;")}</text></svg>').encode()
    return encoded(drawn_on(canvas, svg), rng), qn, height


def drawn_on(canvas: np.ndarray, svg: bytes) -> np.ndarray:
    """``canvas`` (RGB) with the SVG drawing (as large as it) laid over it."""
    from PIL import Image

    from htq_mark.kit import render_svg

    layer = np.asarray(Image.open(io.BytesIO(render_svg(svg, to="png"))).convert("RGBA"), dtype=np.float32)
    alpha = layer[..., 3:] / 255.0
    return np.clip(canvas * (1 - alpha) + layer[..., :3] * alpha + 0.5, 0, 255).astype(np.uint8)


def encoded(picture: np.ndarray, rng: np.random.Generator) -> bytes:
    """``picture`` saved as PNG or, half the time, as JPEG of quality 65-90."""
    from PIL import Image

    buffer = io.BytesIO()
    if rng.random() < 0.5:
        Image.fromarray(picture).save(buffer, "JPEG", quality=int(rng.integers(65, 91)))
    else:
        Image.fromarray(picture).save(buffer, "PNG")
    return buffer.getvalue()


def _read_chunk(seed: int, items: list[tuple[int, bool]]) -> list[dict[str, Any]]:
    from PIL import Image

    from htq_mark.scanner._ocr import read_text
    from htq_mark.scanner._text import read_text_facts

    qns = _qns()
    out = []
    for index, with_qn in items:
        data, qn, height = draw_case(index, seed, qns, with_qn)
        rgb = np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))
        started = time.perf_counter()
        text = read_text(rgb).text
        found = list(read_text_facts(text).qualification_ids)
        out.append({"index": index, "qn": qn, "height": round(height, 1), "found": found, "text": text,
                    "seconds": round(time.perf_counter() - started, 3)})
    return out


def measure(count: int = 60, seed: int = 0, jobs: int = 1) -> dict[str, Any]:
    """Draw and read the images; returns the scores."""
    items = [(i, True) for i in range(count)] + [(i, False) for i in range(count // 2)]
    chunks = [items[i::jobs] for i in range(jobs)]
    if jobs > 1:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            results = [r for chunk in pool.map(_read_chunk, [seed] * jobs, chunks) for r in chunk]
    else:
        results = _read_chunk(seed, items)
    with_qn = [r for r in results if r["qn"]]
    without = [r for r in results if not r["qn"]]
    buckets = {}
    for low, high in HEIGHT_BUCKETS:
        chosen = [r for r in with_qn if low <= r["height"] < high]
        hits = sum(r["found"] == [r["qn"]] for r in chosen)
        buckets[f"{low}-{high} px"] = {"hits": hits, "total": len(chosen)}
    read = sum(r["found"] == [r["qn"]] for r in with_qn)
    invented = sum(len(r["found"]) for r in without) + sum(
        len([q for q in r["found"] if q != r["qn"]]) for r in with_qn)
    return {"seed": seed, "images_with_qn": len(with_qn), "read_correctly": read,
            "read_rate": read / len(with_qn) if with_qn else 0.0, "by_height": buckets,
            "images_without_qn": len(without), "invented": invented,
            "seconds_per_image": float(np.mean([r["seconds"] for r in results])) if results else 0.0,
            "misread": [f"{r['qn']} ({r['height']} px): read {r['text']!r}" for r in with_qn
                        if r["found"] != [r["qn"]]]}


def render_markdown(result: dict[str, Any]) -> str:
    rate = result["read_rate"]
    lines = [f"OCR on {result['images_with_qn']} drawn images naming a QN and {result['images_without_qn']} "
             f"without (seed {result['seed']}):", "",
             "| measure | value | target | met |", "|---|---|---|---|",
             f"| QNs read exactly | {rate:.3f} ({result['read_correctly']}/{result['images_with_qn']}) | "
             f">= {READ_TARGET} | {'yes' if rate >= READ_TARGET else '**no**'} |"]
    for name, tally in result["by_height"].items():
        share = tally["hits"] / tally["total"] if tally["total"] else 0.0
        lines.append(f"| digits {name} tall | {share:.3f} ({tally['hits']}/{tally['total']}) | | |")
    lines.append(f"| QNs invented | {result['invented']} | 0 | {'yes' if result['invented'] == 0 else '**no**'} |")
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python benchmarks/ocr_accuracy.py", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=60, help="images naming a QN (half as many without)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--json", type=Path, default=None, help="write the scores as JSON here")
    args = parser.parse_args(argv)
    from htq_mark.scanner._ocr import ocr_available

    if not ocr_available():
        print("error: the OCR engine is not installed; pip install -e '.[ocr]'", file=sys.stderr)
        return 2
    result = measure(args.count, args.seed, max(1, args.jobs))
    sys.stdout.write(render_markdown(result))
    for line in result["misread"]:
        print("  misread:", line)
    if args.json:
        args.json.write_text(json.dumps(result, indent=1) + "\n")
    return 0 if result["read_rate"] >= READ_TARGET and result["invented"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
