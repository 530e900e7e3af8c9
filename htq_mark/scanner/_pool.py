"""The local engine: worker processes on this machine, each scanning one document at a time.

A :class:`WorkerPool` runs documents on up to ``jobs`` worker processes
(:mod:`htq_mark.scanner._worker`). A document that runs past its time limit has
its worker killed, so a stuck parser really stops; it is reported as
``timeout`` and a fresh worker takes the next document. A worker that dies
(a parser crashing on a damaged file) is replaced the same way. Every engine
(this machine's, or a Dask cluster's workers) scans documents through a pool.
"""

from __future__ import annotations

import copyreg
import datetime
import hashlib
import io
import os
import pickle
import resource
import subprocess
import sys
import time
import types
from collections import deque
from collections.abc import Callable, Hashable, Iterable, Iterator
from dataclasses import dataclass, replace
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any

from .._catalogue import DocumentErrorCode, ErrorCode
from ..errors import KitError
from ._alarm import AlarmRang, run_within
from ._inputs import InputDocument
from ._limits import Limits
from ._ocr import OcrMode
from ._results import DocumentError, DocumentResult
from ._sniff import DocumentKind, sniff

__all__ = ["LOOKAHEAD_FLOOR", "LOOKAHEAD_PER_WORKER", "WorkerPool", "WorkerSetup", "default_jobs", "dump_setup",
           "Window", "failed_result", "input_sha256", "lookahead", "references_within", "with_references"]

_STOP_GRACE_S = 2.0
_CANCEL_CHECK_S = 0.5  # how often a pool that can be cancelled asks whether it has been
# Thread pools of the numeric libraries: each worker runs on one thread (more would contend for
# the cores with other workers and processes, and save no time). A value the user set is kept.
_SINGLE_THREAD_ENV = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")
_MMAP_THRESHOLD, _TRIM_THRESHOLD = "MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_"
_DASKS_MALLOC_TRIM = "65536"  # the value Dask sets by default; any other is taken as the user's own
# glibc's memory tuning in a worker, unless the user chose their own (these variables, or glibc.malloc
# tunables): buffers under 32 MiB (a picture's pixels, its edge maps, a PNG's copies: see
# htq_mark.scanner._png) come from the heap, and up to 64 MiB of them freed stays there for the next document.
_WORKER_MALLOC = {_MMAP_THRESHOLD: str(32 << 20), _TRIM_THRESHOLD: str(64 << 20)}
_TUNABLES, _MALLOC_TUNABLE = "GLIBC_TUNABLES", "glibc.malloc."
_DEBUG = "HTQ_MARK_DEBUG"  # set it to see what workers print on standard error


#: Work handed out ahead of the oldest unfinished document (or batch), per process or worker thread...
LOOKAHEAD_PER_WORKER = 4
#: ... and at least this much, so a few slow documents do not leave the workers idle.
LOOKAHEAD_FLOOR = 16


def lookahead(parallelism: int) -> int:
    """How many documents (or batches) may be handed out from the oldest unfinished one on.

    Results come back in input order, so those that finish before an earlier, slower document wait
    for it; this window bounds how many can wait, whatever the time limit, while a steady stream
    keeps every worker busy.
    """
    return max(LOOKAHEAD_FLOOR, LOOKAHEAD_PER_WORKER * parallelism)


class Window:
    """Work handed out and not yet done, in the order handed out: new work may start only while fewer
    than ``size`` pieces (documents, or batches of them) were handed out from the oldest unfinished one on.
    """

    def __init__(self, size: int) -> None:
        self.size = size
        self.opened: deque[Hashable] = deque()  # keys handed out, from the oldest unfinished one on
        self.left: dict[Hashable, int] = {}  # key: documents of it still to come

    def has_room(self) -> bool:
        return len(self.opened) < self.size

    def open(self, key: Hashable, documents: int = 1) -> None:
        self.opened.append(key)
        self.left[key] = documents

    def close(self, key: Hashable) -> None:
        """One document of ``key`` is done."""
        self.left[key] -= 1
        if not self.left[key]:
            del self.left[key]
        while self.opened and self.opened[0] not in self.left:
            self.opened.popleft()


