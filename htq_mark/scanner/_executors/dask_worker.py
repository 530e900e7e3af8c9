"""What a Dask worker runs: a batch of documents through its own worker pool.

Each thread of a Dask worker keeps one :class:`~htq_mark.scanner._pool.WorkerPool`
with one worker process, started with the first batch and kept while the setup
(kit, register, references, options) stays the same. A batch whose task the
scheduler cancels (Ctrl-C on the client) kills its scan process within half a second. So a Dask worker scans
exactly as ``--jobs`` does: a document past its time limit has its process
killed, and a parser that crashes takes down that process, never the Dask worker.
"""

from __future__ import annotations

import dataclasses
import pickle
import threading
import uuid
from collections.abc import Sequence
from typing import Any

from ..._version import __version__
from ...errors import UsageError
from .._inputs import InputDocument
from .._pool import WorkerPool, WorkerSetup
from .._results import DocumentResult

__all__ = ["EVENTS", "VERSION_REFUSAL", "hold", "scan_batch"]

#: The scheduler's event topic where tasks say which documents they started and finished, so the
#: client can tell which document was being scanned each time a worker died.
EVENTS = "htq-mark-scan"
#: How a worker's refusal of a client with another htq-mark begins (the client tells it from other failures).
VERSION_REFUSAL = "this worker has htq-mark"

_pools: dict[int, tuple[str, WorkerPool]] = {}
_lock = threading.Lock()


def _pool(setup_key: str, setup_bytes: bytes) -> WorkerPool:
    """This thread's pool for the setup ``setup_key``, started if it is new."""
    thread = threading.get_ident()
    with _lock:
        current = _pools.get(thread)
    if current is not None and current[0] == setup_key:
        return current[1]
    if current is not None:
        current[1].close()
    setup: WorkerSetup = pickle.loads(setup_bytes)  # noqa: S301 - sent by the scan's own client
    pool = WorkerPool(lambda single_threaded: dataclasses.replace(setup, single_threaded=single_threaded),
                      1, setup.limits)
    with _lock:
        _pools[thread] = (setup_key, pool)
    return pool


def hold(setup_bytes: bytes) -> bytes:
    """The setup, as a task's result: the cluster keeps it where tasks need it, and makes it again if lost."""
    return setup_bytes


def scan_batch(setup_bytes: bytes, setup_key: str, items: Sequence[tuple[int, InputDocument]],
               version: str = __version__) -> list[tuple[int, DocumentResult]]:
    """Scan ``items`` (index, document) in order on a Dask worker; returns (index, result) pairs.

    The scheduler's :data:`EVENTS` log says when this attempt at the batch started
    and which documents it finished. ``version`` is the client's htq-mark: a
    worker with another refuses the batch, as its results could differ.
    """
    if version != __version__:
        raise UsageError(f"{VERSION_REFUSAL} {__version__} and the client {version}")
    from distributed import get_worker

    worker = get_worker()
    task, attempt = worker.get_current_task(), uuid.uuid4().hex

    def record(index: int | None) -> None:
        worker.log_event(EVENTS, {"task": task, "attempt": attempt, "finished": index})

    pool = _pool(setup_key, setup_bytes)
    record(None)
    found = pool.run([(position, item) for position, (_, item) in enumerate(items)],
                     cancelled=lambda: _cancelled(worker, task))
    results: list[tuple[int, DocumentResult]] = []
    for position, result in found:
        record(items[position][0])
        results.append((items[position][0], result))
    return sorted(results, key=lambda pair: pair[0])


def _cancelled(worker: Any, task: Any) -> bool:
    """Whether the scheduler no longer wants ``task`` (its client cancelled it, or went away)."""
    state = worker.state.tasks.get(task)
    return state is None or state.state in ("cancelled", "released", "forgotten")
