"""The JSON report is exactly ScanReport.to_dict(), stable and always valid UTF-8 JSON."""

from __future__ import annotations

import io
import json
import math

import numpy as np
import pytest

from htq_mark import reports
from htq_mark.reports import _json as json_report
from htq_mark.scanner._results import DocumentResult, Finding, ScanReport
from tests.reports import factory


def _render(report: ScanReport) -> str:
    buffer = io.StringIO()
    json_report.render(report, buffer)
    return buffer.getvalue()


def _with_details(**details: object) -> ScanReport:
    finding = Finding(rule="too-small", severity="error", page=1, mark=None, bbox=None, message="small",
                      fix=None, details=details)
    document = DocumentResult(path="a.png", sha256="f" * 64, type="png", status="ok", findings=(finding,))
    return factory.report([document])


def test_the_output_is_to_dict_indented_by_two_with_text_kept() -> None:
    report = factory.full_report()
    text = _render(report)
    assert text == json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n"
    assert json.loads(text) == report.to_dict()


def test_keys_keep_the_contract_order() -> None:
    data = json.loads(_render(factory.full_report()))
    assert list(data) == ["schema", "generator", "on_date", "scanned_at", "kit", "register", "settings", "documents",
                          "summary"]
    document = data["documents"][3]
    assert list(document) == ["path", "sha256", "type", "status", "error", "pages", "marks", "findings"]
    assert list(document["findings"][0]) == ["rule", "severity", "page", "mark", "bbox", "message", "fix", "details"]


def test_non_ascii_text_is_written_as_utf8_not_escaped() -> None:
    data = reports.render_bytes(factory.report([factory.image_document(f"{factory.UNICODE}.png")]), "json")
    assert factory.UNICODE.encode("utf-8") in data
    assert b"\\u00e9" not in data


def test_a_path_that_is_not_utf8_survives_as_an_escape() -> None:
    path = f"{factory.SURROGATE}.pdf"
    data = reports.render_bytes(factory.report([factory.clean_document(path)]), "json")
    data.decode("utf-8")  # valid UTF-8 although the name is not
    assert b"\\udcff" in data
    assert json.loads(data)["documents"][0]["path"] == path


@pytest.mark.parametrize(("value", "expected"), [
    (float("nan"), None),
    (float("inf"), None),
    (-math.inf, None),
    (np.float64(2.5), 2.5),
    (np.int64(7), 7),
    (np.array([1.0, 2.0]), [1.0, 2.0]),
    ((1, 2), [1, 2]),
    ({"nested": {"deeper": float("nan")}}, {"nested": {"deeper": None}}),
    ({1: "a"}, {"1": "a"}),
    (True, True),
])
def test_details_values_become_plain_json(value: object, expected: object) -> None:
    data = json.loads(_render(_with_details(value=value)))
    assert data["documents"][0]["findings"][0]["details"] == {"value": expected}


def test_the_same_report_gives_the_same_bytes() -> None:
    assert reports.render_bytes(factory.full_report(), "json") == reports.render_bytes(factory.full_report(), "json")


def test_summary_counts_agree_with_the_documents() -> None:
    data = json.loads(_render(factory.full_report()))
    findings = [f for d in data["documents"] for f in d["findings"]]
    assert data["summary"] == {
        "documents": len(data["documents"]),
        "unreadable": sum(d["status"] == "error" for d in data["documents"]),
        "marks": sum(len(d["marks"]) for d in data["documents"]),
        "findings": {s: sum(f["severity"] == s for f in findings) for s in ("error", "warning", "info")},
    }


def test_every_finding_names_a_mark_of_its_document() -> None:
    for document in json.loads(_render(factory.full_report()))["documents"]:
        ids = {m["id"] for m in document["marks"]}
        assert all(f["mark"] is None or f["mark"] in ids for f in document["findings"])
