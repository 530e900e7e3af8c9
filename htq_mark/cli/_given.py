"""Options given empty on the command line (an unset shell variable) are refused, not read as their default."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

__all__ = ["non_empty"]


def non_empty(example: str) -> Callable[[click.Context, click.Parameter, Any], Any]:
    """A click callback refusing an empty value (or an empty one of several), naming ``example`` of a good one."""
    def check(context: click.Context, parameter: click.Parameter, value: Any) -> Any:
        values = value if isinstance(value, tuple) else (value,)
        if any(given is not None and str(given).strip() == "" for given in values):
            raise click.BadParameter(f"is empty (an unset shell variable?); give {example}, or leave the option out.",
                                     context, parameter)
        return value
    return check
