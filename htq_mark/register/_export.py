"""Writing a register in its canonical CSV or JSON form.

CSV cells that a spreadsheet would run as a formula (starting ``=``, ``+``,
``-``, ``@``, a tab or a carriage return) get a leading apostrophe; a cell that
already starts with apostrophes before such a character gets one more. The
loader removes exactly one, so export and load round-trip.

The CSV has exactly the canonical columns; the regulated status that
:func:`~htq_mark.register.import_ofqual` adds is kept only in the JSON form.
"""

from __future__ import annotations

import json
import os
from pathlib import Path, PurePath
from typing import Literal

from .._io import refuse_over_read_files, write_atomic
from ..errors import UsageError
from ._canonical_csv import neutralise_cell, records_to_csv
from ._record import QualificationRecord
from ._register import Register

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

def _records_to_json(register: Register) -> bytes:
    document = {
        "format": JSON_FORMAT_NAME,
        "version": JSON_FORMAT_VERSION,
        "provenance": {key: _as_text(value) for key, value in register.provenance.to_dict().items()},
        "records": [_json_record(record) for record in register.records],
    }
    return (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def _as_text(value: object) -> object:
    """``value``, a file name that is not UTF-8 (its bytes kept as lone surrogates) shown with \\x escapes:
    text a JSON register may hold, as the original cannot be."""
    if isinstance(value, str):
        return os.fsencode(value).decode("utf-8", "backslashreplace")
    return value


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
    """Write the register to ``path``; an existing file is kept unless ``force``, and one the register
    was read from (see :attr:`Register.source_files`) is refused with :class:`UsageError` even then."""
    refuse_over_read_files([path], "register", register.source_files)
    suffix = PurePath(path).suffix.lower()
    if suffix in (".csv", ".json") and suffix != f".{format}":
        # A register is read by its suffix: this one could not be read back.
        raise UsageError(f"{path}: the suffix {suffix} means {suffix[1:]}, but the format asked for is {format}; "
                         f"name the file .{format}, or ask for format=\"{suffix[1:]}\".")
    return write_atomic(path, export_register(register, format), force=force)
