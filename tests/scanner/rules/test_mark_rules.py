"""Every per-mark rule just inside and just outside its threshold (thresholds from the spec)."""

import pytest

import htq_mark
from htq_mark.scanner._rules import check_mark
from htq_mark.scanner._rules.appearance import (
    check_altered,
    check_low_contrast,
    check_recoloured,
)
from htq_mark.scanner._rules.geometry import check_distorted, check_rotated, check_too_small
from htq_mark.scanner._rules.placement import EDGE_SPILL_PX, check_clear_space, check_cropped
from htq_mark.scanner._rules.resolution import check_low_resolution

from ._facts import image_facts, pdf_facts

KIT = htq_mark.load_kit()
SPEC = KIT.spec
TINY = 1e-3


def test_a_compliant_mark_has_no_findings():
    assert check_mark(pdf_facts(), SPEC) == []
    assert check_mark(image_facts(), SPEC) == []


@pytest.mark.parametrize("facts, rule_fires", [
    (pdf_facts(SPEC.minimum_width_mm), False),
    (pdf_facts(SPEC.minimum_width_mm - 0.05), True),
    (pdf_facts(SPEC.minimum_width_mm * (1 - 3e-16)), False),  # the minimum, but for arithmetic's rounding
    (image_facts(SPEC.minimum_width_px), False),
    (image_facts(SPEC.minimum_width_px - 0.5), True),
])
def test_too_small(facts, rule_fires):
    assert bool(check_too_small(facts, SPEC)) is rule_fires


def test_too_small_message_gives_value_limit_and_command():
    [found] = check_too_small(pdf_facts(9.4), SPEC)
    assert found.rule == "too-small" and found.severity == "error" and found.mark == "m1"
    assert found.message == f"The mark is 9.4 mm wide; the minimum is {SPEC.minimum_width_mm:g} mm."
    assert f"htq-mark generate --variant colour --width {SPEC.minimum_width_mm:g}mm --format pdf" in found.fix


def test_a_value_just_below_the_limit_never_reads_as_the_limit():
    [found] = check_too_small(pdf_facts(SPEC.minimum_width_mm - 0.01), SPEC)
    assert f"{SPEC.minimum_width_mm - 0.01:.2f} mm wide" in found.message


def test_images_are_judged_in_pixels_with_a_png_fix():
    [found] = check_too_small(image_facts(90.0), SPEC)
    assert "90.0 px wide" in found.message and f"minimum is {SPEC.minimum_width_px} px" in found.message
    assert "--format png" in found.fix and f"--width {SPEC.minimum_width_px}px" in found.fix


@pytest.mark.parametrize("error, rule_fires", [
    (SPEC.aspect_ratio_tolerance, False),
    (-SPEC.aspect_ratio_tolerance, False),
    (SPEC.aspect_ratio_tolerance + TINY, True),
    (-SPEC.aspect_ratio_tolerance - TINY, True),
    (0.6, True),
])
def test_distorted(error, rule_fires):
    found = check_distorted(pdf_facts(aspect_ratio_error=error), SPEC)
    assert bool(found) is rule_fires
    if found:
        assert ("wider" if error > 0 else "taller") in found[0].message


@pytest.mark.parametrize("angle, rule_fires", [
    (SPEC.rotation_tolerance_deg, False),
    (-SPEC.rotation_tolerance_deg, False),
    (SPEC.rotation_tolerance_deg + TINY, True),
    (-SPEC.rotation_tolerance_deg - TINY, True),
    (180.0, True),
    (359.5, False),
])
def test_rotated(angle, rule_fires):
    assert bool(check_rotated(pdf_facts(rotation_deg=angle), SPEC)) is rule_fires


@pytest.mark.parametrize("changes, rule_fires", [
    ({"measurements": {"palette_distance": SPEC.scan.colour_tolerance_delta_e}}, False),
    ({"measurements": {"palette_distance": SPEC.scan.colour_tolerance_delta_e + TINY}}, True),
    ({"variant": None, "measurements": {"palette_distance": 40.0, "best_variant": "black"}}, True),
])
def test_recoloured(changes, rule_fires):
    found = check_recoloured(pdf_facts(**changes), SPEC)
    assert bool(found) is rule_fires
    if found:
        assert f"the tolerance is {SPEC.scan.colour_tolerance_delta_e:g}" in found[0].message


