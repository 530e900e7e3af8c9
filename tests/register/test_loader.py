"""Loading registers: validation of every row, all problems with lines, any bytes."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from htq_mark import _io
from htq_mark.errors import RegisterError, RegisterProblem, RegisterValidationError
from htq_mark.register import (
    COLUMNS,
    configured_register,
    default_register,
    load_register,
    parse_register_bytes,
    validate_register_file,
)

from .factory import GOOD_ROW, csv_bytes, row

WriteFile = Callable[[str, bytes], Path]


def problems_of(data: bytes, name: str = "reg.csv") -> tuple[RegisterProblem, ...]:
    with pytest.raises(RegisterValidationError) as caught:
        parse_register_bytes(data, name, as_of=date(2026, 11, 1), path=Path(name))
    assert caught.value.source == name
    return caught.value.problems


def test_loads_a_valid_csv(write_file: WriteFile) -> None:
    path = write_file("reg.csv", csv_bytes([row(), row(qualification_id="99910020",
                                                      standards="st0116; ST0117 ;ST0116")]))
    register = load_register(path)
    assert len(register) == 2
    second = register.records[1]
    assert second.qualification_id == "999/1002/0"
    assert second.standards == ("ST0116", "ST0117")
    assert second.level == 4 and second.cycle == 1
    assert second.first_teaching_date == date(2022, 9, 1)
    assert register.provenance.source == str(path)
    assert register.provenance.rows == 2
    assert register.provenance.is_example  # every ID is in the example 999/ series


def test_columns_may_come_in_any_order_and_case(write_file: WriteFile) -> None:
    columns = list(reversed(COLUMNS))
    data = csv_bytes([row()], columns).replace(b"qualification_id", b"Qualification ID", 1)
    assert len(load_register(write_file("reg.csv", data))) == 1


def test_withdrawal_columns_are_optional(write_file: WriteFile) -> None:
    columns = [c for c in COLUMNS if not c.startswith("withdrawal")]
    values = {k: v for k, v in GOOD_ROW.items() if k in columns}
    assert len(load_register(write_file("reg.csv", csv_bytes([values], columns)))) == 1


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"qualification_id": "603/7595"}, "qualification_id", "has 7 digits"),
    ({"qualification_id": ""}, "qualification_id", "is empty"),
    ({"title": ""}, "title", "is empty"),
    ({"title": "x" * 501}, "title", "at most 500"),
    ({"title": "bad\x07bell"}, "title", "control"),
    ({"awarding_body": " "}, "awarding_body", "is empty"),
    ({"level": "3"}, "level", "level 4 or 5"),
    ({"level": "6"}, "level", "level 4 or 5"),
    ({"level": "four"}, "level", "level 4 or 5"),
    ({"level": ""}, "level", "is empty"),
    ({"route": "Space exploration"}, "route", "unknown route"),
    ({"route": "Health and science"}, "route", "opened to HTQs in cycle 2, not cycle 1"),
    ({"standards": "ST116"}, "standards", "not an occupational standard"),
    ({"standards": ""}, "standards", "is empty"),
    ({"cycle": "0"}, "cycle", "approval cycle"),
    ({"cycle": "x"}, "cycle", "approval cycle"),
    ({"approval_date": "01/03/2022"}, "approval_date", "YYYY-MM-DD"),
    ({"approval_date": "2022-02-30"}, "approval_date", "not a real date"),
    ({"approval_date": "1922-03-01"}, "approval_date", "check the year"),
    ({"first_teaching_date": ""}, "first_teaching_date", "is empty"),
    ({"first_teaching_date": "2021-09-01"}, "first_teaching_date", "before cycle 1's first"),
    ({"withdrawal_date": "2022-13-01", "withdrawal_reason": "x"}, "withdrawal_date",
     "not a real date"),
    ({"withdrawal_date": "2021-01-01", "withdrawal_reason": "x"}, "withdrawal_date",
     "before the approval date"),
    ({"withdrawal_reason": "gone"}, "withdrawal_date", "reason is given"),
])
def test_each_kind_of_bad_field_is_reported(changes: dict[str, str], field: str,
                                            message: str) -> None:
    problems = problems_of(csv_bytes([row(**changes)]))
    assert [(p.line, p.field) for p in problems] == [(2, field)]
    assert message in problems[0].message


@pytest.mark.parametrize(("level", "route", "cycle"), [
    ("Level 5", "legal-finance-and-accounting", "Cycle 3"),
    ("5", "Legal finance and accounting", "3"),
    ("4", "construction", "2"),
])
def test_lenient_spellings_of_level_route_and_cycle(level: str, route: str, cycle: str) -> None:
    data = csv_bytes([row(level=level, route=route, cycle=cycle, first_teaching_date="2024-09-01")])
    register = parse_register_bytes(data, "reg.csv", as_of=date(2026, 11, 1))
    assert register.records[0].route in ("Legal, finance and accounting",
                                         "Construction and the built environment")


def test_a_register_with_many_broken_rows_reports_every_problem_with_its_line() -> None:
    rows = [row(qualification_id=f"999/1{n:03d}/{'0123456789X'[n % 11]}") for n in range(1, 41)]
    rows[2] = row(qualification_id="junk")                             # line 4
    rows[5] = row(qualification_id="999/1006/1", level="7")            # line 7
    rows[9] = row(qualification_id="999/1010/X", route="Space")        # line 11
    rows[14] = row(qualification_id="999/1015/9", approval_date="soon",
                   level="9")                                          # line 16: two problems
    rows[30] = dict(rows[0], title="A different title")                # line 32: conflicts
    problems = problems_of(csv_bytes(rows))
    assert [(p.line, p.field) for p in problems] == [
        (4, "qualification_id"), (7, "level"), (11, "route"), (16, "level"),
        (16, "approval_date"), (32, "qualification_id")]
    assert "line 2" in problems[-1].message and "title" in problems[-1].message
    message = str(RegisterValidationError("reg.csv", problems))
    assert "6 problem(s)" in message and "reg.csv:16: [level]" in message


def test_duplicates_in_different_spellings_conflict() -> None:
    problems = problems_of(csv_bytes([row(), row(qualification_id="99910019", level="5")]))
    assert (problems[0].line, problems[0].field) == (3, "qualification_id")
    assert "level" in problems[0].message


def test_an_identical_duplicate_is_kept_once_with_a_warning() -> None:
    register = parse_register_bytes(csv_bytes([row(), row()]), "reg.csv", as_of=date(2026, 1, 1))
    assert len(register) == 1
    assert [(w.line, w.field) for w in register.warnings] == [(3, "qualification_id")]
    assert "counted once" in register.warnings[0].message


def test_a_mismatched_check_character_is_a_warning_not_a_problem() -> None:
    register = parse_register_bytes(csv_bytes([row(qualification_id="999/1001/8")]), "reg.csv",
                                    as_of=date(2026, 1, 1))
    assert register.records[0].qualification_id == "999/1001/8"
    assert "check character" in register.warnings[0].message


def test_a_withdrawal_without_a_reason_is_a_warning() -> None:
    register = parse_register_bytes(csv_bytes([row(withdrawal_date="2025-01-01")]), "reg.csv",
                                    as_of=date(2026, 1, 1))
    assert register.warnings[0].field == "withdrawal_reason"


@pytest.mark.parametrize(("data", "line", "message"), [
    (b"", None, "the file is empty"),
    (b"\n\n  \n", None, "the file is empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00binary", 1, "not valid UTF-8"),
    (b"name,age\nBob,4\n", 1, "does not look like a register"),
])
def test_files_that_are_not_registers(data: bytes, line: int | None, message: str) -> None:
    problems = problems_of(data)
    assert problems[0].line == line
    assert message in problems[0].message


def test_header_problems_are_all_listed() -> None:
    header = ",".join(c for c in COLUMNS if c not in ("level", "cycle")) + ",colour,title"
    problems = problems_of(header.encode() + b"\n")
    assert sorted(p.message for p in problems) == sorted([
        "the header has no level column", "the header has no cycle column",
        "the header names the title column twice",
        f"unknown column 'colour'; the columns are {', '.join(COLUMNS)}",
    ])


def test_unknown_extra_column_is_a_problem_but_rows_are_still_checked() -> None:
    data = csv_bytes([row(colour="red", level="9")], [*COLUMNS, "colour"])
    assert [p.field for p in problems_of(data)] == ["colour", "level"]


def test_bad_bytes_nuls_and_broken_lines_are_reported_by_line() -> None:
    good = csv_bytes([row(), row(qualification_id="999/1002/0"), row(qualification_id="999/1003/2"),
                      row(qualification_id="999/1004/4")])
    lines = good.split(b"\n")
    lines[2] = lines[2].replace(b"Test Awards", b"Test \xe9wards")     # Latin-1 byte, line 3
    lines[3] = lines[3].replace(b"Test Awards", b"Test\x00Awards")     # NUL, line 4
    lines[4] = lines[4] + b",extra"                                    # wrong field count, line 5
    problems = problems_of(b"\n".join(lines))
    by_line = {(p.line, p.message.split(" (")[0].split(";")[0]) for p in problems}
    assert (3, "not valid UTF-8") in by_line
    assert (4, "contains a NUL character") in by_line
    assert (5, "has 12 fields but the header has 11") in by_line
    assert all(p.line in (3, 4, 5) for p in problems)


def test_a_huge_field_is_a_problem_not_a_crash() -> None:
    data = csv_bytes([row(), row(qualification_id="999/1002/0", title="t" * 200_000)])
    problems = problems_of(data)
    assert problems[0].line == 3
    assert "longer than" in problems[0].message or "at most 500" in problems[0].message


def test_an_unclosed_quote_is_reported() -> None:
    data = csv_bytes([row()]) + b'999/1002/0,"never closed,Test,4\n'
    problems = problems_of(data)
    assert problems[-1].line == 3
    assert "quote" in problems[-1].message


@pytest.mark.parametrize(("bom", "name"), [(b"\xff\xfe", "UTF-16"), (b"\xfe\xff", "UTF-16"),
                                           (b"\xff\xfe\x00\x00", "UTF-32")])
def test_utf16_and_utf32_are_refused_with_advice(bom: bytes, name: str) -> None:
    with pytest.raises(RegisterError, match=f"is {name} text; save it as UTF-8"):
        parse_register_bytes(bom + "qualification_id".encode("utf-16-le"), "reg.csv")


def test_a_utf8_bom_is_accepted() -> None:
    register = parse_register_bytes(b"\xef\xbb\xbf" + csv_bytes([row()]), "reg.csv")
    assert len(register) == 1


def test_crlf_line_ends_and_quoted_newlines_keep_line_numbers() -> None:
    data = csv_bytes([row(title="Two\nlines"), row(qualification_id="999/1002/0", level="9")])
    problems = problems_of(data.replace(b"\n", b"\r\n"))
    assert [(p.line, p.field) for p in problems] == [(4, "level")]


# --- JSON -----------------------------------------------------------------------

def test_loads_json_in_both_shapes(write_file: WriteFile) -> None:
    record = dict(GOOD_ROW, level=4, cycle=1, standards=["ST0116"], withdrawal_date=None)
    plain = load_register(write_file("a.json", json.dumps([record]).encode()))
    wrapped = load_register(write_file("b.json", json.dumps(
        {"format": "htq-mark-register", "provenance": {"as_of": "2026-10-01"},
         "records": [record]}).encode()))
    assert plain.records == wrapped.records
    assert wrapped.provenance.as_of == date(2026, 10, 1)


def test_json_is_chosen_by_content_when_the_name_says_nothing(write_file: WriteFile) -> None:
    path = write_file("register.txt", json.dumps([dict(GOOD_ROW)]).encode())
    assert len(load_register(path)) == 1


def test_json_problems_carry_the_line_of_the_record() -> None:
    records = [dict(GOOD_ROW), dict(GOOD_ROW, qualification_id="999/1002/0", level=6),
               "not an object", dict(GOOD_ROW, qualification_id="999/1003/2", colour="red"),
               dict(GOOD_ROW, qualification_id="999/1004/4", level=True, standards=[1])]
    text = json.dumps({"records": records}, indent=2)
    problems = problems_of(text.encode(), "reg.json")
    lines = text.splitlines()

    def line_of(fragment: str) -> int:
        return next(n for n, line in enumerate(lines, 1) if fragment in line)

    second = line_of('"qualification_id": "999/1002/0"') - 1
    assert [(p.line, p.field) for p in problems] == [
        (second, "level"), (line_of('"not an object"'), None),
        (line_of('"qualification_id": "999/1003/2"') - 1, "colour"),
        (line_of('"qualification_id": "999/1004/4"') - 1, "level"),
        (line_of('"qualification_id": "999/1004/4"') - 1, "standards"),
    ]


@pytest.mark.parametrize(("text", "line", "message"), [
    ('{"records": [\n{"a": 1},\n{"b": ', 3, "not valid JSON"),
    ("[\n1,\n2\n", 4, "expected ',' or ']'"),
    ('{"metadata": 1}', 1, 'no "records"'),
    ("42", 1, "a list of records"),
    ("[] trailing", 1, "unexpected text"),
    ("[" * 100_000, 1, "nested too deeply"),
    ('{1: 2}', 1, "member name"),
    ('[\n{"level": ' + "4" * 4301 + "}]", 2, "more than 4,300 digits"),  # Python refuses to read such a number
    ('{"x": ' + "4" * 4301 + ', "records": []}', 1, "more than 4,300 digits"),
    # Before, the first "records" counted here, and the last in most other JSON readers.
    ('{"records": [],\n"records": [{"qualification_id": "999/1001/9"}]}', 2, "'records' is given twice"),
    ('{"version": 1, "records": [], "version": 2}', 1, "'version' is given twice"),
    ('[\n{"qualification_id": "999/1001/9",\n "withdrawal_date": null, "withdrawal_date": "2022-12-01"}]', 2,
     "'withdrawal_date' is given twice in one object"),
    ('{"provenance": {"source": "a", "source": "b"}, "records": []}', 1, "'source' is given twice"),
    ('[\n{"title": "\\ud800"}]', 2, "not valid Unicode"),  # half a character: no UTF-8 file can hold it
    ('{"records": [],\n"\\udfff": 1}', 2, "not valid Unicode"),
])
def test_broken_json_is_reported_with_a_line(text: str, line: int, message: str) -> None:
    problems = problems_of(text.encode(), "reg.json")
    assert (problems[0].line, message in problems[0].message) == (line, True)


@pytest.mark.parametrize("depth", [600, 900])
def test_a_deeply_nested_value_is_a_problem_not_a_crash(depth: int) -> None:
    """Before, the check for half characters ran out of stack on a value nested some hundreds deep."""
    text = '[{"qualification_id": "999/1001/9", "title": ' + "[" * depth + "]" * depth + "}]"
    problems = problems_of(text.encode(), "reg.json")
    assert problems and all(problem.line == 1 for problem in problems)


def test_invalid_utf8_json_is_reported() -> None:
    problems = problems_of(b'[\n{"title": "\xe9"}]', "reg.json")
    assert (problems[0].line, problems[0].message) == (
        2, "not valid UTF-8; save the JSON file as UTF-8")


# --- files, provenance and the configured register --------------------------------

def test_missing_file_and_folder_are_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(RegisterError, match="no such file"):
        load_register(tmp_path / "nope.csv")
    with pytest.raises(RegisterError, match="is a folder"):
        load_register(tmp_path)


def test_unreadable_file_is_a_clear_error(write_file: WriteFile,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    path = write_file("reg.csv", csv_bytes([row()]))

    def refuse(*args: object, **kwargs: object) -> int:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(_io.os, "open", refuse)
    with pytest.raises(RegisterError, match=r"could not read the register \(Permission denied\)"):
        load_register(path)


def test_provenance_hash_and_as_of(write_file: WriteFile) -> None:
    import hashlib

    data = csv_bytes([row()])
    path = write_file("reg.csv", data)
    os.utime(path, (1_700_000_000, 1_700_000_000))  # 2023-11-14 UTC
    register = load_register(path)
    assert register.provenance.sha256 == hashlib.sha256(data).hexdigest()
    assert register.provenance.as_of == date(2023, 11, 14)
    assert load_register(path, as_of=date(2026, 1, 2)).provenance.as_of == date(2026, 1, 2)


def test_a_register_of_real_looking_numbers_is_not_example_data() -> None:
    register = parse_register_bytes(csv_bytes([row(qualification_id="603/7595/4")]), "r.csv")
    assert not register.provenance.is_example
    assert "EXAMPLE" not in register.provenance.describe()


def test_load_register_none_is_the_example() -> None:
    register = load_register(None)
    assert register.provenance.is_example
    assert register.provenance.as_of == date(2026, 11, 1)
    assert register.records == default_register().records
    assert default_register() is not default_register()  # no shared mutable state


def test_configured_register_prefers_path_then_environment(write_file: WriteFile) -> None:
    own = write_file("own.csv", csv_bytes([row(qualification_id="603/7595/4")]))
    env = write_file("env.csv", csv_bytes([row(), row(qualification_id="999/1002/0")]))
    environ = {"HTQ_MARK_REGISTER": str(env)}
    assert len(configured_register(own, environ=environ)) == 1
    assert len(configured_register(None, environ=environ)) == 2
    assert configured_register(None, environ={}).provenance.is_example
    assert configured_register(None, environ={"HTQ_MARK_REGISTER": "  "}).provenance.is_example


def test_a_bad_environment_register_names_the_variable(tmp_path: Path) -> None:
    with pytest.raises(RegisterError, match="named by HTQ_MARK_REGISTER"):
        configured_register(None, environ={"HTQ_MARK_REGISTER": str(tmp_path / "gone.csv")})


def test_validate_register_file(write_file: WriteFile) -> None:
    good = validate_register_file(write_file("good.csv", csv_bytes([row(), row()])))
    assert (good.valid, good.rows, len(good.warnings)) == (True, 1, 1)
    bad = validate_register_file(write_file("bad.csv", csv_bytes([row(level="9")])))
    assert (bad.valid, bad.rows) == (False, None)
    assert bad.to_dict()["problems"][0] == {"source": bad.source, "line": 2, "field": "level",
                                            "message": bad.problems[0].message}


def test_a_register_of_a_header_alone_is_valid_with_a_warning(write_file: WriteFile) -> None:
    empty = validate_register_file(write_file("empty.csv", csv_bytes([])))
    assert (empty.valid, empty.rows) == (True, 0)
    assert [w.message for w in empty.warnings] == ["the register lists no qualifications, so every check will find "
                                                   "none listed; check it is the right file"]


@pytest.mark.parametrize("as_of", [20240101, ["2024-01-01"], False])
def test_an_as_of_that_is_not_a_string_is_refused(write_file: WriteFile, as_of: object) -> None:
    """It was passed over for the file's date without a word."""
    record = dict(GOOD_ROW, level=4, cycle=1, standards=["ST0116"])
    path = write_file("reg.json", json.dumps({"as_of": as_of, "records": [record]}).encode())
    with pytest.raises(RegisterValidationError, match=r"as_of .* is not a date in the form \"YYYY-MM-DD\""):
        load_register(path)


def test_bytes_and_binary_file_objects_load_like_the_path(write_file: WriteFile) -> None:
    data = csv_bytes([row(), row(qualification_id="99910020")])
    path = write_file("reg.csv", data)
    by_path = load_register(path)
    by_bytes = load_register(data)
    with path.open("rb") as handle:
        by_file = load_register(handle)
    assert by_bytes.records == by_path.records == by_file.records
    assert by_bytes.provenance.sha256 == by_path.provenance.sha256
    assert by_bytes.provenance.source == "<bytes>" and by_file.provenance.source == str(path)


def test_a_text_file_object_is_a_register_error(write_file: WriteFile) -> None:
    path = write_file("reg.csv", csv_bytes([row()]))
    with path.open("r") as handle, pytest.raises(RegisterError, match="binary mode"):
        load_register(handle)  # type: ignore[arg-type]
