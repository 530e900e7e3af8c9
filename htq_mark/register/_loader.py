"""Loading a register from its canonical CSV or JSON form.

Every row is validated and **all** problems are reported together, each with
file and line, in a :class:`~htq_mark.errors.RegisterValidationError`; no row is
dropped silently. Rows that repeat an earlier row exactly are kept once, with a
warning. The file may hold any bytes: bad encodings, NULs, huge fields and
broken quoting become line-numbered problems, never a crash.

The as-of date of a register is, in order: the ``as_of`` argument, the JSON
document's ``provenance.as_of`` (or top-level ``as_of``), or else the date the
file was last modified.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path
from typing import IO, Any

from .._io import path_of_descriptor
from ..errors import RegisterError, RegisterProblem, RegisterValidationError, UsageError
from ._csv_input import read_csv_rows, read_source_bytes
from ._json_input import JsonSyntaxError, parse_json_register
from ._example import (EXAMPLE_AS_OF, EXAMPLE_SOURCE, example_register_bytes, example_register_file,
                       is_example_id)
from ._provenance import RegisterProvenance
from ._record import QualificationRecord
from ._register import Register
from ._validation import (
    COLUMNS,
    KNOWN_COLUMNS,
    REQUIRED_COLUMNS,
    differing_fields,
    record_from_values,
)

__all__ = [
    "MAX_REGISTER_ROWS",
    "REGISTER_ENV_VAR",
    "RegisterValidation",
    "configured_register",
    "configured_register_file",
    "configured_register_path",
    "default_register",
    "load_register",
    "parse_register_bytes",
    "validate_register_file",
]

REGISTER_ENV_VAR = "HTQ_MARK_REGISTER"
"""The environment variable naming the register file the command line uses by default."""

MAX_REGISTER_BYTES = 256 * 1024 * 1024
#: Most rows a register may have. The register of approved HTQs holds a few thousand; the limit
#: keeps loading within seconds and a few hundred MB (about 50 us and 2 KB per row).
MAX_REGISTER_ROWS = 100_000


def _normal_column(name: str) -> str:
    return "_".join(name.strip().lower().replace("-", " ").split())


class _Collector:
    """Gathers records, problems and warnings, and resolves duplicate IDs."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.records: dict[str, tuple[int | None, QualificationRecord]] = {}
        self.problems: list[RegisterProblem] = []
        self.warnings: list[RegisterProblem] = []
        self.rows = 0

    def add_row(self, values: Mapping[str, object], line: int | None, *, from_csv: bool) -> None:
        self.rows += 1
        if self.rows > MAX_REGISTER_ROWS:
            raise RegisterError(f"{self.source}: the register has more than {MAX_REGISTER_ROWS:,} rows, the most "
                                "htq-mark loads (the register of approved HTQs holds a few thousand); check it is "
                                "the right file, or split it.")
        result = record_from_values(values, self.source, line, from_csv=from_csv)
        self.problems.extend(result.problems)
        self.warnings.extend(result.warnings)
        record = result.record
        if record is None:
            return
        earlier = self.records.get(record.qualification_id)
        if earlier is None:
            self.records[record.qualification_id] = (line, record)
            return
        earlier_line, earlier_record = earlier
        where = f"line {earlier_line}" if earlier_line is not None else "an earlier record"
        differences = differing_fields(earlier_record, record)
        if differences:
            self.problems.append(RegisterProblem(
                self.source, line,
                f"{record.qualification_id} is listed again (first on {where}) with different "
                f"{', '.join(differences)}; keep one row per qualification",
                "qualification_id",
            ))
        else:
            self.warnings.append(RegisterProblem(
                self.source, line,
                f"{record.qualification_id} repeats {where} exactly; it is counted once",
                "qualification_id",
            ))


def _collect_csv(data: bytes, collector: _Collector) -> None:
    # Every row takes a line; a file with far more lines than the row limit is refused unread.
    if data.count(b"\n") > 2 * MAX_REGISTER_ROWS:
        collector.rows = MAX_REGISTER_ROWS
        collector.add_row({}, None, from_csv=True)
    rows = read_csv_rows(data, collector.source, collector.problems)
    header: list[str] | None = None
    header_line = 1
    for row in rows:
        if not any(cell.strip() for cell in row.fields):
            continue
        if header is None:
            header, header_line = [_normal_column(cell) for cell in row.fields], row.line
            if not _header_ok(header, header_line, collector):
                return
            continue
        if len(row.fields) != len(header):
            collector.problems.append(RegisterProblem(
                collector.source, row.line,
                f"has {len(row.fields)} fields but the header has {len(header)}; "
                "check for a missing comma or a comma inside an unquoted value",
            ))
            continue
        collector.add_row(dict(zip(header, row.fields, strict=True)), row.line, from_csv=True)
    if header is None:
        collector.problems.append(RegisterProblem(
            collector.source, None,
            f"the file is empty; a register needs a header row ({', '.join(COLUMNS)})",
        ))


