"""Writing a report while the scan's documents arrive, in memory that does not grow with their number.

Each document is put in a :class:`~._spool.Spool` on disk as it comes; the
report is written when the scan ends, reading the documents back. The JSON and
SARIF documents are written piece by piece (their lists of documents, results,
artifacts and notifications one entry at a time, never built whole); text, JUnit
and HTML are rendered by their own modules from the spool, read once or more. The
bytes are those :func:`htq_mark.reports.render` gives for the same report.
"""

from __future__ import annotations

import dataclasses
import io
import json as _json
import secrets
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import IO, TYPE_CHECKING, Any, Protocol

from ..errors import UsageError
from ..scanner._results import DocumentResult, ScanReport, ScanSettings
from . import _sarif as sarif
from ._json import dumps_json
from ._render import FORMATS, render
from ._spool import Spool

if TYPE_CHECKING:
    import os

__all__ = ["ReportWriter"]


def _placeholder() -> str:
    """A string that stands for a list's entries, written one at a time; unguessable, so no report holds it."""
    return f"\u0000htq-mark:{secrets.token_hex(16)}\u0000"


class _Writer(Protocol):
    def write(self, text: str, /) -> object: ...


class _Provenance(Protocol):
    """What a report says about how its documents were judged (a ScanStream, or a ScanReport); only read."""

    @property
    def generator_version(self) -> str: ...
    @property
    def on_date(self) -> str: ...
    @property
    def kit(self) -> Mapping[str, Any]: ...
    @property
    def register(self) -> Mapping[str, Any]: ...
    @property
    def scanned_at(self) -> str: ...
    @property
    def settings(self) -> ScanSettings | None: ...


_PROVENANCE = tuple(name for name, member in vars(_Provenance).items() if isinstance(member, property))


class ReportWriter:
    """A report in ``format`` written from documents added one at a time, kept on disk meanwhile.

    ::

        with htq_mark.scan_iter(paths) as stream, reports.ReportWriter("json") as writer:
            for document in stream:
                writer.add(document)
            writer.write(stream, sys.stdout)

    ``verbose`` and ``quiet`` shape the text report as for
    :func:`~htq_mark.reports.render`. ``folder`` is where the documents wait
    (default: the temporary folder). :meth:`report` is the
    :class:`~htq_mark.scanner.ScanReport` of what was added, its documents read
    from disk when asked for.
    """

    def __init__(self, format: str = "text", *, verbose: bool = False, quiet: bool = False,
                 folder: str | os.PathLike[str] | None = None) -> None:
        if format not in FORMATS:
            raise UsageError(f"unknown report format {format!r}; choose one of {', '.join(FORMATS)}.")
        self.format, self.verbose, self.quiet = format, verbose, quiet
        self.documents = Spool(folder)

    def add(self, document: DocumentResult) -> None:
        """Add the next document (in the order the report lists them)."""
        if not isinstance(document, DocumentResult):
            raise UsageError(f"ReportWriter.add takes a DocumentResult (one of a ScanStream's documents, or of a "
                             f"ScanReport's), not {type(document).__name__}.")
        self.documents.append(document)

    def report(self, provenance: _Provenance) -> ScanReport:
        """The report of the documents added, judged as ``provenance`` (a ScanStream or a ScanReport) says."""
        missing = [name for name in _PROVENANCE if not hasattr(provenance, name)]
        if missing:
            raise UsageError(f"a ReportWriter's report takes the ScanStream or ScanReport the documents come "
                             f"from, not {type(provenance).__name__} (it has no {', '.join(missing)}).")
        return ScanReport(generator_version=provenance.generator_version, on_date=provenance.on_date,
                          kit=provenance.kit, register=provenance.register,
                          documents=self.documents,  # type: ignore[arg-type]  # read from disk, not a tuple
                          scanned_at=provenance.scanned_at, settings=provenance.settings)

    def write(self, provenance: _Provenance, fp: _Writer) -> None:
        """Write the report of the documents added to the text stream ``fp``."""
        report = self.report(provenance)
        if self.format == "json":
            _write_json(report, fp)
        elif self.format == "sarif":
            _write_sarif(report, fp)
        else:
            render(report, fp, self.format, verbose=self.verbose, quiet=self.quiet)

    def write_bytes(self, provenance: _Provenance, handle: IO[bytes]) -> None:
        """Write the report as UTF-8 to the binary file ``handle``."""
        text = io.TextIOWrapper(handle, encoding="utf-8", newline="\n", write_through=True)
        try:
            self.write(provenance, text)
            text.flush()
        finally:
            text.detach()

    def close(self) -> None:
        """Delete the documents kept on disk."""
        self.documents.close()

    def __enter__(self) -> ReportWriter:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def _write_spliced(data: Any, placeholder: str, entries: Sequence[Callable[[], Iterable[Any]]],
                   fp: _Writer) -> None:
    """``dumps_json(data)``, with each list holding ``placeholder`` (in order) holding ``entries()`` instead.

    ``json.dumps`` indents by nesting alone, so an entry serialised on its own and
    indented like the placeholder is what it would have been in place.
    """
    text = dumps_json(data)
    placeholder = _json.dumps(placeholder)
    position = 0
    for entries_of in entries:
        at = text.index(placeholder, position)
        line = text.rindex("\n", 0, at) + 1
        indent = text[line:at]
        fp.write(text[position:line])
        separator = ""
        for entry in entries_of():
            fp.write(separator + indent + dumps_json(entry).rstrip("\n").replace("\n", "\n" + indent))
            separator = ",\n"
        position = at + len(placeholder)
    fp.write(text[position:])


def _write_json(report: ScanReport, fp: _Writer) -> None:
    documents = report.documents
    if not documents:
        fp.write(dumps_json(report.to_dict()))
        return
    data = dataclasses.replace(report, documents=()).to_dict()
    spliced = _placeholder()
    data["documents"] = [spliced]
    data["summary"] = report.summary
    _write_spliced(data, spliced, [lambda: (document.to_dict() for document in documents)], fp)


def _write_sarif(report: ScanReport, fp: _Writer) -> None:
    documents = report.documents
    rules = sarif._rules_in(report)
    rule_index = {rule: index for index, rule in enumerate(rules)}
    log = sarif.sarif_log(dataclasses.replace(report, documents=()))
    spliced = _placeholder()
    run = log["runs"][0]
    run["tool"]["driver"]["rules"] = [sarif._rule_descriptor(rule) for rule in rules]
    invocation = run["invocations"][0]
    invocation["executionSuccessful"] = not any(document.status == "error" for document in documents)
    run["properties"]["summary"] = report.summary
    # Only lists with entries get the placeholder; an empty one stays [] as sarif_log wrote it.
    entries: list[Callable[[], Iterator[Any]]] = []
    if any(document.status == "error" or document.notes for document in documents):
        invocation["toolExecutionNotifications"] = [spliced]
        entries.append(lambda: (entry for index, document in enumerate(documents)
                                for entry in sarif._notifications(document, index)))
    if documents:
        run["artifacts"] = [spliced]
        entries.append(lambda: (sarif._artifact(document) for document in documents))
    if any(document.findings or document.suppressed for document in documents):
        run["results"] = [spliced]
        entries.append(lambda: (entry for index, document in enumerate(documents)
                                for entry in sarif._results(document, index, rule_index)))
    _write_spliced(log, spliced, entries, fp)
