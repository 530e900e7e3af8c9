"""Measurements of found marks, with cases just inside and just outside the kit's thresholds."""

from __future__ import annotations

import math

import cv2
import numpy as np
import pytest

from htq_mark.kit import Kit
from htq_mark.scanner._detect import Detection, References, find_marks
from htq_mark.kit._colour import delta_e, relative_luminance, srgb_to_lab
from htq_mark.scanner._detect._colours import FLAT_DELTA_E, FLAT_PERCENTILE, _is_flat_lab
from htq_mark.scanner._detect._pixels import (
    _deviation,
    _grouped_medians,
    _histogram_starts,
    _inside,
    _lab_of_levels,
    _luminance,
    _median_colour,
    _Pixels,
    _row_norms,
)

from htq_mark.scanner._rules.placement import EDGE_SPILL_PX

from .scenes import (RECOLOURINGS, Image, jpeg, outlined, painted_over, photo_like, place, plain, recolour,
                     remove_element, repaint_element)

WHITE, DARK = (255, 255, 255), (22, 28, 40)
CENTRE, WIDTH = (320.0, 210.0), 256.0


def _only(image: Image, kit: Kit, refs: References) -> Detection:
    found = find_marks(image, refs, spec=kit.spec)
    assert len(found) == 1, f"{len(found)} marks found"
    return found[0]


@pytest.mark.parametrize(("angle", "outside"), [(0.5, False), (-0.5, False), (2.0, True), (-2.0, True),
                                                (90.0, True)])
def test_rotation_just_inside_and_outside_the_tolerance(angle: float, outside: bool, kit: Kit,
                                                        refs: References) -> None:
    image, _ = place(plain(WHITE), kit, "colour", CENTRE, WIDTH, rotation_deg=angle)
    detection = _only(image, kit, refs)
    assert detection.rotation_deg == pytest.approx(angle, abs=0.2)
    assert (abs(detection.rotation_deg) > kit.spec.rotation_tolerance_deg) is outside


@pytest.mark.parametrize(("stretch_x", "stretch_y", "error"), [(1.01, 1.0, 0.01), (1.0, 1.01, -0.0099),
                                                               (1.04, 1.0, 0.04), (1.0, 1.04, -0.0385),
                                                               (1.6, 1.0, 0.6)])
def test_stretch_just_inside_and_outside_the_tolerance(stretch_x: float, stretch_y: float, error: float,
                                                       kit: Kit, refs: References) -> None:
    image, placement = place(plain(WHITE), kit, "colour", CENTRE, 220, stretch_x=stretch_x, stretch_y=stretch_y)
    detection = _only(image, kit, refs)
    assert detection.aspect_ratio_error == pytest.approx(error, abs=0.005)
    assert (abs(detection.aspect_ratio_error) > kit.spec.aspect_ratio_tolerance) is (abs(error) > 0.02)
    assert detection.width_px == pytest.approx(placement.width, rel=0.01)
    assert detection.height_px == pytest.approx(placement.height, rel=0.01)


@pytest.mark.parametrize("side", ["left", "right", "top", "bottom"])
@pytest.mark.parametrize("depth", [0.0, 0.5])
def test_clear_space_intrusion_per_side(side: str, depth: float, kit: Kit, refs: References) -> None:
    height = WIDTH / kit.aspect_ratio
    clear = kit.spec.clear_space_ratio * height
    canvas = plain(WHITE)
    if depth:
        x0, y0 = CENTRE[0] - WIDTH / 2, CENTRE[1] - height / 2
        x1, y1 = x0 + WIDTH, y0 + height
        gap = clear * (1 - depth)
        boxes = {"left": (x0 - gap - 40, y0, x0 - gap, y1), "right": (x1 + gap, y0, x1 + gap + 40, y1),
                 "top": (x0, y0 - gap - 30, x1, y0 - gap), "bottom": (x0, y1 + gap, x1, y1 + gap + 30)}
        bx0, by0, bx1, by1 = (round(v) for v in boxes[side])
        cv2.rectangle(canvas, (bx0, by0), (bx1 - 1, by1 - 1), (40, 40, 40), -1)
    image, _ = place(canvas, kit, "colour", CENTRE, WIDTH)
    measured = _only(image, kit, refs).measurements
    assert measured.clear_space_required_px == pytest.approx(clear, rel=0.01)
    threshold = kit.spec.scan.clear_space_min_intrusion
    if depth:
        assert measured.clear_space_intrusion > threshold
        assert measured.clear_space_intrusion_px[side] == pytest.approx(depth * clear, abs=1.5)
        assert all(v == 0 for s, v in measured.clear_space_intrusion_px.items() if s != side)
    else:
        assert measured.clear_space_intrusion < threshold
        assert set(measured.clear_space_intrusion_px.values()) == {0.0}


def _zone_box(kit: Kit, width: float) -> tuple[float, float, float, float, float]:
    """Left, top, right, bottom of an upright mark at CENTRE, and its clear space."""
    height = width / kit.aspect_ratio
    x0, y0 = CENTRE[0] - width / 2, CENTRE[1] - height / 2
    return x0, y0, x0 + width, y0 + height, kit.spec.clear_space_ratio * height


