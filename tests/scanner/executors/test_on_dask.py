"""Scanning on a real Dask cluster (two worker processes on 127.0.0.1): the same report as --jobs 2,
workers that die mid-scan, a document that takes its worker down, a document that never ends."""

from __future__ import annotations

import dataclasses
import os
import signal
import threading
import time
from pathlib import Path

import psutil
import pytest
from distributed import Client

from htq_mark import reports
from htq_mark.errors import HtqMarkError, UsageError
from htq_mark.scanner import Limits, ScanReport, scan
from htq_mark.scanner._executors import DaskExecutor, LocalExecutor, as_executor
from htq_mark.scanner._executors import dask_worker, on_dask

from .conftest import KIT, ON, SilentServer, WorkerKiller, worker_pids


def _without_time(report: ScanReport) -> ScanReport:
    return dataclasses.replace(report, scanned_at="", documents=tuple(
        dataclasses.replace(d, elapsed_s=0.0) for d in report.documents))


@pytest.fixture(scope="module")
def local(evalset: Path) -> ScanReport:
    return scan([str(evalset)], kit=KIT, on=ON, jobs=2)


def test_the_report_equals_the_report_of_two_local_jobs(client: Client, evalset: Path, local: ScanReport) -> None:
    remote = scan([str(evalset)], kit=KIT, on=ON, executor=client)
    assert [d.path for d in remote.documents] == [d.path for d in local.documents]
    assert len(remote.documents) == 8 and remote.summary["marks"] >= 6 and remote.summary["unreadable"] == 2
    for form in reports.FORMATS:
        assert reports.render_bytes(_without_time(remote), form) == reports.render_bytes(_without_time(local), form)
    # The documents really ran on the cluster: its workers hold the scan processes.
    assert sum(client.run(lambda: len(dask_worker._pools)).values()) >= 1


def test_progress_is_reported_as_tasks_complete(client: Client, evalset: Path) -> None:
    seen: list[tuple[int, int]] = []
    scan([str(evalset)], kit=KIT, on=ON, executor=DaskExecutor(client, batch_size=3),
         progress=lambda done, total, path: seen.append((done, total)))
    assert seen == [(n, 8) for n in range(1, 9)]


def test_a_worker_killed_mid_scan_loses_nothing(client: Client, evalset: Path, local: ScanReport) -> None:
    before = worker_pids(client)
    killed: list[int] = []

    def kill_a_busy_worker(done: int, total: int, path: str) -> None:
        if killed:
            return
        busy = [address for address, keys in client.processing().items() if keys]
        assert busy, "no worker was scanning"
        os.kill(before[busy[0]], signal.SIGKILL)
        killed.append(before[busy[0]])

    remote = scan([str(evalset)], kit=KIT, on=ON, executor=DaskExecutor(client, batch_size=1),
                  progress=kill_a_busy_worker)
    assert killed and killed[0] not in worker_pids(client).values()  # the nanny started a fresh worker
    assert _without_time(remote).to_dict() == _without_time(local).to_dict()


def test_a_document_that_kills_its_worker_twice_is_worker_lost_and_the_batch_goes_on(
        client: Client, evalset: Path, silent: SilentServer) -> None:
    killer = WorkerKiller(client, times=2)
    silent.on_connect = killer  # each scan process that starts reading the poison loses its Dask worker
    poison = silent.url("poison.pdf")
    good = sorted(str(p) for p in evalset.glob("*.p*"))[:2]
    report = scan([good[0], poison, good[1]], kit=KIT, on=ON, limits=Limits(max_seconds=20),
                  executor=DaskExecutor(client, batch_size=2))
    assert len(killer.killed) == 2
    first, lost, last = report.documents
    assert first.status == "ok" and last.status == "ok"
    assert lost.path == poison and lost.error is not None and lost.error.code == "worker-lost"
    assert lost.error.message.startswith(f"{poison}: ") and 'executor="local"' in lost.error.message


