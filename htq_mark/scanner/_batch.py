"""Scan many documents: ``scan(paths, ...) -> ScanReport``.

Each document is scanned in a worker process (``jobs`` of them, default one
per core), or on a Dask cluster (``executor=``, see :mod:`.executors`). A
document that runs past its time limit has its worker killed, so a stuck parser
really stops; it is reported as ``timeout`` and a fresh worker takes the next
document. Results come back in input order, so the report is the same whatever
``jobs`` is or wherever it ran (apart from timings). The detector's references
are built once: each worker reads them from the disk cache, or is sent them.
Identical files (the same sha256) are scanned once and reported under each of their paths.
"""

from __future__ import annotations

import array
import collections
import contextlib
import dataclasses
import datetime
import os
import stat
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from .._catalogue import ErrorCode
from .._resolve import resolve_kit, resolve_register
from .._version import __version__
from ..errors import UsageError
from . import _reference_cache
from ._executors import Executor, as_executor
from ._context import scan_date
from ._input_list import InputList, Runnable
from ._inputs import DEFAULT_EXCLUDE, InputDocument, iter_paths
from ._limits import DEFAULT_LIMITS, Limits, check_limits
from ._ocr import OcrMode, check_ocr_mode
from ._pool import WorkerSetup, default_jobs, failed_result, input_sha256, references_within
from ._results import DocumentError, DocumentResult, ScanReport, ScanSettings
from ._selection import RuleSelection, select_rules_in, settings_of
from ._streams import check_streams, is_stream, stage_stream

if TYPE_CHECKING:
    from .._resolve import KitSource, RegisterSource
    from ..kit import Kit
    from ..register import Register
    from ..web import CrawlOptions, WebOptions

__all__ = ["Progress", "ScanStream", "Source", "default_jobs", "scan", "scan_iter"]

# Up to this many documents, copies are found with dictionaries (NumPy is not loaded: a small
# batch starts sooner); a larger one keeps a few bytes per document instead.
SMALL_BATCH = 10_000

#: Called after each document: (documents done, documents in all, path of the one just done).
Progress = Callable[[int, int, str], None]


def _size(item: InputDocument, limits: Limits) -> int:
    """The size of a document that could be a copy of another (bytes given, or a regular file within the
    limit), else -1."""
    if item.error is not None:
        return -1
    if item.data is not None:
        return len(item.data) if len(item.data) <= limits.max_file_bytes else -1
    try:
        info = item.location.stat() if item.location is not None else None
    except OSError:
        return -1
    if info is None or not stat.S_ISREG(info.st_mode) or info.st_size > limits.max_file_bytes:
        return -1
    return info.st_size


def _copies(documents: Sequence[InputDocument], limits: Limits) -> dict[int, int]:
    """Inputs with the same bytes as an earlier one: {index: index of the first}.

    Only documents whose size another shares are hashed, so a batch of distinct files costs a stat each.
    """
    if len(documents) <= SMALL_BATCH:
        return _copies_in_small_batch(documents, limits)
    return _copies_in_large_batch(documents, limits)


def _copies_in_small_batch(documents: Sequence[InputDocument], limits: Limits) -> dict[int, int]:
    """:func:`_copies` with dictionaries, which stay small in a batch of up to SMALL_BATCH documents."""
    sizes = [_size(item, limits) for item in documents]
    counts = collections.Counter(size for size in sizes if size >= 0)
    copies: dict[int, int] = {}
    first_with: dict[str, int] = {}
    for index, size in enumerate(sizes):
        if size < 0 or counts[size] < 2:
            continue
        key = input_sha256(documents[index], limits)
        if key is None:
            continue
        if key in first_with:
            copies[index] = first_with[key]
        else:
            first_with[key] = index
    return copies


