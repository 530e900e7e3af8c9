"""The ``htq-mark`` command: a thin click layer over the library.

Each sub-command lives in its own module. The libraries that drawing and
scanning need (NumPy, OpenCV, pdfium, cairo) load only when a command uses
them, so ``htq-mark --help`` starts fast.
"""

from __future__ import annotations

import errno
import logging
import os
import signal
import sys
import tempfile
import traceback
from typing import NoReturn

import click

from .._io import is_inside, stopped_by_limit, write_advice
from .._version import __version__
from . import _check, _generate, _kit, _pack, _register, _rules, _scan
from ._exit import ExitCode
from ._stop import Stopped, raise_if_stopped, stop_signals
from ._terminal import exit_with_error

__all__ = ["cli", "main"]

#: OS errors that say a folder has no room (or cannot be written at all): not a bug, a clear error.
_NO_ROOM = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EFBIG})

_EPILOG = """\b
Exit status:
  0  done; nothing reached the failure threshold
  1  a finding reached --fail-on, or a qualification is not entitled
  2  usage error, unusable kit or register, or output exists (use --force)
  3  an input could not be read; the report is incomplete
  4  internal error in htq-mark (also on one document); please report it
  130, 143  stopped by Ctrl-C or SIGTERM
"""


@click.group(context_settings={"help_option_names": ["-h", "--help"]}, epilog=_EPILOG)
@click.version_option(__version__, prog_name="htq-mark")
def cli() -> None:
    """Generate, check and police the HTQ quality mark."""


def _register_commands() -> None:
    for module in (_generate, _pack, _check, _register, _scan, _rules, _kit):
        for command in getattr(module, "COMMANDS", ()):
            cli.add_command(command)


_register_commands()


def main(argv: list[str] | None = None) -> None:
    """Run the command line; never shows a traceback for an unexpected error.

    SIGINT and SIGTERM stop the command as an exception would, so workers are
    stopped and temporary files removed; the exit status is 128 plus the signal
    number (130 for Ctrl-C) after a one-line message.
    """
    with stop_signals():
        try:
            try:
                cli.main(args=argv, prog_name="htq-mark", standalone_mode=True)
            except SystemExit:
                raise
            except OSError as exc:
                raise_if_stopped()
                if exc.errno == errno.EBADF and exc.filename is None:  # help or version to 1</dev/null, say
                    exit_with_error(f"a standard stream cannot be used ({exc.strerror}): run it again with standard "
                                    "output and standard error open for writing, and standard input for reading.")
                if exc.errno not in _NO_ROOM:
                    _internal_error(exc)
                exit_with_error(_no_room_message(exc))
            except Exception as exc:  # the last line of defence: report, don't crash
                raise_if_stopped()
                _internal_error(exc)
        except (Stopped, KeyboardInterrupt) as exc:
            number = exc.signal_number if isinstance(exc, Stopped) else signal.SIGINT
            signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not interrupt the message
            click.echo(f"htq-mark: {'interrupted' if number == signal.SIGINT else 'terminated'}; stopped before "
                       "finishing, and its temporary files were removed.", err=True)
            # That line is the last word: a browser driver stopped by the same signal leaves asyncio futures
            # whose lost connection would otherwise be logged as the interpreter exits.
            logging.getLogger("asyncio").disabled = True
            sys.exit(128 + int(number))


def _no_room_message(exc: OSError) -> str:
    """What could not be written and what to do; TMPDIR is suggested only where moving temporary files helps."""
    advice = write_advice(exc.errno)
    # A file-size limit (ulimit -f) holds in every folder, and a file outside the temporary folder is the user's own.
    limited = stopped_by_limit(exc.errno)
    if exc.filename is not None:
        name = os.fsdecode(exc.filename)
        temporary = not limited and is_inside(name, tempfile.gettempdir())
        elsewhere = ", or set TMPDIR to a folder with room for temporary files" if temporary else ""
        return f"{name}: could not be written ({exc.strerror}); {advice}{elsewhere}."
    # Temporary files (the report's spool, the inputs' list) fill the temporary folder first; or it was
    # standard output, where the command writes its own lines (> /dev/full, a full disk).
    failed = f"could not write ({exc.strerror}) to standard output or to a temporary file in {tempfile.gettempdir()}"
    if limited:
        return f"{failed}; {advice}."
    return (f"{failed}; {advice}, redirect standard output elsewhere, or set TMPDIR to a folder with room for "
            "temporary files.")


def _internal_error(exc: Exception) -> NoReturn:
    click.echo(
        f"htq-mark: internal error: {type(exc).__name__}: {exc}\n"
        "This is a bug in htq-mark; please report it with the command you ran.",
        err=True,
    )
    if "HTQ_MARK_DEBUG" in os.environ:
        traceback.print_exc()
    sys.exit(int(ExitCode.INTERNAL))
