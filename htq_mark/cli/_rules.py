"""The ``htq-mark rules`` command: list the scanner's rules, or explain one."""

from __future__ import annotations


import click

from .._catalogue import RULES
from .._resolve import resolve_kit
from ..reports._rule_help import rule_help
from ._given import non_empty
from ._errors import library_errors
from ._terminal import say, say_json, standard_output

__all__ = ["COMMANDS", "rules_command"]


@click.command("rules")
@click.argument("rule", required=False)
@click.option("--kit", "kit_path", callback=non_empty("a kit folder"), metavar="DIR", default=None,
              help="Kit folder whose numbers and pictures to show. [default: $HTQ_MARK_KIT, else the bundled kit]")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
def rules_command(rule: str | None, kit_path: str | None, output_format: str) -> None:
    """List the rules scans report, or explain RULE: what it checks, the kit's numbers, pictures, the fix."""
    standard_output()  # printing is this command's job: not to silently drop it
    with library_errors():
        if rule is None:
            if output_format == "json":
                say_json([{"rule": r.id, "default_severity": r.severity.value, "title": r.title,
                           "meaning": r.meaning} for r in RULES.values()])
                return
            width = max(len(r.id) for r in RULES.values())
            say(*(f"{r.id:<{width}}  {r.severity:<7}  {r.meaning}" for r in RULES.values()),
                "", "htq-mark rules RULE explains one.")
            return
        explained = rule_help(rule, resolve_kit(kit_path))
    if output_format == "json":
        say_json(explained.to_dict())
        return
    lines = [f"{explained.rule}: {explained.title} (default severity: {explained.default_severity})", "",
             f"What it checks: {explained.meaning}", "", "The kit's numbers:",
             *(f"  {line}" for line in explained.numbers), "", "Pictures from the guide:"]
    for picture in explained.pictures:
        where = picture.path if picture.path is not None else "(not drawn for this kit; run htq-mark kit guide)"
        lines += [f"  {'right' if picture.right else 'wrong'}: {picture.caption}", f"         {where}"]
    say(*lines, "", f"Fix: {explained.fix}")


COMMANDS: list[click.Command] = [rules_command]
