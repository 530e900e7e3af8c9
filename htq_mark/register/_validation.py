"""Turning the fields of one register row into a record, listing every problem.

The same rules serve CSV rows (all values are text) and JSON records (numbers,
lists and ``null`` are accepted where they make sense).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import date

from ..errors import MalformedQualificationIdError, RegisterProblem
from ._qualification_id import parse_qualification_id
from ._record import QualificationRecord
from ._routes import cycle_info, find_route

__all__ = [
    "COLUMNS",
    "LATEST_DATE",
    "OPTIONAL_COLUMNS",
    "REQUIRED_COLUMNS",
    "RowResult",
    "differing_fields",
    "record_from_values",
    "record_problems",
    "restore_cell",
]

COLUMNS: tuple[str, ...] = (
    "qualification_id",
    "title",
    "awarding_body",
    "level",
    "route",
    "standards",
    "cycle",
    "approval_date",
    "first_teaching_date",
    "withdrawal_date",
    "withdrawal_reason",
)
"""The columns of the canonical register CSV, in order."""

OPTIONAL_COLUMNS: frozenset[str] = frozenset({
    "withdrawal_date", "withdrawal_reason", "regulated_status", "regulated_end_date",
})
REQUIRED_COLUMNS: tuple[str, ...] = tuple(c for c in COLUMNS if c not in OPTIONAL_COLUMNS)
KNOWN_COLUMNS: frozenset[str] = frozenset(COLUMNS) | OPTIONAL_COLUMNS

_MAX_TEXT = {"title": 500, "awarding_body": 200, "withdrawal_reason": 500, "regulated_status": 200}
_EARLIEST = date(2020, 1, 1)
#: The last day a register's dates may name; a later one (a placeholder such as 31/12/9999) names no day.
LATEST_DATE = date(2099, 12, 31)
_ISO_DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_STANDARD_RE = re.compile(r"ST[0-9]{4}")
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f\ufffd]")
# A cell written by the exporter with a protective apostrophe (see export.py).
_NEUTRALISED_RE = re.compile(r"'+[=+\-@\t\r]")

Value = object


def restore_cell(text: str) -> str:
    """Undo the exporter's spreadsheet-formula protection: drop one leading ``'``."""
    return text[1:] if _NEUTRALISED_RE.match(text) else text


@dataclass
class RowResult:
    """What one row produced: a record (if valid), its problems and warnings."""

    record: QualificationRecord | None = None
    problems: list[RegisterProblem] = field(default_factory=list)
    warnings: list[RegisterProblem] = field(default_factory=list)


class _Row:
    """Collects the problems of one row while its fields are converted."""

    def __init__(self, values: Mapping[str, Value], source: str, line: int | None, *, from_csv: bool) -> None:
        self.values = values
        self.from_csv = from_csv  # only CSV cells carry the exporter's spreadsheet-formula protection
        self.source = source
        self.line = line
        self.result = RowResult()

    def problem(self, column: str | None, message: str) -> None:
        self.result.problems.append(RegisterProblem(self.source, self.line, message, column))

    def warning(self, column: str | None, message: str) -> None:
        self.result.warnings.append(RegisterProblem(self.source, self.line, message, column))

    def raw(self, column: str) -> Value:
        value = self.values.get(column)
        if isinstance(value, str):
            value = restore_cell(value.strip()) if self.from_csv else value.strip()
            return value if value else None
        return value

    def text(self, column: str, *, required: bool) -> str | None:
        value = self.raw(column)
        if value is None:
            if required:
                self.problem(column, "is empty; every row needs one")
            return None
        if not isinstance(value, str):
            self.problem(column, f"must be text, not {_shown(value)}")
            return None
        value = " ".join(value.split())  # line breaks and tabs from spreadsheets become spaces
        if _CONTROL_RE.search(value):
            self.problem(column, "contains control or unreadable characters; retype it")
            return None
        limit = _MAX_TEXT.get(column, 500)
        if len(value) > limit:
            self.problem(column, f"is {len(value)} characters long; at most {limit} are allowed")
            return None
        return value

    def integer(self, column: str, allowed: range, expected: str) -> int | None:
        value = self.raw(column)
        number: int | None = None
        if isinstance(value, int) and not isinstance(value, bool):
            number = value
        elif isinstance(value, str):
            digits = re.sub(r"(?i)^(level|cycle)\s*", "", value)
            if digits.isascii() and digits.isdigit() and len(digits) <= 4:
                number = int(digits)
        if value is None:
            self.problem(column, f"is empty; expected {expected}")
        elif number is None or number not in allowed:
            self.problem(column, f"{_shown(value)} is not valid; expected {expected}")
            return None
        return number

    def day(self, column: str, *, required: bool) -> date | None:
        value = self.raw(column)
        if value is None:
            if required:
                self.problem(column, "is empty; expected a date such as 2023-09-01 (YYYY-MM-DD)")
            return None
        if not isinstance(value, str) or not _ISO_DATE_RE.fullmatch(value):
            self.problem(column, f"{_shown(value)} is not a date in the form YYYY-MM-DD")
            return None
        try:
            parsed = date.fromisoformat(value)
        except ValueError:
            self.problem(column, f"{_shown(value)} is not a real date")
            return None
        if not _EARLIEST <= parsed <= LATEST_DATE:
            self.problem(column, f"{value} is outside {_EARLIEST.year}-{LATEST_DATE.year}; "
                                 "check the year")
            return None
        return parsed


def _shown(value: Value) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _standards(row: _Row) -> tuple[str, ...] | None:
    value = row.raw("standards")
    if value is None:
        row.problem("standards", "is empty; list the occupational standards, e.g. ST0116;ST0117")
        return None
    if isinstance(value, str):
        items = [item.strip() for item in value.split(";")]
    elif isinstance(value, list) and all(isinstance(item, str) for item in value):
        items = [item.strip() for item in value]
    else:
        row.problem("standards", f"{_shown(value)} is not a list of standards")
        return None
    standards: list[str] = []
    for item in items:
        code = item.upper()
        if not _STANDARD_RE.fullmatch(code):
            row.problem("standards", f"{_shown(item)} is not an occupational standard "
                                     "(ST and four digits, e.g. ST0116; separate them with ';')")
            return None
        if code not in standards:
            standards.append(code)
    return tuple(standards)


def _qualification_id(row: _Row) -> str | None:
    value = row.raw("qualification_id")
    if value is None:
        row.problem("qualification_id", "is empty; every row needs a qualification ID")
        return None
    if not isinstance(value, str):
        row.problem("qualification_id", f"{_shown(value)} is not text")
        return None
    try:
        qid = parse_qualification_id(value)
    except MalformedQualificationIdError as exc:
        row.problem("qualification_id", str(exc))
        return None
    if qid.check_character_ok is False:
        row.warning("qualification_id",
                    f"{qid.canonical}: check character does not match (the digits call for "
                    f"{qid.expected_check_character}); is it mistyped?")
    return qid.canonical


def _check_cycle_rules(row: _Row, record: QualificationRecord, route_first_cycle: int) -> None:
    cycle = cycle_info(record.cycle)
    if cycle is not None:
        if route_first_cycle > record.cycle:
            row.problem("route", f"the {record.route} route opened to HTQs in cycle "
                                 f"{route_first_cycle}, not cycle {record.cycle}")
        if record.first_teaching_date < cycle.earliest_first_teaching:
            row.problem("first_teaching_date",
                        f"{record.first_teaching_date.isoformat()} is before cycle "
                        f"{record.cycle}'s first teaching "
                        f"({cycle.earliest_first_teaching.isoformat()})")
    if record.withdrawal_date is not None and record.withdrawal_date < record.approval_date:
        row.problem("withdrawal_date", f"{record.withdrawal_date.isoformat()} is before the "
                                       f"approval date {record.approval_date.isoformat()}")


def record_from_values(values: Mapping[str, Value], source: str,
                       line: int | None, *, from_csv: bool = True) -> RowResult:
    """Build a record from one row's values; every problem found is listed.

    Cells of a CSV file (``from_csv``) lose the apostrophe the exporter puts before a
    spreadsheet formula's first character; a JSON file's strings are taken as they are.
    """
    row = _Row(values, source, line, from_csv=from_csv)
    qualification_id = _qualification_id(row)
    title = row.text("title", required=True)
    awarding_body = row.text("awarding_body", required=True)
    level = row.integer("level", range(4, 6), "level 4 or 5")
    route_text = row.text("route", required=True)
    route = find_route(route_text) if route_text is not None else None
    if route_text is not None and route is None:
        row.problem("route", f"unknown route {_shown(route_text)}; expected one of the 15 "
                             "routes, e.g. 'Digital' or 'Health and science'")
    standards = _standards(row)
    cycle = row.integer("cycle", range(1, 100), "an approval cycle number (1-5 so far)")
    approval_date = row.day("approval_date", required=True)
    first_teaching_date = row.day("first_teaching_date", required=True)
    withdrawal_date = row.day("withdrawal_date", required=False)
    withdrawal_reason = row.text("withdrawal_reason", required=False)
    if withdrawal_reason is not None and withdrawal_date is None \
            and row.raw("withdrawal_date") is None:
        row.problem("withdrawal_date", "is empty but a withdrawal reason is given; "
                                       "give the date approval was withdrawn")
    if withdrawal_date is not None and withdrawal_reason is None:
        row.warning("withdrawal_reason", "is empty; the check can only say that approval "
                                         "was withdrawn, not why")
    regulated_status = row.text("regulated_status", required=False)
    regulated_end_date = row.day("regulated_end_date", required=False)
    if row.result.problems:
        return row.result
    assert qualification_id and title and awarding_body and level and route and standards \
        and cycle and approval_date and first_teaching_date  # guaranteed by the checks above
    record = QualificationRecord(
        qualification_id=qualification_id, title=title, awarding_body=awarding_body,
        level=level, route=route.name, standards=standards, cycle=cycle,
        approval_date=approval_date, first_teaching_date=first_teaching_date,
        withdrawal_date=withdrawal_date, withdrawal_reason=withdrawal_reason,
        regulated_status=regulated_status, regulated_end_date=regulated_end_date,
    )
    _check_cycle_rules(row, record, route.first_cycle)
    if not row.result.problems:
        row.result.record = record
    return row.result


_FIELD_TYPES: dict[str, tuple[type, ...]] = {
    "qualification_id": (str,), "title": (str,), "awarding_body": (str,), "level": (int,), "route": (str,),
    "standards": (tuple,), "cycle": (int,), "approval_date": (date,), "first_teaching_date": (date,),
    "withdrawal_date": (date, type(None)), "withdrawal_reason": (str, type(None)),
    "regulated_status": (str, type(None)), "regulated_end_date": (date, type(None)),
}


def record_problems(record: object, source: str, number: int) -> list[RegisterProblem]:
    """What loading a register file would refuse in ``record``, the ``number``-th of records built in code."""
    if not isinstance(record, QualificationRecord):
        return [RegisterProblem(source, number, f"is a {type(record).__name__}, not a QualificationRecord")]
    wrong = [RegisterProblem(source, number, f"is {type(value).__name__}, not "
                                             f"{' or '.join(t.__name__ for t in _FIELD_TYPES[name])}", name)
             for name in _FIELD_TYPES
             if not isinstance(value := getattr(record, name), _FIELD_TYPES[name]) or isinstance(value, bool)]
    wrong += [RegisterProblem(source, number, f"holds {type(item).__name__} {item!r}, not a str", "standards")
              for item in (record.standards if isinstance(record.standards, tuple) else ())
              if not isinstance(item, str)]
    if wrong:
        return wrong
    return list(record_from_values(record.to_dict(), source, number, from_csv=False).problems)


def differing_fields(first: QualificationRecord, second: QualificationRecord) -> list[str]:
    """The names of the fields in which two records differ."""
    return [f.name for f in fields(first) if getattr(first, f.name) != getattr(second, f.name)]