def _header_ok(header: list[str], line: int, collector: _Collector) -> bool:
    missing = [column for column in REQUIRED_COLUMNS if column not in header]
    if len(missing) == len(REQUIRED_COLUMNS):
        collector.problems.append(RegisterProblem(
            collector.source, line,
            "this does not look like a register: the first row should be the header "
            f"{','.join(COLUMNS)}",
        ))
        return False
    duplicated = sorted({column for column in header if header.count(column) > 1 and column})
    unknown = [column for column in header if column not in KNOWN_COLUMNS]
    for column in missing:
        collector.problems.append(RegisterProblem(
            collector.source, line, f"the header has no {column} column", column))
    for column in duplicated:
        collector.problems.append(RegisterProblem(
            collector.source, line, f"the header names the {column} column twice", column))
    for column in unknown:
        collector.problems.append(RegisterProblem(
            collector.source, line,
            f"unknown column {column!r}; the columns are {', '.join(COLUMNS)}", column))
    return not missing and not duplicated


def _collect_json(data: bytes, collector: _Collector) -> dict[str, Any]:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        collector.problems.append(RegisterProblem(
            collector.source, line, "not valid UTF-8; save the JSON file as UTF-8"))
        return {}
    try:
        document = parse_json_register(text)
    except JsonSyntaxError as exc:
        collector.problems.append(RegisterProblem(collector.source, exc.line, exc.message))
        return {}
    for line, item in document.records:
        if not isinstance(item, dict):
            collector.problems.append(RegisterProblem(
                collector.source, line, "each record must be a JSON object"))
            continue
        unknown = [key for key in item if key not in KNOWN_COLUMNS]
        for key in unknown:
            collector.problems.append(RegisterProblem(
                collector.source, line,
                f"unknown member {key!r}; the members are {', '.join(COLUMNS)}", str(key)))
        if not unknown:
            collector.add_row(item, line, from_csv=False)
    return document.metadata


def _is_json(data: bytes, path: Path | None) -> bool:
    suffix = path.suffix.lower() if path is not None else ""
    if suffix == ".json":
        return True
    if suffix == ".csv":
        return False
    head = data[:64].lstrip(b"\xef\xbb\xbf \t\r\n")
    return head[:1] in (b"[", b"{")


def _metadata_value(metadata: Mapping[str, Any], key: str) -> Any:
    provenance = metadata.get("provenance")
    if isinstance(provenance, dict) and key in provenance:
        return provenance[key]
    return metadata.get(key)


def _as_of(metadata: Mapping[str, Any], source: str, path: Path | None) -> date:
    stated = _metadata_value(metadata, "as_of")
    if isinstance(stated, str):
        try:
            return date.fromisoformat(stated)
        except ValueError:
            raise RegisterValidationError(source, [RegisterProblem(
                source, None, f"as_of {stated!r} is not a date in the form YYYY-MM-DD", "as_of",
            )]) from None
    if stated is not None:  # a number or a list, which would quietly become the file's date
        raise RegisterValidationError(source, [RegisterProblem(
            source, None, f"as_of {stated!r} is not a date in the form \"YYYY-MM-DD\" (a JSON string)", "as_of",
        )])
    if path is not None:
        try:
            modified = path.stat().st_mtime
        except OSError:
            pass
        else:
            return datetime.fromtimestamp(modified, tz=timezone.utc).date()
    return date.today()


def parse_register_bytes(data: bytes, source: str, *, as_of: date | None = None,
                         is_example: bool | None = None, path: Path | None = None,
                         source_files: tuple[str, ...] = ()) -> Register:
    """Build a register from the bytes of a CSV or JSON register file (read from ``source_files``).

    ``source`` names the data in messages and provenance. Raises
    :class:`RegisterValidationError` listing every problem when any row is invalid.
    """
    collector = _Collector(source)
    metadata: dict[str, Any] = {}
    if _is_json(data, path):
        metadata = _collect_json(data, collector)
    else:
        _collect_csv(data, collector)
    if collector.problems:
        raise RegisterValidationError(source, collector.problems)
    records = [record for _line, record in collector.records.values()]
    if not records:  # a header alone (an export that failed, the wrong sheet): every check would say not listed
        collector.warnings.append(RegisterProblem(
            source, None, "the register lists no qualifications, so every check will find none listed; check it "
                          "is the right file"))
    when = as_of if as_of is not None else _as_of(metadata, source, path)
    example = is_example if is_example is not None else (
        _metadata_value(metadata, "is_example") is True
        or (bool(records) and all(is_example_id(r.qualification_id) for r in records))
    )
    provenance = RegisterProvenance(
        source=source, sha256=hashlib.sha256(data).hexdigest(), as_of=when,
        rows=len(records), is_example=example,
    )
    return Register(records, provenance, warnings=collector.warnings, source_files=source_files)


