"""The fuzzer's verdict on one result of ``scan_document``: its outcome, and whether an invariant broke.

Besides the result's status and code, what must always hold:

* the scan ends with a result (its worker neither died nor had to be killed);
* no error is ``internal-error``: each reader turns its parser's errors on the
  file into the file's error, so an internal error is a fault in htq-mark;
* an error's code is one of the contract's and its message names the file;
* the JSON form is valid JSON (no NaN or infinity).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

__all__ = ["CONTRACT_CODES", "Verdict", "judge"]

CONTRACT_CODES = frozenset({"unreadable", "encrypted", "unsupported", "too-large", "timeout"})


@dataclass(frozen=True)
class Verdict:
    """How one input went: ``outcome`` is ``ok`` or an error code; ``problem`` is set when an invariant broke."""

    index: int
    outcome: str
    problem: str | None
    detail: str


def judge(index: int, result: Any, name: str) -> Verdict:
    """The verdict on one result of ``scan_document`` for the input called ``name``."""
    outcome = "ok" if result.status == "ok" else (result.error.code if result.error else "missing-error")
    problem = None
    detail = "; ".join(note.message for note in result.notes[:3]) if result.status == "ok" else (
        result.error.message if result.error else "")
    if result.status == "error":
        message = result.error.message if result.error else ""
        if outcome == "internal-error":
            problem = "internal-error"
        elif outcome not in CONTRACT_CODES:
            problem = "bad-code"
        elif not message.startswith(name):
            problem = "message-does-not-name-file"
        elif "Traceback" in message:
            problem = "traceback-in-message"
    if problem is None:
        try:
            json.dumps(result.to_dict(), allow_nan=False)
        except (TypeError, ValueError) as exc:
            problem, detail = "bad-json", f"{type(exc).__name__}: {exc}"
    return Verdict(index=index, outcome=outcome, problem=problem, detail=detail)
