"""The Dask executor against local worker processes, as ratios to baselines measured in the same run.

    python benchmarks/bench_dask.py [--documents N] [--rounds R] [--ceiling] [--memory 10000,100000]
                                    [--memory-executors local,dask] [--json OUT]

- Throughput: documents per second on the same inputs (``--documents`` different
  cases of the evaluation set) with ``--jobs 1`` and ``--jobs 2`` and with 1
  and 2 Dask workers (one thread each, ``LocalCluster`` on 127.0.0.1). The
  configurations take turns, ``--rounds`` times, and each keeps its best round, so
  a load that comes and goes on a shared machine falls on all of them alike.
  Each Dask round starts from restarted workers (no scan process running), as
  each local round starts its processes; the cluster's own start-up is left out,
  as a cluster is started once and scans many times.
  Goals: 2 Dask workers >= 1.7x one; Dask within 1.15x of ``--jobs`` at the same
  parallelism. The ``--jobs`` runs get this process's environment as it was before
  the clusters started (starting Dask workers sets their variables here too).
- With ``--ceiling``, first: what a second process can gain on this machine for
  this work, two separate ``htq-mark scan --jobs 1`` processes at once against
  one alone (2 x alone / together), the bound for the 2-over-1 figures.
- Scheduler overhead per document: tiny documents (3x3-pixel PNGs, which cost
  the scan almost nothing) on 1 Dask worker against ``--jobs 1``; the extra time
  divided by the number of documents, with the default batches and with one
  document per task.
- Client peak memory: the largest resident set of the ``htq-mark scan --format
  json -o FILE`` process (from ``wait4``) for each count of tiny documents in
  ``--memory``, with ``--jobs 2`` and with ``--scheduler`` of a ``dask
  scheduler`` and two ``dask worker`` processes (``--memory-executors``). Goal:
  the same within 20% from 10,000 to 100,000.

The package is byte-compiled first, as an installed copy is.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time
import zlib
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

__all__ = ["bench_memory", "bench_overhead", "bench_throughput", "dask_processes", "main"]

REPO = Path(__file__).resolve().parents[1]
#: This process's environment before any Dask worker started: starting one (and restarting it) sets
#: Dask's worker variables (MALLOC_TRIM_THRESHOLD_, OMP_NUM_THREADS, ...) here too.
USER_ENVIRONMENT = dict(os.environ)
BIN = Path(sys.executable).parent
ON = "2026-11-23"
# Image and PDF cases of the evaluation set, in the proportions a brochure folder might have.
CASES = [(1, "compliant", "png"), (2, "rotated", "jpeg"), (3, "compliant", "pdf-vector"),
         (4, "stretched", "pdf-raster"), (5, "small", "png"), (6, "cropped", "pdf-vector"),
         (7, "multi", "png"), (8, "compliant", "jpeg")]


def _evalset_documents(folder: Path, count: int) -> list[str]:
    """``count`` different documents: evaluation-set cases of the conditions in :data:`CASES`, in turn."""
    from benchmarks.evalset.generate import build_context, make_case
    from benchmarks.evalset.plan import PlannedCase

    context = build_context(0)
    paths = []
    for number in range(count):
        _, condition, medium = CASES[number % len(CASES)]
        case, data = make_case(PlannedCase(number + 1, condition, medium), 0, context)
        path = folder / Path(case.file).name
        path.write_bytes(data)
        paths.append(str(path))
    return paths


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _tiny_documents(folder: Path, count: int) -> Path:
    """``count`` different 3x3-pixel PNGs (too small to hold a mark, so scanning them costs almost nothing).

    Each carries its number in a text chunk, so no two are the same file (identical files are
    scanned once).
    """
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (3, 3), "white").save(buffer, "PNG")
    picture = buffer.getvalue()
    end = picture.rindex(b"IEND") - 4  # the IEND chunk starts with its length
    documents = folder / f"tiny-{count}"
    documents.mkdir()
    for number in range(count):
        numbered = picture[:end] + _png_chunk(b"tEXt", b"n\0" + str(number).encode()) + picture[end:]
        (documents / f"{number:07d}.png").write_bytes(numbered)
    return documents


def _as_the_user_had_it() -> None:
    """Put back the environment of :data:`USER_ENVIRONMENT`, for runs a user starts from a shell."""
    for name in set(os.environ) - set(USER_ENVIRONMENT):
        del os.environ[name]
    for name, value in USER_ENVIRONMENT.items():
        if os.environ.get(name) != value:
            os.environ[name] = value


def _timed(run: Callable[[], Any]) -> float:
    started = time.perf_counter()
    run()
    return time.perf_counter() - started


def _cluster(workers: int) -> Any:
    from distributed import Client, LocalCluster

    cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1",
                           dashboard_address="127.0.0.1:0")
    return cluster, Client(cluster, set_as_default=False)


def _fresh(client: Any, workers: int) -> None:
    """Restart the cluster's workers, so no scan process is running when a round starts."""
    client.restart()
    client.wait_for_workers(workers)