@pytest.mark.parametrize("side", ["left", "right", "top", "bottom"])
@pytest.mark.parametrize(("shape", "depth"), [("dot", 0.25), ("dot", 0.55), ("bar", 0.3), ("bar", 0.6)])
@pytest.mark.parametrize("compressed", [False, True])
def test_a_small_intruder_is_measured_by_its_reach(side: str, shape: str, depth: float, compressed: bool,
                                                   kit: Kit, refs: References) -> None:
    x0, y0, x1, y1, clear = _zone_box(kit, WIDTH)
    inner = clear * (1 - depth)   # the intruder's deepest point, from the artwork's edge
    canvas = plain(WHITE)
    outward = {"left": (x0 - inner, -1), "right": (x1 + inner, 1), "top": (y0 - inner, -1),
               "bottom": (y1 + inner, 1)}[side]
    edge, sign = outward
    along = (y0 + y1) / 2 if side in ("left", "right") else x0 + (x1 - x0) * 0.3
    if shape == "dot":
        radius = 0.08 * clear
        centre = edge + sign * radius
        point = (centre, along) if side in ("left", "right") else (along, centre)
        cv2.circle(canvas, (round(point[0] * 16), round(point[1] * 16)), round(radius * 16), (30, 30, 30), -1,
                   cv2.LINE_AA, shift=4)
    else:
        far = edge + sign * clear * 1.4
        a, b = sorted((edge, far))
        box = (a, along - 1, b, along + 1) if side in ("left", "right") else (along - 1, a, along + 1, b)
        cv2.rectangle(canvas, (round(box[0]), round(box[1])), (round(box[2]) - 1, round(box[3]) - 1),
                      (30, 30, 30), -1)
    image, _ = place(canvas, kit, "colour", CENTRE, WIDTH)
    measured = _only(jpeg(image, 70) if compressed else image, kit, refs).measurements
    # The reach takes in part of the intruder's blurred edge (up to about two pixels).
    assert measured.clear_space_intrusion_px[side] == pytest.approx(depth * clear + 1.0, abs=2.5)
    assert measured.clear_space_intrusion_px[side] > kit.spec.scan.clear_space_min_depth * clear


@pytest.mark.parametrize("compressed", [False, True])
def test_a_neighbour_at_the_zone_edge_does_not_reach_in(compressed: bool, kit: Kit, refs: References) -> None:
    x0, y0, x1, y1, clear = _zone_box(kit, WIDTH)
    canvas = plain(WHITE)
    cv2.rectangle(canvas, (round(x1 + clear), round(y0)), (round(x1 + clear + 40), round(y1)), (30, 30, 30), -1)
    cv2.circle(canvas, (round(x0 - clear - 6), round(CENTRE[1])), 5, (30, 30, 30), -1, cv2.LINE_AA)
    image, _ = place(canvas, kit, "colour", CENTRE, WIDTH)
    measured = _only(jpeg(image, 70) if compressed else image, kit, refs).measurements
    allowed = max(EDGE_SPILL_PX, kit.spec.scan.clear_space_min_depth * measured.clear_space_required_px)
    assert max(measured.clear_space_intrusion_px.values()) <= allowed


def test_jpeg_noise_is_not_an_intrusion(kit: Kit, refs: References) -> None:
    image, _ = place(plain((235, 240, 245)), kit, "colour", CENTRE, 120)
    measured = _only(jpeg(image, 60), kit, refs).measurements
    assert measured.clear_space_intrusion < kit.spec.scan.clear_space_min_intrusion
    assert measured.altered_difference < kit.spec.scan.altered_max_difference


@pytest.mark.parametrize(("variant", "background", "kind"), [
    ("colour", WHITE, "light"), ("black", (200, 205, 190), "light"), ("white", DARK, "dark"),
    ("white", (150, 150, 150), "mid"), ("colour", (10, 10, 10), "dark"),
])
def test_background_kind_and_luminance(variant: str, background: tuple[int, int, int], kind: str, kit: Kit,
                                       refs: References) -> None:
    image, _ = place(plain(background), kit, variant, CENTRE, WIDTH)
    measured = _only(image, kit, refs).measurements
    assert measured.background_kind == kind
    expected = float(relative_luminance(np.asarray(background)))
    assert measured.background_variation < 0.01
    assert measured.background_luminance == pytest.approx(expected, abs=0.12)


def test_a_busy_background_is_a_photo(kit: Kit, refs: References) -> None:
    rng = np.random.default_rng(3)
    cells = np.where(rng.integers(0, 2, (14, 20)) > 0, 200, 30).astype(np.float32)
    soft = cv2.GaussianBlur(cv2.resize(cells, (640, 420), interpolation=cv2.INTER_NEAREST), (0, 0), 8)
    busy = np.repeat(soft.astype(np.uint8)[..., None], 3, axis=2)
    image, _ = place(busy, kit, "white", CENTRE, WIDTH)
    assert _only(image, kit, refs).measurements.background_kind == "photo"


@pytest.mark.parametrize(("variant", "background", "low"), [
    ("colour", WHITE, False), ("white", DARK, False), ("white", (200, 200, 200), True), ("colour", (20, 20, 30), True),
])
def test_contrast_with_the_background(variant: str, background: tuple[int, int, int], low: bool, kit: Kit,
                                      refs: References) -> None:
    image, _ = place(plain(background), kit, variant, CENTRE, WIDTH)
    ratio = _only(image, kit, refs).measurements.contrast_ratio
    assert (ratio < kit.spec.backgrounds.minimum_contrast_ratio) is low


