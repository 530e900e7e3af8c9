"""The catalogue is the one place the scan contract's vocabulary is written: everything else agrees with it.

Each case names one place that lists rules, error codes, note codes or
severities; a word added to (or dropped from) that place alone fails here.
"""

from __future__ import annotations

import ast
import inspect
import json
import pickle
import typing
from collections.abc import Callable
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

import htq_mark
from htq_mark import _catalogue, errors, reports
from htq_mark._catalogue import (
    DOCUMENT_ERRORS,
    FAIL_ON_CHOICES,
    NOTE_CODES,
    REASON_CODES,
    REASONS,
    RULES,
    ErrorCode,
    Severity,
)
from htq_mark.cli import cli
from htq_mark.register import _entitlement as entitlement
from htq_mark.reports import _rule_help as rule_help, _sarif as sarif
from htq_mark.scanner import _results as results, _selection as selection
from htq_mark.scanner._results import ScanReport
from htq_mark.scanner._failures import INTERNAL_ERROR

PACKAGE = Path(htq_mark.__file__).parent


def _schema_enum(*path: str, schema: str = "scan-report") -> set[str]:
    node: typing.Any = reports.load_schema(schema)
    for key in path:
        node = node[int(key)] if key.isdigit() else node[key]
    return set(node["enum"])


def _empty_sarif_driver() -> dict[str, typing.Any]:
    report = ScanReport(generator_version="0", on_date="2026-01-01", kit={}, register={}, documents=())
    driver: dict[str, typing.Any] = sarif.sarif_log(report)["runs"][0]["tool"]["driver"]
    return driver


def _cli_rules() -> set[str]:
    result = CliRunner().invoke(cli, ["rules", "--format", "json"])
    assert result.exit_code == 0, result.output
    return {entry["rule"] for entry in json.loads(result.output)}


def _cli_rule_severities() -> dict[str, str]:
    result = CliRunner().invoke(cli, ["rules", "--format", "json"])
    return {entry["rule"]: entry["default_severity"] for entry in json.loads(result.output)}


def _rules_used_by_checks() -> set[str]:
    """The rules whose catalogue entry a check module of the scanner or the web package names."""
    sources = [*(PACKAGE / "scanner" / "_rules").glob("*.py"), PACKAGE / "web" / "_rules.py"]
    text = "\n".join(path.read_text(encoding="utf-8") for path in sources)
    return {rule_id for rule_id in RULES if rule_id.upper().replace("-", "_") in text}


def _error_class_codes() -> set[str]:
    classes = [value for value in vars(errors).values()
               if inspect.isclass(value) and issubclass(value, errors.HtqMarkError)]
    return {cls.code for cls in classes}


def _input_error_codes() -> set[str]:
    return {cls.code for cls in vars(errors).values()
            if inspect.isclass(cls) and issubclass(cls, errors.InputError)}


def _fail_on_choice() -> set[str]:
    command = cli.commands["scan"]
    option = next(p for p in command.params if p.name == "fail_on")
    assert isinstance(option.type, click.Choice)
    return {str(choice) for choice in option.type.choices}


def _reasons_given() -> dict[str, str]:
    """Every ``Reason("code", Severity.LEVEL, ...)`` the register package writes: code -> level."""
    given: dict[str, str] = {}
    for path in (PACKAGE / "register").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "Reason":
                code, level = node.args[0], node.args[1]
                assert isinstance(code, ast.Constant) and isinstance(level, ast.Attribute), ast.dump(node)
                given[str(code.value)] = level.attr.lower()
    return given


