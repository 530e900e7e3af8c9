"""Kit folders made by code for the tests: a copy of the bundled kit, then edited."""

from __future__ import annotations

import shutil
from pathlib import Path

from htq_mark.kit import bundled_kit_path

SPEC = Path("guidelines") / "spec.toml"


def copy_bundled_kit(target: Path) -> Path:
    """Copy the bundled kit's spec and artwork into ``target``; return it."""
    source = bundled_kit_path()
    (target / "guidelines").mkdir(parents=True)
    shutil.copyfile(source / SPEC, target / SPEC)
    shutil.copytree(source / "assets", target / "assets")
    return target


def edit_spec(kit: Path, old: str, new: str) -> None:
    """Replace one exact piece of the kit's spec text (it must be there once)."""
    path = kit / SPEC
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} is not in the spec exactly once"
    path.write_text(text.replace(old, new), encoding="utf-8")


def spec_text() -> str:
    """The bundled spec's text."""
    return (bundled_kit_path() / SPEC).read_text(encoding="utf-8")