@pytest.mark.parametrize(("variant", "background"), [("colour", WHITE), ("black", WHITE), ("white", DARK)])
def test_approved_variants_are_recognised(variant: str, background: tuple[int, int, int], kit: Kit,
                                          refs: References) -> None:
    image, _ = place(plain(background), kit, variant, CENTRE, WIDTH, rotation_deg=3)
    detection = _only(jpeg(image, 80), kit, refs)
    assert detection.variant == variant
    assert detection.measurements.best_variant == variant
    assert detection.measurements.palette_distance < kit.spec.scan.colour_tolerance_delta_e


# JPEG keeps colour at half resolution: the thin knocked-out letters of a white mark on a saturated
# plate lose much of the plate's colour, though they still show it.
@pytest.mark.parametrize("plate", [(143, 6, 14), (160, 10, 20), (20, 30, 150)])
@pytest.mark.parametrize("width", [200.0, 230.0, 260.0])
def test_a_white_mark_on_a_saturated_plate_in_a_jpeg_is_not_recoloured(plate: tuple[int, int, int], width: float,
                                                                       kit: Kit, refs: References) -> None:
    image, _ = place(plain(plate), kit, "white", CENTRE, width)
    detection = _only(jpeg(image, 60), kit, refs)
    assert detection.variant == "white"
    assert detection.measurements.palette_distance <= kit.spec.scan.colour_tolerance_delta_e


@pytest.mark.parametrize("how", list(RECOLOURINGS))
def test_recoloured_marks_match_no_variant(how: str, kit: Kit, refs: References) -> None:
    svg = recolour(kit.artwork["colour"].svg, RECOLOURINGS[how])
    image, _ = place(plain(WHITE), kit, "colour", CENTRE, WIDTH, svg=svg)
    detection = _only(image, kit, refs)
    assert detection.variant is None
    assert detection.measurements.palette_distance > kit.spec.scan.colour_tolerance_delta_e


def _enlarged(width: float, factor: float, *, quality: int | None = None, svg: bytes | None = None,
              kit: Kit, interpolation: int = cv2.INTER_CUBIC) -> Image:
    """A small picture of the mark (``width`` px, JPEG at ``quality`` if given) enlarged ``factor`` times."""
    height = width / kit.aspect_ratio
    size = (round(width * 2.2), round(height * 3))
    small, _ = place(plain(WHITE, size), kit, "colour", (size[0] / 2, size[1] / 2), width, svg=svg)
    if quality is not None:
        small = jpeg(small, quality)
    return np.asarray(cv2.resize(small, (round(size[0] * factor), round(size[1] * factor)),
                                 interpolation=interpolation), dtype=np.uint8)


@pytest.mark.parametrize(("width", "factor"), [(80.0, 2.5), (80.0, 5.0), (104.0, 2.0), (104.0, 3.0), (120.0, 4.0),
                                               (160.0, 2.0)])
def test_an_enlarged_small_picture_of_the_mark_is_soft_not_recoloured(width: float, factor: float, kit: Kit,
                                                                      refs: References) -> None:
    # Judged as if drawn sharp at its new size, its letters' cores show blended colours. (A small JPEG
    # enlarged has its blocks enlarged too: its blur cannot be told from an outline's, and it is still judged.)
    measured = _only(_enlarged(width, factor, kit=kit), kit, refs)
    assert measured.variant == "colour"
    assert measured.measurements.palette_distance <= kit.spec.scan.colour_tolerance_delta_e
    assert measured.measurements.altered_difference <= kit.spec.scan.altered_max_difference


@pytest.mark.parametrize(("width", "factor"), [(100.0, 3.0), (104.0, 3.0), (120.0, 4.0)])
def test_a_bilinear_enlargement_is_placed_where_alignment_puts_it(width: float, factor: float, kit: Kit,
                                                                  refs: References) -> None:
    """Browsers and PDF viewers enlarge bilinearly. The soft outline's pose is a little large, and the aligned
    (right) pose may match a hair less by the rough count of parts: it stands all the same."""
    detection = _only(_enlarged(width, factor, kit=kit, interpolation=cv2.INTER_LINEAR), kit, refs)
    assert detection.height_px == pytest.approx(width / kit.aspect_ratio * factor, rel=0.01)
    assert detection.variant == "colour"
    assert detection.measurements.palette_distance <= kit.spec.scan.colour_tolerance_delta_e
    assert detection.measurements.altered_difference <= kit.spec.scan.altered_max_difference


@pytest.mark.parametrize("how", list(RECOLOURINGS))
@pytest.mark.parametrize("interpolation", [cv2.INTER_CUBIC, cv2.INTER_LINEAR])
@pytest.mark.parametrize(("width", "factor"), [(100.0, 3.0), (104.0, 3.0), (120.0, 4.0)])
def test_an_enlarged_small_picture_of_a_recoloured_mark_matches_no_variant(how: str, interpolation: int, width: float,
                                                                           factor: float, kit: Kit,
                                                                           refs: References) -> None:
    svg = recolour(kit.artwork["colour"].svg, RECOLOURINGS[how])
    measured = _only(_enlarged(width, factor, svg=svg, kit=kit, interpolation=interpolation), kit, refs)
    assert measured.variant is None
    assert measured.measurements.palette_distance > kit.spec.scan.colour_tolerance_delta_e


