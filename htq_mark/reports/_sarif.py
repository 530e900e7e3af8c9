"""The SARIF 2.1.0 report, for code-scanning and review tools.

One run. Its driver lists every rule with a stable id (the rule name, such as
``too-small``), a short and a full description, help text with the fix, and a
default level. Each finding is a result with that rule id, a level (error ->
``error``, warning -> ``warning``, info -> ``note``), the message and fix, and a
partial fingerprint that stays the same while the finding does.

Locations: SARIF speaks of lines and columns, documents have pages. Tools that
ingest SARIF need a physical location, so each result points at the file
(``artifactLocation``, a relative URI when the path given was relative) with
``region.startLine`` set to the **page number**; the exact page and box (in the
page's unit, origin top-left) are in the result's ``properties`` as ``page`` and
``bbox``.

Files that could not be read are ``toolExecutionNotifications`` of the run's
invocation with level ``error`` (and ``executionSuccessful`` is then false);
each document note (a part that could not be read, a file valid as more than
one format, a symbolic link not followed) is a notification whose descriptor id
is the note's code and whose level is its severity (``warning`` or ``note``). Every input is an artifact with its SHA-256, and
``run.properties`` records the kit, the register and the scan date.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import quote

from .._catalogue import DOCUMENT_ERRORS, NOTE_CODES, RULES, ErrorCode, Severity
from ..scanner._baseline import fingerprint
from ..scanner._sniff import MEDIA_TYPES
from ._order import findings_in_order
from ._json import dumps_json

if TYPE_CHECKING:
    from ..scanner._results import DocumentResult, Finding, ScanReport

__all__ = ["FINGERPRINT_KEY", "SARIF_SCHEMA", "SARIF_VERSION", "artifact_uri", "fingerprint", "render",
           "sarif_log"]

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
#: The name of the partial fingerprint; bump the suffix if its recipe ever changes.
FINGERPRINT_KEY = "htqMarkFinding/v2"

_LEVELS: Mapping[str, str] = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
#: Every notification the run can hold: unreadable files (errors) and each document note's code.
_NOTIFICATIONS: Mapping[str, str] = {**{code.value: text for code, text in DOCUMENT_ERRORS.items()},
                                     **{code: text for code, (_, text) in NOTE_CODES.items()}}


class _Writer(Protocol):
    def write(self, text: str, /) -> object: ...


def render(report: ScanReport, fp: _Writer) -> None:
    """Write ``report`` as a SARIF 2.1.0 log to the text stream ``fp``."""
    fp.write(dumps_json(sarif_log(report)))


def level(severity: str) -> str:
    """The SARIF level of a finding's severity."""
    return _LEVELS.get(severity, "warning")


def artifact_uri(path: str) -> str:
    """``path`` as a URI reference: relative stays relative, absolute becomes ``file://``.

    Every character that is not plainly safe is percent-encoded (``:`` too, so a
    relative name can never read as a URI scheme); a file name that is not valid
    UTF-8 is encoded byte for byte. A web page's URL is its own URI.
    """
    if path[:8].lower().startswith(("http://", "https://")):
        return quote(path, safe=":/?#[]@!$&'()*+,;=%~", errors="surrogateescape")
    encoded = quote(path, safe="/", errors="surrogateescape")
    return f"file://{encoded}" if path.startswith("/") else encoded


def sarif_log(report: ScanReport) -> dict[str, Any]:
    """The whole SARIF log of ``report`` as a JSON-ready dict."""
    rules = _rules_in(report)
    rule_index = {rule: index for index, rule in enumerate(rules)}
    results: list[dict[str, Any]] = []
    notifications: list[dict[str, Any]] = []
    for index, document in enumerate(report.documents):
        results.extend(_results(document, index, rule_index))
        notifications.extend(_notifications(document, index))
    unreadable = any(document.status == "error" for document in report.documents)
    run: dict[str, Any] = {
        "tool": {"driver": {
            "name": "htq-mark",
            "version": report.generator_version,
            "semanticVersion": report.generator_version,
            "rules": [_rule_descriptor(rule) for rule in rules],
            "notifications": [{"id": code, "shortDescription": {"text": text}}
                              for code, text in _NOTIFICATIONS.items()],
        }},
        "invocations": [{"executionSuccessful": not unreadable,
                         "toolExecutionNotifications": notifications}],
        "artifacts": [_artifact(document) for document in report.documents],
        "results": results,
        "columnKind": "unicodeCodePoints",
        "properties": {
            "onDate": report.on_date,
            "scannedAt": report.scanned_at or None,
            "kit": dict(report.kit),
            "register": dict(report.register),
            **({} if report.settings is None else {"settings": report.settings.to_dict()}),
            "summary": report.summary,
            "locations": "region.startLine is the page number; properties.page and properties.bbox "
                         "give the exact page and box ([x0, y0, x1, y1], page units, origin top-left).",
        },
    }
    return {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [run]}


