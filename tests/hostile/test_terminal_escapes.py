"""Terminal escapes: file names and CSV cells holding ANSI/OSC sequences, carriage returns or
newlines are shown escaped on stderr (``htq-mark: ...`` lines), on the progress line and in
``check``'s text output, so they can neither drive the terminal nor forge a line.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from htq_mark.cli._scan import _Progress

from ._child import REPO_ROOT

CLEAR = "\x1b[2J\x1b[H"
TITLE = "\x1b]0;owned\x07"
FORGED = "\nhtq-mark: all documents are compliant"
RAW = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f]")


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "htq_mark", *args], capture_output=True, text=True,
                          cwd=REPO_ROOT, timeout=120, check=False, env={**os.environ, "PYTHONPATH": str(REPO_ROOT)})


def _clean(text: str) -> None:
    assert not RAW.search(text), repr(text)
    assert "all documents are compliant" not in "\n".join(
        line for line in text.splitlines() if line.startswith("htq-mark: all"))


def test_a_hostile_file_name_is_escaped_on_stderr(tmp_path: Path) -> None:
    name = f"{CLEAR}{TITLE}brochure\r{FORGED}.png"
    (tmp_path / name).write_bytes(b"")
    done = _run("scan", "--jobs", "1", "-o", str(tmp_path / "report.json"), "--format", "json", str(tmp_path))
    assert done.returncode == 3
    _clean(done.stderr)
    [line] = done.stderr.splitlines()
    assert line.startswith("htq-mark: ") and "\\x1b[2J" in line and "\\x0a" in line


def test_a_hostile_path_in_an_error_is_escaped(tmp_path: Path) -> None:
    done = _run("check", "--register", str(tmp_path / f"{TITLE}reg{FORGED}.csv"), "999/1001/9")
    assert done.returncode == 2
    _clean(done.stderr)
    assert len(done.stderr.splitlines()) == 1 and "\\x1b]0;owned\\x07" in done.stderr


def test_hostile_csv_cells_are_escaped_in_checks_output(tmp_path: Path) -> None:
    sheet = tmp_path / "ids.csv"
    sheet.write_text(f'qualification_id\n"{TITLE}999/1001/9"\n"{CLEAR}603/7595/4{FORGED}"\n', encoding="utf-8")
    done = _run("check", "--from-csv", str(sheet))
    _clean(done.stdout)
    _clean(done.stderr)
    assert "\\x1b]0;owned" in done.stdout + done.stderr


def test_hostile_register_cells_are_escaped_when_invalid(tmp_path: Path) -> None:
    register = tmp_path / "register.csv"
    register.write_text(f'qualification_id,title,provider,route,approved_from\n'
                        f'"{CLEAR}bad{FORGED}","{TITLE}T","P","digital","2024-01-01"\n', encoding="utf-8")
    for args in (["register", "validate", str(register)], ["check", "--register", str(register), "999/1001/9"]):
        done = _run(*args)
        assert done.returncode == 2, done.stderr
        _clean(done.stdout)
        _clean(done.stderr)


def test_the_progress_line_escapes_the_path(capsys: pytest.CaptureFixture[str]) -> None:
    progress = _Progress()
    progress(1, 2, f"{CLEAR}{TITLE}a{FORGED}.pdf")
    progress.close()
    written = capsys.readouterr().err
    assert "\x1b" not in written and "\n" not in written and "\\x1b[2J" in written
    assert io.StringIO(written).read().count("\r") == 3  # only its own returns
