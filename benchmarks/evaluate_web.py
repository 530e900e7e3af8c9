"""Score htq-mark on the web evaluation set, served from a loopback HTTP server.

    python benchmarks/evaluate_web.py [DIR] [--seed N] [--json OUT] [--limit N]

DIR holds ``labels.json`` and the pages (``python -m benchmarks.webset.generate DIR``);
without it the set is built (for ``--seed``) into a temporary folder. Every page is scanned with
one :class:`htq_mark.web.WebScanner` and scored with ``benchmarks/evaluate.py``'s
``score`` on the desktop viewport (page 1), where the labels are. Targets:
detection recall >= 0.98, each rule >= 0.95, no mark on decoy pages, false
rules on at most 1% of compliant marks.
"""

from __future__ import annotations

import argparse
import functools
import json
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.evaluate import Prediction, Reported, score

__all__ = ["emit", "main", "run_pages", "serve_folder"]


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base class's name
        pass


@contextmanager
def serve_folder(root: Path) -> Iterator[str]:
    """Serve ``root`` on 127.0.0.1; yields the base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(root)))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def run_pages(base: str, cases: list[dict[str, Any]], on_date: str) -> list[Prediction]:
    """Scan every case's page; predictions keep page 1 (desktop) only."""
    from htq_mark.web import WebOptions, WebScanner

    out = []
    with WebScanner(on=on_date, options=WebOptions(allow_private=True, delay=0.0)) as scanner:
        for case in cases:
            result = scanner.scan(f"{base}/{case['file']}").result
            marks = tuple(Reported(m.id, m.page, tuple(m.bbox), m.variant, m.confidence)  # type: ignore[arg-type]
                          for m in result.marks if m.page == 1)
            findings = tuple(f.to_dict() for f in result.findings if f.page == 1)
            error = None if result.error is None else f"{result.error.code}: {result.error.message}"
            out.append(Prediction(case["id"], result.status, marks, findings, error, result.elapsed_s))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", type=Path, nargs="?")
    parser.add_argument("--seed", type=int, default=0, help="seed of the set built when DIR has none")
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--limit", type=int, default=None)
    args = parser.parse_args(argv)
    from benchmarks.webset.generate import build

    with tempfile.TemporaryDirectory(prefix="htq-webset-") as scratch:
        root = args.root or Path(scratch)
        if not (root / "labels.json").exists():
            build(root, args.seed)
        labels = json.loads((root / "labels.json").read_text(encoding="utf-8"))
        if args.limit:
            labels["cases"] = labels["cases"][:args.limit]
        started = time.perf_counter()
        with serve_folder(root) as base:
            predictions = run_pages(base, labels["cases"], labels["on_date"])
        result = score(labels, predictions, with_rules=True)
        result["seconds"] = round(time.perf_counter() - started, 1)
    emit(result, args.json)
    return 0


def emit(result: dict[str, Any], path: Path | None) -> None:
    """Print ``result`` as JSON, and write it to ``path`` if given."""
    text = json.dumps(result, indent=1)
    if path is not None:
        path.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    raise SystemExit(main())
