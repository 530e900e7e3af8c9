"""The documents of a scan, held compactly: most are plain files, kept as their path alone.

A scan of a million files keeps every document's name until its turn comes; an
:class:`~htq_mark.scanner._inputs.InputDocument` with its ``Path`` costs about
half a kilobyte, a path string a fifth of that.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import overload

from ._inputs import InputDocument

__all__ = ["InputList", "Runnable"]


class InputList(Sequence[InputDocument]):
    """A read-only list of documents; a plain file (its path is its location) is stored as its path."""

    def __init__(self, documents: Iterable[InputDocument] = ()) -> None:
        self._entries: list[str | InputDocument] = []
        for document in documents:
            self.append(document)

    def append(self, document: InputDocument) -> None:
        plain = (document.location is not None and document.error is None and document.note is None
                 and document.data is None and document.url is None and str(document.location) == document.path)
        self._entries.append(document.path if plain else document)

    def replace(self, index: int, document: InputDocument) -> None:
        self._entries[index] = document

    def __len__(self) -> int:
        return len(self._entries)

    @overload
    def __getitem__(self, index: int) -> InputDocument: ...

    @overload
    def __getitem__(self, index: slice) -> list[InputDocument]: ...

    def __getitem__(self, index: int | slice) -> InputDocument | list[InputDocument]:
        if isinstance(index, slice):
            return [self._document(entry) for entry in self._entries[index]]
        return self._document(self._entries[index])

    def __iter__(self) -> Iterator[InputDocument]:
        return (self._document(entry) for entry in self._entries)

    @staticmethod
    def _document(entry: str | InputDocument) -> InputDocument:
        return InputDocument(path=entry, location=Path(entry)) if isinstance(entry, str) else entry


class Runnable(Sequence[tuple[int, InputDocument]]):
    """The (index, document) pairs of ``documents`` at ``indexes``, made as they are asked for."""

    def __init__(self, documents: Sequence[InputDocument], indexes: Sequence[int]) -> None:
        self.documents, self.indexes = documents, indexes

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