def default_jobs() -> int:
    """The number of cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not on Linux
        return max(1, os.cpu_count() or 1)


@dataclass(frozen=True)
class WorkerSetup:
    """What every worker needs, sent once when it starts."""

    kit: Any
    register: Any
    on: datetime.date
    password: str | None
    limits: Limits
    thumbnails: bool
    references: Any  # None: read from disk by each worker (see with_references)
    single_threaded: bool
    ocr: OcrMode = "auto"


def references_within(kit: Any, seconds: float) -> Any:
    """The detector's references for ``kit`` (from the disk cache, or built) within ``seconds``.

    The limit is an :class:`~htq_mark.scanner._alarm.Alarm`, so it applies in a process's main
    thread (as in the command line and in a worker); the kit's own bound on its expanded size
    limits the work everywhere.
    """
    from ._detect import build_references  # the detector loads NumPy and OpenCV on import

    try:
        return run_within(seconds, lambda: build_references(kit))
    except AlarmRang:
        raise KitError(f"{kit.root}: drawing the kit's artwork for the detector took longer than the {seconds:g} s "
                       "limit; simplify the artwork (fewer shapes and <use> references), or raise "
                       "limits.max_reference_seconds=S.") from None


def with_references(setup: WorkerSetup) -> WorkerSetup:
    """``setup`` with the detector's references, read from disk (or built) if they were left there.

    A batch leaves them out when its kit's references are kept on disk (see
    :mod:`~htq_mark.scanner._reference_cache`): each worker reads them once, and the process that
    hands out the work never loads the detector. A cache file gone bad since is built again here,
    within the same time limit.
    """
    if setup.references is not None:
        return setup
    return replace(setup, references=references_within(setup.kit, setup.limits.max_reference_seconds))


def _read_only(mapping: dict[Any, Any]) -> types.MappingProxyType[Any, Any]:
    return types.MappingProxyType(mapping)


def dump_setup(value: Any) -> bytes:
    """Pickle ``value``; read-only mappings (as in a kit's spec) travel as plain dicts re-wrapped."""
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = copyreg.dispatch_table.copy()
    pickler.dispatch_table[types.MappingProxyType] = lambda proxy: (_read_only, (dict(proxy),))
    pickler.dump(value)
    return buffer.getvalue()


# The worker imports this very copy of htq-mark: its folder replaces the current directory at the
# head of the import path (which "python -m" would search first, finding any other htq_mark there).
_WORKER_BOOT = ("import sys; sys.path[0] = sys.argv[1]; "
                "from htq_mark.scanner._worker import main; main(sys.argv[1:])")


def _worker_environment(single_threaded: bool) -> dict[str, str]:
    """The environment a worker starts with: the caller's, single-threaded if ``single_threaded``,
    with the worker's memory tuning unless the user chose their own."""
    environment = dict(os.environ)
    # Dask sets this for its workers (and in any process that starts a LocalCluster). It fixes glibc's
    # mmap threshold at its 128 KiB default, so every large pixel buffer is mapped and faulted in
    # afresh: ten times the page faults, and about twice the CPU time when text in pictures is read.
    if environment.get(_TRIM_THRESHOLD) == _DASKS_MALLOC_TRIM:
        del environment[_TRIM_THRESHOLD]
    # glibc's own adaptive tuning still gives memory back whenever the heap's free top grows past a
    # few megabytes, and its pages are faulted in again for the next picture: with the worker's
    # tuning a batch of pictures takes about half the system time.
    users_own = any(name in environment for name in _WORKER_MALLOC) or _MALLOC_TUNABLE in environment.get(_TUNABLES, "")
    if not users_own:
        environment.update(_WORKER_MALLOC)
    if single_threaded:
        for name in _SINGLE_THREAD_ENV:
            environment.setdefault(name, "1")
    return environment


class _Worker:
    """A worker process and the two pipes to it; ``single_threaded``: its numeric libraries keep to one thread."""

    def __init__(self, single_threaded: bool, memory_limit_bytes: int | None = None) -> None:
        to_child_read, to_child_write = os.pipe()
        from_child_read, from_child_write = os.pipe()
        package_root = str(Path(__file__).resolve().parents[2])
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-c", _WORKER_BOOT, package_root, str(to_child_read), str(from_child_write),
                 str(os.getpid())],
                pass_fds=(to_child_read, from_child_write), stdin=subprocess.DEVNULL,
                # Nothing a parser prints may mix into a report written to standard output.
                stdout=subprocess.DEVNULL, stderr=None if _DEBUG in os.environ else subprocess.DEVNULL,
                close_fds=True, env=_worker_environment(single_threaded))
        finally:
            os.close(to_child_read)
            os.close(from_child_write)
        if memory_limit_bytes is not None:
            resource.prlimit(self.process.pid, resource.RLIMIT_AS, (memory_limit_bytes, memory_limit_bytes))
        self.outgoing = Connection(to_child_write, readable=False)
        self.connection = Connection(from_child_read, writable=False)
        self.ready = False
        self.task: tuple[int, InputDocument] | None = None
        self.deadline = 0.0

    def send_setup(self, setup_bytes: bytes) -> None:
        """Send the setup; blocks until the worker has loaded its libraries and read it."""
        try:
            self.outgoing.send_bytes(setup_bytes)
        except OSError:
            pass  # the worker has stopped; what it said (or its silence) is read and reported next

    def send(self, index: int, item: InputDocument, seconds: float) -> None:
        self.task = (index, item)
        self.deadline = time.monotonic() + seconds
        self.outgoing.send((index, item))

    def ask_to_stop(self) -> None:
        """Tell the worker to exit once it has finished what it is doing (see :meth:`stop`)."""
        try:
            self.outgoing.send(None)
        except (OSError, ValueError):
            pass

    def stop(self, deadline: float) -> None:
        """Wait for the worker to exit (until ``deadline``, a monotonic time), then make sure it has."""
        try:
            self.process.wait(max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            pass
        self.kill()

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        for connection in (self.outgoing, self.connection):
            connection.close()


def input_sha256(item: InputDocument, limits: Limits) -> str | None:
    """The sha256 of a document's bytes (up to the size limit); None for a URL or what is not a file."""
    if item.data is not None:
        return hashlib.sha256(item.data).hexdigest()
    if item.location is None or not item.location.is_file():  # never block on a pipe or device
        return None
    try:
        digest = hashlib.sha256()
        with item.location.open("rb") as handle:
            remaining = limits.max_file_bytes
            while remaining > 0:
                chunk = handle.read(min(1 << 20, remaining))
                if not chunk:
                    break
                digest.update(chunk)
                remaining -= len(chunk)
        return digest.hexdigest()
    except OSError:
        return None


def failed_result(item: InputDocument, code: DocumentErrorCode, message: str, limits: Limits,
                  elapsed: float) -> DocumentResult:
    kind: DocumentKind = "unknown"
    if item.location is not None and item.location.is_file():
        try:
            with item.location.open("rb") as handle:
                kind = sniff(handle.read(1024))
        except OSError:
            pass
    return DocumentResult(path=item.path, sha256=input_sha256(item, limits), type=kind,
                          status="error", error=DocumentError(code, message),
                          elapsed_s=elapsed)


class WorkerPool:
    """Runs documents on up to ``jobs`` workers, replacing any that die or run out of time.

    ``make_setup(single_threaded)`` prepares what every worker is sent; it is told whether each
    worker keeps to one thread (``single_threaded``, the default). Workers stay up
    between :meth:`run` calls until :meth:`close`, so a long-lived caller (a cluster's worker) starts
    them once. ``memory_limit_bytes`` caps each worker's address space. :attr:`killed` tells, by index,
    which documents lost their worker, and why (``died`` or ``timeout``).
    """

    def __init__(self, make_setup: Callable[[bool], WorkerSetup], jobs: int, limits: Limits,
                 single_threaded: bool = True, memory_limit_bytes: int | None = None) -> None:
        self.make_setup = make_setup
        # One thread per worker even when it is the only one: on pictures and pages this size,
        # OpenCV's thread pool saves no time, and on a busy machine its threads wait for each
        # other (up to twice the time per document, and about a tenth more CPU time).
        self.single_threaded = single_threaded
        self.setup_bytes = b""
        self.jobs = jobs
        self.limits = limits
        self.finished: deque[tuple[int, DocumentResult]] = deque()
        self.queue: deque[tuple[int, InputDocument]] = deque()
        self.pending: Iterator[tuple[int, InputDocument]] = iter(())
        self.workers: list[_Worker] = []
        self.memory_limit_bytes = memory_limit_bytes
        self.killed: dict[int, str] = {}
        self.check_every: float | None = None
        self.window: Window | None = None  # documents taken by index, when run() is given a window

    def run(self, items: Iterable[tuple[int, InputDocument]], cancelled: Callable[[], bool] | None = None,
            window: int | None = None) -> Iterator[tuple[int, DocumentResult]]:
        """Scan ``items`` (index, document), yielding (index, result) as each document finishes.

        ``cancelled()``, asked every half second, stops the scan when it says so: every
        worker is killed and nothing more is yielded. Closing the iterator early kills
        the workers too. With a ``window``, a document is taken from ``items`` only while
        fewer than ``window`` have been taken from the oldest unfinished one on (see
        :func:`lookahead`), so a slow document holds back at most ``window - 1`` results.
        """
        self.window = None if window is None else Window(window)
        self.pending = iter(items)
        self._refill()
        self.check_every = None if cancelled is None else _CANCEL_CHECK_S
        try:
            self._start_workers()
            while self._refill() or any(w.task is not None for w in self.workers):
                self._hand_out()
                self._collect(self._wait())
                self._stop_overdue()
                while self.finished:
                    yield self.finished.popleft()
                if cancelled is not None and cancelled():
                    self._kill_all()
                    return
        except BaseException:
            self._kill_all()  # interrupted: no document is waited for
            raise
        finally:
            self.queue.clear()
            self.pending = iter(())
            self.finished.clear()
            self.window = None

    def _refill(self) -> bool:
        """Take documents from those given, as many as the workers can start on (the rest wait unmade)
        and the window allows.

        Whether any document is waiting for a worker.
        """
        while len(self.queue) < self.jobs and (self.window is None or self.window.has_room()):
            following = next(self.pending, None)
            if following is None:
                break
            self.queue.append(following)
            if self.window is not None:
                self.window.open(following[0])
        return bool(self.queue)

    def _kill_all(self) -> None:
        for worker in self.workers:
            worker.kill()
        self.workers = []

    def _start_workers(self) -> None:
        wanted = min(self.jobs, len(self.queue)) - len(self.workers)
        if wanted <= 0:
            return
        first = not self.setup_bytes
        fresh = [_Worker(self.single_threaded, self.memory_limit_bytes) for _ in range(wanted)]
        self.workers.extend(fresh)
        if first:
            # Workers start first, so their start-up overlaps with preparing the setup.
            self.setup_bytes = dump_setup(self.make_setup(self.single_threaded))
        for worker in fresh:  # each reads its setup when ready
            worker.send_setup(self.setup_bytes)

    def close(self) -> None:
        """Stop every worker."""
        for worker in self.workers:  # all at once: each exit takes a moment
            worker.ask_to_stop()
        deadline = time.monotonic() + _STOP_GRACE_S
        for worker in self.workers:
            worker.stop(deadline)
        self.workers = []

    def _hand_out(self) -> None:
        for worker in self.workers:
            if worker.ready and worker.task is None and self.queue:
                index, item = self.queue.popleft()
                worker.send(index, item, self.limits.max_seconds)

    def _wait(self) -> list[Any]:
        now = time.monotonic()
        deadlines = [w.deadline for w in self.workers if w.task is not None]
        timeout = max(0.0, min(deadlines, default=now + 1.0) - now)
        if self.check_every is not None:
            timeout = min(timeout, self.check_every)
        return wait([w.connection for w in self.workers], timeout=timeout)

    def _collect(self, ready: list[Any]) -> None:
        for worker in [w for w in self.workers if w.connection in ready]:
            try:
                kind, payload = worker.connection.recv()
            except (EOFError, OSError):
                kind, payload = "died", None
            if kind == "ready":
                worker.ready = True
            elif kind == "result":
                self._finish(worker, payload[1])
            elif kind == "kit-error":
                raise KitError(payload)
            elif kind == "failed":
                raise RuntimeError(f"a scan worker could not start ({payload}).")
            elif worker.task is None:
                raise RuntimeError("a scan worker stopped before it was ready; "
                                   "check the installation (numpy, OpenCV, pypdfium2).")
            else:
                path = worker.task[1].path
                self._replace(worker, ErrorCode.UNREADABLE,
                              f"{path}: the reader stopped unexpectedly on this file (it may be damaged or "
                              "need too much memory); export it again.", 0.0, "died")

    def _stop_overdue(self) -> None:
        now = time.monotonic()
        for worker in [w for w in self.workers if w.task is not None and now >= w.deadline]:
            assert worker.task is not None
            path = worker.task[1].path
            self._replace(worker, ErrorCode.TIMEOUT,
                          f"{path}: scanning took longer than the {self.limits.max_seconds:g} s limit and was "
                          "stopped; raise limits.max_seconds or split the document.", self.limits.max_seconds,
                          "timeout")

    def _replace(self, worker: _Worker, code: DocumentErrorCode, message: str, elapsed: float, why: str) -> None:
        """Record the worker's document as failed, kill it and start a fresh one if work is left."""
        assert worker.task is not None
        index, item = worker.task
        self.killed[index] = why
        worker.kill()
        self.workers.remove(worker)
        self._finish(worker, failed_result(item, code, message, self.limits, elapsed))
        self._refill()
        if self.queue:
            fresh = _Worker(self.single_threaded, self.memory_limit_bytes)
            self.workers.append(fresh)
            fresh.send_setup(self.setup_bytes)

    def _finish(self, worker: _Worker, result: DocumentResult) -> None:
        assert worker.task is not None
        index = worker.task[0]
        worker.task = None
        self.finished.append((index, result))
        if self.window is not None:
            self.window.close(index)


