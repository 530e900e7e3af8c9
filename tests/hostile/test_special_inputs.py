"""Inputs that are not regular files: devices, FIFOs and standard input.

A register, an Ofqual file, a CSV of IDs, a kit's spec and its artwork are read through a bounded
reader that refuses a device or FIFO at once (``stat()`` says nothing of their size; ``/dev/zero``
never ends and a FIFO with no writer never answers). Documents to scan may come on standard input
(``scan -`` or ``/dev/stdin``), read by the scanning process itself within the size and time limits.

Every command runs in a child process with its address space capped, so a reader that does not
stop fails the test instead of the machine.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from htq_mark.kit import bundled_kit_path

from . import _build
from ._child import REPO_ROOT

_BOUND_S = 60
_ADDRESS_SPACE = 2 * 1024**3


def _capped() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (_ADDRESS_SPACE, _ADDRESS_SPACE))


def _run(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([sys.executable, "-m", "htq_mark", *args], input=None if stdin is None else stdin,
                          capture_output=True, cwd=REPO_ROOT, timeout=_BOUND_S, check=False, preexec_fn=_capped,
                          env={**os.environ, "PYTHONPATH": str(REPO_ROOT)})
    return subprocess.CompletedProcess(done.args, done.returncode, done.stdout.decode(errors="replace"),
                                       done.stderr.decode(errors="replace"))


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    """A FIFO that nobody ever writes to."""
    path = tmp_path / "fifo.csv"
    os.mkfifo(path)
    return path


def _special(kind: str, fifo: Path) -> str:
    return "/dev/zero" if kind == "device" else str(fifo)


@pytest.mark.parametrize("kind", ["device", "fifo"])
@pytest.mark.parametrize("options", [
    ["check", "--register", "{}", "999/1001/9"],
    ["check", "--from-csv", "{}"],
    ["check", "--ofqual", "{}", "999/1001/9"],
    ["register", "validate", "{}"],
])
def test_a_register_file_that_is_a_device_or_fifo_is_refused(fifo: Path, kind: str, options: list[str]) -> None:
    special = _special(kind, fifo)
    done = _run(*[option.format(special) for option in options])
    assert done.returncode == 2, done.stderr
    assert f"{special}: is not a regular file" in done.stderr and "Traceback" not in done.stderr


def _kit(tmp_path: Path) -> Path:
    kit = tmp_path / "kit"
    shutil.copytree(bundled_kit_path() / "guidelines", kit / "guidelines")
    shutil.copytree(bundled_kit_path() / "assets", kit / "assets")
    return kit


KIT_CASES = [("spec", "device"), ("spec", "fifo"), ("artwork", "fifo")]
if os.geteuid() == 0:  # only root may make a device node inside the kit (a link to one leaves the kit)
    KIT_CASES.append(("artwork", "device"))


@pytest.mark.parametrize(("part", "kind"), KIT_CASES)
def test_a_kit_file_that_is_a_device_or_fifo_is_refused(tmp_path: Path, kind: str, part: str) -> None:
    kit = _kit(tmp_path)
    target = kit / ("guidelines/spec.toml" if part == "spec" else "assets/htq-mark-colour.svg")
    target.unlink()
    if kind == "device":
        target.symlink_to("/dev/zero") if part == "spec" else os.mknod(target, 0o20666, os.makedev(1, 5))
    else:
        os.mkfifo(target)
    done = _run("kit", "info", "--kit", str(kit))
    assert done.returncode == 2, done.stderr
    assert "is not a regular file" in done.stderr and "Traceback" not in done.stderr


def test_oversized_artwork_is_refused_before_it_is_read(tmp_path: Path) -> None:
    kit = _kit(tmp_path)
    artwork = kit / "assets" / "htq-mark-colour.svg"
    with artwork.open("r+b") as handle:
        handle.truncate(3 * 1024**3)  # sparse: 3 GB claimed, none of it stored; reading it would overrun the cap
    done = _run("kit", "info", "--kit", str(kit))
    assert done.returncode == 2, done.stderr
    assert "more than the 5,242,880 allowed" in done.stderr


def test_a_device_to_scan_is_refused_at_once() -> None:
    done = _run("scan", "--jobs", "1", "--format", "json", "/dev/zero")
    assert done.returncode == 3, done.stderr
    [document] = json.loads(done.stdout)["documents"]
    assert document["error"]["code"] == "unreadable" and "is a device, not a file" in document["error"]["message"]


def test_a_fifo_given_twice_is_refused(fifo: Path) -> None:
    """It can be read once: before, the second waited for the whole time limit."""
    link = fifo.parent / "link"
    link.symlink_to(fifo)
    done = _run("scan", "--jobs", "1", str(fifo), str(link))
    assert done.returncode == 2, done.stderr
    assert f"the stream {fifo} is given 2 times" in done.stderr and "Traceback" not in done.stderr


def test_a_fifo_named_to_scan_is_read_when_its_writer_comes(fifo: Path) -> None:
    pdf = _build.marked_pdf()

    def write_late() -> None:
        time.sleep(1.0)
        with open(fifo, "wb") as writer:  # blocks until the scan opens it to read
            for start in range(0, len(pdf), 4096):
                writer.write(pdf[start:start + 4096])
                writer.flush()

    writer = threading.Thread(target=write_late)
    writer.start()
    try:
        done = _run("scan", "--jobs", "1", "--format", "json", "--date", "2026-11-23", str(fifo))
    finally:
        writer.join(timeout=_BOUND_S)
    [document] = json.loads(done.stdout)["documents"]
    assert document["status"] == "ok" and document["type"] == "pdf" and len(document["marks"]) == 1, done.stderr


@pytest.mark.parametrize("name", ["-", "/dev/stdin"])
def test_a_document_on_standard_input_is_scanned(name: str) -> None:
    pdf = _build.marked_pdf()
    done = _run("scan", "--jobs", "1", "--format", "json", "--date", "2026-11-23", name, stdin=pdf)
    assert done.returncode == 1, done.stderr  # the mark is printed at 144 ppi: a low-resolution error
    [document] = json.loads(done.stdout)["documents"]
    assert document["path"] == name and document["status"] == "ok" and document["type"] == "pdf"
    assert len(document["marks"]) == 1 and "low-resolution" in [f["rule"] for f in document["findings"]]
    import hashlib

    assert document["sha256"] == hashlib.sha256(pdf).hexdigest()


@pytest.mark.parametrize("names", [("-", "-"), ("-", "/dev/stdin")])
def test_standard_input_given_twice_is_refused(names: tuple[str, ...]) -> None:
    done = _run("scan", "--jobs", "1", *names, stdin=_build.marked_pdf())
    assert done.returncode == 2, done.stderr
    assert "standard input is given 2 times" in done.stderr and "Traceback" not in done.stderr


def test_one_pipe_given_twice_is_refused(tmp_path) -> None:
    reading, writing = os.pipe()
    try:
        os.write(writing, b"%PDF-1.4\n")
        os.close(writing)
        pipe = f"/dev/fd/{reading}"
        done = subprocess.run([sys.executable, "-m", "htq_mark", "scan", "--jobs", "1", pipe, pipe],
                              capture_output=True, text=True, timeout=120, pass_fds=(reading,), cwd=REPO_ROOT)
    finally:
        os.close(reading)
    assert done.returncode == 2, done.stderr
    assert f"the stream {pipe} is given 2 times" in done.stderr


def test_standard_input_is_held_to_the_size_limit() -> None:
    done = _run("scan", "--jobs", "1", "--format", "json", "--limit", "max_file_bytes=1000", "-",
                stdin=_build.marked_pdf())
    assert done.returncode == 3, done.stderr
    [document] = json.loads(done.stdout)["documents"]
    assert document["path"] == "-" and document["error"]["code"] == "too-large"


def test_standard_input_cut_short_by_a_file_size_limit_says_so() -> None:
    """The copy of standard input kept to scan is a file too: a limit on file sizes may stop it part way."""
    pdf = _build.marked_pdf()
    limit = len(pdf) // 2

    def limited() -> None:
        _capped()
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, resource.RLIM_INFINITY))

    done = subprocess.run([sys.executable, "-m", "htq_mark", "scan", "--jobs", "1", "--format", "json", "-"],
                          input=pdf, capture_output=True, cwd=REPO_ROOT, timeout=_BOUND_S, check=False,
                          preexec_fn=limited)
    assert done.returncode == 3, done.stderr
    [document] = json.loads(done.stdout)["documents"]
    message = document["error"]["message"]
    assert "could not be copied into the temporary folder" in message
    assert f"at most {limit:,} bytes (ulimit -f); raise that limit" in message
