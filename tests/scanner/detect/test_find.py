"""find_marks finds the mark however it is placed, and nothing where there is none.

Every case is drawn by code: the kit's own artwork rendered with an exact pose,
so the expected corners are known.
"""

from __future__ import annotations

import pickle
from collections.abc import Callable

import numpy as np
import pytest

from htq_mark.errors import UsageError
from htq_mark.kit import Kit
from htq_mark.scanner.detect import Detection, References, find_marks
from htq_mark.scanner.detect.model import Pose
from htq_mark.scanner.detect.verify import ImagePyramid, register, register_all

from .scenes import (
    RECOLOURINGS,
    Image,
    Placement,
    jpeg,
    photo_like,
    place,
    plain,
    recolour,
    text_page,
)

WHITE, DARK = (255, 255, 255), (22, 28, 40)
Scene = Callable[[Kit], tuple[Image, Placement]]


def _mark(width: float = 240, centre: tuple[float, float] = (320, 210), variant: str = "colour",
          background: Image | None = None, rotation_deg: float = 0.0, stretch_x: float = 1.0,
          stretch_y: float = 1.0) -> Scene:
    def scene(kit: Kit) -> tuple[Image, Placement]:
        canvas = plain(WHITE if variant != "white" else DARK) if background is None else background
        return place(canvas, kit, variant, centre, width, rotation_deg=rotation_deg, stretch_x=stretch_x,
                     stretch_y=stretch_y)
    return scene


def _recoloured(how: str) -> Scene:
    def scene(kit: Kit) -> tuple[Image, Placement]:
        svg = recolour(kit.artwork["colour"].svg, RECOLOURINGS[how])
        return place(plain(WHITE), kit, "colour", (320, 210), 220, rotation_deg=-12, svg=svg)
    return scene


def _jpeg(inner: Scene, quality: int = 60) -> Scene:
    def scene(kit: Kit) -> tuple[Image, Placement]:
        image, placement = inner(kit)
        return jpeg(image, quality), placement
    return scene


def _cropped(edge: str, share: float = 0.4, width: float = 250) -> Scene:
    """The mark pushed ``share`` of its extent beyond an edge of the image."""
    height = width / 3.2
    centres = {"left": (width * (0.5 - share), 210), "right": (640 - width * (0.5 - share), 210),
               "top": (320, height * (0.5 - share)), "bottom": (320, 420 - height * (0.5 - share))}
    return _mark(width, centres[edge])


FOUND: dict[str, Scene] = {
    "compliant": _mark(),
    "60px-wide": _mark(60),
    "63px-wide-rotated": _mark(63, rotation_deg=30),
    "rotated-37": _mark(rotation_deg=37),
    "rotated-90": _mark(rotation_deg=90),
    "rotated-180": _mark(rotation_deg=180),
    "rotated-minus-123": _mark(rotation_deg=-123),
    "stretched-wide-1.6": _mark(200, stretch_x=1.6),
    "stretched-tall-1.6": _mark(200, stretch_y=1.6),
    "stretched-and-rotated": _mark(180, stretch_x=1.5, rotation_deg=64),
    "black-variant": _mark(variant="black"),
    "white-variant-on-dark": _mark(variant="white"),
    "recoloured-palette": _recoloured("palette"),
    "recoloured-greyscale": _recoloured("greyscale"),
    "recoloured-inverted": _recoloured("inverted"),
    "jpeg-60": _jpeg(_mark(rotation_deg=8)),
    "jpeg-60-small": _jpeg(_mark(80)),
    "photo-light": lambda kit: _mark(background=photo_like(1, "light"))(kit),
    "photo-dark-white-variant": lambda kit: _mark(variant="white", background=photo_like(2, "dark"),
                                                  rotation_deg=-25)(kit),
    "photo-small-jpeg": _jpeg(lambda kit: _mark(90, background=photo_like(3, "light"))(kit)),
    "on-text-page": lambda kit: _mark(180, centre=(400, 200), background=text_page(4))(kit),
    "cropped-left-40": _cropped("left"),
    "cropped-right-40": _cropped("right"),
    "cropped-top-40": _cropped("top"),
    "cropped-bottom-40": _cropped("bottom"),
    "cropped-right-25": _cropped("right", 0.25),
}


@pytest.mark.parametrize("name", list(FOUND))
def test_the_mark_is_found(name: str, kit: Kit, refs: References) -> None:
    image, placement = FOUND[name](kit)
    found = find_marks(image, refs, spec=kit.spec)
    assert len(found) == 1, f"{name}: {len(found)} marks"
    detection = found[0]
    assert placement.matches(detection.corners), (detection.corners, placement.corners)
    assert detection.confidence >= kit.spec.scan.minimum_confidence


NOTHING: dict[str, Callable[[], Image]] = {
    "blank-white": lambda: plain(WHITE),
    "blank-black": lambda: plain((0, 0, 0)),
    "text-page-1": lambda: text_page(11),
    "text-page-2": lambda: text_page(12),
    "text-page-dark": lambda: text_page(13, dark=True),
    "photo-light": lambda: photo_like(14, "light"),
    "photo-dark": lambda: photo_like(15, "dark"),
    "noise": lambda: np.random.default_rng(16).integers(0, 256, (420, 640, 3), dtype=np.uint8),
    "jpeg-text-page": lambda: jpeg(text_page(17), 40),
}


