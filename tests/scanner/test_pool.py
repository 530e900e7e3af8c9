"""WorkerPool: a cap on each worker's address space, and which documents lost their worker and why."""

import datetime
import os
import signal
import threading
from pathlib import Path

import pytest

import htq_mark
from htq_mark.register import default_register
from htq_mark.scanner import Limits
from htq_mark.scanner._detect import build_references
from htq_mark.scanner._inputs import InputDocument
from htq_mark.scanner._pool import Window, WorkerPool, WorkerSetup

from ._make import pdf_pages, text_fragment

KIT = htq_mark.load_kit()
CAP = 3 * 1024**3


@pytest.fixture(scope="module")
def setup():
    references = build_references(KIT)
    register = default_register()

    def make(single_threaded: bool) -> WorkerSetup:
        return WorkerSetup(kit=KIT, register=register, on=datetime.date(2026, 11, 23), password=None,
                           limits=Limits(max_seconds=60), thumbnails=False, references=references,
                           single_threaded=single_threaded)

    return make


def _address_space_limit(pid: int) -> str:
    line = next(line for line in Path(f"/proc/{pid}/limits").read_text().splitlines()
                if line.startswith("Max address space"))
    return " ".join(line.split()[3:5])


def test_a_workers_address_space_is_capped_and_a_killed_worker_is_told(setup, tmp_path) -> None:
    stuck = tmp_path / "stuck.pdf"
    os.mkfifo(stuck)
    pool = WorkerPool(setup, 1, Limits(max_seconds=60), single_threaded=True, memory_limit_bytes=CAP)
    capped: list[str] = []

    def kill_the_worker_once_it_is_stuck() -> None:
        with open(stuck, "wb"):  # returns once the worker has opened the file; it then waits for data
            worker = pool.workers[0].process
            capped.append(_address_space_limit(worker.pid))
            os.kill(worker.pid, signal.SIGKILL)

    killer = threading.Thread(target=kill_the_worker_once_it_is_stuck)
    killer.start()
    plain = InputDocument(path="plain.pdf", location=None, data=pdf_pages([text_fragment("plain", x=50, y=50)]))
    results: list = [None, None]
    try:
        for index, result in pool.run([(0, InputDocument(path=str(stuck), location=stuck)), (1, plain)]):
            results[index] = result
    finally:
        killer.join()
        pool.close()
    assert capped == [f"{CAP} {CAP}"]
    assert pool.killed == {0: "died"}
    assert results[0].error.code == "unreadable" and results[1].status == "ok"


def test_without_a_cap_a_worker_keeps_the_callers_limit(setup) -> None:
    pool = WorkerPool(setup, 1, Limits(max_seconds=60), single_threaded=True)
    results: list = [None]
    try:
        for index, result in pool.run([(0, InputDocument(path="plain.pdf", location=None, data=pdf_pages([""])))]):
            results[index] = result
        assert _address_space_limit(pool.workers[0].process.pid) == _address_space_limit(os.getpid())
    finally:
        pool.close()
    assert pool.killed == {} and results[0].status == "ok"


def _environment(pid: int) -> dict[str, str]:
    entries = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    return dict(entry.decode(errors="surrogateescape").split("=", 1) for entry in entries if b"=" in entry)


@pytest.mark.parametrize("single_threaded", [True, False])
@pytest.mark.parametrize("users, expected", [
    ({}, {"MALLOC_MMAP_THRESHOLD_": "33554432", "MALLOC_TRIM_THRESHOLD_": "67108864"}),
    # What a Dask worker (or a process that started a LocalCluster) passes on to its children.
    ({"MALLOC_TRIM_THRESHOLD_": "65536"}, {"MALLOC_MMAP_THRESHOLD_": "33554432", "MALLOC_TRIM_THRESHOLD_": "67108864"}),
    ({"MALLOC_TRIM_THRESHOLD_": "131072"}, {"MALLOC_MMAP_THRESHOLD_": None, "MALLOC_TRIM_THRESHOLD_": "131072"}),
    ({"MALLOC_MMAP_THRESHOLD_": "1048576"}, {"MALLOC_MMAP_THRESHOLD_": "1048576", "MALLOC_TRIM_THRESHOLD_": None}),
    ({"MALLOC_MMAP_THRESHOLD_": "1048576", "MALLOC_TRIM_THRESHOLD_": "65536"},
     {"MALLOC_MMAP_THRESHOLD_": "1048576", "MALLOC_TRIM_THRESHOLD_": None}),
    ({"MALLOC_MMAP_THRESHOLD_": "1048576", "MALLOC_TRIM_THRESHOLD_": "131072"},
     {"MALLOC_MMAP_THRESHOLD_": "1048576", "MALLOC_TRIM_THRESHOLD_": "131072"}),
    ({"GLIBC_TUNABLES": "glibc.malloc.trim_threshold=131072"},
     {"MALLOC_MMAP_THRESHOLD_": None, "MALLOC_TRIM_THRESHOLD_": None,
      "GLIBC_TUNABLES": "glibc.malloc.trim_threshold=131072"}),
], ids=["none", "dasks", "the-users-trim", "the-users-mmap", "the-users-mmap-dasks-trim", "the-users-both",
        "the-users-tunables"])
def test_a_worker_has_its_memory_tuning_unless_the_user_chose_their_own(setup, monkeypatch, single_threaded,
                                                                        users, expected) -> None:
    for name in ("MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_", "GLIBC_TUNABLES"):
        monkeypatch.delenv(name, raising=False)
    for name, value in users.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("HTQ_MARK_TEST_KEPT", "yes")
    pool = WorkerPool(setup, 1, Limits(max_seconds=60), single_threaded=single_threaded)
    try:
        for _ in pool.run([(0, InputDocument(path="plain.pdf", location=None, data=pdf_pages([""])))]):
            pass
        environment = _environment(pool.workers[0].process.pid)
    finally:
        pool.close()
    assert {name: environment.get(name) for name in expected} == expected
    assert environment["HTQ_MARK_TEST_KEPT"] == "yes"
    assert (environment.get("OPENBLAS_NUM_THREADS") == "1") is single_threaded or "OPENBLAS_NUM_THREADS" in os.environ


def test_the_window_counts_what_was_handed_out_from_the_oldest_unfinished_piece_on() -> None:
    window = Window(3)
    window.open("a", documents=2)
    window.open("b")
    window.open("c")
    assert not window.has_room()
    window.close("b")  # done, but after the unfinished "a": it still counts
    window.close("a")
    assert not window.has_room()
    window.close("a")  # "a" and "b" done: only "c" is out
    assert window.has_room() and list(window.opened) == ["c"]
