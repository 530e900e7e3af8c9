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

import dataclasses
import datetime
import hashlib
import os
import tempfile
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from .._version import __version__
from ..errors import UsageError
from .executors import Executor, as_executor
from .inputs import DEFAULT_EXCLUDE, InputDocument, expand_paths
from .limits import DEFAULT_LIMITS, Limits
from .pool import WorkerSetup, default_jobs, input_sha256
from .results import DocumentError, DocumentResult, ScanReport
from .selection import RuleSelection, select_rules
from .streams import is_stream, stage_stream

if TYPE_CHECKING:
    from ..kit import Kit
    from ..register import Register

__all__ = ["Progress", "Source", "default_jobs", "scan"]

#: Called after each document: (documents done, documents in all, path of the one just done).
Progress = Callable[[int, int, str], None]


def _content_key(item: InputDocument, limits: Limits) -> str | None:
    """The sha256 of a regular file within the size limit (what makes two inputs the same document)."""
    if item.data is not None:
        return hashlib.sha256(item.data).hexdigest() if len(item.data) <= limits.max_file_bytes else None
    try:
        if item.location is None or item.location.stat().st_size > limits.max_file_bytes:
            return None
    except OSError:
        return None
    return input_sha256(item, limits)


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
         executor: Executor | Any | None = None) -> ScanReport:
    """Scan files and folders (searched recursively), bytes or binary file objects; report every misuse.

    ``register`` defaults to the embedded register, ``on`` to today, ``kit`` to
    :func:`htq_mark.load_kit`, ``jobs`` to the number of cores. ``thumbnails``
    keeps small pictures of the pages with marks or findings for the HTML report
    (pass False when only text, JSON or SARIF is wanted). Inside folders,
    entries matching an ``exclude`` glob are passed over; ``rules`` chooses the
    rules reported and their severities. Documents that cannot be read are in
    the report with status ``error``; only bad arguments raise. Symbolic links
    in folders that lead outside the folders given are followed only with
    ``follow_symlinks``; those not followed are in the report with a note.
    ``executor`` runs the documents elsewhere: a ``distributed.Client`` scans
    them on its Dask cluster (then leave ``jobs`` out). Paths may be fsspec URLs
    (``s3://...``), read where the documents are scanned.
    """
    from ..kit import load_kit
    from ..register import default_register
    from .document import _as_date

    engine = as_executor(executor, jobs)
    chosen_kit = kit if kit is not None else load_kit()
    chosen_register = register if register is not None else default_register()
    when = _as_date(on)
    if isinstance(paths, (str, bytes, os.PathLike)):
        raise UsageError("scan takes a list of paths (or bytes, or file objects), not one; "
                         "write scan([path]).")
    inputs = _inputs(paths, exclude, follow_symlinks=follow_symlinks, max_entries=limits.max_folder_entries)
    with tempfile.TemporaryDirectory(prefix="htq-mark-streams-") as staging:
        documents = [stage_stream(item.path, Path(staging), limits, index) if is_stream(item.path) else item
                     for index, item in enumerate(inputs)]
        report = _scan_documents(documents, chosen_kit, chosen_register, when, engine, password, limits,
                                 progress, thumbnails)
    return report if rules is None else select_rules(report, rules)


def _scan_documents(documents: list[InputDocument], chosen_kit: Kit, chosen_register: Register,
                    when: datetime.date, engine: Executor, password: str | None, limits: Limits,
                    progress: Progress | None, thumbnails: bool) -> ScanReport:
    from .detect import build_references

    results: list[DocumentResult | None] = [None] * len(documents)
    finished = 0

    def done(index: int) -> None:
        nonlocal finished
        finished += 1
        if progress is not None:
            progress(finished, len(documents), documents[index].path)

    runnable: list[tuple[int, InputDocument]] = []
    first_with: dict[str, int] = {}  # sha256 -> the index of the first input with those bytes
    copies: list[tuple[int, int]] = []  # (index, index of the identical input that is scanned)
    for index, item in enumerate(documents):
        if item.error is not None or (item.location is None and item.data is None and item.url is None):
            results[index] = DocumentResult(path=item.path, sha256=None, type="unknown",
                                            status="ok" if item.error is None else "error", error=item.error,
                                            notes=() if item.note is None else (item.note,))
            done(index)
            continue
        key = _content_key(item, limits)
        if key is not None and key in first_with:
            copies.append((index, first_with[key]))
            continue
        if key is not None:
            first_with[key] = index
        runnable.append((index, item))
    if runnable:
        def make_setup(single_threaded: bool) -> WorkerSetup:
            return WorkerSetup(kit=chosen_kit, register=chosen_register, on=when, password=password,
                               limits=limits, thumbnails=thumbnails, references=build_references(chosen_kit),
                               single_threaded=single_threaded)

        engine.run(runnable, make_setup, limits, results, done)
    for index, original in copies:  # identical files are scanned once and reported for every path
        scanned = results[original]
        assert scanned is not None
        results[index] = _same_document(scanned, documents[index].path)
        done(index)
    return ScanReport(
        generator_version=__version__, on_date=when.isoformat(), kit=chosen_kit.describe(),
        register=_register_summary(chosen_register),
        documents=tuple(r for r in results if r is not None),
        scanned_at=datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"))
