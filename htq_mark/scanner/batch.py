"""Scan many documents: ``scan(paths, ...) -> ScanReport``.

Each document is scanned in a worker process (``jobs`` of them, default one
per core). A document that runs past its time limit has its worker killed, so a
stuck parser really stops; it is reported as ``timeout`` and a fresh worker
takes the next document. Results come back in input order, so the report is
the same whatever ``jobs`` is (apart from timings). The detector's references
are built once and handed to each worker. Identical files (the same sha256) are
scanned once and reported under each of their paths.
"""

from __future__ import annotations

import collections
import copyreg
import dataclasses
import datetime
import hashlib
import io
import os
import pickle
import signal
import stat
import subprocess
import sys
import tempfile
import threading
import time
import types
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from .._version import __version__
from ..errors import KitError, UsageError
from .inputs import DEFAULT_EXCLUDE, InputDocument, expand_paths
from .limits import DEFAULT_LIMITS, Limits
from .ocr import OcrMode, check_ocr_mode
from .results import DocumentError, DocumentResult, ScanReport
from .selection import RuleSelection, select_rules
from .streams import is_stream, stage_stream

if TYPE_CHECKING:
    from ..kit import Kit
    from ..register import Register
    from ..web import CrawlOptions, WebOptions

__all__ = ["Progress", "Source", "default_jobs", "scan"]

#: Called after each document: (documents done, documents in all, path of the one just done).
Progress = Callable[[int, int, str], None]

_STOP_GRACE_S = 2.0
# Thread pools of the numeric libraries: with a worker per core, each worker runs on one thread
# (more would only contend for the same cores). A value the user has set is kept.
_SINGLE_THREAD_ENV = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")
_DEBUG = "HTQ_MARK_DEBUG"  # set it to see what workers print on standard error


def default_jobs() -> int:
    """The number of cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not on Linux
        return max(1, os.cpu_count() or 1)


@dataclass(frozen=True)
class _Setup:
    """What every worker needs, sent once when it starts."""

    kit: Any
    register: Any
    on: datetime.date
    password: str | None
    limits: Limits
    thumbnails: bool
    references: Any
    single_threaded: bool
    ocr: OcrMode = "auto"


def _read_only(mapping: dict[Any, Any]) -> types.MappingProxyType[Any, Any]:
    return types.MappingProxyType(mapping)


def _dumps(value: Any) -> bytes:
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
                "from htq_mark.scanner.worker import main; main(sys.argv[1:])")


def _worker_environment(single_threaded: bool) -> dict[str, str] | None:
    """The environment a worker starts with: the caller's, single-threaded if ``single_threaded``."""
    if not single_threaded:
        return None
    environment = dict(os.environ)
    for name in _SINGLE_THREAD_ENV:
        environment.setdefault(name, "1")
    return environment


class _Worker:
    """A worker process and the two pipes to it; ``single_threaded`` when others share the cores."""

    def __init__(self, single_threaded: bool) -> None:
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


def _sha256(item: InputDocument, limits: Limits) -> str | None:
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


def _size(item: InputDocument, limits: Limits) -> int | None:
    """The size of a document that could be a copy of another: bytes given, or a regular file within the limit."""
    if item.data is not None:
        return len(item.data) if len(item.data) <= limits.max_file_bytes else None
    try:
        info = item.location.stat() if item.location is not None else None
    except OSError:
        return None
    if info is None or not stat.S_ISREG(info.st_mode) or info.st_size > limits.max_file_bytes:
        return None
    return info.st_size


def _copies(documents: Sequence[InputDocument], limits: Limits) -> dict[int, int]:
    """Inputs with the same bytes as an earlier one: {index: index of the first}.

    Only documents whose size another shares are hashed, so a batch of distinct files costs a stat each.
    """
    sizes = {index: size for index, item in enumerate(documents)
             if item.error is None and (size := _size(item, limits)) is not None}
    shared = {size for size, count in collections.Counter(sizes.values()).items() if count > 1}
    first_with: dict[str, int] = {}
    copies: dict[int, int] = {}
    for index, size in sizes.items():
        if size not in shared:
            continue
        key = _sha256(documents[index], limits)
        if key is None:
            continue
        if key in first_with:
            copies[index] = first_with[key]
        else:
            first_with[key] = index
    return copies


