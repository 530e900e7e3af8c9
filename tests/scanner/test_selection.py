"""Rule selection: --select, --ignore and --severity as a library call."""

from __future__ import annotations

from pathlib import Path

import pytest

from htq_mark.errors import UsageError
from htq_mark.scanner._results import ScanSettings
from htq_mark.scanner._selection import RuleSelection, select_rules, settings_of
from tests.reports import factory
from tests.scanner._make import canvas_with, encode


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


def test_a_scans_report_records_its_rule_selection_and_ocr_mode(tmp_path: Path) -> None:
    import htq_mark

    selection = RuleSelection(select=frozenset({"too-small", "cropped"}), ignore=frozenset({"cropped"}),
                              severity={"too-small": "warning"})
    assert settings_of(selection, "never") == ScanSettings(
        ocr="never", select=("cropped", "too-small"), ignore=("cropped",), severity=(("too-small", "warning"),))
    assert settings_of(None, "auto") == settings_of(RuleSelection(), "auto") == ScanSettings()
    page = tmp_path / "page.png"
    page.write_bytes(encode(canvas_with(htq_mark.load_kit(), size=(400, 300), width=60, at=(100, 100)), "PNG"))
    report = htq_mark.scan([page], rules=selection, ocr="never", jobs=1)
    assert report.settings == settings_of(selection, "never")
    assert [(f.rule, f.severity) for f in report.documents[0].findings] == [("too-small", "warning")]


def test_selecting_rules_in_a_report_records_the_selections_together() -> None:
    report = factory.report([factory.clean_document()], settings=ScanSettings(select=("cropped", "too-small"),
                                                                              severity=(("cropped", "info"),)))
    selected = select_rules(report, RuleSelection(select=frozenset({"too-small", "rotated"}),
                                                  ignore=frozenset({"rotated"}), severity={"too-small": "warning"}))
    assert selected.settings == ScanSettings(select=("too-small",), ignore=("rotated",),
                                             severity=(("cropped", "info"), ("too-small", "warning")))
    assert select_rules(factory.report([], settings=None), RuleSelection(ignore=frozenset({"cropped"}))).settings \
        is None  # what an unrecorded report had before is still unknown


@pytest.mark.parametrize(("given", "words"), [
    ({"select": "too-small"}, "takes a list of rules, not one as text"),  # before: unknown rule(s) -, a, l, ...
    ({"ignore": "too-small"}, "takes a list of rules, not one as text"),
    ({"ignore": b"too-small"}, "takes a list of rules, not one as text"),
    ({"select": 5}, "select takes a list of rules, not int"),  # before: TypeError
    ({"severity": "too-small"}, "severity takes a mapping of rule to level"),  # before: advice that failed
])
def test_rules_of_a_wrong_type_are_a_usage_error(given: dict[str, object], words: str) -> None:
    with pytest.raises(UsageError, match=words):
        RuleSelection(**given)  # type: ignore[arg-type]
