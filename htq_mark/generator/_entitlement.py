"""Refuse to stamp a qualification that is not entitled to the mark."""

from __future__ import annotations

import datetime as dt
import os
from typing import TYPE_CHECKING, Union

from ..errors import NotEntitledError, UsageError

if TYPE_CHECKING:
    from ..register import Register

__all__ = ["RegisterSource", "checked_qualification", "entitled_qualification"]

RegisterSource = Union["Register", str, "os.PathLike[str]", None]


def entitled_qualification(qualification: str, on: dt.date, register: RegisterSource = None) -> str:
    """The normalised number of an entitled qualification; NotEntitledError with the reasons otherwise.

    ``register`` is a loaded register, a register file, or None for the configured
    one (``$HTQ_MARK_REGISTER``, else the built-in example).
    """
    from ..register import Register, configured_register

    chosen = register if isinstance(register, Register) else configured_register(register)
    decision = chosen.check(qualification, on)
    if not decision.entitled or decision.normalised_id is None:
        raise NotEntitledError(f"refused: {decision.describe().rstrip('.')}. Only a qualification entitled "
                               "to the mark on that date may carry it; check the number, --date and "
                               "--register.")
    return decision.normalised_id


def checked_qualification(qualification: str | None, date: dt.date | None,
                          register: RegisterSource = None) -> str | None:
    """The normalised number to stamp, checked on ``date`` (default today); None without one."""
    if date is not None and qualification is None:
        raise UsageError("--date is the date a qualification's entitlement is checked on; "
                         "give --qualification too, or drop --date.")
    if qualification is None:
        return None
    return entitled_qualification(qualification, date or dt.date.today(), register)