def test_a_stuck_document_is_stopped_by_the_time_limit_without_losing_the_worker(
        client: Client, evalset: Path, silent: SilentServer) -> None:
    stuck = silent.url("stuck.pdf")  # its reading never ends
    before = worker_pids(client)
    report = scan([stuck, str(sorted(evalset.glob("*.png"))[0])], kit=KIT, on=ON,
                  limits=Limits(max_seconds=2), executor=DaskExecutor(client, batch_size=1),
                  ocr="never")  # reading text in the picture could take the 2 s on a loaded machine
    first, second = report.documents
    assert silent.readers  # a scan process was reading it when the limit came
    assert first.error is not None and first.error.code == "timeout" and "2 s limit" in first.error.message
    assert second.status == "ok"
    assert worker_pids(client) == before


def test_a_task_that_raises_is_reported_as_an_internal_error_and_the_scan_goes_on(client: Client,
                                                                                  evalset: Path) -> None:
    def break_batches_of_broken_files() -> None:
        # On each worker: a batch holding a "broken" file raises, as a bug in htq-mark would.
        original = dask_worker.scan_batch

        def raising(setup_bytes: bytes, setup_key: str, items: list, version: str) -> list:  # type: ignore[type-arg]
            if any("broken" in item.path for _, item in items):
                raise RuntimeError("boom")
            return original(setup_bytes, setup_key, items, version)

        dask_worker.original_scan_batch = original  # type: ignore[attr-defined]
        dask_worker.scan_batch = raising  # type: ignore[assignment]

    def mend() -> None:
        dask_worker.scan_batch = dask_worker.original_scan_batch  # type: ignore[attr-defined]

    worker_pids(client)
    files = sorted(str(p) for p in evalset.iterdir())
    client.run(break_batches_of_broken_files)
    try:
        report = scan(files, kit=KIT, on=ON, ocr="never", executor=DaskExecutor(client, batch_size=1))
    finally:
        client.run(mend)
    by_path = {d.path: d for d in report.documents}
    broken = by_path[str(evalset / "z-broken.jpg")]
    assert broken.error is not None and broken.error.code == "internal-error"
    assert "RuntimeError: boom" in broken.error.message and "please report it" in broken.error.message
    assert "version" not in broken.error.message
    others = [d for d in report.documents if d is not broken]
    assert len(others) == 7 and not [d for d in others if d.error is not None and d.error.code == "internal-error"]


def test_a_batch_that_comes_back_short_has_the_rest_scanned_again_alone(client: Client, evalset: Path,
                                                                      local: ScanReport) -> None:
    def shorten_the_first_batch() -> None:
        # On each worker: the first batch of several documents comes back without its last one, as a
        # batch the scheduler gave up on while it ran does.
        original = dask_worker.scan_batch
        dask_worker.batches_seen = []  # type: ignore[attr-defined]

        def short(setup_bytes: bytes, setup_key: str, items: list, version: str) -> list:  # type: ignore[type-arg]
            found = original(setup_bytes, setup_key, items, version)
            seen = dask_worker.batches_seen  # type: ignore[attr-defined]
            shortened = any(len(batch) > 1 for batch in seen)
            seen.append([index for index, _ in items])
            return found if len(items) == 1 or shortened else found[:-1]

        dask_worker.original_scan_batch = original  # type: ignore[attr-defined]
        dask_worker.scan_batch = short  # type: ignore[assignment]

    def mend() -> list[list[int]]:
        dask_worker.scan_batch = dask_worker.original_scan_batch  # type: ignore[attr-defined]
        return dask_worker.batches_seen  # type: ignore[attr-defined,no-any-return]

    worker_pids(client)
    client.run(shorten_the_first_batch)
    try:
        report = scan([str(evalset)], kit=KIT, on=ON, executor=DaskExecutor(client, batch_size=2))
    finally:
        seen = client.run(mend)
    assert _without_time(report) == _without_time(local)
    batches = [batch for per_worker in seen.values() for batch in per_worker]
    dropped = [next(b for b in per_worker if len(b) > 1)[-1] for per_worker in seen.values()
               if any(len(b) > 1 for b in per_worker)]
    assert dropped  # a batch did come back short
    assert all([index] in batches for index in dropped)  # and its missing document ran again alone


