"""Reading a document's bytes from a path, a binary file object or bytes, within the size limit."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import IO

from ..errors import LimitExceededError, UnreadableFileError
from ._limits import Limits

__all__ = ["NUL_IN_PATH", "check_size", "read_path", "read_stream"]

#: What is wrong with a path holding a NUL character (from a caller's string: no file name can hold one).
NUL_IN_PATH = "holds a NUL character, which no file name can; check how the path was made."


def read_path(source: str | os.PathLike[str], name: str, limits: Limits) -> bytes:
    """The bytes of the file at ``source``; a folder, a device or a file over the limit is refused."""
    path = Path(source)
    if "\0" in str(path):
        raise UnreadableFileError(name, NUL_IN_PATH)
    try:
        with path.open("rb") as handle:
            info = os.fstat(handle.fileno())
            # A FIFO is read like a file (a silent one is stopped by the time limit); a device is refused.
            if stat.S_ISCHR(info.st_mode) or stat.S_ISBLK(info.st_mode):
                raise UnreadableFileError(name, "is a device, not a file; save the document to a file and scan "
                                                "that, or pipe it to 'htq-mark scan -'.")
            size = info.st_size
            if size > limits.max_file_bytes:
                raise LimitExceededError(name, f"the file is {size:,} bytes; the limit is "
                                               f"{limits.max_file_bytes:,} bytes.")
            # Asked for the file's size and a byte more: a read of the limit would take a buffer of
            # that size first. A file that grew meanwhile (or a FIFO, of size 0) is read on to the limit.
            data = handle.read(size + 1)
            if len(data) > size:
                data += handle.read(limits.max_file_bytes + 1 - len(data))
    except IsADirectoryError:
        raise UnreadableFileError(name, "is a folder; pass it as a PATH to scan everything inside.") from None
    except OSError as exc:
        raise UnreadableFileError(name, f"cannot be read ({exc.strerror or exc}); check the path "
                                        "and its permissions.") from exc
    if len(data) > limits.max_file_bytes:
        raise LimitExceededError(name, f"the file is larger than the {limits.max_file_bytes:,}-byte limit.")
    return data


def read_stream(stream: IO[bytes], name: str, limits: Limits) -> bytes:
    """The bytes a binary file object gives, up to the size limit."""
    try:
        data = stream.read(limits.max_file_bytes + 1)
    except OSError as exc:
        raise UnreadableFileError(name, f"cannot be read ({exc.strerror or exc}).") from exc
    if not isinstance(data, (bytes, bytearray)):
        raise UnreadableFileError(name, "the file object gave text, not bytes; open it in binary mode ('rb').")
    return check_size(bytes(data), name, limits)


def check_size(data: bytes, name: str, limits: Limits) -> bytes:
    """``data``, unless it is over the size limit."""
    if len(data) > limits.max_file_bytes:
        raise LimitExceededError(name, f"the document is larger than the {limits.max_file_bytes:,}-byte limit.")
    return data
