"""The register of approved HTQs and the entitlement check."""

from __future__ import annotations

import hashlib
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from .._catalogue import Severity
from .._dates import as_day
from ..errors import MalformedQualificationIdError, RegisterProblem, RegisterValidationError, UsageError
from ._entitlement import (
    Entitlement,
    Reason,
    check_character_reason,
    not_on_register_reason,
    reasons_for,
)
from ._canonical_csv import records_to_csv
from ._provenance import RegisterProvenance
from ._qualification_id import parse_qualification_id
from ._record import QualificationRecord
from ._validation import record_problems

__all__ = ["Register"]

_ONE_DAY = timedelta(days=1)
# Decisions are remembered per date so that repeated checks (the same QN on
# every page of a brochure, a bulk file) cost a dictionary lookup. The memo is
# private to one register and bounded (a few tens of MB at most); results are
# immutable, so handing out the same object again is safe.
_MEMO_DATES = 2
_MEMO_ENTRIES_PER_DATE = 250_000


@dataclass(frozen=True)
class _Interval:
    entitled: bool
    reasons: tuple[Reason, ...]


@dataclass(frozen=True)
class _Decision:
    """A record's answer for every date, precomputed: the dates where it changes."""

    record: QualificationRecord
    boundaries: tuple[date, ...]
    intervals: tuple[_Interval, ...]

    @classmethod
    def for_record(cls, record: QualificationRecord, check_character_ok: bool | None,
                   unchecked_in: str | None = None) -> _Decision:
        changes = {record.approval_date, record.first_teaching_date}
        if record.withdrawal_date is not None:
            changes.add(record.withdrawal_date)
        if record.regulated_end_date is not None and record.regulated_end_date < date.max:  # date.max: no end
            changes.add(record.regulated_end_date + _ONE_DAY)
        boundaries = tuple(sorted(changes))
        # Each interval is decided by the one rule function, at a date inside it (none is before date.min).
        samples = (boundaries[0] - _ONE_DAY if boundaries[0] > date.min else boundaries[0], *boundaries)
        intervals = tuple(_Interval(*reasons_for(record, day, check_character_ok, unchecked_in))
                          for day in samples)
        return cls(record, boundaries, intervals)

    def on(self, day: date) -> _Interval:
        return self.intervals[bisect_right(self.boundaries, day)]


