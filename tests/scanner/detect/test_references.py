"""References are derived from the kit alone: classes, parts, palettes; picklable and cached."""

from __future__ import annotations

import pickle
import shutil
from pathlib import Path

import numpy as np
import pytest

from htq_mark.kit import Kit, load_kit
from htq_mark.scanner._detect import References, build_references, find_marks

from .scenes import place, plain


def test_classes_follow_the_variants_palettes(refs: References) -> None:
    assert refs.variants == ("colour", "black", "white")
    # Class 0 is the badge colour: painted by every variant.
    assert [refs.palette(v)[0] for v in refs.variants] == [(11, 37, 69), (0, 0, 0), (255, 255, 255)]
    # The other classes are knocked out of the one-colour variants.
    assert refs.palette("black")[1:] == (None, None)
    assert set(refs.palette("colour")[1:]) == {(255, 255, 255), (255, 179, 0)}


def test_frames_cover_the_artwork_with_soft_class_masks(refs: References) -> None:
    for frame in (refs.detect, refs.measure):
        assert frame.width == round(frame.height * refs.aspect_ratio)
        total = frame.classes.sum(axis=0)
        assert np.allclose(total, frame.silhouette, atol=1e-4)
        assert frame.silhouette.mean() > 0.97  # a rounded rectangle fills its box
        assert frame.outer[frame.height // 2, 1] > 0.9  # the outline is badge colour


def test_parts_are_tile_monogram_chevron_and_words(refs: References) -> None:
    # badge + monogram (badge colour), tile + three words (tile colour), chevron + subtitle (amber)
    assert sorted(refs.part_class) == [0, 0, 1, 1, 1, 1, 2, 2]
    frame = refs.measure
    tile = max((p for p, k in enumerate(refs.part_class) if k == 1),
               key=lambda p: int((frame.parts == p).sum()))
    x0, y0, x1, y1 = frame.windows[tile]
    assert x0 < 0.05 * frame.width and (x1 - x0) == pytest.approx(y1 - y0, abs=2)


def test_the_tile_is_the_one_anchor(refs: References) -> None:
    # The white tile (16..184 of the 640 x 200 artwork) is tall and solid; the words and the chevron are not.
    assert len(refs.anchors) == 1
    assert refs.anchors[0] == pytest.approx((16 / 640, 16 / 200, 184 / 640, 184 / 200), abs=0.004)


def test_references_pickle_and_are_cached(kit: Kit, refs: References) -> None:
    again = pickle.loads(pickle.dumps(refs))
    assert again.kit_sha256 == kit.sha256
    assert np.array_equal(again.measure.parts, refs.measure.parts)
    assert build_references(kit) is refs
    assert not refs.detect.classes.flags.writeable


def _recoloured_kit(tmp_path: Path, kit: Kit) -> Path:
    """A copy of the kit with another palette and wider artwork: the same design language."""
    root = tmp_path / "kit"
    shutil.copytree(kit.root / "guidelines", root / "guidelines", ignore=shutil.ignore_patterns("*.md", "images"))
    (root / "assets").mkdir()
    spec = (root / "guidelines" / "spec.toml").read_text(encoding="utf-8")
    spec = spec.replace("#0B2545", "#7A1030").replace("#FFB300", "#3FC1C9")
    (root / "guidelines" / "spec.toml").write_text(spec, encoding="utf-8")
    for variant in kit.artwork:
        svg = kit.artwork[variant].svg.decode("utf-8")
        svg = svg.replace("#0B2545", "#7A1030").replace("#FFB300", "#3FC1C9")
        (root / "assets" / kit.artwork[variant].path.name).write_text(svg, encoding="utf-8")
    return root


def test_a_new_kit_needs_no_code_change(tmp_path: Path, kit: Kit) -> None:
    other = load_kit(_recoloured_kit(tmp_path, kit))
    refs = build_references(other)
    assert refs.palette("colour")[0] == (122, 16, 48)
    image, placement = place(plain((255, 255, 255)), other, "colour", (320, 210), 240, rotation_deg=15)
    found = find_marks(image, refs, spec=other.spec)
    assert len(found) == 1 and placement.matches(found[0].corners)
    assert found[0].variant == "colour"
    assert found[0].measurements.palette_distance < other.spec.scan.colour_tolerance_delta_e
    # ...and the old kit's references call its colours wrong.
    old = find_marks(image, build_references(kit), spec=kit.spec)
    assert old[0].variant is None
