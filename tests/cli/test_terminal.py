"""Standard output closed (``>&-``), read-only or full: a command whose job is to print says so; one that writes a
file still does."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

import htq_mark.register

EXAMPLE_REGISTER = Path(htq_mark.register.__file__).parent / "data" / "example-register.csv"


def _closed_stdout(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    quoted = " ".join(f"'{arg}'" for arg in args)
    return subprocess.run(["sh", "-c", f'exec "{sys.executable}" -m htq_mark {quoted} >&-'], cwd=cwd,
                          capture_output=True, text=True, timeout=300)


PRINTING = [
    (["kit", "info"], "the output"),
    (["kit", "info", "--json"], "the output"),
    (["rules"], "the output"),
    (["rules", "too-small"], "the output"),
    (["check", "603/7595/4", "--date", "2026-01-01"], "the output"),
    (["check", "603/7595/4", "--format", "json"], "the output"),
    (["register", "info"], "the output"),
    (["register", "validate", str(EXAMPLE_REGISTER)], "the output"),
    (["register", "export", "--format", "csv"], "the register"),
    (["generate", "--variant", "colour", "--width", "30mm", "--format", "svg", "-o", "-"], "the artwork"),
]


@pytest.mark.parametrize(("args", "what"), PRINTING)
def test_printing_to_a_closed_standard_output_is_a_usage_error(tmp_path: Path, args: list[str], what: str) -> None:
    """Before, these printed nothing and exited 0 (or 1), or failed with an internal error (generate -o -)."""
    done = _closed_stdout(*args, cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert f"standard output is closed, so {what} cannot be written there" in done.stderr
    assert "internal error" not in done.stderr and "Traceback" not in done.stderr


def test_a_file_is_still_written_when_only_the_confirmation_has_nowhere_to_go(tmp_path: Path) -> None:
    done = _closed_stdout("generate", "--variant", "colour", "--width", "30mm", "-o", "mark.svg", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "mark.svg").read_bytes().lstrip().startswith((b"<?xml", b"<svg"))


def _run_with_stdout(stdout_path: str, mode: str, *args: str, cwd: Path) -> subprocess.CompletedProcess[bytes]:
    with open(stdout_path, mode) as stdout:
        return subprocess.run([sys.executable, "-m", "htq_mark", *args], cwd=cwd, stdout=stdout,
                              stderr=subprocess.PIPE, timeout=300)


@pytest.mark.parametrize(("args", "what"), PRINTING)
def test_printing_to_a_standard_output_open_only_for_reading_is_a_usage_error(tmp_path: Path, args: list[str],
                                                                            what: str) -> None:
    """``1</dev/null``: before, an internal error (Bad file descriptor) or nothing at all."""
    done = _run_with_stdout(os.devnull, "rb", *args, cwd=tmp_path)
    stderr = done.stderr.decode()
    assert done.returncode == 2, stderr
    assert f"standard output is open only for reading, so {what} cannot be written there" in stderr
    assert "internal error" not in stderr and "Traceback" not in stderr


@pytest.mark.parametrize(("args", "what"), [
    (["rules"], "standard output could not be written (No space left on device)"),
    (["check", "603/7595/4", "--date", "2026-01-01"], "standard output could not be written"),
    (["register", "export", "--format", "csv"], "the register could not be written to standard output"),
    (["generate", "--variant", "colour", "--width", "30mm", "--format", "svg", "-o", "-"],
     "the artwork could not be written to standard output"),
])
def test_printing_to_a_full_standard_output_names_it(tmp_path: Path, args: list[str], what: str) -> None:
    """``> /dev/full``: before, the message blamed the temporary folder and TMPDIR."""
    done = _run_with_stdout("/dev/full", "wb", *args, cwd=tmp_path)
    stderr = done.stderr.decode()
    assert done.returncode == 2, stderr
    assert what in stderr
    assert "TMPDIR" not in stderr and "internal error" not in stderr and "Traceback" not in stderr


@pytest.mark.parametrize("args", [["kit", "info", "--json"], ["rules", "--format", "json"],
                                  ["check", "603/7595/4", "--format", "json"]])
def test_json_to_a_full_standard_output_names_it(tmp_path: Path, args: list[str]) -> None:
    """Before, the message blamed the temporary folder and TMPDIR, as for text it did no longer."""
    done = _run_with_stdout("/dev/full", "wb", *args, cwd=tmp_path)
    stderr = done.stderr.decode()
    assert done.returncode == 2, stderr
    assert "standard output could not be written (No space left on device)" in stderr
    assert "TMPDIR" not in stderr and "Traceback" not in stderr


def _not_utf8_register(folder: Path) -> Path:
    path = Path(os.fsdecode(bytes(folder) + b"/register-\xff.csv"))
    path.write_bytes(EXAMPLE_REGISTER.read_bytes())
    return path


def _not_utf8_kit(folder: Path) -> Path:
    import shutil

    from htq_mark.kit import load_kit

    kit = Path(os.fsdecode(bytes(folder) + b"/kit-\xff"))
    for part in ("assets", "guidelines"):
        shutil.copytree(load_kit().root / part, kit / part)
    return kit


@pytest.mark.parametrize(("args", "named"), [
    (["register", "info", "--format", "json", "--register"], _not_utf8_register),
    (["register", "validate", "--format", "json"], _not_utf8_register),
    (["check", "603/7595/4", "--format", "json", "--register"], _not_utf8_register),
    (["kit", "info", "--json", "--kit"], _not_utf8_kit),
])
def test_json_naming_a_file_that_is_not_utf8_is_valid_utf8(tmp_path: Path, args: list[str],
                                                           named: Callable[[Path], Path]) -> None:
    """Before, the name's byte went out raw: the JSON could not be read as UTF-8 by any tool."""
    path = named(tmp_path)
    done = subprocess.run([sys.executable, "-m", "htq_mark", *args, str(path)], cwd=tmp_path, capture_output=True,
                          timeout=300)
    assert b"Traceback" not in done.stderr
    output = json.loads(done.stdout.decode("utf-8"))  # strict: a raw byte 0xff fails here
    assert str(path) in json.dumps(output, ensure_ascii=False)  # the escape reads back as the very name