def _same_document(result: DocumentResult, path: str) -> DocumentResult:
    """``result`` (of an identical file) reported for ``path``."""
    error = result.error
    if error is not None and error.message.startswith(f"{result.path}: "):
        error = DocumentError(error.code, f"{path}: " + error.message.removeprefix(f"{result.path}: "))
    return dataclasses.replace(result, path=path, error=error)


def _failed(item: InputDocument, code: str, message: str, limits: Limits, elapsed: float) -> DocumentResult:
    from .sniff import sniff

    kind = "unknown"
    if item.location is not None and item.location.is_file():
        try:
            with item.location.open("rb") as handle:
                kind = sniff(handle.read(1024))
        except OSError:
            pass
    return DocumentResult(path=item.path, sha256=_sha256(item, limits), type=kind,  # type: ignore[arg-type]
                          status="error", error=DocumentError(code, message),  # type: ignore[arg-type]
                          elapsed_s=elapsed)


class _Pool:
    """Runs documents on up to ``jobs`` workers, replacing any that die or run out of time.

    ``make_setup(single_threaded)`` prepares what every worker is sent; it is told whether the
    workers share the cores (more than one of them).
    """

    def __init__(self, make_setup: Callable[[bool], _Setup], jobs: int, limits: Limits,
                 results: list[DocumentResult | None], done: Callable[[int], None]) -> None:
        self.make_setup = make_setup
        self.setup_bytes = b""
        self.jobs = jobs
        self.limits = limits
        self.results = results
        self.done = done
        self.queue: deque[tuple[int, InputDocument]] = deque()
        self.workers: list[_Worker] = []
        self.single_threaded = False

    def run(self, items: Sequence[tuple[int, InputDocument]]) -> None:
        self.queue.extend(items)
        try:
            # Workers start first, so their start-up overlaps with preparing the setup.
            count = min(self.jobs, len(self.queue))
            self.single_threaded = count > 1
            self.workers = [_Worker(self.single_threaded) for _ in range(count)]
            self.setup_bytes = _dumps(self.make_setup(self.single_threaded))
            for worker in self.workers:  # each reads its setup when ready
                worker.send_setup(self.setup_bytes)
            while self.queue or any(w.task is not None for w in self.workers):
                self._hand_out()
                self._collect(self._wait())
                self._stop_overdue()
        except BaseException:
            for worker in self.workers:  # interrupted: no document is waited for
                worker.kill()
            raise
        finally:
            for worker in self.workers:  # all at once: each exit takes a moment
                worker.ask_to_stop()
            deadline = time.monotonic() + _STOP_GRACE_S
            for worker in self.workers:
                worker.stop(deadline)

    def _hand_out(self) -> None:
        for worker in self.workers:
            if worker.ready and worker.task is None and self.queue:
                index, item = self.queue.popleft()
                worker.send(index, item, self.limits.max_seconds)

    def _wait(self) -> list[Any]:
        now = time.monotonic()
        deadlines = [w.deadline for w in self.workers if w.task is not None]
        timeout = max(0.0, min(deadlines, default=now + 1.0) - now)
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
            elif kind == "failed":
                raise RuntimeError(f"a scan worker could not start ({payload}).")
            elif worker.task is None:
                raise RuntimeError("a scan worker stopped before it was ready; "
                                   "check the installation (numpy, OpenCV, pypdfium2).")
            else:
                path = worker.task[1].path
                self._replace(worker, "unreadable",
                              f"{path}: the reader stopped unexpectedly on this file (it may be damaged or "
                              "need too much memory); export it again.", 0.0)

    def _stop_overdue(self) -> None:
        now = time.monotonic()
        for worker in [w for w in self.workers if w.task is not None and now >= w.deadline]:
            assert worker.task is not None
            path = worker.task[1].path
            self._replace(worker, "timeout",
                          f"{path}: scanning took longer than the {self.limits.max_seconds:g} s limit and was "
                          "stopped; raise --timeout or split the document.", self.limits.max_seconds)

    def _replace(self, worker: _Worker, code: str, message: str, elapsed: float) -> None:
        """Record the worker's document as failed, kill it and start a fresh one if work is left."""
        assert worker.task is not None
        item = worker.task[1]
        worker.kill()
        self.workers.remove(worker)
        self._finish(worker, _failed(item, code, message, self.limits, elapsed))
        if self.queue:
            fresh = _Worker(self.single_threaded)
            self.workers.append(fresh)
            fresh.send_setup(self.setup_bytes)

    def _finish(self, worker: _Worker, result: DocumentResult) -> None:
        assert worker.task is not None
        index = worker.task[0]
        worker.task = None
        self.results[index] = result
        self.done(index)