def _copies_in_large_batch(documents: Sequence[InputDocument], limits: Limits) -> dict[int, int]:
    """:func:`_copies` keeping a few bytes per document (sizes, then 64-bit prefixes of the hashes,
    sorted): a batch of a million documents is deduplicated without a million-entry dictionary."""
    import numpy

    sizes = numpy.fromiter((_size(item, limits) for item in documents), dtype=numpy.int64, count=len(documents))
    values, counts = numpy.unique(sizes[sizes >= 0], return_counts=True)
    candidates = numpy.flatnonzero(numpy.isin(sizes, values[counts > 1]))
    del sizes
    prefixes = numpy.zeros(len(candidates), dtype=numpy.uint64)
    for at, index in enumerate(candidates.tolist()):
        key = input_sha256(documents[index], limits)
        if key is not None:
            prefixes[at] = int(key[:16], 16) | 1  # 0: could not be read
    order = numpy.lexsort((candidates, prefixes))  # by prefix, then input order
    sorted_prefixes = prefixes[order]
    repeated = numpy.flatnonzero((sorted_prefixes[1:] == sorted_prefixes[:-1]) & (sorted_prefixes[1:] != 0)) + 1
    copies: dict[int, int] = {}
    first_with: dict[str, int] = {}  # within one group of equal prefixes: the first document of each hash
    group = None
    for position in repeated.tolist():
        if group != int(sorted_prefixes[position]):
            group = int(sorted_prefixes[position])
            first = int(candidates[order[position - 1]])
            first_with = {input_sha256(documents[first], limits) or "": first}
        index = int(candidates[order[position]])
        key = input_sha256(documents[index], limits) or ""
        if key and key in first_with:
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
            max_entries: int, force_exclude: bool = False) -> InputList:
    """The documents to scan: paths expanded, bytes and file objects read (named ``<bytes N>`` or their name)."""
    sources = list(sources)
    folders = [os.fspath(s) for s in sources if isinstance(s, (str, os.PathLike)) and os.path.isdir(s)]
    documents = InputList()
    for number, source in enumerate(sources, start=1):
        if isinstance(source, (str, os.PathLike)):
            for document in iter_paths([source], exclude, follow_symlinks=follow_symlinks,
                                       max_entries=max_entries, roots=folders, force_exclude=force_exclude):
                documents.append(document)
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
                                           error=DocumentError(ErrorCode.UNREADABLE,
                                                               f"{shown}: cannot be read ({exc}).")))
            continue
        if not isinstance(data, (bytes, bytearray)):
            raise UsageError(f"{shown}: the file object gave text, not bytes; open it in binary mode ('rb').")
        documents.append(InputDocument(path=shown, location=None, data=bytes(data)))
    return documents


class ScanStream:
    """A scan under way: each document's result in input order as it is ready, and what judged them.

    Iterate it once. ``generator_version``, ``on_date``, ``kit``, ``register`` and
    ``settings`` (what shaped the findings; a caller that applies more, such as a
    config file or a baseline, records it there) are known from the start,
    ``scanned_at`` once the last document is out;
    :meth:`report` gives the :class:`ScanReport` of documents (all of them, or
    those the caller kept). Documents are not held here: a caller that writes each
    one out as it comes (see :class:`htq_mark.reports.ReportWriter`) scans any
    number in bounded memory. Leaving the iteration early (``close()``, Ctrl-C)
    stops the documents still being scanned.
    """

    def __init__(self, documents: Iterator[DocumentResult], *, on_date: str, kit: Mapping[str, Any],
                 register: Mapping[str, Any], release: Callable[[], None] | None = None,
                 settings: ScanSettings = ScanSettings()) -> None:
        self.generator_version = __version__
        self.on_date = on_date
        self.kit = kit
        self.register = register
        self.settings = settings
        self.scanned_at = ""
        self._documents = documents
        self._release = release  # frees what the scan holds (its list of documents), when closed

    def __iter__(self) -> Iterator[DocumentResult]:
        return self

    def __next__(self) -> DocumentResult:
        try:
            return next(self._documents)
        except StopIteration:
            if not self.scanned_at:
                self.scanned_at = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
            raise

    def close(self) -> None:
        """Stop the scan: documents still being scanned are stopped and their results dropped."""
        close = getattr(self._documents, "close", None)
        if close is not None:
            close()
        if self._release is not None:
            self._release()

    def __enter__(self) -> ScanStream:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def report(self, documents: Sequence[DocumentResult] | None = None) -> ScanReport:
        """The report of ``documents`` (by default, every document still to come, read now)."""
        chosen = tuple(self) if documents is None else documents
        return ScanReport(generator_version=self.generator_version, on_date=self.on_date, kit=self.kit,
                          register=self.register, documents=chosen,  # type: ignore[arg-type]
                          scanned_at=self.scanned_at, settings=self.settings)


