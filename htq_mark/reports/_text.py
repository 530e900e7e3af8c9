"""The plain-text report: one line per finding, notes, unreadable files, provenance, a summary.

Each finding is one line, ``path:page: severity rule message``, so it can be
searched and counted with ordinary tools; its fix, where there is one, follows
on an indented ``fix:`` line. Control and bidirectional characters from file
names and documents are shown escaped, so nothing a document holds can forge a
line or drive the terminal. No colour codes.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Protocol

from ._order import SEVERITIES, findings_in_order
from ._escape import visible

if TYPE_CHECKING:
    from ..scanner._results import ScanReport

__all__ = ["EXAMPLE_DATA_WARNING", "render"]

EXAMPLE_DATA_WARNING = (
    "the register is EXAMPLE DATA, not the official register of approved HTQs; "
    "entitlement results are only for trying htq-mark out. Scan again with the real "
    "register (HTQ_MARK_REGISTER=FILE)."
)


class _Writer(Protocol):
    def write(self, text: str, /) -> object: ...


def render(report: ScanReport, fp: _Writer, *, verbose: bool = False, quiet: bool = False) -> None:
    """Write ``report`` as plain text to the text stream ``fp``.

    Findings come first, then notes and unreadable files, then what judged them,
    the inputs and a summary. ``verbose`` adds each input's sha256 and the findings a
    baseline suppressed; ``quiet`` keeps only the findings, notes and unreadable files.
    """
    for line in _lines(report, verbose=verbose, quiet=quiet):
        fp.write(line + "\n")


def _plural(count: int, singular: str, plural: str | None = None) -> str:
    return f"{count} {singular if count == 1 else (plural or singular + 's')}"


def _finding_lines(report: ScanReport, suppressed: bool = False) -> Iterator[str]:
    for document in report.documents:
        chosen = document.suppressed if suppressed else document.findings
        for finding in findings_in_order(document) if not suppressed else chosen:
            yield (f"{visible(document.path)}:{finding.page}: {visible(finding.severity)} "
                   f"{visible(finding.rule)} {visible(finding.message)}")
            if finding.fix and not suppressed:
                yield f"    fix: {visible(finding.fix)}"


def _problem_lines(report: ScanReport) -> Iterator[str]:
    notes = [(document, note) for document in report.documents for note in document.notes]
    if notes:
        yield ""
        yield "Notes:"
    for document, note in notes:
        where = f"{visible(document.path)}:{note.page}" if note.page is not None else visible(document.path)
        yield f"{where}: note: {visible(note.severity)} {visible(note.code)} {visible(note.message)}"

    unreadable = [document for document in report.documents if document.status == "error"]
    if unreadable:
        yield ""
        yield "Unreadable files (the report is incomplete without them):"
    for document in unreadable:
        code, message = ("unreadable", "the file could not be read.")
        if document.error is not None:
            code, message = document.error.code, document.error.message
        # Library messages start with the file's path; don't say it twice.
        message = message.removeprefix(f"{document.path}: ")
        yield f"{visible(document.path)}: {visible(code)}: {visible(message)}"


def _provenance_lines(report: ScanReport, verbose: bool) -> Iterator[str]:
    kit, register = report.kit, report.register
    yield f"htq-mark {visible(report.generator_version)} scan report"
    scanned_at = f" (scanned at {visible(report.scanned_at)})" if report.scanned_at else ""
    yield f"Scan date: {visible(report.on_date)}{scanned_at}"
    yield (f"Kit: {visible(kit.get('name'))} {visible(kit.get('version'))} "
           f"(sha256 {visible(kit.get('sha256'))})")
    yield (f"Register: {visible(register.get('source'))}, as of {visible(register.get('as_of'))}, "
           f"{visible(register.get('qualifications'))} qualifications "
           f"(sha256 {visible(register.get('sha256'))})")
    if register.get("is_example"):
        yield f"WARNING: {EXAMPLE_DATA_WARNING}"
    yield f"Settings: {visible(report.describe_settings())}"
    if report.documents:
        yield ""
        yield "Inputs (sha256, path):" if verbose else "Inputs:"
        for document in report.documents:
            checksum = f"{document.sha256 or '-' * 64}  " if verbose else ""
            yield f"  {checksum}{visible(document.path)}"


def _lines(report: ScanReport, *, verbose: bool = False, quiet: bool = False) -> Iterator[str]:
    findings = list(_finding_lines(report))
    if findings and not quiet:
        yield "Findings:"
    yield from findings
    problems = list(_problem_lines(report))
    yield from (problems[1:] if quiet or not findings else problems)
    if quiet:
        return
    suppressed = sum(len(document.suppressed) for document in report.documents)
    if verbose and suppressed:
        yield ""
        yield "Suppressed (already in the baseline):"
        yield from _finding_lines(report, suppressed=True)
    if findings or problems:
        yield ""
    yield from _provenance_lines(report, verbose)

    summary = report.summary
    counts = summary["findings"]
    yield ""
    yield (f"Summary: {_plural(summary['documents'], 'document')} ({summary['unreadable']} unreadable), "
           f"{_plural(summary['marks'], 'mark')}; "
           + ", ".join(_plural(counts[s], s, "info" if s == "info" else None) for s in SEVERITIES)
           + (f"; {suppressed} suppressed by the baseline" if suppressed else "")
           + ".")
    if not findings:
        yield "No findings."