@pytest.mark.parametrize("args", [["--help"], ["--version"], ["scan", "--help"]])
@pytest.mark.parametrize(("stdout_path", "mode", "words"), [
    (os.devnull, "rb", "a standard stream cannot be used (Bad file descriptor)"),
    ("/dev/full", "wb", "could not write (No space left on device) to standard output or to a temporary file"),
])
def test_help_and_version_to_standard_output_that_cannot_be_written(tmp_path: Path, args: list[str],
                                                                     stdout_path: str, mode: str,
                                                                     words: str) -> None:
    """click prints these itself: before, an internal error (read-only) or a message blaming only TMPDIR."""
    done = _run_with_stdout(stdout_path, mode, *args, cwd=tmp_path)
    stderr = done.stderr.decode()
    assert done.returncode == 2, stderr
    assert words in stderr and "internal error" not in stderr and "Traceback" not in stderr


def _failing_with(monkeypatch: pytest.MonkeyPatch, error: OSError) -> None:
    import htq_mark.cli

    def fail(*args: object, **kwargs: object) -> None:
        raise error
    monkeypatch.setattr(htq_mark.cli.cli, "main", fail)


@pytest.mark.parametrize(("in_temporary_folder", "limit", "tmpdir_suggested"), [
    (True, None, True), (False, None, False), (True, 4096, False), (False, 4096, False),
])
def test_a_file_without_room_is_named_and_tmpdir_is_suggested_only_where_it_helps(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path,
        in_temporary_folder: bool, limit: int | None, tmpdir_suggested: bool) -> None:
    """Before, TMPDIR was suggested for any file, also the user's own or one stopped by ulimit -f."""
    import errno
    import tempfile

    import htq_mark.cli
    from htq_mark import _io

    temporary = tmp_path / "tmp"
    temporary.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temporary))
    monkeypatch.setattr(_io, "file_size_limit", lambda: limit)
    where = (temporary if in_temporary_folder else tmp_path) / "part.bin"
    _failing_with(monkeypatch, OSError(errno.EFBIG, "File too large", str(where)))
    with pytest.raises(SystemExit) as stopped:
        htq_mark.cli.main(["scan"])
    message = capsys.readouterr().err
    assert stopped.value.code == 2 and f"{where}: could not be written" in message
    assert ("set TMPDIR" in message) is tmpdir_suggested
    assert ("ulimit -f" in message) is (limit is not None) and "Traceback" not in message


def test_a_write_stopped_by_a_file_size_limit_is_not_blamed_on_the_temporary_folder(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    import errno

    import htq_mark.cli
    from htq_mark import _io

    monkeypatch.setattr(_io, "file_size_limit", lambda: 4096)
    _failing_with(monkeypatch, OSError(errno.EFBIG, "File too large"))
    with pytest.raises(SystemExit) as stopped:
        htq_mark.cli.main(["scan"])
    message = capsys.readouterr().err
    assert stopped.value.code == 2 and "ulimit -f" in message
    assert "set TMPDIR" not in message and "redirect standard output elsewhere" not in message
