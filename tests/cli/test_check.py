"""`htq-mark check`: verdicts, formats, bulk files and exit statuses."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from htq_mark.cli import cli

ENTITLED = "999/1001/9"
WITHDRAWN = "999/2005/0"
FUTURE = "999/5024/8"
NOT_LISTED = "999/9999/7"
DATE = ["--date", "2026-11-23"]

REGISTER_CSV = (
    "qualification_id,title,awarding_body,level,route,standards,cycle,approval_date,"
    "first_teaching_date,withdrawal_date,withdrawal_reason\n"
    "603/7595/4,Level 4 Certificate in Software Development,Test Awards,4,Digital,ST0116,1,"
    "2022-03-01,2022-09-01,,\n"
)


def run(*args: str, env: dict[str, str] | None = None) -> Result:
    environment = {"HTQ_MARK_REGISTER": ""}
    environment.update(env or {})
    return CliRunner().invoke(cli, ["check", *args], env=environment)


@pytest.mark.parametrize(("ids", "status"), [
    ([ENTITLED], 0),
    ([ENTITLED, "99910019", "999 1001 9"], 0),
    ([ENTITLED, WITHDRAWN], 1),
    ([FUTURE], 1),
    ([NOT_LISTED], 1),
    (["not-a-number"], 1),
])
def test_exit_status_is_0_only_when_every_id_is_entitled(ids: list[str], status: int) -> None:
    result = run(*ids, *DATE)
    assert result.exit_code == status, result.output
    assert len(result.stdout.splitlines()) == 2 + len(ids)


@pytest.mark.parametrize(("command", "option"), [
    (["check", "999/1001/9"], "--register"), (["check", "999/1001/9"], "--ofqual"),
    (["register", "info"], "--register"), (["register", "info"], "--ofqual"),
    (["register", "export", "--format", "csv"], "--register"), (["register", "export", "--format", "csv"], "--ofqual"),
    (["generate", "-o", "x.png"], "--register"), (["generate", "-o", "x.png"], "--kit"),
    (["pack", "-o", "pack.zip"], "--register"), (["pack", "-o", "pack.zip"], "--kit"),
    (["kit", "info"], "--kit"), (["rules"], "--kit"),
])
def test_an_option_given_empty_is_refused_not_read_as_its_default(command: list[str], option: str, tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """An unset shell variable (``--register "$REGISTER"``) loaded the example register without a word."""
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, [*command, option, ""])
    assert result.exit_code == 2, result.output
    assert not list(tmp_path.iterdir())
    assert f"'{option}': is empty (an unset shell variable?)" in result.output


def test_text_output_has_a_header_and_one_line_per_id() -> None:
    result = run(ENTITLED, WITHDRAWN, "9999999 7", *DATE)
    lines = result.stdout.splitlines()
    assert lines[0].startswith("register: EXAMPLE DATA - not the official list")
    assert "sha256" in lines[0] and "as of 2026-11-01" in lines[0]
    assert lines[1] == "date: 2026-11-23"
    assert lines[2].startswith(f"{ENTITLED}: ENTITLED on 2026-11-23 - [entitled]")
    assert lines[3].startswith(f"{WITHDRAWN}: NOT ENTITLED") and "[withdrawn]" in lines[3]
    assert lines[4].startswith("9999999 7 (999/9999/7): NOT ENTITLED")


def test_json_output_is_an_array_of_decisions_with_provenance() -> None:
    result = run(ENTITLED, "junk", "--format", "json", *DATE)
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert [item["entitled"] for item in data] == [True, False]
    assert data[1]["reasons"][0]["code"] == "malformed-id"
    assert data[0]["register"]["is_example"] is True
    assert data[0]["on"] == "2026-11-23"


@pytest.mark.parametrize(("date", "words"), [
    ("2026-02-29", "the date '2026-02-29' is not a day of the calendar (day is out of range for month)"),
    ("2026-13-01", "the date '2026-13-01' is not a day of the calendar (month must be in 1..12)"),
    ("26-02-01", "the date '26-02-01' is not a date in the form YYYY-MM-DD, such as 2026-09-01"),
    ("२०२६-०२-०१", "is not a date in the form YYYY-MM-DD"),
])
def test_a_date_that_is_not_one_says_what_is_wrong(date: str, words: str) -> None:
    """A day the calendar lacks was said not to match the format '%Y-%m-%d', which it does."""
    result = run(ENTITLED, "--date", date)
    assert result.exit_code == 2 and words in result.stderr


def test_a_month_or_day_without_its_leading_zero_is_read() -> None:
    """As the command line always read them (and so does a config file): the library now reads them too."""
    assert json.loads(run(ENTITLED, "--format", "json", "--date", "2026-9-1").stdout)[0]["on"] == "2026-09-01"


def test_the_date_defaults_to_today_and_boundaries_apply() -> None:
    from datetime import date

    assert json.loads(run(ENTITLED, "--format", "json").stdout)[0]["on"] == date.today().isoformat()
    assert run("999/3004/3", "--date", "2027-08-30").exit_code == 0
    assert run("999/3004/3", "--date", "2027-08-31").exit_code == 1


@pytest.mark.parametrize(("args", "message"), [
    ([], "give at least one qualification number"),
    ([ENTITLED, "--date", "23/11/2026"], "23/11/2026"),
    ([ENTITLED, "--format", "xml"], "xml"),
    ([ENTITLED, "--column", "qn"], "--column only applies with --from-csv"),
])
def test_usage_errors_exit_2(args: list[str], message: str) -> None:
    result = run(*args)
    assert result.exit_code == 2
    assert message in result.stderr


def test_register_option_and_environment_variable(tmp_path: Path) -> None:
    path = tmp_path / "official.csv"
    path.write_text(REGISTER_CSV, encoding="utf-8")
    by_option = run("603/7595/4", "--register", str(path), *DATE)
    assert by_option.exit_code == 0
    assert by_option.stdout.startswith(f"register: {path} (1 rows")
    assert "EXAMPLE" not in by_option.stdout
    by_env = run("60375954", *DATE, env={"HTQ_MARK_REGISTER": str(path)})
    assert by_env.exit_code == 0
    assert run(ENTITLED, *DATE, env={"HTQ_MARK_REGISTER": str(path)}).exit_code == 1


def test_an_invalid_register_exits_2_listing_every_problem(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(REGISTER_CSV + REGISTER_CSV.splitlines()[1].replace(",4,", ",9,")
                    .replace("603/7595/4", "999/1001/9") + "\nnot,enough\n", encoding="utf-8")
    result = run(ENTITLED, "--register", str(path))
    assert result.exit_code == 2
    assert f"{path}: 2 problem(s)" in result.stderr
    assert f"{path}:3: [level]" in result.stderr and f"{path}:4:" in result.stderr
    assert "Traceback" not in result.output


def test_a_missing_register_exits_2(tmp_path: Path) -> None:
    result = run(ENTITLED, "--register", str(tmp_path / "missing.csv"))
    assert result.exit_code == 2
    assert "no such file" in result.stderr


def test_from_csv_gives_one_result_per_row(tmp_path: Path) -> None:
    path = tmp_path / "ids.csv"
    path.write_text(f"Course,Qualification Number\nA,{ENTITLED}\nB,{WITHDRAWN}\nC,\n",
                    encoding="utf-8")
    result = run("--from-csv", str(path), *DATE)
    assert result.exit_code == 1
    lines = result.stdout.splitlines()[2:]
    assert [line.split(":")[0] for line in lines] == ["line 2", "line 3", "line 4"]
    assert "ENTITLED" in lines[0] and "[withdrawn]" in lines[1] and "[malformed-id]" in lines[2]
    data = json.loads(run("--from-csv", str(path), "--format", "json", *DATE).stdout)
    assert [item["line"] for item in data] == [2, 3, 4]


def test_from_csv_with_a_named_column_and_extra_arguments(tmp_path: Path) -> None:
    path = tmp_path / "ids.csv"
    path.write_text(f"id,code\n1,{ENTITLED}\n", encoding="utf-8")
    result = run(ENTITLED, "--from-csv", str(path), "--column", "code", *DATE)
    assert result.exit_code == 0
    assert len(result.stdout.splitlines()) == 4


@pytest.mark.parametrize(("content", "message"), [
    ("a,b\n1,2\n", "--column NAME"),
    ("qn\n", "no rows with qualification IDs"),
])
def test_from_csv_problems_exit_2(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "ids.csv"
    path.write_text(content, encoding="utf-8")
    result = run("--from-csv", str(path))
    assert result.exit_code == 2
    assert message in result.stderr


def test_ofqual_data_is_applied(tmp_path: Path) -> None:
    path = tmp_path / "ofqual.csv"
    path.write_text("Qualification Number,Qualification Status,Operational End Date\n"
                    f"{ENTITLED},No longer available to learners,31/08/2026\n", encoding="utf-8")
    result = run(ENTITLED, "--ofqual", str(path), *DATE)
    assert result.exit_code == 1
    assert "[regulated-status-ended]" in result.stdout
    assert "regulated status from" in result.stdout.splitlines()[0]
