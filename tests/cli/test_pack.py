"""`htq-mark pack`: folders and zips, and its error paths."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from htq_mark.cli import cli


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HTQ_MARK_KIT", "HTQ_MARK_REGISTER", "SOURCE_DATE_EPOCH"):
        monkeypatch.delenv(name, raising=False)


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, ["pack", *args], catch_exceptions=False)


def test_pack_writes_a_zip_with_its_manifest(tmp_path: Path) -> None:
    target = tmp_path / "mark.zip"
    result = run("--qualification", "999/1001/9", "--preset", "web", "--preset", "print-a4", "-o", str(target))
    assert result.exit_code == 0, result.output
    assert "wrote zip" in result.stdout and "24 files" in result.stdout
    with zipfile.ZipFile(target) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        assert "index.html" in archive.namelist()
    assert manifest["qualification"]["id"] == "999/1001/9"
    assert len(manifest["files"]) == 24


def test_pack_writes_a_folder(tmp_path: Path) -> None:
    result = run("--variant", "white", "--preset", "social", "-o", str(tmp_path / "pack"))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "pack" / "white" / "social" / "htq-mark-white-social.webp").is_file()


@pytest.mark.parametrize(("args", "code", "message"), [
    (["--preset", "huge"], 2, "unknown preset 'huge'"),
    (["--variant", "gold"], 2, "unknown variant 'gold'"),
    (["--colour-space", "lab"], 2, "'lab' is not one of"),
    (["--qualification", "999/2005/0", "--date", "2026-01-01"], 1, "NOT ENTITLED"),
    (["--date", "2026-01-01"], 2, "give --qualification too"),
    (["--kit", "nowhere"], 2, "nowhere: does not exist"),
])
def test_pack_errors_give_a_message_the_exit_status_and_no_file(tmp_path: Path, args: list[str], code: int,
                                                               message: str) -> None:
    result = run(*args, "-o", str(tmp_path / "p.zip"))
    assert result.exit_code == code
    assert message in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_a_non_empty_folder_needs_force(tmp_path: Path) -> None:
    (tmp_path / "p").mkdir()
    (tmp_path / "p" / "x.txt").write_text("x")
    result = run("--preset", "web", "-o", str(tmp_path / "p"))
    assert result.exit_code == 2
    assert "the folder is not empty" in result.stderr
    assert run("--preset", "web", "--variant", "black", "--force", "-o", str(tmp_path / "p")).exit_code == 0
    assert (tmp_path / "p" / "manifest.json").is_file()


@pytest.mark.parametrize("name", ["p.tar.gz", "p.tgz", "p.7z", "p.tar"])
def test_an_archive_name_that_is_not_zip_is_refused_not_made_a_folder(tmp_path: Path, name: str) -> None:
    result = run("--preset", "web", "--variant", "colour", "-o", str(tmp_path / name))
    assert result.exit_code == 2 and ".zip file or a folder" in result.output
    assert not (tmp_path / name).exists()


@pytest.mark.parametrize(("epoch", "stamp"), [("4354819200", (2107, 12, 31, 23, 59, 58)),
                                              ("0", (1980, 1, 1, 0, 0, 0))])
def test_a_build_date_a_zip_cannot_record_is_kept_within_its_range(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                   epoch: str, stamp: tuple[int, ...]) -> None:
    """2108 (past what a ZIP records) was an internal error."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
    target = tmp_path / "mark.zip"
    result = run("--preset", "web", "-o", str(target))
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(target) as archive:
        assert {info.date_time for info in archive.infolist()} == {stamp}


def test_a_folder_that_cannot_be_written_is_a_clear_error(tmp_path: Path) -> None:
    """Even root cannot make a folder in /proc: the staging folder beside the pack was an internal error."""
    result = CliRunner().invoke(cli, ["pack", "--preset", "web", "-o", "/proc/htq-mark-pack"])
    assert result.exit_code == 2, result.output
    assert "/proc/htq-mark-pack: the folder /proc cannot be written to" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_a_pack_name_with_a_newline_is_shown_on_one_line(tmp_path: Path) -> None:
    """Before, the name was printed as it is, its newline breaking the line (generate already escaped it)."""
    target = tmp_path / "n\nl.zip"
    result = run("-o", str(target), "--variant", "colour", "--preset", "web")
    assert result.exit_code == 0, result.output
    assert result.output.count("\n") == 1 and "n\\x0al.zip" in result.output
    assert target.is_file()
