"""Reading text in narrow pictures (tall strips, thin banners, thumbnails) as the scanner reads them,
against the engine's own enlargement for its text detector, in the same run.

    python benchmarks/bench_ocr_narrow.py [--count N] [--seed S] [--digits LOW HIGH] [--json OUT]

Draws ``N`` pictures, a third of each kind: tall strips 90-360 px wide with a word a line and
a qualification number (QN) on one of them, banners 40-300 px tall with a line naming a QN, and
thumbnails 120-360 px square with a QN; digits 10-24 px tall (``--digits``; as far as the picture
allows), on the backgrounds of ``ocr_accuracy.py``, half saved as JPEG. Each is read twice in one
process, the two ways taking turns to go first: with ``htq_mark.scanner._ocr.read_text`` as it is
(the text detector enlarges a picture that reaches it shorter than 384 px only until it is 384 px,
and by at most four times), and on an engine set up the same but for the detector's own enlargement
(until the short side is 736 px). Reported per kind and side: QNs read exactly, the CPU time, and
how many pictures read the same text both ways.
"""

from __future__ import annotations

import argparse
import io
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.ocr_accuracy import DIGIT_HEIGHT, LEADS, _background, _qns, drawn_on, encoded

__all__ = ["KINDS", "draw_narrow_case", "main", "measure"]

KINDS = ("tall strip", "banner", "thumbnail")
SIDES = ("now", "engine's own")
_WORDS = ("Study", "with us", "HTQ", "Apply", "Level 5", "Skills")


def _size(kind: str, rng: np.random.Generator) -> tuple[int, int]:
    if kind == "tall strip":
        return int(rng.integers(90, 361)), int(rng.integers(600, 1401))
    if kind == "banner":
        return int(rng.integers(800, 1401)), int(rng.integers(40, 301))
    return int(rng.integers(120, 361)), int(rng.integers(120, 361))


def _lines(kind: str, size: tuple[int, int], font_size: float, qn: str,
           rng: np.random.Generator) -> list[tuple[float, float, str]]:
    """Where each line of text goes (x, baseline) and what it says: a tall strip's a word a line."""
    if kind != "tall strip":
        text = str(rng.choice(LEADS)).format(qn=qn) if kind == "banner" else qn
        return [(5.0, (size[1] + font_size * DIGIT_HEIGHT) / 2, text)]
    qn_row = int(rng.integers(0, 6))
    rows = np.arange(font_size + 5, size[1] - 5, font_size * 1.7)
    return [(5.0, float(y), qn if row == qn_row else str(rng.choice(_WORDS))) for row, y in enumerate(rows)]


def draw_narrow_case(index: int, seed: int, qns: Sequence[str],
                     digits: tuple[float, float] = (10.0, 24.0)) -> tuple[np.ndarray, str, str]:
    """One picture (RGB, after its PNG or JPEG round trip), the QN it names and its kind; its digits
    between ``digits`` px tall, as far as the picture allows."""
    from PIL import Image

    rng = np.random.default_rng([seed, index])
    kind = KINDS[index % len(KINDS)]
    size = _size(kind, rng)
    tone = "dark" if rng.random() < 0.35 else "light"
    canvas = _background(rng, size, tone)
    qn = str(rng.choice(list(qns)))
    ink = "#f4f4f4" if tone == "dark" else "#1e1e28"
    low, high = digits
    fits = min(high, (size[0] - 12) / 6 * DIGIT_HEIGHT, (size[1] - 8) / 1.3 * DIGIT_HEIGHT)  # a QN fits across
    font_size = float(rng.uniform(low, max(low + 0.5, fits))) / DIGIT_HEIGHT
    svg = (f'<svg xmlns="http://www.w3.org/2000/svg" width="{size[0]}" height="{size[1]}">' + "".join(
        f'<text x="{x:.1f}" y="{y:.1f}" font-family="sans-serif" font-size="{font_size:.2f}" fill="{ink}">'
        f'{text}</text>' for x, y, text in _lines(kind, size, font_size, qn, rng)) + "</svg>").encode()
    data = encoded(drawn_on(canvas, svg), rng)
    return np.asarray(Image.open(io.BytesIO(data)).convert("RGB")), qn, kind


def _engines() -> dict[str, Any]:
    """The engine as the scanner sets it up, and another set up the same but for the detector's sizing."""
    from htq_mark.scanner import _ocr

    own = _ocr._engine.__wrapped__()
    del own.text_det.get_preprocess  # the detector's own method again
    return {"now": _ocr._engine(), "engine's own": own}


def _read(picture: np.ndarray, engine: Any) -> tuple[str, float]:
    from htq_mark.scanner import _ocr

    scanners_engine = _ocr._engine
    _ocr._engine = lambda: engine  # type: ignore[assignment]
    try:
        tick = time.process_time()
        text = _ocr.read_text(picture).text
        return text, time.process_time() - tick
    finally:
        _ocr._engine = scanners_engine  # type: ignore[assignment]


def measure(count: int = 30, seed: int = 0, digits: tuple[float, float] = (10.0, 24.0)) -> dict[str, Any]:
    """Read every picture both ways; returns the tallies per kind and side."""
    from htq_mark.scanner._text import read_text_facts

    qns = _qns()
    engines = _engines()  # made before the clock starts
    tally = {kind: {side: {"read": 0, "cpu_s": 0.0} for side in SIDES} | {"pictures": 0, "same_text": 0}
             for kind in KINDS}
    for index in range(count):
        picture, qn, kind = draw_narrow_case(index, seed, qns, digits)
        texts = {}
        for side in SIDES if index % 2 == 0 else SIDES[::-1]:
            text, seconds = _read(picture, engines[side])
            texts[side] = text
            tally[kind][side]["cpu_s"] += seconds
            tally[kind][side]["read"] += read_text_facts(text).qualification_ids == (qn,)
        tally[kind]["pictures"] += 1
        tally[kind]["same_text"] += texts["now"] == texts["engine's own"]
    for sides in tally.values():
        for side in SIDES:
            sides[side]["cpu_s"] = round(sides[side]["cpu_s"], 2)
    return {"count": count, "seed": seed, "digits": list(digits), "kinds": tally}


def render_markdown(result: dict[str, Any]) -> str:
    """The figures as a Markdown table, a row per kind."""
    lines = ["| kind | pictures | QNs read now | QNs read, engine's own | CPU s now | CPU s, engine's own "
             "| ratio | same text |", "|---|---|---|---|---|---|---|---|"]
    for kind, row in result["kinds"].items():
        now, own = row["now"], row["engine's own"]
        ratio = f"{now['cpu_s'] / own['cpu_s']:.2f}x" if own["cpu_s"] else "-"
        lines.append(f"| {kind} | {row['pictures']} | {now['read']} | {own['read']} | {now['cpu_s']} "
                     f"| {own['cpu_s']} | {ratio} | {row['same_text']} |")
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python benchmarks/bench_ocr_narrow.py", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=30, help="pictures, a third of each kind")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--digits", type=float, nargs=2, default=(10.0, 24.0), metavar=("LOW", "HIGH"),
                        help="the QN's digits are this many px tall (default: 10 24, the OCR target's range)")
    parser.add_argument("--json", type=Path, default=None, help="write the figures as JSON here")
    args = parser.parse_args(argv)
    from htq_mark.scanner._ocr import ocr_available

    if not ocr_available():
        print("error: the OCR engine is not installed; pip install -e '.[ocr]'", file=sys.stderr)
        return 2
    result = measure(max(1, args.count), args.seed, tuple(args.digits))
    sys.stdout.write(render_markdown(result))
    if args.json:
        args.json.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
