"""The README's API example type-checks with ``mypy --strict`` against this package."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _readme_example() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## The Python API"):]
    match = re.search(r"```python\n(.*?)```", section, re.S)
    assert match is not None, "the README's API section has no python example"
    return match.group(1)


def _mypy(script: Path, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "MYPYPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--follow-imports=silent", "--no-incremental",
         "--config-file", os.devnull, "--cache-dir", str(tmp_path / "cache"), str(script)],
        capture_output=True, text=True, cwd=tmp_path, env=environment, timeout=600, check=False)


def test_the_readme_api_example_passes_mypy_strict(tmp_path: Path) -> None:
    script = tmp_path / "example.py"
    script.write_text(_readme_example(), encoding="utf-8")
    result = _mypy(script, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_strict_would_catch_a_misuse_of_the_api(tmp_path: Path) -> None:
    script = tmp_path / "wrong.py"
    script.write_text(_readme_example() + "\nhtq_mark.scan(42)\nhtq_mark.not_a_name\n", encoding="utf-8")
    result = _mypy(script, tmp_path)
    assert result.returncode == 1
    assert "not_a_name" in result.stdout and "scan" in result.stdout
