"""The evaluation set generator: deterministic, and its labels say where the marks really are."""

from __future__ import annotations

import hashlib
import io
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from benchmarks.evalset.backgrounds import corpus_dir, plain
from benchmarks.evalset.compose import (
    Pose,
    expanded_corners,
    place_mark,
    polygon_mask,
    visible_fraction,
)
from benchmarks.evalset.generate import build_context, make_case
from benchmarks.evalset.pdfwriter import PageBuilder
from benchmarks.evalset.plan import PLAN, PlannedCase, plan_cases
from benchmarks.evalset.preview import load_page
from benchmarks.evalset.scene import (CROPPED_CONDITIONS, MARK_RULES, OWN_PLATE_CONDITIONS, REMOVABLE_PARTS,
                                     REPAINTABLE_PARTS, Context)
from htq_mark.kit import Kit, load_kit

# One case of each medium, and the conditions whose geometry is hardest to get right.
SAMPLE = [
    PlannedCase(1, "compliant", "png"),
    PlannedCase(2, "rotated", "png"),
    PlannedCase(3, "stretched", "jpeg"),
    PlannedCase(4, "cropped", "png"),
    PlannedCase(5, "compliant", "pdf-vector"),
    PlannedCase(6, "rotated", "pdf-vector"),
    PlannedCase(7, "real-pdf", "pdf-raster"),
    PlannedCase(8, "stretched", "pdf-raster"),
    PlannedCase(9, "photo", "pdf-raster"),
    PlannedCase(10, "busy-page", "png"),
    PlannedCase(11, "multi", "png"),
    PlannedCase(12, "small", "pdf-vector"),
    PlannedCase(13, "cropped", "pdf-vector"),
    PlannedCase(14, "cropped", "pdf-raster"),
    PlannedCase(15, "part-removed", "png"),
    PlannedCase(16, "part-recoloured", "png"),
    PlannedCase(17, "part-recoloured", "pdf-vector"),
    PlannedCase(18, "own-colour-plate", "jpeg"),
    PlannedCase(19, "own-colour-plate", "pdf-vector"),
    PlannedCase(20, "own-colour-plate-cropped", "png"),
    PlannedCase(21, "own-colour-plate-cropped", "jpeg"),
    PlannedCase(22, "mirrored", "png"),
    PlannedCase(23, "mirrored", "pdf-vector"),
]
#: The scanner renders PDF pages at this resolution, so labels are checked against it.
SCAN_DPI = 200.0
# Conditions whose artwork is drawn unchanged, so redrawing it at the label's pose changes nothing.
UNCHANGED_ARTWORK = {"compliant", "rotated", "stretched", "cropped", "real-pdf", "photo", "busy-page",
                     "multi", "small", "own-colour-plate", "own-colour-plate-cropped"}


@pytest.fixture(scope="module")
def kit() -> Kit:
    return load_kit()


@pytest.fixture(scope="module")
def context(kit: Kit) -> Context:
    corpus = corpus_dir()
    if not corpus.is_dir():
        pytest.fail(f"{corpus}: the shared PDF corpus is missing; the evaluation set draws carrier pages "
                    "from <repo root>/../shared/corpus")
    return build_context(seed=7, kit=kit)


@pytest.fixture(scope="module")
def made(context: Context) -> dict[int, tuple[dict[str, Any], bytes]]:
    out = {}
    for planned in SAMPLE:
        case, data = make_case(planned, 7, context)
        out[planned.index] = (case.to_dict(), data)
    return out


def pose_from_corners(corners: list[list[float]], aspect: float, scale: float = 1.0) -> Pose:
    """The pose that puts the artwork's corners exactly on ``corners`` (times ``scale``)."""
    tl, tr, _, bl = (np.array(p, dtype=np.float64) * scale for p in corners[:4])
    width = float(np.linalg.norm(tr - tl))
    height = float(np.linalg.norm(bl - tl))
    rotation = math.degrees(math.atan2(-(tr - tl)[1], (tr - tl)[0]))
    centre = np.mean(np.array(corners, dtype=np.float64) * scale, axis=0)
    return Pose(float(centre[0]), float(centre[1]), width, rotation, 1.0, height / (width / aspect))


