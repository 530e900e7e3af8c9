"""Writing to the terminal: every line escaped, so no file name or cell can drive the terminal.

A control character (ESC, an OSC sequence, a carriage return, a newline) or a
bidirectional override inside a file name, a CSV cell or a document's text is
shown as an escape (``\\x1b``, ``\\n``) rather than sent raw, so it cannot clear
the screen, set the window title or forge a line of output.
"""

from __future__ import annotations

import sys
from typing import IO

import click

from ..reports._escape import visible
from ._exit import ExitCode

__all__ = ["say", "standard_output", "visible"]


def standard_output(what: str = "the output", instead: str = "run it again with standard output open, or "
                                                               "redirected to a file (> FILE)") -> IO[bytes]:
    """Standard output (binary); if the command was started with it closed, say so and exit with status 2.

    Started with ``>&-``, Python has no standard output at all, and whatever was
    written there would be lost while the command seemed to succeed.
    """
    if sys.stdout is None:
        click.echo(f"htq-mark: error: standard output is closed, so {what} cannot be written there; {instead}.",
                   err=True)
        sys.exit(int(ExitCode.USAGE))
    return sys.stdout.buffer


def say(*lines: str, err: bool = False) -> None:
    """Write each of ``lines`` as one line, to stderr if ``err``, with control characters escaped.

    Lines for a closed stream are dropped: a command whose job is to print calls
    :func:`standard_output` first.
    """
    for line in lines:
        click.echo(visible(line), err=err)
