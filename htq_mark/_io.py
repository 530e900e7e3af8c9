"""Safe output: every file htq-mark writes goes through here.

Files are written to a temporary file in the same folder and renamed into place,
so a reader never sees half a file and an error leaves nothing behind. An
existing file is kept unless ``force`` is true, and only a regular file is ever
replaced (never a device, FIFO or socket). A new file gets the mode the umask
allows; a replaced one keeps its mode. Inside an output folder nothing is
written through a symbolic link.
"""

from __future__ import annotations

import errno
import io
import os
import re
import stat
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import IO, Any, cast

from .errors import HtqMarkError, OutputExistsError, UsageError

__all__ = ["Content", "check_writable", "file_identity", "file_mode", "file_size_limit", "folder_mode",
           "is_inside", "limit_advice", "path_inside", "path_of_descriptor", "put", "read_limited",
           "refuse_over_read_files", "refuses", "save_elsewhere", "stopped_by_limit", "temporary_write_advice",
           "write_advice", "write_atomic", "write_or_fall_back"]

# Temporary names keep this much of the target's name, so a name near the file system's limit
# still leaves room for the temporary file's prefix and suffix.
_TEMP_NAME_KEPT = 64


def file_size_limit() -> int | None:
    """The largest file, in bytes, this process may write (the shell's ``ulimit -f``); None if unlimited."""
    try:
        import resource
    except ImportError:  # pragma: no cover - not POSIX
        return None
    soft, _ = resource.getrlimit(resource.RLIMIT_FSIZE)
    return None if soft == resource.RLIM_INFINITY else int(soft)


def limit_advice(limit: int) -> str:
    """What to say of a file-size limit of ``limit`` bytes that stopped a write."""
    return f"this process may write files of at most {limit:,} bytes (ulimit -f); raise that limit"


def stopped_by_limit(error_number: int | None) -> bool:
    """Whether a write failing with ``error_number`` met this process's file-size limit (which holds in any folder)."""
    return error_number == errno.EFBIG and file_size_limit() is not None


def is_inside(path: str, folder: str) -> bool:
    """Whether ``path`` lies in ``folder`` (or below it), links resolved."""
    return Path(path).resolve().is_relative_to(Path(folder).resolve())


def write_advice(error_number: int | None) -> str:
    """What to do when writing a file failed with ``error_number`` (an ``errno`` value)."""
    if error_number == errno.EFBIG:
        limit = file_size_limit()
        if limit is None:
            return "the file would be larger than the file system allows; write to another file system"
        return f"the file would be too large: {limit_advice(limit)}"
    if error_number in (errno.ENOSPC, errno.EDQUOT):
        return "free some space there, or write to another file system"
    if error_number == errno.EROFS:
        return "the file system is read-only: choose a folder that can be written to"
    return "check the folder exists and is writable"


def temporary_write_advice(error_number: int | None) -> str:
    """What to do when writing into the temporary folder failed with ``error_number``."""
    if stopped_by_limit(error_number):
        return write_advice(error_number)
    return "free some space there, or set TMPDIR to a folder with room"


def _umask() -> int:
    """The process's umask, read without changing it where the system allows."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def file_mode(target: Path) -> int:
    """The mode a written ``target`` gets: an existing file's own, else 0666 less the umask."""
    try:
        return stat.S_IMODE(os.stat(target).st_mode)
    except OSError:
        return 0o666 & ~_umask()


_DESCRIPTOR_NAMES = re.compile(r"^/(?:dev/(?:(?:stdin|stdout|stderr)$|fd/)|proc/(?:self|thread-self|\d+)/fd/)")


def _names_a_descriptor(target: Path) -> bool:
    """Whether ``target`` is (or links to) a name of an open file descriptor, such as /dev/stdout.

    Replacing it would replace that name (a link in /dev, as root), not write where the descriptor leads.
    """
    name = os.path.abspath(target)
    for _ in range(8):  # /dev/stdout -> /proc/self/fd/1 -> the file: the first links are enough
        if _DESCRIPTOR_NAMES.match(name):
            return True
        if not os.path.islink(name):
            return False
        name = os.path.join(os.path.dirname(name), os.readlink(name))
    return False


