"""`htq-mark generate`: the contract other tools rely on, and every error path."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from PIL import Image

from htq_mark.cli import cli


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HTQ_MARK_KIT", "HTQ_MARK_REGISTER", "SOURCE_DATE_EPOCH"):
        monkeypatch.delenv(name, raising=False)


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, ["generate", *args], catch_exceptions=False)


def test_generate_writes_the_file_and_prints_its_sizes(tmp_path: Path) -> None:
    target = tmp_path / "mark.png"
    result = run("--variant", "colour", "--format", "png", "--width", "300px", "-o", str(target))
    assert result.exit_code == 0, result.output
    assert Image.open(target).size == (348, 142)
    assert "artwork 300 x 94 px" in result.stdout and "canvas 348 x 142 px" in result.stdout
    assert "at 300 dpi" in result.stdout


def test_all_the_documented_options_work_together(tmp_path: Path) -> None:
    target = tmp_path / "mark.pdf"
    result = run("--variant", "white", "--format", "pdf", "--width", "40mm", "--dpi", "600", "--no-clear-space",
                 "--qualification", "999/1001/9", "--date", "2026-01-05", "--colour-space", "cmyk",
                 "-o", str(target))
    assert result.exit_code == 0, result.output
    assert target.read_bytes().startswith(b"%PDF-")
    assert "(40.00 x 12.50 mm)" in result.stdout


def test_dash_writes_to_stdout() -> None:
    result = run("--variant", "black", "--format", "svg", "--width", "40mm", "-o", "-")
    assert result.exit_code == 0
    assert result.stdout_bytes.startswith(b"<?xml") and b'width="46.25mm"' in result.stdout_bytes
    assert "canvas" in result.stderr


@pytest.mark.parametrize(("args", "code", "message"), [
    (["--width", "149px"], 2, "the minimum is 150 px"),
    (["--width", "24mm"], 2, "the minimum is 25 mm"),
    (["--width", "24mm", "--format", "pdf"], 2, "the minimum is 25 mm"),
    (["--width", "200px", "--format", "eps"], 2, "the minimum is 296 px"),
    (["--width", "300"], 2, "not a number with a unit"),
    (["--variant", "gold"], 2, "unknown variant 'gold'"),
    (["--format", "gif"], 2, "'gif' is not one of"),
    (["--dpi", "5"], 2, "--dpi"),
    (["--colour-space", "cmyk"], 2, "--colour-space cmyk is for pdf and eps only"),
    (["--date", "2026-13-01", "--qualification", "999/1001/9"], 2, "--date"),
    (["--date", "2026-01-01"], 2, "give --qualification too"),
    (["--qualification", "999/2005/0", "--date", "2026-01-01"], 1, "NOT ENTITLED"),
    (["--qualification", "999/9999/7"], 1, "not-on-register"),
    (["--qualification", "not a number"], 1, "malformed-id"),
    (["--register", "missing.csv", "--qualification", "999/1001/9"], 2, "missing.csv"),
    (["--kit", "no-such-kit"], 2, "no-such-kit: does not exist"),
])
def test_errors_give_a_message_the_exit_status_and_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                          args: list[str], code: int, message: str) -> None:
    monkeypatch.chdir(tmp_path)
    options = {"--variant": "colour", "--format": "png", "--width": "300px"}
    for index in range(0, len(args), 2):
        options[args[index]] = args[index + 1]
    flat = [part for pair in options.items() for part in pair]
    result = run(*flat, "-o", "out.file")
    assert result.exit_code == code
    assert message in result.stderr
    assert "Traceback" not in result.output
    assert list(tmp_path.iterdir()) == []


def test_an_existing_file_needs_force(tmp_path: Path) -> None:
    target = tmp_path / "mark.png"
    target.write_bytes(b"keep me")
    args = ["--variant", "colour", "--format", "png", "--width", "300px", "-o", str(target)]
    result = run(*args)
    assert result.exit_code == 2
    assert "mark.png: the file already exists" in result.stderr and "--force" in result.stderr
    assert target.read_bytes() == b"keep me"
    assert run(*args, "--force").exit_code == 0
    assert Image.open(io.BytesIO(target.read_bytes())).size == (348, 142)
    assert [p.name for p in tmp_path.iterdir()] == ["mark.png"]


def test_a_missing_output_folder_is_a_usage_error(tmp_path: Path) -> None:
    result = run("--variant", "colour", "--format", "png", "--width", "300px", "-o", str(tmp_path / "no" / "m.png"))
    assert result.exit_code == 2
    assert "does not exist; create it first" in result.stderr


def test_required_options_are_named() -> None:
    result = run("--variant", "colour", "--format", "png")
    assert result.exit_code == 2
    assert "--width" in result.stderr


def test_two_runs_write_identical_files(tmp_path: Path) -> None:
    for name in ("a.eps", "b.eps"):
        assert run("--variant", "colour", "--format", "eps", "--width", "30mm", "-o", str(tmp_path / name)).exit_code == 0
    assert (tmp_path / "a.eps").read_bytes() == (tmp_path / "b.eps").read_bytes()


@pytest.mark.parametrize(("fmt", "name"), [("png", "x.jpg"), ("svg", "x.PNG"), ("pdf", "x.eps"),
                                           ("jpg", "x.webp")])
def test_an_output_suffix_of_another_format_is_refused(tmp_path: Path, fmt: str, name: str) -> None:
    result = run("--variant", "colour", "--format", fmt, "--width", "300px", "-o", str(tmp_path / name))
    assert result.exit_code == 2
    assert "is for" in result.output and "but the format is" in result.output
    assert not (tmp_path / name).exists()


@pytest.mark.parametrize(("fmt", "name"), [("jpg", "x.jpeg"), ("png", "x.PNG"), ("eps", "x.ps"),
                                           ("png", "mark")])
def test_a_matching_or_neutral_suffix_is_accepted(tmp_path: Path, fmt: str, name: str) -> None:
    result = run("--variant", "colour", "--format", fmt, "--width", "300px", "-o", str(tmp_path / name))
    assert result.exit_code == 0, result.output
    assert (tmp_path / name).is_file()


@pytest.mark.parametrize(("name", "starts"), [("x.png", b"\x89PNG"), ("x.JPEG", b"\xff\xd8"), ("x.pdf", b"%PDF"),
                                              ("x.ps", b"%!PS"), ("x.webp", b"RIFF"), ("x.svg", b"<")])
def test_without_format_the_output_suffix_chooses_it(tmp_path: Path, name: str, starts: bytes) -> None:
    result = run("--variant", "colour", "--width", "300px", "-o", str(tmp_path / name))
    assert result.exit_code == 0, result.output
    assert (tmp_path / name).read_bytes().lstrip().startswith(starts)


@pytest.mark.parametrize(("name", "says"), [("mark", "give --format"), ("mark.txt", "give --format"),
                                           ("-", "(-o -) needs --format")])
def test_without_format_an_output_naming_none_is_a_usage_error(tmp_path: Path, name: str, says: str) -> None:
    output = name if name == "-" else str(tmp_path / name)
    result = run("--variant", "colour", "--width", "300px", "-o", output)
    assert result.exit_code == 2
    assert says in result.output and "Traceback" not in result.output
    assert list(tmp_path.iterdir()) == []
