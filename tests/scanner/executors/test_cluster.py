"""The command line on Dask: a cluster started here, a scheduler's address, a scheduler that goes away,
and Dask not installed."""

from __future__ import annotations

import contextlib
import json
import os
import select
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from benchmarks.bench_dask import dask_processes
from htq_mark.errors import UsageError
from htq_mark.scanner._executors import SCHEDULER_ENV, LocalExecutor, open_executor
from htq_mark.scanner._executors.cluster import dashboard_link

from .conftest import SilentServer

BIN = Path(sys.executable).parent


def _untimed(report: str) -> dict[str, object]:
    """A JSON report without the time it was made."""
    data: dict[str, object] = json.loads(report)
    data.pop("scanned_at", None)
    return data


def _htq_mark(*args: str, env: dict[str, str] | None = None, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(BIN / "htq-mark"), "scan", "--date", "2026-11-23", *args], capture_output=True,
                          text=True, timeout=timeout, env={**os.environ, **(env or {})})


@pytest.fixture(params=[2])
def scheduler(request: pytest.FixtureRequest) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """``dask scheduler`` and ``dask worker`` (``request.param`` processes) on 127.0.0.1."""
    with dask_processes(request.param) as started:
        yield started


@pytest.fixture(scope="module")
def local(evalset: Path) -> subprocess.CompletedProcess[str]:
    """The evaluation-set sample scanned by ``--jobs 2``, as JSON."""
    return _htq_mark("--format", "json", "--jobs", "2", str(evalset))


def test_a_cluster_started_here_gives_the_same_json_as_local_jobs(
        evalset: Path, local: subprocess.CompletedProcess[str]) -> None:
    remote = _htq_mark("--format", "json", "--executor", "dask", "--jobs", "2", str(evalset))
    assert local.returncode == remote.returncode == 3  # two files of the set are unreadable
    assert _untimed(remote.stdout) == _untimed(local.stdout) and json.loads(remote.stdout)["summary"]["documents"] == 8
    assert "Traceback" not in remote.stderr


@pytest.mark.parametrize("scheduler", [1], indirect=True)  # one worker: documents finish in order
def test_losing_the_scheduler_ends_with_exit_3_and_a_report_of_what_finished(
        scheduler: tuple[str, subprocess.Popen[bytes]], evalset: Path, tmp_path: Path,
        silent: SilentServer) -> None:
    address, server = scheduler
    reading = threading.Event()
    silent.on_connect = lambda pid: reading.set()
    stuck = silent.url("stuck.pdf")  # the scan waits on it until the scheduler is gone
    done = sorted(str(p) for p in evalset.glob("*.p*"))[:2]
    output = tmp_path / "report.json"
    scan = subprocess.Popen([str(BIN / "htq-mark"), "scan", "--date", "2026-11-23", "--timeout", "100",
                             "--format", "json", "-o", str(output), *done, stuck],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, SCHEDULER_ENV: address})
    assert reading.wait(90)
    time.sleep(2.0)  # the documents before it have finished: let their results reach the client
    server.kill()
    server.wait()
    _, stderr = scan.communicate(timeout=60)
    assert scan.returncode == 3
    assert "Traceback" not in stderr and "htq-mark: " in stderr
    documents = json.loads(output.read_text())["documents"]
    assert [d["path"] for d in documents] == [*done, stuck]
    assert [d["status"] for d in documents] == ["ok", "ok", "error"], [d["error"] for d in documents]
    assert documents[2]["error"]["code"] == "worker-lost" and "scheduler" in documents[2]["error"]["message"]


def test_the_scheduler_option_runs_on_that_cluster(scheduler: tuple[str, subprocess.Popen[bytes]],
                                                   evalset: Path, local: subprocess.CompletedProcess[str]) -> None:
    address, _ = scheduler
    remote = _htq_mark("--format", "json", "--scheduler", address, str(evalset))
    assert remote.returncode == 3 and _untimed(remote.stdout) == _untimed(local.stdout)


def test_a_scheduler_is_recognised_from_inside_a_running_event_loop(
        scheduler: tuple[str, subprocess.Popen[bytes]]) -> None:
    """As from a notebook or an async caller: the scheduler's check ran asyncio.run, refused there, and
    the scheduler was said not to be one."""
    import asyncio

    address, _ = scheduler

    async def inside() -> str:
        with open_executor("dask", scheduler=address) as (executor, _):
            return type(executor).__name__

    assert asyncio.run(inside()) == "DaskExecutor"


