"""One approved HTQ: a row of the register."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

__all__ = ["QualificationRecord"]


@dataclass(frozen=True)
class QualificationRecord:
    """An approved HTQ as the register lists it.

    ``qualification_id`` is canonical (see
    :func:`~htq_mark.register.normalise_qualification_id`) and ``route`` is the
    official route name. ``withdrawal_date`` is the first day the qualification
    is no longer approved. ``regulated_status`` and ``regulated_end_date`` come
    from Ofqual's data (:func:`~htq_mark.register.import_ofqual`): the status
    text and the last day the qualification is entitled on regulated grounds.
    """

    qualification_id: str
    title: str
    awarding_body: str
    level: int
    route: str
    standards: tuple[str, ...]
    cycle: int
    approval_date: date
    first_teaching_date: date
    withdrawal_date: date | None = None
    withdrawal_reason: str | None = None
    regulated_status: str | None = None
    regulated_end_date: date | None = None

    @property
    def scheme(self) -> str:
        """``"ofs"`` for an Office for Students ID, ``"ofqual"`` otherwise."""
        return "ofs" if ":" in self.qualification_id else "ofqual"

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict: dates in ISO 8601, standards as a list."""
        return {
            "qualification_id": self.qualification_id,
            "title": self.title,
            "awarding_body": self.awarding_body,
            "level": self.level,
            "route": self.route,
            "standards": list(self.standards),
            "cycle": self.cycle,
            "approval_date": self.approval_date.isoformat(),
            "first_teaching_date": self.first_teaching_date.isoformat(),
            "withdrawal_date": _iso(self.withdrawal_date),
            "withdrawal_reason": self.withdrawal_reason,
            "regulated_status": self.regulated_status,
            "regulated_end_date": _iso(self.regulated_end_date),
        }


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None
