"""The `htq-mark register` commands: info, validate and export."""

from __future__ import annotations

from datetime import date, datetime

import click

from .._resolve import resolve_register
from ..register import (
    ExportFormat,
    Register,
    export_register,
    import_ofqual,
    summarise_register,
    validate_register_file,
    write_register,
)
from ._given import non_empty
from ._day import DAY
from ._errors import library_errors
from ._exit import ExitCode
from ._terminal import say, say_json, standard_output, write_standard_output

__all__ = ["COMMANDS", "register_group"]

_REGISTER_HELP = ("Register file (CSV or JSON). [default: $HTQ_MARK_REGISTER, else the "
                  "built-in EXAMPLE register]")
_OFQUAL_HELP = "Ofqual full-dataset CSV: apply each qualification's regulated status."


def _effective_register(register_path: str | None, ofqual_path: str | None) -> Register:
    register = resolve_register(register_path)
    if ofqual_path is not None:
        register = import_ofqual(register, ofqual_path)
    return register


@click.group("register")
def register_group() -> None:
    """Inspect, validate and export the register of approved HTQs.

    Without --register (or $HTQ_MARK_REGISTER) the built-in register is used:
    it is EXAMPLE DATA, not the official list.
    """


@register_group.command("info")
@click.option("--register", "register_path", callback=non_empty("a register file"),
              metavar="FILE", default=None, help=_REGISTER_HELP)
@click.option("--ofqual", "ofqual_path", callback=non_empty("Ofqual's CSV file"),
              metavar="FILE", default=None, help=_OFQUAL_HELP)
@click.option("--date", "on", type=DAY, default=None,
              metavar="YYYY-MM-DD", help="Date the counts are for.  [default: today]")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]),
              default="text", show_default=True, help="Output format.")
def info(register_path: str | None, ofqual_path: str | None, on: datetime | None,
         output_format: str) -> None:
    """Show where the register came from (source, sha256, as-of date) and what it holds."""
    standard_output()  # printing is this command's job: not to silently drop it
    with library_errors():
        register = _effective_register(register_path, ofqual_path)
    summary = summarise_register(register, on.date() if on is not None else date.today())
    if output_format == "json":
        say_json(summary.to_dict())
    else:
        say(*summary.describe().split("\n"))


@register_group.command("validate")
@click.argument("file", metavar="FILE")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]),
              default="text", show_default=True, help="Output format.")
def validate(file: str, output_format: str) -> None:
    """Check every row of a register file and list all problems, with lines.

    Exit status 0 when the file is a valid register (warnings allowed), 2 when not.
    """
    standard_output()  # printing is this command's job: not to silently drop it
    with library_errors():
        result = validate_register_file(file)
    if output_format == "json":
        say_json(result.to_dict())
    else:
        if result.valid:
            say(f"{file}: valid register, {result.rows} rows")
        else:
            say(f"{file}: not a valid register: {len(result.problems)} problem(s); "
                "fix these rows and validate again:")
            say(*(f"  {problem}" for problem in result.problems))
        say(*(f"  warning: {warning}" for warning in result.warnings))
    click.get_current_context().exit(int(ExitCode.OK if result.valid else ExitCode.USAGE))


@register_group.command("export")
@click.option("--format", "output_format", type=click.Choice(["csv", "json"]), required=True,
              help="csv: the canonical columns; json: the same plus provenance.")
@click.option("--register", "register_path", callback=non_empty("a register file"),
              metavar="FILE", default=None, help=_REGISTER_HELP)
@click.option("--ofqual", "ofqual_path", callback=non_empty("Ofqual's CSV file"),
              metavar="FILE", default=None, help=_OFQUAL_HELP)
@click.option("-o", "--output", metavar="FILE", default=None,
              help="Write to FILE instead of standard output (- is standard output).")
@click.option("--force", is_flag=True, help="Overwrite --output if it exists.")
def export(output_format: str, register_path: str | None, ofqual_path: str | None,
           output: str | None, force: bool) -> None:
    """Print the effective register as canonical CSV or JSON (for other tools)."""
    fmt: ExportFormat = "csv" if output_format == "csv" else "json"
    with library_errors():
        register = _effective_register(register_path, ofqual_path)
        if output is not None and output != "-":
            written = write_register(register, output, fmt, force=force)
            say(f"wrote {written} ({len(register)} records)", err=True)
            return
        data = export_register(register, fmt)
    write_standard_output(data, "the register", "write it to a file with -o FILE")


COMMANDS: list[click.Command] = [register_group]
