"""The answer to "is qualification X entitled to the mark on date D?", with reasons."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from .._catalogue import REASON_CODES, REASONS, Severity
from ._provenance import RegisterProvenance
from ._qualification_id import QualificationId
from ._record import QualificationRecord

__all__ = ["REASON_CODES", "Entitlement", "Reason", "Severity", "reasons_for"]


@dataclass(frozen=True, slots=True)
class Reason:
    """Why a decision came out as it did.

    ``code`` is stable (see :data:`REASON_CODES`). ``severity`` is ``"error"``
    for a reason that denies entitlement, ``"warning"`` for one that does not
    (``check-character``) and ``"info"`` for the ``entitled`` explanation.
    """

    code: str
    severity: Severity
    message: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "severity", Severity(self.severity))
        if REASONS.get(self.code) is not self.severity:
            raise ValueError(f"reason {self.code!r} at {self.severity.value!r} is not in the catalogue "
                             f"({', '.join(f'{code}={level.value}' for code, level in REASONS.items())})")

    def to_dict(self) -> dict[str, str]:
        """A JSON-ready dict."""
        return {"code": self.code, "severity": self.severity.value, "message": self.message}


@dataclass(frozen=True, slots=True)
class Entitlement:
    """Whether a qualification may carry the mark on a date, and why.

    ``qualification_id`` is the text as given; ``normalised_id`` its canonical
    spelling (``None`` when malformed); ``record`` the register row, if any.
    ``reasons`` lists every reason that applies, errors first.
    """

    qualification_id: str
    normalised_id: str | None
    entitled: bool
    on: date
    record: QualificationRecord | None
    reasons: tuple[Reason, ...]
    register: RegisterProvenance

    @property
    def codes(self) -> tuple[str, ...]:
        """The reason codes, in order."""
        return tuple(reason.code for reason in self.reasons)

    @property
    def verdict(self) -> str:
        """``"entitled"`` or ``"not entitled"``."""
        return "entitled" if self.entitled else "not entitled"

    def describe(self) -> str:
        """One line: the ID, the verdict and every reason."""
        shown = self.qualification_id
        if self.normalised_id is not None and self.normalised_id != shown:
            shown = f"{shown} ({self.normalised_id})"
        reasons = "; ".join(f"[{reason.code}] {reason.message}" for reason in self.reasons)
        return f"{shown}: {self.verdict.upper()} on {self.on.isoformat()} - {reasons}"

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict, including the register's provenance."""
        return {
            "qualification_id": self.qualification_id,
            "normalised_id": self.normalised_id,
            "entitled": self.entitled,
            "on": self.on.isoformat(),
            "record": self.record.to_dict() if self.record is not None else None,
            "reasons": [reason.to_dict() for reason in self.reasons],
            "register": self.register.to_dict(),
        }


def check_character_reason(qid: QualificationId) -> Reason:
    """The warning for an Ofqual number whose check character does not match."""
    return Reason(
        "check-character", Severity.WARNING,
        f"check character does not match: the digits of {qid.canonical} call for "
        f"{qid.expected_check_character}, not {qid.canonical[-1]}; is this number mistyped?",
    )


def not_on_register_reason(canonical: str, register: RegisterProvenance) -> Reason:
    """The error for a well-formed ID that the register does not list."""
    message = (f"{canonical} is not on the register of approved HTQs "
               f"(as of {register.as_of.isoformat()}); only approved HTQs may carry the mark")
    if register.is_example:
        message += ("; this is the example register - load the official list by naming its file "
                    "(HTQ_MARK_REGISTER=FILE)")
    return Reason("not-on-register", Severity.ERROR, message)


def reasons_for(record: QualificationRecord, on: date, check_character_ok: bool | None,
                unchecked_in: str | None = None) -> tuple[bool, tuple[Reason, ...]]:
    """Decide for a listed qualification: ``(entitled, reasons)`` on date ``on``.

    ``unchecked_in`` names the Ofqual data applied to the register when it does not list
    the qualification (its regulated status could not be checked there).

    Reasons come errors first, then warnings, then the ``entitled`` explanation.
    The register precomputes this per date interval; this is the one place the
    rules live.
    """
    errors: list[Reason] = []
    if on < record.approval_date:
        errors.append(Reason(
            "before-approval", Severity.ERROR,
            f"it was approved on {record.approval_date.isoformat()}; only an approved HTQ may carry the mark",
        ))
    if on < record.first_teaching_date:
        errors.append(Reason(
            "before-first-teaching", Severity.ERROR,
            f"first teaching starts on {record.first_teaching_date.isoformat()}; "
            "the mark may be used from that date",
        ))
    if record.withdrawal_date is not None and on >= record.withdrawal_date:
        why = f" ({record.withdrawal_reason})" if record.withdrawal_reason else ""
        errors.append(Reason(
            "withdrawn", Severity.ERROR,
            f"approval was withdrawn on {record.withdrawal_date.isoformat()}{why}; "
            "the branding must come off",
        ))
    if record.regulated_end_date is not None and on > record.regulated_end_date:
        status = f"Ofqual lists it as '{record.regulated_status}'" if record.regulated_status \
            else "its Ofqual regulated status ended"
        errors.append(Reason(
            "regulated-status-ended", Severity.ERROR,
            f"{status}; its regulated availability ended on "
            f"{record.regulated_end_date.isoformat()}, so it is not entitled after that date",
        ))
    warnings: list[Reason] = []
    if check_character_ok is False:
        warnings.append(check_character_reason(
            QualificationId(record.qualification_id, "ofqual", False)))
    if unchecked_in is not None:
        warnings.append(Reason(
            "regulated-status-unchecked", Severity.WARNING,
            f"it is not in the Ofqual data applied ({unchecked_in}), so its regulated status was not "
            "checked; use a full Ofqual download that lists it",
        ))
    if errors:
        return False, (*errors, *warnings)
    return True, (*warnings, Reason("entitled", Severity.INFO, _entitled_message(record)))


def _entitled_message(record: QualificationRecord) -> str:
    standards = ", ".join(record.standards)
    message = (f"approved in cycle {record.cycle} against {standards}; "
               f"first teaching {record.first_teaching_date.isoformat()}")
    if record.withdrawal_date is not None:
        message += f"; approval ends on {record.withdrawal_date.isoformat()}"
        if record.withdrawal_reason:
            message += f" ({record.withdrawal_reason})"
    if record.regulated_end_date is not None:
        message += f"; regulated availability ends after {record.regulated_end_date.isoformat()}"
    return message
