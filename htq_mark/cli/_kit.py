"""The `htq-mark kit` commands: describe a kit, and draw the guide's pictures."""

from __future__ import annotations

from typing import Any

import click

from .._resolve import resolve_kit
from ..generator._guide import write_guide_pictures
from ..kit import Kit
from ._given import non_empty
from ._errors import library_errors
from ._terminal import say, say_json, standard_output

__all__ = ["COMMANDS", "kit", "kit_summary"]

_KIT_OPTION = click.option("--kit", "kit_path", callback=non_empty("a kit folder"), metavar="DIR", default=None,
                           help="Kit folder. [default: $HTQ_MARK_KIT, else the bundled kit]")


def kit_summary(kit: Kit) -> dict[str, Any]:
    """What ``kit info`` shows: identity, variants, rules and presets."""
    spec = kit.spec
    return {
        **kit.describe(),
        "variants": {
            name: {"label": v.label, "artwork": v.artwork, "backgrounds": list(v.backgrounds), "use": v.use,
                   "colours": [{"name": c.name, "srgb": c.srgb, "cmyk": list(c.cmyk)} for c in v.colours]}
            for name, v in spec.variants.items()
        },
        "rules": {
            "minimum_width_mm": spec.minimum_width_mm,
            "minimum_width_px": spec.minimum_width_px,
            "clear_space_ratio_of_height": spec.clear_space_ratio,
            "aspect_ratio_tolerance": spec.aspect_ratio_tolerance,
            "rotation_tolerance_deg": spec.rotation_tolerance_deg,
            "recommended_ppi": spec.recommended_ppi,
            "minimum_ppi": spec.minimum_ppi,
            "minimum_contrast_ratio": spec.backgrounds.minimum_contrast_ratio,
        },
        "aspect_ratio": round(kit.aspect_ratio, 6),
        "presets": {name: {"width": p.width, "dpi": p.dpi, "description": p.description}
                    for name, p in spec.presets.items()},
    }


def _lines(summary: dict[str, Any]) -> list[str]:
    """``summary`` as lines of text (a line break inside a value is shown escaped, not as a line of its own)."""
    lines = [f"kit: {summary['name']} {summary['version']}", f"source: {summary['source']}",
             f"sha256: {summary['sha256']}", f"aspect ratio: {summary['aspect_ratio']:g}", "variants:"]
    for name, variant in summary["variants"].items():
        colours = ", ".join(f"{c['name']} {c['srgb']}" for c in variant["colours"])
        lines.append(f"  {name}: {variant['label']} - for {', '.join(variant['backgrounds'])} "
                     f"backgrounds; {colours}")
    rules = summary["rules"]
    lines += [
        "rules:",
        f"  minimum width: {rules['minimum_width_mm']:g} mm in print, {rules['minimum_width_px']} px on screen",
        f"  clear space: {rules['clear_space_ratio_of_height']:g} x the artwork height on every side",
        (f"  tolerances: aspect ratio {rules['aspect_ratio_tolerance'] * 100:g}%, "
        f"rotation {rules['rotation_tolerance_deg']:g} deg"),
        f"  raster in print: {rules['recommended_ppi']} ppi recommended, {rules['minimum_ppi']} ppi minimum",
        f"  contrast: at least {rules['minimum_contrast_ratio']:g}:1",
        "presets:",
    ]
    for name, preset in summary["presets"].items():
        dpi = f" at {preset['dpi']} dpi" if preset["dpi"] else ""
        lines.append(f"  {name}: {preset['width']}{dpi} - {preset['description']}")
    return lines


@click.group("kit")
def kit() -> None:
    """Inspect the quality mark kit (artwork and usage spec) and build its guide."""


@kit.command("info")
@_KIT_OPTION
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
def info(kit_path: str | None, as_json: bool) -> None:
    """Show the kit's name, version, checksum, variants, rules and presets."""
    standard_output()  # printing is this command's job: not to silently drop it
    with library_errors():
        summary = kit_summary(resolve_kit(kit_path))
    if as_json:
        say_json(summary)
    else:
        say(*_lines(summary))


@kit.command("guide")
@click.option("-o", "--output", required=True, metavar="DIR",
              help="Folder for the pictures (the repository keeps them in guidelines/images).")
@_KIT_OPTION
@click.option("--force", is_flag=True, help="Overwrite pictures that exist.")
def guide(output: str, kit_path: str | None, force: bool) -> None:
    """Draw the guide's pictures: the right use and each misuse of the mark."""
    with library_errors():
        written = write_guide_pictures(output, kit=resolve_kit(kit_path), force=force)
    say(f"wrote {len(written)} pictures to {output}")


COMMANDS: list[click.Command] = [kit]
