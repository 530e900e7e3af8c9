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
from collections.abc import Callable
from types import FrameType
from typing import TypeVar

__all__ = ["Alarm", "AlarmRang", "run_within"]

T = TypeVar("T")


class AlarmRang(BaseException):
    """The time ran out: a BaseException, so a library's broad ``except Exception`` cannot swallow it."""


def run_within(seconds: float, work: Callable[[], T]) -> T:
    """``work()``, stopped by :class:`AlarmRang` once ``seconds`` have passed (where an :class:`Alarm` can be
    used); SIGALRM is given back however it ends."""
    alarm = Alarm(seconds)
    try:
        try:
            alarm.arm()
            return work()
        finally:
            alarm.cancel()
    except AlarmRang:  # in the work, or as the alarm was armed or cancelled: cancelled (again) here
        alarm.cancel()
        raise


class Alarm:
    """Raise :class:`AlarmRang` in the main thread once ``seconds`` have passed from :meth:`arm`, where that
    is possible.

    It rings once at most, and can ring at any point after it is armed: as :meth:`arm` returns, or in
    :meth:`cancel` before the timer is stopped, so a ring is caught outside both and the alarm cancelled
    again there, as :func:`run_within` does.
    """

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.armed = False

    def arm(self) -> None:
        """Start the time (a no-op where the alarm cannot be used)."""
        if _usable() and self.seconds > 0:
            self.armed = True  # first: a ring as soon as the timer starts must still be cancelled
            signal.signal(signal.SIGALRM, _ring)
            signal.setitimer(signal.ITIMER_REAL, self.seconds)

    def cancel(self) -> None:
        """Disarm the alarm and give SIGALRM back to its default (again, if a ring cut the last call short)."""
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