def bench_throughput(paths: Sequence[str], rounds: int) -> dict[str, Any]:
    """Documents per second with --jobs 1/2 and 1/2 Dask workers, best of ``rounds`` each."""
    from htq_mark import load_kit
    from htq_mark.scanner import scan

    kit = load_kit()
    clusters = {workers: _cluster(workers) for workers in (1, 2)}
    best: dict[str, float] = {}
    try:
        for _ in range(rounds):
            for workers in (1, 2):
                _as_the_user_had_it()
                local = _timed(lambda: scan(paths, kit=kit, on=ON, jobs=workers))
                best[f"jobs{workers}"] = min(best.get(f"jobs{workers}", local), local)
                client = clusters[workers][1]
                _fresh(client, workers)
                remote = _timed(lambda: scan(paths, kit=kit, on=ON, executor=client))
                best[f"dask{workers}"] = min(best.get(f"dask{workers}", remote), remote)
    finally:
        for cluster, client in clusters.values():
            client.close()
            cluster.close()
        _as_the_user_had_it()
    rates = {name: len(paths) / seconds for name, seconds in best.items()}
    return {
        "documents": len(paths),
        "docs_per_s": {name: round(rate, 2) for name, rate in rates.items()},
        "dask2_over_dask1": round(rates["dask2"] / rates["dask1"], 2),
        "jobs2_over_jobs1": round(rates["jobs2"] / rates["jobs1"], 2),
        "dask1_time_over_jobs1": round(best["dask1"] / best["jobs1"], 2),
        "dask2_time_over_jobs2": round(best["dask2"] / best["jobs2"], 2),
    }


def bench_ceiling(paths: Sequence[str], folder: Path) -> dict[str, Any]:
    """What two processes gain over one on this machine for this work: ``htq-mark scan --jobs 1`` on
    ``paths`` alone (after a first, untimed run), then two such scans at once (each its own process)."""
    def command(name: str) -> list[str]:
        return [sys.executable, "-c", _REPOSITORY_CLI, "scan", "--jobs", "1", "--date", ON, "--format", "json", "--force",
                "-o", str(folder / f"ceiling-{name}.json"), *paths]

    def timed_together(names: Sequence[str]) -> float:
        started = time.perf_counter()
        processes = [subprocess.Popen(command(name), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                      env=USER_ENVIRONMENT, cwd=REPO) for name in names]
        for process in processes:
            _, errors = process.communicate()
            if process.returncode not in (0, 1, 3):  # findings and unreadable files are part of the set
                raise SystemExit(f"htq-mark scan exited with {process.returncode}: {errors.decode()[-2000:]}")
        return time.perf_counter() - started

    timed_together(["warm-up"])  # caches on disk (the detector's references, the files read) filled first
    alone = timed_together(["alone"])
    together = timed_together(["first", "second"])
    return {"alone_s": round(alone, 2), "two_at_once_s": round(together, 2),
            "two_over_one": round(2 * alone / together, 2)}


def bench_overhead(folder: Path, count: int, rounds: int) -> dict[str, Any]:
    """Extra seconds per document on one Dask worker over --jobs 1, for documents that cost nothing."""
    from htq_mark import load_kit
    from htq_mark.scanner import scan
    from htq_mark.scanner._executors import DaskExecutor

    kit = load_kit()
    tiny = [str(path) for path in sorted(_tiny_documents(folder, count).iterdir())]
    cluster, client = _cluster(1)
    best: dict[str, float] = {}
    try:
        for _ in range(rounds):
            runs = {"jobs1": lambda: scan(tiny, kit=kit, on=ON, jobs=1),
                    "dask_batched": lambda: scan(tiny, kit=kit, on=ON, executor=client),
                    "dask_one_per_task": lambda: scan(tiny, kit=kit, on=ON,
                                                      executor=DaskExecutor(client, batch_size=1))}
            for name, run in runs.items():
                if name == "jobs1":
                    _as_the_user_had_it()
                else:
                    _fresh(client, 1)
                seconds = _timed(run)
                best[name] = min(best.get(name, seconds), seconds)
    finally:
        client.close()
        cluster.close()
        _as_the_user_had_it()
    per_document = {name: (best[name] - best["jobs1"]) / count * 1000 for name in ("dask_batched",
                                                                                   "dask_one_per_task")}
    return {"documents": count, "jobs1_ms_per_document": round(best["jobs1"] / count * 1000, 3),
            "overhead_ms_per_document": {name: round(value, 3) for name, value in per_document.items()}}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.contextmanager
