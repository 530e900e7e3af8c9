"""A Dask cluster on the loopback address, and a sample of the evaluation set to scan on it."""

from __future__ import annotations

import datetime
import os
import signal
import socket
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import dask
import psutil
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


class SilentServer(threading.Thread):
    """A server on 127.0.0.1 that accepts connections and never answers: URLs whose reading never ends.

    ``on_connect(pid)`` is called with the process that connected (the scan process reading the URL).
    """

    def __init__(self, on_connect: Callable[[int], None] = lambda pid: None) -> None:
        super().__init__(daemon=True)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.on_connect = on_connect
        self.connections: list[socket.socket] = []
        self.readers: list[int] = []

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.listener.getsockname()[1]}/{name}"

    def run(self) -> None:
        while True:
            try:
                connection, (_, port) = self.listener.accept()
            except OSError:
                return
            self.connections.append(connection)
            reader = next((c.pid for c in psutil.net_connections(kind="tcp")
                           if c.laddr and c.laddr.port == port and c.pid not in (None, os.getpid())), None)
            if reader is not None:
                self.readers.append(reader)
                self.on_connect(reader)

    def close(self) -> None:
        self.listener.close()
        for connection in self.connections:
            connection.close()


@pytest.fixture()
def silent() -> Iterator[SilentServer]:
    server = SilentServer()
    server.start()
    yield server
    server.close()


def parent_of(pid: int) -> int:
    return int(psutil.Process(pid).ppid())


class WorkerKiller:
    """Kills the Dask worker whose scan process reads from the server, ``times`` times over."""

    def __init__(self, client: Client, times: int) -> None:
        self.client, self.times = client, times
        self.killed: list[int] = []

    def __call__(self, reader: int) -> None:
        if len(self.killed) >= self.times:
            return
        workers = set(self.client.run(os.getpid).values())
        worker = parent_of(reader)
        if worker in workers:
            os.kill(worker, signal.SIGKILL)
            self.killed.append(worker)
