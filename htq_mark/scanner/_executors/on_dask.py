"""Run a scan on a Dask cluster through a ``distributed.Client``.

The setup (kit, register, the detector's references, options) goes to each
worker once, as the result of a task that every batch depends on; documents go in batches, one task
each, at most a few tasks per worker thread in flight, and results are yielded as each task completes.
A batch is submitted only within :func:`~htq_mark.scanner._pool.lookahead` ``(threads)`` batches
of the oldest unfinished one, so however slow one batch is, the results finished after it that wait
for it (results go out in input order) stay few.

Faults: a worker that dies has its task rescheduled by the scheduler. When the
scheduler gives up on a task (``KilledWorker``: its workers died more than
``distributed.scheduler.allowed-failures`` times, 1 on a cluster htq-mark
starts), the document each attempt was scanning when its worker died is found
from the tasks' events; if it was the same one every time it is reported with
the code ``worker-lost`` and the rest of the batch runs again, otherwise each
document is tried again on its own (a few times at most).
If the connection to the scheduler is lost, every document not yet finished is
reported as ``worker-lost`` too, so the report says what finished and what did not.
A task that raised is htq-mark's own fault: its documents are reported as
``internal-error``, naming the exception, and the scan goes on; only workers that
refuse the client (another htq-mark, or none) stop the scan.
Ctrl-C cancels the cluster's tasks.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from ..._catalogue import ErrorCode
from ..._version import __version__
from ...errors import HtqMarkError, UsageError
from .._failures import failure_of
from .._inputs import InputDocument
from .._limits import Limits
from .._pool import Window, WorkerSetup, dump_setup, lookahead, with_references
from .._results import DocumentError, DocumentResult
from .dask_worker import EVENTS, VERSION_REFUSAL, hold, scan_batch

__all__ = ["MAX_BATCH", "DaskExecutor"]

#: The most documents in one task; smaller batches when there are few documents per worker thread.
MAX_BATCH = 32
_TASKS_PER_THREAD = 3  # tasks in flight per worker thread: enough to keep each busy
_BATCHES_PER_THREAD = 4  # few documents: aim for this many batches per worker thread
_MAX_RETRIES = 3  # times a document is tried again alone when a task was lost without a clear culprit


def _lost(item: InputDocument, message: str) -> DocumentResult:
    return DocumentResult(path=item.path, sha256=None, type="unknown", status="error",
                          error=DocumentError(ErrorCode.WORKER_LOST, f"{item.path}: {message}"))


_KILLED_MESSAGE = ("the cluster's workers stopped unexpectedly every time they scanned this document (it may need "
                   "more memory than a worker has); scan it alone with executor=\"local\" to see why.")
_SCHEDULER_MESSAGE = ("the connection to the Dask scheduler was lost before this document was scanned; "
                      "scan it again.")


class DaskExecutor:
    """Scan on the cluster of ``client`` (a ``distributed.Client``), ``batch_size`` documents per task.

    ``batch_size`` defaults to sizes that give each worker thread a few tasks of what is left
    (at most :data:`MAX_BATCH` documents, fewer towards the end).
    """

    def __init__(self, client: Any, batch_size: int | None = None) -> None:
        if batch_size is not None and batch_size < 1:
            raise UsageError(f"batch_size must be at least 1 document (got {batch_size}); "
                             "leave it out for batches sized to the cluster.")
        self.client = client
        self.batch_size = batch_size

    def workers(self) -> int | None:
        """How many workers the cluster has now (None if the scheduler cannot be asked)."""
        threads = self._threads_by_worker()
        return None if threads is None else len(threads)

    def _threads(self) -> int:
        threads = self._threads_by_worker()
        return max(1, sum(threads.values())) if threads else 1

    def _threads_by_worker(self) -> dict[str, int] | None:
        try:
            return dict(self.client.nthreads())
        except (OSError, TimeoutError):
            return None

    def _batches(self, items: Sequence[tuple[int, InputDocument]], threads: int) -> Iterator[list[tuple[int, InputDocument]]]:
        """``items`` in batches of ``batch_size``, or else of a few per worker thread of what is left.

        Batches shrink as the end nears (down to one document), so no worker idles long while
        another finishes a large last batch.
        """
        start = 0
        while start < len(items):
            size = self.batch_size or max(1, min(MAX_BATCH, math.ceil((len(items) - start) /
                                                                      (threads * _BATCHES_PER_THREAD))))
            yield list(items[start:start + size])
            start += size

    def _culprit(self, key: Any, batch: list[tuple[int, InputDocument]]) -> tuple[int, InputDocument] | None:
        """The document that every attempt at task ``key`` was scanning when its worker died.

        None unless at least two attempts started and all were on the same document:
        a task can also be lost while only waiting on a worker that died.
        """
        finished: dict[str, set[int]] = {}
        try:
            events = self.client.get_events(EVENTS)
        except (OSError, TimeoutError):
            return None
        for _, message in events:
            if isinstance(message, dict) and message.get("task") == key:
                done = finished.setdefault(str(message.get("attempt")), set())
                if message.get("finished") is not None:
                    done.add(int(message["finished"]))
        scanning = {next((i for i, (index, _) in enumerate(batch) if index not in done), None)
                    for done in finished.values()}
        if len(finished) < 2 or len(scanning) != 1 or None in scanning:
            return None
        return batch[scanning.pop()]  # type: ignore[index]

    def results(self, items: Sequence[tuple[int, InputDocument]], make_setup: Callable[[bool], WorkerSetup],
                limits: Limits) -> Iterator[tuple[int, DocumentResult]]:
        """Scan ``items`` on the cluster, yielding (index, result) as each task completes."""
        from distributed import as_completed
        from distributed.client import FutureCancelledError
        from distributed.scheduler import KilledWorker

        # A cluster's workers may not share this machine's disk: the references go with the setup.
        setup_bytes = dump_setup(with_references(make_setup(False)))
        setup_key = hashlib.sha256(setup_bytes).hexdigest()
        threads = self._threads()
        # A task, not scattered data: a copy lost with its worker is made again from the task.
        setup = self.client.submit(hold, setup_bytes, key=f"htq-mark-setup-{setup_key}")
        batches = enumerate(self._batches(items, threads))  # (the batch's number, its documents)
        window = Window(lookahead(threads))
        owners: dict[Any, tuple[int, list[tuple[int, InputDocument]]]] = {}
        retries: dict[int, int] = {}
        completed = as_completed(loop=self.client.loop)  # type: ignore[no-untyped-call]

        def submit(number: int, batch: list[tuple[int, InputDocument]]) -> None:
            # Earlier documents first (Dask would otherwise pick among ready tasks by key), so results
            # arrive roughly in input order.
            future = self.client.submit(scan_batch, setup, setup_key, batch, __version__, pure=False,
                                        retries=0, priority=-batch[0][0])
            owners[future] = (number, batch)
            completed.add(future)  # type: ignore[no-untyped-call]

        def top_up() -> None:
            """New batches, while fewer than a few per worker thread are in flight and the window allows."""
            while len(owners) < threads * _TASKS_PER_THREAD and window.has_room():
                following = next(batches, None)
                if following is None:
                    return
                number, batch = following
                window.open(number, len(batch))
                submit(number, batch)

        def settled(number: int, found: Iterable[tuple[int, DocumentResult]]) -> Iterator[tuple[int, DocumentResult]]:
            for pair in found:
                window.close(number)
                yield pair

        def alone_again(number: int, entries: list[tuple[int, InputDocument]]) -> Iterator[tuple[int, DocumentResult]]:
            """Each of ``entries`` again in a task of its own, up to a few times."""
            for entry in entries:
                retries[entry[0]] = retries.get(entry[0], 0) + 1
                if retries[entry[0]] > _MAX_RETRIES:
                    yield from settled(number, [(entry[0], _lost(entry[1], _KILLED_MESSAGE))])
                else:
                    submit(number, [entry])

        def lose_the_rest(message: str) -> Iterator[tuple[int, DocumentResult]]:
            for _, batch in [*owners.values(), *batches]:
                for index, item in batch:
                    yield index, _lost(item, message)
            owners.clear()

        try:
            top_up()
            for future in completed:
                if future not in owners:
                    continue
                number, batch = owners.pop(future)
                try:
                    found = future.result()
                except KilledWorker:
                    culprit = self._culprit(future.key, batch)
                    if culprit is not None:
                        yield from settled(number, [(culprit[0], _lost(culprit[1], _KILLED_MESSAGE))])
                    # The rest again; if the culprit is unclear, each on its own, a few times at most.
                    rest = [entry for entry in batch if entry is not culprit]
                    if culprit is None:
                        yield from alone_again(number, rest)
                    elif rest:
                        submit(number, rest)
                except (FutureCancelledError, OSError, TimeoutError):
                    owners[future] = (number, batch)
                    yield from lose_the_rest(_SCHEDULER_MESSAGE)
                    break
                except Exception as exc:  # noqa: BLE001 - the task itself raised
                    if _is_refusal(exc):  # the workers cannot scan for this client: no batch would fare better
                        self.client.cancel(list(owners))
                        raise HtqMarkError(f"the Dask workers could not scan ({type(exc).__name__}: {exc}); "
                                           "install the same htq-mark version on every worker.") from None
                    yield from settled(number, [(index, _internal(item, exc)) for index, item in batch])
                else:
                    del future  # the cluster may forget the batch's results once they are here
                    returned = {index for index, _ in found}
                    yield from settled(number, found)
                    # A batch stopped before its end (the scheduler gave up on it while it ran): the rest again.
                    yield from alone_again(number, [entry for entry in batch if entry[0] not in returned])
                top_up()
            # Tasks the client dropped without an outcome (its connection went): nothing came of them.
            yield from lose_the_rest(_SCHEDULER_MESSAGE)
        except BaseException:
            if owners:  # Ctrl-C, the caller stopped reading, or an error here: nothing left running on the cluster
                try:
                    self.client.cancel(list(owners))
                except Exception:  # noqa: BLE001, S110 - the scheduler may be gone already
                    pass
            raise


def _is_refusal(exc: BaseException) -> bool:
    """Whether a task failed because its worker cannot run this client's scan (another or no htq-mark)."""
    if isinstance(exc, UsageError) and str(exc).startswith(VERSION_REFUSAL):
        return True
    return isinstance(exc, ImportError) and (exc.name or "").split(".")[0] == "htq_mark"


def _internal(item: InputDocument, exc: Exception) -> DocumentResult:
    """A document whose task raised: htq-mark's own fault, reported as such."""
    failure = failure_of(exc, item.path)
    error = failure if isinstance(failure, DocumentError) else DocumentError(failure.code, str(failure))
    return DocumentResult(path=item.path, sha256=None, type="unknown", status="error", error=error)
