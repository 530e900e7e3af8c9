"""Mutation fuzzer for the scanner: ``python fuzz/run.py --count 20000 --seed 1 --jobs 2``.

Seeds are the real PDFs of the shared corpus (``../shared/corpus``) and
pictures and PDFs made here carrying the mark (PNG, JPEG, TIFF, GIF, WebP,
BMP, PDF); ``--evalset DIR`` adds a generated evaluation set. Input N of a run
is seed and mutations chosen from ``(--seed, N)``, so a run is repeatable and
any input can be rebuilt alone (``--only N``).

Each input is scanned by ``htq_mark.scanner.scan_document`` in the scanner's
own worker pool (:mod:`htq_mark.scanner._pool`), with the per-document time
limit: a worker past the limit is killed, as in a batch. The run counts inputs,
outcomes by code, uncaught exceptions (anything escaping ``scan_document``,
which ends its worker, a worker that died, or an ``internal-error`` result: a
fault in htq-mark), hangs (inputs stopped at the time limit) and the workers'
peak RSS, and writes each failing input with its
details to ``--crashes`` (default ``fuzz/crashes/``) for reproduction with
``--replay FILE``. Exit status 0 when nothing failed, 1 otherwise.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import resource
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from fuzz.mutate import mutate
from fuzz.seeds import (
    Seed,
    corpus_seeds,
    default_corpus,
    evalset_seeds,
    generated_seeds,
)
from fuzz.judge import Verdict, judge
from htq_mark._io import write_atomic
from htq_mark.kit import load_kit
from htq_mark.register import default_register
from htq_mark.scanner import Limits, scan_document
from htq_mark.scanner._detect import build_references
from htq_mark.scanner._inputs import InputDocument
from htq_mark.scanner._pool import WorkerPool, WorkerSetup
from htq_mark.scanner._results import DocumentResult

__all__ = ["FuzzInput", "Summary", "build_input", "load_seeds", "main", "run_fuzz"]

DEFAULT_TIMEOUT_S = 30.0
DEFAULT_MEMORY_LIMIT_MB = 6144
SCAN_DATE = "2025-06-01"
_BATCH_PER_JOB = 8


@dataclass(frozen=True)
class FuzzInput:
    """Input ``index`` of a run: the seed it came from, the mutations applied and the bytes."""

    index: int
    seed_name: str
    mutations: tuple[str, ...]
    data: bytes

    @property
    def kind(self) -> str:
        """The seed's file type, by its extension (``pdf``, ``png``, ...)."""
        return Path(self.seed_name).suffix.lstrip(".").lower() or "bin"

    @property
    def name(self) -> str:
        suffix = Path(self.seed_name).suffix or ".bin"
        return f"fuzz-{self.index:06d}{suffix}"


@dataclass
class Summary:
    """The figures of a run."""

    planned: int
    inputs: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)
    by_kind: dict[str, Counter[str]] = field(default_factory=dict)
    problems: Counter[str] = field(default_factory=Counter)
    uncaught: int = 0
    hangs: int = 0
    peak_rss_kb: int = 0
    wall_s: float = 0.0
    slowest_s: float = 0.0
    seeds: int = 0
    failures: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"planned": self.planned, "inputs": self.inputs, "seeds": self.seeds,
                "outcomes": dict(sorted(self.outcomes.items())),
                "outcomes_by_seed_kind": {kind: dict(sorted(counts.items()))
                                          for kind, counts in sorted(self.by_kind.items())},
                "problems": dict(sorted(self.problems.items())),
                "uncaught": self.uncaught, "hangs": self.hangs, "peak_rss_mb": round(self.peak_rss_kb / 1024, 1),
                "slowest_s": round(self.slowest_s, 2), "wall_s": round(self.wall_s, 1),
                "failures": self.failures}

    def describe(self) -> str:
        outcomes = ", ".join(f"{code} {count}" for code, count in sorted(self.outcomes.items()))
        lines = [f"inputs: {self.inputs} of {self.planned} (from {self.seeds} seeds)",
                 f"outcomes: {outcomes}",
                 *(f"  {kind}: " + ", ".join(f"{code} {count}" for code, count in sorted(counts.items()))
                   for kind, counts in sorted(self.by_kind.items())),
                 f"uncaught exceptions: {self.uncaught}"
                 + (f" ({', '.join(f'{k} {v}' for k, v in sorted(self.problems.items()))})" if self.problems else ""),
                 f"hangs (stopped at the time limit): {self.hangs}",
                 f"peak worker RSS: {self.peak_rss_kb / 1024:.0f} MiB",
                 f"slowest input: {self.slowest_s:.1f} s",
                 f"wall time: {self.wall_s:.0f} s"]
        if self.failures:
            lines.append("failing inputs: " + ", ".join(self.failures[:20]))
        return "\n".join(lines)


