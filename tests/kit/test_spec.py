"""The usage spec: the bundled one loads, and every broken value is an error naming its key."""

from __future__ import annotations

import re

import pytest

from htq_mark.errors import SpecError
from htq_mark.kit import parse_spec

from .factory import spec_text


def test_bundled_spec_holds_the_issue_rules() -> None:
    spec = parse_spec(spec_text())
    assert (spec.minimum_width_mm, spec.minimum_width_px) == (25.0, 150)
    assert spec.clear_space_ratio == 0.25
    assert (spec.aspect_ratio_tolerance, spec.rotation_tolerance_deg) == (0.02, 1.0)
    assert (spec.recommended_ppi, spec.minimum_ppi) == (300, 150)
    assert list(spec.variants) == ["colour", "black", "white"]
    assert spec.variants_for("dark") == ("white",)
    assert spec.variant("colour").colours[0].rgb == (0x0B, 0x25, 0x45)
    assert {"web-small", "web", "web@2x", "email-signature", "social", "print-a5", "print-a4",
            "banner"} <= set(spec.presets)


BROKEN = [
    # (old text, new text, key named in the error, words in the problem)
    ("minimum_width_mm = 25.0", "", "size.minimum_width_mm", "is missing"),
    ("minimum_width_mm = 25.0", "minimum_width_mm = -1", "size.minimum_width_mm", "greater than 0"),
    ("minimum_width_px = 150", 'minimum_width_px = "150"', "size.minimum_width_px", "must be int"),
    ("minimum_width_px = 150", "minimum_width_px = true", "size.minimum_width_px", "must be int"),
    ("ratio_of_height = 0.25", "ratio_of_height = 9", "clear_space.ratio_of_height", "at most 5"),
    ("rotation_deg = 1.0", "rotation_deg = nan", "tolerances.rotation_deg", "greater than 0"),
    ("minimum_ppi = 150", "minimum_ppi = 600", "print.minimum_ppi", "must not exceed"),
    ("dark_max_luminance = 0.18", "dark_max_luminance = 0.5", "backgrounds.dark_max_luminance", "below"),
    ('srgb = "#0B2545"', 'srgb = "navy"', "variants.colour.colours[0].srgb", "hex colour"),
    ("cmyk = [100, 78, 30, 55]", "cmyk = [100, 78, 30]", "variants.colour.colours[0].cmyk", "four"),
    ("cmyk = [100, 78, 30, 55]", "cmyk = [100, 78, 30, 155]", "variants.colour.colours[0].cmyk", "0-100"),
    ('backgrounds = ["light"]\nuse = "On white',
     'backgrounds = ["pink"]\nuse = "On white', "variants.colour.backgrounds", "unknown background"),
    ('backgrounds = ["light"]\nuse = "On white',
     'backgrounds = []\nuse = "On white', "variants.colour.backgrounds", "at least one of light, dark, photo"),
    ('artwork = "assets/htq-mark-black.svg"', "", "variants.black.artwork", "is missing"),
    # A detection floor above the minimum size: too-small marks were silently not found at all.
    ("minimum_detect_width_px = 48", "minimum_detect_width_px = 1000000000", "scan.minimum_detect_width_px",
     "must not exceed size.minimum_width_px (150)"),
    ("render_dpi = 200", "render_dpi = 1", "scan.render_dpi", "at 1 dpi no mark in a PDF under 1.22e+03 mm"),
    ("render_dpi = 200", "render_dpi = 48", "scan.render_dpi", "25; use at least 49"),
    ('width = "150px"', 'width = "149.5px"', "presets.web-small.width",
     "149.5px is below the kit's minimum width (size.minimum_width_px = 150)"),
    ('width = "150px"', 'width = "150"', "presets.web-small.width", "px or mm"),
    ('width = "120mm"\ndpi = 150', 'width = "120mm"\ndpi = 5', "presets.banner.dpi", "between 10"),
    ('[kit]\nname = "htq-mark default kit"', '[kit]\nname = 7', "kit.name", "must be str"),
    ("[scan]", "[scanning]", "scan", "is missing"),
    ("altered_max_missing_part = 0.9", "altered_max_missing_part = 1.5", "scan.altered_max_missing_part", "at most 1"),
    ("altered_max_missing_part = 0.9", "altered_max_missing_part = 0", "scan.altered_max_missing_part",
     "greater than 0"),
    ("[variants.colour]", "[variants.Colour]", "variants.Colour", "lower-case"),
    ("version = \"1.0.0\"", "version = ", "(file)", "not valid TOML"),
]


@pytest.mark.parametrize(("old", "new", "key", "problem"), BROKEN)
def test_a_broken_spec_names_the_key(old: str, new: str, key: str, problem: str) -> None:
    text = spec_text()
    assert text.count(old) == 1
    with pytest.raises(SpecError, match=re.escape(f"my-kit/spec.toml: [{key}]")) as caught:
        parse_spec(text.replace(old, new), source="my-kit/spec.toml")
    assert caught.value.key == key
    assert problem in caught.value.problem


def test_a_value_where_a_table_belongs_is_refused() -> None:
    text = "size = 3\n" + spec_text().replace("[size]", "[sizes]")
    with pytest.raises(SpecError, match=r"\[size\] must be a table; found int"):
        parse_spec(text)


def test_a_spec_without_variants_is_refused() -> None:
    text = spec_text().split("[variants.colour]")[0] + "[variants]\n"
    with pytest.raises(SpecError, match=r"\[variants\] must define at least one variant"):
        parse_spec(text)


def test_asking_for_an_unknown_variant_lists_the_variants() -> None:
    spec = parse_spec(spec_text())
    with pytest.raises(SpecError, match="choose one of colour, black, white"):
        spec.variant("purple")


@pytest.mark.parametrize("key", ["cropped_max_hidden", "clear_space_min_depth", "altered_max_missing_part"])
def test_a_spec_without_a_newer_scan_threshold_takes_the_bundled_value(key: str) -> None:
    """Kits written before a threshold was added still load, with the bundled kit's value."""
    text = spec_text()
    line = next(line for line in text.splitlines() if line.startswith(f"{key} ="))
    assert getattr(parse_spec(text.replace(line, "")).scan, key) == getattr(parse_spec(text).scan, key)
    assert getattr(parse_spec(text.replace(line, f"{key} = 0.07")).scan, key) == 0.07
