"""Qualification IDs: parsing, normalising and finding them in text.

Two schemes are supported:

``ofqual``
    An Ofqual qualification number (QN): three digits, four digits and a check
    character, canonically ``NNN/NNNN/C`` (``603/7595/4``). Accepted spellings:
    with obliques, without separators (``60375954``), or with spaces, hyphens,
    dots, underscores or dashes between the groups (``603 7595 4``,
    ``603-7595-4``, ``603 / 7595 / 4``), a lower-case ``x``, and an optional
    ``QN``/``QAN`` label in front (``QN: 603/7595/4``).

    The check character is ``(8*d1 + 7*d2 + 6*d3 + 5*d4 + 4*d5 + 3*d6 + 2*d7)
    mod 11`` with 10 written ``X``. Ofqual does not document it, so a mismatch
    never rejects a number: :attr:`QualificationId.check_character_ok` is
    ``False`` and the entitlement check warns.

``ofs``
    A qualification designed by a university registered with the Office for
    Students has no QN. It is identified as ``UKPRN:COURSE-CODE``: the
    provider's eight-digit UK Provider Reference Number (it starts with 1), a
    colon, and the provider's course code (letters, digits, ``.``, ``_``, ``-``;
    up to 40 characters), e.g. ``10012345:HTQ-DIG-01``. An optional ``UKPRN``
    label is accepted; the course code is compared in upper case.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Literal

from ..errors import MalformedQualificationIdError

__all__ = [
    "QualificationId",
    "Scheme",
    "find_qualification_ids",
    "normalise_qualification_id",
    "ofqual_check_character",
    "parse_qualification_id",
]

Scheme = Literal["ofqual", "ofs"]

# Characters people put between the groups of a QN: spaces (including
# non-breaking and thin ones), obliques, backslashes, hyphens, dots,
# underscores and the Unicode dashes word processors substitute for hyphens.
_SEPARATOR_CHARS = " \t\u00a0\u2009\u202f/\\\\\\-._\u2010\u2011\u2012\u2013\u2014\u2212"
_SEP = f"[{_SEPARATOR_CHARS}]*"

_LABEL = r"(?:(?:QN|QAN)\s*(?:[:#.]\s*)?)?"
_OFQUAL_RE = re.compile(
    rf"{_LABEL}([0-9]{{3}}){_SEP}([0-9]{{4}}){_SEP}([0-9Xx])",
    re.IGNORECASE,
)
_COURSE_CODE = r"[A-Za-z0-9](?:[A-Za-z0-9._-]{0,38}[A-Za-z0-9])?"
_OFS_RE = re.compile(
    rf"(?:UKPRN\s*(?:[:#]\s*)?)?(1[0-9]{{7}})\s*:\s*({_COURSE_CODE})",
    re.IGNORECASE,
)

_DIGITS_AND_SEPARATORS_RE = re.compile(f"[0-9{_SEPARATOR_CHARS}]+[Xx]?")

_EXAMPLE_TEXT = (
    "expected an Ofqual qualification number such as 603/7595/4 (three digits, "
    "four digits and a check character, with or without the obliques) or an "
    "Office for Students ID such as 10012345:HTQ-DIG-01 (UKPRN:course code)"
)


@dataclass(frozen=True)
class QualificationId:
    """A parsed qualification ID in its canonical spelling."""

    canonical: str
    scheme: Scheme
    check_character_ok: bool | None
    """``True``/``False`` for Ofqual numbers; ``None`` for OfS IDs (no check character)."""

    def __str__(self) -> str:
        return self.canonical

    @property
    def expected_check_character(self) -> str | None:
        """The check character the first seven digits call for (Ofqual numbers only)."""
        if self.scheme != "ofqual":
            return None
        return ofqual_check_character(self.canonical[:3] + self.canonical[4:8])


def ofqual_check_character(first_seven_digits: str) -> str:
    """The check character for the seven digits of a QN: ``0``-``9`` or ``X``."""
    if len(first_seven_digits) != 7 or not first_seven_digits.isascii() \
            or not first_seven_digits.isdigit():
        raise MalformedQualificationIdError(
            first_seven_digits,
            f"{first_seven_digits!r}: the check character needs exactly seven digits",
        )
    d = first_seven_digits.encode("ascii")
    # The weighted sum of the digits' code points, less 48 ("0") times the weights' sum (35).
    total = 8 * d[0] + 7 * d[1] + 6 * d[2] + 5 * d[3] + 4 * d[4] + 3 * d[5] + 2 * d[6] - 48 * 35
    remainder = total % 11
    return "X" if remainder == 10 else str(remainder)


def _ofqual(head: str, middle: str, check: str) -> QualificationId:
    check = check.upper()
    return QualificationId(
        canonical=f"{head}/{middle}/{check}",
        scheme="ofqual",
        check_character_ok=ofqual_check_character(head + middle) == check,
    )


def parse_qualification_id(text: str) -> QualificationId:
    """Parse ``text`` as a qualification ID in any accepted spelling.

    Raises :class:`~htq_mark.errors.MalformedQualificationIdError` (a
    :class:`~htq_mark.errors.UsageError`) when it is neither an Ofqual number
    nor an OfS ID. A wrong check character is not an error: see
    :attr:`QualificationId.check_character_ok`.
    """
    if not isinstance(text, str):
        raise MalformedQualificationIdError(
            repr(text), f"{text!r} is not text; {_EXAMPLE_TEXT}."
        )
    stripped = text.strip()
    match = _OFQUAL_RE.fullmatch(stripped)
    if match:
        return _ofqual(*match.groups())
    match = _OFS_RE.fullmatch(stripped)
    if match:
        ukprn, course = match.groups()
        return QualificationId(f"{ukprn}:{course.upper()}", "ofs", None)
    shown = stripped if len(stripped) <= 60 else stripped[:57] + "..."
    if not stripped:
        problem = "is empty"
    elif _DIGITS_AND_SEPARATORS_RE.fullmatch(stripped) and len(stripped) <= 30:
        digits = sum(ch in "0123456789Xx" for ch in stripped)
        problem = (f"has {digits} digits where an Ofqual number has eight" if digits != 8
                   else "groups its digits wrongly (an Ofqual number is NNN/NNNN/C)")
    else:
        problem = "is not a qualification ID"
    raise MalformedQualificationIdError(text, f"{shown!r} {problem}; {_EXAMPLE_TEXT}.")


def normalise_qualification_id(text: str) -> str:
    """Return the canonical spelling of a qualification ID.

    Ofqual numbers become ``NNN/NNNN/C`` (upper-case ``X``) whether or not the
    check character matches; OfS IDs become ``UKPRN:COURSE-CODE`` in upper case.
    Raises :class:`~htq_mark.errors.MalformedQualificationIdError` for anything else.
    Normalising is idempotent.
    """
    return parse_qualification_id(text).canonical


# --- finding IDs in free text -------------------------------------------------
#
# The heuristic, in order of confidence:
#  1. NNN/NNNN/C with obliques (spaces or tabs around them allowed) is always
#     reported, matching check character or not: it is how QNs are printed, and
#     a mistyped one is exactly what a brand check should flag.
#  2. The groups separated by one other separator used twice (``603 7595 4``,
#     ``603-7595-4``, ``603.7595.4``) and the unseparated ``60375954`` are
#     reported only when the check character matches, or when a label such as
#     "QN", "QAN", "qualification number" or "Ofqual number" comes right before.
#     Unlabelled unseparated numbers that read as a YYYYMMDD date are skipped.
#  3. Nothing is reported inside a longer run of letters or digits, or when a
#     digit group continues it across a separator (``0161 603 7595 4``,
#     ``603-7595-4-12``): those are phone numbers, ISBNs and references.
#  4. OfS IDs are reported as ``UKPRN:COURSE-CODE`` (eight digits starting
#     with 1, a colon, a course code).

_ONE_SEP = "[ \u00a0\\-._\u2010\u2011\u2012\u2013\u2014]"
# A little space either side of an oblique, and after it at most one line break (a number wrapped at its "/").
_BEFORE_OBLIQUE = "[ \t\u00a0]{0,2}"
_AFTER_OBLIQUE = "[ \t\u00a0]{0,2}(?:\r?\n[ \t\u00a0]{0,2})?"
_FIND_RE = re.compile(
    r"(?<![0-9A-Za-z])(?:"
    rf"(?P<o1>[0-9]{{3}}){_BEFORE_OBLIQUE}/{_AFTER_OBLIQUE}(?P<o2>[0-9]{{4}})"
    rf"{_BEFORE_OBLIQUE}/{_AFTER_OBLIQUE}(?P<o3>[0-9Xx])"
    rf"|(?P<s1>[0-9]{{3}})(?P<sep>{_ONE_SEP})(?P<s2>[0-9]{{4}})(?P=sep)(?P<s3>[0-9Xx])"
    rf"|(?:UKPRN\s*(?:[:#]\s*)?)?(?P<u>1[0-9]{{7}})\s*:\s*(?P<course>{_COURSE_CODE})"
    r"|(?P<c>[0-9]{7}[0-9Xx])"
    r")(?![0-9A-Za-z])"
)
_LABEL_BEFORE_RE = re.compile(
    r"(?:\bQA?N|\bqualification\s+(?:accreditation\s+)?(?:number|no\.?|code|ref(?:erence)?)"
    r"|\bofqual\s+(?:qualification\s+)?(?:number|no\.?|code|ref(?:erence)?|QN))"
    r"\s*(?:[:#=]\s*|-\s*|is\s+)?$",
    re.IGNORECASE,
)
_CONTINUES_BEFORE_RE = re.compile(rf"[0-9]{_ONE_SEP}?$|[0-9]/$")
_CONTINUES_AFTER_RE = re.compile(rf"(?:{_ONE_SEP}|/)[0-9]")
_OBLIQUE_BEFORE_RE = re.compile(r"[0-9]/$")
_OBLIQUE_AFTER_RE = re.compile(r"/[0-9]")
_LOOKBACK = 48


def _labelled(text: str, start: int) -> bool:
    return _LABEL_BEFORE_RE.search(text[max(0, start - _LOOKBACK):start]) is not None


def _looks_like_date(digits: str) -> bool:
    try:
        date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        return False
    return 1900 <= int(digits[:4]) <= 2199


def _continues_number(text: str, start: int, end: int) -> bool:
    before = text[max(0, start - 2):start]
    return (_CONTINUES_BEFORE_RE.search(before) is not None
            or _CONTINUES_AFTER_RE.match(text, end) is not None)


def _found_id(match: re.Match[str], text: str) -> QualificationId | None:
    start, end = match.span()
    if match["o1"]:
        if (_OBLIQUE_BEFORE_RE.search(text, max(0, start - 2), start)
                or _OBLIQUE_AFTER_RE.match(text, end)):
            return None  # part of a longer oblique-separated number (a date, a path)
        return _ofqual(match["o1"], match["o2"], match["o3"])
    if match["u"]:
        return QualificationId(f"{match['u']}:{match['course'].upper()}", "ofs", None)
    if match["s1"]:
        found = _ofqual(match["s1"], match["s2"], match["s3"])
        compact = None
    else:
        compact = match["c"]
        found = _ofqual(compact[:3], compact[3:7], compact[7])
    if _continues_number(text, start, end):
        return None
    if _labelled(text, start):
        return found
    if not found.check_character_ok:
        return None
    if compact is not None and compact.isdigit() and _looks_like_date(compact):
        return None
    return found


def find_qualification_ids(text: str) -> list[tuple[str, int, int]]:
    """Find qualification IDs in free text: ``(canonical, start, end)`` in text order.

    ``text[start:end]`` is the ID as written. See the module source for the
    heuristic that keeps phone numbers, dates and ISBNs out; in short, only the
    oblique spelling is reported with a wrong check character (unless a "QN"
    style label comes right before).
    """
    found: list[tuple[str, int, int]] = []
    for match in _FIND_RE.finditer(text):
        qid = _found_id(match, text)
        if qid is not None:
            start, end = match.span()
            if match["u"]:
                start = match.start("u")
            found.append((qid.canonical, start, end))
    return found