def scan_iter(paths: Iterable[Source], *, register: RegisterSource = None,
              on: datetime.date | str | None = None, kit: KitSource = None, jobs: int | None = None,
              password: str | None = None, limits: Limits = DEFAULT_LIMITS, progress: Progress | None = None,
              thumbnails: bool = True, exclude: Sequence[str] = DEFAULT_EXCLUDE,
              rules: RuleSelection | None = None, follow_symlinks: bool = False, force_exclude: bool = False,
              executor: Any = None, web: WebOptions | None = None,
              crawl: CrawlOptions | None = None, sitemaps: Sequence[str] = (), ocr: OcrMode = "auto") -> ScanStream:
    """:func:`scan`, giving each document's result as soon as it and those before it are done.

    Takes what :func:`scan` takes; bad arguments raise here, before anything is
    scanned. Returns a :class:`ScanStream` to iterate (results in input order);
    ``stream.report(kept)`` makes the report of the documents kept.
    """
    # The web package is built on the scanner's modules, so it is reached only when web pages are given.
    from ..web._crawl import is_web_address

    check_ocr_mode(ocr)
    check_limits(limits)
    if rules is not None and not isinstance(rules, RuleSelection):
        raise UsageError(f"rules takes a RuleSelection (or None for every rule), not {type(rules).__name__}; "
                         f"e.g. RuleSelection(ignore=('low-resolution',)).")
    if isinstance(exclude, (str, bytes)) or not isinstance(exclude, Iterable):
        raise UsageError(f"exclude takes a list of globs, not {type(exclude).__name__}: "
                         f"e.g. exclude=('drafts/', '*.tmp.pdf').")
    exclude = tuple(exclude)  # read once: a generator would be used up by the first look
    if isinstance(sitemaps, (str, bytes)) or not isinstance(sitemaps, Iterable):
        raise UsageError(f"sitemaps takes a list of addresses, not {type(sitemaps).__name__}: "
                         f"e.g. sitemaps=['https://example.ac.uk/sitemap.xml'].")
    sitemaps = tuple(sitemaps)
    if not all(isinstance(address, str) for address in sitemaps):
        raise UsageError(f"sitemaps takes addresses as text, not {sitemaps!r}: "
                         f"e.g. sitemaps=['https://example.ac.uk/sitemap.xml'].")
    if not all(isinstance(glob, str) and glob for glob in exclude):
        raise UsageError(f"exclude takes globs as text, none of them empty (an empty glob excludes nothing), "
                         f"not {tuple(exclude)!r}: e.g. exclude=('drafts/', '*.tmp.pdf').")
    if not isinstance(force_exclude, bool):
        raise UsageError(f"force_exclude takes True or False, not {force_exclude!r}.")
    engine = as_executor(executor, jobs)
    chosen_kit = resolve_kit(kit)
    chosen_register = resolve_register(register)
    when = scan_date(on)
    if isinstance(paths, (str, bytes, os.PathLike)):
        raise UsageError("scan takes a list of paths (or bytes, or file objects), not one; "
                         "write scan([path]).")
    if not isinstance(paths, Iterable):
        raise UsageError(f"scan takes a list of paths (or bytes, or file objects), not {type(paths).__name__}.")
    given = list(paths)
    if any(isinstance(p, (str, os.PathLike)) and os.fspath(p) in ("", b"") for p in given):
        raise UsageError("an empty path names no file (an unset variable?); give a file, a folder, '-' or a URL.")
    urls = [str(p) for p in given if is_web_address(p)]
    if urls or sitemaps:
        from ..web import Browser

        Browser().require()  # a missing Chromium is reported before any file is scanned
    check_streams([str(p) for p in given])
    inputs = _inputs([p for p in given if not is_web_address(p)], exclude, follow_symlinks=follow_symlinks,
                     max_entries=limits.max_folder_entries, force_exclude=force_exclude)
    setup = _Setup(chosen_kit, chosen_register, when, password, limits, thumbnails, ocr)

    def documents() -> Iterator[DocumentResult]:
        with tempfile.TemporaryDirectory(prefix="htq-mark-streams-") as staging, contextlib.closing(inputs):
            for index, item in enumerate(inputs):
                if is_stream(item.path):
                    inputs.replace(index, stage_stream(item.path, Path(staging), limits, index))
            yield from _scan_documents(inputs, setup, engine, progress)
        if urls or sitemaps:
            from ..web import scan_web

            files = len(inputs)
            yield from scan_web(urls, sitemaps=sitemaps, kit=chosen_kit, register=chosen_register, on=when,
                                limits=limits, options=web, crawl_options=crawl, thumbnails=thumbnails, ocr=ocr,
                                progress=None if progress is None else
                                (lambda done, known, url: progress(files + done, files + known, url)))

    selected = documents() if rules is None or rules.is_default else \
        (select_rules_in(document, rules) for document in documents())
    # The globs are a set (any one passes an entry over): the defaults in another order, or one twice, are the defaults.
    recorded_exclude = None if set(exclude) == set(DEFAULT_EXCLUDE) else tuple(exclude)
    return ScanStream(selected, on_date=when.isoformat(), kit=chosen_kit.describe(),
                      register=_register_summary(chosen_register), release=inputs.close,
                      settings=settings_of(rules, ocr, recorded_exclude, force_exclude=force_exclude))


