"""Writing to the terminal: every line escaped, so no file name or cell can drive the terminal.

A control character (ESC, an OSC sequence, a carriage return, a newline) or a
bidirectional override inside a file name, a CSV cell or a document's text is
shown as an escape (``\\x1b``, ``\\n``) rather than sent raw, so it cannot clear
the screen, set the window title or forge a line of output.
"""

from __future__ import annotations

import errno
import json
import os
import sys
from collections.abc import Callable
from typing import IO, NoReturn

import click

from .._io import put, write_advice
from ..reports._escape import escape_surrogates_for_json, visible
from ._exit import ExitCode

__all__ = ["exit_with_error", "say", "say_json", "standard_output", "visible", "write_standard_output"]


def standard_output(what: str = "the output", instead: str = "run it again with standard output open, or "
                                                               "redirected to a file (> FILE)") -> IO[bytes]:
    """Standard output (binary); if the command was started with it closed, say so and exit with status 2.

    Started with ``>&-``, Python has no standard output at all, and whatever was
    written there would be lost while the command seemed to succeed; started with
    ``1</dev/null``, it is open for reading only, and every write fails.
    """
    if sys.stdout is None:
        exit_with_error(f"standard output is closed, so {what} cannot be written there; {instead}.")
    if _read_only(sys.stdout):
        exit_with_error(f"standard output is open only for reading, so {what} cannot be written there; {instead}.")
    return sys.stdout.buffer


def write_standard_output(content: bytes | Callable[[IO[bytes]], None], what: str, instead: str) -> None:
    """Write ``content`` (bytes, or a function writing to a stream) to standard output and flush it.

    If it cannot be written (a full disk, ``> /dev/full``), say so, naming standard
    output, and exit with status 2; a reader that stopped early (``| head``) is left to
    the command line's handling of closed pipes.
    """
    out = standard_output(what, instead)
    try:
        put(out, content)  # every byte, or an OSError: a write cut short (ulimit -f) raises nothing itself
        out.flush()
    except BrokenPipeError:
        raise
    except OSError as exc:
        advice = write_advice(exc.errno) if exc.errno == errno.EFBIG else instead  # a limit holds for -o too
        exit_with_error(f"{what} could not be written to standard output ({exc.strerror or exc}); {advice}.")


def _read_only(stream: IO[str]) -> bool:
    try:
        import fcntl

        return fcntl.fcntl(stream.fileno(), fcntl.F_GETFL) & os.O_ACCMODE == os.O_RDONLY
    except (ImportError, OSError, ValueError, AttributeError):  # no such check here, or not a file descriptor
        return False


def exit_with_error(message: str) -> NoReturn:
    """Say ``message`` as the command's error on standard error and exit with status 2.

    If standard error cannot be written either, the exit status alone says it.
    """
    try:
        click.echo(f"htq-mark: error: {message}", err=True)
    except OSError:
        pass
    sys.exit(int(ExitCode.USAGE))


def say(*lines: str, err: bool = False) -> None:
    """Write each of ``lines`` as one line, to stderr if ``err``, with control characters escaped.

    Lines for a closed stream are dropped: a command whose job is to print calls
    :func:`standard_output` first.
    """
    try:
        for line in lines:
            click.echo(visible(line), err=err)
    except BrokenPipeError:
        raise
    except OSError as exc:
        if err:
            raise
        _not_written(exc)


def say_json(value: object, *, indent: int | None = 2) -> None:
    """Write ``value`` as JSON on standard output, always valid UTF-8.

    A file name that is not UTF-8 reaches Python as lone surrogates, which a terminal
    would receive as raw bytes; as in scan reports, they are written as ``\\uXXXX``
    escapes, which decode back to the same name.
    """
    text = escape_surrogates_for_json(json.dumps(value, indent=indent, ensure_ascii=False))
    try:
        click.echo(text)
    except BrokenPipeError:
        raise
    except OSError as exc:
        _not_written(exc)


def _not_written(exc: OSError) -> NoReturn:
    exit_with_error(f"standard output could not be written ({exc.strerror or exc}); free some space where it goes, "
                    "or redirect it to another file (> FILE).")
