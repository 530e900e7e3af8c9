"""Expand the PATHs given to a scan into the documents to scan.

A file is scanned whatever its name. A directory is searched recursively in
sorted order; the files in it whose first bytes show a supported type are
scanned, and so are files named like a document (``.pdf``, ``.png``, ...) whatever
their bytes, so an empty or damaged document is reported rather than passed over.
Other files (notes, spreadsheets) are skipped. Symbolic-link loops and entries that cannot be
read become error documents, never a failure of the whole scan.

Inside a folder, entries matching an ``exclude`` glob are passed over (default:
:data:`DEFAULT_EXCLUDE`, version-control and dependency folders and hidden
folders). A glob is matched against the entry's name and against its path below
the folder given; one ending in ``/`` matches folders only. Paths given
explicitly are always scanned.
"""

from __future__ import annotations

import fnmatch
import os
import stat
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from .results import DocumentError
from .sniff import HEAD_BYTES, sniff

__all__ = ["DEFAULT_EXCLUDE", "DOCUMENT_SUFFIXES", "Excluded", "InputDocument", "expand_paths"]

#: Passed over inside scanned folders unless the caller gives its own list.
DEFAULT_EXCLUDE: tuple[str, ...] = (".git/", "node_modules/", ".*/")

DOCUMENT_SUFFIXES = frozenset({".pdf", ".png", ".jpg", ".jpeg", ".jpe", ".webp", ".tif", ".tiff", ".gif", ".bmp"})


@dataclass(frozen=True)
class InputDocument:
    """One document to scan: its path as reported, where to read it (or its bytes), or why it cannot be."""

    path: str
    location: Path | None
    error: DocumentError | None = None
    data: bytes | None = None


class Excluded:
    """Whether a folder entry matches one of the ``exclude`` globs."""

    def __init__(self, patterns: Sequence[str]) -> None:
        self.folders_only = tuple(p.rstrip("/") for p in patterns if p.endswith("/"))
        self.any_entry = tuple(p for p in patterns if not p.endswith("/"))

    def __call__(self, name: str, relative: str, is_folder: bool) -> bool:
        patterns = self.any_entry + (self.folders_only if is_folder else ())
        return any(fnmatch.fnmatchcase(name, p) or fnmatch.fnmatchcase(relative, p) for p in patterns)


def _error(path: str, message: str) -> InputDocument:
    return InputDocument(path=path, location=None, error=DocumentError("unreadable", f"{path}: {message}"))


def _head(path: Path) -> bytes:
    with path.open("rb") as handle:
        return handle.read(HEAD_BYTES)


def _walk(shown: str, real: Path, ancestors: frozenset[tuple[int, int]], excluded: Excluded,
          below: str = "") -> Iterator[InputDocument]:
    """Documents under the directory ``real``, reported below the path ``shown`` (``below`` the root)."""
    try:
        with os.scandir(real) as listing:
            entries = sorted(listing, key=lambda entry: entry.name)
    except OSError as exc:
        yield _error(shown, f"the folder cannot be read ({exc.strerror}); check its permissions.")
        return
    for entry in entries:
        child_shown = os.path.join(shown, entry.name)
        child = Path(entry.path)
        relative = f"{below}{entry.name}"
        try:
            is_folder = entry.is_dir()
        except OSError:
            is_folder = False
        if excluded(entry.name, relative, is_folder):
            continue
        try:
            info = child.stat()  # follows symbolic links
        except OSError as exc:
            if child.is_symlink():
                yield _error(child_shown, "is a broken symbolic link or a symbolic-link loop; fix or remove it.")
            else:
                yield _error(child_shown, f"cannot be read ({exc.strerror}); check its permissions.")
            continue
        if stat.S_ISDIR(info.st_mode):
            identity = (info.st_dev, info.st_ino)
            if identity in ancestors:
                yield _error(child_shown, "is a symbolic link back to a folder that contains it (a loop); "
                                          "it was not followed.")
                continue
            yield from _walk(child_shown, child, ancestors | {identity}, excluded, f"{relative}/")
        elif stat.S_ISREG(info.st_mode):
            try:
                head = _head(child)
            except OSError as exc:
                yield _error(child_shown, f"cannot be read ({exc.strerror}); check its permissions.")
                continue
            if sniff(head) != "unknown" or child.suffix.lower() in DOCUMENT_SUFFIXES:
                yield InputDocument(path=child_shown, location=child)


def expand_paths(paths: Iterable[str | os.PathLike[str]],
                 exclude: Sequence[str] = DEFAULT_EXCLUDE) -> list[InputDocument]:
    """The documents named by ``paths``: files as given, directories searched recursively.

    Entries inside folders that match an ``exclude`` glob are passed over.

    A missing path or an unreadable entry becomes an :class:`InputDocument`
    with an ``unreadable`` error, so the rest of the scan goes on.
    """
    documents: list[InputDocument] = []
    for given in paths:
        shown = os.fspath(given)
        location = Path(shown)
        try:
            info = location.stat()
        except OSError as exc:
            if location.is_symlink():
                documents.append(_error(shown, "is a broken symbolic link or a symbolic-link loop; fix it."))
            else:
                documents.append(_error(shown, f"cannot be opened ({exc.strerror}); check the path."))
            continue
        if stat.S_ISDIR(info.st_mode):
            documents.extend(_walk(shown, location, frozenset({(info.st_dev, info.st_ino)}), Excluded(exclude)))
        else:
            documents.append(InputDocument(path=shown, location=location))
    return documents
