"""The usage spec: the kit's rules, loaded from TOML into frozen, validated objects.

Every threshold the generator and the scanner use comes from here. A broken spec
is a :class:`~htq_mark.errors.SpecError` naming the file and the key.
"""

from __future__ import annotations

import math
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

from .._io import read_limited
from ..errors import SpecError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

__all__ = [
    "BackgroundRules",
    "Colour",
    "Preset",
    "ScanThresholds",
    "Spec",
    "Variant",
    "parse_spec",
    "BACKGROUND_KINDS",
]

BACKGROUND_KINDS = ("light", "dark", "photo")
#: The largest spec file read: a real one is a few kilobytes.
MAX_SPEC_BYTES = 1024 * 1024
_HEX = re.compile(r"^#[0-9A-Fa-f]{6}$")
_NAME = re.compile(r"^[a-z0-9][a-z0-9@._-]*$")


@dataclass(frozen=True)
class Colour:
    """One colour of a variant's palette."""

    name: str
    srgb: str
    cmyk: tuple[float, float, float, float]

    @property
    def rgb(self) -> tuple[int, int, int]:
        """The sRGB colour as 0-255 integers."""
        return (int(self.srgb[1:3], 16), int(self.srgb[3:5], 16), int(self.srgb[5:7], 16))


@dataclass(frozen=True)
class Variant:
    """A variant of the mark: its artwork, palette and the backgrounds it is for."""

    name: str
    artwork: str
    label: str
    backgrounds: tuple[str, ...]
    use: str
    colours: tuple[Colour, ...]


@dataclass(frozen=True)
class Preset:
    """A named size for packs (``width`` is the artwork's width, like ``"300px"``)."""

    name: str
    width: str
    dpi: int | None
    description: str


@dataclass(frozen=True)
class BackgroundRules:
    """How backgrounds are classified, and the contrast a mark needs."""

    light_min_luminance: float
    dark_max_luminance: float
    photo_min_variation: float
    minimum_contrast_ratio: float


@dataclass(frozen=True)
class ScanThresholds:
    """Thresholds the scanner uses to detect and measure marks."""

    minimum_confidence: float
    colour_tolerance_delta_e: float
    altered_max_difference: float
    clear_space_min_intrusion: float
    render_dpi: int
    minimum_detect_width_px: int
    cropped_max_hidden: float = 0.02
    clear_space_min_depth: float = 0.15
    # The share of one element that may show the colour around it (removed) or another of the
    # mark's colours (recoloured); 1 = never judged.
    altered_max_missing_part: float = 0.9


@dataclass(frozen=True)
class Spec:
    """The kit's usage spec. Lengths in mm or px as named; angles in degrees."""

    source: str
    name: str
    version: str
    description: str
    minimum_width_mm: float
    minimum_width_px: int
    clear_space_ratio: float
    aspect_ratio_tolerance: float
    rotation_tolerance_deg: float
    recommended_ppi: int
    minimum_ppi: int
    backgrounds: BackgroundRules
    scan: ScanThresholds
    variants: Mapping[str, Variant]
    presets: Mapping[str, Preset]

    def variant(self, name: str) -> Variant:
        """The variant called ``name``; raises :class:`SpecError` if there is none."""
        try:
            return self.variants[name]
        except KeyError:
            raise SpecError(self.source, f"variants.{name}",
                            f"no such variant; choose one of {', '.join(self.variants)}") from None

    def variants_for(self, background: str) -> tuple[str, ...]:
        """Names of the variants meant for a background kind (light, dark, photo)."""
        return tuple(name for name, v in self.variants.items() if background in v.backgrounds)


class _Reader:
    """Reads typed values out of the parsed TOML, naming the key on any problem."""

    def __init__(self, source: str, data: Mapping[str, Any]) -> None:
        self.source = source
        self.data = data

    def fail(self, key: str, problem: str) -> SpecError:
        return SpecError(self.source, key, problem)

    def table(self, key: str, within: Mapping[str, Any] | None = None, prefix: str = "") -> Mapping[str, Any]:
        where = self.data if within is None else within
        full = f"{prefix}{key}"
        if key not in where:
            raise self.fail(full, "is missing; add this table to the spec")
        value = where[key]
        if not isinstance(value, dict):
            raise self.fail(full, f"must be a table; found {type(value).__name__}")
        return value

    def value(self, table: Mapping[str, Any], key: str, prefix: str, kind: type | tuple[type, ...],
              default: Any = ...) -> Any:
        full = f"{prefix}.{key}"
        if key not in table:
            if default is not ...:
                return default
            raise self.fail(full, "is missing; add it to the spec")
        value = table[key]
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if isinstance(value, bool) and kind is not bool or not isinstance(value, kind):
            expected = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
            raise self.fail(full, f"must be {expected}; found {value!r}")
        return value

    def positive(self, table: Mapping[str, Any], key: str, prefix: str, kind: type = float,
                 maximum: float | None = None) -> Any:
        value = self.value(table, key, prefix, kind)
        if not math.isfinite(value) or value <= 0 or (maximum is not None and value > maximum):
            limit = f" and at most {maximum:g}" if maximum is not None else ""
            raise self.fail(f"{prefix}.{key}", f"must be greater than 0{limit}; found {value!r}")
        return value


