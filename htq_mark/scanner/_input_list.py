"""The documents of a scan, held compactly: most are plain files, kept on disk as their path alone.

A scan of a million files keeps every document's name until its turn comes; an
:class:`~htq_mark.scanner._inputs.InputDocument` with its ``Path`` costs about
half a kilobyte and a path string a fifth of that. Here the paths wait in a
private temporary file and only each one's offset (8 bytes) stays in memory, so
the client's memory does not grow with the number of documents.
"""

from __future__ import annotations

import array
import os
import tempfile
import threading
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import IO, overload

from ._inputs import InputDocument

__all__ = ["InputList", "Runnable"]

# Any str round-trips, lone surrogates from undecodable file names included.
_ENCODING, _ERRORS = "utf-8", "surrogatepass"
_WRITE_AT = 1 << 16  # bytes of paths gathered before they are written


class InputList(Sequence[InputDocument]):
    """A read-only list of documents; a plain file (its path is its location) is stored as its path, on disk.

    The rest (errors, notes, bytes, URLs: a few per scan) stay in memory. :meth:`close` deletes
    the file; it is deleted anyway when the list is. Pickled, the list is its documents.
    """

    def __init__(self, documents: Iterable[InputDocument] = ()) -> None:
        # Unnamed (deleted at once where the system allows it), so a killed process leaves nothing behind.
        # Written and read at explicit offsets, so a forked process sharing the file cannot shift them.
        self._file: IO[bytes] = tempfile.TemporaryFile(prefix="htq-mark-inputs-", buffering=0)
        self._starts = array.array("q")  # where each document's path starts in the file
        self._pending = bytearray()  # paths not yet written, from self._written on
        self._written = 0
        self._lock = threading.Lock()
        self._held: dict[int, InputDocument] = {}  # documents that are more than a path
        for document in documents:
            self.append(document)

    def append(self, document: InputDocument) -> None:
        plain = (document.location is not None and document.error is None and document.note is None
                 and document.data is None and document.url is None and str(document.location) == document.path)
        with self._lock:
            self._starts.append(self._written + len(self._pending))
            if plain:
                self._pending += document.path.encode(_ENCODING, _ERRORS)
                if len(self._pending) >= _WRITE_AT:
                    self._write_pending()
            else:
                self._held[len(self._starts) - 1] = document

    def replace(self, index: int, document: InputDocument) -> None:
        self._held[range(len(self))[index]] = document

    def close(self) -> None:
        """Delete the file of paths; the list cannot be read afterwards."""
        self._file.close()

    def __reduce__(self) -> tuple[type[InputList], tuple[list[InputDocument]]]:
        return InputList, (list(self),)

    def __len__(self) -> int:
        return len(self._starts)

    @overload
    def __getitem__(self, index: int) -> InputDocument: ...

    @overload
    def __getitem__(self, index: slice) -> list[InputDocument]: ...

    def __getitem__(self, index: int | slice) -> InputDocument | list[InputDocument]:
        if isinstance(index, slice):
            return [self._document(at) for at in range(*index.indices(len(self)))]
        return self._document(range(len(self))[index])

    def __iter__(self) -> Iterator[InputDocument]:
        return (self._document(at) for at in range(len(self)))

    def _write_pending(self) -> None:
        written = 0
        while written < len(self._pending):
            written += os.pwrite(self._file.fileno(), self._pending[written:], self._written + written)
        self._written += written
        self._pending.clear()

    def _document(self, index: int) -> InputDocument:
        held = self._held.get(index)
        if held is not None:
            return held
        with self._lock:
            if self._pending:
                self._write_pending()
            start = self._starts[index]
            end = self._starts[index + 1] if index + 1 < len(self._starts) else self._written
        data = os.pread(self._file.fileno(), end - start, start)
        if len(data) != end - start:
            raise OSError(f"the temporary file listing the scan's documents lost its contents (read {len(data)} "
                          f"of {end - start} bytes at {start}); scan again, with TMPDIR on a local disk.")
        path = data.decode(_ENCODING, _ERRORS)
        return InputDocument(path=path, location=Path(path))


class Runnable(Sequence[tuple[int, InputDocument]]):
    """The (index, document) pairs of ``documents`` at ``indexes``, made as they are asked for."""

    def __init__(self, documents: Sequence[InputDocument], indexes: Sequence[int]) -> None:
        self.documents, self.indexes = documents, indexes

    def __reduce__(self) -> tuple[type[list[tuple[int, InputDocument]]], tuple[list[tuple[int, InputDocument]]]]:
        return list, (list(self),)  # pickled (for an executor elsewhere), the pairs themselves

    def __len__(self) -> int:
        return len(self.indexes)

    @overload
    def __getitem__(self, at: int) -> tuple[int, InputDocument]: ...

    @overload
    def __getitem__(self, at: slice) -> list[tuple[int, InputDocument]]: ...

    def __getitem__(self, at: int | slice) -> tuple[int, InputDocument] | list[tuple[int, InputDocument]]:
        if isinstance(at, slice):
            return [(int(index), self.documents[int(index)]) for index in self.indexes[at]]
        index = int(self.indexes[at])
        return index, self.documents[index]
