"""Write the labelled evaluation set.

    python -m benchmarks.evalset.generate --out DIR [--seed 0] [--size small|full] [--force]

Writes ``DIR/cases/<id>-<condition>.<png|jpg|pdf>`` and ``DIR/labels.json``.
The same seed, size, kit, register and corpus always give the same files
(byte for byte) and the same labels.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import sys
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

from htq_mark._io import write_atomic
from htq_mark._version import __version__
from htq_mark.errors import HtqMarkError
from htq_mark.kit import Kit, load_kit

from .backgrounds import corpus_dir, find_carriers
from .images import build_image_scene, encode_image
from .labels import LABELS_SCHEMA, Case, ExpectedMark
from .pdfs import build_pdf_scene
from .plan import TARGET_CONDITIONS, PlannedCase, plan_cases
from .scene import Context

__all__ = ["DEFAULT_OUT", "ON_DATE", "build_context", "generate", "main", "make_case"]

DEFAULT_OUT = Path(__file__).resolve().parent / "generated"
#: The scan date the labels assume (qualifications are entitled or not on this day).
ON_DATE = date(2026, 11, 23)
CARRIER_COUNT = 40


def build_context(seed: int, kit: Kit | None = None, corpus: Path | None = None) -> Context:
    """Kit, carrier pages of the real corpus and register numbers for a run with ``seed``."""
    from htq_mark.register import default_register

    kit = kit or load_kit()
    carriers = find_carriers(corpus or corpus_dir(), np.random.default_rng([seed, 0xC0]), CARRIER_COUNT)
    if not carriers:
        raise RuntimeError(f"{corpus or corpus_dir()}: no usable carrier pages in the corpus")
    register = default_register()
    entitled: list[str] = []
    not_entitled: list[str] = []
    for record in sorted(register.records, key=lambda r: r.qualification_id):
        if "/" not in record.qualification_id:
            continue  # Ofqual numbers only: they are what prospectuses print
        (entitled if register.check(record.qualification_id, ON_DATE).entitled else not_entitled).append(
            record.qualification_id)
    if not entitled or not not_entitled:
        raise RuntimeError("the register needs both entitled and not-entitled qualifications on "
                           f"{ON_DATE.isoformat()} to label text cases")
    return Context(kit=kit, carriers=carriers, on_date=ON_DATE, entitled_ids=entitled,
                   not_entitled_ids=not_entitled)


def _with_size(marks: Sequence[ExpectedMark], unit: str) -> list[ExpectedMark]:
    if unit != "px":
        return list(marks)
    return [ExpectedMark(**{**m.__dict__, "details": {**m.details, "width_px": round(m.width, 2)}})
            for m in marks]


def make_case(planned: PlannedCase, seed: int, ctx: Context) -> tuple[Case, bytes]:
    """Draw one planned case; returns its label (without sha256) and its file's bytes."""
    rng = np.random.default_rng([seed, planned.index])
    if planned.medium in ("png", "jpeg"):
        scene = build_image_scene(planned.condition, rng, ctx)
        quality = 60 if planned.condition == "jpeg-q60" else int(scene.details.get("jpeg_quality") or 90)
        data = encode_image(scene.canvas, planned.medium, quality)
        ext = "png" if planned.medium == "png" else "jpg"
        tags = scene.tags + [planned.medium] + (["jpeg-q60"] if quality == 60 and "jpeg-q60" not in scene.tags
                                                  else [])
        h, w = scene.canvas.shape[:2]
        case = Case(id=planned.id, file=f"cases/{planned.id}-{planned.condition}.{ext}", format=planned.medium,
                    medium=planned.medium, condition=planned.condition, conditions=tuple(dict.fromkeys(tags)),
                    unit="px", pages=((float(w), float(h)),), marks=tuple(_with_size(scene.marks, "px")),
                    rules=tuple(scene.rules), details={**scene.details, "jpeg_quality": quality
                                                       if planned.medium == "jpeg" else None})
        return case, data
    pdf = build_pdf_scene(planned.condition, planned.medium, rng, ctx)
    case = Case(id=planned.id, file=f"cases/{planned.id}-{planned.condition}.pdf", format="pdf",
                medium=planned.medium, condition=planned.condition, conditions=tuple(dict.fromkeys(pdf.tags)),
                unit="pt", pages=(pdf.page_size,), marks=tuple(pdf.marks), rules=tuple(pdf.rules),
                details=pdf.details)
    return case, pdf.data