def _colour(reader: _Reader, item: Any, key: str) -> Colour:
    if not isinstance(item, dict):
        raise reader.fail(key, "must be a table like { name = \"navy\", srgb = \"#0B2545\", cmyk = [...] }")
    name = reader.value(item, "name", key, str)
    srgb = reader.value(item, "srgb", key, str)
    if not _HEX.match(srgb):
        raise reader.fail(f"{key}.srgb", f"must be a hex colour like #0B2545; found {srgb!r}")
    cmyk = reader.value(item, "cmyk", key, list)
    if len(cmyk) != 4 or not all(isinstance(c, (int, float)) and not isinstance(c, bool) and 0 <= c <= 100
                                 for c in cmyk):
        raise reader.fail(f"{key}.cmyk", f"must be four percentages 0-100 (C, M, Y, K); found {cmyk!r}")
    return Colour(name=name, srgb=srgb.upper(), cmyk=(float(cmyk[0]), float(cmyk[1]), float(cmyk[2]),
                                                      float(cmyk[3])))


def _variant(reader: _Reader, name: str, table: Any) -> Variant:
    key = f"variants.{name}"
    if not isinstance(table, dict):
        raise reader.fail(key, "must be a table")
    if not _NAME.match(name):
        raise reader.fail(key, "variant names are lower-case letters, digits and - . _")
    backgrounds = reader.value(table, "backgrounds", key, list)
    if not backgrounds:
        raise reader.fail(f"{key}.backgrounds", f"must list at least one of {', '.join(BACKGROUND_KINDS)}")
    for background in backgrounds:
        if background not in BACKGROUND_KINDS:
            raise reader.fail(f"{key}.backgrounds",
                              f"unknown background {background!r}; use {', '.join(BACKGROUND_KINDS)}")
    colours = reader.value(table, "colours", key, list)
    if not colours:
        raise reader.fail(f"{key}.colours", "must list at least one colour")
    artwork = reader.value(table, "artwork", key, str)
    return Variant(
        name=name,
        artwork=artwork,
        label=reader.value(table, "label", key, str, default=name),
        backgrounds=tuple(backgrounds),
        use=reader.value(table, "use", key, str, default=""),
        colours=tuple(_colour(reader, c, f"{key}.colours[{i}]") for i, c in enumerate(colours)),
    )


def _preset(reader: _Reader, name: str, table: Any) -> Preset:
    key = f"presets.{name}"
    if not isinstance(table, dict):
        raise reader.fail(key, "must be a table")
    if not _NAME.match(name):
        raise reader.fail(key, "preset names are lower-case letters, digits and - . _ @")
    width = reader.value(table, "width", key, str)
    if not re.fullmatch(r"\d+(\.\d+)?(px|mm)", width):
        raise reader.fail(f"{key}.width", f"must be a number with px or mm, like \"300px\"; found {width!r}")
    dpi = reader.value(table, "dpi", key, int, default=None)
    if dpi is not None and not 10 <= dpi <= 2400:
        raise reader.fail(f"{key}.dpi", f"must be between 10 and 2400; found {dpi}")
    return Preset(name=name, width=width, dpi=dpi,
                  description=reader.value(table, "description", key, str, default=""))


