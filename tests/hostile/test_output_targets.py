"""Outputs, second round: only regular files are ever replaced, nothing is written through a symbolic
link inside an output folder, written files honour the umask (a replaced one keeps its mode), and an
output that cannot be written is found before any work, or, if it fails late, the work is saved to
a named fallback file.
"""

from __future__ import annotations

import os
import shutil
import socket
import stat
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from htq_mark import _io
from htq_mark.cli import cli
from htq_mark.errors import HtqMarkError
from htq_mark.generator import pack

OLD = b"the previous contents\n"


def _fifo(path: Path) -> None:
    os.mkfifo(path)


def _socket(path: Path) -> None:
    listener = socket.socket(socket.AF_UNIX)
    listener.bind(str(path))
    listener.close()


def _null_device(path: Path) -> None:
    os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(1, 3))  # the same device as /dev/null


SPECIAL_FILES: dict[str, Callable[[Path], None]] = {"fifo": _fifo, "socket": _socket}
if os.geteuid() == 0:  # only root may make a device node
    SPECIAL_FILES["character-device"] = _null_device

COMMANDS = {
    "register-export": ["register", "export", "--format", "csv"],
    "generate": ["generate", "--variant", "colour", "--format", "svg", "--width", "300px"],
    "scan": ["scan", "--jobs", "1", "--format", "json", "README.md"],
}


@pytest.fixture
def umask() -> Iterator[Callable[[int], None]]:
    previous = os.umask(0o022)
    os.umask(previous)
    yield os.umask
    os.umask(previous)


@pytest.mark.parametrize("kind", sorted(SPECIAL_FILES))
@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_force_never_replaces_a_device_fifo_or_socket(tmp_path: Path, kind: str, command: str) -> None:
    target = tmp_path / "out"
    SPECIAL_FILES[kind](target)
    before = os.lstat(target)
    result = CliRunner().invoke(cli, [*COMMANDS[command], "--force", "-o", str(target)])
    assert result.exit_code == 2, result.output
    assert "not a regular file" in result.output and str(target) in result.output
    assert "-o -" in result.output
    after = os.lstat(target)
    assert stat.S_IFMT(after.st_mode) == stat.S_IFMT(before.st_mode) and after.st_ino == before.st_ino


@pytest.mark.parametrize(("name", "expected"), [
    ("/dev/stdout", True), ("/dev/stderr", True), ("/dev/fd/1", True), ("/proc/self/fd/1", True),
    ("/proc/thread-self/fd/2", True), ("/proc/123/fd/4", True), ("/dev/stdout-report.json", False),
    ("/dev/fdx", False), ("/proc/self/fdinfo/1", False), ("report.json", False),
])
def test_names_of_open_file_descriptors_are_known(name: str, expected: bool) -> None:
    assert _io._names_a_descriptor(Path(name)) is expected


@pytest.mark.parametrize("leads_to", ["/dev/stdout", "/proc/self/fd/1"])
@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_force_never_replaces_a_name_of_standard_output(tmp_path: Path, leads_to: str, command: str) -> None:
    """``-o /dev/stdout --force`` with standard output a file: the name (a link in /dev) was replaced, not written
    through. A link to it stands in for /dev/stdout here."""
    link = tmp_path / "stdout-link"
    link.symlink_to(leads_to)
    with open(tmp_path / "captured", "wb") as captured:
        done = subprocess.run([sys.executable, "-m", "htq_mark", *COMMANDS[command], "--force", "-o", str(link)],
                              stdout=captured, stderr=subprocess.PIPE, text=True, timeout=300, cwd=Path.cwd())
    assert done.returncode == 2, done.stderr
    assert "names an open file descriptor, not a file" in done.stderr and "Traceback" not in done.stderr
    assert link.is_symlink() and os.readlink(link) == leads_to


def test_dash_is_standard_output() -> None:
    result = CliRunner().invoke(cli, ["register", "export", "--format", "csv", "--force", "-o", "-"])
    assert result.exit_code == 0 and result.output.startswith("qualification_id")
    assert not Path("-").exists()


