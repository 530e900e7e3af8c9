"""Large registers: a register has an explicit row limit (``MAX_REGISTER_ROWS``), and one over it is
refused with a clear error in seconds, not loaded for minutes into gigabytes.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest

from htq_mark.errors import RegisterError
from htq_mark.register import load_register, _loader as loader

from ._child import REPO_ROOT

EXAMPLE = (REPO_ROOT / "htq_mark" / "register" / "data" / "example-register.csv").read_bytes()
HEADER, FIRST = EXAMPLE.splitlines()[:2]


def _capped() -> None:
    limit = 2 * 1024**3
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def test_a_two_million_row_register_is_refused_in_seconds(tmp_path: Path) -> None:
    register = tmp_path / "register.csv"
    short = b",".join(b"T" if column == b"title" else cell
                      for column, cell in zip(HEADER.split(b","), FIRST.split(b","), strict=True))
    register.write_bytes(HEADER + b"\n" + (short + b"\n") * 2_000_000)
    assert register.stat().st_size < 256 * 1024**2  # under the size limit, as in the report
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "htq_mark", "check", "--register", str(register), "999/1001/9"],
                          capture_output=True, text=True, cwd=REPO_ROOT, timeout=120, check=False,
                          preexec_fn=_capped, env={**os.environ, "PYTHONPATH": str(REPO_ROOT)})
    assert done.returncode == 2, done.stderr
    assert f"more than {loader.MAX_REGISTER_ROWS:,} rows" in done.stderr and str(register) in done.stderr
    assert len(done.stderr.splitlines()) == 1
    assert time.perf_counter() - started < 60


@pytest.mark.parametrize("suffix", [".csv", ".json"])
def test_the_row_limit_counts_every_row(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, suffix: str) -> None:
    monkeypatch.setattr(loader, "MAX_REGISTER_ROWS", 5)
    path = tmp_path / f"register{suffix}"
    rows = [FIRST] * 6
    if suffix == ".csv":
        path.write_bytes(HEADER + b"\n" + b"\n".join(rows) + b"\n")
    else:
        import csv
        import io
        import json

        header = next(csv.reader([HEADER.decode()]))
        records = [dict(zip(header, next(csv.reader([row.decode()])), strict=True)) for row in rows]
        path.write_text(json.dumps({"records": [{k: v for k, v in r.items() if v} for r in records]}))
    with pytest.raises(RegisterError, match="more than 5 rows"):
        load_register(path)
    path.write_bytes(path.read_bytes())  # five rows load
    monkeypatch.setattr(loader, "MAX_REGISTER_ROWS", 6)
    assert len(load_register(path)) == 1  # the same row six times is one record
