"""Writing a register in its canonical CSV or JSON form.

CSV cells that a spreadsheet would run as a formula (starting ``=``, ``+``,
``-``, ``@``, a tab or a carriage return) get a leading apostrophe; a cell that
already starts with apostrophes before such a character gets one more. The
loader removes exactly one, so export and load round-trip.

The CSV has exactly the canonical columns; the regulated status that
:func:`~htq_mark.register.import_ofqual` adds is kept only in the JSON form.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Literal

from .._io import write_atomic
from ..errors import UsageError
from ._record import QualificationRecord
from ._register import Register
from ._validation import COLUMNS

__all__ = [
    "ExportFormat",
    "export_register",
    "neutralise_cell",
    "records_to_csv",
    "write_register",
]

ExportFormat = Literal["csv", "json"]
JSON_FORMAT_NAME = "htq-mark-register"
JSON_FORMAT_VERSION = 1

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


def _records_to_json(register: Register) -> bytes:
    document = {
        "format": JSON_FORMAT_NAME,
        "version": JSON_FORMAT_VERSION,
        "provenance": register.provenance.to_dict(),
        "records": [_json_record(record) for record in register.records],
    }
    return (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def _json_record(record: QualificationRecord) -> dict[str, object]:
    data = record.to_dict()
    for optional in ("regulated_status", "regulated_end_date"):
        if data[optional] is None:
            del data[optional]
    return data


def export_register(register: Register, format: ExportFormat) -> bytes:
    """The register as canonical CSV or JSON bytes."""
    if format == "csv":
        return records_to_csv(register.records)
    if format == "json":
        return _records_to_json(register)
    raise UsageError(f"{format!r} is not an export format; use 'csv' or 'json'.")


def write_register(register: Register, path: str | os.PathLike[str], format: ExportFormat,
                   *, force: bool = False) -> Path:
    """Write the register to ``path``; an existing file is kept unless ``force``."""
    return write_atomic(path, export_register(register, format), force=force)
