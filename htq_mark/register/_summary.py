"""A summary of a register, for ``htq-mark register info``."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any

from ._provenance import EXAMPLE_NOTICE, RegisterProvenance
from ._register import Register

__all__ = ["RegisterSummary", "summarise_register"]


@dataclass(frozen=True)
class RegisterSummary:
    """Counts describing a register on a date, with its provenance."""

    provenance: RegisterProvenance
    on: date
    records: int
    entitled: int
    withdrawn: int
    not_yet_approved: int
    not_yet_taught: int
    regulated_status_ended: int
    ofs_ids: int
    by_route: tuple[tuple[str, int], ...]
    by_cycle: tuple[tuple[int, int], ...]
    by_level: tuple[tuple[int, int], ...]
    warnings: int

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "register": self.provenance.to_dict(),
            "on": self.on.isoformat(),
            "records": self.records,
            "entitled": self.entitled,
            "withdrawn": self.withdrawn,
            "not_yet_approved": self.not_yet_approved,
            "not_yet_taught": self.not_yet_taught,
            "regulated_status_ended": self.regulated_status_ended,
            "ofs_ids": self.ofs_ids,
            "by_route": dict(self.by_route),
            "by_cycle": {str(cycle): count for cycle, count in self.by_cycle},
            "by_level": {str(level): count for level, count in self.by_level},
            "warnings": self.warnings,
        }

    def describe(self) -> str:
        """A few lines of text for people."""
        provenance = self.provenance
        lines = []
        if provenance.is_example:
            lines.append(EXAMPLE_NOTICE)
        lines += [
            f"source:   {provenance.source}",
            f"sha256:   {provenance.sha256}",
            f"as of:    {provenance.as_of.isoformat()}",
            f"rows:     {provenance.rows}",
        ]
        if provenance.ofqual is not None:
            lines.append(f"Ofqual:   {provenance.ofqual.source} (as of "
                         f"{provenance.ofqual.as_of.isoformat()}, {provenance.ofqual.rows} rows, "
                         f"sha256 {provenance.ofqual.sha256})")
        lines += [
            f"on {self.on.isoformat()}: {self.entitled} entitled, {self.withdrawn} withdrawn, "
            f"{self.not_yet_approved} not yet approved, {self.not_yet_taught} not yet in first teaching, "
            f"{self.regulated_status_ended} with regulated status ended",
            f"OfS (university) IDs: {self.ofs_ids}",
            "by cycle: " + ", ".join(f"{cycle}: {count}" for cycle, count in self.by_cycle),
            "by level: " + ", ".join(f"{level}: {count}" for level, count in self.by_level),
            "by route:",
            *(f"  {route}: {count}" for route, count in self.by_route),
        ]
        if self.warnings:
            lines.append(f"warnings: {self.warnings} "
                         "(run 'htq-mark register validate FILE' to see them)")
        return "\n".join(lines)


def summarise_register(register: Register, on: date) -> RegisterSummary:
    """Count the register's records by route, cycle and level, and their state on ``on``."""
    codes = Counter[str]()
    for record in register.records:
        codes.update(set(register.check(record.qualification_id, on).codes))
    return RegisterSummary(
        provenance=register.provenance,
        on=on,
        records=len(register),
        entitled=codes["entitled"],
        withdrawn=codes["withdrawn"],
        not_yet_approved=codes["before-approval"],
        not_yet_taught=codes["before-first-teaching"],
        regulated_status_ended=codes["regulated-status-ended"],
        ofs_ids=sum(1 for record in register.records if record.scheme == "ofs"),
        by_route=tuple(sorted(Counter(r.route for r in register.records).items())),
        by_cycle=tuple(sorted(Counter(r.cycle for r in register.records).items())),
        by_level=tuple(sorted(Counter(r.level for r in register.records).items())),
        warnings=len(register.warnings),
    )