def parse_spec(text: str, source: str = "spec.toml") -> Spec:
    """Parse and validate spec TOML; ``source`` names the file in error messages."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SpecError(source, "(file)", f"is not valid TOML: {exc}") from exc
    r = _Reader(source, data)
    kit = r.table("kit")
    size = r.table("size")
    clear = r.table("clear_space")
    tol = r.table("tolerances")
    printing = r.table("print")
    bg = r.table("backgrounds")
    scan = r.table("scan")
    variants_table = r.table("variants")
    if not variants_table:
        raise r.fail("variants", "must define at least one variant")
    presets_table = data.get("presets", {})
    if not isinstance(presets_table, dict):
        raise r.fail("presets", "must be a table of named sizes")

    recommended = r.positive(printing, "recommended_ppi", "print", int)
    minimum = r.positive(printing, "minimum_ppi", "print", int)
    if minimum > recommended:
        raise r.fail("print.minimum_ppi", f"must not exceed recommended_ppi ({recommended}); found {minimum}")
    light = r.positive(bg, "light_min_luminance", "backgrounds", float, 1.0)
    dark = r.positive(bg, "dark_max_luminance", "backgrounds", float, 1.0)
    if dark >= light:
        raise r.fail("backgrounds.dark_max_luminance", f"must be below light_min_luminance ({light}); found {dark}")

    spec = Spec(
        source=source,
        name=r.value(kit, "name", "kit", str),
        version=r.value(kit, "version", "kit", str),
        description=r.value(kit, "description", "kit", str, default=""),
        minimum_width_mm=r.positive(size, "minimum_width_mm", "size"),
        minimum_width_px=r.positive(size, "minimum_width_px", "size", int),
        clear_space_ratio=r.positive(clear, "ratio_of_height", "clear_space", float, 5.0),
        aspect_ratio_tolerance=r.positive(tol, "aspect_ratio", "tolerances", float, 1.0),
        rotation_tolerance_deg=r.positive(tol, "rotation_deg", "tolerances", float, 180.0),
        recommended_ppi=recommended,
        minimum_ppi=minimum,
        backgrounds=BackgroundRules(
            light_min_luminance=light,
            dark_max_luminance=dark,
            photo_min_variation=r.positive(bg, "photo_min_variation", "backgrounds", float, 1.0),
            minimum_contrast_ratio=r.positive(bg, "minimum_contrast_ratio", "backgrounds", float, 21.0),
        ),
        scan=ScanThresholds(
            minimum_confidence=r.positive(scan, "minimum_confidence", "scan", float, 1.0),
            colour_tolerance_delta_e=r.positive(scan, "colour_tolerance_delta_e", "scan"),
            altered_max_difference=r.positive(scan, "altered_max_difference", "scan", float, 1.0),
            clear_space_min_intrusion=r.positive(scan, "clear_space_min_intrusion", "scan", float, 1.0),
            render_dpi=r.positive(scan, "render_dpi", "scan", int, 1200),
            minimum_detect_width_px=r.positive(scan, "minimum_detect_width_px", "scan", int),
            cropped_max_hidden=(r.positive(scan, "cropped_max_hidden", "scan", float, 1.0)
                                if "cropped_max_hidden" in scan else 0.02),
            clear_space_min_depth=(r.positive(scan, "clear_space_min_depth", "scan", float, 1.0)
                                   if "clear_space_min_depth" in scan else 0.15),
            altered_max_missing_part=(r.positive(scan, "altered_max_missing_part", "scan", float, 1.0)
                                      if "altered_max_missing_part" in scan else 0.9),
        ),
        variants=MappingProxyType({name: _variant(r, name, t) for name, t in variants_table.items()}),
        presets=MappingProxyType({name: _preset(r, name, t) for name, t in presets_table.items()}),
    )
    _check_presets_reach_the_minimum(r, spec)
    _check_detection_reaches_the_minimum(r, spec)
    return spec


def _check_presets_reach_the_minimum(reader: _Reader, spec: Spec) -> None:
    """A preset is a size the kit offers: it must not be below the kit's own minimum (a pack of it failed)."""
    for name, preset in spec.presets.items():
        number, unit = float(preset.width[:-2]), preset.width[-2:]
        minimum = spec.minimum_width_px if unit == "px" else spec.minimum_width_mm
        if number < minimum:
            raise reader.fail(f"presets.{name}.width", f"{preset.width} is below the kit's minimum width "
                                                       f"(size.minimum_width_{unit} = {minimum:g})")


def _check_detection_reaches_the_minimum(reader: _Reader, spec: Spec) -> None:
    """A mark too small must still be found: the detector's floor lies below the minimum size, on screen and in
    print (a PDF's pages are searched at ``render_dpi``)."""
    floor = spec.scan.minimum_detect_width_px
    if floor > spec.minimum_width_px:
        raise reader.fail("scan.minimum_detect_width_px", f"must not exceed size.minimum_width_px "
                                                          f"({spec.minimum_width_px}): a mark too small would not be "
                                                          f"found to be reported; found {floor}")
    smallest_mm = floor * 25.4 / spec.scan.render_dpi
    if smallest_mm >= spec.minimum_width_mm:
        needed = math.floor(floor * 25.4 / spec.minimum_width_mm) + 1
        raise reader.fail("scan.render_dpi", f"is too low: at {spec.scan.render_dpi} dpi no mark in a PDF under "
                                             f"{smallest_mm:.3g} mm wide is found, and size.minimum_width_mm is "
                                             f"{spec.minimum_width_mm:g}; use at least {needed}")


def load_spec_file(path: Path) -> tuple[Spec, bytes]:
    """Read and validate the spec file at ``path``; also return the bytes read (for the kit's digest)."""
    def refuse(message: str) -> SpecError:
        return SpecError(str(path), "(file)", message.removeprefix(f"{path}: "))

    try:
        data = read_limited(path, limit=MAX_SPEC_BYTES, what="kit spec (TOML)", refuse=refuse)
        text = data.decode("utf-8-sig")  # a byte order mark (as some editors write) is let be
    except FileNotFoundError:
        raise SpecError(str(path), "(file)", "does not exist; a kit needs guidelines/spec.toml") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SpecError(str(path), "(file)", f"cannot be read ({exc}); check the file is UTF-8 text") from exc
    return parse_spec(text, source=str(path)), data