@pytest.mark.parametrize("ratio, rule_fires", [
    (SPEC.backgrounds.minimum_contrast_ratio, False),
    (SPEC.backgrounds.minimum_contrast_ratio - TINY, True),
])
def test_low_contrast_ratio(ratio, rule_fires):
    facts = pdf_facts(measurements={"contrast_ratio": ratio, "background_kind": "mid"})
    assert bool(check_low_contrast(facts, SPEC)) is rule_fires


@pytest.mark.parametrize("variant, background, rule_fires", [
    ("colour", "light", False),
    ("colour", "dark", True),
    ("white", "light", True),
    ("white", "dark", False),
    ("white", "photo", False),
    ("black", "photo", True),
])
def test_low_contrast_wrong_variant_for_background(variant, background, rule_fires):
    facts = pdf_facts(variant=variant, measurements={"background_kind": background})
    found = check_low_contrast(facts, SPEC)
    assert bool(found) is rule_fires
    if found:
        right = SPEC.variants_for(background)[0]
        assert f"--variant {right}" in found[0].fix and background in found[0].message


def test_a_mirrored_mark_is_altered_artwork():
    [found] = check_altered(image_facts(mirrored=True), SPEC)
    assert found.rule == "altered-artwork" and "mirrored" in found.message and found.details["mirrored"] is True
    assert check_altered(image_facts(), SPEC) == []


def test_a_kit_with_no_variant_for_the_background_says_so_rather_than_recommend_the_one_flagged():
    import dataclasses

    colour_only = dataclasses.replace(SPEC, variants={"colour": SPEC.variants["colour"]})
    [found] = check_low_contrast(pdf_facts(variant="colour", measurements={"background_kind": "dark"}), colour_only)
    assert found.fix == "The kit has no variant for dark backgrounds: place the mark on a light background."


@pytest.mark.parametrize("share, rule_fires", [
    (SPEC.scan.clear_space_min_intrusion, False),
    (SPEC.scan.clear_space_min_intrusion + TINY, True),
])
def test_clear_space(share, rule_fires):
    facts = pdf_facts(measurements={"clear_space_intrusion": share,
                                    "clear_space_intrusion_px": {"left": 2.0, "right": 0.0}})
    assert bool(check_clear_space(facts, SPEC)) is rule_fires


@pytest.mark.parametrize("required, depth, rule_fires", [
    (100.0, SPEC.scan.clear_space_min_depth * 100.0, False),
    (100.0, SPEC.scan.clear_space_min_depth * 100.0 + TINY, True),
    (100.0, 60.0, True),
    (8.0, EDGE_SPILL_PX, False),      # a small mark: a neighbour's anti-aliased edge is not an intrusion
    (8.0, EDGE_SPILL_PX + TINY, True),
])
def test_clear_space_by_depth_however_little_is_covered(required, depth, rule_fires):
    facts = image_facts(measurements={"clear_space_intrusion": 0.0, "clear_space_required_px": required,
                                      "clear_space_intrusion_px": {"left": 0.0, "right": 0.0, "top": depth,
                                                                   "bottom": 0.0}})
    found = check_clear_space(facts, SPEC)
    assert bool(found) is rule_fires
    if found:
        assert found[0].details["side"] == "top" and found[0].details["intrusion_px"] == pytest.approx(depth, abs=1e-3)
        assert "on the top" in found[0].message


def test_clear_space_message_in_mm_with_the_side_and_the_zone_boxed():
    facts = pdf_facts(measurements={"clear_space_intrusion": 0.2, "clear_space_required_px": 56.0,
                                    "clear_space_intrusion_px": {"left": 24.4, "top": 3.0}})
    [found] = check_clear_space(facts, SPEC)
    assert found.message == "Other content intrudes 3.1 mm into the clear space on the left; keep 7.1 mm clear."
    assert found.fix.startswith("Move the other content 3.1 mm further from the mark")
    x0, y0, x1, y1 = facts.mark.bbox
    assert found.bbox == pytest.approx((x0 - 56 * 72 / 200, y0 - 56 * 72 / 200, x1 + 56 * 72 / 200, y1 + 56 * 72 / 200))


