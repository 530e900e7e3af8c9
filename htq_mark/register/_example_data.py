"""Generates the example register file, deterministically (no randomness).

Run ``python -m htq_mark.register._example_data`` to rewrite
``htq_mark/register/data/example-register.csv``, or add ``--check`` to verify
that the shipped file matches. See :mod:`htq_mark.register._example` for what
the data is and its well-known entries.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from .._io import write_atomic
from ._example import EXAMPLE_DATA_FILE
from ._export import records_to_csv
from ._qualification_id import ofqual_check_character
from ._record import QualificationRecord
from ._routes import CYCLES, routes_open_in

__all__ = ["build_example_records", "example_register_csv", "main"]

# --- the fictional data -------------------------------------------------------

_SUBJECTS: dict[str, tuple[tuple[str, str], ...]] = {
    "Agriculture, environmental and animal care": (
        ("Agriculture and Land Management", "ST0089"), ("Animal Management", "ST0701"),
        ("Environmental Conservation", "ST0460")),
    "Business and administration": (
        ("Business Management", "ST0384"), ("Project Management", "ST0310"),
        ("Human Resources Practice", "ST0239"), ("Operations Management", "ST0385")),
    "Care services": (
        ("Adult Care Leadership", "ST0006"), ("Social Care Practice", "ST0007")),
    "Catering and hospitality": (
        ("Hospitality Management", "ST0230"), ("Professional Culinary Arts", "ST0229")),
    "Construction and the built environment": (
        ("Construction Site Supervision", "ST0047"), ("Building Services Engineering", "ST0049"),
        ("Civil Engineering", "ST0051"), ("Surveying", "ST0253"),
        ("Architectural Technology", "ST0280")),
    "Creative and design": (
        ("Graphic Design", "ST0370"), ("Creative Media Production", "ST0545"),
        ("Fashion and Textiles", "ST0411")),
    "Digital": (
        ("Software Development", "ST0116"), ("Network Engineering", "ST0125"),
        ("Cyber Security", "ST0119"), ("Data Analysis", "ST0118"),
        ("Cloud Infrastructure", "ST0483"), ("Digital Support", "ST0117")),
    "Education and early years": (
        ("Early Years Practice", "ST0135"), ("Teaching Assistant Practice", "ST0454"),
        ("Learning and Skills Assessment", "ST0148")),
    "Engineering and manufacturing": (
        ("Mechatronics", "ST0457"), ("Electrical and Electronic Engineering", "ST0153"),
        ("Manufacturing Engineering", "ST0025"), ("Maintenance Engineering", "ST0152")),
    "Hair and beauty": (
        ("Beauty Therapy Management", "ST0210"), ("Hair Salon Management", "ST0213")),
    "Health and science": (
        ("Healthcare Practice", "ST0217"), ("Laboratory Science", "ST0626"),
        ("Dental Technology", "ST0388"), ("Pharmacy Services", "ST0300")),
    "Legal, finance and accounting": (
        ("Accounting", "ST0002"), ("Paralegal Practice", "ST0254"),
        ("Financial Services", "ST0160"), ("Insurance Practice", "ST0244")),
    "Protective services": (
        ("Policing Studies", "ST0318"), ("Fire Safety Practice", "ST0471")),
    "Sales, marketing and procurement": (
        ("Digital Marketing", "ST0122"), ("Procurement and Supply", "ST0376"),
        ("Sales Management", "ST0390")),
    "Transport and logistics": (
        ("Logistics Management", "ST0258"), ("Aviation Operations", "ST0386"),
        ("Rail Engineering", "ST0423")),
}

_AWARDING_BODIES = (
    "Northgate Awards", "Meridian Technical Qualifications", "Pennine Vocational Board",
    "Tamar Skills Awarding", "Harbourline Qualifications", "Kestrel Learning Awards",
    "Ashdown & Vale Assessment",
)
_UNIVERSITIES = ("University of Wexmoor", "Calderbrook University", "Eastfold University")

# How many qualifications each cycle approves in each route it opened, newest first.
_ROWS_PER_ROUTE = {1: {1: 12}, 2: {1: 6, 2: 8}, 3: {1: 2, 2: 2, 3: 5}, 4: {3: 1, 4: 3},
                   5: {1: 2, 2: 2, 3: 2, 4: 2}}
_APPROVAL_WINDOWS = {1: date(2022, 1, 10), 2: date(2022, 11, 7), 3: date(2023, 10, 2),
                     4: date(2024, 10, 7), 5: date(2024, 11, 4)}
_WITHDRAWALS: dict[str, tuple[date, str]] = {
    "1004": (date(2024, 8, 31), "occupational standard retired"),
    "1009": (date(2025, 1, 15), "approval criteria no longer met"),
    "2005": (date(2025, 3, 31), "awarding body stopped offering it"),
    "2011": (date(2025, 8, 31), "regulated status changed: no longer available on the "
                                "Ofqual register"),
    "2019": (date(2024, 12, 20), "approval criteria no longer met"),
    "3004": (date(2027, 8, 31), "occupational standard retired"),
    "3013": (date(2026, 3, 31), "awarding body stopped offering it"),
    "3022": (date(2025, 7, 31), "regulated status changed: no longer available on the "
                                "Ofqual register"),
    "4008": (date(2026, 6, 30), "approval criteria no longer met"),
    "4019": (date(2026, 8, 31), "occupational standard retired"),
    "5006": (date(2026, 10, 30), "awarding body stopped offering it"),
}
# Cycle 5 rows that start teaching after the register's as-of date.
_LATE_STARTS = {"5012": date(2027, 1, 11), "5018": date(2027, 1, 11),
                "5024": date(2027, 9, 1), "5027": date(2027, 9, 1)}


@dataclass(frozen=True)
class _Slot:
    cycle: int
    route: str
    index: int  # the row's position within its cycle, from 1


def _slots() -> list[_Slot]:
    slots: list[_Slot] = []
    for cycle, per_route in _ROWS_PER_ROUTE.items():
        routes = [route for route in routes_open_in(cycle) if route.first_cycle in per_route]
        rows: list[str] = []
        # Interleave routes so each cycle's numbering mixes them, as real lists do.
        for turn in range(max(per_route.values())):
            rows += [r.name for r in routes if turn < per_route[r.first_cycle]]
        slots += [_Slot(cycle, route, index) for index, route in enumerate(rows, start=1)]
    return slots


def _qn(cycle: int, index: int) -> str:
    middle = f"{cycle}{index:03d}"
    return f"999/{middle}/{ofqual_check_character('999' + middle)}"


def _record(slot: _Slot, *, qualification_id: str, awarding_body: str,
            title_prefix: str) -> QualificationRecord:
    subjects = _SUBJECTS[slot.route]
    subject, standard = subjects[(slot.index + slot.cycle) % len(subjects)]
    level = 5 if slot.index % 3 == 0 else 4
    kind = "Higher Technical Diploma" if level == 5 else "Higher Technical Certificate"
    standards: tuple[str, ...] = (standard,)
    if slot.index % 4 == 3 and len(subjects) > 1:
        extra = subjects[(slot.index + slot.cycle + 1) % len(subjects)][1]
        standards = (standard, extra)
    cycle = CYCLES[slot.cycle]
    key = qualification_id[4:8]
    first_teaching = _LATE_STARTS.get(key, cycle.first_teaching_dates[slot.index % len(
        cycle.first_teaching_dates)])
    approval = _APPROVAL_WINDOWS[slot.cycle] + timedelta(days=7 * (slot.index % 20))
    if key in _LATE_STARTS:
        approval = date(2026, 6, 1) + timedelta(days=14 * (slot.index % 8))
    withdrawal = _WITHDRAWALS.get(key)
    return QualificationRecord(
        qualification_id=qualification_id,
        title=f"{title_prefix} Level {level} {kind} in {subject}",
        awarding_body=awarding_body,
        level=level,
        route=slot.route,
        standards=standards,
        cycle=slot.cycle,
        approval_date=approval,
        first_teaching_date=first_teaching,
        withdrawal_date=withdrawal[0] if withdrawal else None,
        withdrawal_reason=withdrawal[1] if withdrawal else None,
    )


def _ofs_records() -> list[QualificationRecord]:
    plan = (  # (route, cycle, course code)
        ("Digital", 2, "HTQ-DIG-01"),
        ("Health and science", 3, "HTQ-HSC-02"),
        ("Engineering and manufacturing", 4, "HTQ-ENG-03"),
        ("Creative and design", 5, "HTQ-CRE-04"),
        ("Digital", 5, "HTQ-DIG-05"),
        ("Business and administration", 4, "HTQ-BUS-06"),
    )
    records = []
    for number, (route, cycle, course) in enumerate(plan, start=1):
        university = _UNIVERSITIES[number % len(_UNIVERSITIES)]
        slot = _Slot(cycle, route, number)
        record = _record(slot, qualification_id=f"1999{number:04d}:{course}",
                         awarding_body=university, title_prefix=university)
        records.append(record)
    return records


def build_example_records() -> tuple[QualificationRecord, ...]:
    """The example register's records, built deterministically (no randomness)."""
    records = []
    for slot in _slots():
        qualification_id = _qn(slot.cycle, slot.index)
        body = _AWARDING_BODIES[(slot.index * 3 + slot.cycle) % len(_AWARDING_BODIES)]
        records.append(_record(slot, qualification_id=qualification_id, awarding_body=body,
                               title_prefix=body.split()[0]))
    return tuple(records) + tuple(_ofs_records())


def example_register_csv() -> bytes:
    """The example register file's bytes, as generated now."""
    return records_to_csv(build_example_records())


def main(argv: Sequence[str] | None = None) -> int:
    """Rewrite (or with ``--check`` verify) the shipped example register file."""
    args = list(sys.argv[1:] if argv is None else argv)
    data = example_register_csv()
    target = Path(__file__).with_name("data") / EXAMPLE_DATA_FILE
    if args == ["--check"]:
        current = target.read_bytes() if target.exists() else b""
        if current != data:
            print(f"{target}: out of date; run python -m htq_mark.register._example_data")
            return 1
        print(f"{target}: up to date")
        return 0
    if args:
        print("usage: python -m htq_mark.register._example_data [--check]", file=sys.stderr)
        return 2
    write_atomic(target, data, force=True)
    rows = data.count(b"\n") - 1
    print(f"wrote {target} ({rows} rows)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
