"""generate, pack and register export never write over a file they read, even with --force."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

import htq_mark
from htq_mark.cli import cli
from htq_mark.register import export_register


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HTQ_MARK_KIT", "HTQ_MARK_REGISTER", "SOURCE_DATE_EPOCH"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder holding a copy of the kit (kit/) and a CSV register (reg.csv), as the current folder."""
    for part in ("guidelines", "assets"):
        shutil.copytree(Path(htq_mark.load_kit().root, part), tmp_path / "kit" / part)
    (tmp_path / "reg.csv").write_bytes(export_register(htq_mark.load_register(None), "csv"))
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _digests(folder: Path) -> dict[str, str]:
    return {str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(folder.rglob("*")) if path.is_file()}


GENERATE = ["generate", "--kit", "kit", "--variant", "colour", "--width", "600px", "--force"]
PACK = ["pack", "--kit", "kit", "--variant", "colour", "--preset", "web", "--force"]
EXPORT = ["register", "export", "--register", "reg.csv", "--force"]


@pytest.mark.parametrize(("args", "words"), [
    ([*GENERATE, "-o", "kit/assets/htq-mark-colour.svg"], "one of the kit's files"),
    ([*GENERATE, "--format", "svg", "-o", "kit/guidelines/spec.toml"], "one of the kit's files"),
    ([*GENERATE, "--format", "svg", "--register", "reg.csv", "-o", "reg.csv"], "a file this command reads"),
    ([*PACK, "-o", "kit"], "holds one of the kit's files"),
    ([*PACK, "-o", "."], "holds"),
    ([*PACK, "--register", "packed/reg.csv", "-o", "packed"], "holds a file this command reads"),
    ([*EXPORT, "--format", "json", "-o", "reg.csv"], "a file this command reads"),
    ([*EXPORT, "--format", "csv", "-o", "./reg.csv"], "a file this command reads"),
])
def test_a_file_read_is_never_written_over(args: list[str], words: str, work: Path) -> None:
    """Before, each of these replaced the kit's artwork or spec, or the register, and exited 0."""
    (work / "packed").mkdir()
    shutil.copy(work / "reg.csv", work / "packed" / "reg.csv")
    before = _digests(work)
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2, result.output
    assert words in result.output and "elsewhere" in result.output
    assert _digests(work) == before


def test_the_register_named_in_the_environment_is_kept_too(work: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTQ_MARK_REGISTER", "reg.csv")
    before = _digests(work)
    result = CliRunner().invoke(cli, ["register", "export", "--format", "csv", "-o", "reg.csv", "--force"])
    assert result.exit_code == 2 and "reads" in result.output
    assert _digests(work) == before


def test_a_new_file_beside_the_kit_or_a_copy_of_the_register_is_written(work: Path) -> None:
    assert CliRunner().invoke(cli, [*GENERATE, "-o", "kit/assets/extra.svg"]).exit_code == 0
    assert CliRunner().invoke(cli, [*EXPORT, "--format", "csv", "-o", "copy.csv"]).exit_code == 0
    assert (work / "copy.csv").read_bytes() == (work / "reg.csv").read_bytes()
