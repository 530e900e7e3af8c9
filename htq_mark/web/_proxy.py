"""A guarding proxy between Chromium and the network: every connection the page opens is checked here.

Chromium sends all its traffic (every redirect hop, web sockets, https
tunnels, loopback too) through this proxy on 127.0.0.1. Each request's host is
resolved and checked (:func:`~htq_mark.web._addresses.resolve`) and the
connection goes to the checked address, so neither a redirect to a private
address nor a host name that changes its answer reaches one. Refused requests
get ``403`` and are remembered for the page's notes. The bytes that come back
are counted for the page being rendered (:meth:`GuardProxy.start_page`): whatever
asked for them (a frame, a worker), a page past its limit has its connections cut.
"""

from __future__ import annotations

import selectors
import socket
import socketserver
import threading
from collections.abc import Callable
from urllib.parse import urlsplit

from ..errors import InputError
from ._addresses import origin_of, resolve

__all__ = ["GuardProxy"]

_HEAD_LIMIT = 64 * 1024
_IDLE_S = 30.0
_CHUNK = 64 * 1024
_HOP_HEADERS = {"proxy-connection", "connection", "keep-alive", "proxy-authorization", "te", "upgrade"}


class GuardProxy:
    """An HTTP proxy on 127.0.0.1 that connects only to addresses the rules allow."""

    def __init__(self, *, allow_private: bool) -> None:
        self.allow_private = allow_private
        self.refused: list[tuple[tuple[str, int] | None, str]] = []
        self._received = 0  # bytes that came back for the page being rendered
        self._limit = 0  # past this many, the page's connections are cut
        self._lock = threading.Lock()
        proxy = self

        class _Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                proxy._serve(self.request)

        self._server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def address(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def take_refused(self) -> list[tuple[tuple[str, int] | None, str]]:
        """What was refused since the last call: each request's (host, port) and what and why."""
        with self._lock:
            refused, self.refused = self.refused, []
        return refused

    def start_page(self, max_bytes: int) -> None:
        """Count the bytes that come back from now on, for one page; past ``max_bytes``, every connection is cut."""
        with self._lock:
            self._received, self._limit = 0, max_bytes

    @property
    def over_limit(self) -> bool:
        """Whether more came back for the page than :meth:`start_page` allowed."""
        with self._lock:
            return self._received > self._limit

    def _count(self, size: int) -> bool:
        """Add ``size`` bytes that came back; whether the page is still within its limit."""
        with self._lock:
            self._received += size
            return self._received <= self._limit

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _refuse(self, client: socket.socket, what: str, reason: str) -> None:
        with self._lock:
            if len(self.refused) < 50:
                self.refused.append((origin_of(what), f"{what[:200]} ({reason})"))
        try:
            client.sendall(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
        except OSError:
            pass

    def _serve(self, client: socket.socket) -> None:
        client.settimeout(_IDLE_S)
        try:
            head = _read_head(client)
            if head is None:
                return
            request_line, headers, rest = head
            method, _, target = request_line.partition(" ")
            target = target.rsplit(" ", 1)[0]
            if method.upper() == "CONNECT":
                host, _, port = target.rpartition(":")
                host = host.strip("[]")
                url = f"https://[{host}]:{port}/" if ":" in host else f"https://{host}:{port}/"
            else:
                url = target
            if urlsplit(url).scheme.lower() not in ("http", "https"):
                self._refuse(client, url, "only http and https")
                return
            try:
                checked = resolve(url, allow_private=self.allow_private)
            except InputError as exc:
                self._refuse(client, url, exc.detail)
                return
            try:
                upstream = socket.create_connection((checked.address, checked.port), timeout=_IDLE_S)
            except OSError:
                client.sendall(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                return
            with upstream:
                if method.upper() == "CONNECT":
                    client.sendall(b"HTTP/1.1 200 Connection Established\r\n\r\n")
                else:
                    parts = urlsplit(url)
                    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
                    kept = [line for line in headers if line.split(":", 1)[0].strip().lower() not in _HOP_HEADERS]
                    upstream.sendall(f"{method} {path} HTTP/1.1\r\n".encode("latin-1")
                                     + b"".join(line.encode("latin-1") + b"\r\n" for line in kept)
                                     + b"Connection: close\r\n\r\n")
                if rest:
                    upstream.sendall(rest)
                _relay(client, upstream, self._count)
        except (OSError, UnicodeError, ValueError):
            return


def _read_head(client: socket.socket) -> tuple[str, list[str], bytes] | None:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = client.recv(_CHUNK)
        if not chunk:
            return None
        data += chunk
        if len(data) > _HEAD_LIMIT:
            return None
    head, _, rest = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    return lines[0], [line for line in lines[1:] if line], rest


def _relay(client: socket.socket, upstream: socket.socket, count: Callable[[int], bool]) -> None:
    """Copy bytes both ways until either side closes, both are idle too long, or ``count`` (told the size
    of each piece that comes back) says the page has had too many."""
    with selectors.DefaultSelector() as selector:
        selector.register(client, selectors.EVENT_READ, upstream)
        selector.register(upstream, selectors.EVENT_READ, client)
        while True:
            ready = selector.select(_IDLE_S)
            if not ready:
                return
            for key, _ in ready:
                source: socket.socket = key.fileobj  # type: ignore[assignment]
                chunk = source.recv(_CHUNK)
                if not chunk or (source is upstream and not count(len(chunk))):
                    return
                key.data.sendall(chunk)
