"""Benchmark: building the full pack, as a ratio to bare cairosvg conversions of the same files.

Run with ``python benchmarks/bench_pack.py`` (``--repeats`` sets how many times
each side runs; the best time counts). The baseline converts the kit's artwork
with cairosvg alone, once for every file the pack holds, at the same size: to
PNG for PNG, JPEG and WebP files, to PDF for PDF, to EPS for EPS and to SVG for
SVG. Both sides run in the same process, after a warm-up, so the ratio does not
depend on the machine. Goal: under 1.5x.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from htq_mark.generator import pack
from htq_mark.generator._pack import build_pack
from htq_mark.generator._units import mm_to_points
from htq_mark.kit import load_kit

GOAL = 1.5


def _best_of(repeats: int, action: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        action()
        best = min(best, time.perf_counter() - start)
    return best


def _baseline_jobs() -> list[Callable[[], bytes]]:
    """One bare cairosvg conversion per file of the pack, at that file's size."""
    import cairosvg

    kit = load_kit()
    files, _, _ = build_pack(kit=kit)
    convert = {"png": cairosvg.svg2png, "jpg": cairosvg.svg2png, "webp": cairosvg.svg2png,
               "pdf": cairosvg.svg2pdf, "eps": cairosvg.svg2eps, "svg": cairosvg.svg2svg}
    jobs = []
    for packed in files:
        asset = packed.asset
        svg = kit.artwork_for(asset.variant).svg
        if asset.format in ("png", "jpg", "webp"):
            size = (asset.canvas_width_px, asset.canvas_height_px)
        else:
            size = (mm_to_points(asset.canvas_width_mm), mm_to_points(asset.canvas_height_mm))
        function = convert[asset.format]
        jobs.append(lambda f=function, s=svg, w=size[0], h=size[1]: f(bytestring=s, output_width=w,
                                                                          output_height=h))
    return jobs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    jobs = _baseline_jobs()
    with tempfile.TemporaryDirectory() as folder:
        counter = iter(range(1_000_000))

        def build() -> object:
            return pack(Path(folder) / f"pack-{next(counter)}.zip")

        def baseline() -> object:
            return [job() for job in jobs]

        build()  # warm-up: imports and first renders
        baseline()
        pack_time = _best_of(args.repeats, build)
        bare_time = _best_of(args.repeats, baseline)
    ratio = pack_time / bare_time
    print(f"files in the pack:           {len(jobs)} (+ manifest.json, index.html)")
    print(f"full pack (zip, written):    {pack_time:.3f} s")
    print(f"bare cairosvg conversions:   {bare_time:.3f} s")
    print(f"ratio:                       {ratio:.2f}x (goal < {GOAL}x) {'OK' if ratio < GOAL else 'OVER GOAL'}")


if __name__ == "__main__":
    main()