def scan(paths: Iterable[Source], *, register: RegisterSource = None,
         on: datetime.date | str | None = None, kit: KitSource = None, jobs: int | None = None,
         password: str | None = None, limits: Limits = DEFAULT_LIMITS, progress: Progress | None = None,
         thumbnails: bool = True, exclude: Sequence[str] = DEFAULT_EXCLUDE,
         rules: RuleSelection | None = None, follow_symlinks: bool = False, force_exclude: bool = False,
         executor: Any = None, web: WebOptions | None = None,
         crawl: CrawlOptions | None = None, sitemaps: Sequence[str] = (), ocr: OcrMode = "auto") -> ScanReport:
    """Scan files and folders (searched recursively), bytes, binary file objects and web pages; report every misuse.

    ``kit`` is a :class:`~htq_mark.Kit` or a kit folder, ``register`` a
    :class:`~htq_mark.Register` or a register file; None is the folder
    ``$HTQ_MARK_KIT`` names, else the bundled kit, and the file
    ``$HTQ_MARK_REGISTER`` names, else the built-in example register. ``on``
    defaults to today, ``jobs`` to the number of cores. ``thumbnails``
    keeps small pictures of the pages with marks or findings for the HTML report
    (pass False when only text, JSON or SARIF is wanted). Inside folders,
    entries matching an ``exclude`` glob are passed over (and, with ``force_exclude``, the
    paths given that match one): a glob matches an entry's name or its path below the folder
    scanned, an absolute glob its absolute path; ``rules`` chooses the
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

    Every result is held until the report is made; :func:`scan_iter` gives them
    one at a time instead, for batches too large to hold.
    """
    with scan_iter(paths, register=register, on=on, kit=kit, jobs=jobs, password=password, limits=limits,
                   progress=progress, thumbnails=thumbnails, exclude=exclude, rules=rules,
                   follow_symlinks=follow_symlinks, force_exclude=force_exclude, executor=executor, web=web,
                   crawl=crawl, sitemaps=sitemaps, ocr=ocr) as stream:
        return stream.report()


