"""The `htq-mark pack` command: every variant, format and preset in one folder or zip."""

from __future__ import annotations

from datetime import datetime

import click

from ..generator import pack as build
from ._given import non_empty
from ._day import DAY
from ._errors import library_errors
from ._terminal import say

__all__ = ["COMMANDS", "pack"]


@click.command("pack")
@click.option("-o", "--output", required=True, metavar="DIR_OR_ZIP",
              help="Folder to create, or a file ending in .zip.")
@click.option("--qualification", metavar="QN", default=None,
              help="Qualification number to stamp into every file; it must be entitled to the mark.")
@click.option("--date", "on", type=DAY, default=None, metavar="YYYY-MM-DD",
              help="Date the qualification's entitlement is checked on.  [default: today]")
@click.option("--register", "register_path", callback=non_empty("a register file"), metavar="FILE", default=None,
              help="Register file for the entitlement check. [default: $HTQ_MARK_REGISTER, "
                   "else the built-in example register]")
@click.option("--colour-space", type=click.Choice(["rgb", "cmyk"]), default="rgb", show_default=True,
              help="Colours of the PDF and EPS files.")
@click.option("--variant", "variants", multiple=True, metavar="NAME",
              help="Only this variant (repeatable). [default: all]")
@click.option("--preset", "presets", multiple=True, metavar="NAME",
              help="Only this preset (repeatable). [default: all the kit's presets]")
@click.option("--kit", "kit_path", callback=non_empty("a kit folder"), metavar="DIR", default=None,
              help="Kit folder. [default: $HTQ_MARK_KIT, else the bundled kit]")
@click.option("--force", is_flag=True,
              help="Overwrite an existing zip, or the pack's files in a non-empty folder.")
def pack(output: str, qualification: str | None, on: datetime | None, register_path: str | None,
         colour_space: str, variants: tuple[str, ...], presets: tuple[str, ...], kit_path: str | None,
         force: bool) -> None:
    """Build a pack: every variant in every format at the kit's named presets.

    \b
    Screen presets (px): png, jpg, webp, svg.  Print presets (mm): pdf, eps, svg, png.
    Paths: <variant>/<preset>/htq-mark-<variant>-<preset>.<ext>, plus
    manifest.json (sizes, dpi, sha256 of every file) and index.html (usage sheet).
    The same inputs give byte-identical files (set SOURCE_DATE_EPOCH to date them).
    """
    with library_errors():
        result = build(output, kit=kit_path, qualification=qualification,
                       date=on.date() if on is not None else None, register=register_path,
                       colour_space=colour_space, variants=variants or None, presets=presets or None,
                       force=force)
    say(result.describe())


COMMANDS: list[click.Command] = [pack]
