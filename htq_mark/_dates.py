"""Dates given to the library: a date, a datetime (its day), or text in the form YYYY-MM-DD."""

from __future__ import annotations

import datetime
import re

from .errors import UsageError

__all__ = ["as_day"]

# ASCII digits only: int() and fromisoformat() would also take other scripts' digits, or 20260101. A month
# or day may go without its leading zero (2026-9-1), as the command line's dates always could.
_ISO_DAY = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})")


_PYTHON_HINT = "; pass such text, or a datetime.date such as date(2026, 9, 1)"


def as_day(value: object, what: str, *, hint: str = _PYTHON_HINT) -> datetime.date:
    """``value`` as a plain date; :class:`UsageError` naming it as ``what`` if it is none of the three
    (``hint`` ends the message: what else to pass)."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):  # a date subclass too
        return datetime.date(value.year, value.month, value.day)
    matched = _ISO_DAY.fullmatch(value) if isinstance(value, str) else None
    if matched:
        try:
            return datetime.date(*map(int, matched.groups()))
        except ValueError as exc:
            raise UsageError(f"{what} {value!r} is not a day of the calendar ({exc}); give a date that is, in the "
                             "form YYYY-MM-DD.") from None
    raise UsageError(f"{what} {value!r} is not a date in the form YYYY-MM-DD{hint}.")
