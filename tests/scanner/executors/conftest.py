"""A Dask cluster on the loopback address, and a sample of the evaluation set to scan on it."""

from __future__ import annotations

import datetime
import os
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import dask
import pytest
from distributed import Client, LocalCluster

import htq_mark
from benchmarks.evalset.generate import build_context, make_case
from benchmarks.evalset.plan import PlannedCase

KIT = htq_mark.load_kit()
ON = datetime.date(2026, 11, 23)
# One case of each medium the evaluation set has, and a busy page.
SAMPLE = [PlannedCase(1, "compliant", "png"), PlannedCase(2, "rotated", "jpeg"),
          PlannedCase(3, "compliant", "pdf-vector"), PlannedCase(4, "stretched", "pdf-raster"),
          PlannedCase(5, "busy-page", "png"), PlannedCase(6, "multi", "png")]


@pytest.fixture(scope="session")
def evalset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample cases, a damaged file and an empty one, in one folder."""
    root = tmp_path_factory.mktemp("evalset")
    context = build_context(0, kit=KIT)
    for planned in SAMPLE:
        case, data = make_case(planned, 0, context)
        (root / Path(case.file).name).write_bytes(data)
    (root / "z-broken.jpg").write_bytes(b"\xff\xd8\xff broken")
    (root / "z-empty.pdf").write_bytes(b"")
    return root


@pytest.fixture(scope="session")
def client() -> Iterator[Client]:
    """Two single-threaded worker processes; the scheduler gives up on a task that killed two workers."""
    with dask.config.set({"distributed.scheduler.allowed-failures": 1}):
        cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                               dashboard_address=None)
    with cluster, Client(cluster, set_as_default=False) as connected:
        yield connected


def worker_pids(client: Client) -> dict[str, int]:
    client.wait_for_workers(2, timeout=60)
    return client.run(os.getpid)  # type: ignore[no-any-return]


def holders(path: Path) -> list[int]:
    """The processes that have ``path`` open."""
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            if any(os.readlink(f"/proc/{pid}/fd/{fd}") == str(path) for fd in os.listdir(f"/proc/{pid}/fd")):
                found.append(int(pid))
        except OSError:
            continue
    return found


def parent_of(pid: int) -> int:
    with open(f"/proc/{pid}/stat") as handle:
        return int(handle.read().rsplit(")", 1)[1].split()[1])


class WorkerKiller(threading.Thread):
    """Kills the Dask worker whose scan process opens the named pipe ``fifo``, ``times`` times over."""

    def __init__(self, client: Client, fifo: Path, times: int) -> None:
        super().__init__(daemon=True)
        self.client, self.fifo, self.times = client, fifo, times
        self.killed: list[int] = []

    def _reading_worker(self) -> int | None:
        workers = set(self.client.run(os.getpid).values())
        return next((parent_of(pid) for pid in holders(self.fifo) if parent_of(pid) in workers), None)

    def run(self) -> None:
        while len(self.killed) < self.times:
            with open(self.fifo, "wb"):  # returns once a scan process has opened the pipe to read it
                deadline = time.monotonic() + 10
                worker = self._reading_worker()
                while worker is None and time.monotonic() < deadline:
                    time.sleep(0.05)
                    worker = self._reading_worker()
                if worker is None:
                    return
                os.kill(worker, signal.SIGKILL)
                self.killed.append(worker)
            time.sleep(0.5)
