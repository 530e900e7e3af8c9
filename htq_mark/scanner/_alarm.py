"""A one-shot alarm that interrupts a scan running in a process's main thread.

Python runs signal handlers only between bytecodes, so the alarm stops work in
Python code and between calls into native libraries, not inside one native call;
:func:`htq_mark.scan` also stops a worker process stuck there. The alarm is armed
only where it can be used without disturbing the caller: in the main thread,
with SIGALRM not handled by anyone else and no interval timer already running.
"""

from __future__ import annotations

import signal
import threading
from types import FrameType

__all__ = ["Alarm", "AlarmRang"]


class AlarmRang(BaseException):
    """The time ran out: a BaseException, so a library's broad ``except Exception`` cannot swallow it."""


class Alarm:
    """Raise :class:`AlarmRang` in the main thread once ``seconds`` have passed, where that is possible."""

    def __init__(self, seconds: float) -> None:
        self.armed = _usable() and seconds > 0
        if self.armed:
            signal.signal(signal.SIGALRM, _ring)
            signal.setitimer(signal.ITIMER_REAL, seconds)

    def cancel(self) -> None:
        """Disarm the alarm and give SIGALRM back to its default."""
        if self.armed:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, signal.SIG_DFL)
            self.armed = False


def _usable() -> bool:
    if not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
        return False
    return signal.getsignal(signal.SIGALRM) in (signal.SIG_DFL, None) and \
        signal.getitimer(signal.ITIMER_REAL)[0] == 0


def _ring(signal_number: int, frame: FrameType | None) -> None:
    raise AlarmRang
