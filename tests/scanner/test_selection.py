"""Rule selection: --select, --ignore and --severity as a library call."""

from __future__ import annotations

import pytest

from htq_mark.errors import UsageError
from htq_mark.scanner._selection import RuleSelection, select_rules
from tests.reports import factory


def _rules(selection: RuleSelection) -> list[tuple[str, str]]:
    report = select_rules(factory.full_report(), selection)
    return [(f.rule, f.severity) for d in report.documents for f in d.findings]


def test_the_default_keeps_every_finding() -> None:
    report = factory.full_report()
    assert select_rules(report, RuleSelection()) is report


def test_select_keeps_only_the_rules_named_and_ignore_drops_them() -> None:
    everything = _rules(RuleSelection())
    assert _rules(RuleSelection(select=frozenset({"too-small"}))) == [r for r in everything if r[0] == "too-small"]
    assert _rules(RuleSelection(ignore=frozenset({"too-small"}))) == [r for r in everything if r[0] != "too-small"]


def test_severity_overrides_the_rule_default() -> None:
    chosen = _rules(RuleSelection(severity={"no-qualification": "error"}))
    assert ("no-qualification", "error") in chosen
    assert not any(rule == "no-qualification" and level != "error" for rule, level in chosen)


@pytest.mark.parametrize(("arguments", "message"), [
    ({"select": frozenset({"too-smal"})}, "unknown rule"),
    ({"ignore": frozenset({"nope"})}, "unknown rule"),
    ({"severity": {"too-small": "fatal"}}, "is not a level"),
    ({"severity": {"nope": "error"}}, "unknown rule"),
])
def test_unknown_rules_and_levels_are_usage_errors(arguments: dict[str, object], message: str) -> None:
    with pytest.raises(UsageError, match=message):
        RuleSelection(**arguments)  # type: ignore[arg-type]