@pytest.mark.parametrize(("colour", "stroke", "width"), [
    ("#E00000", 6, 256.0), ("#FFB300", 6, 180.0), ("#FFB300", 6, 256.0), ("#FFB300", 8, 400.0),
    ("#C0C0C0", 8, 300.0), ("#C0C0C0", 8, 500.0),
])
def test_an_outline_added_round_a_sharp_mark_is_not_taken_for_blur(colour: str, stroke: int, width: float, kit: Kit,
                                                                   refs: References) -> None:
    """An outline also fits a little better blurred; it must not be excused as a soft picture (nor its thin
    parts' colours as faded: only an enlarged picture's are)."""
    image, _ = place(plain(WHITE), kit, "colour", CENTRE, width,
                     svg=outlined(kit.artwork["colour"].svg, colour, stroke))
    measured = _only(image, kit, refs).measurements
    assert measured.palette_distance > kit.spec.scan.colour_tolerance_delta_e \
        or measured.altered_difference > kit.spec.scan.altered_max_difference


@pytest.mark.parametrize("width", [140.0, 160.0, 256.0])
def test_thin_parts_painted_grey_are_recoloured_not_faded(width: float, kit: Kit, refs: References) -> None:
    """JPEG's half-resolution colour fades a thin stroke's colour, but leaves a share of it: grey is a recolouring."""
    svg = recolour(kit.artwork["colour"].svg, lambda rgb: (190, 190, 190) if rgb == (255, 179, 0) else rgb)
    image, _ = place(plain(WHITE), kit, "colour", CENTRE, width, svg=svg)
    measured = _only(image, kit, refs)
    assert measured.variant is None
    assert measured.measurements.palette_distance > kit.spec.scan.colour_tolerance_delta_e


def test_an_enlarged_small_picture_of_an_altered_mark_is_altered(kit: Kit, refs: References) -> None:
    svg = remove_element(kit.artwork["colour"].svg, "tile")
    measured = _only(_enlarged(104.0, 3.0, svg=svg, kit=kit), kit, refs)
    assert measured.measurements.altered_difference > kit.spec.scan.altered_max_difference


# Light backgrounds from white down to a grey between the greys a greyscale copy turns white and amber into,
# plain and photographic (luminance varying too little for a "photo" background).
LIGHT_BACKGROUNDS = {"white": lambda: plain(WHITE), "grey": lambda: plain((222, 222, 222)),
                     "warm": lambda: plain((236, 228, 205)), "mid-grey": lambda: plain((200, 200, 200)),
                     "photo": lambda: photo_like(4), "photo-2": lambda: photo_like(11)}


@pytest.mark.parametrize("background", list(LIGHT_BACKGROUNDS))
def test_a_greyscale_colour_mark_is_not_the_black_variant(background: str, kit: Kit, refs: References) -> None:
    # Its knock-outs (for the black variant) would be two distinct flat greys, white and amber's grey.
    svg = recolour(kit.artwork["colour"].svg, RECOLOURINGS["greyscale"])
    image, _ = place(LIGHT_BACKGROUNDS[background](), kit, "colour", CENTRE, WIDTH, svg=svg)
    detection = _only(image, kit, refs)
    assert detection.variant is None
    assert detection.measurements.palette_distance > kit.spec.scan.colour_tolerance_delta_e


@pytest.mark.parametrize("background", list(LIGHT_BACKGROUNDS))
def test_the_black_variant_on_light_backgrounds_is_recognised(background: str, kit: Kit,
                                                              refs: References) -> None:
    image, _ = place(LIGHT_BACKGROUNDS[background](), kit, "black", CENTRE, WIDTH)
    detection = _only(jpeg(image, 80), kit, refs)
    assert detection.variant == "black"
    assert detection.measurements.palette_distance < kit.spec.scan.colour_tolerance_delta_e / 2


@pytest.mark.parametrize(("part", "altered"), [(None, False), ("tile", True), ("title", False), ("chevron", False)])
def test_altered_artwork_against_the_threshold(part: str | None, altered: bool, kit: Kit,
                                               refs: References) -> None:
    svg = remove_element(kit.artwork["colour"].svg, part) if part else None
    image, _ = place(plain(WHITE), kit, "colour", CENTRE, WIDTH, svg=svg)
    difference = _only(image, kit, refs).measurements.altered_difference
    assert (difference > kit.spec.scan.altered_max_difference) is altered
    if part in ("title", "chevron"):  # small shares of the artwork, but seen to differ
        assert 0.005 < difference < kit.spec.scan.altered_max_difference
    if part is None:
        assert difference < 0.01


def test_the_elements_judged_are_the_monogram_the_tile_the_chevron_and_the_title(refs: References) -> None:
    """The title's words are one element (a line across one word must not read as the word removed); the
    subtitle beside the chevron joins it. Each part is also judged alone by all its pixels (see below)."""
    from htq_mark.scanner._detect._alterations import _elements

    named = {"badge": 0, "monogram": 1, "tile": 2, "Higher": 3, "Technical": 4, "Qualification": 5, "chevron": 6,
             "subtitle": 7}
    assert set(_elements(refs)) == {(named["monogram"],), (named["tile"],),
                                    (named["Higher"], named["Technical"], named["Qualification"]),
                                    (named["chevron"], named["subtitle"])}