@pytest.mark.parametrize("name", list(NOTHING))
def test_nothing_is_invented(name: str, kit: Kit, refs: References) -> None:
    assert find_marks(NOTHING[name](), refs, spec=kit.spec) == []


def test_cropped_marks_report_the_whole_artwork(kit: Kit, refs: References) -> None:
    image, placement = _cropped("left", 0.4)(kit)
    detection = find_marks(image, refs, spec=kit.spec)[0]
    assert placement.matches(detection.corners)
    assert detection.visible_fraction == pytest.approx(0.6, abs=0.03)
    assert min(x for x, _ in detection.corners) < -80  # the artwork reaches beyond the image


def test_two_marks_are_two_detections(kit: Kit, refs: References) -> None:
    image, first = place(plain(WHITE), kit, "colour", (170, 110), 200)
    image, second = place(image, kit, "black", (430, 300), 260, rotation_deg=-20)
    found = find_marks(image, refs, spec=kit.spec)
    assert len(found) == 2
    assert sum(first.matches(d.corners) for d in found) == 1
    assert sum(second.matches(d.corners) for d in found) == 1


def test_marks_below_the_requested_width_are_not_looked_for(kit: Kit, refs: References) -> None:
    image, _ = _mark(70)(kit)
    assert len(find_marks(image, refs, spec=kit.spec)) == 1
    assert find_marks(image, refs, spec=kit.spec, min_width_px=140) == []


def test_results_are_deterministic_and_picklable(kit: Kit, refs: References) -> None:
    image, _ = _jpeg(_mark(rotation_deg=33, background=photo_like(5, "light")))(kit)
    first = find_marks(image, refs, spec=kit.spec)
    second = find_marks(image.copy(), refs, spec=kit.spec)
    assert first == second and len(first) == 1
    restored: list[Detection] = pickle.loads(pickle.dumps(first))
    assert restored == first
    assert restored[0].to_dict()["corners"][0] == list(first[0].corners[0])


@pytest.mark.parametrize(("bad", "match"), [
    (np.zeros((50, 50), np.uint8), "shape"),
    (np.zeros((50, 50, 4), np.uint8), "shape"),
    (np.zeros((50, 50, 3), np.float32), "uint8"),
    (np.zeros((2, 50, 3), np.uint8), "too small"),
    ("picture.png", "RGB image"),
])
def test_bad_images_are_usage_errors(bad: object, match: str, kit: Kit, refs: References) -> None:
    with pytest.raises(UsageError, match=match):
        find_marks(bad, refs, spec=kit.spec)  # type: ignore[arg-type]


@pytest.mark.parametrize("centre", [(320.0, 210.0), (40.0, 210.0)])  # whole, and cut by the left edge
def test_a_pose_and_its_mirror_image_score_as_if_alone(centre: tuple[float, float], kit: Kit,
                                                       refs: References) -> None:
    image, placement = _mark(220, centre, rotation_deg=17)(kit)
    (ox, oy), (rx, ry), _, (lx, ly) = placement.corners
    pose = Pose((ox, oy), (rx - ox, ry - oy), (lx - ox, ly - oy))
    mirror = Pose(pose.corners[2], (ox - rx, oy - ry), (ox - lx, oy - ly))
    pyramid = ImagePyramid(image)
    together = register_all(pyramid, (pose, mirror), refs.screen)
    alone = [register(pyramid, p, refs.screen) for p in (pose, mirror)]
    assert [r.pose for r in together] == [pose, mirror]
    assert together[0].match == 1.0 and together[1].match < 0.5
    for a, b in zip(together, alone):
        assert (a.score, a.match, a.contrast) == pytest.approx((b.score, b.match, b.contrast), abs=0.02)


@pytest.mark.parametrize(("height", "width"), [(120, 200), (121, 201), (9, 8)])
def test_pyramid_levels_are_area_halvings_with_pixel_edges_kept(height: int, width: int) -> None:
    import cv2

    from htq_mark.scanner.detect.candidates import halve

    rgb = np.random.default_rng(3).integers(0, 256, (height, width, 3), dtype=np.uint8)
    expected = cv2.resize(rgb[:height // 2 * 2, :width // 2 * 2], (width // 2, height // 2),
                          interpolation=cv2.INTER_AREA)
    assert np.array_equal(ImagePyramid(rgb).level(1), expected)
    seeded = ImagePyramid(rgb, halve(rgb)[0])
    assert np.array_equal(seeded.level(1), expected)
    if min(height, width) >= 16:  # big enough to halve twice
        image, factor = seeded.for_height(4 * 32.0, 32)
        assert image.shape[1] == width // 2 // 2 and factor == image.shape[1] / width


def test_a_pyramid_refuses_a_first_halving_of_the_wrong_size() -> None:
    rgb = np.zeros((40, 60, 3), np.uint8)
    with pytest.raises(ValueError, match="halving"):
        ImagePyramid(rgb, np.zeros((21, 30, 3), np.uint8))
