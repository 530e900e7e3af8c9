"""One HTTP request, bounded: a deadline for the whole exchange and a cap on the bytes read.

The connection goes to the address :func:`~htq_mark.web._addresses.resolve`
checked (TLS still verifies the host name). A server that trickles its answer
is cut off at the deadline, one that sends too much at the byte cap.
"""

from __future__ import annotations

import http.client
import socket
import ssl
import threading
import time
from dataclasses import dataclass
from email.message import Message
from urllib.parse import urlsplit

from .._version import __version__
from ..errors import LimitExceededError, ScanTimeoutError, UnreadableFileError
from ._addresses import Target

__all__ = ["ROBOTS_AGENT", "Response", "fetch_once"]

#: The user agent htq-mark names itself by, in requests and when reading robots.txt.
ROBOTS_AGENT = f"htq-mark/{__version__}"
_CHUNK = 64 * 1024


@dataclass(frozen=True)
class Response:
    """A response as read: status, headers, body (at most the cap) and the URL asked for."""

    url: str
    status: int
    headers: Message
    body: bytes

    @property
    def content_type(self) -> str:
        return self.headers.get_content_type() if self.headers.get("Content-Type") else ""

    def header(self, name: str) -> str | None:
        return self.headers.get(name)


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, target: Target, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout)
        self.address = target.address
        # Kept for the watchdog: http.client lets go of ``sock`` while a response without a length is read.
        self.pinned_socket: socket.socket | None = None

    def connect(self) -> None:
        self.sock = self.pinned_socket = socket.create_connection((self.address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, target: Target, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout, context=ssl.create_default_context())
        self.address = target.address
        self.context = ssl.create_default_context()
        self.pinned_socket: socket.socket | None = None

    def connect(self) -> None:
        raw = socket.create_connection((self.address, self.port), self.timeout)
        self.sock = self.pinned_socket = self.context.wrap_socket(raw, server_hostname=self.host)


def fetch_once(target: Target, *, deadline: float, max_bytes: int, accept: str = "*/*",
               user_agent: str = ROBOTS_AGENT) -> Response:
    """GET ``target`` (no redirects followed) by the monotonic ``deadline``, reading at most ``max_bytes``."""
    url = target.url
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise ScanTimeoutError(url, "the time limit for this page ran out before it was fetched.")
    connection_type = _PinnedHTTPSConnection if target.scheme == "https" else _PinnedHTTPConnection
    connection = connection_type(target, timeout=remaining)
    # A server trickling bytes would reset every socket timeout; this cuts the whole exchange at the deadline.
    timer = threading.Timer(remaining, _shut, (connection,))
    timer.daemon = True
    timer.start()
    parts = urlsplit(url)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        connection.putrequest("GET", path, skip_accept_encoding=True)
        connection.putheader("User-Agent", user_agent)
        connection.putheader("Accept", accept)
        connection.putheader("Accept-Encoding", "identity")
        connection.endheaders()
        answer = connection.getresponse()
        declared = answer.getheader("Content-Length")
        if declared is not None and declared.strip().isdigit() and int(declared) > max_bytes:
            raise LimitExceededError(url, f"the response is {int(declared):,} bytes; the limit is {max_bytes:,} "
                                          "bytes (raise it with limits.max_page_bytes=N).")
        chunks: list[bytes] = []
        size = 0
        while True:
            chunk = answer.read1(_CHUNK)
            if not chunk:
                break
            size += len(chunk)
            if size > max_bytes:
                raise LimitExceededError(url, f"the response is larger than the {max_bytes:,}-byte limit "
                                              "(raise it with limits.max_page_bytes=N).")
            chunks.append(chunk)
        if time.monotonic() >= deadline:  # the watchdog closed the connection: the answer is incomplete
            raise ScanTimeoutError(url, "the server did not finish answering within the page time limit; "
                                        "raise it with limits.max_page_seconds=S.")
        return Response(url=url, status=answer.status, headers=answer.msg, body=b"".join(chunks))
    except (OSError, http.client.HTTPException) as exc:
        if time.monotonic() >= deadline - 0.05:
            raise ScanTimeoutError(url, "the server did not answer within the page time limit; "
                                        "raise it with limits.max_page_seconds=S.") from None
        raise UnreadableFileError(url, f"could not be fetched ({type(exc).__name__}: {exc}); "
                                       "check the address.") from None
    finally:
        timer.cancel()
        connection.close()


def _shut(connection: _PinnedHTTPConnection | _PinnedHTTPSConnection) -> None:
    sock = connection.pinned_socket
    if sock is not None:
        try:
            # The plain socket's shutdown, also for TLS: SSLSocket's own drops the TLS state under the reader,
            # which then fails with ValueError rather than an OSError.
            socket.socket.shutdown(sock, socket.SHUT_RDWR)
        except OSError:
            pass