@pytest.mark.parametrize("element", ["chevron", "monogram", "title"])
@pytest.mark.parametrize("quality", [None, 60])
@pytest.mark.parametrize("width", [200.0, 400.0])
def test_a_removed_part_is_missing_however_small_its_share_of_the_area(element: str, quality: int | None,
                                                                       width: float, kit: Kit,
                                                                       refs: References) -> None:
    """Before, removing the chevron, the monogram or the title passed: each is under the area tolerance."""
    image, _ = place(plain(WHITE), kit, "colour", CENTRE, width, svg=remove_element(kit.artwork["colour"].svg, element))
    measured = _only(image if quality is None else jpeg(image, quality), kit, refs).measurements
    assert measured.altered_difference < kit.spec.scan.altered_max_difference
    assert measured.missing_part > kit.spec.scan.altered_max_missing_part


PARTS = {"Higher": 3, "Technical": 4, "Qualification": 5, "subtitle": 7}  # parts of the measuring frame
BADGE_COLOURS = {"colour": "#0B2545", "black": "#000000", "white": "#FFFFFF"}


@pytest.mark.parametrize("part", list(PARTS))
@pytest.mark.parametrize(("variant", "background"), [("colour", WHITE), ("black", WHITE), ("white", DARK)])
@pytest.mark.parametrize(("width", "quality"), [(200.0, None), (200.0, 85), (400.0, 60)])
def test_the_subtitle_or_one_title_word_removed_is_missing(part: str, variant: str, background: tuple[int, int, int],
                                                          width: float, quality: int | None, kit: Kit,
                                                          refs: References) -> None:
    """Before, neither was found at any size: the subtitle's letters are too thin to have a core, and one
    word is a third of the title's core. Each is painted over in the badge's colour."""
    frame, geometry = refs.measure, kit.artwork[variant].geometry
    x0, y0, x1, y1 = frame.windows[PARTS[part]]
    sx, sy = geometry.width / frame.width, geometry.height / frame.height
    box = (geometry.min_x + (x0 - 1) * sx, geometry.min_y + (y0 - 1) * sy,
           geometry.min_x + (x1 + 1) * sx, geometry.min_y + (y1 + 1) * sy)
    svg = painted_over(kit.artwork[variant].svg, box, BADGE_COLOURS[variant])
    image, _ = place(plain(background), kit, variant, CENTRE, width, svg=svg)
    measured = _only(image if quality is None else jpeg(image, quality), kit, refs).measurements
    assert measured.missing_part > kit.spec.scan.altered_max_missing_part


@pytest.mark.parametrize("accent", ["#2850C8", "#1E4B8C", "#C82850"])
def test_the_accent_recoloured_is_not_a_part_missing(accent: str, kit: Kit, refs: References) -> None:
    """The chevron and the subtitle painted another colour: the subtitle shows its class's colour as the chevron
    shows it, not the approved amber, so it is not missing (a blue one read 94% missing)."""
    svg = kit.artwork["colour"].svg.replace(b'fill="#FFB300"', f'fill="{accent}"'.encode())
    assert svg != kit.artwork["colour"].svg
    image, _ = place(plain(WHITE), kit, "colour", CENTRE, 300.0, svg=svg)
    assert _only(image, kit, refs).measurements.missing_part <= kit.spec.scan.altered_max_missing_part


@pytest.mark.parametrize("width", [80.0, 100.0, 120.0])
@pytest.mark.parametrize("contrast", [2.0, 3.0])
def test_a_small_mark_given_harsh_contrast_has_no_part_missing(width: float, contrast: float, kit: Kit,
                                                              refs: References) -> None:
    """Below the smallest size allowed a tone curve pushes a thin part's few blended pixels into the colour
    around it, as a removal would: parts are judged by their pixels on marks of the allowed size only."""
    from PIL import Image as PILImage, ImageEnhance

    image, _ = place(plain(WHITE), kit, "colour", CENTRE, width)
    harsh = np.asarray(ImageEnhance.Contrast(PILImage.fromarray(image)).enhance(contrast))  # about the mean grey
    found = find_marks(np.ascontiguousarray(harsh), refs, spec=kit.spec)
    assert all(mark.measurements.missing_part <= kit.spec.scan.altered_max_missing_part for mark in found)


@pytest.mark.parametrize("paint", ["#0B2545", "#23446E", "#000000"])
def test_a_part_painted_over_in_the_colour_around_it_is_missing(paint: str, kit: Kit, refs: References) -> None:
    """The badge's navy, or a navy (or black) close to it: #23446E, 57 levels from the badge's, passed before."""
    svg = kit.artwork["colour"].svg.replace(b'id="chevron" fill="#FFB300"', f'id="chevron" fill="{paint}"'.encode())
    assert svg != kit.artwork["colour"].svg
    image, _ = place(plain(WHITE), kit, "colour", CENTRE, WIDTH, svg=svg)
    assert _only(image, kit, refs).measurements.missing_part > kit.spec.scan.altered_max_missing_part


