"""`htq-mark kit info` and `htq-mark kit guide`."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from htq_mark.cli import cli
from htq_mark.generator._guide import GUIDE_PICTURES
from htq_mark.kit import bundled_kit_path, load_kit


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HTQ_MARK_KIT", raising=False)


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, ["kit", *args], catch_exceptions=False)


def _kit_copy(target: Path, name: str) -> Path:
    shutil.copytree(bundled_kit_path() / "assets", target / "assets")
    (target / "guidelines").mkdir()
    spec = (bundled_kit_path() / "guidelines" / "spec.toml").read_text(encoding="utf-8")
    (target / "guidelines" / "spec.toml").write_text(
        spec.replace('name = "htq-mark default kit"', f'name = "{name}"'), encoding="utf-8")
    return target


def test_info_shows_identity_variants_and_rules() -> None:
    result = run("info")
    assert result.exit_code == 0
    kit = load_kit()
    for text in (f"kit: {kit.name} {kit.version}", f"sha256: {kit.sha256}", "source: bundled",
                 "colour: Full colour - for light backgrounds", "white: Reversed, white - for dark, photo",
                 "minimum width: 25 mm in print, 150 px on screen",
                 "clear space: 0.25 x the artwork height on every side", "print-a4: 40mm at 300 dpi"):
        assert text in result.stdout


def test_info_as_json() -> None:
    summary = json.loads(run("info", "--json").stdout)
    assert summary["rules"]["minimum_width_px"] == 150
    assert summary["variants"]["colour"]["colours"][0] == {"name": "navy", "srgb": "#0B2545",
                                                           "cmyk": [100, 78, 30, 55]}
    assert summary["aspect_ratio"] == 3.2


def test_info_reads_another_kit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = _kit_copy(tmp_path / "brand", "Brand kit")
    assert "kit: Brand kit 1.0.0" in run("info", "--kit", str(folder)).stdout
    monkeypatch.setenv("HTQ_MARK_KIT", str(folder))
    assert "kit: Brand kit 1.0.0" in run("info").stdout


def test_a_line_break_in_a_kit_name_cannot_forge_lines(tmp_path: Path) -> None:
    folder = _kit_copy(tmp_path / "brand", "Official kit 9.9.9\\nsource: bundled")
    lines = run("info", "--kit", str(folder)).stdout.splitlines()
    assert lines[0] == "kit: Official kit 9.9.9\\x0asource: bundled 1.0.0"
    assert [line for line in lines if line.startswith("source:")] == [f"source: {folder}"]


def test_a_broken_kit_is_a_usage_error(tmp_path: Path) -> None:
    folder = _kit_copy(tmp_path / "brand", "Brand kit")
    spec = folder / "guidelines" / "spec.toml"
    spec.write_text(spec.read_text().replace("minimum_width_px = 150", "minimum_width_px = -3"))
    result = run("info", "--kit", str(folder))
    assert result.exit_code == 2
    assert "[size.minimum_width_px] must be greater than 0" in result.stderr


def test_guide_writes_every_picture_and_keeps_them_unless_forced(tmp_path: Path) -> None:
    result = run("guide", "-o", str(tmp_path / "images"))
    assert result.exit_code == 0, result.output
    assert {p.name for p in (tmp_path / "images").iterdir()} == {p.file_name for p in GUIDE_PICTURES}
    again = run("guide", "-o", str(tmp_path / "images"))
    assert again.exit_code == 2 and "already exists" in again.stderr
    assert run("guide", "-o", str(tmp_path / "images"), "--force").exit_code == 0
