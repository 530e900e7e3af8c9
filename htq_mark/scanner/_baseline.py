"""Baselines: leave out the findings an earlier report already had, so only new ones count.

A finding is known by its fingerprint: a hash of the document's path, the rule,
the page and the box rounded to whole page units (the same fingerprint the SARIF
report gives code-scanning tools). Suppressed findings are kept in the report,
listed and counted apart, never silently dropped.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
from collections.abc import Mapping
from dataclasses import dataclass

from ..errors import UsageError
from ._results import BOX_PLACES, DocumentResult, Finding, ScanReport, ScanSettings

__all__ = ["BaselinePaths", "apply_baseline", "fingerprint", "fingerprints", "suppress_known",
           "unmatched_baseline_warning", "unsuppressed", "unsuppressed_document"]


def _same_path(path: str) -> str:
    """``path`` as it is however it was typed (``./docs//a.pdf`` is ``docs/a.pdf``); URLs and names kept."""
    if "://" in path or path.startswith("<") or path == "-":
        return path
    return os.path.normpath(path)


def fingerprint(path: str, finding: Finding) -> str:
    """A stable hash of the file, rule, page and box rounded to whole page units.

    The box is first rounded as reports write it (to 2 places), so a finding has the same
    fingerprint as scanned and as read back from its report: rounded once, an edge at 155.4984
    came to 155 as scanned and, written as 155.5, to 156 as read back, and a baseline missed it.
    """
    box = "-" if finding.bbox is None else ",".join(str(round(round(float(v), BOX_PLACES))) for v in finding.bbox)
    key = "\0".join((_same_path(path), finding.rule, str(finding.page), box))
    try:
        encoded = key.encode("utf-8", "surrogateescape")  # a file name that is not UTF-8, byte for byte
    except UnicodeEncodeError:  # a lone surrogate no file system gives (from a baseline file made by hand)
        encoded = key.encode("utf-8", "surrogatepass")
    return hashlib.sha256(encoded).hexdigest()


def fingerprints(report: ScanReport) -> frozenset[str]:
    """The fingerprints of every finding in ``report``, suppressed ones included."""
    return frozenset(fingerprint(document.path, finding) for document in report.documents
                     for finding in (*document.findings, *document.suppressed))


@dataclass(frozen=True)
class BaselinePaths:
    """The documents a baseline holds findings of, named as fingerprints name them, by file name (each path
    with its document's sha256, when the baseline records one)."""

    by_name: Mapping[str, Mapping[str, str | None]]

    @classmethod
    def of(cls, baseline: ScanReport) -> BaselinePaths:
        grouped: dict[str, dict[str, str | None]] = {}
        for document in baseline.documents:
            if document.findings or document.suppressed:
                path = _same_path(document.path)
                grouped.setdefault(_file_name(path), {})[path] = document.sha256
        return cls(grouped)

    def names(self, path: str) -> bool:
        """Whether the baseline names the document scanned at ``path``."""
        same = _same_path(path)
        return same in self.by_name.get(_file_name(same), {})

    def respelling(self, path: str, sha256: str | None = None) -> str | None:
        """A path of the baseline that may name the document at ``path`` (whose content has ``sha256``) written
        otherwise (absolute, or from another folder): the same file name, the folders of one ending the other's,
        and the same content where both are known. None if there is none (a document new since the baseline)."""
        same = _same_path(path)
        parts = _parts(same)
        for named, content in sorted(self.by_name.get(_file_name(same), {}).items()):
            other = _parts(named)
            shorter, longer = sorted((parts, other), key=len)
            ends_alike = longer[len(longer) - len(shorter):] == shorter
            if ends_alike and (sha256 is None or content is None or content == sha256):
                return named
        return None


def _file_name(path: str) -> str:
    return path.rstrip("/").rsplit("/", 1)[-1]


def _parts(path: str) -> tuple[str, ...]:
    return tuple(part for part in path.split("/") if part not in ("", "."))


def unmatched_baseline_warning(named: str, scanned: str) -> str:
    """What to say when a baseline names none of the documents scanned but names ``named``, which may be the
    document scanned at ``scanned`` given otherwise than when the baseline was made (from another folder, with
    ``./`` or absolute), so it could suppress nothing."""
    return (f"the baseline names none of the documents scanned, so it suppressed nothing: it names each document "
            f"by the path given when it was made ({named}, which may be {scanned} here). Scan from the folder it "
            "was made in, with the same paths.")


def suppress_known(document: DocumentResult, known: frozenset[str]) -> DocumentResult:
    """``document`` with the findings whose fingerprints are ``known`` moved to its ``suppressed``."""
    new = tuple(f for f in document.findings if fingerprint(document.path, f) not in known)
    old = tuple(f for f in document.findings if fingerprint(document.path, f) in known)
    return dataclasses.replace(document, findings=new, suppressed=document.suppressed + old)


def apply_baseline(report: ScanReport, baseline: ScanReport, *, name: str | None = None) -> ScanReport:
    """``report`` with the findings ``baseline`` has moved to each document's ``suppressed``.

    Its settings record the baseline as ``name`` (its file, say), by default as
    the scan it comes from.
    """
    for given, what in ((report, "report"), (baseline, "baseline")):
        if not isinstance(given, ScanReport):
            raise UsageError(f"apply_baseline takes the {what} as a ScanReport (from scan, or load_report), "
                             f"not {type(given).__name__}.")
    known = fingerprints(baseline)
    called = name or f"scanned at {baseline.scanned_at or baseline.on_date}"
    return dataclasses.replace(report, documents=tuple(suppress_known(d, known) for d in report.documents),
                               settings=_with_baseline(report, called))


def unsuppressed(report: ScanReport) -> ScanReport:
    """``report`` with its suppressed findings counted as findings again (what a new baseline holds)."""
    return dataclasses.replace(report, documents=tuple(unsuppressed_document(d) for d in report.documents),
                               settings=_with_baseline(report, None))


def _with_baseline(report: ScanReport, baseline: str | None) -> ScanSettings | None:
    """``report``'s settings naming ``baseline`` as the one applied (None: none); None if it records none."""
    return None if report.settings is None else dataclasses.replace(report.settings, baseline=baseline)


def unsuppressed_document(document: DocumentResult) -> DocumentResult:
    """``document`` with its suppressed findings counted as findings again."""
    return dataclasses.replace(document, findings=document.findings + document.suppressed, suppressed=())
