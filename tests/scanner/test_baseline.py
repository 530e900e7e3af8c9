"""Baselines: findings already in an earlier report are suppressed, counted and listed, never dropped."""

from __future__ import annotations

import dataclasses
import json

import pytest

from htq_mark import reports
from htq_mark.scanner._baseline import apply_baseline, fingerprint, unsuppressed
from tests.reports import factory


def test_findings_in_the_baseline_are_suppressed_and_new_ones_kept() -> None:
    old = factory.report([factory.pdf_document()])
    document = old.documents[0]
    moved = dataclasses.replace(document.findings[0], bbox=(400.0, 400.0, 450.0, 450.0))
    new = factory.report([dataclasses.replace(document, findings=(*document.findings[1:], moved))])
    result = apply_baseline(new, old).documents[0]
    assert result.findings == (moved,)
    assert len(result.suppressed) == len(document.findings) - 1
    assert {fingerprint(document.path, f) for f in result.suppressed} <= {
        fingerprint(document.path, f) for f in document.findings}


def test_suppressed_findings_are_counted_and_listed_in_json_and_text() -> None:
    report = factory.report([factory.pdf_document()])
    baselined = apply_baseline(report, report)
    data = json.loads(reports.render_bytes(baselined, "json"))
    assert data["documents"][0]["findings"] == []
    assert len(data["documents"][0]["suppressed"]) == len(report.documents[0].findings)
    assert data["summary"]["suppressed"] == len(report.documents[0].findings)
    text = reports.render_bytes(baselined, "text").decode()
    assert f"{len(report.documents[0].findings)} suppressed by the baseline" in text
    verbose = reports.render_bytes(baselined, "text", verbose=True).decode()
    assert "Suppressed (already in the baseline):" in verbose


def test_a_baseline_read_back_from_json_suppresses_the_same_findings() -> None:
    report = factory.full_report()
    saved = reports.load_report(reports.render_bytes(report, "json"))
    baselined = apply_baseline(report, saved)
    assert baselined.summary["findings"] == {"error": 0, "warning": 0, "info": 0}
    assert unsuppressed(baselined).documents == report.documents


def test_every_format_lists_the_suppressed_findings() -> None:
    report = factory.report([factory.pdf_document()])
    baselined = apply_baseline(report, report)
    count = len(report.documents[0].findings)
    sarif = json.loads(reports.render_bytes(baselined, "sarif"))
    results = sarif["runs"][0]["results"]
    assert len(results) == count and all(r["suppressions"][0]["kind"] == "external" for r in results)
    junit = reports.render_bytes(baselined, "junit").decode()
    assert "<failure" not in junit and junit.count("suppressed by the baseline:") == count
    page = reports.render_bytes(baselined, "html").decode()
    assert f"{count} suppressed by the baseline" in page


@pytest.mark.parametrize("edge", [155.4984, 155.495, 155.5049, 154.4951, 0.004999, -3.495, 99.36])
def test_a_finding_has_the_same_fingerprint_as_scanned_and_as_read_back_from_its_report(edge: float) -> None:
    """Reports write a box to 2 places: an edge within 0.005 of half a unit came to another whole unit
    read back than as scanned, so a baseline made from the report did not suppress the finding."""
    document = factory.pdf_document()
    findings = tuple(dataclasses.replace(f, bbox=(edge, 199.79, edge + 56.0, 255.5 - edge / 1000)) for f in
                     document.findings if f.bbox is not None)
    report = factory.report([dataclasses.replace(document, findings=findings)])
    saved = reports.load_report(reports.render_bytes(report, "json"))
    assert [fingerprint(d.path, f) for d in saved.documents for f in d.findings] == \
        [fingerprint(d.path, f) for d in report.documents for f in d.findings]
    assert apply_baseline(report, saved).summary["findings"] == {"error": 0, "warning": 0, "info": 0}


def test_a_path_typed_another_way_has_the_same_fingerprint() -> None:
    finding = factory.pdf_document().findings[0]
    assert fingerprint("./docs//a.pdf", finding) == fingerprint("docs/a.pdf", finding)
    assert fingerprint("docs/b.pdf", finding) != fingerprint("docs/a.pdf", finding)
    assert fingerprint("https://x.example/a/../b", finding) != fingerprint("https://x.example/b", finding)


def test_a_baseline_naming_a_file_with_a_lone_surrogate_is_read_not_a_crash() -> None:
    """No file system gives such a name, but a baseline made by hand may: it crashed the scan."""
    report = factory.report([factory.pdf_document()])
    data = json.loads(reports.render_bytes(report, "json"))
    data["documents"][0]["path"] = "\ud800x.pdf"
    hostile = reports.load_report(json.dumps(data).encode())
    assert apply_baseline(report, hostile).documents == report.documents  # nothing of it matches
    finding = report.documents[0].findings[0]
    assert fingerprint("\ud800x.pdf", finding) != fingerprint("\udcffx.pdf", finding)
    assert fingerprint("\udcffx.pdf", finding) == fingerprint("\udcffx.pdf", finding)


def test_a_report_records_the_baseline_applied_and_a_new_baseline_none() -> None:
    report = factory.report([factory.pdf_document()])
    named = apply_baseline(report, report, name="known.json").settings
    assert named is not None and named.baseline == "known.json"
    by_default = apply_baseline(report, report).settings
    assert by_default is not None and by_default.baseline == f"scanned at {report.scanned_at}"
    assert unsuppressed(apply_baseline(report, report)).settings == report.settings
