"""The ``--date YYYY-MM-DD`` option's type: a day of the calendar, read as the library reads one."""

from __future__ import annotations

import datetime

import click

from .._dates import as_day
from ..errors import UsageError

__all__ = ["DAY"]


class _Day(click.ParamType):  # type: ignore[type-arg]  # generic only in newer click
    """A day given as YYYY-MM-DD, as a datetime at its midnight (what ``click.DateTime`` gave)."""

    name = "YYYY-MM-DD"

    def convert(self, value: object, param: click.Parameter | None, ctx: click.Context | None) -> datetime.datetime:
        if isinstance(value, datetime.datetime):
            return value
        try:
            return datetime.datetime.combine(as_day(value, "the date", hint=", such as 2026-09-01"), datetime.time())
        except UsageError as exc:
            self.fail(str(exc), param, ctx)


DAY = _Day()
