"""Reading a document's bytes: the whole file, and never more than the limit."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from htq_mark.errors import LimitExceededError
from htq_mark.scanner import Limits
from htq_mark.scanner import _read


def _understated(monkeypatch: pytest.MonkeyPatch, by: int) -> None:
    """fstat tells a size ``by`` bytes short, as for a file that grows after it is looked at."""
    real = os.fstat

    def fstat(fd: int) -> os.stat_result:
        fields = list(real(fd))
        fields[6] = max(0, fields[6] - by)  # st_size
        return os.stat_result(fields)

    monkeypatch.setattr(os, "fstat", fstat)


@pytest.mark.parametrize("short_by", [0, 1, 4096, 10_000])
def test_the_whole_file_is_read_even_if_it_grew(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                short_by: int) -> None:
    data = os.urandom(10_000)
    (tmp_path / "a.png").write_bytes(data)
    _understated(monkeypatch, short_by)
    assert _read.read_path(tmp_path / "a.png", "a.png", Limits()) == data


def test_a_file_that_grew_past_the_limit_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "a.png").write_bytes(b"x" * 5000)
    _understated(monkeypatch, 4000)
    with pytest.raises(LimitExceededError, match="larger than the 2,000-byte limit"):
        _read.read_path(tmp_path / "a.png", "a.png", Limits(max_file_bytes=2000))
