"""Document results kept on disk while a report is written, read back as often as a format needs.

A report of a million documents cannot hold them all in memory, and most formats
put something about every document (counts, an index) before any document's
details. The results are pickled one after another into a private temporary
file (thumbnails included); only each one's offset stays in memory.
"""

from __future__ import annotations

import array
import os
import pickle
import tempfile
from collections.abc import Iterator, Sequence
from typing import IO, TYPE_CHECKING, overload

from ..errors import UsageError

if TYPE_CHECKING:
    from ..scanner._results import DocumentResult

__all__ = ["Spool"]


class Spool(Sequence["DocumentResult"]):
    """Document results appended to a temporary file; a read-only sequence of them.

    Iterating reads the file from the start (each iteration with its own
    handle). :meth:`close` deletes the file.
    """

    def __init__(self, folder: str | os.PathLike[str] | None = None) -> None:
        self._file: IO[bytes] = tempfile.NamedTemporaryFile(prefix="htq-mark-report-", suffix=".spool",
                                                             dir=folder)
        self._offsets = array.array("q")
        self._closed = False

    def _check_open(self) -> None:
        if self._closed:
            raise UsageError("the report's documents were kept in a temporary file, deleted when its "
                             "ReportWriter was closed; use the report inside the writer's with-block "
                             "(or before close()).")

    def append(self, document: DocumentResult) -> None:
        self._check_open()
        self._offsets.append(self._file.tell())
        pickle.dump(document, self._file, protocol=pickle.HIGHEST_PROTOCOL)

    def __len__(self) -> int:
        self._check_open()
        return len(self._offsets)

    def __iter__(self) -> Iterator[DocumentResult]:
        self._check_open()
        self._file.flush()
        count = len(self._offsets)
        with open(self._file.name, "rb") as reader:
            for _ in range(count):
                yield pickle.load(reader)  # noqa: S301 - written by this process

    @overload
    def __getitem__(self, index: int) -> DocumentResult: ...

    @overload
    def __getitem__(self, index: slice) -> list[DocumentResult]: ...

    def __getitem__(self, index: int | slice) -> DocumentResult | list[DocumentResult]:
        if isinstance(index, slice):
            return [self[at] for at in range(*index.indices(len(self)))]
        self._check_open()
        offset = self._offsets[index]
        self._file.flush()
        with open(self._file.name, "rb") as reader:
            reader.seek(offset)
            document: DocumentResult = pickle.load(reader)  # noqa: S301 - written by this process
        return document

    def close(self) -> None:
        """Delete the file; the spool cannot be read afterwards."""
        self._file.close()
        self._offsets = array.array("q")
        self._closed = True
