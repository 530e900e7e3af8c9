"""Reading qualification IDs from a column of a CSV file, for bulk checks."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from ..errors import MalformedQualificationIdError, RegisterError, RegisterProblem, UsageError
from ._csv_input import read_csv_rows, read_source_bytes
from ._qualification_id import parse_qualification_id

__all__ = ["IdsFromCsv", "read_ids_from_csv"]

MAX_BULK_BYTES = 256 * 1024 * 1024
_ID_COLUMN_NAMES = ("qualification_id", "qualification_number", "qualification", "qn", "qan",
                    "ukprn_course")


@dataclass(frozen=True)
class IdsFromCsv:
    """The IDs read from a CSV column, each with its line, and the column used."""

    column: str | None
    ids: tuple[tuple[int, str], ...]
    problems: tuple[RegisterProblem, ...]


def _normal(name: str) -> str:
    return "_".join(name.strip().lower().replace("-", " ").split())


def _looks_like_id(text: str) -> bool:
    try:
        parse_qualification_id(text)
    except MalformedQualificationIdError:
        return False
    return True


def read_ids_from_csv(path: str | os.PathLike[str], column: str | None = None) -> IdsFromCsv:
    """Read the IDs in ``column`` of a CSV file (one per row, blank rows skipped).

    Without ``column`` the first column named like ``qualification_id``,
    ``Qualification Number``, ``QN`` or ``QAN`` is used; a file whose first row
    already holds an ID is read as having no header, from the first column that
    holds one. Lines that cannot be decoded are still returned (they will not
    parse as IDs) and listed in ``problems``. Raises
    :class:`~htq_mark.errors.UsageError` when the column cannot be found.
    """
    target = Path(path)
    try:
        data = read_source_bytes(target, limit=MAX_BULK_BYTES, what="CSV of qualification IDs")
    except RegisterError as exc:
        raise UsageError(str(exc)) from exc
    problems: list[RegisterProblem] = []
    try:
        rows = [row for row in read_csv_rows(data, str(target), problems)
                if any(cell.strip() for cell in row.fields)]
    except RegisterError as exc:
        raise UsageError(str(exc)) from exc
    if not rows:
        raise UsageError(f"{target}: the file has no rows; give a CSV with a column of "
                         "qualification IDs.")
    header = rows[0].fields
    names = [_normal(cell) for cell in header]
    position: int | None = None
    data_rows = rows[1:]
    if column is not None:
        if _normal(column) not in names:
            raise UsageError(f"{target}: no column named {column!r}; the columns are "
                             + ", ".join(repr(cell) for cell in header) + ".")
        position = names.index(_normal(column))
    else:
        known = [name for name in _ID_COLUMN_NAMES if name in names]
        if len(known) > 1:
            shown = ", ".join(repr(header[names.index(name)]) for name in known)
            raise UsageError(f"{target}: more than one column may hold the qualification IDs ({shown}); "
                             "name the one to read with column=\"NAME\".")
        position = names.index(known[0]) if known else None
    if position is not None and names.count(names[position]) > 1:
        at = [str(i + 1) for i, name in enumerate(names) if name == names[position]]
        raise UsageError(f"{target}: {len(at)} columns are named {header[position]!r} (columns "
                         f"{', '.join(at)}), so which holds the IDs is not clear; rename all but one.")
    if column is None:
        if position is None:
            position = next((i for i, cell in enumerate(header) if _looks_like_id(cell)), None)
            data_rows = rows  # no header: the first row is data
    if position is None:
        raise UsageError(f"{target}: cannot tell which column holds the qualification IDs; "
                         "name it with column=\"NAME\" (the columns are "
                         + ", ".join(repr(cell) for cell in header) + ").")
    ids = tuple((row.line, row.fields[position].strip() if position < len(row.fields) else "")
                for row in data_rows)
    used = header[position] if data_rows is not rows else None
    return IdsFromCsv(column=used, ids=ids, problems=tuple(problems))
