"""Register rows and files for tests, built by code."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from datetime import date

from htq_mark.register import COLUMNS

# The date the example data is described against.
TODAY = date(2026, 11, 23)

GOOD_ROW: Mapping[str, str] = {
    "qualification_id": "999/1001/9",
    "title": "Test Level 4 Higher Technical Certificate in Software Development",
    "awarding_body": "Test Awards",
    "level": "4",
    "route": "Digital",
    "standards": "ST0116",
    "cycle": "1",
    "approval_date": "2022-03-01",
    "first_teaching_date": "2022-09-01",
    "withdrawal_date": "",
    "withdrawal_reason": "",
}


def row(**changes: str) -> dict[str, str]:
    """A valid canonical row with some fields changed."""
    values = dict(GOOD_ROW)
    values.update(changes)
    return values


def csv_bytes(rows: Iterable[Mapping[str, str]], columns: Iterable[str] = COLUMNS) -> bytes:
    """Canonical-looking CSV bytes for ``rows``."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(columns), lineterminator="\n")
    writer.writeheader()
    for values in rows:
        writer.writerow(values)
    return buffer.getvalue().encode("utf-8")
