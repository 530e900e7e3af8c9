"""Loading kits: the bundled one, a folder of one's own, and the environment variable."""

from __future__ import annotations

import dataclasses
import re

from pathlib import Path

import pytest

from htq_mark.errors import KitError, SpecError, UnsafeArtworkError
from htq_mark.kit import KIT_ENV_VAR, load_kit

from .factory import copy_bundled_kit, edit_spec


@pytest.fixture(autouse=True)
def _no_kit_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(KIT_ENV_VAR, raising=False)


def test_the_bundled_kit_loads_every_variant() -> None:
    kit = load_kit()
    assert kit.bundled
    assert set(kit.artwork) == {"colour", "black", "white"}
    assert kit.aspect_ratio == pytest.approx(3.2)
    assert kit.describe()["source"] == "bundled"
    assert len(kit.sha256) == 64


def test_a_custom_kit_folder_is_used(tmp_path: Path) -> None:
    folder = copy_bundled_kit(tmp_path / "brand")
    edit_spec(folder, 'version = "1.0.0"', 'version = "2.5.0"')
    kit = load_kit(folder)
    assert (kit.version, kit.bundled, kit.root) == ("2.5.0", False, folder)
    assert kit.describe()["source"] == str(folder)
    assert kit.sha256 != load_kit().sha256


def test_a_spec_with_a_byte_order_mark_loads(tmp_path: Path) -> None:
    """As some Windows editors save it; it was "not valid TOML ... at line 1, column 1"."""
    folder = copy_bundled_kit(tmp_path / "brand")
    spec = folder / "guidelines" / "spec.toml"
    spec.write_bytes(b"\xef\xbb\xbf" + spec.read_bytes())
    assert dataclasses.replace(load_kit(folder).spec, source="") == dataclasses.replace(load_kit().spec, source="")


def test_the_environment_variable_names_the_kit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = copy_bundled_kit(tmp_path / "brand")
    edit_spec(folder, 'name = "htq-mark default kit"', 'name = "Brand team kit"')
    monkeypatch.setenv(KIT_ENV_VAR, str(folder))
    assert load_kit().name == "Brand team kit"
    assert load_kit(None).root == folder


def test_an_explicit_kit_wins_over_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(KIT_ENV_VAR, str(tmp_path / "missing"))
    folder = copy_bundled_kit(tmp_path / "brand")
    assert load_kit(folder).root == folder


@pytest.mark.parametrize(("where", "words"), [
    ("missing", "nowhere: does not exist; a kit is a folder"),
    ("file", "nowhere: is not a folder; a kit is a folder"),
    ("environment", "nowhere: does not exist (the folder is named by HTQ_MARK_KIT); a kit is a folder"),
])
def test_a_missing_kit_folder_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str,
                                               words: str) -> None:
    """A missing folder was said to be 'not a folder', and one named by the environment did not say so."""
    if where == "file":
        (tmp_path / "nowhere").write_text("")
    if where == "environment":
        monkeypatch.setenv(KIT_ENV_VAR, str(tmp_path / "nowhere"))
    with pytest.raises(KitError, match=re.escape(words)):
        load_kit(None if where == "environment" else tmp_path / "nowhere")


def test_a_kit_without_a_spec_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(SpecError, match=r"spec.toml: \[\(file\)\] does not exist"):
        load_kit(tmp_path)


def test_missing_artwork_names_the_variant(tmp_path: Path) -> None:
    folder = copy_bundled_kit(tmp_path / "brand")
    (folder / "assets" / "htq-mark-black.svg").unlink()
    with pytest.raises(KitError, match=r"variant 'black' cannot be read.*\[variants.black\]"):
        load_kit(folder)


def test_artwork_outside_the_kit_is_refused(tmp_path: Path) -> None:
    folder = copy_bundled_kit(tmp_path / "brand")
    edit_spec(folder, 'artwork = "assets/htq-mark-black.svg"', 'artwork = "../../etc/passwd"')
    with pytest.raises(KitError, match="leads outside the kit folder"):
        load_kit(folder)


def test_unsafe_artwork_in_a_kit_is_refused(tmp_path: Path) -> None:
    folder = copy_bundled_kit(tmp_path / "brand")
    art = folder / "assets" / "htq-mark-white.svg"
    art.write_text(art.read_text().replace("</svg>", "<script>alert(1)</script></svg>"))
    with pytest.raises(UnsafeArtworkError, match="htq-mark-white.svg: refused"):
        load_kit(folder)


def test_variants_of_different_shapes_are_refused(tmp_path: Path) -> None:
    folder = copy_bundled_kit(tmp_path / "brand")
    art = folder / "assets" / "htq-mark-black.svg"
    art.write_text(art.read_text().replace('viewBox="0 0 640 200"', 'viewBox="0 0 640 300"'))
    with pytest.raises(KitError, match="proportions"):
        load_kit(folder)


def test_an_unknown_variant_lists_the_ones_there_are() -> None:
    with pytest.raises(KitError, match="no variant 'gold'; choose one of colour, black, white"):
        load_kit().artwork_for("gold")