@pytest.mark.parametrize(("element", "paint"), [("chevron", "#FFFFFF"), ("monogram", "#FFB300"), ("title", "#FFB300")])
@pytest.mark.parametrize(("width", "quality"), [(200.0, None), (400.0, None), (400.0, 60)])
def test_a_part_painted_in_another_of_the_marks_colours_is_recoloured(element: str, paint: str, width: float,
                                                                     quality: int | None, kit: Kit,
                                                                     refs: References) -> None:
    """The amber chevron painted white, the navy monogram or the white title painted amber: before, each
    passed. Every colour is the mark's own (so none is off its palette), none is the colour around the
    part (so nothing is missing), and each part is a few per cent of the area."""
    svg = repaint_element(kit.artwork["colour"].svg, element, paint)
    image, _ = place(plain(WHITE), kit, "colour", CENTRE, width, svg=svg)
    measured = _only(image if quality is None else jpeg(image, quality), kit, refs).measurements
    assert measured.altered_difference < kit.spec.scan.altered_max_difference
    assert measured.missing_part <= kit.spec.scan.altered_max_missing_part
    assert measured.recoloured_part > kit.spec.scan.altered_max_missing_part


@pytest.mark.parametrize(("box", "colour"), [((198, 58, 236, 142), (255, 255, 255)),  # the chevron's, white
                                            ((33, 72, 169, 138), (255, 179, 0))])      # the monogram's, amber
@pytest.mark.parametrize("share", [0.9, 1.0])
@pytest.mark.parametrize("width", [300.0, 500.0])
def test_a_patch_laid_over_a_parts_box_is_no_part_recoloured(box: tuple[int, int, int, int],
                                                             colour: tuple[int, int, int], share: float,
                                                             width: float, kit: Kit, refs: References) -> None:
    """A white patch over the chevron's box or an amber one over the monogram's (in artwork units, 640 x 200)
    covers the colour around the part too: 59 of 7,418 attack pictures read so as a part in the wrong colour."""
    image, _ = place(plain(WHITE), kit, "colour", CENTRE, width)
    scale, height = width / 640, width / kit.aspect_ratio
    left, top = CENTRE[0] - width / 2, CENTRE[1] - height / 2
    (x0, y0, x1, y1), half = box, (1.0 - share) / 2
    x0, x1 = x0 + half * (x1 - x0), x1 - half * (x1 - x0)
    y0, y1 = y0 + half * (y1 - y0), y1 - half * (y1 - y0)
    image[round(top + y0 * scale):round(top + y1 * scale), round(left + x0 * scale):round(left + x1 * scale)] = colour
    found = find_marks(image, refs, spec=kit.spec)
    assert found, "the mark should be found"
    assert all(mark.measurements.recoloured_part <= kit.spec.scan.altered_max_missing_part for mark in found)


@pytest.mark.parametrize("paint", ["#FFFFFF", "#0B2545"])
def test_a_class_recoloured_as_a_whole_is_no_part_recoloured(paint: str, kit: Kit, refs: References) -> None:
    """The chevron and the subtitle both white (as a threshold leaves them), or both navy: every amber part
    changed alike is the palette's business (or a part missing), not one part in the wrong colour."""
    svg = kit.artwork["colour"].svg.replace(b'fill="#FFB300"', f'fill="{paint}"'.encode())
    image, _ = place(plain(WHITE), kit, "colour", CENTRE, 300.0, svg=svg)
    assert _only(image, kit, refs).measurements.recoloured_part <= kit.spec.scan.altered_max_missing_part


def test_two_parts_removed_are_missing(kit: Kit, refs: References) -> None:
    svg = remove_element(remove_element(kit.artwork["colour"].svg, "chevron"), "monogram")
    image, _ = place(plain(WHITE), kit, "colour", CENTRE, WIDTH, svg=svg)
    measured = _only(image, kit, refs).measurements
    assert measured.altered_difference < kit.spec.scan.altered_max_difference
    assert measured.missing_part > kit.spec.scan.altered_max_missing_part


@pytest.mark.parametrize(("variant", "background"), [("colour", WHITE), ("black", WHITE), ("white", DARK)])
@pytest.mark.parametrize("corner", ["top", "bottom"])
@pytest.mark.parametrize(("wide", "high"), [(0.2, 0.6), (0.25, 0.6), (0.3, 0.75)])
def test_a_corner_covered_in_the_colour_of_the_page_is_no_missing_part(variant: str, background: tuple[int, int, int],
                                                                       corner: str, wide: float, high: float,
                                                                       kit: Kit, refs: References) -> None:
    """A box of the page's colour over a corner of the mark left the monogram showing the tile's white (or the
    badge's colour): it read as removed. The tile around it was whole, but the badge next to the tile was not."""
    width = 320.0
    height = width / kit.aspect_ratio
    image, _ = place(plain(background), kit, variant, CENTRE, width)
    left, top = CENTRE[0] - width / 2, CENTRE[1] - height / 2
    y0, y1 = (top - 40, top + high * height) if corner == "top" else (top + (1 - high) * height, top + height + 40)
    image[round(y0):round(y1), round(left - 40):round(left + wide * width)] = background
    found = find_marks(image, refs, spec=kit.spec)
    assert found, "the mark should be found"
    assert all(mark.measurements.missing_part <= kit.spec.scan.altered_max_missing_part for mark in found)


@pytest.mark.parametrize("how", list(RECOLOURINGS))
def test_a_recoloured_part_is_not_missing(how: str, kit: Kit, refs: References) -> None:
    image, _ = place(plain(WHITE), kit, "colour", CENTRE, WIDTH, svg=recolour(kit.artwork["colour"].svg,
                                                                             RECOLOURINGS[how]))
    measured = _only(image, kit, refs).measurements
    assert (measured.missing_part, measured.recoloured_part) == (0.0, 0.0)