def _check_target(target: Path, force: bool) -> tuple[Path, Path]:
    """``target`` and its folder, if it may be written (the folder exists; no special file)."""
    if _names_a_descriptor(target):
        raise HtqMarkError(f"{target}: names an open file descriptor, not a file; give a file path (with htq-mark, "
                           "-o - writes to standard output).")
    try:
        mode: int | None = os.stat(target).st_mode
    except FileNotFoundError:
        mode = None
        # A link to nowhere is still a name taken: only --force replaces it (the link, never its target).
        if os.path.islink(target) and not force:
            raise OutputExistsError(str(target)) from None
    except OSError as exc:
        raise HtqMarkError(f"{target}: cannot be used as an output ({exc.strerror}); "
                           "choose another output path.") from exc
    if mode is not None:
        if stat.S_ISDIR(mode):
            raise HtqMarkError(f"{target}: is a folder; give a file name to write to.")
        if not stat.S_ISREG(mode):
            raise HtqMarkError(f"{target}: is not a regular file (it is a device, FIFO or socket); outputs may "
                               "only replace regular files. Give a file path (with htq-mark, -o - writes to "
                               "standard output).")
        if not force:
            raise OutputExistsError(str(target))
    parent = target.parent if str(target.parent) else Path(".")
    if not parent.is_dir():
        raise HtqMarkError(f"{target}: the folder {parent} does not exist; create it first.")
    return target, parent


def check_writable(path: str | os.PathLike[str], *, force: bool = False) -> Path:
    """Return ``path`` as a Path if it may be written, or raise.

    Raises :class:`OutputExistsError` when the file exists and ``force`` is false,
    and :class:`HtqMarkError` when its folder does not exist or cannot be written
    to, the name is too long, or it is a folder, device, FIFO or socket.
    """
    target, parent = _check_target(Path(path), force)
    try:
        longest = os.pathconf(parent, "PC_NAME_MAX")
    except (OSError, ValueError):
        longest = 255
    if len(os.fsencode(target.name)) > longest:
        raise HtqMarkError(f"{target}: the file name is longer than the {longest} bytes the folder allows; "
                           "choose a shorter name.")
    try:
        fd, probe = tempfile.mkstemp(prefix=".htq-mark.", suffix=".tmp", dir=parent)
    except OSError as exc:
        raise HtqMarkError(f"{target}: the folder {parent} cannot be written to ({exc.strerror}); "
                           "choose another output path or check its permissions.") from exc
    os.close(fd)
    os.unlink(probe)
    return target


def folder_mode() -> int:
    """The mode a new folder gets: 0777 less the umask."""
    return 0o777 & ~_umask()


def path_inside(root: Path, parts: list[str], *, create_folders: bool = True) -> Path:
    """``root`` joined with ``parts`` (the last a file name), creating the folders between
    (only checking that they could be, without ``create_folders``).

    Raises :class:`HtqMarkError` when any part is a symbolic link (or a folder
    part is not a folder, or the file is a folder), so nothing is written outside ``root``.
    """
    path = root
    for index, part in enumerate(parts):
        path = path / part
        try:
            info = os.lstat(path)
        except FileNotFoundError:
            if index < len(parts) - 1 and create_folders:
                path.mkdir()
            elif index < len(parts) - 1:
                return root.joinpath(*parts)  # nothing below a missing folder can be in the way
            continue
        if stat.S_ISLNK(info.st_mode):
            raise HtqMarkError(f"{path}: is a symbolic link inside the output folder {root}; nothing is "
                               "written through it. Remove it or choose an empty output folder.")
        if index < len(parts) - 1 and not stat.S_ISDIR(info.st_mode):
            raise OutputExistsError(str(path), "exists and is not a folder",
                                    "force=True replaces files, not a file with a folder: remove it or choose "
                                    "another output folder.")
        if index == len(parts) - 1 and stat.S_ISDIR(info.st_mode):
            raise OutputExistsError(str(path), "is a folder where a file goes",
                                    "force=True replaces files, not a folder with a file: remove it or choose "
                                    "another output folder.")
    return path


