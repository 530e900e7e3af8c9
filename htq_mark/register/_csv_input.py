"""Reading CSV files that may hold any bytes, reporting problems by line.

Bad UTF-8, NUL characters, over-long fields and broken quoting become
:class:`~htq_mark.errors.RegisterProblem` entries with a line number; the rest
of the file is still read, so every problem can be reported at once.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .._io import read_limited
from ..errors import RegisterError, RegisterProblem

__all__ = ["CsvRow", "read_csv_rows", "read_source_bytes"]

_UTF8_BOM = b"\xef\xbb\xbf"
_OTHER_BOMS = {
    b"\xff\xfe\x00\x00": "UTF-32",
    b"\x00\x00\xfe\xff": "UTF-32",
    b"\xff\xfe": "UTF-16",
    b"\xfe\xff": "UTF-16",
}


@dataclass(frozen=True)
class CsvRow:
    """One CSV record: the physical line it starts on and its fields."""

    line: int
    fields: list[str]


def read_source_bytes(path: str | os.PathLike[str], *, limit: int, what: str) -> bytes:
    """Read a whole regular file (at most ``limit`` bytes); problems become :class:`RegisterError`."""
    target = Path(path)
    try:
        return read_limited(target, limit=limit, what=what, refuse=RegisterError)
    except FileNotFoundError as exc:
        raise RegisterError(f"{target}: no such file; check the path of the {what}.") from exc
    except OSError as exc:
        raise RegisterError(
            f"{target}: could not read the {what} ({exc.strerror or exc}); "
            "check the file exists and is readable."
        ) from exc


def _decoded_lines(data: bytes, source: str,
                   problems: list[RegisterProblem]) -> Iterator[str]:
    for number, raw in enumerate(data.splitlines(keepends=True), start=1):
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            problems.append(RegisterProblem(
                source, number,
                f"not valid UTF-8 (byte 0x{raw[exc.start]:02X} at column {exc.start + 1}); "
                "save the file as UTF-8 (in a spreadsheet: 'CSV UTF-8')",
            ))
            text = raw.decode("utf-8", errors="replace")
        if "\x00" in text:
            problems.append(RegisterProblem(
                source, number, "contains a NUL character; the file may be damaged or not a CSV",
            ))
            text = text.replace("\x00", "\ufffd")
        yield text


def read_csv_rows(data: bytes, source: str, problems: list[RegisterProblem], *,
                  line_problems: list[RegisterProblem] | None = None) -> Iterator[CsvRow]:
    """Yield the CSV records in ``data``; append what is wrong to ``problems``.

    A line's own problems (bad UTF-8, a NUL character) go to ``line_problems``
    when it is given: each is appended just before the record holding that line
    is yielded, so a caller that needs only some records can keep only theirs.
    Raises :class:`RegisterError` only for a file in UTF-16/32, which cannot be
    read line by line as UTF-8.
    """
    for bom, name in _OTHER_BOMS.items():
        if data.startswith(bom):
            raise RegisterError(
                f"{source}: the file is {name} text; save it as UTF-8 "
                "(in a spreadsheet: 'CSV UTF-8') and load it again."
            )
    if data.startswith(_UTF8_BOM):
        data = data[len(_UTF8_BOM):]
    lines = _decoded_lines(data, source, problems if line_problems is None else line_problems)
    reader = csv.reader(lines, strict=True)
    previous_line = 0
    while True:
        start = previous_line + 1
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            problems.append(RegisterProblem(
                source, start, f"not readable as CSV ({_csv_error_text(exc)})",
            ))
            if reader.line_num == previous_line:
                return  # the reader made no progress: stop rather than loop
            previous_line = reader.line_num
            continue
        previous_line = reader.line_num
        yield CsvRow(start, fields)


def _csv_error_text(exc: csv.Error) -> str:
    text = str(exc)
    if "field larger than field limit" in text:
        return f"a field is longer than {csv.field_size_limit():,} characters"
    if "unexpected end of data" in text or "EOF" in text:
        return "a quoted field is never closed; check the quotes"
    return f"{text}; check the quotes and commas"