def _register_summary(register: Register) -> dict[str, Any]:
    provenance = register.provenance
    return {"source": provenance.source, "sha256": provenance.sha256, "as_of": provenance.as_of.isoformat(),
            "qualifications": provenance.rows, "is_example": provenance.is_example}


#: What scan() takes as a document: a path (a folder is searched), bytes, or a binary file object.
Source = str | os.PathLike[str] | bytes | IO[bytes]


def _inputs(sources: Iterable[Source], exclude: Sequence[str], *, follow_symlinks: bool,
            max_entries: int) -> list[InputDocument]:
    """The documents to scan: paths expanded, bytes and file objects read (named ``<bytes N>`` or their name)."""
    sources = list(sources)
    folders = [os.fspath(s) for s in sources if isinstance(s, (str, os.PathLike)) and os.path.isdir(s)]
    documents: list[InputDocument] = []
    for number, source in enumerate(sources, start=1):
        if isinstance(source, (str, os.PathLike)):
            documents.extend(expand_paths([source], exclude, follow_symlinks=follow_symlinks,
                                          max_entries=max_entries, roots=folders))
            continue
        if isinstance(source, (bytes, bytearray, memoryview)):
            documents.append(InputDocument(path=f"<bytes {number}>", location=None, data=bytes(source)))
            continue
        if not callable(getattr(source, "read", None)):
            raise UsageError(f"scan takes paths, bytes or binary file objects; got {type(source).__name__}")
        name = getattr(source, "name", None)
        shown = name if isinstance(name, str) else f"<stream {number}>"
        try:
            data = source.read()
        except OSError as exc:
            documents.append(InputDocument(path=shown, location=None,
                                           error=DocumentError("unreadable", f"{shown}: cannot be read ({exc}).")))
            continue
        if not isinstance(data, (bytes, bytearray)):
            raise UsageError(f"{shown}: the file object gave text, not bytes; open it in binary mode ('rb').")
        documents.append(InputDocument(path=shown, location=None, data=bytes(data)))
    return documents


def scan(paths: Iterable[Source], *, register: Register | None = None,
         on: datetime.date | str | None = None, kit: Kit | None = None, jobs: int | None = None,
         password: str | None = None, limits: Limits = DEFAULT_LIMITS, progress: Progress | None = None,
         thumbnails: bool = True, exclude: Sequence[str] = DEFAULT_EXCLUDE,
         rules: RuleSelection | None = None, follow_symlinks: bool = False, web: WebOptions | None = None,
         crawl: CrawlOptions | None = None, sitemaps: Sequence[str] = (), ocr: OcrMode = "auto") -> ScanReport:
    """Scan files and folders (searched recursively), bytes, binary file objects and web pages; report every misuse.

    ``register`` defaults to the embedded register, ``on`` to today, ``kit`` to
    :func:`htq_mark.load_kit`, ``jobs`` to the number of cores. ``thumbnails``
    keeps small pictures of the pages with marks or findings for the HTML report
    (pass False when only text, JSON or SARIF is wanted). Inside folders,
    entries matching an ``exclude`` glob are passed over; ``rules`` chooses the
    rules reported and their severities; ``ocr`` says where text in pictures is
    read (see :func:`scan_document`). Documents that cannot be read are in
    the report with status ``error``; only bad arguments (and a missing Chromium
    when there are web pages) raise. Symbolic links
    in folders that lead outside the folders given are followed only with
    ``follow_symlinks``; those not followed are in the report with a note.

    An ``http`` or ``https`` address among ``paths`` is a web page, rendered in
    headless Chromium (see :mod:`htq_mark.web`); ``web`` says how pages are
    fetched, ``crawl`` how far links are followed, ``sitemaps`` lists sitemap
    URLs whose pages are scanned too. Web documents follow the files in the report.
    """
    from ..kit import load_kit
    from ..register import default_register
    from ..web.crawl import is_web_address  # the web package imports the scanner's modules
    from .document import _as_date

    check_ocr_mode(ocr)
    workers = default_jobs() if jobs is None else jobs
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise UsageError(f"jobs must be a whole number of at least 1; got {jobs!r}")
    chosen_kit = kit if kit is not None else load_kit()
    chosen_register = register if register is not None else default_register()
    when = _as_date(on)
    if isinstance(paths, (str, bytes, os.PathLike)):
        raise UsageError("scan takes a list of paths (or bytes, or file objects), not one; "
                         "write scan([path]).")
    given = list(paths)
    urls = [str(p) for p in given if is_web_address(p)]
    if urls or sitemaps:
        from ..web import Browser

        Browser().require()  # a missing Chromium is reported before any file is scanned
    inputs = _inputs([p for p in given if not is_web_address(p)], exclude, follow_symlinks=follow_symlinks,
                     max_entries=limits.max_folder_entries)
    with tempfile.TemporaryDirectory(prefix="htq-mark-streams-") as staging:
        documents = [stage_stream(item.path, Path(staging), limits, index) if is_stream(item.path) else item
                     for index, item in enumerate(inputs)]
        report = _scan_documents(documents, chosen_kit, chosen_register, when, workers, password, limits,
                                 progress, thumbnails, ocr)
    if urls or sitemaps:
        from ..web import scan_web

        files = len(report.documents)
        pages = scan_web(urls, sitemaps=sitemaps, kit=chosen_kit, register=chosen_register, on=when, limits=limits,
                         options=web, crawl_options=crawl, thumbnails=thumbnails,
                         progress=None if progress is None else
                         (lambda done, known, url: progress(files + done, files + known, url)))
        report = dataclasses.replace(report, documents=(*report.documents, *pages))
    return report if rules is None else select_rules(report, rules)


