"""Cross-checking the register against Ofqual's register data.

Ofqual publishes its Register of Regulated Qualifications as a full-dataset CSV
with columns such as "Qualification Number", "Qualification Title", "Owner
Organisation Name", "Qualification Level", "Qualification Status", "Operational
End Date" and "Certification End Date". :func:`import_ofqual` reads it and
applies each listed qualification's regulated status to the register:

- a status saying it is no longer available (``No longer available to
  learners``, ``No longer awarded``, ``Withdrawn``, ``Expired``...) ends its
  regulated availability on the operational end date, else the certification
  end date, else the day before the Ofqual data's as-of date;
- an operational end date ends it on that date whatever the status says, so a
  qualification whose end date has passed is not entitled after it.

Only rows whose number is on the register are looked at. Register entries not
in the Ofqual data are left as they were and listed as warnings; OfS IDs are
not regulated by Ofqual and are skipped. Dates may be ``dd/mm/yyyy`` (with an
optional time) or ISO 8601; one after 2099 (Ofqual's 31/12/9999) counts as no date.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from ..errors import MalformedQualificationIdError, RegisterProblem, RegisterValidationError
from ._csv_input import read_csv_rows, read_source_bytes
from ._provenance import RegisterProvenance
from ._qualification_id import parse_qualification_id
from ._record import QualificationRecord
from ._register import Register
from ._validation import LATEST_DATE

__all__ = ["OFQUAL_COLUMNS", "import_ofqual"]

MAX_OFQUAL_BYTES = 1024 * 1024 * 1024

OFQUAL_COLUMNS = {
    "number": "Qualification Number",
    "title": "Qualification Title",
    "owner": "Owner Organisation Name",
    "level": "Qualification Level",
    "status": "Qualification Status",
    "operational_end": "Operational End Date",
    "certification_end": "Certification End Date",
}
_REQUIRED = ("number", "status")
_ENDED_STATUS_RE = re.compile(r"no longer|withdrawn|expired|not available|closed|ceased",
                              re.IGNORECASE)
_AVAILABLE_STATUS_RE = re.compile(r"\bavailable\b", re.IGNORECASE)
_UK_DATE_RE = re.compile(r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})(?:[ T][0-9:.]+)?")
_ISO_DATE_RE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})(?:[ T][0-9:.+\-Z]+)?")


@dataclass(frozen=True)
class _OfqualEntry:
    line: int
    status: str
    operational_end: date | None
    certification_end: date | None


def _parse_date(text: str) -> date | None:
    """A date in Ofqual's ``dd/mm/yyyy`` or ISO 8601 form; ``None`` if blank; raise if bad."""
    text = text.strip()
    if not text:
        return None
    match = _UK_DATE_RE.fullmatch(text)
    if match:
        day, month, year = (int(part) for part in match.groups())
        return date(year, month, day)
    match = _ISO_DATE_RE.fullmatch(text)
    if match:
        year, month, day = (int(part) for part in match.groups())
        return date(year, month, day)
    raise ValueError(text)


def _column_positions(header: Sequence[str]) -> dict[str, int]:
    wanted = {name.lower(): key for key, name in OFQUAL_COLUMNS.items()}
    positions: dict[str, int] = {}
    for position, cell in enumerate(header):
        key = wanted.get(" ".join(cell.split()).lower())
        if key is not None and key not in positions:
            positions[key] = position
    return positions


@dataclass(frozen=True)
class _Row:
    line: int
    cells: Sequence[str]
    positions: dict[str, int]

    def cell(self, key: str) -> str:
        position = self.positions.get(key)
        if position is None or position >= len(self.cells):
            return ""
        return self.cells[position].strip()


