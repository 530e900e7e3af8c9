"""Documents that arrive on a stream: ``-`` (standard input), ``/dev/stdin`` and ``/dev/fd/N``.

Such a path means something only in the process that was given it (a worker
has its own standard input), so the stream is read here, in the caller's
process, into a private temporary file that a worker can open. Reading stops at
the file-size limit and at the time limit, so a stream that never ends or never
speaks cannot stall the scan.
"""

from __future__ import annotations

import os
import select
import stat
import time
from pathlib import Path

from .._catalogue import DocumentErrorCode, ErrorCode
from .._io import put, temporary_write_advice
from ..errors import UsageError
from ._inputs import InputDocument
from ._limits import Limits
from ._results import DocumentError

__all__ = ["check_streams", "is_stream", "stage_stream"]

_STANDARD_INPUT = frozenset({"-", "/dev/stdin", "/dev/fd/0", "/proc/self/fd/0"})
_CHUNK = 1 << 20


def is_stream(path: str) -> bool:
    """Whether ``path`` names one of this process's own streams rather than a file."""
    return path in _STANDARD_INPUT or path.startswith(("/dev/fd/", "/proc/self/fd/"))


def _pipe_identity(path: str) -> tuple[int, int] | None:
    """The (device, inode) of the FIFO at ``path``, which (as a stream) can be read only once; None if none."""
    try:
        info = os.stat(path)
    except (OSError, ValueError):
        return None
    return (info.st_dev, info.st_ino) if stat.S_ISFIFO(info.st_mode) else None


def check_streams(paths: list[str]) -> None:
    """Raise :class:`UsageError` when one stream (or named pipe) is given more than once: it can be read only once."""
    by_descriptor: dict[object, list[str]] = {}
    for path in paths:
        if is_stream(path):
            by_descriptor.setdefault("0" if path in _STANDARD_INPUT else path.rsplit("/", 1)[1], []).append(path)
        elif (pipe := _pipe_identity(path)) is not None:
            by_descriptor.setdefault(pipe, []).append(path)
    for descriptor, given in by_descriptor.items():
        if len(given) > 1:
            what = "standard input" if descriptor == "0" else f"the stream {given[0]}"
            raise UsageError(f"{what} is given {len(given)} times ({', '.join(given)}); it can be read only "
                             "once: give it once, or save it to a file.")


def _failed(path: str, code: DocumentErrorCode, message: str) -> InputDocument:
    return InputDocument(path=path, location=None, error=DocumentError(code, f"{path}: {message}"))


def stage_stream(path: str, folder: Path, limits: Limits, index: int) -> InputDocument:
    """Copy the stream ``path`` into ``folder`` and return the document to scan in its place."""
    try:
        fd = 0 if path in _STANDARD_INPUT else os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    except OSError as exc:
        return _failed(path, ErrorCode.UNREADABLE, f"cannot be opened ({exc.strerror}); check the path.")
    target = folder / f"stream-{index}"
    deadline = time.monotonic() + limits.max_seconds
    written = 0
    try:
        with target.open("wb") as out:
            while True:
                remaining = deadline - time.monotonic()
                if remaining <= 0 or not select.select([fd], [], [], remaining)[0]:
                    return _failed(path, ErrorCode.TIMEOUT,
                                   f"the stream sent no end within the {limits.max_seconds:g} s "
                                   "limit; save the document to a file and scan that.")
                chunk = os.read(fd, _CHUNK)
                if not chunk:
                    break
                written += len(chunk)
                if written > limits.max_file_bytes:
                    return _failed(path, ErrorCode.TOO_LARGE,
                                   f"the stream is larger than the {limits.max_file_bytes:,}-byte limit.")
                try:
                    put(out, chunk)  # all of it, or the reason (a write cut short says nothing itself)
                except OSError as exc:
                    return _failed(path, ErrorCode.UNREADABLE,
                                   f"could not be copied into the temporary folder {folder.parent} "
                                   f"({exc.strerror}); {temporary_write_advice(exc.errno)}.")
    except OSError as exc:
        return _failed(path, ErrorCode.UNREADABLE, f"cannot be read ({exc.strerror}).")
    finally:
        if fd != 0:
            os.close(fd)
    return InputDocument(path=path, location=target)
