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

from .._io import temporary_write_advice
from ..errors import HtqMarkError, UsageError

if TYPE_CHECKING:
    from ..scanner._results import DocumentResult

__all__ = ["Spool"]


class Spool(Sequence["DocumentResult"]):
    """Document results appended to a temporary file; a read-only sequence of them.

    Iterating reads the file from the start. :meth:`close` deletes the file.
    """

    def __init__(self, folder: str | os.PathLike[str] | None = None) -> None:
        # Unnamed (deleted at once where the system allows it), so a killed process leaves nothing behind.
        self._file: IO[bytes] = tempfile.TemporaryFile(prefix="htq-mark-report-", suffix=".spool", dir=folder)
        self._offsets = array.array("q")
        self._closed = False

    def _check_open(self) -> None:
        if self._closed:
            raise UsageError("the report's documents were kept in a temporary file, deleted when its "
                             "ReportWriter was closed; use the report inside the writer's with-block "
                             "(or before close()).")

    def append(self, document: DocumentResult) -> None:
        self._check_open()
        try:
            offset = self._file.tell()
            pickle.dump(document, self._file, protocol=pickle.HIGHEST_PROTOCOL)
        except OSError as exc:
            raise _no_room(exc) from exc
        self._offsets.append(offset)

    def __len__(self) -> int:
        self._check_open()
        return len(self._offsets)

    def __iter__(self) -> Iterator[DocumentResult]:
        self._check_open()
        for index in range(len(self._offsets)):
            yield self._read(index)

    @overload
    def __getitem__(self, index: int) -> DocumentResult: ...

    @overload
    def __getitem__(self, index: slice) -> list[DocumentResult]: ...

    def __getitem__(self, index: int | slice) -> DocumentResult | list[DocumentResult]:
        if isinstance(index, slice):
            return [self[at] for at in range(*index.indices(len(self)))]
        self._check_open()
        return self._read(range(len(self._offsets))[index])

    def _read(self, index: int) -> DocumentResult:
        # The writing position is put back, so reading may go on between appends.
        try:
            end_of_file = self._file.tell()  # writes out what is still buffered
            self._file.seek(self._offsets[index])
            try:
                document: DocumentResult = pickle.load(self._file)  # noqa: S301 - written by this process
            finally:
                self._file.seek(end_of_file)
        except OSError as exc:
            raise _no_room(exc) from exc
        return document

    def close(self) -> None:
        """Delete the file; the spool cannot be read afterwards."""
        try:
            self._file.close()
        except OSError:
            pass  # what was still buffered could not be written: the file goes anyway
        self._offsets = array.array("q")
        self._closed = True


def _no_room(exc: OSError) -> HtqMarkError:
    return HtqMarkError(f"{tempfile.gettempdir()}: the report's documents could not be kept in the temporary folder "
                        f"({exc.strerror or exc}); {temporary_write_advice(exc.errno)}.")
