"""The report contract's vocabulary, written once: severities, error codes, note codes, rules and reasons.

Everything else (the result types, the errors' codes, the JSON schema's enums,
the SARIF rule metadata, ``htq-mark rules``, the command line's choices) derives
from this module, and a test fails when one of them names something this
catalogue does not.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

__all__ = [
    "ALTERED_ARTWORK",
    "CLEAR_SPACE",
    "CROPPED",
    "DISTORTED",
    "DOCUMENT_ERRORS",
    "DocumentErrorCode",
    "ErrorCode",
    "FAIL_ON_CHOICES",
    "LOW_CONTRAST",
    "LOW_RESOLUTION",
    "MISSING_ALT_TEXT",
    "NOTE_CODES",
    "NOT_ENTITLED",
    "NO_QUALIFICATION",
    "REASONS",
    "REASON_CODES",
    "RECOLOURED",
    "ROTATED",
    "RULES",
    "Rule",
    "Severity",
    "TOO_SMALL",
    "rule",
]


class _Word(str, enum.Enum):
    """A word of the contract: equal to, hashed and printed as its text."""

    def __str__(self) -> str:
        return str.__str__(self)

    def __format__(self, format_spec: str) -> str:
        return str.__format__(self, format_spec)


class Severity(_Word):
    """How bad a finding or note is; the members are listed worst first.

    ``rank`` orders them (0 is the worst) and ``at_least()`` compares two. ``<``
    stays the comparison of the text, so a severity sorts like the string it equals
    beside plain strings.
    """

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        """0 for the worst severity, then 1, 2: the order reports list things in."""
        return _RANKS[self]

    def at_least(self, other: Severity | str) -> bool:
        """Whether this severity is as bad as ``other`` or worse (``other`` may be its text)."""
        return self.rank <= Severity(other).rank

    __hash__ = str.__hash__


_RANKS: Mapping[str, int] = {severity.value: rank for rank, severity in enumerate(Severity)}


class ErrorCode(_Word):
    """The stable, machine-readable code of every :class:`~htq_mark.errors.HtqMarkError`,
    and of every document that could not be scanned (see :data:`DOCUMENT_ERRORS`)."""

    ERROR = "error"
    USAGE = "usage"
    BELOW_MINIMUM = "below-minimum"
    MALFORMED_ID = "malformed-id"
    CONFIG = "config"
    REPORT_FILE = "report-file"
    OUTPUT_EXISTS = "output-exists"
    KIT = "kit"
    SPEC = "spec"
    UNSAFE_ARTWORK = "unsafe-artwork"
    REGISTER = "register"
    REGISTER_INVALID = "register-invalid"
    NOT_ENTITLED = "not-entitled"
    BROWSER_MISSING = "browser-missing"
    # A document's error (DocumentErrorCode):
    UNREADABLE = "unreadable"
    ENCRYPTED = "encrypted"
    UNSUPPORTED = "unsupported"
    TOO_LARGE = "too-large"
    TIMEOUT = "timeout"
    WORKER_LOST = "worker-lost"
    BLOCKED = "blocked"
    INTERNAL_ERROR = "internal-error"


#: The codes a document that could not be scanned carries in a report (``documents[].error.code``).
DocumentErrorCode = Literal[ErrorCode.UNREADABLE, ErrorCode.ENCRYPTED, ErrorCode.UNSUPPORTED, ErrorCode.TOO_LARGE,
                            ErrorCode.TIMEOUT, ErrorCode.WORKER_LOST, ErrorCode.BLOCKED,
                            ErrorCode.INTERNAL_ERROR]

#: Each document error code and what it means.
DOCUMENT_ERRORS: Mapping[DocumentErrorCode, str] = MappingProxyType({
    ErrorCode.UNREADABLE: "The file is damaged, empty or not what its name says.",
    ErrorCode.ENCRYPTED: "The PDF needs a password that was not given, or the one given is wrong.",
    ErrorCode.UNSUPPORTED: "The file is in a format the scanner does not read.",
    ErrorCode.TOO_LARGE: "The document exceeds a size, page, pixel or nesting limit.",
    ErrorCode.TIMEOUT: "The document took longer than the per-document time limit.",
    ErrorCode.WORKER_LOST: "The cluster lost the worker scanning the document, or the connection to its scheduler.",
    ErrorCode.BLOCKED: "The web address was not fetched: robots.txt disallows it, or it is a private address.",
    ErrorCode.INTERNAL_ERROR: "htq-mark failed on the document because of a bug of its own; please report it.",
})

#: Every note a document can carry: its code, its severity and a one-line meaning. A note says the
#: scan of a document was less than complete or not what it seems; ``fail_on`` can select it.
NOTE_CODES: Mapping[str, tuple[Severity, str]] = MappingProxyType({
    "structure-unreadable": (Severity.WARNING, "The PDF's structure (a page's dictionary or the document's) could "
                                               "not be read, so marks were judged from pixels only."),
    "page-unreadable": (Severity.WARNING, "A page could not be read or rendered; it was skipped."),
    "reduced-resolution": (Severity.INFO, "A very large page (or one of units larger than points) was rendered at "
                                          "a lower resolution on the printed page; small marks may be missed."),
    "user-unit": (Severity.INFO, "A PDF page sets /UserUnit (its units are not points, as on a banner): sizes in "
                                 "mm and ppi follow it, so they differ from what viewers that ignore it show."),
    "polyglot": (Severity.WARNING, "The file is valid as more than one format; it was scanned as each."),
    "symlink-outside": (Severity.INFO, "A symbolic link leads outside the folders given; it was not followed."),
    "symlink-loop": (Severity.WARNING, "A symbolic link leads back to a folder that contains it, or nowhere; it "
                                       "was not followed."),
    "web-refused": (Severity.INFO, "A web page asked for something that was refused (a private or link-local "
                                   "address, or another site's pop-up); the page was scanned without it."),
    "web-navigation": (Severity.INFO, "A web page tried to go to another address by itself (a refresh or a "
                                      "script); the page was scanned as it stood."),
    "ocr-unavailable": (Severity.INFO, "Text in pictures was not read because the OCR engine is not installed "
                                       "(pip install 'htq-mark[ocr]')."),
    "ocr-failed": (Severity.INFO, "The OCR engine could not read the text in a picture; the rest was scanned."),
})

#: What ``fail_on`` (and ``htq-mark scan --fail-on``) accepts: a severity, ``never``, or a note code.
FAIL_ON_CHOICES: tuple[str, ...] = (*(severity.value for severity in Severity), "never", *NOTE_CODES)

#: Every reason an entitlement check gives, with its severity: ``error`` denies the mark, ``warning``
#: does not, ``info`` explains a yes. Stable across releases (the check result's ``reasons[].code``).
REASONS: Mapping[str, Severity] = MappingProxyType({
    "malformed-id": Severity.ERROR,
    "check-character": Severity.WARNING,
    "not-on-register": Severity.ERROR,
    "before-approval": Severity.ERROR,
    "before-first-teaching": Severity.ERROR,
    "withdrawn": Severity.ERROR,
    "regulated-status-ended": Severity.ERROR,
    "regulated-status-unchecked": Severity.WARNING,
    "entitled": Severity.INFO,
})
REASON_CODES: tuple[str, ...] = tuple(REASONS)


@dataclass(frozen=True)
class Rule:
    """One rule the scanner reports: its id, default severity, title, one-line meaning and general fix.

    ``help`` is the general advice, with the ``htq-mark`` command (a template with
    ``<placeholders>``) that makes the right asset where one applies; each finding
    carries its own exact fix with the measured values.
    """

    id: str
    severity: Severity
    title: str
    meaning: str
    help: str


TOO_SMALL = Rule(
    "too-small", Severity.ERROR, "Mark too small",
    "The artwork is narrower than the minimum width.",
    "Place the artwork at least as wide as the kit's minimum (millimetres in print, pixels on "
    "screen). Make an asset at the right size with "
    "`htq-mark generate --variant colour --width <minimum>mm --format pdf -o mark.pdf`.")
DISTORTED = Rule(
    "distorted", Severity.ERROR, "Mark distorted",
    "The aspect ratio differs from the artwork's by more than the tolerance.",
    "Scale the mark by the same factor in both directions (lock the aspect ratio), or place a "
    "fresh asset made with `htq-mark generate --variant colour --width <width> --format pdf`.")
ROTATED = Rule(
    "rotated", Severity.ERROR, "Mark rotated",
    "The mark is not upright.",
    "Place the mark upright, without rotation or skew.")
RECOLOURED = Rule(
    "recoloured", Severity.ERROR, "Mark recoloured",
    "The colours match no approved variant.",
    "Use one of the approved variants unchanged (colour, black or white, as the kit lists); make "
    "it with `htq-mark generate --variant <variant> --format pdf`.")
CLEAR_SPACE = Rule(
    "clear-space", Severity.ERROR, "Clear space not kept",
    "Other content is inside the clear-space zone.",
    "Move text and images out of the clear-space zone around the mark, or generate the mark with "
    "its clear space built in (`htq-mark generate --variant <variant> --width <width> "
    "--format pdf`).")
LOW_CONTRAST = Rule(
    "low-contrast", Severity.ERROR, "Low contrast or wrong variant for the background",
    "Wrong variant for its background, or contrast below the minimum.",
    "Use the variant made for the background (the white variant on dark and photographic "
    "backgrounds, colour or black on light ones), e.g. "
    "`htq-mark generate --variant white --width <width> --format pdf`, or place the mark on a "
    "calmer area.")
LOW_RESOLUTION = Rule(
    "low-resolution", Severity.WARNING, "Raster mark at low resolution",
    "A raster mark is printed below the recommended (warning) or minimum (error) resolution.",
    "Use the vector artwork (PDF or SVG) for print, or a raster file with enough pixels for the "
    "placed size: `htq-mark generate --variant <variant> --width <width> --format pdf`.")
CROPPED = Rule(
    "cropped", Severity.ERROR, "Mark cut off or covered",
    "Part of the mark is cut off by the page or image edge, or covered.",
    "Place the whole mark inside the page, with nothing over it and its clear space kept.")
ALTERED_ARTWORK = Rule(
    "altered-artwork", Severity.ERROR, "Artwork altered",
    "The mark differs from the approved artwork.",
    "Replace the mark with the approved artwork, without effects, outlines, added or removed "
    "parts: `htq-mark generate --variant <variant> --width <width> --format pdf`.")
NO_QUALIFICATION = Rule(
    "no-qualification", Severity.WARNING, "No entitled qualification named",
    "A page shows the mark but names no qualification entitled to it.",
    "Name, on the page that shows the mark, the qualification (its Ofqual number) that is "
    "entitled to it, or remove the mark. Check with `htq-mark check <QN>`.")
NOT_ENTITLED = Rule(
    "not-entitled", Severity.ERROR, "Qualification not entitled to the mark",
    "The document shows the mark or claims HTQ status for a qualification that is not entitled.",
    "Remove the mark and any HTQ claim for this qualification, or correct the qualification "
    "number. Check entitlement on a date with `htq-mark check <QN> --date <YYYY-MM-DD>`.")
MISSING_ALT_TEXT = Rule(
    "missing-alt-text", Severity.INFO, "Mark without a text alternative",
    "A web page shows the mark in an element without an accessible name.",
    "Give the element showing the mark an accessible name: `alt` on an image, `<title>` or "
    "`aria-label` on an inline SVG, `role=\"img\"` with `aria-label` on a CSS background.")

#: Every rule, by id, in the order reports list them.
RULES: Mapping[str, Rule] = MappingProxyType({r.id: r for r in (
    TOO_SMALL, DISTORTED, ROTATED, RECOLOURED, CLEAR_SPACE, LOW_CONTRAST, LOW_RESOLUTION, CROPPED,
    ALTERED_ARTWORK, NO_QUALIFICATION, NOT_ENTITLED, MISSING_ALT_TEXT)})


def rule(rule_id: str) -> Rule:
    """The rule called ``rule_id``; KeyError naming the known rules if there is none."""
    try:
        return RULES[rule_id]
    except KeyError:
        raise KeyError(f"unknown rule {rule_id!r}; the rules are {', '.join(RULES)}") from None
