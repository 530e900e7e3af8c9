"""Standard output closed (``>&-``): a command whose job is to print says so; one that writes a file still does."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import htq_mark.register

EXAMPLE_REGISTER = Path(htq_mark.register.__file__).parent / "data" / "example-register.csv"


def _closed_stdout(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    quoted = " ".join(f"'{arg}'" for arg in args)
    return subprocess.run(["sh", "-c", f'exec "{sys.executable}" -m htq_mark {quoted} >&-'], cwd=cwd,
                          capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize(("args", "what"), [
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
])
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
