"""The JUnit XML report, for CI systems that show test results.

One ``testsuite`` for the scan; one ``testcase`` per document (its path is the
name), counted as failed when it has findings; one ``failure`` per finding
(``type`` is the rule, the message says the severity, page and what is wrong,
the body gives the fix); an ``error`` for a
document that could not be read. The kit, register and scan date are the
suite's properties. Valid against the common JUnit schema (the one Jenkins
publishes); every string is shown with control characters escaped.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Protocol
from xml.sax.saxutils import escape, quoteattr

from ._order import findings_in_order
from ._escape import visible

if TYPE_CHECKING:
    from ..scanner._results import DocumentResult, ScanReport

__all__ = ["render"]

_NOT_XML = re.compile("[\ufffe\uffff]")
_TIMESTAMP = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}")


class _Writer(Protocol):
    def write(self, text: str, /) -> object: ...


def _text(value: object) -> str:
    return escape(_NOT_XML.sub(lambda m: f"\\u{ord(m.group()):04x}", visible(value)))


def _attr(value: object) -> str:
    return quoteattr(_NOT_XML.sub(lambda m: f"\\u{ord(m.group()):04x}", visible(value)))


def _seconds(value: float) -> str:
    return f"{max(0.0, value):.3f}"


def _testcase(document: DocumentResult) -> list[str]:
    opening = (f'    <testcase name={_attr(document.path)} classname="htq-mark.scan" '
               f'time="{_seconds(document.elapsed_s)}"')
    lines: list[str] = []
    for finding in findings_in_order(document):
        message = f"{finding.severity} {finding.rule} on page {finding.page}: {finding.message}"
        body = f"fix: {finding.fix}" if finding.fix else ""
        lines.append(f"      <failure type={_attr(finding.rule)} message={_attr(message)}>{_text(body)}</failure>")
    if document.status == "error":
        code, message = ("unreadable", "the file could not be read.")
        if document.error is not None:
            code, message = document.error.code, document.error.message
        lines.append(f"      <error type={_attr(code)} message={_attr(message)}/>")
    if document.suppressed:  # listed, not failed: the baseline already had them
        listed = "\n".join(_text(f"suppressed by the baseline: {f.severity} {f.rule} on page {f.page}: {f.message}")
                            for f in document.suppressed)  # a line each (escaping would show the breaks as \x0a)
        lines.append(f"      <system-out>{listed}</system-out>")
    if not lines:
        return [opening + "/>"]
    return [opening + ">", *lines, "    </testcase>"]


def render(report: ScanReport, fp: _Writer) -> None:
    """Write ``report`` as JUnit XML to the text stream ``fp``."""
    documents = report.documents
    # Counts of test cases, as JUnit's readers take them (tests - failures - errors passed): a document with
    # findings is one failure however many it has, and one that could not be read is an error.
    errors = sum(document.status == "error" for document in documents)
    failures = sum(document.status != "error" and bool(document.findings) for document in documents)
    elapsed = _seconds(sum(document.elapsed_s for document in documents))
    stamp = _TIMESTAMP.match(report.scanned_at or "")
    timestamp = f' timestamp="{stamp.group()}"' if stamp else ""
    properties = {
        "htq-mark.version": report.generator_version, "on_date": report.on_date,
        "kit": f"{report.kit.get('name')} {report.kit.get('version')} (sha256 {report.kit.get('sha256')})",
        "register": f"{report.register.get('source')} (sha256 {report.register.get('sha256')})",
        "register.is_example": str(bool(report.register.get("is_example"))).lower(),
        "settings": report.describe_settings(),
    }
    fp.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    fp.write(f'<testsuites name="htq-mark" tests="{len(documents)}" failures="{failures}" errors="{errors}" '
             f'time="{elapsed}">\n')
    fp.write(f'  <testsuite name="htq-mark scan" tests="{len(documents)}" failures="{failures}" '
             f'errors="{errors}" skipped="0" time="{elapsed}"{timestamp}>\n')
    fp.write("    <properties>\n")
    for name, value in properties.items():
        fp.write(f"      <property name={_attr(name)} value={_attr(value)}/>\n")
    fp.write("    </properties>\n")
    for document in documents:
        for line in _testcase(document):
            fp.write(line + "\n")
    fp.write("  </testsuite>\n</testsuites>\n")