def dask_processes(workers: int) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """``dask scheduler`` and ``dask worker`` (``workers`` single-threaded processes) on 127.0.0.1.

    Yields the scheduler's address and process; both are stopped on leaving.
    """
    port = str(_free_port())
    address = f"tcp://127.0.0.1:{port}"
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    scheduler = subprocess.Popen([str(BIN / "dask"), "scheduler", "--host", "127.0.0.1", "--port", port,
                                  "--no-dashboard"], **quiet)  # type: ignore[call-overload]
    pool = subprocess.Popen([str(BIN / "dask"), "worker", address, "--nworkers", str(workers), "--nthreads", "1",
                             "--host", "127.0.0.1", "--no-dashboard"], **quiet)  # type: ignore[call-overload]
    try:
        yield address, scheduler
    finally:
        for process in (pool, scheduler):
            process.send_signal(signal.SIGINT)
        for process in (pool, scheduler):
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


# The command line, reporting its own peak resident set as it exits (the largest a process's
# rusage shows would include the local executor's worker processes).
# The command line of this repository's htq-mark (``python -c`` imports from the current folder first).
_REPOSITORY_CLI = "import sys\nfrom htq_mark.cli import main\nmain(sys.argv[1:])"
_MEASURED_CLI = ("import atexit, resource, sys\n"
                 "atexit.register(lambda: print('peak-kib', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, "
                 "file=sys.stderr))\n"
                 "from htq_mark.cli import main\n"
                 "main(sys.argv[1:])")


def _peak(arguments: list[str], output: Path) -> dict[str, Any]:
    """Run ``htq-mark ARGUMENTS`` (writing ``-o output``) and measure the command's own peak resident set."""
    started = time.perf_counter()
    finished = subprocess.run([sys.executable, "-c", _MEASURED_CLI, *arguments], stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, text=True, check=False, env=USER_ENVIRONMENT, cwd=REPO)
    seconds = time.perf_counter() - started
    peak = [line.split()[1] for line in finished.stderr.splitlines() if line.startswith("peak-kib ")]
    scanned = json.loads(output.read_text())["summary"]["documents"] if output.exists() else 0
    return {"peak_mib": round(int(peak[-1]) / 1024, 1) if peak else None, "seconds": round(seconds, 1),
            "documents_reported": scanned, "exit_status": finished.returncode}


def bench_memory(folder: Path, counts: Sequence[int], executors: Sequence[str] = ("local", "dask")) -> dict[str, Any]:
    """Peak resident set (MiB) of the scanning client for each count of tiny documents, on each executor.

    ``local``: ``--jobs 2`` (the client's own peak, its worker processes not counted). ``dask``:
    ``--scheduler`` of a ``dask scheduler`` with two ``dask worker`` processes.
    """
    peaks: dict[str, Any] = {}
    folders = {count: _tiny_documents(folder, count) for count in counts}
    scan = ["scan", "--date", ON, "--format", "json", "--limit", f"max_folder_entries={max(counts) + 1}"]
    with contextlib.ExitStack() as stack:
        for executor in executors:
            if executor == "dask":
                address, _ = stack.enter_context(dask_processes(2))
                chosen = ["--scheduler", address]
            else:
                chosen = ["--jobs", "2"]
            for count in counts:
                output = folder / f"report-{executor}-{count}.json"
                peaks[f"{executor}/{count}"] = _peak([*scan, *chosen, "-o", str(output), str(folders[count])], output)
                print(json.dumps({f"{executor}/{count}": peaks[f"{executor}/{count}"]}), file=sys.stderr, flush=True)
                output.unlink(missing_ok=True)
    for executor in executors:
        first, last = (peaks.get(f"{executor}/{count}") for count in (min(counts), max(counts)))
        if first and last and first["peak_mib"] and last["peak_mib"] and len(counts) > 1:
            peaks[f"{executor}/ratio"] = round(last["peak_mib"] / first["peak_mib"], 3)
    return peaks


