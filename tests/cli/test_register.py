"""`htq-mark register info|validate|export`."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from htq_mark.cli import cli
from htq_mark.register import COLUMNS, default_register, load_register

GOOD = (
    ",".join(COLUMNS) + "\n"
    "603/7595/4,Level 4 Certificate in Software Development,Test Awards,4,Digital,ST0116,1,"
    "2022-03-01,2022-09-01,,\n"
)


def run(*args: str, env: dict[str, str] | None = None) -> Result:
    environment = {"HTQ_MARK_REGISTER": ""}
    environment.update(env or {})
    return CliRunner().invoke(cli, ["register", *args], env=environment)


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_info_says_the_default_is_example_data() -> None:
    result = run("info", "--date", "2026-11-23")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == ("EXAMPLE DATA - not the official list; load the official list by naming its file "
                        "(HTQ_MARK_REGISTER=FILE)")
    assert f"sha256:   {default_register().provenance.sha256}" in lines
    assert "as of:    2026-11-01" in lines
    assert any(line.startswith("on 2026-11-23: 110 entitled, 10 withdrawn") for line in lines)


def test_info_json_and_another_register(tmp_path: Path) -> None:
    path = write(tmp_path, "official.csv", GOOD)
    data = json.loads(run("info", "--register", str(path), "--format", "json").stdout)
    assert data["register"]["source"] == str(path)
    assert data["register"]["is_example"] is False
    assert data["records"] == 1
    from_env = run("info", "--format", "json", env={"HTQ_MARK_REGISTER": str(path)})
    assert json.loads(from_env.stdout)["register"]["source"] == str(path)


def test_validate_a_good_file(tmp_path: Path) -> None:
    path = write(tmp_path, "good.csv", GOOD + GOOD.splitlines()[1] + "\n")
    result = run("validate", str(path))
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0] == f"{path}: valid register, 1 rows"
    assert "warning:" in result.stdout and "counted once" in result.stdout


def test_validate_lists_every_problem_and_exits_2(tmp_path: Path) -> None:
    rows = GOOD.splitlines()
    bad = "\n".join([rows[0], rows[1].replace(",4,", ",7,"), "junk,x", rows[1].replace(
        "Digital", "Space").replace("603/7595/4", "601/2977/3")]) + "\n"
    path = write(tmp_path, "bad.csv", bad)
    result = run("validate", str(path))
    assert result.exit_code == 2
    assert f"{path}: not a valid register: 3 problem(s)" in result.stdout
    assert f"{path}:2: [level]" in result.stdout
    assert f"{path}:3:" in result.stdout
    assert f"{path}:4: [route]" in result.stdout
    data = json.loads(run("validate", str(path), "--format", "json").stdout)
    assert (data["valid"], [p["line"] for p in data["problems"]]) == (False, [2, 3, 4])


def test_validate_binary_garbage_exits_2_without_a_traceback(tmp_path: Path) -> None:
    path = tmp_path / "garbage.csv"
    path.write_bytes(bytes(range(256)) * 20)
    result = run("validate", str(path))
    assert result.exit_code == 2
    assert "Traceback" not in result.output


@pytest.mark.parametrize("args", [["validate"], ["export"], ["info", "--format", "xml"]])
def test_usage_errors_exit_2(args: list[str]) -> None:
    assert run(*args).exit_code == 2


def test_validate_a_missing_file_exits_2(tmp_path: Path) -> None:
    result = run("validate", str(tmp_path / "missing.csv"))
    assert result.exit_code == 2
    assert "no such file" in result.stderr


def test_export_csv_prints_the_canonical_register() -> None:
    result = run("export", "--format", "csv")
    assert result.exit_code == 0
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert tuple(rows[0]) == COLUMNS
    assert len(rows) == len(default_register()) + 1


def test_export_json_round_trips(tmp_path: Path) -> None:
    result = run("export", "--format", "json")
    path = write(tmp_path, "again.json", result.stdout)
    assert load_register(path).records == default_register().records


def test_export_to_a_file_keeps_an_existing_one_unless_forced(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    assert run("export", "--format", "csv", "--output", str(target)).exit_code == 0
    again = run("export", "--format", "csv", "--output", str(target))
    assert again.exit_code == 2 and "--force" in again.stderr
    before = target.read_bytes()
    other = run("export", "--format", "json", "-o", str(target), "--force")  # read back as CSV: refused
    assert other.exit_code == 2 and "the suffix .csv means csv" in other.stderr and target.read_bytes() == before
    assert run("export", "--format", "csv", "-o", str(target), "--force").exit_code == 0


def test_export_applies_ofqual_data_in_json(tmp_path: Path) -> None:
    ofqual = write(tmp_path, "ofqual.csv", "Qualification Number,Qualification Status\n"
                                           "999/1001/9,No longer awarded\n")
    data = json.loads(run("export", "--format", "json", "--ofqual", str(ofqual)).stdout)
    first = data["records"][0]
    assert first["regulated_status"] == "No longer awarded"
    assert data["provenance"]["ofqual"]["source"] == str(ofqual)
