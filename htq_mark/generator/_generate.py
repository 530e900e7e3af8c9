"""Generate one file of the mark: a variant, in a format, at a size, with its clear space."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import IO, Any, Literal, overload

from .._io import refuse_over_read_files, refuses, write_atomic
from .._resolve import KitSource, register_files, resolve_kit
from ..errors import BelowMinimumSizeError, UsageError
from ..kit import Kit, load_kit
from ._background import background_for
from ._canvas import Layout, millimetre_layout, pixel_layout
from ._entitlement import RegisterSource, checked_qualification
from ._formats.cmyk import CmykPalette
from ._formats.eps import render_eps
from ._formats.pdf import render_pdf
from ._formats.png import finish_png, render_png
from ._formats.raster import encode_jpeg, encode_webp, flatten
from ._formats.svg import compose_svg
from ._metadata import AssetMetadata, source_date
from ._units import Length, mm_to_points, mm_to_px, parse_length, px_to_mm, round_half_up

__all__ = [
    "COLOUR_SPACES",
    "DEFAULT_DPI",
    "FORMATS",
    "MEDIA_TYPES",
    "PRINT_FORMATS",
    "RASTER_FORMATS",
    "SUFFIXES",
    "AssetBuilder",
    "AssetPlan",
    "GeneratedAsset",
    "asset_metadata",
    "check_suffix",
    "format_for_path",
    "generate",
    "plan_asset",
    "resolve_kit",
    "stamped_metadata",
]

Format = Literal["svg", "png", "pdf", "eps", "jpg", "webp"]
ColourSpace = Literal["rgb", "cmyk"]
FORMATS: tuple[str, ...] = ("svg", "png", "pdf", "eps", "jpg", "webp")
RASTER_FORMATS = frozenset({"png", "jpg", "webp"})
PRINT_FORMATS = frozenset({"pdf", "eps"})
COLOUR_SPACES: tuple[str, ...] = ("rgb", "cmyk")
MEDIA_TYPES: Mapping[str, str] = MappingProxyType({
    "svg": "image/svg+xml", "png": "image/png", "pdf": "application/pdf",
    "eps": "application/postscript", "jpg": "image/jpeg", "webp": "image/webp"})
_ALIASES = {"jpeg": "jpg"}
#: The file-name suffixes of each format; a suffix of another format is refused.
SUFFIXES: Mapping[str, tuple[str, ...]] = MappingProxyType({
    "svg": (".svg",), "png": (".png",), "pdf": (".pdf",), "eps": (".eps", ".ps", ".epsf"),
    "jpg": (".jpg", ".jpeg", ".jpe"), "webp": (".webp",)})


def format_for_path(path: str | os.PathLike[str]) -> str | None:
    """The format a file name's suffix names (``mark.jpeg`` -> ``"jpg"``), or None when it names none."""
    suffix = Path(path).suffix.lower()
    return next((name for name, suffixes in SUFFIXES.items() if suffix in suffixes), None)


def check_suffix(path: str | os.PathLike[str], format: str) -> None:
    """Raise :class:`UsageError` when ``path``'s suffix names another format than ``format``.

    A path with no suffix, or one that names no format, is accepted.
    """
    suffix = Path(path).suffix.lower()
    named = format_for_path(path)
    wanted = _ALIASES.get(format.lower(), format.lower())
    if named is not None and named != wanted:
        raise UsageError(f"{path}: the suffix {suffix} is for {named} files, but the format is {wanted}; "
                         f"name the file {Path(path).stem}{SUFFIXES.get(wanted, ('.' + wanted,))[0]} "
                         "or choose that format.")
MIN_DPI, MAX_DPI = 10, 2400
DEFAULT_DPI = 300  # converts between mm and px when nothing else is said
MAX_CANVAS_PX = 16000  # WebP's limit is 16383 px a side; keep every raster format under it
MAX_CANVAS_MM = 5000.0  # PDF pages stop at 200 inches (5080 mm)


