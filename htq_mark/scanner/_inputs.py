"""Expand the PATHs given to a scan into the documents to scan.

A file is scanned whatever its name. A directory is searched recursively in
sorted order; the files in it whose first bytes show a supported type are
scanned, and so are files named like a document (``.pdf``, ``.png``, ...) whatever
their bytes, so an empty or damaged document is reported rather than passed over.
Other files (notes, spreadsheets) are skipped. Entries that cannot be read become error
documents, never a failure of the whole scan. Symbolic links that lead outside the folders given
are not followed (unless ``follow_symlinks``), nor are links that loop; each is reported with a
note. The walk looks at no more than ``max_entries`` files and folders below each folder given, and
the listing of a URL at no more than ``max_entries`` files.

Inside a folder, entries matching an ``exclude`` glob are passed over (default:
:data:`DEFAULT_EXCLUDE`, version-control and dependency folders and hidden
folders). A glob is matched against the entry's name and against its path below
the folder given; one ending in ``/`` matches folders only. Paths given
explicitly are always scanned.
A URL of stored files (``s3://bucket/brochures/``, ``file://...``) names documents read
where they are scanned (see :mod:`.urls`); web pages (``https://...``) are not listed here.
"""

from __future__ import annotations

import errno
import fnmatch
import os
import stat
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePath

from .._catalogue import ErrorCode
from ..errors import InputError
from ._limits import DEFAULT_LIMITS
from ._read import NUL_IN_PATH
from ._results import DocumentError, Note
from ._sniff import HEAD_BYTES, sniff
from ._urls import is_url, list_url

__all__ = ["DEFAULT_EXCLUDE", "DOCUMENT_SUFFIXES", "Excluded", "InputDocument", "expand_paths", "iter_paths"]

#: Passed over inside scanned folders unless the caller gives its own list.
DEFAULT_EXCLUDE: tuple[str, ...] = (".git/", "node_modules/", ".*/")

DOCUMENT_SUFFIXES = frozenset({".pdf", ".png", ".jpg", ".jpeg", ".jpe", ".webp", ".tif", ".tiff", ".gif", ".bmp"})


@dataclass(frozen=True)
class InputDocument:
    """One document to scan: its path as reported, where to read it (a file, a URL, or its bytes), or why it cannot be.

    An entry with a ``note`` and no ``location`` is not scanned (a symbolic link
    not followed); the note says why.
    """

    path: str
    location: Path | None
    error: DocumentError | None = None
    note: Note | None = None
    data: bytes | None = None
    url: str | None = None


class Excluded:
    """Whether a folder entry matches one of the ``exclude`` globs.

    A glob is matched against the entry's name and its path below the folder scanned; an
    absolute one (a config file's ``docs/drafts/*`` comes with one, anchored at the file's
    folder) against the entry's absolute path: as written, with the folder scanned (or the
    current one) resolved, and with every link resolved, so it passes over the same entries
    whichever folder is scanned, and however reached. A glob ending in ``/`` matches folders only.
    """

    def __init__(self, patterns: Sequence[str]) -> None:
        anchored = tuple(_normalised(p) for p in patterns if os.path.isabs(p))
        relative = tuple(p for p in patterns if not os.path.isabs(p))
        self.folders_only = tuple(p.rstrip("/") for p in relative if p.endswith("/"))
        self.any_entry = tuple(p for p in relative if not p.endswith("/"))
        self.anchored_folders = tuple(p.rstrip("/") for p in anchored if p.endswith("/"))
        self.anchored_entries = tuple(p for p in anchored if not p.endswith("/"))
        self.anchored = bool(anchored)

    def __call__(self, name: str, relative: str, is_folder: bool, places: Iterable[str] = ()) -> bool:
        """Whether the entry ``name``, at ``relative`` below the folder scanned (and at the absolute
        ``places``), matches."""
        patterns = self.any_entry + (self.folders_only if is_folder else ())
        return any(fnmatch.fnmatchcase(name, p) or fnmatch.fnmatchcase(relative, p) for p in patterns) \
            or any(self._at(place, is_folder) for place in places)

    def _at(self, place: str, is_folder: bool) -> bool:
        patterns = self.anchored_entries + (self.anchored_folders if is_folder else ())
        return any(fnmatch.fnmatchcase(place, p) for p in patterns)

    def reaches(self, place: str, is_folder: bool) -> bool:
        """Whether an absolute glob matches the absolute path ``place`` or a folder on its way."""
        whole = PurePath(place)
        return any(self._at(str(PurePath(*whole.parts[:depth + 1])), is_folder or depth < len(whole.parts) - 1)
                   for depth in range(1, len(whole.parts)))

    def covers(self, path: str, is_folder: bool) -> bool:
        """Whether a path given by name matches: it, or a folder on its way (``drafts/a.pdf`` by ``drafts/``).

        Only the folders below the current one count, as they do below a folder scanned: the way
        to it (``..``, a hidden folder above it) is not the document's. A path outside it is judged
        by its own name (and by the absolute globs, as every path is).
        """
        absolute = os.path.abspath(path)
        here = os.getcwd()
        inside = os.path.commonpath([absolute, here]) == here and absolute != here
        parts = PurePath(os.path.relpath(absolute, here)).parts if inside else (os.path.basename(absolute),)
        if any(self(parts[depth], "/".join(parts[:depth + 1]), is_folder or depth < len(parts) - 1)
               for depth in range(len(parts)) if parts[depth]):
            return True
        if not self.anchored:
            return False
        places = {absolute, os.path.realpath(absolute), os.path.normpath(os.path.join(_logical_cwd(), path))}
        return any(self.reaches(place, is_folder) for place in places)


