"""The fuzzer's worker process: scan each input with ``scan_document`` and judge the outcome.

A worker loads the kit, register and detector references once, then scans
each input it is sent and answers with a :class:`Verdict`. Besides the
result's status and code, it checks what must always hold:

* no exception escapes ``scan_document``;
* no error result comes from the scanner's catch-all for a fault in the
  scanner itself (an exception raised in htq-mark, numpy or OpenCV rather
  than in a file parser: Pillow, pypdf, pypdfium2);
* an error's code is one of the contract's and its message names the file;
* the JSON form is valid JSON (no NaN or infinity).
"""

from __future__ import annotations

import json
import logging
import os
import resource
import signal
import sys
import sysconfig
import time
import traceback
import warnings
from dataclasses import dataclass
from multiprocessing.connection import Connection
from types import TracebackType
from typing import Any

__all__ = ["CONTRACT_CODES", "Verdict", "WorkerConfig", "judge", "worker_main"]

CONTRACT_CODES = frozenset({"unreadable", "encrypted", "unsupported", "too-large", "timeout"})
#: Packages whose exceptions on a damaged file are an honest "unreadable".
PARSERS = frozenset({"PIL", "pypdf", "pypdfium2"})
_STDLIB = os.path.realpath(sysconfig.get_paths()["stdlib"])


@dataclass(frozen=True)
class WorkerConfig:
    """What a worker needs: the scan date, per-document limits and a memory ceiling."""

    on: str
    limits: dict[str, Any]
    memory_limit_mb: int


@dataclass(frozen=True)
class Verdict:
    """How one input went: ``outcome`` is ``ok`` or an error code; ``problem`` is set when an invariant broke."""

    index: int
    outcome: str
    problem: str | None
    detail: str
    elapsed_s: float
    max_rss_kb: int


def _package_of(filename: str) -> str:
    """The top-level package a source file belongs to ('' for the standard library)."""
    real = os.path.realpath(filename)
    if real.startswith(_STDLIB + os.sep) and "site-packages" not in real:
        return ""
    parts = real.replace("\\", "/").split("/")
    for marker in ("site-packages", "dist-packages"):
        if marker in parts:
            rest = parts[parts.index(marker) + 1:]
            return rest[0] if rest else ""
    if "htq_mark" in parts:
        return "htq_mark"
    return parts[-1]


def blamed_package(tb: TracebackType | None) -> str:
    """The package of the innermost frame outside the standard library."""
    frames = list(traceback.walk_tb(tb))
    for frame, _line in reversed(frames):
        package = _package_of(frame.f_code.co_filename)
        if package:
            return package
    return ""


class _CatchAllProbe:
    """Wraps the scanner's error-result builder to see which exception led to each error result."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    def install(self) -> None:
        from htq_mark.errors import InputError
        from htq_mark.scanner import _document as document

        original = document._error_result

        def probe(*args: Any, **kwargs: Any) -> Any:
            exc_type, exc, tb = sys.exc_info()
            if exc is not None and not isinstance(exc, (InputError, MemoryError, RecursionError)):
                package = blamed_package(tb)
                if package not in PARSERS:
                    text = "".join(traceback.format_exception(exc_type, exc, tb))
                    self.seen.append(f"catch-all hid a fault raised in {package or 'the standard library'}:\n{text}")
            return original(*args, **kwargs)

        document._error_result = probe


def judge(index: int, result: Any, name: str, elapsed: float, hidden: list[str]) -> Verdict:
    """The verdict on one result of ``scan_document``."""
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    outcome = "ok" if result.status == "ok" else (result.error.code if result.error else "missing-error")
    problem = None
    detail = "; ".join(note.message for note in result.notes[:3]) if result.status == "ok" else (result.error.message if result.error else "")
    if hidden:
        problem, detail = "internal-error", hidden[0]
    elif result.status == "error":
        message = result.error.message if result.error else ""
        if outcome not in CONTRACT_CODES:
            problem = "bad-code"
        elif not message.startswith(name):
            problem = "message-does-not-name-file"
        elif "Traceback" in message:
            problem = "traceback-in-message"
    if problem is None:
        try:
            json.dumps(result.to_dict(), allow_nan=False)
        except (TypeError, ValueError) as exc:
            problem, detail = "bad-json", f"{type(exc).__name__}: {exc}"
    return Verdict(index=index, outcome=outcome, problem=problem, detail=detail, elapsed_s=elapsed, max_rss_kb=rss)


def worker_main(connection: Connection, config: WorkerConfig) -> None:
    """Scan each ``(index, name, data)`` sent until ``None``; answer with a Verdict each."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if config.memory_limit_mb > 0:
        ceiling = config.memory_limit_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (ceiling, ceiling))
    # Parsers complain about damaged files through warnings and logging; the results carry what matters.
    warnings.simplefilter("ignore")
    logging.getLogger("pypdf").setLevel(logging.CRITICAL)
    try:
        import cv2

        cv2.setNumThreads(1)
        from htq_mark.kit import load_kit
        from htq_mark.register import default_register
        from htq_mark.scanner import Limits, scan_document
        from htq_mark.scanner._detect import build_references

        kit = load_kit()
        register = default_register()
        references = build_references(kit)
        limits = Limits(**config.limits)
        probe = _CatchAllProbe()
        probe.install()
    except Exception as exc:  # noqa: BLE001 - reported to the parent, which stops the run
        connection.send(("failed", f"{type(exc).__name__}: {exc}"))
        return
    connection.send(("ready", None))
    while True:
        try:
            task = connection.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        index, name, data = task
        probe.seen.clear()
        started = time.perf_counter()
        try:
            result = scan_document(data, kit=kit, register=register, on=config.on, limits=limits, name=name,
                                   references=references)
        except BaseException as exc:  # noqa: BLE001 - the point of fuzzing: nothing may escape
            rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            text = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
            connection.send(("verdict", Verdict(index, "uncaught", "uncaught-exception", text,
                                                time.perf_counter() - started, rss)))
            continue
        connection.send(("verdict", judge(index, result, name, time.perf_counter() - started, probe.seen)))