@pytest.mark.parametrize(("variant", "background"), [("colour", WHITE), ("black", WHITE), ("white", DARK)])
@pytest.mark.parametrize("quality", [None, 60, 85])
@pytest.mark.parametrize("width", [110.0, 160.0, 256.0, 400.0])
def test_no_part_of_an_approved_mark_is_missing(variant: str, background: tuple[int, int, int], quality: int | None,
                                                width: float, kit: Kit, refs: References) -> None:
    image, _ = place(plain(background), kit, variant, CENTRE, width)
    measured = _only(image if quality is None else jpeg(image, quality), kit, refs).measurements
    assert (measured.missing_part, measured.recoloured_part) == (0.0, 0.0)


@pytest.mark.parametrize(("width", "factor"), [(80.0, 2.5), (104.0, 3.0), (120.0, 4.0)])
def test_no_part_of_an_enlarged_small_picture_of_the_mark_is_missing(width: float, factor: float, kit: Kit,
                                                                     refs: References) -> None:
    measured = _only(_enlarged(width, factor, kit=kit), kit, refs).measurements
    assert (measured.missing_part, measured.recoloured_part) == (0.0, 0.0)


def _over_the_mark(image: Image, kit: Kit, width: float, shape: str, colour: tuple[int, int, int]) -> Image:
    """``image`` with a shape laid over the mark at CENTRE (placed ``width`` px wide), reaching out past its outline."""
    height = width / kit.aspect_ratio
    left, top = CENTRE[0] - width / 2, CENTRE[1] - height / 2
    out = image.copy()
    if shape == "sticker poking out of the top":  # over the title
        cv2.circle(out, (round(left + 0.5 * width), round(top + 0.3 * height)), round(0.4 * height), colour, -1,
                   cv2.LINE_AA)
        return out
    # In shares of the mark's width and height: a bar from above down over the chevron, a band from the right
    # over the title.
    x0, y0, x1, y1 = {"bar from above over the chevron": (0.29, -0.3, 0.40, 0.55),
                      "band from the right over the title": (0.5, 0.3, 1.3, 0.7)}[shape]
    out[round(top + y0 * height):round(top + y1 * height), round(left + x0 * width):round(left + x1 * width)] = colour
    return out


@pytest.mark.parametrize(("shape", "colour"), [
    ("sticker poking out of the top", (0, 0, 0)), ("sticker poking out of the top", (11, 37, 69)),
    ("sticker poking out of the top", (35, 68, 110)), ("bar from above over the chevron", (0, 0, 0)),
    ("band from the right over the title", (0, 0, 0)), ("sticker poking out of the top", (255, 179, 0)),
    ("bar from above over the chevron", (255, 255, 255)), ("band from the right over the title", (255, 179, 0)),
])
def test_something_dark_laid_over_the_mark_from_outside_is_no_missing_part(shape: str, colour: tuple[int, int, int],
                                                                          kit: Kit, refs: References) -> None:
    """Black or navy laid over the chevron or the title looks like those parts painted over in the badge's navy,
    but it reaches out past the outline: before, the part read as missing (115 of 4,968 such shapes)."""
    image, _ = place(plain(WHITE), kit, "colour", CENTRE, 320.0)
    found = find_marks(_over_the_mark(image, kit, 320.0, shape, colour), refs, spec=kit.spec)
    assert found, "the mark should be found"
    tolerance = kit.spec.scan.altered_max_missing_part
    assert all(max(mark.measurements.missing_part, mark.measurements.recoloured_part) <= tolerance for mark in found)


@pytest.mark.parametrize(("across", "width"), [("Higher", 320.0), ("Qualification", 200.0), ("the chevron", 200.0)])
@pytest.mark.parametrize("colour", [(45, 45, 45), (0, 0, 0), (11, 37, 69), (255, 255, 255), (255, 179, 0)])
def test_a_thin_line_drawn_across_a_word_or_the_chevron_is_no_missing_part(across: str, width: float,
                                                                           colour: tuple[int, int, int], kit: Kit,
                                                                           refs: References) -> None:
    """A 3 px dark line inside the badge covered half or more of a title word's small core (30 pixels in the
    measuring frame): it read as the word removed. The title is judged as one element now."""
    height = width / kit.aspect_ratio
    left, top = CENTRE[0] - width / 2, CENTRE[1] - height / 2
    image, _ = place(plain(WHITE), kit, "colour", CENTRE, width)
    # In artwork units (640 x 200): along the middle of the word's line of text, or down the chevron's arm.
    (x0, y0), (x1, y1) = {"Higher": ((250, 60), (400, 60)), "Qualification": ((250, 106), (520, 106)),
                          "the chevron": ((215, 60), (215, 140))}[across]
    scale = width / 640
    cv2.line(image, (round(left + x0 * scale), round(top + y0 * scale)),
             (round(left + x1 * scale), round(top + y1 * scale)), colour, 3, cv2.LINE_AA)
    found = find_marks(image, refs, spec=kit.spec)
    assert found, "the mark should be found"
    tolerance = kit.spec.scan.altered_max_missing_part
    assert all(max(mark.measurements.missing_part, mark.measurements.recoloured_part) <= tolerance for mark in found)