def _logical_cwd() -> str:
    """The current folder as the shell names it (``$PWD``, which may go through links), if it is that
    folder; else as the system does (links resolved)."""
    here, named = os.getcwd(), os.environ.get("PWD", "")
    try:
        return named if os.path.isabs(named) and os.path.samefile(named, here) else here
    except OSError:
        return here


def _normalised(pattern: str) -> str:
    """An absolute glob without ``.``, ``..`` or doubled slashes (its trailing slash kept)."""
    plain = os.path.normpath(pattern)
    return plain + "/" if pattern.endswith("/") and plain != "/" else plain


def _error(path: str, message: str) -> InputDocument:
    return InputDocument(path=path, location=None, error=DocumentError(ErrorCode.UNREADABLE, f"{path}: {message}"))


def _noted(path: str, code: str, message: str) -> InputDocument:
    return InputDocument(path=path, location=None, note=Note(code, f"{path}: {message}"))


def _head(path: Path) -> bytes:
    # Non-blocking, so a special file that is not a pipe (in /proc, say) cannot stall the walk.
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    with os.fdopen(fd, "rb") as handle:
        return handle.read(HEAD_BYTES)


@dataclass
class _Walk:
    """What one folder's walk shares: the folders given, the options and the entries counted."""

    roots: tuple[str, ...]
    follow_symlinks: bool
    max_entries: int
    excluded: Excluded
    root_written: str = ""  # the folder walked, absolute as given...
    root_real: str = ""     # ...and with its links resolved (absolute exclude globs are matched below both)
    entries: int = 0

    def outside(self, child: Path) -> bool:
        """Whether the symbolic link ``child`` leads outside every folder given."""
        real = os.path.realpath(child)
        return not any(real == root or real.startswith(root.rstrip(os.sep) + os.sep) for root in self.roots)


class _TooManyEntries(Exception):
    """The walk looked at more entries than it may."""


def _walk(shown: str, real: Path, ancestors: frozenset[tuple[int, int]], walk: _Walk, resolved: str,
          below: str = "") -> Iterator[InputDocument]:
    """Documents under the directory ``real``, reported below the path ``shown`` (``below`` the root);
    ``resolved`` is its absolute path with its links resolved."""
    try:
        # Names only: a folder of 100,000 files held as os.DirEntry objects would cost about 30 MB.
        names = sorted(os.listdir(real))
    except OSError as exc:
        yield _error(shown, f"the folder cannot be read ({exc.strerror}); check its permissions.")
        return
    walk.entries += len(names)
    if walk.entries > walk.max_entries:
        raise _TooManyEntries
    for name in names:
        child_shown = os.path.join(shown, name)
        child = real / name
        relative = f"{below}{name}"
        try:
            own = child.lstat()
        except OSError:
            own = None
        linked = own is not None and stat.S_ISLNK(own.st_mode)
        if own is None:
            is_folder = True  # what it is cannot be known: a folder's exclusion passes it over too
        elif linked:
            try:
                is_folder = child.is_dir()
            except OSError:
                is_folder = False
        else:
            is_folder = stat.S_ISDIR(own.st_mode)
        # Only absolute exclude globs need the entry's absolute places (and a link's target resolved).
        resolved_child = ""
        places: tuple[str, ...] = ()
        if walk.excluded.anchored:
            resolved_child = os.path.realpath(child) if linked else os.path.join(resolved, name)
            places = (os.path.join(walk.root_written, relative), os.path.join(walk.root_real, relative), resolved_child)
        # A link is also judged by where it leads: a link to a file in an excluded folder is that file.
        if walk.excluded(name, relative, is_folder, places) \
                or (linked and walk.excluded.anchored and walk.excluded.reaches(resolved_child, is_folder)):
            continue
        if linked and not walk.follow_symlinks and walk.outside(child):
            yield _noted(child_shown, "symlink-outside", f"is a symbolic link to {os.path.realpath(child)}, outside "
                                                         "the folders given; it was not followed (pass "
                                                         "follow_symlinks=True to follow it).")
            continue
        try:
            info = own if own is not None and not linked else child.stat()  # symbolic links followed
        except OSError as exc:
            if linked and exc.errno == errno.ELOOP:
                yield _noted(child_shown, "symlink-loop", "is a symbolic link that loops; it was not followed.")
            elif linked:
                yield _error(child_shown, "is a broken symbolic link; fix or remove it.")
            else:
                yield _error(child_shown, f"cannot be read ({exc.strerror}); check its permissions.")
            continue
        if stat.S_ISDIR(info.st_mode):
            identity = (info.st_dev, info.st_ino)
            if identity in ancestors:
                yield _noted(child_shown, "symlink-loop", "is a symbolic link back to a folder that contains it "
                                                          "(a loop); it was not followed.")
                continue
            yield from _walk(child_shown, child, ancestors | {identity}, walk, resolved_child, f"{relative}/")
        elif stat.S_ISREG(info.st_mode):
            try:
                head = _head(child)
            except OSError as exc:
                yield _error(child_shown, f"cannot be read ({exc.strerror}); check its permissions.")
                continue
            if sniff(head) != "unknown" or child.suffix.lower() in DOCUMENT_SUFFIXES:
                yield InputDocument(path=child_shown, location=child)
        elif child.suffix.lower() in DOCUMENT_SUFFIXES:  # a FIFO, socket or device named like a document
            yield _error(child_shown, "is not a regular file (a FIFO, socket or device), so it was not read; "
                                      "copy what it holds to a file to scan it.")


