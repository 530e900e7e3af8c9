"""The `htq-mark check` command: is a qualification entitled to the mark on a date?"""

from __future__ import annotations

from datetime import date, datetime

import click

from .._resolve import resolve_register
from ..register import import_ofqual, read_ids_from_csv
from ._given import non_empty
from ._day import DAY
from ._errors import fail, library_errors
from ._exit import ExitCode
from ._terminal import say, say_json, standard_output

__all__ = ["COMMANDS", "check"]


def _day(value: datetime | None) -> date:
    return value.date() if value is not None else date.today()


@click.command("check")
@click.argument("qualification_ids", nargs=-1, metavar="[QN]...")
@click.option("--date", "on", type=DAY, default=None,
              metavar="YYYY-MM-DD", help="Date to check entitlement on.  [default: today]")
@click.option("--register", "register_path", callback=non_empty("a register file"), metavar="FILE", default=None,
              help="Register file (CSV or JSON). [default: $HTQ_MARK_REGISTER, "
                   "else the built-in EXAMPLE register]")
@click.option("--ofqual", "ofqual_path", callback=non_empty("Ofqual's CSV file"), metavar="FILE", default=None,
              help="Ofqual full-dataset CSV: apply each qualification's regulated status.")
@click.option("--from-csv", "from_csv", metavar="FILE", default=None,
              help="Check every row of a CSV file (one result per row).")
@click.option("--column", metavar="NAME", default=None,
              help="Column of --from-csv holding the IDs. [default: the one named like "
                   "qualification_id / Qualification Number / QN]")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]),
              default="text", show_default=True, help="Output format.")
def check(qualification_ids: tuple[str, ...], on: datetime | None, register_path: str | None,
          ofqual_path: str | None, from_csv: str | None, column: str | None,
          output_format: str) -> None:
    """Check whether qualifications are entitled to the HTQ quality mark.

    QN is an Ofqual qualification number in any usual spelling (603/7595/4,
    60375954, 603 7595 4) or an OfS ID (UKPRN:COURSE-CODE). Every reason that
    applies is shown. Exit status 0 when every one is entitled, 1 when any is
    not, 2 on a usage error or an invalid register.
    """
    standard_output()  # printing is this command's job: not to silently drop it
    if column is not None and from_csv is None:
        fail("--column only applies with --from-csv FILE.", ExitCode.USAGE)
    day = _day(on)
    with library_errors():
        register = resolve_register(register_path)
        if ofqual_path is not None:
            register = import_ofqual(register, ofqual_path)
        items: list[tuple[int | None, str]] = [(None, qn) for qn in qualification_ids]
        if from_csv is not None:
            bulk = read_ids_from_csv(from_csv, column)
            for problem in bulk.problems:
                say(f"htq-mark: warning: {problem}", err=True)
            if not bulk.ids:
                fail(f"{from_csv}: no rows with qualification IDs.", ExitCode.USAGE)
            items += list(bulk.ids)
    if not items:
        fail("give at least one qualification number, or --from-csv FILE "
             "(see htq-mark check --help).", ExitCode.USAGE)
    results = [(line, register.check(text, on=day)) for line, text in items]
    if output_format == "json":
        payload = []
        for line, result in results:
            entry = result.to_dict()
            if line is not None:
                entry["line"] = line
            payload.append(entry)
        say_json(payload)
    else:
        say(f"register: {register.provenance.describe()}", f"date: {day.isoformat()}")
        for line, result in results:
            prefix = f"line {line}: " if line is not None else ""
            say(prefix + result.describe())
    entitled = all(result.entitled for _line, result in results)
    click.get_current_context().exit(int(ExitCode.OK if entitled else ExitCode.FINDINGS))


COMMANDS: list[click.Command] = [check]
