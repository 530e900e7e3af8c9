"""Scan every PDF of the shared corpus (none shows the mark) and count what should be zero.

    python benchmarks/corpus_false_positives.py [--corpus DIR] [--jobs N] [--limit N] [--json OUT]

Counts marks reported (every one is a false positive), findings, documents that
could not be read (by error code; several corpus files are broken or encrypted on
purpose, so these are expected) and crashes: documents whose error names a
programming error (TypeError, KeyError, ...) rather than a damaged file, and
scans that raised instead of returning a result. Exit status 1 when a mark was
reported or something crashed.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

__all__ = ["INTERNAL_ERROR", "corpus_files", "main", "scan_corpus"]

#: Exception names that mean a bug in the scanner, not a damaged input.
INTERNAL_ERROR = re.compile(r"\b(TypeError|AttributeError|NameError|UnboundLocalError|IndexError|KeyError|"
                            r"AssertionError|ZeroDivisionError|NotImplementedError|ImportError|"
                            r"ModuleNotFoundError|internal error)\b")


def default_corpus() -> Path:
    return (Path(__file__).resolve().parents[1] / ".." / "shared" / "corpus").resolve()


def corpus_files(corpus: Path, limit: int | None = None) -> list[Path]:
    """The corpus PDFs, sorted; the first ``limit`` of them when given."""
    if not corpus.is_dir():
        raise FileNotFoundError(f"{corpus}: the PDF corpus is missing; it lives at <repo root>/../shared/corpus")
    files = sorted(p for p in corpus.rglob("*") if p.is_file() and p.suffix.lower() == ".pdf")
    return files[:limit] if limit is not None else files


def scan_corpus(files: Sequence[Path], jobs: int) -> dict[str, Any]:
    """Scan ``files`` with ``htq_mark.scanner.scan`` and tally marks, findings, errors and crashes."""
    from htq_mark.scanner import scan

    started = time.perf_counter()
    try:
        report = scan([str(f) for f in files], jobs=jobs)
    except Exception as exc:  # the whole batch failing is the worst crash of all
        return {"documents": len(files), "batch_crash": f"{type(exc).__name__}: {exc}", "marks": None,
                "crashes": [f"(batch) {type(exc).__name__}: {exc}"], "seconds": time.perf_counter() - started}
    seconds = time.perf_counter() - started
    marks = [{"path": d.path, **m.to_dict()} for d in report.documents for m in d.marks]
    findings = Counter(f.rule for d in report.documents for f in d.findings)
    errors = Counter(d.error.code for d in report.documents if d.error is not None)
    crashes = [f"{d.path}: {d.error.message}" for d in report.documents
               if d.error is not None and INTERNAL_ERROR.search(d.error.message)]
    pages = sum(len(d.pages) for d in report.documents if d.status == "ok")
    slowest = sorted(report.documents, key=lambda d: -d.elapsed_s)[:5]
    return {
        "documents": len(report.documents),
        "pages": pages,
        "marks": len(marks),
        "mark_list": marks,
        "findings": dict(findings),
        "unreadable": dict(errors),
        "unreadable_list": [f"{d.path}: {d.error.code}: {d.error.message}" for d in report.documents
                            if d.error is not None],
        "crashes": crashes,
        "seconds": round(seconds, 2),
        "jobs": jobs,
        "slowest": [{"path": d.path, "seconds": round(d.elapsed_s, 2)} for d in slowest],
    }


def render_markdown(result: dict[str, Any]) -> str:
    lines = ["| measure | value | target |", "|---|---|---|",
             f"| documents | {result['documents']} | |",
             f"| pages scanned | {result.get('pages', '-')} | |",
             f"| marks reported | {result['marks']} | 0 |",
             f"| crashes | {len(result['crashes'])} | 0 |",
             (f"| unreadable (expected: broken or encrypted files) | "
             f"{sum(result.get('unreadable', {}).values())} "
             f"({', '.join(f'{k} {v}' for k, v in sorted(result.get('unreadable', {}).items())) or 'none'}) | |"),
             f"| time | {result['seconds']:.0f} s with {result.get('jobs', '?')} job(s) | |"]
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python benchmarks/corpus_false_positives.py", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=default_corpus())
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--limit", type=int, default=None, help="scan only the first N documents")
    parser.add_argument("--json", type=Path, default=None, help="write the tallies as JSON here")
    args = parser.parse_args(argv)
    try:
        files = corpus_files(args.corpus, args.limit)
    except FileNotFoundError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    result = scan_corpus(files, max(1, args.jobs))
    print(render_markdown(result))
    for mark in result.get("mark_list", []):
        print(f"false positive: {mark['path']} page {mark['page']} bbox {mark['bbox']} "
              f"confidence {mark['confidence']}")
    for crash in result["crashes"]:
        print(f"crash: {crash}")
    if args.json:
        from htq_mark._io import write_atomic

        write_atomic(args.json, (json.dumps(result, indent=1) + "\n").encode(), force=True)
    return 1 if result["marks"] or result["crashes"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
