"""The order reports list things in: the worst first, otherwise as scanned."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from .._catalogue import Severity

if TYPE_CHECKING:
    from ..scanner._results import DocumentResult, Finding

__all__ = ["SEVERITIES", "document_rank", "documents_worst_first", "findings_in_order"]

#: Severities from the worst down.
SEVERITIES: tuple[Severity, ...] = tuple(Severity)


def document_rank(document: DocumentResult) -> int:
    """0 for a failing document (an error finding, or unreadable), then 1 warning, 2 info, 3 clean."""
    if document.status == "error":
        return 0
    return min((f.severity.rank for f in document.findings), default=len(SEVERITIES))


def documents_worst_first(documents: Sequence[DocumentResult]) -> Sequence[DocumentResult]:
    """Failing documents first; a stable sort, so equals keep the scan's order.

    Documents held in memory are sorted; others (read from disk as a report is
    written) are read once per rank instead, so they are never all held at once.
    """
    if isinstance(documents, (list, tuple)):
        return sorted(documents, key=document_rank)
    return _InRankOrder(documents)


class _InRankOrder(Sequence["DocumentResult"]):
    """``documents`` worst first, read again for each rank."""

    def __init__(self, documents: Sequence[DocumentResult]) -> None:
        self.documents = documents

    def __len__(self) -> int:
        return len(self.documents)

    def __iter__(self) -> Iterator[DocumentResult]:
        for rank in range(len(SEVERITIES) + 1):
            yield from (document for document in self.documents if document_rank(document) == rank)

    def __getitem__(self, index: Any) -> Any:
        return list(self)[index]


def findings_in_order(document: DocumentResult) -> list[Finding]:
    """A document's findings by page, then severity (worst first), then as found."""
    return sorted(document.findings, key=lambda f: (f.page, f.severity.rank))