def test_workers_with_another_htq_mark_stop_the_scan_with_the_reason(client: Client, evalset: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(on_dask, "__version__", "0.0.1")  # what this client sends its workers
    with pytest.raises(HtqMarkError, match=r"the Dask workers could not scan \(UsageError: this worker has htq-mark "
                                           r".* and the client 0\.0\.1\); install the same htq-mark version"):
        scan([str(evalset)], kit=KIT, on=ON, executor=client)


def test_a_worker_with_another_htq_mark_version_refuses_the_batch(client: Client, evalset: Path) -> None:
    future = client.submit(dask_worker.scan_batch, b"", "key", [], "0.0.1", pure=False)
    try:
        with pytest.raises(UsageError, match=r"this worker has htq-mark .* and the client 0\.0\.1"):
            future.result()
    finally:
        client.cancel([future])


def test_executor_choices(client: Client) -> None:
    assert isinstance(as_executor(None, 2), LocalExecutor) and as_executor(None, 2).jobs == 2  # type: ignore[attr-defined]
    assert isinstance(as_executor(client, None), DaskExecutor)
    with pytest.raises(UsageError, match="jobs applies to the local executor"):
        as_executor(client, 2)
    with pytest.raises(UsageError, match="executor must be"):
        as_executor("dask", None)


def test_workers_read_url_inputs_themselves(client: Client, evalset: Path, local: ScanReport) -> None:
    remote = scan([f"file://{evalset}"], kit=KIT, on=ON, executor=client)
    assert [d.path for d in remote.documents] == [f"file://{d.path}" for d in local.documents]
    assert [(d.sha256, d.status, d.findings) for d in remote.documents] == \
           [(d.sha256, d.status, d.findings) for d in local.documents]


def test_ctrl_c_cancels_the_clusters_tasks_and_stops_their_scans(client: Client, evalset: Path,
                                                                 silent: SilentServer) -> None:
    def scan_tasks(dask_scheduler: object) -> set[str]:
        return {str(key) for key in dask_scheduler.tasks if "scan_batch" in str(key)}  # type: ignore[attr-defined]

    def ctrl_c_once_both_workers_read() -> None:
        deadline = time.monotonic() + 90
        while len(silent.readers) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        started.update(client.run_on_scheduler(scan_tasks) - before)
        os.kill(os.getpid(), signal.SIGINT)  # as Ctrl-C: KeyboardInterrupt wherever the scan is waiting

    worker_pids(client)
    before = client.run_on_scheduler(scan_tasks)
    started: set[str] = set()
    stuck = [silent.url(f"stuck-{number}.pdf") for number in range(4)]  # each would take the whole time limit
    pressing = threading.Thread(target=ctrl_c_once_both_workers_read, daemon=True)
    # A process started in the background by a shell inherits SIGINT ignored; Ctrl-C at a terminal is not.
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        pressing.start()
        with pytest.raises(KeyboardInterrupt) as caught:
            scan(stuck, kit=KIT, on=ON, limits=Limits(max_seconds=300), executor=DaskExecutor(client, batch_size=1))
        pressing.join()
    finally:
        signal.signal(signal.SIGINT, previous)
    assert started and len(silent.readers) >= 2  # both workers were scanning when Ctrl-C came
    # The traceback, still held here, holds the scan's futures: only cancelling them frees the cluster.
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and (client.run_on_scheduler(scan_tasks) & started
                                           or any(psutil.pid_exists(pid) for pid in silent.readers)):
        time.sleep(0.1)
    assert not client.run_on_scheduler(scan_tasks) & started
    # The workers stopped the scan processes reading the documents, rather than let them run out their time.
    assert not [pid for pid in silent.readers if psutil.pid_exists(pid)]
    assert caught.value is not None