def iter_paths(paths: Iterable[str | os.PathLike[str]], exclude: Sequence[str] = DEFAULT_EXCLUDE, *,
               follow_symlinks: bool = False, max_entries: int = DEFAULT_LIMITS.max_folder_entries,
               roots: Iterable[str | os.PathLike[str]] | None = None,
               force_exclude: bool = False) -> Iterator[InputDocument]:
    """The documents named by ``paths``, one at a time: files as given, directories searched recursively.

    Entries inside folders that match an ``exclude`` glob are passed over; with
    ``force_exclude``, so are the paths given that match one (or lie in a folder that does),
    as a tool handing over every changed file by name (a pre-commit hook) needs.

    A missing path or an unreadable entry becomes an :class:`InputDocument`
    with an ``unreadable`` error, so the rest of the scan goes on; a folder
    holding more than ``max_entries`` files and folders, one with a
    ``too-large`` error after the documents found before the limit (a URL
    listing more than ``max_entries`` files, one with a ``too-large`` error). Symbolic
    links leading outside the folders given (unless ``follow_symlinks``) and
    links that loop become entries with a note. ``roots`` are the folders a link
    may lead into without a note (default: the folders among ``paths``).
    """
    given_paths = [os.fspath(given) for given in paths]
    folders = given_paths if roots is None else [os.fspath(root) for root in roots]
    real_roots = tuple(os.path.realpath(folder) for folder in folders if os.path.isdir(folder))
    excluded = Excluded(exclude)
    for given in given_paths:
        shown = given
        if "\0" in shown:
            yield _error(shown, NUL_IN_PATH)
            continue
        if force_exclude and not is_url(shown) and excluded.covers(shown, os.path.isdir(shown)):
            continue
        if is_url(shown):
            try:
                yield from [InputDocument(path=url, location=None, url=url)
                            for url in list_url(shown, DOCUMENT_SUFFIXES, max_entries)]
            except InputError as exc:
                yield InputDocument(path=shown, location=None,
                                    error=DocumentError(exc.code, str(exc)))
            continue
        location = Path(shown)
        try:
            info = location.stat()
        except OSError as exc:
            if location.is_symlink():
                yield _error(shown, "is a broken symbolic link or a symbolic-link loop; fix it.")
            else:
                yield _error(shown, f"cannot be opened ({exc.strerror}); check the path.")
            continue
        if stat.S_ISDIR(info.st_mode):
            walk = _Walk(roots=real_roots, follow_symlinks=follow_symlinks, max_entries=max_entries,
                         excluded=excluded, root_written=os.path.normpath(os.path.join(_logical_cwd(), location)),
                         root_real=os.path.realpath(location))
            try:
                yield from _walk(shown, location, frozenset({(info.st_dev, info.st_ino)}), walk, walk.root_real)
            except _TooManyEntries:
                yield InputDocument(path=shown, location=None, error=DocumentError(
                    ErrorCode.TOO_LARGE, f"{shown}: the folder holds more than {max_entries:,} files and folders "
                                         "(counting those reached through symbolic links); the rest were not "
                                         "scanned. Scan its subfolders one by one, or raise "
                                         "limits.max_folder_entries=N."))
        else:
            yield InputDocument(path=shown, location=location)


def expand_paths(paths: Iterable[str | os.PathLike[str]], exclude: Sequence[str] = DEFAULT_EXCLUDE, *,
                 follow_symlinks: bool = False, max_entries: int = DEFAULT_LIMITS.max_folder_entries,
                 roots: Iterable[str | os.PathLike[str]] | None = None,
                 force_exclude: bool = False) -> list[InputDocument]:
    """The documents named by ``paths`` as a list; see :func:`iter_paths`."""
    return list(iter_paths(paths, exclude, follow_symlinks=follow_symlinks, max_entries=max_entries, roots=roots,
                           force_exclude=force_exclude))
