"""What one document's scan carries from page to page: its judging inputs and what it has gathered."""

from __future__ import annotations

import datetime
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .._dates import as_day
from ..errors import ScanTimeoutError
from ._limits import Limits
from ._ocr import OcrMode
from ._results import Finding, Mark, Note, PageImage, PageInfo

if TYPE_CHECKING:
    from ..kit import Kit
    from ..register import Register
    from ._detect import References

__all__ = ["Collected", "ScanContext", "scan_date"]


@dataclass
class Collected:
    """What the page loop gathers for one document."""

    pages: list[PageInfo] = field(default_factory=list)
    marks: list[Mark] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    images: list[PageImage] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)

    def next_mark_id(self) -> str:
        return f"m{len(self.marks) + 1}"


@dataclass(frozen=True)
class ScanContext:
    """The judging inputs shared by every page of a document."""

    name: str
    kit: Kit
    register: Register
    on: datetime.date
    references: References
    limits: Limits
    thumbnails: bool
    ocr: OcrMode
    deadline: float  # time.perf_counter() value past which the document is stopped

    def check_time(self) -> None:
        """Stop the document (as ``timeout``) once its time limit has passed."""
        if time.perf_counter() > self.deadline:
            raise ScanTimeoutError(self.name, f"scanning took longer than the {self.limits.max_seconds:g} s limit "
                                              "and was stopped; raise limits.max_seconds or split the document.")


def scan_date(on: datetime.date | str | None) -> datetime.date:
    """The date findings are judged on: ``on`` as a date (a ``YYYY-MM-DD`` string is parsed), or today."""
    return datetime.date.today() if on is None else as_day(on, "the scan date")
