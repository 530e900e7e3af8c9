"""The errors htq-mark raises.

Every error is an :class:`HtqMarkError`. Messages say what was found, what was
expected and what to do; where a file is involved they name it (and the page).
Foreign exceptions (Pillow, pypdf, pypdfium2, OpenCV, cairosvg) are translated
once, where they enter the library, with ``raise ... from exc``.

The tree::

    HtqMarkError
    ├── UsageError                  a call's arguments are wrong
    │   ├── BelowMinimumSizeError   a requested width is below the kit's minimum
    │   ├── MalformedQualificationIdError  text that is not a qualification number
    │   ├── ConfigError             a configuration file or one of its settings is wrong
    │   └── ReportFileError         a saved report (e.g. a baseline) cannot be read back
    ├── OutputExistsError           an output file exists and overwriting was not allowed
    ├── KitError                    a kit folder, its spec or its artwork is unusable
    │   ├── SpecError               the spec TOML is missing a key or has a bad value
    │   └── UnsafeArtworkError      artwork SVG with scripts, entities or external references
    ├── RegisterError               a register file cannot be used
    │   └── RegisterValidationError one or more rows are invalid (all are listed)
    ├── NotEntitledError            a qualification is not entitled to the mark
    ├── BrowserUnavailableError     a web page was asked for but headless Chromium is missing
    └── InputError                  a document to scan cannot be used
        ├── UnreadableFileError     the file is damaged or not what its name says
        ├── UnsupportedFormatError  the format is not one the scanner reads
        ├── EncryptedDocumentError  the PDF needs a password that was not given or is wrong
        ├── LimitExceededError      the document exceeds a size, page or pixel limit
        ├── ScanTimeoutError        the document took longer than the time limit
        └── BlockedError            a web address refused (robots.txt or a private address)

Each error has a ``code`` (an :class:`ErrorCode`, equal to its text such as
``"unreadable"``): a stable, machine-readable name used in reports and by the
command line to choose the exit status.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ._catalogue import DocumentErrorCode, ErrorCode

__all__ = [
    "BelowMinimumSizeError",
    "BlockedError",
    "BrowserUnavailableError",
    "ConfigError",
    "EncryptedDocumentError",
    "HtqMarkError",
    "InputError",
    "KitError",
    "LimitExceededError",
    "MalformedQualificationIdError",
    "NotEntitledError",
    "OutputExistsError",
    "RegisterError",
    "RegisterProblem",
    "RegisterValidationError",
    "ReportFileError",
    "ScanTimeoutError",
    "SpecError",
    "UnreadableFileError",
    "UnsafeArtworkError",
    "UnsupportedFormatError",
    "UsageError",
]


class HtqMarkError(Exception):
    """Root of every error raised by htq-mark."""

    code: ErrorCode = ErrorCode.ERROR

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message

    def __reduce__(self) -> tuple[Any, ...]:
        # Rebuilt from the message and attributes, whatever the subclass's __init__ takes, so errors
        # cross process boundaries (worker processes, Dask) intact.
        return _rebuilt, (type(self), self.message, dict(self.__dict__))


def _rebuilt(cls: type[HtqMarkError], message: str, state: dict[str, Any]) -> HtqMarkError:
    error = cls.__new__(cls)
    Exception.__init__(error, message)
    error.__dict__.update(state)
    return error


class UsageError(HtqMarkError):
    """Raised when a call's arguments are wrong (a bad width, unit, variant or format)."""

    code = ErrorCode.USAGE


class BelowMinimumSizeError(UsageError):
    """Raised when a requested artwork width is below the kit's minimum."""

    code = ErrorCode.BELOW_MINIMUM


class MalformedQualificationIdError(UsageError):
    """Raised when text is not a qualification number in any accepted spelling."""

    code = ErrorCode.MALFORMED_ID

    def __init__(self, text: str, message: str) -> None:
        super().__init__(message)
        self.text = text


class ConfigError(UsageError):
    """Raised when a configuration file cannot be read or one of its settings is wrong."""

    code = ErrorCode.CONFIG


class ReportFileError(UsageError):
    """Raised when a saved JSON report (such as a baseline) cannot be read back."""

    code = ErrorCode.REPORT_FILE


class OutputExistsError(HtqMarkError):
    """Raised when an output file already exists and overwriting was not allowed."""

    code = ErrorCode.OUTPUT_EXISTS

    def __init__(self, path: str, what: str = "the file already exists",
                 fix: str = "choose another output path or pass force=True to overwrite it.") -> None:
        super().__init__(f"{path}: {what}; {fix}")
        self.path = path


class KitError(HtqMarkError):
    """Raised when a kit folder, its spec or its artwork cannot be used."""

    code = ErrorCode.KIT


class SpecError(KitError):
    """Raised when the kit's spec TOML is missing a key or holds a bad value."""

    code = ErrorCode.SPEC

    def __init__(self, path: str, key: str, problem: str) -> None:
        super().__init__(f"{path}: [{key}] {problem}")
        self.path = path
        self.key = key
        self.problem = problem


class UnsafeArtworkError(KitError):
    """Raised when artwork SVG holds scripts, entities or external references."""

    code = ErrorCode.UNSAFE_ARTWORK


@dataclass(frozen=True)
class RegisterProblem:
    """One problem found in a register file: where it is and what is wrong."""

    source: str
    line: int | None
    message: str
    field: str | None = None

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}" if self.line is not None else self.source
        field = f" [{self.field}]" if self.field else ""
        return f"{where}:{field} {self.message}"


class RegisterError(HtqMarkError):
    """Raised when a register file cannot be read at all."""

    code = ErrorCode.REGISTER


class RegisterValidationError(RegisterError):
    """Raised when rows of a register are invalid; ``problems`` lists every one."""

    code = ErrorCode.REGISTER_INVALID

    def __init__(self, source: str, problems: Sequence[RegisterProblem], *, what: str = "the register") -> None:
        self.source = source
        self.problems = tuple(problems)
        lines = "\n".join(f"  {problem}" for problem in self.problems)
        super().__init__(
            f"{source}: {len(self.problems)} problem(s) in {what}; "
            f"fix these rows and load it again:\n{lines}"
        )


class NotEntitledError(HtqMarkError):
    """Raised when a qualification is not entitled to the mark on the date asked."""

    code = ErrorCode.NOT_ENTITLED


class InputError(HtqMarkError):
    """Raised when a document to scan cannot be used."""

    code: DocumentErrorCode = ErrorCode.UNREADABLE

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path
        self.detail = message


class UnreadableFileError(InputError):
    """Raised when a file is damaged, empty or not what its name says."""

    code = ErrorCode.UNREADABLE


class UnsupportedFormatError(InputError):
    """Raised when a file is in a format the scanner does not read."""

    code = ErrorCode.UNSUPPORTED


class EncryptedDocumentError(InputError):
    """Raised when a PDF needs a password that was not given, or the one given is wrong."""

    code = ErrorCode.ENCRYPTED


class LimitExceededError(InputError):
    """Raised when a document exceeds a size, page, pixel or nesting limit."""

    code = ErrorCode.TOO_LARGE


class ScanTimeoutError(InputError):
    """Raised when a document takes longer than the per-document time limit."""

    code = ErrorCode.TIMEOUT


class BlockedError(InputError):
    """Raised when a web address may not be fetched: robots.txt disallows it, or it is private."""

    code = ErrorCode.BLOCKED


class BrowserUnavailableError(HtqMarkError):
    """Raised when a web page is to be scanned but headless Chromium cannot be started."""

    code = ErrorCode.BROWSER_MISSING