def load_register(path: str | os.PathLike[str] | bytes | IO[bytes] | None = None, *,
                  as_of: date | None = None) -> Register:
    """Load a register file (CSV or JSON, by extension or content): a path, its bytes or a binary file object.

    ``None`` loads the built-in example register. Raises
    :class:`~htq_mark.errors.RegisterError` when the file cannot be read and
    :class:`~htq_mark.errors.RegisterValidationError` listing every invalid row.
    """
    if path is None:
        return default_register()
    if isinstance(path, (bytes, bytearray, memoryview)):
        return _register_from_bytes(bytes(path), "<bytes>", as_of)
    if not isinstance(path, (str, os.PathLike)):
        if not callable(getattr(path, "read", None)):
            raise UsageError(f"load_register takes a path, bytes or a binary file object, not {type(path).__name__}.")
        name = getattr(path, "name", None)
        source = name if isinstance(name, str) else "<stream>"
        data = path.read(MAX_REGISTER_BYTES + 1)
        if not isinstance(data, (bytes, bytearray)):
            raise RegisterError(f"{source}: the file object gave text, not bytes; open it in binary mode ('rb').")
        opened = _path_of_stream(path)  # an open file is a file read from, guarded as one
        return _register_from_bytes(bytes(data), source, as_of, () if opened is None else (opened,))
    target = Path(path)
    if "\0" in str(target):
        raise RegisterError(f"{str(target)!r}: a path cannot hold a NUL character; check the path of the register.")
    data = read_source_bytes(target, limit=MAX_REGISTER_BYTES, what="register")
    return parse_register_bytes(data, str(target), as_of=as_of, path=target, source_files=(os.path.abspath(target),))


def _path_of_stream(stream: object) -> str | None:
    """The path of the regular file a file object reads, if it has a descriptor and one can tell."""
    try:
        descriptor = stream.fileno()  # type: ignore[attr-defined]
    except (AttributeError, OSError, ValueError):
        return None
    return path_of_descriptor(descriptor) if isinstance(descriptor, int) else None


def _register_from_bytes(data: bytes, source: str, as_of: date | None,
                         source_files: tuple[str, ...] = ()) -> Register:
    if len(data) > MAX_REGISTER_BYTES:
        raise RegisterError(f"{source}: the register is larger than {MAX_REGISTER_BYTES:,} bytes; "
                            "split it or remove what is not needed.")
    return parse_register_bytes(data, source, as_of=as_of, source_files=source_files)


def default_register() -> Register:
    """The built-in example register (a fresh object each call).

    It holds fictional qualifications in the ``999/`` series, which no real QN
    uses: it is example data, not the official list.
    """
    return parse_register_bytes(example_register_bytes(), EXAMPLE_SOURCE,
                                as_of=EXAMPLE_AS_OF, is_example=True, source_files=(example_register_file(),))


def configured_register_path(path: str | os.PathLike[str] | None = None, *,
                             environ: Mapping[str, str] | None = None) -> str | None:
    """The file :func:`configured_register` loads: ``path`` if given, else ``$HTQ_MARK_REGISTER``'s
    (spaces around it dropped); None for the built-in example."""
    if path is not None and str(path) != "":
        return os.fspath(path)
    env = os.environ if environ is None else environ
    return env.get(REGISTER_ENV_VAR, "").strip() or None


def configured_register_file(path: str | os.PathLike[str] | None = None, *,
                             environ: Mapping[str, str] | None = None) -> str:
    """The file :func:`configured_register` reads: :func:`configured_register_path`'s, else the example's own."""
    return configured_register_path(path, environ=environ) or example_register_file()


def configured_register(path: str | os.PathLike[str] | None = None, *,
                        environ: Mapping[str, str] | None = None) -> Register:
    """The register to use: ``path`` if given, else ``$HTQ_MARK_REGISTER``, else the example.

    This is how every entry point (``generate``, ``scan``, the command line...) picks its
    register when none is given.
    """
    if path is not None and str(path) != "":
        return load_register(path)
    named = configured_register_path(environ=environ)
    if named:
        try:
            return load_register(named)
        except RegisterValidationError:
            raise
        except RegisterError as exc:
            raise RegisterError(f"{exc} (the file is named by {REGISTER_ENV_VAR})") from exc
    return default_register()


@dataclass(frozen=True)
class RegisterValidation:
    """The outcome of validating a register file: every problem and warning."""

    source: str
    rows: int | None
    problems: tuple[RegisterProblem, ...]
    warnings: tuple[RegisterProblem, ...]

    @property
    def valid(self) -> bool:
        """Whether the file loads (warnings do not stop it)."""
        return not self.problems

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "source": self.source,
            "valid": self.valid,
            "rows": self.rows,
            "problems": [_problem_dict(problem) for problem in self.problems],
            "warnings": [_problem_dict(warning) for warning in self.warnings],
        }


def _problem_dict(problem: RegisterProblem) -> dict[str, Any]:
    return {"source": problem.source, "line": problem.line, "field": problem.field,
            "message": problem.message}


def validate_register_file(path: str | os.PathLike[str]) -> RegisterValidation:
    """Validate a register file, listing every problem with its line.

    Raises :class:`~htq_mark.errors.RegisterError` only when the file cannot be read.
    """
    try:
        register = load_register(path)
    except RegisterValidationError as exc:
        return RegisterValidation(str(path), None, exc.problems, ())
    return RegisterValidation(str(path), len(register), (), register.warnings)
