"""Rendering a report in one of the formats, and choosing the format from a file's suffix."""

from __future__ import annotations

import importlib
import io
import os
from pathlib import PurePath
from typing import TYPE_CHECKING, Protocol

from .._io import refuses
from ..errors import UsageError
from ..scanner._inputs import DOCUMENT_SUFFIXES

if TYPE_CHECKING:
    from ..scanner._results import ScanReport

__all__ = ["FORMATS", "SUFFIXES", "check_report_path", "format_for_path", "render", "render_bytes"]

#: The report formats, the default (for a terminal) first.
FORMATS: tuple[str, ...] = ("text", "json", "sarif", "html", "junit")
#: The format an output file's suffix stands for.
SUFFIXES: dict[str, str] = {".txt": "text", ".text": "text", ".json": "json", ".sarif": "sarif",
                            ".html": "html", ".htm": "html", ".xml": "junit"}


def format_for_path(path: str | os.PathLike[str] | None, format: str | None = None) -> str | None:
    """The report format for writing to ``path``: ``format`` if given, else the one its suffix names.

    ``None`` when neither says. Raises :class:`htq_mark.errors.UsageError` when the
    suffix names another format than ``format`` (``report.json`` with ``sarif``).
    """
    suffix = PurePath(path).suffix.lower() if path is not None else ""
    implied = SUFFIXES.get(suffix)
    if suffix == ".json" and PurePath(str(path)).name.lower().endswith(".sarif.json"):
        implied = "sarif"
    if format is None:
        return implied
    if implied is not None and implied != format:
        raise UsageError(f"{path}: the suffix {suffix} means {implied}, but the format asked for is {format}; "
                         f"name the file for its format, or leave format=... out.")
    return format


def check_report_path(path: str | os.PathLike[str], format: str, *, what: str = "report") -> None:
    """Refuse to write a ``format`` report (the ``what``: a report, a baseline) to ``path`` named like a
    document a scan reads (``report.pdf``): the next scan of its folder would read it as one and fail.

    Raises :class:`htq_mark.errors.UsageError` saying what to name it.
    """
    suffix = PurePath(path).suffix.lower()
    if suffix in DOCUMENT_SUFFIXES:
        raise UsageError(f"{os.fspath(path)}: the suffix {suffix} is a document's, and the next scan of this folder "
                         f"would read the {what} as one; name it {_SUFFIX_OF[format]} ({format}).")


#: The suffix a report file in each format is given.
_SUFFIX_OF = {format: next(suffix for suffix, named in SUFFIXES.items() if named == format) for format in FORMATS}


class _Writer(Protocol):
    def write(self, text: str, /) -> object: ...


def render(report: ScanReport, fp: _Writer, format: str = "text", *, verbose: bool = False,
           quiet: bool = False) -> None:
    """Write ``report`` in ``format`` (one of :data:`FORMATS`) to the text stream ``fp``.

    ``verbose`` and ``quiet`` shape the text report (inputs' checksums; only the
    findings and problems); other formats always say everything.
    Raises :class:`htq_mark.errors.UsageError` for an unknown format.
    """
    if format not in FORMATS:
        raise UsageError(f"unknown report format {format!r}; choose one of {', '.join(FORMATS)}.")
    if not hasattr(report, "documents") or not callable(getattr(report, "to_dict", None)):
        raise UsageError(f"render takes a ScanReport (from scan, or load_report), not {type(report).__name__}.")
    if _is_binary(fp) or not callable(getattr(fp, "write", None)):
        raise UsageError(f"render writes text, to a stream such as sys.stdout or open(path, 'w', encoding='utf-8'), "
                         f"not to {type(fp).__name__}; render_bytes gives the bytes.")
    module = importlib.import_module(f"{__package__}._{format}")
    if format == "text":
        module.render(report, fp, verbose=verbose, quiet=quiet)
    else:
        module.render(report, fp)


def _is_binary(fp: object) -> bool:
    """Whether ``fp`` takes bytes: a binary file object, or one whose mode says binary and that
    refuses text (a binary ``tempfile.SpooledTemporaryFile`` is neither a raw nor a buffered stream)."""
    if isinstance(fp, (io.RawIOBase, io.BufferedIOBase)):
        return True
    mode = getattr(fp, "mode", None)
    return isinstance(mode, str) and "b" in mode and refuses(fp, str)


def render_bytes(report: ScanReport, format: str = "text", *, verbose: bool = False, quiet: bool = False) -> bytes:
    """``report`` in ``format`` as UTF-8 bytes, ready to write to a file."""
    buffer = io.BytesIO()
    # Encode as it is written, so a big report is not also held as one long str.
    text = io.TextIOWrapper(buffer, encoding="utf-8", newline="\n", write_through=True)
    try:
        render(report, text, format, verbose=verbose, quiet=quiet)
        text.flush()
        return buffer.getvalue()
    finally:
        text.detach()
