"""Library messages name settings as Python; on the command line they read as its flags.

The library writes a setting the way a Python caller passes it: ``force=True``,
``password=...``, ``ocr="never"``, ``dpi=300``, or a limit as
``limits.max_page_bytes``. Here each becomes the flag that sets it (``--force``,
``--password``, ``--ocr never``, ``--dpi 300``, ``--limit max_page_bytes``;
``limits.max_seconds`` is ``--timeout``), in raised errors and in the messages a
scan report carries.
"""

from __future__ import annotations

import dataclasses
import re

from ..scanner._limits import Limits
from ..scanner._results import DocumentResult

__all__ = ["document_with_flags", "with_flags"]

#: The parameters whose flag is their name with dashes (``allow_private`` is ``--allow-private``).
_PARAMETERS = frozenset({"force", "allow_private", "follow_symlinks", "password", "date", "qualification",
                         "register", "ocr", "executor", "format", "column", "dpi", "colour_space", "jobs", "isolated"})
#: Limits with flags of their own; every other limit is ``--limit NAME``.
_LIMIT_FLAGS = {"max_seconds": "--timeout", "max_pages": "--max-document-pages", "max_pixels_per_page": "--max-pixels"}
_LIMITS = frozenset(field.name for field in dataclasses.fields(Limits))

# A setting starts a word (after a space, a bracket or the start), so text inside paths and URLs is left.
_SETTING = re.compile(r"(?<![^\s(])(?:(?P<name>[a-z_]+)="
                      r"(?:(?P<flag>True)|(?P<any>\.\.\.)|\"(?P<value>[\w.-]+)\"|(?P<number>\d+(?:\.\d+)?))"
                      r"|limits\.(?P<limit>[a-z_]+))(?![\w])")


def _flag(match: re.Match[str]) -> str:
    limit = match["limit"]
    if limit is not None:
        if limit not in _LIMITS:
            return match[0]
        return _LIMIT_FLAGS.get(limit, f"--limit {limit}")
    name = match["name"]
    if name not in _PARAMETERS:
        return match[0]
    flag = "--" + name.replace("_", "-")
    value = match["value"] or match["number"]
    return flag if value is None else f"{flag} {value}"


def with_flags(message: str) -> str:
    """``message`` with each setting named as Python shown as its command-line flag."""
    return _SETTING.sub(_flag, message)


def _message(message: str, path: str) -> str:
    """``message`` with flags, the document's own path (its usual start) left as it is."""
    prefix = f"{path}: "
    if message.startswith(prefix):
        return prefix + with_flags(message.removeprefix(prefix))
    return with_flags(message)


def document_with_flags(document: DocumentResult) -> DocumentResult:
    """``document`` with its error and note messages speaking of flags."""
    error = document.error
    if error is not None:
        error = dataclasses.replace(error, message=_message(error.message, document.path))
    notes = tuple(dataclasses.replace(note, message=_message(note.message, document.path))
                  for note in document.notes)
    return dataclasses.replace(document, error=error, notes=notes)