@dataclass(frozen=True)
class GeneratedAsset:
    """A generated file: its bytes, what it is, and its sizes.

    ``width_px``/``height_px`` and ``width_mm``/``height_mm`` are the artwork's own
    size; ``canvas_*`` include the clear space. Raster formats have exact pixels
    (mm follow from the dpi); PDF and EPS have exact mm (pixels are what the dpi gives).
    """

    data: bytes = field(repr=False)
    format: str
    variant: str
    layout: Layout
    clear_space: bool
    colour_space: str
    metadata: Mapping[str, str]
    #: The files it was made from (the kit's spec and artwork, the register): :meth:`write` never replaces one.
    read_from: tuple[str, ...] = field(default=(), repr=False, compare=False)

    @property
    def dpi(self) -> float:
        return self.layout.dpi

    @property
    def width_px(self) -> int:
        return self.layout.artwork_width_px

    @property
    def height_px(self) -> int:
        return self.layout.artwork_height_px

    @property
    def canvas_width_px(self) -> int:
        return self.layout.canvas_width_px

    @property
    def canvas_height_px(self) -> int:
        return self.layout.canvas_height_px

    @property
    def width_mm(self) -> float:
        return self.layout.artwork_width_mm

    @property
    def height_mm(self) -> float:
        return self.layout.artwork_height_mm

    @property
    def canvas_width_mm(self) -> float:
        return self.layout.canvas_width_mm

    @property
    def canvas_height_mm(self) -> float:
        return self.layout.canvas_height_mm

    @property
    def media_type(self) -> str:
        return MEDIA_TYPES[self.format]

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    def describe(self) -> str:
        """One line with the sizes, as the command line prints them."""
        layout = self.layout
        return (f"{self.format} {self.variant}: artwork {layout.artwork_width_px} x "
                f"{layout.artwork_height_px} px ({layout.artwork_width_mm:.2f} x "
                f"{layout.artwork_height_mm:.2f} mm); canvas {layout.canvas_width_px} x "
                f"{layout.canvas_height_px} px ({layout.canvas_width_mm:.2f} x "
                f"{layout.canvas_height_mm:.2f} mm) at {layout.dpi:g} dpi; {len(self.data)} bytes")

    @overload
    def write(self, path: str | os.PathLike[str], *, force: bool = False) -> Path: ...

    @overload
    def write(self, path: IO[bytes], *, force: bool = False) -> None: ...

    def write(self, path: str | os.PathLike[str] | IO[bytes], *, force: bool = False) -> Path | None:
        """Write the bytes atomically to ``path`` (or to a binary file object, returning None).

        An existing file is kept unless ``force``; a suffix of another format
        (``mark.jpg`` for a PNG), or a file it was made from (:attr:`read_from`, even
        with ``force``), is refused with :class:`UsageError`.
        """
        if not isinstance(path, (str, os.PathLike)):
            if not callable(getattr(path, "write", None)) or isinstance(path, io.TextIOBase) or refuses(path, bytes):
                raise UsageError(f"write takes a path or a binary file object, not {type(path).__name__} "
                                 f"(open a file with 'wb').")
            path.write(self.data)
            return None
        check_suffix(path, self.format)
        refuse_over_read_files([path], "artwork", self.read_from)
        return write_atomic(path, self.data, force=force)

    def to_dict(self) -> dict[str, Any]:
        """Everything but the bytes, for reports and manifests."""
        return {"format": self.format, "variant": self.variant, "media_type": self.media_type,
                "bytes": len(self.data), "sha256": self.sha256, "clear_space": self.clear_space,
                "colour_space": self.colour_space, **self.layout.to_dict(),
                "metadata": dict(self.metadata)}


@dataclass(frozen=True)
class AssetPlan:
    """A checked request: what to draw and at what size, before any drawing."""

    variant: str
    format: str
    layout: Layout
    svg_unit: Literal["px", "mm"]
    clear_space: bool
    colour_space: str


def _format_name(format: str) -> str:
    name = _ALIASES.get(str(format).lower(), str(format).lower())
    if name not in FORMATS:
        raise UsageError(f"unknown format {format!r}; choose one of {', '.join(FORMATS)}.")
    return name


def _check_dpi(dpi: float) -> float:
    if isinstance(dpi, bool) or not isinstance(dpi, (int, float)):
        raise UsageError(f"dpi takes a number (dots per inch, from {MIN_DPI} to {MAX_DPI}; {DEFAULT_DPI} is usual "
                         f"for print), not {type(dpi).__name__} {dpi!r}.")
    if not math.isfinite(dpi) or not MIN_DPI <= dpi <= MAX_DPI:
        raise UsageError(f"dpi {dpi!r} is out of range; use a number from {MIN_DPI} to {MAX_DPI} "
                         f"({DEFAULT_DPI} is usual for print).")
    return float(dpi)


