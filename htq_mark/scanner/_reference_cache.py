"""The detector's references kept on disk, so a new process need not draw the kit's artwork again.

A cached file is keyed by the kit's sha256 and by the code that builds references
(its source, htq-mark's version, Python's and NumPy's), so a changed kit or a new
release never reads an old file. The folder is ``$HTQ_MARK_CACHE_DIR``, else
``$XDG_CACHE_HOME/htq-mark``, else ``~/.cache/htq-mark``; an empty
``HTQ_MARK_CACHE_DIR`` turns the cache off. Files are pickles, so only files this
user owns, in a folder only this user may write to, are read; anything wrong with
the cache (missing, unreadable, stale, corrupt) just means the references are built again.
Whether a kit's references are kept is known without loading NumPy (see :func:`holds`), so a
process that only hands work to others need not load the detector.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import os
import pickle
import stat
import sys
import tempfile
from pathlib import Path
from typing import TypeVar

from .._version import __version__
from ..kit import _render as _render

__all__ = ["CACHE_ENV", "cache_folder", "holds", "load", "store"]

CACHE_ENV = "HTQ_MARK_CACHE_DIR"
_PREFIX = "references-"
_BUILDER = Path(__file__).with_name("_detect") / "references.py"  # the code whose output is cached
_T = TypeVar("_T")


def cache_folder() -> Path | None:
    """Where cached references live; None when the cache is turned off."""
    chosen = os.environ.get(CACHE_ENV)
    if chosen is not None:
        return Path(chosen) if chosen else None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "htq-mark"


@functools.lru_cache(maxsize=1)
def _code_key() -> str:
    digest = hashlib.sha256()
    for source in (_BUILDER, Path(_render.__file__)):
        try:
            digest.update(source.read_bytes())
        except OSError:
            digest.update(str(source).encode())
    digest.update(f"{__version__}|{sys.version_info[:2]}|{_numpy_version()}".encode())
    return digest.hexdigest()[:24]


def _numpy_version() -> str:
    """The installed NumPy's version, from the name of its metadata folder beside it
    (``numpy-2.1.3.dist-info``): importing NumPy, or even importlib.metadata, costs far more."""
    spec = importlib.util.find_spec("numpy")
    if spec is None or spec.origin is None:
        return "none"
    packages = Path(spec.origin).parent.parent
    try:
        names = sorted(entry.name for entry in os.scandir(packages)
                       if entry.name.startswith("numpy-") and entry.name.endswith(".dist-info"))
    except OSError:
        names = []
    # Without exactly one such folder (a copy built in place, say), its place stands for it.
    return names[0][len("numpy-"):-len(".dist-info")] if len(names) == 1 else str(packages)


def _path(folder: Path, kit_sha256: str) -> Path:
    return folder / f"{_PREFIX}{kit_sha256[:32]}-{_code_key()}.pickle"


def _trusted(path: Path, *, directory: bool) -> bool:
    """Whether ``path`` is this user's own (a folder or a regular file) and nobody else may write to it."""
    try:
        info = path.lstat()
    except OSError:
        return False
    kind_ok = stat.S_ISDIR(info.st_mode) if directory else stat.S_ISREG(info.st_mode)
    owner_ok = not hasattr(os, "getuid") or info.st_uid == os.getuid()
    return kind_ok and owner_ok and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def holds(kit_sha256: str) -> bool:
    """Whether the cache holds a file, trusted to be read, for the kit with ``kit_sha256``.

    Nothing is read: a file found here may still turn out unreadable, so :func:`load` may give None.
    """
    folder = cache_folder()
    return folder is not None and _trusted(folder, directory=True) \
        and _trusted(_path(folder, kit_sha256), directory=False)


def load(kit_sha256: str, kind: type[_T]) -> _T | None:
    """The cached references (a ``kind``) of the kit with ``kit_sha256``, or None."""
    folder = cache_folder()
    if folder is None or not _trusted(folder, directory=True):
        return None
    path = _path(folder, kit_sha256)
    if not _trusted(path, directory=False):
        return None
    try:
        with open(path, "rb") as handle:
            loaded = pickle.load(handle)
    except Exception:  # noqa: BLE001 - a broken cache file is rebuilt, whatever is wrong with it
        return None
    return loaded if isinstance(loaded, kind) and getattr(loaded, "kit_sha256", None) == kit_sha256 else None


def store(kit_sha256: str, references: object) -> None:
    """Keep the references of the kit with ``kit_sha256`` for later processes (silently not, if the
    folder cannot be written)."""
    folder = cache_folder()
    if folder is None:
        return
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not _trusted(folder, directory=True):
            return
        handle, temporary = tempfile.mkstemp(prefix=".references-", dir=folder)
        try:
            with os.fdopen(handle, "wb") as out:
                pickle.dump(references, out, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temporary, _path(folder, kit_sha256))
        except BaseException:
            os.unlink(temporary)
            raise
    except OSError:
        return