def redraw_difference(image: np.ndarray, kit: Kit, variant: str, pose: Pose) -> float:
    """Mean change inside the artwork (away from its edge) when the mark is drawn again at ``pose``."""
    redrawn, _ = place_mark(image, kit, variant, pose)
    width, height = pose.size(kit.aspect_ratio)
    inner = Pose(pose.center_x, pose.center_y, pose.width * (width - 6) / width, pose.rotation_deg,
                 pose.stretch_x, pose.stretch_y * ((height - 6) / height) / ((width - 6) / width))
    mask = polygon_mask(image.shape[:2], inner.corners(kit.aspect_ratio))
    assert mask.sum() > 100, "the mark's visible interior is too small to compare"
    diff = np.abs(redrawn.astype(np.int16) - image.astype(np.int16)).max(axis=-1)
    return float(diff[mask].mean())


def test_planned_sizes() -> None:
    small, full = plan_cases("small"), plan_cases("full")
    assert 50 <= len(small) <= 75
    assert 250 <= len(full) <= 480
    assert {c.condition for c in small} == set(PLAN)
    assert [c.id for c in full] == sorted({c.id for c in full})


@pytest.mark.parametrize("planned", SAMPLE, ids=lambda p: f"{p.condition}-{p.medium}")
def test_same_seed_gives_the_same_file_and_labels(planned: PlannedCase, kit: Kit,
                                                  made: dict[int, tuple[dict[str, Any], bytes]]) -> None:
    fresh = build_context(seed=7, kit=kit)
    case, data = make_case(planned, 7, fresh)
    first_labels, first_data = made[planned.index]
    assert hashlib.sha256(data).hexdigest() == hashlib.sha256(first_data).hexdigest()
    assert case.to_dict() == first_labels


def test_another_seed_gives_another_file(context: Context, made: dict[int, tuple[dict[str, Any], bytes]]) -> None:
    _, data = make_case(SAMPLE[0], 8, context)
    assert data != made[SAMPLE[0].index][1]


@pytest.mark.parametrize("planned", [p for p in SAMPLE if p.condition in UNCHANGED_ARTWORK],
                         ids=lambda p: f"{p.condition}-{p.medium}")
def test_ground_truth_corners_lie_on_the_marks_pixels(planned: PlannedCase, kit: Kit, tmp_path: Path,
                                                     made: dict[int, tuple[dict[str, Any], bytes]]) -> None:
    labels, data = made[planned.index]
    path = tmp_path / Path(labels["file"]).name
    path.write_bytes(data)
    image, scale = load_page(path, labels["unit"], dpi=SCAN_DPI)
    assert labels["marks"], "the case should hold a mark"
    for mark in labels["marks"]:
        pose = pose_from_corners(mark["corners"], kit.aspect_ratio, scale)
        at_label = redraw_difference(image, kit, mark["variant"], pose)
        shift = 0.08 * pose.size(kit.aspect_ratio)[1]
        moved = Pose(pose.center_x + shift, pose.center_y + shift, pose.width, pose.rotation_deg,
                     pose.stretch_x, pose.stretch_y)
        off_label = redraw_difference(image, kit, mark["variant"], moved)
        assert at_label < 12.0, f"the artwork is not where {labels['id']} says (mean change {at_label:.1f})"
        assert at_label < 0.4 * off_label, (at_label, off_label)


@pytest.mark.parametrize("planned", [p for p in SAMPLE if p.condition == "mirrored"],
                         ids=lambda p: f"{p.condition}-{p.medium}")
def test_a_mirrored_mark_is_the_artwork_flipped_where_labelled(planned: PlannedCase, kit: Kit, tmp_path: Path,
                                                               made: dict[int, tuple[dict[str, Any], bytes]]) -> None:
    """Flipped back (the whole picture, left to right), the artwork lies at the label's box flipped likewise;
    as drawn, the upright artwork does not match there."""
    labels, data = made[planned.index]
    path = tmp_path / Path(labels["file"]).name
    path.write_bytes(data)
    image, scale = load_page(path, labels["unit"], dpi=SCAN_DPI)
    [mark] = labels["marks"]
    assert mark["details"]["alteration"] == "mirrored" and mark["rotation_deg"] == 0
    pose = pose_from_corners(mark["corners"], kit.aspect_ratio, scale)
    flipped_back = np.ascontiguousarray(image[:, ::-1])
    back = Pose(image.shape[1] - pose.center_x, pose.center_y, pose.width)
    at_label = redraw_difference(flipped_back, kit, mark["variant"], back)
    as_drawn = redraw_difference(image, kit, mark["variant"], pose)
    assert at_label < 12.0 and at_label < 0.4 * as_drawn, (at_label, as_drawn)


