"""The executor interface, the local executor, and turning what a caller passes into an executor."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any, Protocol, runtime_checkable

from ...errors import UsageError
from .._inputs import InputDocument
from .._limits import Limits
from .._pool import WorkerPool, WorkerSetup, default_jobs, lookahead
from .._results import DocumentResult
from .on_dask import DaskExecutor

__all__ = ["MAX_JOBS_PER_CORE", "Executor", "LocalExecutor", "as_executor", "checked_jobs"]

#: Worker processes beyond a few per core only add memory (each holds the detector's references).
MAX_JOBS_PER_CORE = 8


def checked_jobs(jobs: int | None) -> int:
    """``jobs`` (default: one per core) after checking it is a whole number from 1 to 8 per core."""
    workers = default_jobs() if jobs is None else jobs
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise UsageError(f"jobs must be a whole number of at least 1; got {jobs!r}")
    most = MAX_JOBS_PER_CORE * default_jobs()
    if workers > most:
        raise UsageError(f"jobs={workers} is more than {MAX_JOBS_PER_CORE} worker processes per core on this "
                         f"machine ({default_jobs()} cores); give at most jobs={most}, or scan on a cluster's "
                         "own workers (executor=\"dask\" with the address of its scheduler).")
    return workers


@runtime_checkable
class Executor(Protocol):
    """Runs documents, yielding (index, result) for each as it finishes, in any order."""

    def results(self, items: Sequence[tuple[int, InputDocument]], make_setup: Callable[[bool], WorkerSetup],
                limits: Limits) -> Iterator[tuple[int, DocumentResult]]:
        """Scan every item; ``make_setup(single_threaded)`` gives what the worker processes need.

        Closing the iterator early (or Ctrl-C) stops every document still running.
        """


class LocalExecutor:
    """``jobs`` worker processes on this machine (default: one per core).

    At most :func:`~htq_mark.scanner._pool.lookahead` ``(jobs)`` documents are handed out from the
    oldest unfinished one on, so the results waiting for a slow document stay few.
    """

    def __init__(self, jobs: int | None = None) -> None:
        self.jobs = checked_jobs(jobs)

    def results(self, items: Sequence[tuple[int, InputDocument]], make_setup: Callable[[bool], WorkerSetup],
                limits: Limits) -> Iterator[tuple[int, DocumentResult]]:
        pool = WorkerPool(make_setup, self.jobs, limits)
        try:
            yield from pool.run(items, window=lookahead(self.jobs))
        finally:
            pool.close()


def _is_dask_client(value: Any) -> bool:
    return any(f"{kind.__module__}.{kind.__qualname__}" == "distributed.client.Client" for kind in type(value).__mro__)


def as_executor(executor: Executor | Any | None, jobs: int | None) -> Executor:
    """The executor for ``scan(executor=..., jobs=...)``: local by default, Dask for a ``distributed.Client``."""
    if executor is None:
        return LocalExecutor(jobs)
    if jobs is not None:
        raise UsageError("jobs applies to the local executor only; a cluster has its own workers "
                         "(leave jobs out, or leave executor out).")
    if _is_dask_client(executor):
        return DaskExecutor(executor)
    if isinstance(executor, Executor):
        return executor
    raise UsageError(f"executor must be a distributed.Client or an htq_mark executor; got {type(executor).__name__}.")