def _write_cases(out: str, seed: int, planned: list[PlannedCase], force: bool) -> list[dict[str, Any]]:
    """Draw and write some cases (in one process, with its own context); returns their labels."""
    logging.getLogger("pypdf").setLevel(logging.ERROR)  # corpus carriers are damaged on purpose
    ctx = build_context(seed)
    records = []
    for item in planned:
        case, data = make_case(item, seed, ctx)
        write_atomic(Path(out) / case.file, data, force=force)
        record = case.to_dict()
        record["sha256"] = hashlib.sha256(data).hexdigest()
        records.append(record)
    return records


def generate(out: Path, seed: int = 0, size: str = "small", force: bool = False, jobs: int = 1,
             progress: Callable[[str], None] | None = None) -> dict[str, Any]:
    """Write the set into ``out`` with ``jobs`` processes; returns the labels document.

    Every case draws from its own generator seeded with (seed, case number), so
    the files do not depend on ``jobs``.
    """
    planned = plan_cases(size)
    ctx = build_context(seed)
    (out / "cases").mkdir(parents=True, exist_ok=True)
    chunks = [planned[i::jobs * 3] for i in range(jobs * 3)] if jobs > 1 else [planned]
    chunks = [c for c in chunks if c]
    if jobs > 1:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            futures = [pool.submit(_write_cases, str(out), seed, chunk, force) for chunk in chunks]
            done = [record for future in futures for record in future.result()]
    else:
        done = _write_cases(str(out), seed, planned, force)
    cases = sorted(done, key=lambda record: str(record["id"]))
    if progress:
        for record in cases:
            progress(f"{record['file']} ({len(record['marks'])} mark(s), rules: "
                     f"{', '.join(r['rule'] for r in record['rules']) or 'none'})")
    from htq_mark.register import default_register

    provenance = default_register().provenance
    labels = {
        "schema": LABELS_SCHEMA,
        "generator": {"name": "htq-mark evalset", "version": __version__},
        "seed": seed,
        "size": size,
        "on_date": ON_DATE.isoformat(),
        "kit": {"name": ctx.kit.name, "version": ctx.kit.version, "sha256": ctx.kit.sha256},
        "register": {"source": "embedded", "sha256": provenance.sha256},
        "target_conditions": list(TARGET_CONDITIONS),
        "matching": "a detected mark matches an expected one on the same page when the IoU of their boxes is "
                    "at least 0.5, or when the detected box's centre lies inside the expected box and its "
                    "width and height are each within 25% of the expected ones",
        "cases": cases,
    }
    write_atomic(out / "labels.json", (json.dumps(labels, indent=1) + "\n").encode(), force=force)
    return labels


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.evalset.generate", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"output folder (default {DEFAULT_OUT})")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument("--size", choices=("small", "full"), default="small", help="set size (default small)")
    parser.add_argument("--force", action="store_true", help="overwrite files already in the output folder")
    parser.add_argument("--jobs", type=int, default=1, help="processes drawing cases (default 1; the files "
                        "are the same for any number)")
    parser.add_argument("--quiet", action="store_true", help="print only the summary")
    args = parser.parse_args(argv)
    logging.getLogger("pypdf").setLevel(logging.ERROR)  # corpus carriers are damaged on purpose
    started = time.perf_counter()
    try:
        labels = generate(args.out, args.seed, args.size, args.force, max(1, args.jobs),
                          None if args.quiet else lambda line: print(line, file=sys.stderr))
    except HtqMarkError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except (FileNotFoundError, RuntimeError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    marks = sum(len(c["marks"]) for c in labels["cases"])
    print(f"wrote {len(labels['cases'])} cases ({marks} marks) to {args.out} "
          f"in {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
