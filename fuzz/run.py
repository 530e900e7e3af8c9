"""Mutation fuzzer for the scanner: ``python fuzz/run.py --count 20000 --seed 1 --jobs 2``.

Seeds are the real PDFs of the shared corpus (``../shared/corpus``) and
pictures and PDFs made here carrying the mark (PNG, JPEG, TIFF, GIF, WebP,
BMP, PDF); ``--evalset DIR`` adds a generated evaluation set. Input N of a run
is seed and mutations chosen from ``(--seed, N)``, so a run is repeatable and
any input can be rebuilt alone (``--only N``).

Each input is scanned by ``htq_mark.scanner.scan_document`` in a worker process
with the per-document time limit; a worker past the limit is killed, as the
scanner's batch does. The run counts inputs, outcomes by code, uncaught
exceptions (anything escaping ``scan_document``, a worker that died, or an
error result hiding a fault in the scanner), hangs (inputs stopped at the time
limit) and the workers' peak RSS, and writes each failing input with its
details to ``--crashes`` (default ``fuzz/crashes/``) for reproduction with
``--replay FILE``. Exit status 0 when nothing failed, 1 otherwise.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import random
import resource
import sys
import time
from collections import Counter, deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from multiprocessing.connection import wait
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
from fuzz.worker import Verdict, WorkerConfig, worker_main

__all__ = ["FuzzInput", "Summary", "build_input", "load_seeds", "main", "run_fuzz"]

DEFAULT_TIMEOUT_S = 30.0
DEFAULT_MEMORY_LIMIT_MB = 6144
SCAN_DATE = "2025-06-01"
_KILL_GRACE_S = 5.0
_START_TIMEOUT_S = 180.0


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


class _Worker:
    def __init__(self, context: Any, config: WorkerConfig) -> None:
        self.connection, child = context.Pipe(duplex=True)
        self.process = context.Process(target=worker_main, args=(child, config), daemon=True)
        self.process.start()
        child.close()
        self.ready = False
        self.started = time.monotonic()
        self.task: FuzzInput | None = None
        self.deadline = 0.0

    def send(self, item: FuzzInput, seconds: float) -> None:
        self.task = item
        self.deadline = time.monotonic() + seconds
        self.connection.send((item.index, item.name, item.data))

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(_KILL_GRACE_S)
        self.connection.close()

    def stop(self) -> None:
        try:
            self.connection.send(None)
        except (OSError, ValueError):
            pass
        self.process.join(_KILL_GRACE_S)
        self.kill()


def _save(crashes: Path, item: FuzzInput, kind: str, detail: str) -> str:
    from htq_mark._io import write_atomic

    crashes.mkdir(parents=True, exist_ok=True)
    ignore = crashes / ".gitignore"
    if not ignore.exists():
        write_atomic(ignore, b"*\n", force=True)
    stem = f"{item.index:06d}-{kind}"
    write_atomic(crashes / f"{stem}{Path(item.name).suffix}", item.data, force=True)
    text = f"input {item.index} from {item.seed_name}\nmutations: {', '.join(item.mutations)}\n{kind}\n\n{detail}\n"
    write_atomic(crashes / f"{stem}.txt", text.encode("utf-8"), force=True)
    return stem


def run_fuzz(*, count: int, seed: int = 1, jobs: int = 2, timeout: float = DEFAULT_TIMEOUT_S,
             corpus: Path | None = None, evalset: Path | None = None, crashes: Path | None = None,
             max_minutes: float | None = None, memory_limit_mb: int = DEFAULT_MEMORY_LIMIT_MB,
             only: Sequence[int] | None = None, progress: Callable[[Summary], None] | None = None) -> Summary:
    """Run ``count`` inputs (or just ``only``) through the scanner and return the figures."""
    started = time.monotonic()
    seeds = load_seeds(corpus or default_corpus(), evalset)
    crash_dir = crashes or Path(__file__).resolve().parent / "crashes"
    indexes: Iterator[int] = iter(only) if only is not None else iter(range(count))
    summary = Summary(planned=len(only) if only is not None else count, seeds=len(seeds))
    config = WorkerConfig(on=SCAN_DATE, limits={"max_seconds": timeout}, memory_limit_mb=memory_limit_mb)
    context = multiprocessing.get_context("spawn")
    workers: list[_Worker] = []
    pending: deque[FuzzInput] = deque()
    stop_at = started + max_minutes * 60 if max_minutes else None

    def next_input() -> FuzzInput | None:
        if pending:
            return pending.popleft()
        if stop_at is not None and time.monotonic() >= stop_at:
            return None
        index = next(indexes, None)
        return None if index is None else build_input(seeds, seed, index)

    def tally(item: FuzzInput, outcome: str) -> None:
        summary.inputs += 1
        summary.outcomes[outcome] += 1
        summary.by_kind.setdefault(item.kind, Counter())[outcome] += 1

    def record(item: FuzzInput, verdict: Verdict) -> None:
        tally(item, verdict.outcome)
        summary.peak_rss_kb = max(summary.peak_rss_kb, verdict.max_rss_kb)
        summary.slowest_s = max(summary.slowest_s, verdict.elapsed_s)
        if verdict.problem is not None:
            summary.uncaught += 1
            summary.problems[verdict.problem] += 1
            summary.failures.append(_save(crash_dir, item, verdict.problem, verdict.detail))
        if progress is not None:
            progress(summary)

    exhausted = False
    try:
        workers.extend(_Worker(context, config) for _ in range(max(1, jobs)))
        while True:
            for worker in workers:
                if worker.ready and worker.task is None and not exhausted:
                    item = next_input()
                    if item is None:
                        exhausted = True
                    else:
                        worker.send(item, timeout)
            busy = [w for w in workers if w.task is not None]
            if exhausted and not busy:
                break
            now = time.monotonic()
            deadline = min((w.deadline for w in busy), default=now + 1.0)
            for connection in wait([w.connection for w in workers], timeout=max(0.0, min(deadline - now, 1.0))):
                found = next(w for w in workers if w.connection is connection)
                try:
                    kind, payload = found.connection.recv()
                except (EOFError, OSError):
                    kind, payload = "died", None
                if kind == "ready":
                    found.ready = True
                elif kind == "verdict":
                    item, found.task = found.task, None
                    assert item is not None
                    record(item, payload)
                elif kind == "failed":
                    raise SystemExit(f"fuzz: a worker could not start: {payload}")
                else:
                    item = found.task
                    found.kill()
                    workers.remove(found)
                    if item is None:
                        raise SystemExit("fuzz: a worker stopped before it was ready; check the installation.")
                    code = found.process.exitcode
                    record(item, Verdict(item.index, "worker-died", "worker-died",
                                         f"the worker process ended with exit code {code}", 0.0, 0))
                    workers.append(_Worker(context, config))
            now = time.monotonic()
            for worker in list(workers):
                if worker.task is not None and now >= worker.deadline:
                    item = worker.task
                    worker.kill()
                    workers.remove(worker)
                    summary.hangs += 1
                    summary.failures.append(_save(crash_dir, item, "hang",
                                                  f"still running after the {timeout:g} s limit; the worker was killed"))
                    tally(item, "timeout")
                    summary.slowest_s = max(summary.slowest_s, timeout)
                    workers.append(_Worker(context, config))
                elif not worker.ready and now - worker.started > _START_TIMEOUT_S:
                    raise SystemExit("fuzz: a worker took too long to start.")
    finally:
        for worker in workers:
            worker.stop()
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    summary.peak_rss_kb = max(summary.peak_rss_kb, children)
    summary.wall_s = time.monotonic() - started
    return summary


def replay(path: Path, timeout: float) -> int:
    """Scan one saved input in this process and show what happens (a traceback if anything escapes)."""
    from htq_mark.scanner import Limits, scan_document

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
        from htq_mark._io import write_atomic

        write_atomic(args.json, (json.dumps(summary.to_dict(), indent=2) + "\n").encode("utf-8"), force=True)
    return 0 if summary.uncaught == 0 and summary.hangs == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
