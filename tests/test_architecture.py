"""The README's architecture table matches the code: every path it names exists, every subpackage is in it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _architecture_rows() -> list[tuple[str, list[str]]]:
    """Each table row of the README's Architecture section: its path, and the module names its text gives."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("\n## Architecture\n", 1)[1].split("\n## ", 1)[0]
    rows = []
    for line in section.splitlines():
        found = re.match(r"\| `([^`]+)` \| (.*) \|$", line)
        if found:
            rows.append((found.group(1), re.findall(r"`([\w/]+\.py|[\w/]+/)`", found.group(2))))
    return rows


ROWS = _architecture_rows()


def test_the_table_is_read() -> None:
    assert len(ROWS) > 30
    assert ("htq_mark/scanner/_document.py", []) in ROWS


@pytest.mark.parametrize(("where", "named"), ROWS, ids=[where for where, _ in ROWS])
def test_every_path_named_exists(where: str, named: list[str]) -> None:
    path = ROOT / where
    assert path.is_dir() if where.endswith("/") else path.is_file(), where
    folder = path if where.endswith("/") else path.parent
    for name in named:
        assert (folder / name).exists(), f"{where}: {name}"


def test_every_subpackage_is_in_the_table() -> None:
    listed = {where for where, _ in ROWS}
    subpackages = {f"{init.parent.relative_to(ROOT).as_posix()}/"
                   for init in (ROOT / "htq_mark").glob("*/__init__.py")}
    assert subpackages <= listed, sorted(subpackages - listed)
