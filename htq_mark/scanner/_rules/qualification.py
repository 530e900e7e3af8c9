"""Text rules: the qualifications named with the mark, checked against the register.

On a page that shows the mark, every qualification ID named is checked on the
scan date: one that is not entitled is ``not-entitled``; if none named is
entitled, the page gets ``no-qualification``. On any page that claims HTQ
status ("Higher Technical Qualification", "HTQ"), a named qualification that is
not entitled is ``not-entitled`` too.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from ..._catalogue import NO_QUALIFICATION, NOT_ENTITLED
from .._results import BBox, Finding, Mark
from .._text import TextFacts

if TYPE_CHECKING:
    from ...register import Entitlement, Register

__all__ = ["check_page_qualifications"]

_MAX_IDS_PER_PAGE = 200


def _reasons(decision: Entitlement) -> str:
    problems = [r.message for r in decision.reasons if r.severity == "error"] or \
               [r.message for r in decision.reasons]
    return "; ".join(problems) if problems else "it is not on the register"


def _not_entitled(page: int, mark: Mark | None, written: str, canonical: str, decision: Entitlement,
                  on: datetime.date, bbox: BBox | None, claim: str | None) -> Finding:
    # As it reads: a number wrapped at its "/" on one line, the break gone.
    reads = " ".join(re.sub(r"[ \t\u00a0]*[\r\n]+[ \t\u00a0]*", "", written).split())
    shown = reads if reads == canonical else f"{reads} ({canonical})"
    if claim is not None:
        lead = f"The page claims HTQ status (\u201c{claim}\u201d) and names {shown}"
    else:
        lead = f"The page shows the mark and names {shown}"
    return Finding(
        rule=NOT_ENTITLED.id, severity=NOT_ENTITLED.severity, page=page, mark=mark.id if mark else None,
        bbox=bbox if bbox is not None else (mark.bbox if mark else None),
        message=f"{lead}, which is not entitled to the mark on {on.isoformat()}: {_reasons(decision)}.",
        fix=(f"Remove the mark and HTQ wording from material for {canonical}, or correct the number; "
             f"check it with: htq-mark check {canonical} --date {on.isoformat()}"),
        details={"qualification_id": canonical, "written": written, "on": on.isoformat(),
                 "reasons": [r.code for r in decision.reasons]})


def check_page_qualifications(page: int, facts: TextFacts, marks: Sequence[Mark], register: Register,
                              on: datetime.date, locate: Callable[[int, int], BBox | None], *,
                              absence_counts: bool = True) -> list[Finding]:
    """Findings for one page from its text, the marks on it and the register.

    Without ``absence_counts`` (text read from a picture of an image, where a number
    may be missed), naming no entitled qualification is not reported.
    """
    if not marks and not facts.claims:
        return []
    first_mark = marks[0] if marks else None
    findings: list[Finding] = []
    entitled_any = False
    seen: dict[str, Any] = {}
    for mention in facts.mentions[:_MAX_IDS_PER_PAGE * 4]:
        if mention.canonical in seen or len(seen) >= _MAX_IDS_PER_PAGE:
            continue
        decision = register.check(mention.canonical, on=on)
        seen[mention.canonical] = decision
        if decision.entitled:
            entitled_any = True
            continue
        claim = None if marks else facts.claims[0].written
        findings.append(_not_entitled(page, first_mark, mention.written, mention.canonical, decision, on,
                                      locate(mention.start, mention.end), claim))
    if marks and not entitled_any and absence_counts:
        named = ", ".join(seen) if seen else ""
        message = ("The page shows the mark but names no qualification entitled to it"
                   + (f" ({named} {'is' if len(seen) == 1 else 'are'} not entitled)." if named
                      else "; no qualification number (QN) is named."))
        findings.append(Finding(
            rule=NO_QUALIFICATION.id, severity=NO_QUALIFICATION.severity, page=page,
            mark=first_mark.id if first_mark else None,
            bbox=first_mark.bbox if first_mark else None, message=message,
            fix="Name the entitled qualification and its QN on the page, "
                f"or remove the mark; check a number with: htq-mark check QN --date {on.isoformat()}",
            details={"qualification_ids": list(seen)}))
    return findings
