"""Scan results: the fail decision a report makes, and the arguments it refuses."""

from __future__ import annotations

import dataclasses
import json

import pytest

from htq_mark.errors import UsageError
from htq_mark.scanner._results import Severity, fail_on_threshold
from tests.reports import factory


@pytest.mark.parametrize(("fail_on", "fails"), [
    ("error", True), ("warning", True), ("never", False), (["never"], False), (("info", "error"), True),
    (Severity.ERROR, True), (iter(["warning"]), True), ((value for value in ["never"]), False),
])
def test_a_report_with_errors_fails_on_error_and_below(fail_on: object, fails: bool) -> None:
    report = factory.report([factory.pdf_document()])
    assert any(f.severity == Severity.ERROR for f in report.documents[0].findings)
    assert report.fails_on(fail_on) is fails  # type: ignore[arg-type]


@pytest.mark.parametrize(("fail_on", "words"), [
    ("fatal", "unknown fail_on value(s) 'fatal'"),
    (["fatal"], "unknown fail_on value(s) 'fatal'"),
    ("errors", "unknown fail_on value(s) 'errors'"),
    (["never", "error"], "never cannot go with a severity"),
    (5, "fail_on takes a severity or note code, or a list of them"),
    ([5], "fail_on takes a severity or note code, or a list of them"),
    (None, "fail_on takes a severity or note code, or a list of them"),
])
def test_a_fail_on_that_is_not_one_is_a_usage_error(fail_on: object, words: str) -> None:
    """Before, these raised ValueError or TypeError, which a caller catching HtqMarkError missed."""
    report = factory.report([factory.pdf_document()])
    with pytest.raises(UsageError) as raised:
        report.fails_on(fail_on)  # type: ignore[arg-type]
    assert words in str(raised.value)
    with pytest.raises(UsageError):
        fail_on_threshold(fail_on)  # type: ignore[arg-type]


@pytest.mark.parametrize("severity", ["fatal", 5, None, ["error"]])
def test_fails_at_refuses_what_is_not_a_severity(severity: object) -> None:
    report = factory.report([factory.pdf_document()])
    with pytest.raises(UsageError, match="fails_at takes a severity"):
        report.fails_at(severity)  # type: ignore[arg-type]
    assert report.fails_at("error") and report.fails_at(Severity.INFO)


def test_a_reports_mappings_cannot_be_changed_and_results_hash_and_pickle() -> None:
    """A finding's details and a report's kit and register were dicts: changing one in place changed the
    reports written from the result, and made every result unhashable."""
    import pickle

    report = factory.full_report()
    finding = next(f for d in report.documents for f in d.findings if f.details)
    for mapping in (finding.details, report.kit, report.register):
        with pytest.raises(TypeError):
            mapping["name"] = "changed"  # type: ignore[index]
        assert mapping == dict(mapping)
    assert hash(finding) == hash(dataclasses.replace(finding, details=dict(finding.details)))
    assert {hash(document) for document in report.documents}
    assert pickle.loads(pickle.dumps(report)) == report
    assert report.to_dict()["documents"] == json.loads(json.dumps(report.to_dict()))["documents"]