@pytest.mark.parametrize("rotation", [0, 90, 180, 270])
def test_marks_on_rotated_and_offset_pages_land_where_labelled(rotation: int, kit: Kit, tmp_path: Path) -> None:
    import pypdf

    writer = pypdf.PdfWriter()
    page = writer.add_blank_page(500, 700)
    page.mediabox = pypdf.generic.RectangleObject([40, 60, 540, 760])
    page.cropbox = pypdf.generic.RectangleObject([50, 80, 530, 740])
    page.rotation = rotation
    carrier = tmp_path / f"carrier-{rotation}.pdf"
    with carrier.open("wb") as handle:
        writer.write(handle)
    shown = (480.0, 660.0) if rotation in (0, 180) else (660.0, 480.0)
    builder = PageBuilder(*shown)
    pose = Pose(shown[0] * 0.4, shown[1] * 0.6, 200.0, 20.0, 1.0, 1.2)
    builder.vector_mark(kit.artwork_for("colour").svg, kit.artwork_for("colour").geometry, pose)
    out = tmp_path / "stamped.pdf"
    out.write_bytes(builder.build((carrier, 0)))
    image, scale = load_page(out, "pt", dpi=144.0)
    assert image.shape[1] == pytest.approx(shown[0] * 2, abs=2)
    assert image.shape[0] == pytest.approx(shown[1] * 2, abs=2)
    scaled = pose_from_corners([list(p) for p in pose.corners(kit.aspect_ratio)], kit.aspect_ratio, scale)
    assert redraw_difference(image, kit, "colour", scaled) < 12.0


def test_compose_corners_bound_the_drawn_pixels(kit: Kit) -> None:
    canvas = plain((900, 700), (128, 128, 128))
    pose = Pose(430, 360, 420, 33.0, 1.3, 0.9)
    out, placed = place_mark(canvas, kit, "colour", pose)
    changed = np.abs(out.astype(np.int16) - canvas.astype(np.int16)).max(axis=-1) > 8
    inside = polygon_mask(changed.shape, placed.corners)
    assert changed.sum() > 20_000
    assert (changed & ~inside).sum() < 0.01 * changed.sum()
    assert (changed & inside).sum() > 0.9 * inside.sum()
    assert placed.visible_fraction == 1.0


def test_visible_fraction_of_a_mark_cut_by_an_edge() -> None:
    corners = [(-50.0, 0.0), (150.0, 0.0), (150.0, 50.0), (-50.0, 50.0)]
    assert visible_fraction(corners, 400, 300) == pytest.approx(0.75)