def _results(document: DocumentResult, index: int, rule_index: Mapping[str, int]) -> list[dict[str, Any]]:
    """The results of one document: its findings, then those a baseline already had, marked as suppressed."""
    results = [_result(document, index, finding, rule_index) for finding in findings_in_order(document)]
    # Findings a baseline already had stay in the log, marked as suppressed (code scanning hides them).
    results.extend({**_result(document, index, finding, rule_index),
                    "suppressions": [{"kind": "external", "justification": "in the baseline"}]}
                   for finding in document.suppressed)
    return results


def _rules_in(report: ScanReport) -> list[str]:
    """Every known rule, then any other rule a finding names (from a newer version's report), so ruleIndex
    stays valid."""
    known = list(RULES)
    extra = sorted({f.rule for d in report.documents for f in (*d.findings, *d.suppressed)} - set(known))
    return known + extra


def _rule_descriptor(rule_id: str) -> dict[str, Any]:
    known = RULES.get(rule_id)
    if known is not None:
        title, meaning, advice, severity = known.title, known.meaning, known.help, known.severity
    else:  # a rule this version does not describe (a newer version's report): its findings say it all
        title, meaning, advice = rule_id, "A finding of a rule this version does not describe.", \
            "See the finding's message and fix."
        severity = Severity.WARNING
    return {
        "id": rule_id,
        "name": "".join(part.capitalize() for part in rule_id.split("-")),
        "shortDescription": {"text": title},
        "fullDescription": {"text": meaning},
        "help": {"text": f"{meaning} Fix: {advice}",
                 "markdown": f"{meaning}\n\n**Fix:** {advice}"},
        "defaultConfiguration": {"level": level(severity)},
        "properties": {"tags": ["htq-mark", "brand"]},
    }


def _location(document: DocumentResult, index: int, page: int | None = None) -> dict[str, Any]:
    physical: dict[str, Any] = {"artifactLocation": {"uri": artifact_uri(document.path), "index": index}}
    if page is not None:
        physical["region"] = {"startLine": max(1, page)}
    return {"physicalLocation": physical}


def _result(document: DocumentResult, index: int, finding: Finding, rule_index: Mapping[str, int]) -> dict[str, Any]:
    message = finding.message if not finding.fix else f"{finding.message} Fix: {finding.fix}"
    properties: dict[str, Any] = {"page": finding.page,
                                  "bbox": None if finding.bbox is None else [round(float(v), 2) for v in finding.bbox],
                                  "mark": finding.mark, "severity": finding.severity, "fix": finding.fix,
                                  "details": dict(finding.details)}
    return {
        "ruleId": finding.rule,
        "ruleIndex": rule_index[finding.rule],
        "level": level(finding.severity),
        "message": {"text": message},
        "locations": [_location(document, index, finding.page)],
        "partialFingerprints": {FINGERPRINT_KEY: fingerprint(document.path, finding)},
        "properties": properties,
    }


def _notifications(document: DocumentResult, index: int) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    if document.status == "error":
        code = document.error.code if document.error is not None else ErrorCode.UNREADABLE
        message = document.error.message if document.error is not None else "the file could not be read."
        found.append({"level": "error", "message": {"text": message}, "descriptor": {"id": code},
                      "locations": [_location(document, index)]})
    found.extend({"level": level(note.severity), "message": {"text": note.message}, "descriptor": {"id": note.code},
                  "locations": [_location(document, index, note.page)], "properties": {"code": note.code}}
                 for note in document.notes)
    return found


def _artifact(document: DocumentResult) -> dict[str, Any]:
    artifact: dict[str, Any] = {"location": {"uri": artifact_uri(document.path)}, "roles": ["analysisTarget"]}
    if document.type in MEDIA_TYPES:
        artifact["mimeType"] = MEDIA_TYPES[document.type]
    if document.sha256:
        artifact["hashes"] = {"sha-256": document.sha256}
    return artifact