@pytest.mark.parametrize("share", [0.0, 0.25])
def test_covered_marks(share: float, kit: Kit, refs: References) -> None:
    image, placement = place(plain(WHITE), kit, "colour", CENTRE, WIDTH)
    if share:
        (x0, y0), _, (x1, y1), _ = placement.corners
        cut = round(x1 - share * (x1 - x0))
        cv2.rectangle(image, (cut, round(y0) - 20), (round(x1) + 20, round(y1) + 20), (200, 60, 60), -1)
    detection = _only(image, kit, refs)
    assert placement.matches(detection.corners)
    assert detection.visible_fraction == 1.0
    if share:
        assert detection.measurements.covered_fraction == pytest.approx(share, abs=0.08)
    else:
        assert detection.measurements.covered_fraction == 0.0


# The measuring helpers below count levels or look them up instead of sorting and
# computing per pixel; they must agree exactly with the plain NumPy computation.

def test_medians_by_counting_levels_match_numpy() -> None:
    rng = np.random.default_rng(5)
    rgb = rng.integers(0, 256, (40, 50, 3), dtype=np.uint8)
    for share in (0.002, 0.3, 1.0):
        mask = rng.random((40, 50)) < share
        mask[7, 9] = True
        expected = np.median(rgb[mask].astype(np.float32), axis=0)
        assert np.array_equal(_median_colour(rgb, mask), expected)
    groups = rng.integers(0, 4, 501)
    values = rng.integers(0, 256, (501, 3), dtype=np.uint8)
    medians, sizes = _grouped_medians(values, _histogram_starts(groups), 5)
    for group in range(4):
        assert sizes[group] == (groups == group).sum()
        assert np.array_equal(medians[group], np.median(values[groups == group], axis=0))
    assert sizes[4] == 0


def test_looked_up_distances_and_luminances_match_numpy() -> None:
    rng = np.random.default_rng(6)
    rgb = rng.integers(0, 256, (30, 20, 3), dtype=np.uint8)
    pixels = _Pixels.of(rgb)
    colour = np.array([12.5, 200.0, 99.0])
    assert np.array_equal(_deviation(pixels.rgba, colour), np.linalg.norm(rgb.astype(np.float32) - colour, axis=-1))
    rows = rgb.reshape(-1, 3)
    every_third = np.arange(0, len(rows), 3)
    assert np.array_equal(_deviation(pixels.rgba_at(every_third), colour),
                          np.linalg.norm(rows[every_third] - colour, axis=-1))
    assert np.array_equal(_luminance(pixels.rgba_at(np.arange(len(rows)))), relative_luminance(rows.astype(np.float32)))
    vectors = rng.normal(0.0, 50.0, (100, 3))
    assert np.array_equal(_row_norms(vectors), np.linalg.norm(vectors, axis=1))


def test_packed_pixels_give_the_same_colours() -> None:
    rng = np.random.default_rng(7)
    rgb = rng.integers(0, 256, (12, 16, 3), dtype=np.uint8)
    mask = rng.random((12, 16)) < 0.4
    pixels = _Pixels.of(rgb)
    assert np.array_equal(pixels.at(mask), rgb[mask])
    assert np.array_equal(pixels.at(np.flatnonzero(mask)), rgb[mask])
    assert np.array_equal(pixels.rgba[..., :3], rgb)
    inner = pixels.crop(3, 2)
    assert np.array_equal(inner.rgb, rgb[2:-2, 3:-3])
    assert np.array_equal(inner.at(np.arange(5)), rgb[2:-2, 3:-3].reshape(-1, 3)[:5])


@pytest.mark.parametrize(("angle", "x", "y"), [(0.0, 10.0, 8.0), (0.0, 1.0, 1.0), (0.0, 0.6, 0.6), (7.0, 30.0, 5.0),
                                               (-3.0, 50.0, 40.0), (0.0, -4.0, 20.0), (30.0, 70.0, 55.0)])
def test_inside_the_image_matches_warping_its_extent(angle: float, x: float, y: float) -> None:
    shape, size = (60, 80), (20, 12)
    turn = math.radians(angle)
    scale = 1.3
    extended = np.array([[scale * math.cos(turn), -scale * math.sin(turn), x],
                         [scale * math.sin(turn), scale * math.cos(turn), y]])
    expected = cv2.warpAffine(np.full(shape, 255, np.uint8), extended, size,
                              flags=cv2.INTER_NEAREST | cv2.WARP_INVERSE_MAP, borderMode=cv2.BORDER_CONSTANT,
                              borderValue=0) > 0
    assert np.array_equal(_inside(shape, extended, size), expected)


@pytest.mark.parametrize("seed", range(4))
def test_lab_of_8_bit_levels_is_the_kits(seed):
    levels = np.random.default_rng(seed).integers(0, 256, (3000, 3), dtype=np.uint8)
    assert np.array_equal(_lab_of_levels(levels), srgb_to_lab(levels.astype(np.float64)))


@pytest.mark.parametrize("spread", [0.5, 2.0, 3.0, 3.5, 4.0, 6.0, 12.0])
def test_flat_backgrounds_are_judged_as_by_the_percentile(spread):
    rng = np.random.default_rng(int(spread * 10))
    for rows in (5, 50, 500):
        lab = rng.normal(0, spread, (rows, 3)) + (50.0, 10.0, -5.0)
        spreads = delta_e(lab, np.median(lab, axis=0)[None])
        expected = float(np.percentile(spreads, FLAT_PERCENTILE)) < FLAT_DELTA_E
        assert _is_flat_lab(lab) == expected
