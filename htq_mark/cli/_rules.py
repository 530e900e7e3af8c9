"""The ``htq-mark rules`` command: list the scanner's rules, or explain one."""

from __future__ import annotations

import json

import click

from ._errors import library_errors
from ._terminal import say

__all__ = ["COMMANDS", "rules_command"]


@click.command("rules")
@click.argument("rule", required=False)
@click.option("--kit", "kit_path", metavar="DIR", default=None,
              help="Kit folder whose numbers and pictures to show. [default: $HTQ_MARK_KIT, else the bundled kit]")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
def rules_command(rule: str | None, kit_path: str | None, output_format: str) -> None:
    """List the rules scans report, or explain RULE: what it checks, the kit's numbers, pictures, the fix."""
    from ..kit import load_kit
    from ..reports._rules import RULE_ORDER, rule_text
    from ..reports._rule_help import rule_help

    with library_errors():
        if rule is None:
            texts = [rule_text(name) for name in RULE_ORDER]
            if output_format == "json":
                click.echo(json.dumps([{"rule": t.rule, "default_severity": t.default_severity, "title": t.title,
                                        "meaning": t.meaning} for t in texts], indent=2))
                return
            width = max(len(t.rule) for t in texts)
            say(*(f"{t.rule:<{width}}  {t.default_severity:<7}  {t.meaning}" for t in texts),
                "", "htq-mark rules RULE explains one.")
            return
        explained = rule_help(rule, load_kit(kit_path))
    if output_format == "json":
        click.echo(json.dumps(explained.to_dict(), indent=2, ensure_ascii=False))
        return
    lines = [f"{explained.rule}: {explained.title} (default severity: {explained.default_severity})", "",
             f"What it checks: {explained.meaning}", "", "The kit's numbers:",
             *(f"  {line}" for line in explained.numbers), "", "Pictures from the guide:"]
    for picture in explained.pictures:
        where = picture.path if picture.path is not None else "(not drawn for this kit; run htq-mark kit guide)"
        lines += [f"  {'right' if picture.right else 'wrong'}: {picture.caption}", f"         {where}"]
    say(*lines, "", f"Fix: {explained.fix}")


COMMANDS: list[click.Command] = [rules_command]
