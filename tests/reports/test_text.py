"""The text report: provenance, one line per finding, unreadable files, a summary."""

from __future__ import annotations

import io
import re

import pytest

from htq_mark.reports import _text as text
from htq_mark.scanner._results import ScanReport
from tests.reports import factory


def _lines(report: ScanReport, **options: bool) -> list[str]:
    buffer = io.StringIO()
    text.render(report, buffer, **options)
    output = buffer.getvalue()
    assert output.endswith("\n")
    return output.splitlines()


def test_one_line_per_finding_in_the_path_page_severity_rule_message_form() -> None:
    report = factory.full_report()
    lines = _lines(report)
    expected = [f"{d.path}:{f.page}: {f.severity} {f.rule} {f.message}"
                for d in report.documents for f in d.findings]
    finding_lines = [line for line in lines if re.match(r"^\S+:\d+: (error|warning|info) ", line)]
    assert sorted(finding_lines) == sorted(expected)


def test_findings_are_listed_by_page_then_severity() -> None:
    lines = _lines(factory.report([factory.pdf_document()]))
    found = [line for line in lines if line.startswith("brochures/prospectus.pdf:")]
    pages_and_severities = [(int(line.split(":")[1]), line.split()[1]) for line in found]
    rank = {"error": 0, "warning": 1, "info": 2}
    assert pages_and_severities == sorted(pages_and_severities, key=lambda p: (p[0], rank[p[1]]))
    assert pages_and_severities[0] == (1, "error")


def test_each_fix_follows_its_finding_on_an_indented_line() -> None:
    lines = _lines(factory.report([factory.pdf_document()]))
    index = next(i for i, line in enumerate(lines) if " too-small " in line)
    assert lines[index + 1] == ("    fix: Run htq-mark generate --variant colour --width 25mm --format pdf "
                                "to fix too-small.")
    no_fix = next(i for i, line in enumerate(lines) if " no-qualification " in line)
    assert not lines[no_fix + 1].startswith("    fix:")


@pytest.mark.parametrize("code", factory.ERROR_CODES)
def test_unreadable_files_are_listed_with_their_code_and_message(code: str) -> None:
    lines = _lines(factory.report([factory.error_document(code)]))
    heading = lines.index("Unreadable files (the report is incomplete without them):")
    assert lines[heading + 1] == (f"broken/{code}.pdf: {code}: could not be scanned ({code}); "
                                  "check the file and scan it again.")


def test_the_findings_come_first() -> None:
    lines = _lines(factory.full_report())
    assert lines[0] == "Findings:"
    assert re.match(r"^\S+:\d+: (error|warning|info) ", lines[1])


def test_the_provenance_records_tool_kit_register_and_date_after_the_findings() -> None:
    lines = _lines(factory.full_report())
    start = lines.index("htq-mark 0.1.0 scan report")
    assert start > lines.index("Findings:")
    assert lines[start:start + 4] == [
        "htq-mark 0.1.0 scan report",
        "Scan date: 2026-11-23 (scanned at 2026-11-23T09:30:00Z)",
        f"Kit: htq-mark default kit 1.0.0 (sha256 {'a' * 64})",
        f"Register: embedded, as of 2026-11-01, 123 qualifications (sha256 {'b' * 64})",
    ]


def test_each_input_is_listed_with_its_sha256_when_verbose() -> None:
    report = factory.full_report()
    verbose = _lines(report, verbose=True)
    for document in report.documents:
        assert f"  {document.sha256 or '-' * 64}  {document.path}" in verbose
    assert not any(document.sha256 and document.sha256 in " ".join(_lines(report))
                   for document in report.documents)


def test_quiet_keeps_only_the_findings_and_problems() -> None:
    report = factory.full_report()
    quiet = _lines(report, quiet=True)
    full = _lines(report)
    assert [line for line in quiet if line] == [
        line for line in full[1:full.index("htq-mark 0.1.0 scan report")] if line]
    assert not any(line.startswith("Summary:") for line in quiet)


@pytest.mark.parametrize(("is_example", "warned"), [(True, True), (False, False)])
def test_example_register_data_is_warned_about(is_example: bool, warned: bool) -> None:
    lines = _lines(factory.full_report(is_example=is_example))
    assert (f"WARNING: {text.EXAMPLE_DATA_WARNING}" in lines) is warned


@pytest.mark.parametrize(("report", "summary"), [
    (factory.full_report(), "Summary: 8 documents (5 unreadable), 5 marks; 10 errors, 2 warnings, 1 info."),
    (factory.report([factory.clean_document()]), "Summary: 1 document (0 unreadable), 1 mark; 0 errors, "
                                                 "0 warnings, 0 info."),
    (factory.report([]), "Summary: 0 documents (0 unreadable), 0 marks; 0 errors, 0 warnings, 0 info."),
], ids=["full", "clean", "empty"])
def test_the_summary_counts_documents_marks_and_findings(report: ScanReport, summary: str) -> None:
    lines = _lines(report)
    assert summary in lines
    assert ("No findings." in lines) is (report.summary["findings"] == {"error": 0, "warning": 0, "info": 0})


def test_notes_about_partly_read_documents_are_listed() -> None:
    lines = _lines(factory.hostile_report())
    assert sum(": note: " in line for line in lines) == 2


def test_control_and_bidi_characters_cannot_forge_lines_or_drive_the_terminal() -> None:
    report = factory.hostile_report()
    buffer = io.StringIO()
    text.render(report, buffer)
    output = buffer.getvalue()
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f\u202e\u2028\u2029\ud800-\udfff]", output)
    assert "\\x1b[31m" in output and "\\u202e" in output and "\\udcff" in output and "\\u2028" in output
    assert len(output.splitlines()) == output.count("\n")  # no line breaks but its own
    hostile = report.documents[1]
    finding_lines = [line for line in output.splitlines() if line.startswith("uploads/")]
    assert len(finding_lines) == len(hostile.findings) + len(hostile.notes)
    output.encode("utf-8")  # writable to any UTF-8 stream


def test_the_same_report_gives_the_same_text() -> None:
    assert _lines(factory.full_report()) == _lines(factory.full_report())
