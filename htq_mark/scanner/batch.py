"""Scan many documents: ``scan(paths, ...) -> ScanReport``.

Each document is scanned in a worker process (``jobs`` of them, default one
per core), or on a Dask cluster (``executor=``, see :mod:`.executors`). A document
that runs past its time limit has its worker killed, so a stuck parser really
stops; it is reported as ``timeout`` and a fresh worker takes the next document.
Results come back in input order, so the report is the same whatever ``jobs`` is
or wherever it ran (apart from timings). The detector's references are built
once and handed to each worker.
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from .._version import __version__
from .executors import Executor, as_executor
from .inputs import InputDocument, expand_paths
from .limits import DEFAULT_LIMITS, Limits
from .pool import WorkerSetup, default_jobs
from .results import DocumentResult, ScanReport

if TYPE_CHECKING:
    from ..kit import Kit
    from ..register import Register

__all__ = ["Progress", "default_jobs", "scan"]

#: Called after each document: (documents done, documents in all, path of the one just done).
Progress = Callable[[int, int, str], None]


def _register_summary(register: Register) -> dict[str, Any]:
    provenance = register.provenance
    return {"source": provenance.source, "sha256": provenance.sha256, "as_of": provenance.as_of.isoformat(),
            "qualifications": provenance.rows, "is_example": provenance.is_example}


def scan(paths: Iterable[str | os.PathLike[str]], *, register: Register | None = None,
         on: datetime.date | str | None = None, kit: Kit | None = None, jobs: int | None = None,
         password: str | None = None, limits: Limits = DEFAULT_LIMITS, progress: Progress | None = None,
         thumbnails: bool = False, executor: Executor | Any | None = None) -> ScanReport:
    """Scan files and folders (searched recursively) and report every mark and misuse.

    ``register`` defaults to the embedded register, ``on`` to today, ``kit`` to
    :func:`htq_mark.load_kit`, ``jobs`` to the number of cores. ``executor`` runs
    the documents elsewhere: a ``distributed.Client`` scans them on its Dask
    cluster (then leave ``jobs`` out). PATHs may be fsspec URLs (``s3://...``),
    read where the documents are scanned. Documents that cannot be read are in
    the report with status ``error``; only bad arguments raise.
    """
    from ..kit import load_kit
    from ..register import default_register
    from .detect import build_references
    from .document import _as_date

    engine = as_executor(executor, jobs)
    chosen_kit = kit if kit is not None else load_kit()
    chosen_register = register if register is not None else default_register()
    when = _as_date(on)
    documents = expand_paths(paths)
    results: list[DocumentResult | None] = [None] * len(documents)
    finished = 0

    def done(index: int) -> None:
        nonlocal finished
        finished += 1
        if progress is not None:
            progress(finished, len(documents), documents[index].path)

    runnable: list[tuple[int, InputDocument]] = []
    for index, item in enumerate(documents):
        if item.error is not None:
            results[index] = DocumentResult(path=item.path, sha256=None, type="unknown", status="error",
                                            error=item.error)
            done(index)
        else:
            runnable.append((index, item))
    if runnable:
        def make_setup(single_threaded: bool) -> WorkerSetup:
            return WorkerSetup(kit=chosen_kit, register=chosen_register, on=when, password=password,
                               limits=limits, thumbnails=thumbnails, references=build_references(chosen_kit),
                               single_threaded=single_threaded)

        engine.run(runnable, make_setup, limits, results, done)
    return ScanReport(
        generator_version=__version__, on_date=when.isoformat(), kit=chosen_kit.describe(),
        register=_register_summary(chosen_register),
        documents=tuple(r for r in results if r is not None),
        scanned_at=datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"))
