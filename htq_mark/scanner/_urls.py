"""Documents named by fsspec URLs (``s3://``, ``gs://``, ``abfs://``, ``file://``, ...).

``http://`` and ``https://`` addresses are web pages, scanned by :mod:`htq_mark.web`, not read here.

The scan's caller only lists what a URL names (a folder or bucket prefix is
searched for document file names); the bytes are read where the document is
scanned, so a bucket of brochures never passes through the caller. fsspec is
imported on first use; the cloud protocols need fsspec's own optional packages
(``s3fs``, ``gcsfs``, ``adlfs``).
"""

from __future__ import annotations

import re
from typing import Any

from ..errors import LimitExceededError, UnreadableFileError
from ._limits import Limits

__all__ = ["STORAGE_SCHEMES", "is_url", "list_url", "local_path", "read_url"]

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_WEB_SCHEMES = ("http", "https")
#: The fsspec protocols of stored files that a scan reads (and the local file system's).
STORAGE_SCHEMES = frozenset({"file", "s3", "s3a", "gs", "gcs", "abfs", "abfss", "az", "adl", "hdfs", "webhdfs"})


def is_url(text: str) -> bool:
    """Whether ``text`` is a URL with a scheme (``s3://...``) rather than a local path."""
    return bool(_SCHEME.match(text))


def local_path(url: str) -> str | None:
    """The path of the local file a file:// URL names (as fsspec reads the rest of it), or None for another URL.

    ``file://localhost/`` names the local host's root, which fsspec would take for a folder ``localhost``.
    """
    if url[:7].lower() != "file://":
        return None
    rest = url[7:]
    return "/" + rest[10:] if rest[:10].lower() == "localhost/" else rest


def _filesystem(url: str) -> tuple[Any, str]:
    """fsspec's filesystem for ``url`` and the path inside it; UnreadableFileError if it has none."""
    scheme = url.split("://", 1)[0].lower()
    if scheme in _WEB_SCHEMES:
        raise UnreadableFileError(url, "is a web page, not a stored file; scan it with htq_mark.scan "
                                       "or htq-mark scan, which render web pages.")
    if scheme not in STORAGE_SCHEMES or "::" in url:  # fsspec chains URLs with "::" (zip://a.pdf::s3://...)
        raise UnreadableFileError(url, "is not a URL of stored files htq-mark reads; give an s3://, gs://, "
                                       "abfs:// (az://, adl://), hdfs:// (webhdfs://) or file:// URL, or a "
                                       "local path.")
    local = local_path(url)
    if local is not None:
        url = "file://" + local
    try:
        import fsspec
    except ImportError:
        raise UnreadableFileError(url, "reading URLs needs fsspec; install it with "
                                       "pip install 'htq-mark[urls]'.") from None
    try:
        return fsspec.core.url_to_fs(url)  # type: ignore[no-any-return]
    except ImportError as exc:  # fsspec names the package the protocol needs
        raise UnreadableFileError(url, f"cannot be read here ({exc}); install that package.") from None
    except Exception as exc:  # noqa: BLE001 - each fsspec backend raises its own errors
        raise UnreadableFileError(url, f"is not a URL htq-mark can read ({type(exc).__name__}: {exc}).") from None


def list_url(url: str, suffixes: frozenset[str], max_entries: int | None = None) -> list[str]:
    """The document URLs ``url`` names: itself, or the files under it whose names end in ``suffixes``.

    Raises :class:`UnreadableFileError` when the URL's protocol is unknown or
    its package is missing, or the folder cannot be listed, and
    :class:`LimitExceededError` when it holds more than ``max_entries`` files.
    """
    filesystem, path = _filesystem(url)
    try:
        if not filesystem.isdir(path):
            return [url]
        found: list[str] = []
        for _, _, files in filesystem.walk(path, detail=True):  # as find() does, stopping at the limit
            found.extend(info["name"] for info in files.values())
            if max_entries is not None and len(found) > max_entries:
                raise LimitExceededError(url, f"holds more than {max_entries:,} files; none were scanned. Scan a "
                                              "smaller folder or prefix, or raise limits.max_folder_entries=N.")
    except LimitExceededError:
        raise
    except Exception as exc:  # noqa: BLE001 - each fsspec backend raises its own errors (aiohttp, botocore)
        raise UnreadableFileError(url, f"cannot be listed ({type(exc).__name__}: {exc}); check the URL and its "
                                       "credentials.") from None
    names = sorted(name for name in found if any(name.lower().endswith(suffix) for suffix in suffixes))
    return [filesystem.unstrip_protocol(name) for name in names]


def read_url(url: str, name: str, limits: Limits) -> bytes:
    """The bytes at ``url`` (at most ``limits.max_file_bytes``); reported as ``name`` in errors."""
    filesystem, path = _filesystem(url)
    try:
        with filesystem.open(path, "rb") as handle:
            data: bytes = handle.read(limits.max_file_bytes + 1)
    except Exception as exc:  # noqa: BLE001 - each fsspec backend raises its own errors (aiohttp, botocore)
        raise UnreadableFileError(name, f"cannot be read ({type(exc).__name__}: {exc}); "
                                        "check the URL and its credentials.") from None
    if len(data) > limits.max_file_bytes:
        raise LimitExceededError(name, f"the file is larger than the {limits.max_file_bytes:,}-byte limit.")
    return data
