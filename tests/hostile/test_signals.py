"""Signals: SIGTERM and SIGINT stop the command cleanly. Workers never outlive their parent (even one
killed outright), temporary outputs are removed, and Ctrl-C ends with status 130 and one line.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from ._child import REPO_ROOT

_ENV = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}


def _children(pid: int) -> list[int]:
    found: list[int] = []
    for task in os.listdir(f"/proc/{pid}/task"):
        with open(f"/proc/{pid}/task/{task}/children") as handle:
            found += [int(p) for p in handle.read().split()]
    return found


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().split(")")[-1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def _wait_until(condition: object, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return True
        time.sleep(0.05)
    return False


@pytest.fixture
def busy_scan(tmp_path: Path) -> Iterator[subprocess.Popen[bytes]]:
    """``htq-mark scan`` with its worker stuck on a FIFO nobody writes to (the time limit is far off)."""
    stuck = tmp_path / "stuck.pdf"
    os.mkfifo(stuck)
    process = subprocess.Popen([sys.executable, "-m", "htq_mark", "scan", "--jobs", "1", "--timeout", "600",
                                "--format", "html", "-o", str(tmp_path / "report.html"), str(stuck)],
                               cwd=REPO_ROOT, env=_ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        # The worker is busy once it waits in the kernel for a writer to the FIFO.
        assert _wait_until(lambda: any(_waiting_on_a_fifo(c) for c in _children(process.pid)), 60), \
            "the worker never started on the document"
        workers = _children(process.pid)
        yield process
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    for worker in workers:  # whatever the test found, leave nothing running
        if _alive(worker):
            os.kill(worker, signal.SIGKILL)


def _waiting_on_a_fifo(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/wchan") as handle:
            return handle.read().strip() == "wait_for_partner"
    except (FileNotFoundError, PermissionError):
        return False


@pytest.mark.parametrize(("sent", "status", "word"), [(signal.SIGTERM, 143, "terminated"),
                                                      (signal.SIGINT, 130, "interrupted")])
def test_a_signal_stops_the_scan_and_its_busy_worker(busy_scan: subprocess.Popen[bytes], tmp_path: Path,
                                                     sent: int, status: int, word: str) -> None:
    workers = _children(busy_scan.pid)
    busy_scan.send_signal(sent)
    _, stderr = busy_scan.communicate(timeout=30)
    assert busy_scan.returncode == status
    lines = stderr.decode().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"htq-mark: {word}") and "Aborted" not in lines[0]
    assert _wait_until(lambda: not any(_alive(w) for w in workers), 10), "a worker outlived the scan"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["stuck.pdf"]


def test_a_worker_dies_with_a_parent_killed_outright(busy_scan: subprocess.Popen[bytes]) -> None:
    workers = _children(busy_scan.pid)
    busy_scan.kill()
    busy_scan.wait()
    assert _wait_until(lambda: not any(_alive(w) for w in workers), 10), "a worker outlived its killed parent"


_WRITE_THEN_SIGNAL = """
import os, signal, sys
from htq_mark.cli import main
real_fsync = os.fsync
def fsync(fd):
    real_fsync(fd)
    os.kill(os.getpid(), {signal})
os.fsync = fsync
main(["register", "export", "--format", "csv", "-o", sys.argv[1]])
"""


@pytest.mark.parametrize(("sent", "status"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_a_signal_while_writing_leaves_no_temporary_file(tmp_path: Path, sent: int, status: int) -> None:
    target = tmp_path / "register.csv"
    done = subprocess.run([sys.executable, "-c", _WRITE_THEN_SIGNAL.format(signal=int(sent)), str(target)],
                          cwd=REPO_ROOT, env=_ENV, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == status, done.stderr
    assert len(done.stderr.splitlines()) == 1 and "Traceback" not in done.stderr
    assert list(tmp_path.iterdir()) == []
