"""generate, pack and register export never write over a file they read, even with --force."""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

import htq_mark
import htq_mark.register
from htq_mark.cli import cli
from htq_mark.register import EXAMPLE_ENTITLED_ID, export_register


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
    (tmp_path / "packed").mkdir()
    for name in ("reg.csv", "manifest.json"):  # a pack folder holding registers, one where a pack file goes
        shutil.copy(tmp_path / "reg.csv", tmp_path / "packed" / name)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _digests(folder: Path) -> dict[str, str]:
    return {str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(folder.rglob("*")) if path.is_file()}


GENERATE = ["generate", "--kit", "kit", "--variant", "colour", "--width", "600px", "--force"]
PACK = ["pack", "--kit", "kit", "--variant", "colour", "--preset", "web", "--force"]
EXPORT = ["register", "export", "--register", "reg.csv", "--force"]
ENTITLED = ["--qualification", EXAMPLE_ENTITLED_ID]


@pytest.mark.parametrize("args", [
    [*GENERATE, "-o", "kit/assets/htq-mark-colour.svg"],
    [*GENERATE, "--format", "svg", "-o", "kit/guidelines/spec.toml"],
    [*GENERATE, *ENTITLED, "--format", "svg", "--register", "reg.csv", "-o", "reg.csv"],
    [*GENERATE, "--format", "svg", "--register", "reg.csv", "-o", "reg.csv"],  # given, if not needed
    [*PACK, *ENTITLED, "--register", "packed/manifest.json", "-o", "packed"],
    [*EXPORT, "--format", "json", "-o", "reg.csv"],
    [*EXPORT, "--format", "csv", "-o", "./reg.csv"],
])
def test_a_file_read_is_never_written_over(args: list[str], work: Path) -> None:
    """Before, each of these replaced the kit's artwork or spec, or the register, and exited 0."""
    before = _digests(work)
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2, result.output
    assert "is a file this reads from" in result.output and "elsewhere" in result.output
    assert _digests(work) == before


def test_the_register_named_in_the_environment_is_kept_too(work: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Spaces round the name are dropped when the register is loaded, and so when it is looked for."""
    monkeypatch.setenv("HTQ_MARK_REGISTER", " reg.csv ")
    before = _digests(work)
    result = CliRunner().invoke(cli, ["register", "export", "--format", "json", "-o", "reg.csv", "--force"])
    assert result.exit_code == 2 and "this reads from" in result.output
    assert _digests(work) == before


@pytest.mark.parametrize("args", [
    [*GENERATE, "-o", "kit/assets/extra.svg"],  # a new file beside the kit's own, written twice
    [*PACK, "-o", "kit"],  # a pack's files sit beside the kit's, replacing none of them
    [*PACK, *ENTITLED, "--register", "packed/reg.csv", "-o", "packed"],
    [*EXPORT, "--format", "csv", "-o", "copy.csv"],
])
def test_a_file_not_read_may_be_written(args: list[str], work: Path) -> None:
    kept = {name: digest for name, digest in _digests(work).items()
            if name.startswith("kit/") or name in ("reg.csv", "packed/reg.csv")}
    for _ in range(2):
        result = CliRunner().invoke(cli, args)
        assert result.exit_code == 0, result.output
    assert {name: digest for name, digest in _digests(work).items() if name in kept} == kept


@pytest.mark.parametrize(("args", "guarded"), [
    (["generate", "--variant", "colour", "--width", "600px", "--format", "svg", "--force", "-o"],
     lambda: htq_mark.load_kit().artwork["colour"].path),
    (["scan", "--ocr", "never", "-q", "--format", "json", "--force", "--fail-on", "never", "-o"],
     lambda: htq_mark.load_kit().source_files[0]),
    (["register", "export", "--format", "csv", "--force", "-o"],
     lambda: Path(htq_mark.register.__file__).parent / "data" / "example-register.csv"),
])
def test_the_bundled_kit_and_the_built_in_register_are_guarded_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                    args: list[str], guarded: Callable[[], object]
                                                                    ) -> None:
    """Before, only a kit or register given by name was: in a checkout, -o onto the bundled spec or artwork, or the
    example register, replaced it, and every command failed after. Tried through a link, so the files stay whole."""
    target = Path(str(guarded()))
    link = tmp_path / f"link{target.suffix}"
    link.symlink_to(target)
    before = target.read_bytes()
    monkeypatch.chdir(tmp_path)
    extra = ["--", str(Path(htq_mark.__file__).parent / "py.typed")] if args[0] == "scan" else []
    result = CliRunner().invoke(cli, [*args, str(link), *extra])
    assert result.exit_code == 2, result.output
    assert "this reads from" in result.output or "is one of the kit's files" in result.output
    assert target.read_bytes() == before and link.is_symlink()