def _check_minimum(kit: Kit, length: Length, format: str, dpi: float) -> None:
    spec = kit.spec
    asked = str(length)
    if length.unit == "px":
        minimum = spec.minimum_width_px
        note = "on screen"
        if format in PRINT_FORMATS:
            # A print format is held to the print minimum too, in the px the dpi gives.
            print_minimum = math.ceil(mm_to_px(spec.minimum_width_mm, dpi) - 1e-9)
            if print_minimum > minimum:
                minimum, note = print_minimum, (f"for {format} at {dpi:g} dpi, "
                                                f"{spec.minimum_width_mm:g} mm in print")
        if length.value < minimum:
            raise BelowMinimumSizeError(f"width {asked} is below the minimum: the minimum is {minimum} px "
                                        f"({note}) for the artwork without its clear space; "
                                        "ask for a larger width.")
    else:
        if length.value < spec.minimum_width_mm:
            raise BelowMinimumSizeError(f"width {asked} is below the minimum: the minimum is "
                                        f"{spec.minimum_width_mm:g} mm for the artwork without its "
                                        "clear space; ask for a larger width.")
        if format in RASTER_FORMATS and dpi < spec.minimum_ppi:
            raise BelowMinimumSizeError(
                f"dpi={dpi:g} is below the print minimum of {spec.minimum_ppi} ppi; a width in mm is "
                f"for print, so use dpi={spec.minimum_ppi} or more ({spec.recommended_ppi} is "
                "recommended), or give the width in px for screens.")


def _layout(kit: Kit, length: Length, format: str, dpi: float,
            clear_space: bool) -> tuple[Layout, Literal["px", "mm"]]:
    aspect = kit.aspect_ratio
    ratio = kit.spec.clear_space_ratio if clear_space else 0.0
    if format in RASTER_FORMATS or (format == "svg" and length.unit == "px"):
        width_px = int(length.value) if length.unit == "px" else round_half_up(mm_to_px(length.value, dpi))
        return pixel_layout(width_px, aspect_ratio=aspect, clear_space_ratio=ratio, dpi=dpi), "px"
    width_mm = length.value if length.unit == "mm" else px_to_mm(length.value, dpi)
    return millimetre_layout(width_mm, aspect_ratio=aspect, clear_space_ratio=ratio, dpi=dpi), "mm"


def plan_asset(kit: Kit, *, variant: str, format: str, width: str | Length, dpi: float = DEFAULT_DPI,
               clear_space: bool = True, colour_space: str = "rgb") -> AssetPlan:
    """Check a request against the kit's rules and work out its layout; raises UsageError."""
    name = _format_name(format)
    if variant not in kit.artwork:
        raise UsageError(f"unknown variant {variant!r}; choose one of {', '.join(kit.artwork)}.")
    if colour_space not in COLOUR_SPACES:
        raise UsageError(f"unknown colour space {colour_space!r}; choose one of {', '.join(COLOUR_SPACES)}.")
    if colour_space == "cmyk" and name not in PRINT_FORMATS:
        raise UsageError(f"colour_space=\"cmyk\" is for pdf and eps only; {name} is always sRGB. "
                         "Leave out colour_space=... or choose format=\"pdf\" or format=\"eps\".")
    resolution = _check_dpi(dpi)
    length = parse_length(width)
    _check_minimum(kit, length, name, resolution)
    layout, unit = _layout(kit, length, name, resolution, clear_space)
    if name in RASTER_FORMATS and max(layout.canvas_width_px, layout.canvas_height_px) > MAX_CANVAS_PX:
        raise UsageError(f"width {length} gives a {layout.canvas_width_px} x {layout.canvas_height_px} px "
                         f"canvas; the largest is {MAX_CANVAS_PX} px a side. Ask for a smaller width "
                         "or use a vector format (svg, pdf, eps).")
    if unit == "mm" and layout.canvas_width_mm > MAX_CANVAS_MM:
        raise UsageError(f"width {length} gives a canvas {layout.canvas_width_mm:.0f} mm wide; the largest "
                         f"is {MAX_CANVAS_MM:g} mm. Ask for a smaller width.")
    return AssetPlan(variant=variant, format=name, layout=layout, svg_unit=unit, clear_space=clear_space,
                     colour_space=colour_space)


def asset_metadata(kit: Kit, variant: str, *, qualification: str | None = None,
                   qualification_date: dt.date | None = None,
                   created: dt.datetime | None = None) -> AssetMetadata:
    """The metadata stamped into a file of ``variant`` from ``kit``."""
    label = kit.spec.variant(variant).label
    return AssetMetadata(title=f"HTQ quality mark ({label})", variant=variant, kit_name=kit.name,
                         kit_version=kit.version, kit_sha256=kit.sha256, qualification=qualification,
                         qualification_date=qualification_date, created=created)


