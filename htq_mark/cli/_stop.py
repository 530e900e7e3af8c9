"""SIGINT and SIGTERM stop a command as an exception would, even when they arrive inside a C library's callback."""

from __future__ import annotations

import signal
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any

__all__ = ["Stopped", "raise_if_stopped", "stop_signals"]

_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Stopped(BaseException):
    """SIGINT or SIGTERM arrived: unwinds the command so its clean-up runs (workers, temporary files)."""

    def __init__(self, signal_number: int) -> None:
        super().__init__(signal_number)
        self.signal_number = signal_number


# A stop that a C library swallowed: cairo calls back into Python to write, and an exception raised
# there is only printed as "ignored"; the write then fails, and the command would report that failure
# (a disk "cut short") instead of the stop. The signal is process-wide, and so is this.
_swallowed: list[int] = []


def _stop(signal_number: int, frame: FrameType | None) -> None:
    raise Stopped(signal_number)


def _unraisable(previous: Callable[[Any], object]) -> Callable[[Any], None]:
    """An unraisable-exception hook that keeps back a swallowed stop and passes anything else to ``previous``."""
    def hook(info: Any) -> None:  # sys.UnraisableHookArgs
        if isinstance(info.exc_value, Stopped):
            _swallowed.append(info.exc_value.signal_number)
            return
        previous(info)
    return hook


def raise_if_stopped() -> None:
    """Raise :class:`Stopped` if a stop arrived inside a C callback, which swallowed it: an error that
    follows is its effect, not the command's."""
    if _swallowed:
        raise Stopped(_swallowed[-1])


@contextmanager
def stop_signals() -> Iterator[None]:
    """Within the block, SIGINT and SIGTERM raise :class:`Stopped`, and one that a C callback swallows is kept
    for :func:`raise_if_stopped`; afterwards signal handling, the unraisable-exception hook and what was kept
    are as they were."""
    previous = {number: signal.signal(number, _stop) for number in _SIGNALS}
    previous_hook, kept = sys.unraisablehook, list(_swallowed)
    sys.unraisablehook = _unraisable(previous_hook)
    _swallowed.clear()
    try:
        yield
    finally:  # called from other Python code, leave its signal handling as it was
        _swallowed[:] = kept
        sys.unraisablehook = previous_hook
        for number, handler in previous.items():
            signal.signal(number, handler)