@pytest.mark.parametrize("planned", SAMPLE, ids=lambda p: f"{p.condition}-{p.medium}")
def test_labels_agree_with_the_condition(planned: PlannedCase, kit: Kit,
                                         made: dict[int, tuple[dict[str, Any], bytes]]) -> None:
    labels, _ = made[planned.index]
    spec = kit.spec
    assert labels["condition"] in labels["conditions"]
    for mark in labels["marks"]:
        xs = [p[0] for p in mark["corners"]]
        ys = [p[1] for p in mark["corners"]]
        assert mark["bbox"] == pytest.approx([min(xs), min(ys), max(xs), max(ys)], abs=0.01)
        assert mark["rules"] == list(MARK_RULES[planned.condition])
        size: float
        minimum: float
        if labels["unit"] == "px":
            size, minimum = mark["width"], spec.minimum_width_px
            assert size >= spec.scan.minimum_detect_width_px
        else:
            size, minimum = mark["width_mm"], spec.minimum_width_mm
            assert size >= 8.0
        assert (size < minimum) == (planned.condition == "small")
        assert (mark["visible_fraction"] < 0.999) == (planned.condition in CROPPED_CONDITIONS)
        if planned.condition in CROPPED_CONDITIONS:
            least, most = CROPPED_CONDITIONS[planned.condition]
            assert 1.0 - most <= mark["visible_fraction"] <= 1.0 - least
        if planned.condition == "rotated":
            assert abs(mark["rotation_deg"]) >= 5 * spec.rotation_tolerance_deg
        else:
            assert mark["rotation_deg"] == 0
        if planned.condition == "stretched":
            assert abs(mark["aspect_ratio_error"]) >= 2 * spec.aspect_ratio_tolerance
        else:
            assert mark["aspect_ratio_error"] == 0
        if planned.condition == "part-removed":  # one part left out, under the area tolerance
            assert mark["variant"] == "colour" and mark["details"]["removed"] in REMOVABLE_PARTS
            assert 0.005 < mark["details"]["changed_fraction"] < spec.scan.altered_max_difference
        if planned.condition == "part-recoloured":  # one part in another of the artwork's colours, likewise
            assert mark["variant"] == "colour" and mark["details"]["repainted"] in REPAINTABLE_PARTS
            assert 0.005 < mark["details"]["changed_fraction"] < spec.scan.altered_max_difference
        if planned.condition in OWN_PLATE_CONDITIONS:  # the colour artwork, around it a plate of nearly its navy
            assert mark["variant"] == "colour"
            if labels["unit"] == "px":
                assert mark["details"]["background_luminance"] < 0.03  # the navy's is 0.017
    if labels["format"] == "pdf":
        import pypdf

        text = pypdf.PdfReader(io.BytesIO(made[planned.index][1])).pages[0].extract_text()
        assert labels["details"]["qualification"] in text


@pytest.fixture(scope="module")
def full_set_context(kit: Kit) -> Context:
    """The context of the default full set (seed 0), whose cases the regression tests below redraw."""
    return build_context(seed=0, kit=kit)


def assert_mark_drawn_as_labelled(labels: dict[str, Any], data: bytes, kit: Kit, tmp_path: Path) -> None:
    """Every labelled mark shows unchanged and uncovered where labelled, at the scanner's resolution."""
    path = tmp_path / Path(labels["file"]).name
    path.write_bytes(data)
    image, scale = load_page(path, labels["unit"], dpi=SCAN_DPI)
    assert labels["marks"], "the case should hold a mark"
    for mark in labels["marks"]:
        pose = pose_from_corners(mark["corners"], kit.aspect_ratio, scale)
        at_label = redraw_difference(image, kit, mark["variant"], pose)
        assert at_label < 12.0, f"the artwork of {labels['id']} is covered or misplaced (mean change {at_label:.1f})"


# Every cropped PDF case of the full set: a mark cut by the top or bottom edge sits where the page's
# text band may be, and the band (drawn last) must not cover it (e0155, e0157 did before).
FULL_SET_CROPPED_PDFS = [p for p in plan_cases("full") if p.condition == "cropped" and p.medium.startswith("pdf")]


@pytest.mark.parametrize("planned", FULL_SET_CROPPED_PDFS, ids=lambda p: f"{p.id}-{p.medium}")
def test_cropped_pdf_marks_are_cut_by_the_edge_and_nothing_else(planned: PlannedCase, kit: Kit,
                                                               full_set_context: Context, tmp_path: Path) -> None:
    case, data = make_case(planned, 0, full_set_context)
    labels = case.to_dict()
    assert labels["marks"][0]["visible_fraction"] < 0.8
    assert_mark_drawn_as_labelled(labels, data, kit, tmp_path)


def clear_space_ink(image: np.ndarray, kit: Kit, pose: Pose) -> float:
    """Share of the clear-space ring around a mark (inside the page) that is not white paper."""
    height = pose.size(kit.aspect_ratio)[1]
    clear = kit.spec.clear_space_ratio * height
    outer = polygon_mask(image.shape[:2], expanded_corners(pose, kit.aspect_ratio, clear))
    inner = polygon_mask(image.shape[:2], expanded_corners(pose, kit.aspect_ratio, 4.0))  # past the edge blur
    ring = outer & ~inner
    assert ring.sum() > 100
    return float((image[ring].min(axis=-1) < 200).mean())


