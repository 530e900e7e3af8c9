"""The human guide: every rule has a picture, and the pictures are what the library draws."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageStat

from htq_mark.errors import HtqMarkError, OutputExistsError
from htq_mark.generator._guide import (
    GUIDE_PICTURES,
    build_guide_pictures,
    write_guide_pictures,
)
from htq_mark.kit import load_kit
from htq_mark.scanner._results import RULES

GUIDELINES = Path(__file__).resolve().parents[2] / "guidelines"
IMAGES = GUIDELINES / "images"


@pytest.fixture(scope="module")
def drawn() -> dict[str, bytes]:
    return build_guide_pictures(load_kit())


def test_every_picture_is_in_the_guide_and_committed() -> None:
    guide = (GUIDELINES / "guide.md").read_text(encoding="utf-8")
    referenced = set(re.findall(r"\]\(images/([^)]+)\)", guide))
    assert referenced == {picture.file_name for picture in GUIDE_PICTURES}
    assert {p.name for p in IMAGES.glob("*.png")} == referenced


def test_every_misuse_the_scanner_reports_has_a_picture() -> None:
    pictured = {picture.rule for picture in GUIDE_PICTURES if picture.rule}
    assert pictured <= set(RULES)
    visual_rules = set(RULES) - {"no-qualification", "not-entitled", "missing-alt-text"}
    assert pictured == visual_rules
    assert all(not picture.right for picture in GUIDE_PICTURES if picture.rule)


def test_the_guide_states_the_specs_numbers() -> None:
    guide = (GUIDELINES / "guide.md").read_text(encoding="utf-8")
    spec = load_kit().spec
    for text in (f"{spec.minimum_width_mm:g} mm in print", f"{spec.minimum_width_px} px on screen",
                 f"{spec.clear_space_ratio:g} × the mark's height", f"{spec.aspect_ratio_tolerance * 100:g}%",
                 f"{spec.rotation_tolerance_deg:g} degree", f"{spec.recommended_ppi} ppi",
                 f"{spec.minimum_ppi} ppi", f"{spec.backgrounds.minimum_contrast_ratio:g}:1"):
        assert text in guide


def test_the_committed_pictures_are_what_the_library_draws(drawn: dict[str, bytes]) -> None:
    assert set(drawn) == {p.name for p in IMAGES.glob("*.png")}
    for name, data in drawn.items():
        committed = Image.open(IMAGES / name).convert("RGB")
        fresh = Image.open(io.BytesIO(data)).convert("RGB")
        assert committed.size == fresh.size, name
        # Identical bytes on the machine that drew them; a different cairo may move edges a little.
        difference = ImageStat.Stat(ImageChops.difference(committed, fresh)).mean
        assert max(difference) < 1.0, f"{name} is out of date: run htq-mark kit guide -o guidelines/images --force"


def test_drawing_again_gives_the_same_bytes(drawn: dict[str, bytes]) -> None:
    assert build_guide_pictures(load_kit()) == drawn


def test_the_pictures_are_small(drawn: dict[str, bytes]) -> None:
    assert sum(p.stat().st_size for p in IMAGES.glob("*.png")) < 1_000_000
    assert all(Image.open(io.BytesIO(data)).size == (480, 240) for data in drawn.values())


def test_pictures_are_written_and_kept_unless_forced(tmp_path: Path, drawn: dict[str, bytes]) -> None:
    target = tmp_path / "images"
    written = write_guide_pictures(target)
    assert {p.name: p.read_bytes() for p in written} == drawn
    (target / "clear-space.png").write_bytes(b"mine")
    (target / "wrong-altered.png").unlink()
    with pytest.raises(OutputExistsError, match="right-colour-on-light.png: the file already exists"):
        write_guide_pictures(target)
    assert (target / "clear-space.png").read_bytes() == b"mine"
    assert not (target / "wrong-altered.png").exists()  # nothing written when refused
    write_guide_pictures(target, force=True)
    assert (target / "clear-space.png").read_bytes() == drawn["clear-space.png"]


@pytest.mark.parametrize(("folder_there", "under"), [(False, ""), (False, "new/deeper"), (True, "")])
def test_a_failed_write_leaves_no_new_picture_behind(tmp_path: Path, folder_there: bool, under: str,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """Before, a full disk at the sixth picture left the five written before it (and the folders made)."""
    from htq_mark.generator import _guide

    target = tmp_path / under / "images"
    if folder_there:
        target.mkdir()
        (target / "mine.txt").write_text("mine")
    real_write, calls = _guide.write_atomic, []

    def full_at_the_sixth(path: Path, data: bytes, *, force: bool = False) -> Path:
        calls.append(path)
        if len(calls) == 6:
            raise HtqMarkError(f"{path}: could not write the file (No space left on device)")
        return real_write(path, data, force=force)

    monkeypatch.setattr(_guide, "write_atomic", full_at_the_sixth)
    with pytest.raises(HtqMarkError, match="No space left"):
        write_guide_pictures(target)
    assert len(calls) == 6
    assert sorted(p.name for p in tmp_path.rglob("*")) == (["images", "mine.txt"] if folder_there else [])


def test_a_file_in_the_way_of_the_folder_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "images").write_text("x")
    with pytest.raises(HtqMarkError, match="is a file; give a folder"):
        write_guide_pictures(tmp_path / "images")
