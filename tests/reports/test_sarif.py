"""The SARIF report: the structure SARIF 2.1.0 requires, stable ids and fingerprints."""

from __future__ import annotations

import io
import json
from dataclasses import replace
from typing import Any

import pytest

from htq_mark import reports
from htq_mark.reports import _sarif as sarif
from htq_mark.scanner._results import RULES, ScanReport
from tests.reports import factory

LEVELS = {"none", "note", "warning", "error"}


def _log(report: ScanReport) -> dict[str, Any]:
    buffer = io.StringIO()
    sarif.render(report, buffer)
    log: dict[str, Any] = json.loads(buffer.getvalue())
    return log


def _text(message: Any) -> None:
    assert isinstance(message, dict) and isinstance(message.get("text"), str) and message["text"]


def _location(location: dict[str, Any], artifacts: list[dict[str, Any]]) -> None:
    physical = location["physicalLocation"]
    artifact = physical["artifactLocation"]
    assert isinstance(artifact["uri"], str) and artifact["uri"]
    assert artifacts[artifact["index"]]["location"]["uri"] == artifact["uri"]
    if "region" in physical:
        assert isinstance(physical["region"]["startLine"], int) and physical["region"]["startLine"] >= 1


def check_sarif_2_1_0(log: dict[str, Any]) -> None:
    """The key requirements of the SARIF 2.1.0 schema that ingesting tools rely on."""
    assert log["version"] == "2.1.0"
    assert log["$schema"].endswith("sarif-schema-2.1.0.json")
    assert isinstance(log["runs"], list) and len(log["runs"]) == 1
    run = log["runs"][0]
    driver = run["tool"]["driver"]
    assert driver["name"] == "htq-mark" and isinstance(driver["version"], str)
    rule_ids = [rule["id"] for rule in driver["rules"]]
    assert len(rule_ids) == len(set(rule_ids))
    for rule in driver["rules"]:
        for key in ("shortDescription", "fullDescription", "help"):
            _text(rule[key])
        assert rule["defaultConfiguration"]["level"] in LEVELS
    notification_ids = {n["id"] for n in driver["notifications"]}
    artifacts = run["artifacts"]
    for artifact in artifacts:
        assert isinstance(artifact["location"]["uri"], str)
        for algorithm, digest in artifact.get("hashes", {}).items():
            assert algorithm == "sha-256" and len(digest) == 64
    for result in run["results"]:
        _text(result["message"])
        assert result["level"] in LEVELS
        assert driver["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["locations"]
        for location in result["locations"]:
            _location(location, artifacts)
        assert all(isinstance(v, str) for v in result["partialFingerprints"].values())
    for invocation in run["invocations"]:
        assert isinstance(invocation["executionSuccessful"], bool)
        for notification in invocation["toolExecutionNotifications"]:
            _text(notification["message"])
            assert notification["level"] in LEVELS
            assert notification["descriptor"]["id"] in notification_ids
            for location in notification["locations"]:
                _location(location, artifacts)


@pytest.mark.parametrize("report", [factory.full_report(), factory.hostile_report(), factory.report([])],
                         ids=["full", "hostile", "empty"])
def test_the_log_has_the_structure_sarif_requires(report: ScanReport) -> None:
    check_sarif_2_1_0(_log(report))


def test_the_driver_lists_every_rule_by_its_name_with_help_and_default_level() -> None:
    driver = _log(factory.report([]))["runs"][0]["tool"]["driver"]
    assert [rule["id"] for rule in driver["rules"]] == list(RULES)
    assert "informationUri" not in driver
    levels = {rule["id"]: rule["defaultConfiguration"]["level"] for rule in driver["rules"]}
    assert levels == {rule: {"error": "error", "warning": "warning", "info": "note"}[severity] for rule, (severity, _) in RULES.items()}
    too_small = driver["rules"][0]
    assert "htq-mark generate" in too_small["help"]["text"]
    assert too_small["fullDescription"]["text"] == RULES["too-small"][1]


@pytest.mark.parametrize(("severity", "level"), [("error", "error"), ("warning", "warning"), ("info", "note")])
def test_severities_map_to_sarif_levels(severity: str, level: str) -> None:
    assert sarif.level(severity) == level


def test_each_finding_is_a_result_at_its_page_with_its_box() -> None:
    report = factory.report([factory.pdf_document()])
    results = _log(report)["runs"][0]["results"]
    document = report.documents[0]
    assert len(results) == len(document.findings)
    clear_space = next(r for r in results if r["ruleId"] == "clear-space")
    assert clear_space["level"] == "error"
    assert clear_space["message"]["text"] == ("clear-space measured 9.4 mm; the limit is 25 mm. Fix: Run htq-mark "
                                              "generate --variant colour --width 25mm --format pdf to fix clear-space.")
    physical = clear_space["locations"][0]["physicalLocation"]
    assert physical == {"artifactLocation": {"uri": "brochures/prospectus.pdf", "index": 0},
                        "region": {"startLine": 1}}
    assert clear_space["properties"]["page"] == 1
    assert clear_space["properties"]["bbox"] == [50.0, 690.0, 210.0, 760.0]
    assert clear_space["properties"]["details"] == {"intrusion_mm": 3.1, "required_mm": 7.1}
    info = _log(factory.report([factory.image_document()]))["runs"][0]["results"][0]
    assert info["level"] == "note"


def test_fingerprints_are_stable_and_tell_findings_apart() -> None:
    document = factory.pdf_document()
    finding = document.findings[2]
    same = sarif.fingerprint(document.path, finding)
    assert sarif.fingerprint(document.path, replace(finding, message="other words")) == same
    assert sarif.fingerprint(document.path, replace(finding, bbox=(300.2, 99.8, 326.9, 110.7))) == same
    assert sarif.fingerprint(document.path, replace(finding, page=1)) != same
    assert sarif.fingerprint(document.path, replace(finding, rule="rotated")) != same
    assert sarif.fingerprint("other.pdf", finding) != same
    assert sarif.fingerprint(document.path, replace(finding, bbox=(320.0, 99.8, 346.9, 110.4))) != same
    results = _log(factory.report([document]))["runs"][0]["results"]
    assert all(r["partialFingerprints"].keys() == {sarif.FINGERPRINT_KEY} for r in results)


def test_unreadable_files_are_error_notifications_and_the_run_is_incomplete() -> None:
    report = factory.report([factory.clean_document(), factory.error_document("encrypted")])
    invocation = _log(report)["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is False
    [notification] = invocation["toolExecutionNotifications"]
    assert notification["level"] == "error"
    assert notification["descriptor"] == {"id": "encrypted"}
    assert notification["message"]["text"] == report.documents[1].error.message  # type: ignore[union-attr]
    assert notification["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "broken/encrypted.pdf"
    clean = _log(factory.report([factory.clean_document()]))["runs"][0]["invocations"][0]
    assert clean == {"executionSuccessful": True, "toolExecutionNotifications": []}


def test_notes_are_warning_notifications() -> None:
    notifications = _log(factory.hostile_report())["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert [n["level"] for n in notifications] == ["warning", "warning", "error"]


def test_artifacts_carry_each_input_with_its_sha256() -> None:
    report = factory.full_report()
    artifacts = _log(report)["runs"][0]["artifacts"]
    assert [a["location"]["uri"] for a in artifacts] == [d.path for d in report.documents]
    for artifact, document in zip(artifacts, report.documents, strict=True):
        assert artifact.get("hashes") == ({"sha-256": document.sha256} if document.sha256 else None)
    assert artifacts[0]["mimeType"] == "image/jpeg"


def test_run_properties_record_kit_register_and_scan_date() -> None:
    properties = _log(factory.full_report(is_example=True))["runs"][0]["properties"]
    assert properties["onDate"] == "2026-11-23"
    assert properties["scannedAt"] == "2026-11-23T09:30:00Z"
    assert properties["kit"]["sha256"] == "a" * 64
    assert properties["register"] == {**factory.REGISTER, "is_example": True}


@pytest.mark.parametrize(("path", "uri"), [
    ("brochures/prospectus.pdf", "brochures/prospectus.pdf"),
    ("my files/flyer 1.pdf", "my%20files/flyer%201.pdf"),
    ("c:odd.pdf", "c%3Aodd.pdf"),
    ("100%.png", "100%25.png"),
    ("../up/a#b?.pdf", "../up/a%23b%3F.pdf"),
    ("/srv/scans/x.pdf", "file:///srv/scans/x.pdf"),
    ("café.png", "caf%C3%A9.png"),
    ("bad-\udcff.pdf", "bad-%FF.pdf"),
])
def test_artifact_uris_are_percent_encoded_references(path: str, uri: str) -> None:
    assert sarif.artifact_uri(path) == uri


def test_a_finding_of_an_unknown_rule_still_gets_a_rule_descriptor() -> None:
    document = factory.pdf_document()
    odd = replace(document, findings=(replace(document.findings[0], rule="future-rule"),))
    log = _log(factory.report([odd]))
    check_sarif_2_1_0(log)
    assert log["runs"][0]["tool"]["driver"]["rules"][-1]["id"] == "future-rule"


def test_the_same_report_gives_the_same_bytes() -> None:
    assert reports.render_bytes(factory.full_report(), "sarif") == reports.render_bytes(factory.full_report(), "sarif")
