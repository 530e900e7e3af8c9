"""Generator tests run on the bundled kit and the example register, without a build date."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from htq_mark.kit import bundled_kit_path


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HTQ_MARK_KIT", "HTQ_MARK_REGISTER", "SOURCE_DATE_EPOCH"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture()
def kit_copy(tmp_path: Path) -> Path:
    """A copy of the bundled kit in a folder of its own, to edit."""
    source = bundled_kit_path()
    target = tmp_path / "kit"
    (target / "guidelines").mkdir(parents=True)
    shutil.copyfile(source / "guidelines" / "spec.toml", target / "guidelines" / "spec.toml")
    shutil.copytree(source / "assets", target / "assets")
    return target


def edit_spec(kit: Path, old: str, new: str) -> None:
    """Replace one exact piece of a kit's spec text."""
    path = kit / "guidelines" / "spec.toml"
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1
    path.write_text(text.replace(old, new), encoding="utf-8")
