"""Safe output: every file htq-mark writes goes through here.

Files are written to a temporary file in the same folder and renamed into place,
so a reader never sees half a file and an error leaves nothing behind. An
existing file is kept unless ``force`` is true.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from .errors import HtqMarkError, OutputExistsError

__all__ = ["check_writable", "write_atomic"]


def check_writable(path: str | os.PathLike[str], *, force: bool = False) -> Path:
    """Return ``path`` as a Path if it may be written, or raise.

    Raises :class:`OutputExistsError` when the file exists and ``force`` is false,
    and :class:`HtqMarkError` when its folder does not exist or it is a folder.
    """
    target = Path(path)
    if target.is_dir():
        raise HtqMarkError(f"{target}: is a folder; give a file name to write to.")
    if target.exists() and not force:
        raise OutputExistsError(str(target))
    parent = target.parent if str(target.parent) else Path(".")
    if not parent.is_dir():
        raise HtqMarkError(f"{target}: the folder {parent} does not exist; create it first.")
    return target


def write_atomic(path: str | os.PathLike[str], data: bytes, *, force: bool = False) -> Path:
    """Write ``data`` to ``path`` atomically; keep an existing file unless ``force``."""
    target = check_writable(path, force=force)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp_name, 0o644)
        if force:
            os.replace(tmp_name, target)
        else:
            # link() fails if the target appeared meanwhile, so nothing is overwritten.
            try:
                os.link(tmp_name, target)
            except FileExistsError:
                raise OutputExistsError(str(target)) from None
            except OSError:
                if target.exists():
                    raise OutputExistsError(str(target)) from None
                os.replace(tmp_name, target)
    except OSError as exc:
        raise HtqMarkError(f"{target}: could not write the file ({exc.strerror}); "
                           "check the folder exists and is writable.") from exc
    finally:
        if os.path.exists(tmp_name):
            os.unlink(tmp_name)
    return target