def _read_entries(data: bytes, source: str, wanted_ids: set[str],
                  problems: list[RegisterProblem]) -> tuple[dict[str, _OfqualEntry], int]:
    entries: dict[str, _OfqualEntry] = {}
    positions: dict[str, int] | None = None
    data_rows = 0
    # Ofqual's file is large and not the user's: a stray byte in a row the register does not name is not theirs
    # to fix, so a line's own problems count only in the header and the rows that concern the register.
    line_problems: list[RegisterProblem] = []
    for csv_row in read_csv_rows(data, source, problems, line_problems=line_problems):
        own_problems = list(line_problems)
        line_problems.clear()
        if not any(cell.strip() for cell in csv_row.fields):
            continue
        if positions is None:
            problems.extend(own_problems)
            positions = _column_positions(csv_row.fields)
            missing = [OFQUAL_COLUMNS[key] for key in _REQUIRED if key not in positions]
            if missing:
                problems.append(RegisterProblem(
                    source, csv_row.line,
                    "this does not look like Ofqual's full-dataset CSV: no "
                    + " or ".join(repr(name) for name in missing) + " column",
                ))
                return entries, 0
            continue
        data_rows += 1
        row = _Row(csv_row.line, csv_row.fields, positions)
        try:
            canonical = parse_qualification_id(row.cell("number")).canonical
        except MalformedQualificationIdError:
            continue  # not a number the register could hold
        if canonical not in wanted_ids:
            continue
        problems.extend(own_problems)
        entry = _entry(row, source, problems)
        if entry is None:
            continue
        earlier = entries.get(canonical)
        if earlier is None:
            entries[canonical] = entry
        elif (earlier.status, earlier.operational_end) != (entry.status, entry.operational_end):
            problems.append(RegisterProblem(
                source, row.line,
                f"{canonical} is listed again (first on line {earlier.line}) with a different "
                "status or end date", OFQUAL_COLUMNS["number"],
            ))
    if positions is None:
        problems.append(RegisterProblem(source, None, "the Ofqual data file is empty"))
    return entries, data_rows


def _entry(row: _Row, source: str, problems: list[RegisterProblem]) -> _OfqualEntry | None:
    status = row.cell("status")
    dates: dict[str, date | None] = {}
    ok = True
    for key in ("operational_end", "certification_end"):
        try:
            parsed = _parse_date(row.cell(key))
            # A placeholder far in the future (31/12/9999) says there is no end date.
            dates[key] = None if parsed is not None and parsed > LATEST_DATE else parsed
        except ValueError:
            problems.append(RegisterProblem(
                source, row.line, f"{row.cell(key)!r} is not a date (dd/mm/yyyy or YYYY-MM-DD)",
                OFQUAL_COLUMNS[key],
            ))
            ok = False
    if not _ENDED_STATUS_RE.search(status) and not _AVAILABLE_STATUS_RE.search(status):
        problems.append(RegisterProblem(
            source, row.line,
            f"unknown status {status!r}; expected e.g. 'Available to learners' or "
            "'No longer available to learners'", OFQUAL_COLUMNS["status"],
        ))
        ok = False
    if not ok:
        return None
    return _OfqualEntry(row.line, status, dates["operational_end"], dates["certification_end"])


def _regulated_end(entry: _OfqualEntry, data_as_of: date) -> date | None:
    if _ENDED_STATUS_RE.search(entry.status):
        return entry.operational_end or entry.certification_end or data_as_of - timedelta(days=1)
    return entry.operational_end


def import_ofqual(register: Register, ofqual_csv_path: str | os.PathLike[str], *,
                  as_of: date | None = None) -> Register:
    """A new register with the regulated status from Ofqual's full-dataset CSV applied.

    ``as_of`` is the date of the Ofqual data (default: the file's modification
    date). Raises :class:`~htq_mark.errors.RegisterError` if the file cannot be
    read and :class:`~htq_mark.errors.RegisterValidationError` listing every
    problem in rows that concern the register.
    """
    path = Path(ofqual_csv_path)
    source = str(path)
    data = read_source_bytes(path, limit=MAX_OFQUAL_BYTES, what="Ofqual data")
    if as_of is None:
        try:
            as_of = datetime.fromtimestamp(path.stat().st_mtime, tz=timezone.utc).date()
        except OSError:
            as_of = date.today()
    wanted = {record.qualification_id for record in register.records if record.scheme == "ofqual"}
    problems: list[RegisterProblem] = []
    entries, data_rows = _read_entries(data, source, wanted, problems)
    if problems:
        raise RegisterValidationError(source, problems, what="the Ofqual data")
    records: list[QualificationRecord] = []
    warnings = list(register.warnings)
    for record in register.records:
        entry = entries.get(record.qualification_id)
        if entry is None:
            if record.scheme == "ofqual":
                warnings.append(RegisterProblem(
                    source, None, f"{record.qualification_id} is not in the Ofqual data; "
                    "its regulated status was not checked", OFQUAL_COLUMNS["number"],
                ))
            records.append(record)
            continue
        records.append(replace(record, regulated_status=entry.status,
                               regulated_end_date=_regulated_end(entry, as_of)))
    ofqual = RegisterProvenance(source=source, sha256=hashlib.sha256(data).hexdigest(),
                                as_of=as_of, rows=data_rows, is_example=False)
    provenance = replace(register.provenance, ofqual=ofqual)
    return Register(records, provenance, warnings=warnings,
                    source_files=(*register.source_files, os.path.abspath(path)))
