"""Exporting registers: canonical CSV and JSON, formula safety, round trips."""

from __future__ import annotations

import csv
import io
import json
import os
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from htq_mark import load_register
from htq_mark.errors import OutputExistsError, UsageError
from htq_mark.register import (
    COLUMNS,
    ExportFormat,
    Register,
    default_register,
    export_register,
    import_ofqual,
    neutralise_cell,
    parse_register_bytes,
    write_register,
)
from htq_mark.register._example import example_register_file


@pytest.mark.parametrize(("cell", "safe"), [
    ("=SUM(A1:A9)", "'=SUM(A1:A9)"),
    ("+44 20", "'+44 20"),
    ("-1", "'-1"),
    ("@cmd", "'@cmd"),
    ("\tx", "'\tx"),
    ("\rx", "'\rx"),
    ("'=already", "''=already"),
    ("'plain", "'plain"),
    ("plain = fine", "plain = fine"),
    ("", ""),
])
def test_formula_cells_are_neutralised(cell: str, safe: str) -> None:
    assert neutralise_cell(cell) == safe


def test_csv_export_has_exactly_the_canonical_columns(example: Register) -> None:
    rows = list(csv.reader(io.StringIO(export_register(example, "csv").decode("utf-8"))))
    assert tuple(rows[0]) == COLUMNS
    assert len(rows) == len(example) + 1
    assert rows[1][:2] == [example.records[0].qualification_id, example.records[0].title]


def test_the_example_register_round_trips_through_csv_and_json(example: Register) -> None:
    for fmt in ("csv", "json"):
        again = parse_register_bytes(export_register(example, fmt), f"again.{fmt}",  # type: ignore[arg-type]
                                     path=Path(f"again.{fmt}"))
        assert again.records == example.records
        assert again.provenance.is_example


def test_json_export_carries_provenance_and_reloads_its_as_of(example: Register) -> None:
    document = json.loads(export_register(example, "json"))
    assert document["format"] == "htq-mark-register"
    assert document["provenance"]["sha256"] == example.provenance.sha256
    assert document["provenance"]["notice"].startswith("EXAMPLE DATA")
    again = parse_register_bytes(export_register(example, "json"), "again.json")
    assert again.provenance.as_of == example.provenance.as_of


def test_a_file_name_that_is_not_utf8_is_written_as_json_escapes(example: Register, tmp_path: Path) -> None:
    """Before, exporting a register read from such a file (its name in the provenance) raised UnicodeEncodeError.
    The name's other bytes show as \\x escapes, so the file is UTF-8 and loads again."""
    named = tmp_path / os.fsdecode(b"r\xff.csv")
    named.write_bytes(export_register(example, "csv"))
    data = export_register(load_register(named), "json")
    assert json.loads(data.decode("utf-8"))["provenance"]["source"].endswith("r\\xff.csv")
    again = parse_register_bytes(data, "again.json")  # what it writes, it reads back
    assert len(again) == len(example)


def test_hostile_text_round_trips_and_is_neutralised_in_csv(example: Register) -> None:
    base = example.records[0]
    hostile = [
        replace(base, title="=HYPERLINK(\"http://evil\")", awarding_body="+Awards, \"quoted\""),
        replace(base, qualification_id="999/1002/0", title="-minus", awarding_body="@at"),
        replace(base, qualification_id="999/1003/2", title="'=quoted already",
                withdrawal_date=date(2024, 1, 1), withdrawal_reason="=1+1"),
    ]
    register = Register.from_records(hostile)
    data = export_register(register, "csv")
    for line in data.decode().splitlines()[1:]:
        for cell in next(csv.reader([line])):
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert parse_register_bytes(data, "x.csv").records == register.records


