"""The canonical CSV form of qualification records, safe to open in a spreadsheet.

CSV cells that a spreadsheet would run as a formula (starting ``=``, ``+``,
``-``, ``@``, a tab or a carriage return) get a leading apostrophe; a cell that
already starts with apostrophes before such a character gets one more. The
loader removes exactly one, so export and load round-trip. A register made
from records has the sha256 of this form (one loaded from a file, the file's).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from datetime import date

from ._record import QualificationRecord
from ._validation import COLUMNS

__all__ = ["neutralise_cell", "records_to_csv"]

_FORMULA_RE = re.compile(r"'*[=+\-@\t\r]")


def neutralise_cell(text: str) -> str:
    """Make ``text`` safe to open in a spreadsheet: prefix ``'`` before a formula start."""
    return "'" + text if _FORMULA_RE.match(text) else text


def _date(value: date | None) -> str:
    return value.isoformat() if value is not None else ""


def _csv_cells(record: QualificationRecord) -> list[str]:
    cells = [
        record.qualification_id,
        record.title,
        record.awarding_body,
        str(record.level),
        record.route,
        ";".join(record.standards),
        str(record.cycle),
        _date(record.approval_date),
        _date(record.first_teaching_date),
        _date(record.withdrawal_date),
        record.withdrawal_reason or "",
    ]
    return [neutralise_cell(cell) for cell in cells]


def records_to_csv(records: Iterable[QualificationRecord]) -> bytes:
    """The canonical CSV (UTF-8, header row, ``\\n`` line ends) of ``records``."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for record in records:
        writer.writerow(_csv_cells(record))
    return buffer.getvalue().encode("utf-8")