class _OutOfTime(BaseException):
    """The alarm rang: a BaseException, so a renderer's broad ``except Exception`` cannot swallow it."""


def _alarm(signal_number: int, frame: object) -> None:
    raise _OutOfTime


def _references_within(kit: Kit, seconds: float) -> Any:
    """The detector's references for ``kit``, built within ``seconds``.

    The limit needs SIGALRM, so it applies when scanning from the main thread (as the command
    line does); the kit's own bound on its expanded size limits the work everywhere.
    """
    from .detect import build_references

    if threading.current_thread() is not threading.main_thread():
        return build_references(kit)
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        return build_references(kit)
    except _OutOfTime:
        raise KitError(f"{kit.root}: drawing the kit's artwork for the detector took longer than the {seconds:g} s "
                       "limit; simplify the artwork (fewer shapes and <use> references), or raise "
                       "--limit max_reference_seconds=S.") from None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _scan_documents(documents: list[InputDocument], chosen_kit: Kit, chosen_register: Register,
                    when: datetime.date, workers: int, password: str | None, limits: Limits,
                    progress: Progress | None, thumbnails: bool, ocr: OcrMode) -> ScanReport:
    results: list[DocumentResult | None] = [None] * len(documents)
    finished = 0

    def done(index: int) -> None:
        nonlocal finished
        finished += 1
        if progress is not None:
            progress(finished, len(documents), documents[index].path)

    runnable: list[tuple[int, InputDocument]] = []
    copies = _copies(documents, limits)  # identical files are scanned once and reported for every path
    for index, item in enumerate(documents):
        if item.error is not None or (item.location is None and item.data is None):
            results[index] = DocumentResult(path=item.path, sha256=None, type="unknown",
                                            status="ok" if item.error is None else "error", error=item.error,
                                            notes=() if item.note is None else (item.note,))
            done(index)
        elif index not in copies:
            runnable.append((index, item))
    if runnable:
        def make_setup(single_threaded: bool) -> _Setup:
            return _Setup(kit=chosen_kit, register=chosen_register, on=when, password=password, limits=limits,
                          thumbnails=thumbnails, references=_references_within(chosen_kit, limits.max_reference_seconds),
                          single_threaded=single_threaded, ocr=ocr)

        _Pool(make_setup, workers, limits, results, done).run(runnable)
    for index, original in copies.items():
        scanned = results[original]
        assert scanned is not None
        results[index] = _same_document(scanned, documents[index].path)
        done(index)
    return ScanReport(
        generator_version=__version__, on_date=when.isoformat(), kit=chosen_kit.describe(),
        register=_register_summary(chosen_register),
        documents=tuple(r for r in results if r is not None),
        scanned_at=datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"))
