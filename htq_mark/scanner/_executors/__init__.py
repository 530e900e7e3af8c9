"""Where a scan's documents run: worker processes on this machine, or a Dask cluster.

An :class:`Executor` runs documents and yields each result with its index as it is done. Every
engine scans a document the same way, in a :class:`~htq_mark.scanner._pool.WorkerPool`
worker process with the same limits, so the report is the same whichever runs it.

- :class:`LocalExecutor`: ``jobs`` worker processes here (the default).
- :class:`DaskExecutor`: batches of documents as tasks on a ``distributed.Client``'s
  cluster (``pip install 'htq-mark[dask]'``); :func:`open_executor` connects to a
  scheduler or starts a cluster on this machine.
"""

from __future__ import annotations

from .base import Executor, LocalExecutor, as_executor
from .cluster import EXECUTORS, SCHEDULER_ENV, open_executor
from .on_dask import DaskExecutor

__all__ = ["EXECUTORS", "SCHEDULER_ENV", "DaskExecutor", "Executor", "LocalExecutor", "as_executor",
           "open_executor"]