def load_seeds(corpus: Path, evalset: Path | None = None) -> list[Seed]:
    """Corpus PDFs, generated documents with the mark, and optionally an evaluation set."""
    seeds = generated_seeds() + corpus_seeds(corpus)
    if evalset is not None:
        seeds += evalset_seeds(evalset)
    return seeds


def build_input(seeds: Sequence[Seed], run_seed: int, index: int) -> FuzzInput:
    """Input ``index`` of the run ``run_seed``: half from generated seeds, half from the rest."""
    rng = random.Random(f"htq-mark-fuzz/{run_seed}/{index}")
    generated = [s for s in seeds if s.name.startswith("generated/")]
    others = [s for s in seeds if not s.name.startswith("generated/")] or generated
    pool = generated if generated and rng.random() < 0.5 else others
    seed = rng.choice(pool)
    donors = [rng.choice(seeds).data for _ in range(2)]
    data, mutations = mutate(seed.data, rng, donors)
    return FuzzInput(index=index, seed_name=seed.name, mutations=mutations, data=data)


def _save(crashes: Path, item: FuzzInput, kind: str, detail: str) -> str:
    crashes.mkdir(parents=True, exist_ok=True)
    ignore = crashes / ".gitignore"
    if not ignore.exists():
        write_atomic(ignore, b"*\n", force=True)
    stem = f"{item.index:06d}-{kind}"
    write_atomic(crashes / f"{stem}{Path(item.name).suffix}", item.data, force=True)
    text = f"input {item.index} from {item.seed_name}\nmutations: {', '.join(item.mutations)}\n{kind}\n\n{detail}\n"
    write_atomic(crashes / f"{stem}.txt", text.encode("utf-8"), force=True)
    return stem


def _pool(jobs: int, timeout: float, memory_limit_mb: int) -> WorkerPool:
    """The scanner's own worker pool, set up as the fuzzer scans: the default kit and register, one thread each."""
    kit = load_kit()
    register = default_register()
    limits = Limits(max_seconds=timeout)
    references = build_references(kit)

    def make_setup(single_threaded: bool) -> WorkerSetup:
        return WorkerSetup(kit=kit, register=register, on=date.fromisoformat(SCAN_DATE), password=None,
                           limits=limits, thumbnails=False, references=references, single_threaded=single_threaded)

    return WorkerPool(make_setup, max(1, jobs), limits, single_threaded=True,
                      memory_limit_bytes=memory_limit_mb * 1024 * 1024 if memory_limit_mb > 0 else None)


def run_fuzz(*, count: int, seed: int = 1, jobs: int = 2, timeout: float = DEFAULT_TIMEOUT_S,
             corpus: Path | None = None, evalset: Path | None = None, crashes: Path | None = None,
             max_minutes: float | None = None, memory_limit_mb: int = DEFAULT_MEMORY_LIMIT_MB,
             only: Sequence[int] | None = None, progress: Callable[[Summary], None] | None = None) -> Summary:
    """Run ``count`` inputs (or just ``only``) through the scanner's worker pool and return the figures."""
    started = time.monotonic()
    seeds = load_seeds(corpus or default_corpus(), evalset)
    crash_dir = crashes or Path(__file__).resolve().parent / "crashes"
    indexes: Iterator[int] = iter(only) if only is not None else iter(range(count))
    summary = Summary(planned=len(only) if only is not None else count, seeds=len(seeds))
    stop_at = started + max_minutes * 60 if max_minutes else None

    def tally(item: FuzzInput, outcome: str) -> None:
        summary.inputs += 1
        summary.outcomes[outcome] += 1
        summary.by_kind.setdefault(item.kind, Counter())[outcome] += 1

    def record(item: FuzzInput, result: DocumentResult, killed: str | None) -> None:
        if killed == "timeout":
            summary.hangs += 1
            summary.failures.append(_save(crash_dir, item, "hang",
                                          f"still running after the {timeout:g} s limit; the worker was killed"))
            tally(item, "timeout")
            summary.slowest_s = max(summary.slowest_s, timeout)
        else:
            verdict = (Verdict(item.index, "worker-died", "worker-died", "the worker process ended unexpectedly")
                       if killed == "died" else judge(item.index, result, item.name))
            tally(item, verdict.outcome)
            summary.slowest_s = max(summary.slowest_s, result.elapsed_s)
            if verdict.problem is not None:
                summary.uncaught += 1
                summary.problems[verdict.problem] += 1
                summary.failures.append(_save(crash_dir, item, verdict.problem, verdict.detail))
        summary.peak_rss_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        if progress is not None:
            progress(summary)

    pool = _pool(jobs, timeout, memory_limit_mb)
    try:
        # Inputs go to the pool a few at a time, so they are not all held at once and a time limit is kept.
        while stop_at is None or time.monotonic() < stop_at:
            batch = [build_input(seeds, seed, index) for index in itertools.islice(indexes, _BATCH_PER_JOB * jobs)]
            if not batch:
                break
            pool.killed.clear()
            for position, result in pool.run([(position, InputDocument(path=item.name, location=None, data=item.data))
                                              for position, item in enumerate(batch)]):
                record(batch[position], result, pool.killed.get(position))
    finally:
        pool.close()
    summary.peak_rss_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    summary.wall_s = time.monotonic() - started
    return summary