#: What is written: bytes, or a function that writes them to the open binary file it is given (so a
#: large report goes to disk as it is made, never held whole).
Content = bytes | Callable[[IO[bytes]], None]


class _WholeWrites(io.BufferedIOBase):
    """A binary stream over another whose every write goes out whole or raises.

    A write cut short by the file-size limit (or a nearly full disk) returns a count
    below the length and raises nothing; writing the rest then fails with the reason.
    Closing it leaves the stream beneath open.
    """

    def __init__(self, stream: IO[bytes]) -> None:
        super().__init__()
        self._stream = stream

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        whole = memoryview(data).cast("B")
        view = whole
        while view:
            written = self._stream.write(view)
            if not written:  # nothing taken, and no reason given
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
            view = view[written:]
        return len(whole)

    def flush(self) -> None:
        # Also called when this wrapper is collected, which may be after the stream beneath was closed.
        if not self.closed and not self._stream.closed:
            self._stream.flush()


def put(handle: IO[bytes], data: Content) -> None:
    """Write ``data`` (bytes, or a function writing to a stream) to ``handle``, every byte or an OSError."""
    whole = _WholeWrites(handle)
    if isinstance(data, bytes):
        whole.write(data)
    else:
        data(cast("IO[bytes]", whole))


def write_atomic(path: str | os.PathLike[str], data: Content, *, force: bool = False,
                 shown_as: str | os.PathLike[str] | None = None) -> Path:
    """Write ``data`` to ``path`` atomically; keep an existing file unless ``force``.

    A failed write names the file ``shown_as`` (where it is headed, if ``path`` is only a step on the way),
    else ``path``.
    """
    target, parent = _check_target(Path(path), force)
    name = str(shown_as) if shown_as is not None else str(target)
    mode = file_mode(target)
    tmp_name: str | None = None
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name[:_TEMP_NAME_KEPT]}.", suffix=".tmp", dir=parent)
        with os.fdopen(fd, "wb") as handle:
            put(handle, data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp_name, mode)
        if force:
            _check_target(target, force)  # nothing special may have taken its place meanwhile
            os.replace(tmp_name, target)
        else:
            # link() fails if the target appeared meanwhile, so nothing is overwritten.
            try:
                os.link(tmp_name, target)
            except FileExistsError:
                raise OutputExistsError(name) from None
            except OSError:
                if target.exists():
                    raise OutputExistsError(name) from None
                os.replace(tmp_name, target)
    except OSError as exc:
        raise HtqMarkError(f"{name}: could not write the file ({exc.strerror}); {write_advice(exc.errno)}.") from exc
    finally:
        if tmp_name is not None and os.path.exists(tmp_name):
            os.unlink(tmp_name)
    return target


def write_or_fall_back(path: str | os.PathLike[str], data: Content, *, force: bool,
                       suffix: str) -> tuple[Path, HtqMarkError | None]:
    """Write ``data`` to ``path``; if that fails, to a new file in the temporary folder.

    Returns where the data went and, when it is the fallback, the error that
    stopped the first write, so work already done is never lost.
    """
    try:
        return write_atomic(path, data, force=force), None
    except HtqMarkError as exc:
        if isinstance(exc.__cause__, OSError) and stopped_by_limit(exc.__cause__.errno):
            raise  # the same limit would stop it in the temporary folder
        return save_elsewhere(data, suffix), exc


def save_elsewhere(data: Content, suffix: str) -> Path:
    """Write ``data`` to a new file (ending in ``suffix``) in the temporary folder; return its path.

    Raises :class:`HtqMarkError` if even that fails (the temporary folder full, say), leaving no file.
    """
    fallback: str | None = None
    try:
        fd, fallback = tempfile.mkstemp(prefix="htq-mark-", suffix=suffix)
        with os.fdopen(fd, "wb") as handle:
            put(handle, data)
    except OSError as exc:
        _remove(fallback)
        raise HtqMarkError(f"{tempfile.gettempdir()}: could not save the output in the temporary folder either "
                           f"({exc.strerror or exc}); {temporary_write_advice(exc.errno)}.") from exc
    except BaseException:
        _remove(fallback)  # what wrote the data failed (or the user stopped it): nothing half-written is kept
        raise
    return Path(fallback)