def test_a_scheduler_without_workers_is_said_to_have_none_and_the_scan_starts_when_one_joins(tmp_path: Path) -> None:
    """It waited without a word until a worker joined (for ever, if none did)."""
    from benchmarks.bench_dask import _free_port

    port = str(_free_port())
    address = f"tcp://127.0.0.1:{port}"
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    scheduler = subprocess.Popen([str(BIN / "dask"), "scheduler", "--host", "127.0.0.1", "--port", port,
                                  "--no-dashboard"], **quiet)  # type: ignore[call-overload]
    worker = None
    try:
        document = tmp_path / "page.txt"
        document.write_text("not a document")
        time.sleep(3)  # until the scheduler listens
        command = subprocess.Popen([str(BIN / "htq-mark"), "scan", "--scheduler", address, str(document)],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        assert command.stderr is not None
        ready, _, _ = select.select([command.stderr], [], [], 60)
        said = command.stderr.readline() if ready else "(nothing in 60 s)"
        if not ready:
            command.kill()
        assert "has no workers yet; the scan starts when some join" in said, said
        worker = subprocess.Popen([str(BIN / "dask"), "worker", address, "--nthreads", "1", "--host", "127.0.0.1",
                                   "--no-dashboard"], **quiet)  # type: ignore[call-overload]
        _, rest = command.communicate(timeout=120)
        assert command.returncode == 3, rest  # the scan ran: one unreadable document
    finally:
        for process in (worker, scheduler):
            if process is not None:
                process.send_signal(signal.SIGINT)
                try:
                    process.wait(15)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()


def test_without_dask_the_command_says_how_to_install_it_in_one_line(evalset: Path) -> None:
    program = ("import sys; sys.modules['distributed'] = None\n"  # as if it were not installed
               "from htq_mark.cli import main; main(sys.argv[1:])")
    result = subprocess.run([sys.executable, "-c", program, "scan", "--executor", "dask", str(evalset)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "htq-mark: error: the Dask executor needs dask's distributed package; install it with "
        "pip install 'htq-mark[dask]'."]


@pytest.mark.parametrize(("name", "scheduler", "jobs", "message"), [
    ("local", "tcp://127.0.0.1:1", None, "needs the dask executor"),
    ("dask", "tcp://127.0.0.1:1", 2, "has its own"),
    ("spark", None, None, "unknown executor"),
    ("dask", "bogus::", None, "is not a Dask scheduler address"),
    ("dask", "udp://127.0.0.1:8786", None, "unknown address scheme 'udp'"),
    ("dask", "tcp://127.0.0.1", None, "missing port number"),
])
def test_contradictory_choices_are_usage_errors(name: str, scheduler: str | None, jobs: int | None,
                                                message: str) -> None:
    with pytest.raises(UsageError, match=message), open_executor(name, scheduler=scheduler, jobs=jobs):
        pass


def _not_dask(answer: bytes | None) -> Iterator[str]:
    """The address of a loopback service that is not Dask: it answers every connection with ``answer``
    (an HTTP status line, as a proxy or web server does) and closes it, or (None) reads and says nothing."""
    import socket

    listener = socket.create_server(("127.0.0.1", 0))
    held: list[socket.socket] = []

    def serve() -> None:
        while True:
            try:
                connection, _ = listener.accept()
            except OSError:
                return
            if answer is None:
                held.append(connection)
                continue
            connection.recv(4096)
            connection.sendall(answer)
            connection.close()

    threading.Thread(target=serve, daemon=True).start()
    try:
        yield f"tcp://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        listener.close()
        for connection in held:
            connection.close()


@pytest.mark.parametrize("answer", [b"HTTP/1.0 426 Upgrade Required\r\nContent-Length: 0\r\n\r\n", None],
                         ids=["answers-http", "silent"])
def test_a_service_that_is_not_a_dask_scheduler_is_a_usage_error(answer: bytes | None) -> None:
    """A client made for such a service read its answer as Dask's frames and failed with MemoryError (an
    internal error), or waited for ever on one that said nothing."""
    started = time.monotonic()
    with contextlib.contextmanager(_not_dask)(answer) as address:
        with pytest.raises(UsageError, match="no Dask scheduler answered at"), open_executor("dask",
                                                                                                   scheduler=address):
            pass
    assert time.monotonic() - started < 30


def test_ctrl_c_while_a_scheduler_is_checked_stops_the_command_at_once(tmp_path: Path) -> None:
    """The check waited for its thread, which waited out its 15 s timeout, before Ctrl-C took effect."""
    document = tmp_path / "page.png"
    document.write_bytes(b"not looked at")
    with contextlib.contextmanager(_not_dask)(None) as address:
        command = subprocess.Popen([str(BIN / "htq-mark"), "scan", "--scheduler", address, str(document)],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        time.sleep(3)
        started = time.monotonic()
        command.send_signal(signal.SIGINT)
        _, errors = command.communicate(timeout=60)
        stopped_after = time.monotonic() - started
    assert command.returncode == 130, errors
    assert stopped_after < 5, stopped_after


def test_the_local_executor_is_the_default_and_ignores_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(SCHEDULER_ENV, "tcp://127.0.0.1:1")
    with open_executor("local", jobs=3) as (executor, dashboard):
        assert isinstance(executor, LocalExecutor) and executor.jobs == 3 and dashboard is None
    monkeypatch.delenv(SCHEDULER_ENV)
    with open_executor() as (executor, _):
        assert isinstance(executor, LocalExecutor)


def test_the_dashboard_link_is_given_only_when_the_dashboard_is_there() -> None:
    from distributed import Client, LocalCluster

    try:
        import distributed.dashboard.scheduler  # noqa: F401 - only with bokeh
        has_bokeh = True
    except ImportError:
        has_bokeh = False
    with LocalCluster(n_workers=0, processes=True, host="127.0.0.1", dashboard_address="127.0.0.1:0") as cluster, \
            Client(cluster, set_as_default=False) as client:
        link = client.dashboard_link
        # The scheduler answers at the link either way; without bokeh its page only says to install it.
        with urllib.request.urlopen(link, timeout=10) as page:
            assert page.status == 200 and (has_bokeh or b"bokeh" in page.read())
        assert dashboard_link(client) == (link if has_bokeh else None)
