"""Turn library errors into one clear line on stderr and an exit status."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import NoReturn

import click

from ..errors import (
    HtqMarkError,
    InputError,
    NotEntitledError,
)
from ._exit import ExitCode

__all__ = ["exit_code_for", "fail", "library_errors"]


def exit_code_for(error: HtqMarkError) -> ExitCode:
    """The exit status the command uses for a library error."""
    if isinstance(error, NotEntitledError):
        return ExitCode.FINDINGS
    if isinstance(error, InputError):
        return ExitCode.UNREADABLE
    return ExitCode.USAGE


def fail(message: str, code: ExitCode) -> NoReturn:
    """Print ``message`` to stderr as one error line and exit with ``code``."""
    click.echo(f"htq-mark: error: {message}", err=True)
    sys.exit(int(code))


@contextmanager
def library_errors(code_for: Callable[[HtqMarkError], ExitCode] = exit_code_for) -> Iterator[None]:
    """Inside this block a library error becomes a message and an exit status."""
    try:
        yield
    except HtqMarkError as exc:
        fail(str(exc), code_for(exc))
