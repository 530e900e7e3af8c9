"""Turn library errors into one clear line on stderr and an exit status."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import NoReturn

import click

from ..errors import (
    HtqMarkError,
    InputError,
    NotEntitledError,
    RegisterValidationError,
)
from ._exit import ExitCode
from ._flags import with_flags
from ._stop import raise_if_stopped
from ._terminal import say

__all__ = ["exit_code_for", "fail", "library_errors"]


def exit_code_for(error: HtqMarkError) -> ExitCode:
    """The exit status the command uses for a library error."""
    if isinstance(error, NotEntitledError):
        return ExitCode.FINDINGS
    if isinstance(error, InputError):
        return ExitCode.UNREADABLE
    return ExitCode.USAGE


def fail(message: str, code: ExitCode, details: Sequence[object] = ()) -> NoReturn:
    """Print ``message`` to stderr as one error line (then each of ``details``, indented) and exit."""
    say(f"htq-mark: error: {message}", *(f"  {detail}" for detail in details), err=True)
    sys.exit(int(code))


@contextmanager
def library_errors(code_for: Callable[[HtqMarkError], ExitCode] = exit_code_for) -> Iterator[None]:
    """Inside this block a library error becomes a message and an exit status."""
    try:
        yield
    except RegisterValidationError as exc:
        raise_if_stopped()
        fail(f"{exc.source}: {len(exc.problems)} problem(s) in the register; fix these rows and load it again:",
             code_for(exc), exc.problems)
    except HtqMarkError as exc:
        raise_if_stopped()  # a stop a C callback swallowed may show as an error (cairo's write cut short)
        fail(with_flags(str(exc)), code_for(exc))