def _references_within(kit: Kit, seconds: float) -> Any:
    """The detector's references for ``kit``, built within ``seconds``; None if they are on disk already.

    References on disk are read by each worker itself (see :func:`~htq_mark.scanner._pool.with_references`),
    so this process need not load the detector: a small batch starts sooner.
    """
    return None if _reference_cache.holds(kit.sha256) else references_within(kit, seconds)


@dataclasses.dataclass(frozen=True)
class _Setup:
    """What every document of a scan is judged with."""

    kit: Kit
    register: Register
    on: datetime.date
    password: str | None
    limits: Limits
    thumbnails: bool
    ocr: OcrMode


def _scan_documents(documents: Sequence[InputDocument], setup: _Setup, engine: Executor,
                    progress: Progress | None) -> Iterator[DocumentResult]:
    """Each document's result in input order: the engine's results are put back in order as they arrive.

    Held at any time: the results that arrived before their turn (fewer than the engine's lookahead
    window, see :func:`~htq_mark.scanner._pool.lookahead`), and the result of a document whose
    identical copies are still to come.
    """
    finished = 0

    def done(path: str) -> None:
        nonlocal finished
        finished += 1
        if progress is not None:
            progress(finished, len(documents), path)

    copies = _copies(documents, setup.limits)  # identical files are scanned once and reported for every path
    copies_left = collections.Counter(copies.values())
    kept: dict[int, DocumentResult] = {}  # scanned documents whose copies are still to come
    early: dict[int, DocumentResult] = {}  # results that arrived before their turn
    runnable = array.array("q", (index for index, item in enumerate(documents)
                                 if _is_scanned(item) and index not in copies))
    upcoming = 0

    def next_ready() -> DocumentResult | None:
        """The next result in input order if its turn has come, else None."""
        nonlocal upcoming
        if upcoming == len(documents):
            return None
        index, item = upcoming, documents[upcoming]
        if not _is_scanned(item):
            result = DocumentResult(path=item.path, sha256=None, type="unknown",
                                    status="ok" if item.error is None else "error", error=item.error,
                                    notes=() if item.note is None else (item.note,))
            done(item.path)
        elif index in copies:
            original = copies.pop(index)
            result = _same_document(kept[original], item.path)
            copies_left[original] -= 1
            if not copies_left[original]:
                del kept[original], copies_left[original]
            done(item.path)
        elif index in early:
            result = early.pop(index)
            if copies_left[index]:
                kept[index] = result
        else:
            return None
        upcoming += 1
        return result

    def ready() -> Iterator[DocumentResult]:
        # Through iter(), so no variable of this generator holds a result the caller has let go.
        return iter(next_ready, None)

    yield from ready()
    if runnable:
        def make_setup(single_threaded: bool) -> WorkerSetup:
            return WorkerSetup(kit=setup.kit, register=setup.register, on=setup.on, password=setup.password,
                               limits=setup.limits, thumbnails=setup.thumbnails,
                               references=_references_within(setup.kit, setup.limits.max_reference_seconds),
                               single_threaded=single_threaded, ocr=setup.ocr)

        results = engine.results(Runnable(documents, runnable), make_setup, setup.limits)
        try:
            for index, arrived in results:
                if index < upcoming or index in early:
                    continue  # an engine never gives one twice; if it did, the first stands
                early[index] = arrived
                del arrived
                done(documents[index].path)
                yield from ready()
        finally:
            close = getattr(results, "close", None)
            if close is not None:
                close()  # stopped early: the engine stops what it still runs
    yield from ready()
    while upcoming < len(documents):  # an engine that ended without a document's result: reported, not lost
        item = documents[upcoming]
        if _is_scanned(item) and upcoming not in copies and upcoming not in early:
            early[upcoming] = failed_result(item, ErrorCode.WORKER_LOST,
                                            f"{item.path}: the scan ended without a result for this document; "
                                            "scan it again.", setup.limits, 0.0)
        yield from ready()


def _is_scanned(item: InputDocument) -> bool:
    """Whether ``item`` goes to a worker (not an error or a note found while listing the inputs)."""
    return item.error is None and (item.location is not None or item.data is not None or item.url is not None)
