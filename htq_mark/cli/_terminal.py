"""Writing to the terminal: every line escaped, so no file name or cell can drive the terminal.

A control character (ESC, an OSC sequence, a carriage return, a newline) or a
bidirectional override inside a file name, a CSV cell or a document's text is
shown as an escape (``\\x1b``, ``\\n``) rather than sent raw, so it cannot clear
the screen, set the window title or forge a line of output.
"""

from __future__ import annotations

import click

from ..reports._escape import visible

__all__ = ["say", "visible"]


def say(*lines: str, err: bool = False) -> None:
    """Write each of ``lines`` as one line, to stderr if ``err``, with control characters escaped."""
    for line in lines:
        click.echo(visible(line), err=err)
