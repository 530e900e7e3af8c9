"""find_marks finds the mark however it is placed, and nothing where there is none.

Every case is drawn by code: the kit's own artwork rendered with an exact pose,
so the expected corners are known.
"""

from __future__ import annotations

import io
import pickle
import re
from collections.abc import Callable

import cv2
import numpy as np
import pytest
from PIL import Image as PILImage
from PIL import ImageFilter

from htq_mark import generate
from htq_mark.errors import UsageError
from htq_mark.kit import Kit
from htq_mark.scanner._detect import Detection, References, find_marks
from htq_mark.scanner._detect import find as find_module
from htq_mark.scanner._detect.model import Pose
from htq_mark.scanner._detect.verify import ImagePyramid, register, register_all

from .scenes import (
    RECOLOURINGS,
    Image,
    Placement,
    grainy_photo,
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
    assert not detection.mirrored


MIRRORED: dict[str, tuple[Scene, bool]] = {  # the scene, and whether it is flipped upside down (else left to right)
    "compliant": (_mark(), False),
    "70px-wide": (_mark(70), False),
    "rotated-20": (_mark(rotation_deg=20), False),
    "white-variant-on-dark": (_mark(variant="white"), False),
    "jpeg-60": (_jpeg(_mark(rotation_deg=8)), False),
    "photo-light": (lambda kit: _mark(background=photo_like(1, "light"))(kit), False),
    "upside-down": (_mark(), True),
    "upside-down-small-jpeg": (_jpeg(_mark(90)), True),
}


@pytest.mark.parametrize("name", list(MIRRORED))
def test_a_mirrored_mark_is_found_and_said_to_be(name: str, kit: Kit, refs: References) -> None:
    """Flipped (a design tool's flip, a selfie camera's photograph of a poster), a mark screened well below
    any pose of the artwork and was not found at all."""
    scene, upside_down = MIRRORED[name]
    image, placement = scene(kit)
    height, width = image.shape[:2]
    flipped = np.ascontiguousarray(image[::-1] if upside_down else image[:, ::-1])
    expected = Placement(tuple((x, height - y) if upside_down else (width - x, y) for x, y in placement.corners),
                         placement.width, placement.height)
    found = find_marks(flipped, refs, spec=kit.spec)
    assert len(found) == 1, f"{name}: {len(found)} marks"
    assert found[0].mirrored and expected.matches(found[0].corners), (found[0].corners, expected.corners)


@pytest.mark.parametrize("share", [0.15, 0.25, 0.4])
@pytest.mark.parametrize("edge", ["left", "right"])
def test_a_mirrored_mark_cut_by_the_edge_is_found_with_its_sides_named_as_seen(edge: str, share: float, kit: Kit,
                                                                                refs: References) -> None:
    """Its own left is shown on the right: a mirrored mark cut at the picture's left was said to be cut "on its
    right"; cut by a quarter or more on its tile's side (the picture's right), it was not found."""
    image, _ = _cropped("right" if edge == "left" else "left", share)(kit)  # flipped below: cut at ``edge``
    [found] = find_marks(np.ascontiguousarray(image[:, ::-1]), refs, spec=kit.spec)
    assert found.mirrored and found.cut_side == edge


@pytest.mark.parametrize(("seed", "grain"), [(1, 14), (1, 20), (3, 20), (4, 20), (1, 28), (4, 28)])
def test_a_small_white_mark_on_grain_is_found(seed: int, grain: float, kit: Kit, refs: References) -> None:
    # At half resolution the grain's weaker edges run into the outline of a mark this small:
    # only among the strong edges does it show whole.
    image, placement = place(grainy_photo(seed, grain), kit, "white", (320, 210), 64)
    found = find_marks(image, refs, spec=kit.spec)
    assert [placement.matches(d.corners) for d in found] == [True]


@pytest.mark.parametrize(("plate", "width", "rotation_deg", "quality"), [
    ((11, 37, 69), 240, 0.0, None),    # the badge's own navy: its outline is not there at all
    ((11, 37, 69), 160, 180.0, None),
    ((20, 38, 84), 200, 90.0, 70),     # a navy close to it, in JPEG
    ((8, 30, 60), 300, -23.0, None),
])
def test_a_colour_mark_on_its_own_outline_colour_is_found_from_its_tile(
        plate: tuple[int, int, int], width: float, rotation_deg: float, quality: int | None, kit: Kit,
        refs: References) -> None:
    image, placement = place(plain(plate), kit, "colour", (320, 210), width, rotation_deg=rotation_deg)
    found = find_marks(image if quality is None else jpeg(image, quality), refs, spec=kit.spec)
    assert [placement.matches(d.corners, 0.05) for d in found] == [True]
    assert not found[0].mirrored
    # Mirrored, it is placed from its tile too: the rest of the artwork on the tile's other side.
    height, width_px = image.shape[:2]
    flipped = np.ascontiguousarray(image[:, ::-1])
    expected = Placement(tuple((width_px - x, y) for x, y in placement.corners), placement.width, placement.height)
    found = find_marks(flipped if quality is None else jpeg(flipped, quality), refs, spec=kit.spec)
    assert [(d.mirrored, expected.matches(d.corners, 0.05)) for d in found] == [(True, True)]
    assert found[0].variant == "colour"


@pytest.mark.parametrize(("width", "centre", "visible"), [
    (160, (80.0, 210.0), 1.0),          # touching the left edge: the tile's outline runs within its reach
    (200, (320.0, 31.25), 1.0),         # touching the top edge
    (240, (116.0, 210.0), 0.983),       # 4 px of it beyond the left edge
    (200, (320.0, 27.25), 0.936),       # 4 px beyond the top edge, the tile's edge with it
])
def test_a_colour_mark_on_its_own_navy_at_the_edge_is_found_from_its_tile(
        width: float, centre: tuple[float, float], visible: float, kit: Kit, refs: References) -> None:
    image, placement = place(plain((11, 37, 69)), kit, "colour", centre, width)
    found = find_marks(image, refs, spec=kit.spec)
    assert [placement.matches(d.corners, 0.05) for d in found] == [True]
    assert found[0].visible_fraction == pytest.approx(visible, abs=0.01)


@pytest.mark.parametrize(("width", "centre", "rotation_deg", "visible", "cut_side"), [
    (240, (84.0, 210.0), 0.0, 0.85, "left"),       # the tile cut by the left edge, about half of it showing
    (240, (110.0, 210.0), 0.0, 0.958, "left"),     # the tile cut by a few pixels
    (300, (320.0, 32.0), 0.0, 0.841, "top"),       # cut by the top edge, the tile with it
    (200, (320.0, 405.0), 0.0, 0.74, "bottom"),
    (240, (556.0, 210.0), 180.0, 0.85, "left"),     # upside down, its tile (and its own left) at the right edge
])
def test_a_colour_mark_on_its_own_navy_cut_by_the_edge_is_found_from_what_shows_of_its_tile(
        width: float, centre: tuple[float, float], rotation_deg: float, visible: float, cut_side: str, kit: Kit,
        refs: References) -> None:
    # The tile's side along the edge shows whole, which gives its size; it runs on beyond the edge.
    image, placement = place(plain((11, 37, 69)), kit, "colour", centre, width, rotation_deg=rotation_deg)
    found = find_marks(image, refs, spec=kit.spec)
    assert [placement.matches(d.corners, 0.05) for d in found] == [True]
    assert found[0].visible_fraction == pytest.approx(visible, abs=0.02)
    assert found[0].cut_side == cut_side


def _scaled_artwork(width: int) -> PILImage.Image:
    """The colour artwork generated large and scaled down to ``width`` px, as a browser or an editor does."""
    large = PILImage.open(io.BytesIO(generate(variant="colour", format="png", width="1600px",
                                              clear_space=False).data)).convert("RGBA")
    return large.resize((width, round(large.height * width / large.width)), PILImage.LANCZOS)


def _pasted(artwork: PILImage.Image, size: tuple[int, int], plate: tuple[int, int, int], at: tuple[int, int],
            blur: float = 0.0, quality: int | None = None) -> Image:
    canvas = PILImage.new("RGB", size, plate)
    canvas.paste(artwork, at, artwork)
    if blur:
        canvas = canvas.filter(ImageFilter.GaussianBlur(blur))
    return np.asarray(canvas) if quality is None else jpeg(np.asarray(canvas), quality)


def test_of_two_anchors_at_one_place_the_better_placed_is_aligned(kit: Kit, refs: References) -> None:
    # A blurred JPEG of a mark on its own navy cut by the left edge: an outline of the tile taken as
    # whole (wrongly) and the same tile taken as cut both place the artwork; the first screened was
    # aligned and turned down, and the mark missed, until the better one was aligned first.
    image = _pasted(_scaled_artwork(360), (617, 250), (11, 37, 69), (-53, 41), blur=0.6, quality=65)
    found = find_marks(image, refs, spec=kit.spec)
    assert [round(d.width_px) for d in found] == [360]
    assert found[0].cut_side == "left" and found[0].visible_fraction == pytest.approx(1 - 53 / 360, abs=0.01)


@pytest.mark.parametrize("width", [100, 140, 200, 210])
def test_a_colour_mark_on_a_near_black_plate_in_jpeg_is_found(width: float, kit: Kit, refs: References) -> None:
    # The navy badge's outline barely shows on near-black, and JPEG breaks it (these four were missed
    # while only the badge's outline was looked for); the white tile still shows.
    image, placement = place(plain((30, 30, 36)), kit, "colour", (320, 210), width)
    found = find_marks(jpeg(image, 60), refs, spec=kit.spec)
    assert [placement.matches(d.corners, 0.05) for d in found] == [True]


def test_a_pose_placed_from_the_tile_must_match_nearly_all_of_the_artwork(kit: Kit, refs: References) -> None:
    # Without its words, the artwork matches a little over half its parts: enough where its own outline
    # shows (the outline search finds it, as before), too little where only the tile places it, which
    # is how lettered lookalikes of the tile with a chevron beside them look.
    svg = re.sub(rb'<path id="(title|subtitle)"[^>]*/>', b"", kit.artwork["colour"].svg)
    on_white, placement = place(plain(WHITE), kit, "colour", (320, 210), 400, svg=svg)
    found = find_marks(on_white, refs, spec=kit.spec)
    assert [placement.matches(d.corners, 0.05) for d in found] == [True]
    assert found[0].confidence < 0.8
    on_navy, _ = place(plain((11, 37, 69)), kit, "colour", (320, 210), 400, svg=svg)
    assert find_marks(on_navy, refs, spec=kit.spec) == []


def test_a_sheet_of_more_marks_on_their_own_navy_than_anchors_looked_at_is_found_whole(kit: Kit,
                                                                                         refs: References) -> None:
    # Anchors that place a mark do not count against the limit: only those that come to nothing do.
    image = np.full((700, 1000, 3), (11, 37, 69), np.uint8)
    placements = []
    for row in range(9):
        for column in range(4):
            image, placement = place(image, kit, "colour", (130 + column * 245, 40 + row * 76), 180)
            placements.append(placement)
    assert len(placements) > find_module.MAX_ANCHORS
    found = find_marks(image, refs, spec=kit.spec)
    assert len(found) == len(placements)
    assert all(any(p.matches(d.corners, 0.05) for d in found) for p in placements)


def test_at_most_so_many_anchors_are_looked_at_per_image(kit: Kit, refs: References,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    image = np.full((900, 1400, 3), (11, 37, 69), np.uint8)
    for row in range(6):
        for column in range(10):
            x, y = 30 + column * 135, 30 + row * 145
            cv2.rectangle(image, (x, y), (x + 90, y + 90), (255, 255, 255), thickness=-1)
    looked_at: list[Pose] = []

    def counted(rgb: Image, anchor: Pose) -> bool:
        looked_at.append(anchor)
        return True

    monkeypatch.setattr(find_module, "stands_out", counted)
    assert find_marks(image, refs, spec=kit.spec) == []
    assert len(looked_at) == find_module.MAX_ANCHORS < 60  # none places a mark: each counts


def _tiles_on_navy() -> Image:
    """White rounded squares (app icons, a tile without its mark) on the badge's navy, beside words."""
    image = plain((11, 37, 69))
    for x, y, side in ((40, 40, 150), (260, 60, 90), (420, 220, 160), (60, 260, 60)):
        cv2.rectangle(image, (x, y), (x + side, y + side), (255, 255, 255), thickness=-1)
        cv2.putText(image, "Apply now", (x + side + 10, y + side // 2), cv2.FONT_HERSHEY_SIMPLEX, 0.9,
                    (255, 255, 255), 2)
    return image


NOTHING: dict[str, Callable[[], Image]] = {
    "tiles-on-navy": _tiles_on_navy,
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


def _framed(kit: Kit, side: str, hidden: float, how: str, background: tuple[int, int, int] = WHITE,
            variant: str = "colour", width: float = 300.0, cover: tuple[int, int, int] = (200, 60, 60)
            ) -> tuple[Image, Placement]:
    """A mark inside the image with ``hidden`` of it on ``side`` clipped by a frame (the background
    shows instead) or covered by a box (of colour ``cover``)."""
    canvas = plain(background)
    marked, placement = place(canvas, kit, variant, (320, 210), width)
    (x0, y0), _, (x1, y1), _ = placement.corners
    box = {"left": (x0 - 40, y0 - 40, x0 + hidden * (x1 - x0), y1 + 40),
           "right": (x1 - hidden * (x1 - x0), y0 - 40, x1 + 40, y1 + 40),
           "top": (x0 - 40, y0 - 40, x1 + 40, y0 + hidden * (y1 - y0)),
           "bottom": (x0 - 40, y1 - hidden * (y1 - y0), x1 + 40, y1 + 40)}[side]
    left, top, right, bottom = (round(v) for v in box)
    if how == "clip":
        marked[top:bottom, left:right] = canvas[top:bottom, left:right]
    else:
        cv2.rectangle(marked, (left, top), (right - 1, bottom - 1), cover, -1)
    return marked, placement


@pytest.mark.parametrize("side", ["left", "right", "top", "bottom"])
@pytest.mark.parametrize("hidden", [0.25, 0.42])
@pytest.mark.parametrize("how", ["clip", "cover"])
def test_marks_partly_hidden_inside_the_image_are_found_whole(side: str, hidden: float, how: str, kit: Kit,
                                                              refs: References) -> None:
    image, placement = _framed(kit, side, hidden, how)
    [detection] = find_marks(image, refs, spec=kit.spec)
    assert placement.matches(detection.corners, tolerance=0.1)
    assert detection.visible_fraction == 1.0
    assert detection.measurements.covered_fraction == pytest.approx(hidden, abs=0.06)
    assert detection.measurements.covered_side == side
    assert abs(detection.aspect_ratio_error) <= kit.spec.aspect_ratio_tolerance


# Boxes close to the mark's own colours: the edge between box and mark breaks where the tile, the
# chevron or the words meet the box, so the only closed outline runs round both.
@pytest.mark.parametrize(("variant", "side", "hidden", "cover"), [
    ("black", "right", 0.25, (18, 34, 52)),    # a navy box over a black mark
    ("colour", "bottom", 0.27, (115, 143, 49)),  # an olive box meeting the chevron
    ("colour", "right", 0.3, (11, 37, 69)),    # the badge's own navy
    ("colour", "top", 0.35, (30, 60, 30)),     # a dark green one
])
def test_marks_covered_by_a_box_of_their_own_colours_are_found_whole(variant: str, side: str, hidden: float,
                                                                     cover: tuple[int, int, int], kit: Kit,
                                                                     refs: References) -> None:
    image, placement = _framed(kit, side, hidden, "cover", variant=variant, width=340, cover=cover)
    [detection] = find_marks(image, refs, spec=kit.spec)
    assert placement.matches(detection.corners, tolerance=0.1)
    assert detection.measurements.covered_fraction == pytest.approx(hidden, abs=0.06)
    assert detection.measurements.covered_side == side


def test_a_whole_mark_beside_a_box_is_not_taken_for_a_hidden_one(kit: Kit, refs: References) -> None:
    image, placement = place(plain(WHITE), kit, "colour", (320, 210), 300)
    (x0, y0), _, (x1, y1), _ = placement.corners
    cv2.rectangle(image, (round(x1) + 30, round(y0)), (round(x1) + 120, round(y1)), (200, 60, 60), -1)
    [detection] = find_marks(image, refs, spec=kit.spec)
    assert placement.matches(detection.corners, tolerance=0.1)
    assert detection.measurements.covered_fraction == 0.0 and detection.measurements.covered_side is None


def test_a_cropped_mark_says_which_side_is_cut(kit: Kit, refs: References) -> None:
    image, _ = _cropped("left", 0.4)(kit)
    assert find_marks(image, refs, spec=kit.spec)[0].cut_side == "left"


def test_a_pose_knows_what_part_it_takes_to_be_hidden() -> None:
    pose = Pose((10.0, 20.0), (320.0, 0.0), (0.0, 100.0))
    assert pose.hidden_share == 0.0 and pose.hidden_side is None
    visible_part = ((10.0 + 96.0, 20.0), (330.0, 20.0), (330.0, 120.0), (10.0 + 96.0, 120.0))
    shown = pose.showing(visible_part)
    assert shown.shown == pytest.approx((0.3, 0.0, 1.0, 1.0))
    assert shown.hidden_share == pytest.approx(0.3) and shown.hidden_side == "left"
    assert shown.scaled(2.0).shown == shown.shown and shown.moved(5.0, 5.0).shown == shown.shown
    assert pose.cut_side(200, 400) == "right" and pose.cut_side(400, 400) is None


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

    from htq_mark.scanner._detect.candidates import halve

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


def test_every_mark_of_a_sheet_of_them_is_measured(kit: Kit, refs: References) -> None:
    """At most 24 places were refined, the likeliest first: the 25th and later marks of a sheet (a
    stretched one, which scores lower, among them) were dropped without a word."""
    from tests.scanner._make import mark_rgb

    mark = mark_rgb(kit, width=120)
    stretched = cv2.resize(mark, (168, mark.shape[0]), interpolation=cv2.INTER_AREA)  # 40% wider
    sheet = np.full((8 * 90 + 40, 6 * 190 + 40, 3), 255, np.uint8)
    for row in range(8):
        for column in range(6):
            art = stretched if (row, column) == (7, 5) else mark
            y, x = 30 + row * 90, 30 + column * 190
            sheet[y:y + art.shape[0], x:x + art.shape[1]] = art
    found = find_marks(sheet, refs, spec=kit.spec)
    assert len(found) == 48
    assert sum(abs(d.aspect_ratio_error) > kit.spec.aspect_ratio_tolerance for d in found) == 1
