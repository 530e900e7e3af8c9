"""How long reading text in pictures takes in a fresh scan process: the OCR engine as htq-mark sets
it up, against the same engine as it ships, measured in the same run.

    python benchmarks/bench_ocr.py [--repeat N] [--json OUT]

Each turn starts one fresh Python process per side, with a scan worker's environment (one
thread, its memory tuning). Each makes the engine, reads an A4 page drawn at 200 dpi twice,
then the first ``--pictures`` images of ``ocr_accuracy.py`` (each of its own size), with the
scanner's own reading code (``htq_mark.scanner._ocr.read_text``); the baseline side only swaps
in the engine as RapidOCR makes it. Reported per side in CPU seconds (fastest and slowest of
the turns; the sides take turns going first): making the engine, the first and second reading
of the page, the mean for the other pictures, the whole process; and its peak resident memory
and what it keeps at the end. Both sides must read the same text, or the run fails.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from htq_mark.scanner._pool import _worker_environment

__all__ = ["main", "measure"]

_CHILD = """
import io, json, resource, sys, time
import cv2
import numpy as np
from PIL import Image
from benchmarks.ocr_accuracy import _qns, draw_case
from htq_mark.scanner import _ocr

def page(height, width, lines):
    image = np.full((height, width, 3), 255, np.uint8)
    for row, text in enumerate(lines):
        cv2.putText(image, text, (120, 260 + 90 * row), cv2.FONT_HERSHEY_SIMPLEX, 1.4, (20, 20, 20), 3, cv2.LINE_AA)
    return image

a4 = page(2339, 1654, ["Higher Technical Qualification", "Digital Support Technician HNC",
                       "Qualification number 603/7595/4", "Apply by 30 June 2027", "Open day 14 March at 10:30"])
pictures = [np.asarray(Image.open(io.BytesIO(draw_case(index, 0, _qns(), True)[0])).convert("RGB"))
            for index in range(int(sys.argv[2]))]
clock = time.process_time  # CPU seconds: one thread, and far steadier than wall time on a shared machine
timings = {}
tick = clock()
if sys.argv[1] == "shipped":
    from rapidocr_onnxruntime import RapidOCR
    made = RapidOCR(intra_op_num_threads=1, inter_op_num_threads=1, print_verbose=False)
    _ocr._engine = lambda: made
_ocr._engine()
timings["engine_s"] = clock() - tick
texts = []
for name, image in (("page_first_s", a4), ("page_second_s", a4)):
    tick = clock()
    texts.append(_ocr.read_text(image).text)
    timings[name] = clock() - tick
tick = clock()
texts += [_ocr.read_text(picture).text for picture in pictures]
timings["picture_s"] = (clock() - tick) / max(1, len(pictures))
timings["process_s"] = clock()
timings["peak_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
with open("/proc/self/statm") as statm:  # what the process keeps once it has read them all
    timings["rss_after_mib"] = int(statm.read().split()[1]) * resource.getpagesize() / 2**20
print(json.dumps({"timings": timings, "texts": texts}))
"""

SIDES = ("htq-mark", "shipped")
REPO = Path(__file__).resolve().parents[1]


def _turn(side: str, pictures: int) -> dict[str, Any]:
    done = subprocess.run([sys.executable, "-c", _CHILD, side, str(pictures)], capture_output=True, text=True,
                          check=True, env=_worker_environment(single_threaded=True), cwd=REPO)
    return dict(json.loads(done.stdout.splitlines()[-1]))


def measure(repeat: int = 3, pictures: int = 12) -> dict[str, Any]:
    """Both sides, ``repeat`` turns each in alternation; the fastest figure of each kind counts."""
    runs: dict[str, list[dict[str, Any]]] = {side: [] for side in SIDES}
    for turn in range(max(1, repeat)):
        for side in SIDES if turn % 2 == 0 else SIDES[::-1]:  # each side goes first in turn
            runs[side].append(_turn(side, pictures))
    texts = {side: runs[side][0]["texts"] for side in SIDES}
    if texts["htq-mark"] != texts["shipped"] or any(run["texts"] != texts[side]
                                                     for side in SIDES for run in runs[side]):
        raise SystemExit(f"the two sides read different text: {texts}")
    best, worst = ({side: {key: round(pick(run["timings"][key] for run in runs[side]), 2)
                           for key in runs[side][0]["timings"]} for side in SIDES} for pick in (min, max))
    ours, theirs = best["htq-mark"], best["shipped"]
    ratios = {key: round(ours[key] / theirs[key], 2) for key in ours if theirs[key]}
    return {"repeat": repeat, "pictures": pictures, "texts": texts["htq-mark"], "best": best, "worst": worst,
            "ratio_to_shipped": ratios, "runs": {side: [run["timings"] for run in runs[side]] for side in SIDES}}


def render_markdown(result: dict[str, Any]) -> str:
    best, worst, ratio = result["best"], result["worst"], result["ratio_to_shipped"]
    labels = {"engine_s": "making the engine (s)", "page_first_s": "first reading of an A4 page at 200 dpi (s)",
              "page_second_s": "second reading of the page (s)",
              "picture_s": f"then each of {result['pictures']} pictures of other sizes (s)",
              "process_s": "the whole process (s)", "peak_rss_mib": "peak resident memory (MiB)",
              "rss_after_mib": "resident memory kept at the end (MiB)"}

    def span(side: str, key: str) -> str:
        low, high = best[side][key], worst[side][key]
        return f"{low}" if low == high else f"{low}-{high}"

    lines = ["| fresh scan process, CPU time (fastest-slowest of the turns) | htq-mark | RapidOCR as shipped "
             "| ratio of the fastest |",
             "|---|---|---|---|"]
    lines += [f"| {label} | {span('htq-mark', key)} | {span('shipped', key)} | {ratio.get(key, '-')}x |"
              for key, label in labels.items()]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="turns per side, in alternation")
    parser.add_argument("--pictures", type=int, default=12, help="pictures read after the page")
    parser.add_argument("--json", type=Path, default=None, help="write the figures as JSON here")
    args = parser.parse_args(argv)
    result = measure(args.repeat, args.pictures)
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(render_markdown(result), end="")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
