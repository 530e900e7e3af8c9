"""Scan many documents: ``scan(paths, ...) -> ScanReport``.

Each document is scanned in a worker process (``jobs`` of them, default one
per core), or on a Dask cluster (``executor=``, see :mod:`.executors`). A
document that runs past its time limit has its worker killed, so a stuck parser
really stops; it is reported as ``timeout`` and a fresh worker takes the next
document. Results come back in input order, so the report is the same whatever
``jobs`` is or wherever it ran (apart from timings). The detector's references
are built once and handed to each worker. Identical files (the same sha256) are
scanned once and reported under each of their paths.
"""

from __future__ import annotations

import collections
import dataclasses
import datetime
import os
import stat
import tempfile
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from .._version import __version__
from ..errors import KitError, UsageError
from ._executors import Executor, as_executor
from ._alarm import Alarm, AlarmRang
from ._inputs import DEFAULT_EXCLUDE, InputDocument, expand_paths
from ._limits import DEFAULT_LIMITS, Limits
from ._ocr import OcrMode, check_ocr_mode
from ._pool import WorkerSetup, default_jobs, input_sha256
from ._results import DocumentError, DocumentResult, ScanReport
from ._selection import RuleSelection, select_rules
from ._streams import is_stream, stage_stream

if TYPE_CHECKING:
    from ..kit import Kit
    from ..register import Register
    from ..web import CrawlOptions, WebOptions

__all__ = ["Progress", "Source", "default_jobs", "scan"]

#: Called after each document: (documents done, documents in all, path of the one just done).
Progress = Callable[[int, int, str], None]


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
        key = input_sha256(documents[index], limits)
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
         rules: RuleSelection | None = None, follow_symlinks: bool = False,
         executor: Executor | Any | None = None, web: WebOptions | None = None,
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
    ``executor`` runs the documents elsewhere: a ``distributed.Client`` scans
    them on its Dask cluster (then leave ``jobs`` out). Paths may be fsspec URLs
    (``s3://...``, ``file://...``), read where the documents are scanned.

    An ``http`` or ``https`` address among ``paths`` is a web page, rendered in
    headless Chromium (see :mod:`htq_mark.web`) on this machine; ``web`` says how
    pages are fetched, ``crawl`` how far links are followed, ``sitemaps`` lists
    sitemap URLs whose pages are scanned too. Web documents follow the files in the report.
    """
    from ..kit import load_kit
    from ..register import default_register
    from ..web._crawl import is_web_address  # the web package imports the scanner's modules
    from ._document import _as_date

    check_ocr_mode(ocr)
    engine = as_executor(executor, jobs)
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
        report = _scan_documents(documents, chosen_kit, chosen_register, when, engine, password, limits,
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


def _references_within(kit: Kit, seconds: float) -> Any:
    """The detector's references for ``kit``, built within ``seconds``.

    The limit is an :class:`~htq_mark.scanner._alarm.Alarm`, so it applies when scanning from
    the main thread (as the command line does); the kit's own bound on its expanded size
    limits the work everywhere.
    """
    from ._detect import build_references

    alarm = Alarm(seconds)
    try:
        return build_references(kit)
    except AlarmRang:
        raise KitError(f"{kit.root}: drawing the kit's artwork for the detector took longer than the {seconds:g} s "
                       "limit; simplify the artwork (fewer shapes and <use> references), or raise "
                       "--limit max_reference_seconds=S.") from None
    finally:
        alarm.cancel()


def _scan_documents(documents: list[InputDocument], chosen_kit: Kit, chosen_register: Register,
                    when: datetime.date, engine: Executor, password: str | None, limits: Limits,
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
        if item.error is not None or (item.location is None and item.data is None and item.url is None):
            results[index] = DocumentResult(path=item.path, sha256=None, type="unknown",
                                            status="ok" if item.error is None else "error", error=item.error,
                                            notes=() if item.note is None else (item.note,))
            done(index)
        elif index not in copies:
            runnable.append((index, item))
    if runnable:
        def make_setup(single_threaded: bool) -> WorkerSetup:
            return WorkerSetup(kit=chosen_kit, register=chosen_register, on=when, password=password,
                               limits=limits, thumbnails=thumbnails,
                               references=_references_within(chosen_kit, limits.max_reference_seconds),
                               single_threaded=single_threaded, ocr=ocr)

        engine.run(runnable, make_setup, limits, results, done)
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