def render_markdown(result: dict[str, Any]) -> str:
    lines = []
    throughput = result.get("throughput")
    if throughput:
        rates = throughput["docs_per_s"]
        lines += [f"Throughput, {throughput['documents']} evaluation-set documents (documents per second):",
                  "", "| | 1 process | 2 processes | 2 over 1 |", "|---|---|---|---|",
                  f"| `--jobs` | {rates['jobs1']} | {rates['jobs2']} | {throughput['jobs2_over_jobs1']}x |",
                  f"| Dask workers | {rates['dask1']} | {rates['dask2']} | {throughput['dask2_over_dask1']}x |",
                  f"| Dask time over `--jobs` time | {throughput['dask1_time_over_jobs1']}x | "
                  f"{throughput['dask2_time_over_jobs2']}x | |", ""]
    ceiling = result.get("ceiling")
    if ceiling:
        lines += [f"Two separate `--jobs 1` scans at once over one alone: {ceiling['two_over_one']}x "
                  f"({ceiling['alone_s']} s alone, {ceiling['two_at_once_s']} s for both).", ""]
    overhead = result.get("overhead")
    if overhead:
        extra = overhead["overhead_ms_per_document"]
        lines += [f"Scheduler overhead, {overhead['documents']} tiny documents on one worker: "
                  f"{extra['dask_batched']} ms per document batched, {extra['dask_one_per_task']} ms with one "
                  f"document per task (`--jobs 1` takes {overhead['jobs1_ms_per_document']} ms per document).", ""]
    memory = result.get("memory")
    if memory:
        lines += ["Client peak memory (`htq-mark scan ... --format json -o FILE`):", "",
                  "| executor | documents | peak MiB | seconds |", "|---|---|---|---|"]
        for name, row in memory.items():
            executor, _, count = name.partition("/")
            if count == "ratio":
                lines.append(f"| {executor} | largest over smallest | {row}x | |")
            else:
                lines.append(f"| {executor} | {count} | {row['peak_mib']} | {row['seconds']} |")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--documents", type=int, default=48, help="documents for the throughput runs (default 48)")
    parser.add_argument("--rounds", type=int, default=2, help="rounds of every configuration (default 2)")
    parser.add_argument("--tiny", type=int, default=2000, help="tiny documents for the overhead runs (default 2000)")
    parser.add_argument("--memory", default="10000,100000",
                        help="counts of tiny documents for the client-memory runs (default 10000,100000; "
                             "empty to skip)")
    parser.add_argument("--memory-executors", default="local,dask",
                        help="executors for the client-memory runs (default local,dask)")
    parser.add_argument("--ceiling", action="store_true",
                        help="first time two separate --jobs 1 scans at once against one alone: how much a "
                             "second process can gain on this machine for this work")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures to this file")
    args = parser.parse_args(argv)
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(REPO / "htq_mark")], check=True)
    result: dict[str, Any] = {"cores": len(os.sched_getaffinity(0))}
    with tempfile.TemporaryDirectory(prefix="htq-mark-bench-dask-") as scratch:
        folder = Path(scratch)
        if args.documents:
            (folder / "evalset").mkdir()
            documents = _evalset_documents(folder / "evalset", args.documents)
            if args.ceiling:
                result["ceiling"] = bench_ceiling(documents, folder)
                print(json.dumps(result["ceiling"]), file=sys.stderr, flush=True)
            result["throughput"] = bench_throughput(documents, args.rounds)
            print(json.dumps(result["throughput"]), file=sys.stderr, flush=True)
        if args.tiny:
            result["overhead"] = bench_overhead(folder, args.tiny, args.rounds)
            print(json.dumps(result["overhead"]), file=sys.stderr, flush=True)
        counts = [int(text) for text in args.memory.split(",") if text.strip()]
        if counts:
            result["memory"] = bench_memory(folder, counts, [name.strip() for name in
                                                             args.memory_executors.split(",") if name.strip()])
    text = json.dumps(result, indent=2)
    print(text)
    print(render_markdown(result))
    if args.json is not None:
        args.json.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