class AssetBuilder:
    """Draws planned assets for one kit.

    Raster renders are kept per variant and size while the builder lives, so a
    pack draws each size once for its PNG, JPEG and WebP files.
    """

    def __init__(self, kit: Kit, register: RegisterSource = None) -> None:
        self.kit = kit
        # The register is guarded whether or not a qualification was checked against it.
        self._read_from = (*map(str, kit.source_files), *register_files(register))
        self._renders: dict[tuple[str, Layout], bytes] = {}

    def _svg(self, plan: AssetPlan, unit: Literal["px", "mm"], metadata: AssetMetadata | None) -> bytes:
        return compose_svg(self.kit.artwork_for(plan.variant), plan.layout, unit, metadata)

    def _render(self, plan: AssetPlan) -> bytes:
        key = (plan.variant, plan.layout)
        if key not in self._renders:
            layout = plan.layout
            self._renders[key] = render_png(self._svg(plan, "px", None), layout.canvas_width_px,
                                            layout.canvas_height_px)
        return self._renders[key]

    def _palette(self, plan: AssetPlan) -> CmykPalette | None:
        if plan.colour_space != "cmyk":
            return None
        return CmykPalette(self.kit.spec.variant(plan.variant), self.kit.spec.source)

    def data(self, plan: AssetPlan, metadata: AssetMetadata) -> bytes:
        """The file's bytes."""
        layout = plan.layout
        if plan.format == "svg":
            return self._svg(plan, plan.svg_unit, metadata)
        if plan.format == "png":
            return finish_png(self._render(plan), dpi=layout.dpi, metadata=metadata)
        if plan.format in ("jpg", "webp"):
            image = flatten(self._render(plan), background_for(self.kit, plan.variant))
            encode = encode_jpeg if plan.format == "jpg" else encode_webp
            return encode(image, dpi=layout.dpi, metadata=metadata)
        svg = self._svg(plan, "mm", None)
        if plan.format == "pdf":
            return render_pdf(svg, metadata=metadata, palette=self._palette(plan))
        return render_eps(svg, width_pt=mm_to_points(layout.canvas_width_mm),
                          height_pt=mm_to_points(layout.canvas_height_mm), metadata=metadata,
                          palette=self._palette(plan))

    def build(self, plan: AssetPlan, metadata: AssetMetadata) -> GeneratedAsset:
        """Draw a planned asset."""
        return GeneratedAsset(data=self.data(plan, metadata), format=plan.format, variant=plan.variant,
                              layout=plan.layout, clear_space=plan.clear_space,
                              colour_space=plan.colour_space,
                              metadata=MappingProxyType(metadata.to_dict()), read_from=self._read_from)


def generate(variant: str = "colour", format: str = "png", width: str | Length = "300px", *,
             dpi: float = DEFAULT_DPI, clear_space: bool = True, qualification: str | None = None,
             date: dt.date | None = None, register: RegisterSource = None, colour_space: str = "rgb",
             kit: KitSource = None) -> GeneratedAsset:
    """Generate the mark as one file.

    ``width`` is the artwork's own width (``"300px"`` or ``"40mm"``), without the
    clear space; ``dpi`` converts between mm and px where the format needs it.
    ``qualification`` is checked against the register on ``date`` (default today)
    and stamped into the metadata; ``date`` is stamped only when given.
    ``colour_space="cmyk"`` writes the palette's DeviceCMYK values (pdf, eps).
    ``kit`` and ``register`` are loaded objects or paths; None is the folder
    ``$HTQ_MARK_KIT`` names, else the bundled kit, and the file
    ``$HTQ_MARK_REGISTER`` names, else the built-in example register.

    Raises UsageError (BelowMinimumSizeError below the minimum), KitError,
    RegisterError and NotEntitledError.
    """
    chosen = resolve_kit(kit)
    plan = plan_asset(chosen, variant=variant, format=format, width=width, dpi=dpi,
                      clear_space=clear_space, colour_space=colour_space)
    metadata = stamped_metadata(chosen, variant, qualification=qualification, date=date,
                                register=register)
    return AssetBuilder(chosen, register).build(plan, metadata)


def stamped_metadata(kit: Kit, variant: str, *, qualification: str | None, date: dt.date | None,
                     register: RegisterSource) -> AssetMetadata:
    """The metadata for ``variant``, after checking the qualification's entitlement."""
    normalised = checked_qualification(qualification, date, register)
    return asset_metadata(kit, variant, qualification=normalised, qualification_date=date,
                          created=source_date())
