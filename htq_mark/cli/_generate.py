"""The `htq-mark generate` command: one file of the mark."""

from __future__ import annotations

from datetime import datetime

import click

from .._resolve import resolve_kit
from ..generator import format_for_path, generate as generate_asset
from ..generator._generate import COLOUR_SPACES, DEFAULT_DPI, FORMATS, MAX_DPI, MIN_DPI, check_suffix
from ._given import non_empty
from ._day import DAY
from ._errors import library_errors
from ._terminal import say, write_standard_output

__all__ = ["COMMANDS", "generate"]


@click.command("generate")
@click.option("--variant", required=True, metavar="{colour,black,white}",
              help="Variant of the mark (the kit's variants; the default kit has colour, black, white).")
@click.option("--format", "format_", default=None, type=click.Choice(FORMATS, case_sensitive=False),
              help="Output format.  [default: from -o's suffix]")
@click.option("--width", required=True, metavar="VALUE",
              help="Width of the artwork itself, without clear space: a number with px or mm "
                   "(300px, 40mm). Height follows from the artwork's proportions.")
@click.option("--dpi", type=click.FloatRange(MIN_DPI, MAX_DPI), default=DEFAULT_DPI, show_default=True,
              help="Resolution converting between mm and px.")
@click.option("--clear-space/--no-clear-space", default=True, show_default=True,
              help="Add the clear-space margin on every side.")
@click.option("--colour-space", type=click.Choice(COLOUR_SPACES), default=COLOUR_SPACES[0], show_default=True,
              help="cmyk writes the spec's CMYK values as DeviceCMYK (pdf and eps only).")
@click.option("--qualification", metavar="QN", default=None,
              help="Qualification number to stamp into the metadata; it must be entitled to the mark.")
@click.option("--date", "on", type=DAY, default=None, metavar="YYYY-MM-DD",
              help="Date the qualification's entitlement is checked on.  [default: today]")
@click.option("--register", "register_path", callback=non_empty("a register file"), metavar="FILE", default=None,
              help="Register file for the entitlement check. [default: $HTQ_MARK_REGISTER, "
                   "else the built-in example register]")
@click.option("--kit", "kit_path", callback=non_empty("a kit folder"), metavar="DIR", default=None,
              help="Kit folder. [default: $HTQ_MARK_KIT, else the bundled kit]")
@click.option("-o", "--output", required=True, metavar="PATH", help="File to write; - writes to stdout.")
@click.option("--force", is_flag=True, help="Overwrite the output file if it exists.")
def generate(variant: str, format_: str | None, width: str, dpi: float, clear_space: bool, colour_space: str,
             qualification: str | None, on: datetime | None, register_path: str | None,
             kit_path: str | None, output: str, force: bool) -> None:
    """Generate the quality mark as one file.

    \b
    Examples:
      htq-mark generate --variant colour --format png --width 300px -o mark.png
      htq-mark generate --variant white --format pdf --width 40mm --colour-space cmyk -o mark.pdf
      htq-mark generate --variant black --width 40mm -o mark.eps

    A width below the kit's minimum is refused (exit status 2); so is an
    existing output without --force, and a file it reads (the kit's artwork or
    spec, the register) even with it. A qualification that is not entitled on
    --date is refused with its reasons (exit status 1). No file is written on
    any error.
    """
    with library_errors():
        if format_ is None:
            if output == "-":
                raise click.UsageError(f"writing to standard output (-o -) needs --format ({', '.join(FORMATS)}).")
            format_ = format_for_path(output)
            if format_ is None:
                raise click.UsageError(f"{output}: give --format ({', '.join(FORMATS)}), or name the output "
                                       "with one of their suffixes (mark.png, mark.pdf, ...).")
        kit = resolve_kit(kit_path)
        if output != "-":
            check_suffix(output, format_)
        asset = generate_asset(variant=variant, format=format_, width=width, dpi=dpi,
                               clear_space=clear_space, qualification=qualification,
                               date=on.date() if on is not None else None, register=register_path,
                               colour_space=colour_space, kit=kit)
        if output == "-":
            write_standard_output(asset.data, "the artwork", "write it to a file with -o FILE")
            say(asset.describe(), err=True)
            return
        written = asset.write(output, force=force)
    say(f"wrote {written}: {asset.describe()}")


COMMANDS: list[click.Command] = [generate]
