"""Exit statuses of the ``htq-mark`` command. Never renumbered."""

from __future__ import annotations

import enum

__all__ = ["ExitCode"]


class ExitCode(enum.IntEnum):
    """What the command's exit status means.

    0 OK: the job was done and nothing reached the failure threshold.
    1 FINDINGS: a finding reached ``--fail-on``, a qualification is not entitled,
      or a generate request was refused for entitlement.
    2 USAGE: bad arguments, an unusable kit or register, or an output that exists.
    3 UNREADABLE: an input could not be read, so the report is incomplete (wins over 1).
    4 INTERNAL: an internal error, also one on a single document (code ``internal-error``); please
      report it (wins over 3).
    """

    OK = 0
    FINDINGS = 1
    USAGE = 2
    UNREADABLE = 3
    INTERNAL = 4
