"""The ``htq-mark`` command: a thin click layer over the library.

Each sub-command lives in its own module and does its heavy imports inside the
command, so ``htq-mark --help`` starts fast.
"""

from __future__ import annotations

import signal
import sys
import traceback

import click

from .._version import __version__
from ._exit import ExitCode

__all__ = ["cli", "main"]

_EPILOG = """\b
Exit status:
  0  done; nothing reached the failure threshold
  1  a finding reached --fail-on, or a qualification is not entitled
  2  usage error, unusable kit or register, or output exists (use --force)
  3  an input could not be read; the report is incomplete
  4  internal error
  130, 143  stopped by Ctrl-C or SIGTERM
"""


@click.group(context_settings={"help_option_names": ["-h", "--help"]}, epilog=_EPILOG)
@click.version_option(__version__, prog_name="htq-mark")
def cli() -> None:
    """Generate, check and police the HTQ quality mark."""


def _register_commands() -> None:
    from . import _check as check
    from . import _generate as generate
    from . import _kit as kit
    from . import _pack as pack
    from . import _register as register
    from . import _rules as rules
    from . import _scan as scan

    for module in (generate, pack, check, register, scan, rules, kit):
        for command in getattr(module, "COMMANDS", ()):
            cli.add_command(command)


_register_commands()


class _Stopped(BaseException):
    """SIGINT or SIGTERM arrived: unwinds the command so its clean-up runs (workers, temporary files)."""

    def __init__(self, signal_number: int) -> None:
        super().__init__(signal_number)
        self.signal_number = signal_number


def _stop(signal_number: int, frame: object) -> None:
    raise _Stopped(signal_number)


def main(argv: list[str] | None = None) -> None:
    """Run the command line; never shows a traceback for an unexpected error.

    SIGINT and SIGTERM stop the command as an exception would, so workers are
    stopped and temporary files removed; the exit status is 128 plus the signal
    number (130 for Ctrl-C) after a one-line message.
    """
    previous = {number: signal.signal(number, _stop) for number in (signal.SIGINT, signal.SIGTERM)}
    try:
        cli.main(args=argv, prog_name="htq-mark", standalone_mode=True)
    except SystemExit:
        raise
    except (_Stopped, KeyboardInterrupt) as exc:
        number = exc.signal_number if isinstance(exc, _Stopped) else signal.SIGINT
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not interrupt the message
        click.echo(f"htq-mark: {'interrupted' if number == signal.SIGINT else 'terminated'}; stopped before "
                   "finishing, and its temporary files were removed.", err=True)
        sys.exit(128 + int(number))
    except Exception as exc:  # the last line of defence: report, don't crash
        click.echo(
            f"htq-mark: internal error: {type(exc).__name__}: {exc}\n"
            "This is a bug in htq-mark; please report it with the command you ran.",
            err=True,
        )
        if "HTQ_MARK_DEBUG" in __import__("os").environ:
            traceback.print_exc()
        sys.exit(int(ExitCode.INTERNAL))
    finally:  # called from other Python code, leave its signal handling as it was
        for number, handler in previous.items():
            signal.signal(number, handler)
