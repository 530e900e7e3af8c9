"""Reading qualification IDs from a CSV column for bulk checks."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from htq_mark.errors import UsageError
from htq_mark.register import read_ids_from_csv

WriteFile = Callable[[str, bytes], Path]


@pytest.mark.parametrize(("data", "column", "ids"), [
    (b"Name,Qualification Number\nA,603/7595/4\n\nB,60375954\n", None,
     ((2, "603/7595/4"), (4, "60375954"))),
    (b"qn\n603/7595/4\n", None, ((2, "603/7595/4"),)),
    (b"course,code\nA,999/1001/9\n", "code", ((2, "999/1001/9"),)),
    (b"course,Code\nA,999/1001/9\n", "CODE", ((2, "999/1001/9"),)),
    (b"603/7595/4\n999/1001/9\n", None, ((1, "603/7595/4"), (2, "999/1001/9"))),
    (b"x,603/7595/4\ny,\n", None, ((1, "603/7595/4"), (2, ""))),
])
def test_reads_the_id_column(write_file: WriteFile, data: bytes, column: str | None,
                             ids: tuple[tuple[int, str], ...]) -> None:
    assert read_ids_from_csv(write_file("ids.csv", data), column).ids == ids


@pytest.mark.parametrize(("data", "column", "message"), [
    (b"", None, "has no rows"),
    (b"name,age\nBob,4\n", None, "cannot tell which column"),
    (b"name,age\nBob,4\n", "qn", "no column named 'qn'"),
    (b"\xff\xfeq\x00", None, "UTF-16"),
    # Before, the first of the two was read, silently: the other may hold a withdrawn qualification.
    (b"qn,qn\n999/1001/9,999/2005/0\n", "qn", r"2 columns are named 'qn' \(columns 1, 2\)"),
    (b"qualification_id,name,Qualification ID\n999/1001/9,a,999/2005/0\n", None, "2 columns are named"),
    (b"qn,qualification_number\n999/1001/9,999/1002/0\n", None,
     r"more than one column may hold the qualification IDs \('qualification_number', 'qn'\)"),
])
def test_unusable_files_are_usage_errors(write_file: WriteFile, data: bytes, column: str | None,
                                         message: str) -> None:
    with pytest.raises(UsageError, match=message):
        read_ids_from_csv(write_file("ids.csv", data), column)


def test_missing_file_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="no such file"):
        read_ids_from_csv(tmp_path / "none.csv")


def test_undecodable_lines_are_listed_but_still_returned(write_file: WriteFile) -> None:
    result = read_ids_from_csv(write_file("ids.csv", b"qn\n603/7595/4\n60\xff/7595/4\n"))
    assert [line for line, _text in result.ids] == [2, 3]
    assert [p.line for p in result.problems] == [3]
