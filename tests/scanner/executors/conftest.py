"""A Dask cluster on the loopback address, and a sample of the evaluation set to scan on it."""

from __future__ import annotations

import datetime
import http.server
import json
import os
import signal
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

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
                               dashboard_address="127.0.0.1:0")  # a free port: 8787 may be taken
    with cluster, Client(cluster, set_as_default=False) as connected:
        yield connected


def worker_pids(client: Client) -> dict[str, int]:
    """The process of each of the two workers, once both are up again after a test killed one."""
    try:
        client.wait_for_workers(2, timeout=60)
    except TimeoutError:  # a killed worker's nanny gave up: start another in its place
        client.cluster.scale(2)
        client.wait_for_workers(2, timeout=120)
    return client.run(os.getpid)  # type: ignore[no-any-return]


class SilentServer(threading.Thread):
    """A WebHDFS server on 127.0.0.1 that describes any file but never sends its bytes: URLs whose
    reading never ends. (``http://`` addresses are web pages, so the stuck reading goes through another
    fsspec protocol over loopback.)

    ``on_connect(pid)`` is called with the process that asked for a file's bytes (the scan process
    reading the URL; the caller only asks what the URL is).
    """

    def __init__(self, on_connect: Callable[[int], None] = lambda pid: None) -> None:
        super().__init__(daemon=True)
        self.on_connect = on_connect
        self.readers: list[int] = []
        self.closed = threading.Event()
        silent = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
                if "op=GETFILESTATUS" in self.path:
                    body = json.dumps({"FileStatus": {"type": "FILE", "length": 100_000}}).encode()
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                    return
                port = self.client_address[1]
                reader = next((c.pid for c in psutil.net_connections(kind="tcp")
                               if c.laddr and c.laddr.port == port and c.pid not in (None, os.getpid())), None)
                if reader is not None:
                    silent.readers.append(reader)
                    silent.on_connect(reader)
                silent.closed.wait()  # the bytes never come

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - http.server's name
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True

    def url(self, name: str) -> str:
        return f"webhdfs://127.0.0.1:{self.httpd.server_address[1]}/{name}"

    def run(self) -> None:
        self.httpd.serve_forever(poll_interval=0.1)

    def close(self) -> None:
        self.closed.set()
        self.httpd.shutdown()
        self.httpd.server_close()


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
