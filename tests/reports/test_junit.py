"""The JUnit XML report: valid against the common JUnit schema, one testcase per document."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from htq_mark import reports
from htq_mark.scanner._baseline import apply_baseline
from htq_mark.scanner._results import ScanReport
from tests.reports import factory

SCHEMA = etree.XMLSchema(etree.parse(str(Path(__file__).with_name("junit.xsd"))))


def _tree(report: ScanReport) -> etree._Element:
    return etree.fromstring(reports.render_bytes(report, "junit"))


def _baselined() -> ScanReport:
    report = factory.full_report()
    return apply_baseline(report, factory.report([factory.pdf_document()]))


@pytest.mark.parametrize("make", [factory.full_report, factory.hostile_report, lambda: factory.report([]),
                                  _baselined], ids=["full", "hostile", "empty", "baselined"])
def test_the_report_is_valid_against_the_junit_schema(make: object) -> None:
    tree = _tree(make())  # type: ignore[operator]
    SCHEMA.assertValid(tree)


def test_the_schema_refuses_what_ci_servers_would_not_read() -> None:
    bad = etree.fromstring(b'<testsuites><testsuite tests="x"><testcase/></testsuite></testsuites>')
    assert not SCHEMA.validate(bad)


def test_one_testcase_per_document_and_one_failure_per_finding() -> None:
    report = factory.full_report()
    tree = _tree(report)
    cases = tree.findall("testsuite/testcase")
    assert [case.get("name") for case in cases] == [d.path for d in report.documents]
    for case, document in zip(cases, report.documents):
        failures = case.findall("failure")
        assert sorted(f.get("type") for f in failures) == sorted(f.rule for f in document.findings)
        assert len(case.findall("error")) == (document.status == "error")
    suite = tree.find("testsuite")
    assert suite is not None
    # Test cases, not findings: a reader takes tests - failures - errors as the number that passed.
    failed = [case for case in cases if case.find("failure") is not None and case.find("error") is None]
    assert sum(len(case.findall("failure")) for case in failed) > len(failed) > 0  # some have several findings
    assert suite.get("failures") == str(len(failed))
    assert suite.get("errors") == str(sum(d.status == "error" for d in report.documents))
    passed = int(suite.get("tests")) - int(suite.get("failures")) - int(suite.get("errors"))
    assert passed == sum(case.find("failure") is None and case.find("error") is None for case in cases)
    assert suite.get("timestamp") == "2026-11-23T09:30:00"


def test_findings_a_baseline_suppressed_are_listed_a_line_each() -> None:
    report = _baselined()
    listed = [case.findtext("system-out") for case in _tree(report).iter("testcase") if case.find("system-out")
              is not None]
    lines = [line for text in listed for line in text.split("\n")]
    assert len(lines) == sum(len(d.suppressed) for d in report.documents) > 1
    assert all(line.startswith("suppressed by the baseline: ") and "\\x0a" not in line for line in lines), lines


def test_hostile_text_stays_text() -> None:
    data = reports.render_bytes(factory.hostile_report(), "junit")
    tree = etree.fromstring(data)
    names = [case.get("name") for case in tree.iter("testcase")]
    assert any("\\x1b" in name for name in names)
    assert tree.find(".//script") is None