# The full set's plain-page PDF cases whose clear space should be empty paper (e0083's mark was
# placed over the page's margin text before).
PLAIN_PAGE_PDFS = [
    PlannedCase(index, condition, medium) for index, condition, medium in [
        (16, "compliant", "pdf-vector"), (17, "compliant", "pdf-vector"), (18, "compliant", "pdf-vector"),
        (25, "compliant", "pdf-raster"), (26, "compliant", "pdf-raster"), (47, "small", "pdf-vector"),
        (48, "small", "pdf-vector"), (50, "small", "pdf-vector"), (53, "small", "pdf-raster"),
        (78, "rotated", "pdf-vector"), (80, "rotated", "pdf-vector"), (83, "rotated", "pdf-raster"),
        (101, "stretched", "pdf-vector"), (104, "stretched", "pdf-vector"), (112, "stretched", "pdf-raster"),
        (150, "cropped", "pdf-vector"), (154, "cropped", "pdf-vector"), (155, "cropped", "pdf-vector"),
        (156, "cropped", "pdf-raster"), (158, "cropped", "pdf-raster"), (274, "not-entitled", "pdf-vector"),
        (280, "no-qualification", "pdf-vector"), (281, "no-qualification", "pdf-vector"),
        (282, "no-qualification", "pdf-vector"),
    ]
]


@pytest.mark.parametrize("planned", PLAIN_PAGE_PDFS, ids=lambda p: f"{p.id}-{p.condition}")
def test_page_furniture_stays_out_of_the_clear_space(planned: PlannedCase, kit: Kit, full_set_context: Context,
                                                    tmp_path: Path) -> None:
    case, data = make_case(planned, 0, full_set_context)
    labels = case.to_dict()
    assert labels["details"]["page"] == "plain"
    path = tmp_path / Path(labels["file"]).name
    path.write_bytes(data)
    image, scale = load_page(path, "pt", dpi=SCAN_DPI)
    for mark in labels["marks"]:
        pose = pose_from_corners(mark["corners"], kit.aspect_ratio, scale)
        assert clear_space_ink(image, kit, pose) < 0.002, f"something is drawn in {labels['id']}'s clear space"


def annotation_pixels(path: Path) -> np.ndarray:
    """Where the page's annotations (and form fields) show at the scanner's resolution."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(path))
    try:
        renders = [document[0].render(scale=SCAN_DPI / 72, may_draw_forms=annots, draw_annots=annots,
                                      fill_color=(255, 255, 255, 255)).to_numpy()[..., :3].astype(np.int16)
                   for annots in (True, False)]
    finally:
        document.close()
    changed: np.ndarray = np.abs(renders[0] - renders[1]).max(axis=-1) > 24
    return changed


# Real-PDF cases of the full set on carrier pages with annotations, which viewers draw over whatever is
# stamped on the page (e0110's mark was placed under a Square annotation before).
ANNOTATED_CARRIER_PDFS = [PlannedCase(110, "stretched", "pdf-raster"), PlannedCase(263, "low-resolution", "pdf-raster")]


@pytest.mark.parametrize("planned", ANNOTATED_CARRIER_PDFS, ids=lambda p: f"{p.id}-{p.condition}")
def test_carrier_annotations_stay_out_of_the_clear_space(planned: PlannedCase, kit: Kit, full_set_context: Context,
                                                        tmp_path: Path) -> None:
    case, data = make_case(planned, 0, full_set_context)
    labels = case.to_dict()
    assert labels["details"]["page"] == "real-pdf"
    path = tmp_path / Path(labels["file"]).name
    path.write_bytes(data)
    shown = annotation_pixels(path)
    assert shown.any(), f"{labels['details']['carrier']} should show annotations"
    for mark in labels["marks"]:
        pose = pose_from_corners(mark["corners"], kit.aspect_ratio, SCAN_DPI / 72)
        clear = kit.spec.clear_space_ratio * pose.size(kit.aspect_ratio)[1]
        zone = polygon_mask(shown.shape, expanded_corners(pose, kit.aspect_ratio, clear))
        assert not (shown & zone).any(), f"an annotation shows over {labels['id']}'s mark or its clear space"