@pytest.mark.parametrize("visible, covered, rule_fires", [
    (1.0 - SPEC.scan.cropped_max_hidden, 0.0, False),
    (1.0 - SPEC.scan.cropped_max_hidden - TINY, 0.0, True),
    (0.6, 0.0, True),
    (1.0, SPEC.scan.cropped_max_hidden, False),
    (1.0, SPEC.scan.cropped_max_hidden + TINY, True),
])
def test_cropped(visible, covered, rule_fires):
    facts = pdf_facts(visible_fraction=visible, measurements={"covered_fraction": covered})
    found = check_cropped(facts, SPEC)
    assert bool(found) is rule_fires
    if found:
        assert ("cut off" if visible < 1.0 else "covered") in found[0].message


def test_cropped_says_how_much_is_hidden_and_on_which_side():
    [hidden] = check_cropped(pdf_facts(measurements={"covered_fraction": 0.35, "covered_side": "right"}), SPEC)
    assert hidden.message.startswith("35.0% of the mark is hidden by other content")
    assert "on its right" in hidden.message and "frame" in hidden.fix
    assert hidden.details["hidden_fraction"] == 0.35 and hidden.details["side"] == "right"
    [cut] = check_cropped(pdf_facts(visible_fraction=0.7, cut_side="top"), SPEC)
    assert cut.message.startswith("30.0% of the mark is cut off by the edge of the page on its top")
    assert cut.details["hidden_fraction"] == pytest.approx(0.3) and cut.details["side"] == "top"


@pytest.mark.parametrize("difference, rule_fires", [
    (SPEC.scan.altered_max_difference, False),
    (SPEC.scan.altered_max_difference + TINY, True),
])
def test_altered(difference, rule_fires):
    assert bool(check_altered(pdf_facts(measurements={"altered_difference": difference}), SPEC)) is rule_fires


@pytest.mark.parametrize(("measured", "message"), [
    ("missing_part", "A part of the mark is missing: "),
    ("recoloured_part", "A part of the mark is in the wrong colour: "),
])
@pytest.mark.parametrize("share, rule_fires", [
    (0.0, False),
    (SPEC.scan.altered_max_missing_part, False),
    (SPEC.scan.altered_max_missing_part + TINY, True),
    (1.0, True),
])
def test_a_part_missing_or_in_another_of_the_marks_colours_is_altered_artwork_whatever_its_share_of_the_area(
        measured, message, share, rule_fires):
    found = check_altered(pdf_facts(measurements={"altered_difference": 0.01, measured: share}), SPEC)
    assert bool(found) is rule_fires
    if rule_fires:
        assert found[0].message.startswith(message)
        assert found[0].details[measured] == share
        assert found[0].details["missing_part_tolerance"] == SPEC.scan.altered_max_missing_part


def test_a_missing_part_is_named_before_a_recoloured_one():
    found = check_altered(pdf_facts(measurements={"altered_difference": 0.01, "missing_part": 1.0,
                                                  "recoloured_part": 1.0}), SPEC)
    assert len(found) == 1 and found[0].message.startswith("A part of the mark is missing: ")


def test_an_altered_area_is_named_before_a_missing_part():
    found = check_altered(pdf_facts(measurements={"altered_difference": 0.3, "missing_part": 1.0}), SPEC)
    assert len(found) == 1 and "of the mark differs from the approved artwork" in found[0].message


@pytest.mark.parametrize("ppi, severity", [
    (None, None),
    (float(SPEC.recommended_ppi), None),
    (SPEC.recommended_ppi - TINY, "warning"),
    (float(SPEC.minimum_ppi), "warning"),
    (SPEC.minimum_ppi - TINY, "error"),
    (72.0, "error"),
    # The recommended ppi worked out through a page's matrices (a generated mark placed at its own size).
    (float(SPEC.recommended_ppi) * (1 - 3e-16), None),
    (float(SPEC.minimum_ppi) * (1 - 3e-16), "warning"),
])
def test_low_resolution(ppi, severity):
    found = check_low_resolution(pdf_facts(ppi=ppi), SPEC)
    assert (found[0].severity if found else None) == severity
    if found:
        assert "--format pdf" in found[0].fix and "ppi" in found[0].message


def test_findings_of_one_mark_come_in_rule_table_order():
    facts = pdf_facts(10.0, rotation_deg=30.0, aspect_ratio_error=0.3, visible_fraction=0.7)
    assert [f.rule for f in check_mark(facts, SPEC)] == ["too-small", "distorted", "rotated", "cropped"]