def replay(path: Path, timeout: float) -> int:
    """Scan one saved input in this process and show what happens (a traceback if anything escapes)."""
    result = scan_document(path, on=SCAN_DATE, limits=Limits(max_seconds=timeout))
    print(json.dumps(result.to_dict(), indent=2))
    for note in result.notes:
        print(f"note: {note.code}: {note.message}")
    return 0


class _Ticker:
    """A progress line on stderr every ``every`` inputs."""

    def __init__(self, every: int, started: float) -> None:
        self.every, self.started = every, started

    def __call__(self, summary: Summary) -> None:
        if summary.inputs % self.every == 0:
            elapsed = time.monotonic() - self.started
            print(f"fuzz: {summary.inputs}/{summary.planned} in {elapsed:.0f} s, uncaught {summary.uncaught}, "
                  f"hangs {summary.hangs}, peak RSS {summary.peak_rss_kb / 1024:.0f} MiB", file=sys.stderr, flush=True)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="fuzz/run.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=1000, help="inputs to run (default 1000)")
    parser.add_argument("--seed", type=int, default=1, help="run seed: the same seed gives the same inputs")
    parser.add_argument("--jobs", type=int, default=2, help="worker processes (default 2)")
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT_S,
                        help=f"seconds allowed per input before its worker is killed (default {DEFAULT_TIMEOUT_S:g})")
    parser.add_argument("--corpus", type=Path, default=None, help="folder of real PDFs (default ../shared/corpus)")
    parser.add_argument("--evalset", type=Path, default=None, help="also seed from a generated evaluation set")
    parser.add_argument("--crashes", type=Path, default=None, help="where failing inputs go (default fuzz/crashes)")
    parser.add_argument("--max-minutes", type=float, default=None, help="stop starting inputs after this long")
    parser.add_argument("--memory-limit-mb", type=int, default=DEFAULT_MEMORY_LIMIT_MB,
                        help="address-space ceiling per worker, MiB (0: none)")
    parser.add_argument("--only", type=int, action="append", default=None, metavar="N",
                        help="run only input N (repeatable)")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures as JSON to this file")
    parser.add_argument("--replay", type=Path, default=None, help="scan one saved input here and print the result")
    args = parser.parse_args(argv)
    if args.replay is not None:
        return replay(args.replay, args.timeout)
    if args.count < 0 or args.jobs < 1 or args.timeout <= 0:
        parser.error("--count must be >= 0, --jobs >= 1 and --timeout > 0")
    summary = run_fuzz(count=args.count, seed=args.seed, jobs=args.jobs, timeout=args.timeout, corpus=args.corpus,
                       evalset=args.evalset, crashes=args.crashes, max_minutes=args.max_minutes,
                       memory_limit_mb=args.memory_limit_mb, only=args.only,
                       progress=_Ticker(max(1, min(500, args.count // 20 or 1)), time.monotonic()))
    print(summary.describe())
    if args.json is not None:
        write_atomic(args.json, (json.dumps(summary.to_dict(), indent=2) + "\n").encode("utf-8"), force=True)
    return 0 if summary.uncaught == 0 and summary.hangs == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
