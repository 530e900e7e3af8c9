"""The quality mark kit: artwork and the usage spec, the one source of truth."""

from ._kit import KIT_ENV_VAR, Artwork, Kit, bundled_kit_path, load_kit
from ._render import render_svg
from ._spec import BackgroundRules, Colour, Preset, ScanThresholds, Spec, Variant, parse_spec
from ._svg_safety import SvgGeometry, check_svg

__all__ = [
    "KIT_ENV_VAR",
    "Artwork",
    "BackgroundRules",
    "Colour",
    "Kit",
    "Preset",
    "ScanThresholds",
    "Spec",
    "SvgGeometry",
    "Variant",
    "bundled_kit_path",
    "check_svg",
    "load_kit",
    "parse_spec",
    "render_svg",
]