class Register:
    """The approved HTQs, indexed for fast entitlement checks.

    Build one with :func:`~htq_mark.register.load_register`,
    :func:`~htq_mark.register.default_register` or :meth:`from_records`. A
    register does not change once built; :meth:`check` does no I/O.
    """

    def __init__(self, records: Iterable[QualificationRecord], provenance: RegisterProvenance,
                 *, warnings: Iterable[RegisterProblem] = (), source_files: Iterable[str] = ()) -> None:
        self._records = tuple(records)
        self._provenance = provenance
        self._warnings = tuple(warnings)
        self._source_files = tuple(source_files)
        self._decisions: dict[str, _Decision] = {}
        ofqual = provenance.ofqual
        for record in self._records:
            qid = parse_qualification_id(record.qualification_id)
            if qid.canonical != record.qualification_id:
                raise UsageError(f"{record.qualification_id!r} is not in canonical form "
                                 f"({qid.canonical}); build records with normalised IDs.")
            if qid.canonical in self._decisions:
                raise UsageError(f"{qid.canonical} is in the records twice; "
                                 "a register lists each qualification once.")
            # Ofqual data applied that does not list an Ofqual-numbered record left its status as it was.
            unchecked_in = ofqual.source if ofqual is not None and record.scheme == "ofqual" \
                and record.regulated_status is None else None
            decision = _Decision.for_record(record, qid.check_character_ok, unchecked_in)
            for spelling in _common_spellings(qid.canonical):
                self._decisions[spelling] = decision
        self._memo: dict[date, dict[str, Entitlement]] = {}

    @classmethod
    def from_records(cls, records: Iterable[QualificationRecord], *,
                     source: str = "(built in memory)", as_of: date | None = None,
                     is_example: bool = False) -> Register:
        """A register of ``records``; its sha256 is that of their canonical CSV export.

        Raises :class:`~htq_mark.errors.RegisterValidationError` listing what a register file
        with the same rows would be refused for (numbering the records from 1).
        """
        kept = tuple(records)
        problems = [problem for number, record in enumerate(kept, start=1)
                    for problem in record_problems(record, source, number)]
        if problems:
            raise RegisterValidationError(source, problems, what="the records")
        provenance = RegisterProvenance(
            source=source, sha256=hashlib.sha256(records_to_csv(kept)).hexdigest(),
            as_of=as_of if as_of is not None else date.today(), rows=len(kept),
            is_example=is_example,
        )
        return cls(kept, provenance)

    @property
    def provenance(self) -> RegisterProvenance:
        """Where the register came from: source, sha256, as-of date, rows, example or not."""
        return self._provenance

    @property
    def source_files(self) -> tuple[str, ...]:
        """The files the register was read from (its own, and the Ofqual data applied); empty for one
        built in memory or read from bytes. Writing a register or artwork never replaces one of them."""
        return self._source_files

    @property
    def records(self) -> tuple[QualificationRecord, ...]:
        """Every record, in file order."""
        return self._records

    @property
    def warnings(self) -> tuple[RegisterProblem, ...]:
        """Problems found on loading that did not stop it (e.g. repeated identical rows)."""
        return self._warnings

    def __len__(self) -> int:
        return len(self._records)

    def __iter__(self) -> Iterator[QualificationRecord]:
        return iter(self._records)

    def __contains__(self, qualification_id: object) -> bool:
        return isinstance(qualification_id, str) and self.get(qualification_id) is not None

    def __repr__(self) -> str:
        return f"<Register {self._provenance.source!r}: {len(self)} records>"

    def get(self, qualification_id: str) -> QualificationRecord | None:
        """The record for an ID in any accepted spelling, or ``None`` (also for malformed IDs)."""
        decision = self._find(qualification_id)
        return decision.record if decision is not None else None

    def _find(self, qualification_id: str) -> _Decision | None:
        decision = self._decisions.get(qualification_id)
        if decision is None:
            try:
                canonical = parse_qualification_id(qualification_id).canonical
            except MalformedQualificationIdError:
                return None
            decision = self._decisions.get(canonical)
        return decision

    def check(self, qualification_id: str, on: date | str) -> Entitlement:
        """Is ``qualification_id`` entitled to the mark on ``on``? With every reason.

        Any accepted spelling works. A malformed ID is not an error: the result
        is not entitled with reason ``malformed-id``. A ``datetime`` counts as its
        date, and text in the form ``YYYY-MM-DD`` as the date it names. Raises
        :class:`~htq_mark.errors.UsageError` if ``on`` is none of these.
        """
        if type(on) is not date:
            on = as_day(on, "the date")
        by_id = self._memo.get(on)
        if by_id is None:
            if len(self._memo) >= _MEMO_DATES:
                self._memo.clear()
            by_id = self._memo[on] = {}
        try:
            result = by_id.get(qualification_id)
        except TypeError:  # unhashable
            result = None
        if result is None:
            result = self._decide(qualification_id, on)
            if len(by_id) >= _MEMO_ENTRIES_PER_DATE:
                by_id.clear()
            by_id[qualification_id] = result
        return result

    def _decide(self, qualification_id: str, on: date) -> Entitlement:
        if not isinstance(qualification_id, str):
            raise UsageError(f"{qualification_id!r} is not text; pass the qualification "
                             "ID as a string such as '603/7595/4'.")
        decision = self._decisions.get(qualification_id)
        if decision is None:
            try:
                qid = parse_qualification_id(qualification_id)
            except MalformedQualificationIdError as exc:
                return Entitlement(qualification_id, None, False, on, None,
                                   (Reason("malformed-id", Severity.ERROR, str(exc)),), self._provenance)
            decision = self._decisions.get(qid.canonical)
            if decision is None:
                reasons = [not_on_register_reason(qid.canonical, self._provenance)]
                if qid.check_character_ok is False:
                    reasons.append(check_character_reason(qid))
                return Entitlement(qualification_id, qid.canonical, False, on, None,
                                   tuple(reasons), self._provenance)
        interval = decision.on(on)
        return Entitlement(qualification_id, decision.record.qualification_id, interval.entitled,
                           on, decision.record, interval.reasons, self._provenance)


def _common_spellings(canonical: str) -> tuple[str, ...]:
    """The spellings looked up directly, before falling back to parsing."""
    if ":" in canonical:
        return (canonical,)
    compact = canonical.replace("/", "")
    spellings = [canonical, compact]
    if canonical.endswith("X"):
        spellings += [canonical[:-1] + "x", compact[:-1] + "x"]
    return tuple(spellings)