RULE_IDS = set(RULES)
#: (what is compared, the words it holds, the catalogue's words).
CASES: list[tuple[str, Callable[[], object], object]] = [
    ("rules: JSON schema", lambda: _schema_enum("$defs", "finding", "properties", "rule"), RULE_IDS),
    ("rules: SARIF driver", lambda: [rule["id"] for rule in _empty_sarif_driver()["rules"]], list(RULES)),
    ("rules: htq-mark rules", _cli_rules, RULE_IDS),
    ("rules: their numbers in htq-mark rules RULE", lambda: set(rule_help._NUMBERS), RULE_IDS),
    ("rules: results.RULES", lambda: list(results.RULES), list(RULES)),
    ("rules: reported by a check", _rules_used_by_checks, RULE_IDS),
    ("rule severities: SARIF default levels",
     lambda: {r["id"]: r["defaultConfiguration"]["level"] for r in _empty_sarif_driver()["rules"]},
     {r.id: {"error": "error", "warning": "warning", "info": "note"}[r.severity] for r in RULES.values()}),
    ("rule severities: htq-mark rules", _cli_rule_severities, {r.id: r.severity.value for r in RULES.values()}),
    ("document errors: JSON schema",
     lambda: _schema_enum("$defs", "document", "properties", "error", "oneOf", "1", "properties", "code"),
     set(DOCUMENT_ERRORS)),
    ("document errors: the DocumentErrorCode type",
     lambda: set(typing.get_args(_catalogue.DocumentErrorCode)), set(DOCUMENT_ERRORS)),
    ("document errors: the input errors' codes, a lost worker and an internal error",
     lambda: _input_error_codes() | {ErrorCode.WORKER_LOST, INTERNAL_ERROR}, set(DOCUMENT_ERRORS)),
    ("document errors and notes: SARIF notifications",
     lambda: {n["id"] for n in _empty_sarif_driver()["notifications"]}, set(DOCUMENT_ERRORS) | set(NOTE_CODES)),
    ("error codes: the error classes' codes, a lost worker and an internal error",
     lambda: _error_class_codes() | {ErrorCode.WORKER_LOST, INTERNAL_ERROR}, set(ErrorCode)),
    ("note codes: JSON schema", lambda: _schema_enum("$defs", "note", "properties", "code"), set(NOTE_CODES)),
    ("note severities: JSON schema", lambda: _schema_enum("$defs", "note", "properties", "severity"),
     {severity for severity, _ in NOTE_CODES.values()}),
    ("note codes: htq-mark scan --fail-on", lambda: _fail_on_choice() - {*Severity, "never"},
     set(NOTE_CODES)),
    ("fail-on: htq-mark scan --fail-on", _fail_on_choice, set(FAIL_ON_CHOICES)),
    ("severities: JSON schema", lambda: _schema_enum("$defs", "severity"), set(Severity)),
    ("severities: the check result's reasons",
     lambda: _schema_enum("$defs", "reason", "properties", "severity", schema="check-result"), set(Severity)),
    ("severities: rule selection", lambda: set(selection.SEVERITY_LEVELS), set(Severity)),
    ("severities: the summary's counts",
     lambda: list(ScanReport(generator_version="0", on_date="2026-01-01", kit={}, register={},
                             documents=()).summary["findings"]),
     [severity.value for severity in Severity]),
    ("severities: SARIF levels", lambda: set(sarif._LEVELS), set(Severity)),
    ("reason codes: the check result's JSON schema",
     lambda: _schema_enum("$defs", "reason", "properties", "code", schema="check-result"), set(REASON_CODES)),
    ("reason codes: htq_mark.register.REASON_CODES", lambda: htq_mark.register.REASON_CODES, REASON_CODES),
    ("reasons and their severities: given by the register",
     _reasons_given, {code: severity.value for code, severity in REASONS.items()}),
]


@pytest.mark.parametrize(("found", "expected"), [pytest.param(found, expected, id=name)
                                                 for name, found, expected in CASES])
def test_every_list_of_the_vocabulary_matches_the_catalogue(found: Callable[[], object], expected: object) -> None:
    assert found() == expected


def test_severities_are_ordered_worst_first_and_compare_by_rank() -> None:
    assert list(Severity) == ["error", "warning", "info"]
    assert [severity.rank for severity in Severity] == [0, 1, 2]
    assert Severity.ERROR.at_least("warning") and Severity.WARNING.at_least(Severity.WARNING)
    assert not Severity.INFO.at_least(Severity.WARNING)
    with pytest.raises(ValueError):
        Severity.ERROR.at_least("fatal")


@pytest.mark.parametrize("word", [*Severity, *ErrorCode])
def test_a_word_is_its_text(word: Severity | ErrorCode) -> None:
    assert word == word.value and hash(word) == hash(word.value)
    assert str(word) == f"{word}" == word.value
    assert json.dumps(word) == json.dumps(word.value)
    assert pickle.loads(pickle.dumps(word)) is word


def test_an_unknown_rule_is_an_error_naming_the_rules() -> None:
    with pytest.raises(KeyError, match="unknown rule 'too-big'.*too-small"):
        _catalogue.rule("too-big")
    assert _catalogue.rule("too-small") is _catalogue.TOO_SMALL


def test_a_document_error_code_outside_the_contract_is_refused() -> None:
    with pytest.raises(ValueError, match="not a document error code"):
        results.DocumentError(code=ErrorCode.USAGE, message="x")  # type: ignore[arg-type]
    assert results.DocumentError(code="timeout", message="x").code is ErrorCode.TIMEOUT  # type: ignore[arg-type]


def test_a_reason_outside_the_catalogue_is_refused() -> None:
    with pytest.raises(ValueError, match="not in the catalogue"):
        entitlement.Reason("future-reason", Severity.ERROR, "m")
    with pytest.raises(ValueError, match="not in the catalogue"):
        entitlement.Reason("withdrawn", Severity.INFO, "m")