def test_pack_force_never_writes_through_a_symbolic_link_in_the_folder(tmp_path: Path) -> None:
    target = tmp_path / "pack"
    pack(target, presets=["web-small"])
    outside = tmp_path / "outside"
    outside.mkdir()
    first = sorted(p for p in target.iterdir() if p.is_dir())[0]
    shutil.rmtree(first)
    first.symlink_to(outside, target_is_directory=True)
    with pytest.raises(HtqMarkError, match="symbolic link inside the output folder"):
        pack(target, presets=["web-small"], force=True)
    assert list(outside.iterdir()) == []


def test_pack_force_never_replaces_a_file_link_with_one_written_through_it(tmp_path: Path) -> None:
    target = tmp_path / "pack"
    pack(target, presets=["web-small"])
    secret = tmp_path / "secret.txt"
    secret.write_bytes(OLD)
    (target / "manifest.json").unlink()
    (target / "manifest.json").symlink_to(secret)
    result = CliRunner().invoke(cli, ["pack", "--preset", "web-small", "--force", "-o", str(target)])
    assert result.exit_code == 2 and "symbolic link" in result.output, result.output
    assert secret.read_bytes() == OLD


@pytest.mark.parametrize(("mask", "expected"), [(0o077, 0o600), (0o022, 0o644), (0o002, 0o664)])
def test_a_new_output_honours_the_umask(tmp_path: Path, umask: Callable[[int], None], mask: int,
                                        expected: int) -> None:
    umask(mask)
    written = _io.write_atomic(tmp_path / "out.csv", b"x")
    assert stat.S_IMODE(written.stat().st_mode) == expected


def test_a_replaced_output_keeps_its_mode(tmp_path: Path, umask: Callable[[int], None]) -> None:
    umask(0o022)
    target = tmp_path / "private.csv"
    target.write_bytes(OLD)
    target.chmod(0o600)
    result = CliRunner().invoke(cli, ["register", "export", "--format", "csv", "--force", "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert target.read_bytes() != OLD
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_a_new_pack_folder_honours_the_umask(tmp_path: Path, umask: Callable[[int], None]) -> None:
    umask(0o077)
    target = tmp_path / "pack"
    pack(target, presets=["web-small"])
    modes = {stat.S_IMODE(p.stat().st_mode) for p in [target, *target.rglob("*")]}
    assert modes == {0o700, 0o600}


UNWRITABLE = {
    "over-long name": lambda tmp: str(tmp / ("r" * 300 + ".json")),
    "folder that cannot be written": lambda tmp: "/proc/htq-mark-report.json",
    "missing folder": lambda tmp: str(tmp / "no" / "such" / "report.json"),
}


@pytest.mark.parametrize("case", sorted(UNWRITABLE))
def test_an_unusable_output_is_refused_before_scanning(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                       case: str) -> None:
    import htq_mark.scanner

    def must_not_scan(*args: object, **kwargs: object) -> None:
        raise AssertionError("the scan ran before the output was checked")

    monkeypatch.setattr(htq_mark.scanner, "scan", must_not_scan)
    output = UNWRITABLE[case](tmp_path)
    result = CliRunner().invoke(cli, ["scan", "--format", "json", "-o", output, "README.md"])
    assert result.exit_code == 2, result.output
    assert result.output.startswith("htq-mark: error: ") and len(result.output.splitlines()) == 1
    assert "internal error" not in result.output


def test_a_late_write_failure_saves_the_report_to_a_named_file(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    def disk_full(path: object, data: bytes, *, force: bool = False) -> Path:
        raise HtqMarkError(f"{path}: could not write the file (No space left on device); check the folder.")

    monkeypatch.setattr(_io, "write_atomic", disk_full)
    output = tmp_path / "report.json"
    result = CliRunner().invoke(cli, ["scan", "--jobs", "1", "--format", "json", "-o", str(output), "README.md"])
    assert result.exit_code == 2, result.output
    assert "No space left" in result.output and "internal error" not in result.output
    saved = Path(result.output.split("saved to ", 1)[1].split(" instead", 1)[0])
    try:
        assert b'"schema": "htq-mark.scan-report/1"' in saved.read_bytes()
        assert "README.md" in saved.read_text()
    finally:
        saved.unlink()