def _remove(path: str | None) -> None:
    if path is not None:
        try:
            os.unlink(path)
        except OSError:
            pass


def file_identity(path: str | os.PathLike[str] | int) -> tuple[int, int] | None:
    """The (device, inode) of the regular file at ``path`` (or open as descriptor ``path``), following
    links; None if there is none."""
    try:
        info = os.fstat(path) if isinstance(path, int) else os.stat(path)
    except (OSError, ValueError):
        return None
    return (info.st_dev, info.st_ino) if stat.S_ISREG(info.st_mode) else None


def refuse_over_read_files(written: Iterable[str | os.PathLike[str]], what: str,
                           read: Iterable[str | os.PathLike[str] | None]) -> None:
    """Raise :class:`UsageError` if writing the ``what`` (the artwork, a pack...) to the paths ``written``
    would replace one of the files ``read`` (those given to read, whether or not they were needed).

    This holds with ``force`` too: forcing allows replacing an output, never an input.
    """
    reads = {identity: path for path in read if path and (identity := file_identity(path)) is not None}
    for path in written:
        identity = file_identity(path)
        if identity in reads:
            raise UsageError(f"{os.fspath(path)} is a file this reads from ({os.fspath(reads[identity])}); "
                             f"write the {what} elsewhere.")


def refuses(stream: object, kind: type[str] | type[bytes]) -> bool:
    """Whether the file object ``stream`` refuses ``kind`` (text or bytes): writing nothing of it tells.

    Its type and mode may not (a text ``tempfile.SpooledTemporaryFile`` is no ``io.TextIOBase``;
    a ``codecs`` writer takes text though its mode says binary).
    """
    try:
        stream.write(kind())  # type: ignore[attr-defined]
    except TypeError:
        return True
    return False


def path_of_descriptor(fd: int) -> str | None:
    """The path of the regular file open as descriptor ``fd`` (from /proc, where there is one), or None."""
    identity = file_identity(fd)
    if identity is None:
        return None
    try:
        path = os.readlink(f"/proc/self/fd/{fd}")
    except OSError:
        return None
    return path if file_identity(path) == identity else None


def read_limited(path: str | os.PathLike[str], *, limit: int, what: str,
                 refuse: Callable[[str], HtqMarkError], pipes: bool = False) -> bytes:
    """The bytes of the regular file ``path``, reading no more than ``limit`` of them.

    A device, FIFO or socket (which ``stat()`` cannot size, and which may never
    end or never answer) and a file over ``limit`` bytes are refused with
    ``refuse(message)``; the message names the file and says what to do. With
    ``pipes``, a pipe or FIFO is read too (``--urls <(command)``), up to ``limit``
    bytes; one with no writer reads as empty. OS errors (a missing file, no
    permission) are raised as they are.
    """
    target = Path(path)
    # Non-blocking, so opening a FIFO with no writer returns at once instead of waiting forever.
    fd = os.open(target, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise refuse(f"{target}: is a folder; give the path of a {what} file.")
        if pipes and stat.S_ISFIFO(info.st_mode):
            os.set_blocking(fd, True)  # now open, it waits for what its writer sends (none: at once empty)
        elif not stat.S_ISREG(info.st_mode):
            raise refuse(f"{target}: is not a regular file (it is a device, FIFO or socket); give the path "
                         f"of a {what} file.")
        if info.st_size > limit:
            raise refuse(f"{target}: the file is {info.st_size:,} bytes, more than the {limit:,} allowed for a "
                         f"{what}; check it is the right file.")
        chunks: list[bytes] = []
        remaining = limit + 1  # the file may have grown since fstat
        while remaining > 0:
            chunk = os.read(fd, min(remaining, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            remaining -= len(chunk)
    finally:
        os.close(fd)
    data = b"".join(chunks)
    if len(data) > limit:
        raise refuse(f"{target}: the file is more than the {limit:,} bytes allowed for a {what}; "
                     "check it is the right file.")
    return data