def test_regulated_status_is_kept_in_json_only(example: Register) -> None:
    record = replace(example.records[0], regulated_status="No longer awarded",
                     regulated_end_date=date(2025, 1, 31))
    register = Register.from_records([record])
    from_json = parse_register_bytes(export_register(register, "json"), "r.json").records[0]
    from_csv = parse_register_bytes(export_register(register, "csv"), "r.csv").records[0]
    assert from_json == record
    assert from_csv == replace(record, regulated_status=None, regulated_end_date=None)


@pytest.mark.parametrize(("name", "fmt"), [("reg.json", "csv"), ("reg.CSV", "json")])
def test_a_suffix_naming_the_other_format_is_refused(example: Register, tmp_path: Path, name: str,
                                                    fmt: ExportFormat) -> None:
    """The register is read back by its suffix: CSV written as reg.json could not be loaded again."""
    with pytest.raises(UsageError, match=rf"the suffix \.{name[4:].lower()} means .*, but the format asked for is {fmt}"):
        write_register(example, tmp_path / name, fmt)
    assert not (tmp_path / name).exists()


@pytest.mark.parametrize(("name", "fmt"), [("reg.json", "json"), ("reg.csv", "csv"), ("reg.txt", "json"),
                                           ("reg.txt", "csv")])
def test_what_is_written_reads_back(example: Register, tmp_path: Path, name: str, fmt: ExportFormat) -> None:
    write_register(example, tmp_path / name, fmt)
    assert load_register(tmp_path / name).records == example.records


def test_write_register_keeps_an_existing_file_unless_forced(example: Register,
                                                             tmp_path: Path) -> None:
    target = tmp_path / "out.register"
    write_register(example, target, "csv")
    with pytest.raises(OutputExistsError):
        write_register(example, target, "json")
    write_register(example, target, "json", force=True)
    assert json.loads(target.read_bytes())["records"][0]["qualification_id"] == "999/1001/9"


@pytest.mark.parametrize("which", ["register", "ofqual data"])
def test_write_register_never_replaces_a_file_the_register_was_read_from(tmp_path: Path, which: str) -> None:
    """Before, only the command line refused: in Python, force=True replaced the register with its own export."""
    source = tmp_path / "register.csv"
    source.write_bytes(export_register(default_register(), "csv"))
    ofqual = tmp_path / "ofqual.csv"
    ofqual.write_text("Qualification Number,Qualification Status\n999/1001/9,Available to learners\n",
                      encoding="utf-8")
    register = import_ofqual(load_register(source), ofqual)
    assert register.source_files == (str(source), str(ofqual))
    target = source if which == "register" else ofqual
    before = target.read_bytes()
    with pytest.raises(UsageError, match=f"{target.name} is a file this reads from"):
        write_register(register, target, "csv", force=True)
    assert target.read_bytes() == before
    assert write_register(register, tmp_path / "copy.csv", "csv").is_file()


def test_a_register_loaded_by_a_relative_path_or_from_an_open_file_is_guarded_wherever_it_is_written_from(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Before, a relative path was judged against the folder current at writing (a chdir let it be replaced),
    and a register read from an open file was not guarded at all."""
    source = tmp_path / "register.csv"
    source.write_bytes(export_register(default_register(), "csv"))
    monkeypatch.chdir(tmp_path)
    by_name = load_register("register.csv")
    with open(source, "rb") as stream:
        from_stream = load_register(stream)
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "elsewhere")
    before = source.read_bytes()
    for register in (by_name, from_stream):
        assert register.source_files == (str(source),)
        with pytest.raises(UsageError, match="register.csv is a file this reads from"):
            write_register(register, source, "json", force=True)
    assert source.read_bytes() == before


def test_the_example_registers_own_file_is_guarded_and_one_built_in_memory_has_none(example: Register) -> None:
    assert default_register().source_files == (example_register_file(),)
    assert Register.from_records(example.records).source_files == ()


def test_an_unknown_format_is_a_usage_error(example: Register) -> None:
    with pytest.raises(UsageError, match="'xml' is not an export format"):
        export_register(example, "xml")  # type: ignore[arg-type]
