"""A loopback HTTP server for fixture sites: fixed routes, plus handlers for hostile behaviour."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

__all__ = ["Reply", "Site", "serve"]

#: A dynamic route: gets the handler, writes the whole response itself.
Handler = Callable[[BaseHTTPRequestHandler], None]


@dataclass(frozen=True)
class Reply:
    """A fixed response."""

    body: bytes
    content_type: str = "text/html; charset=utf-8"
    status: int = 200
    headers: Mapping[str, str] = field(default_factory=dict)


@dataclass
class Site:
    """Routes by path (without the query); records every path asked for and each request's user agent."""

    routes: dict[str, Reply | Handler] = field(default_factory=dict)
    requests: list[str] = field(default_factory=list)
    agents: list[str] = field(default_factory=list)
    base: str = ""

    def url(self, path: str) -> str:
        return self.base + path


def _handler_for(site: Site) -> type[BaseHTTPRequestHandler]:
    class _Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base class's name
            pass

        def do_GET(self) -> None:  # noqa: N802 - the base class's name
            path = self.path.split("?", 1)[0]
            site.requests.append(path)
            site.agents.append(self.headers.get("User-Agent", ""))
            route = site.routes.get(path)
            try:
                if route is None:
                    self._send(Reply(b"not found", "text/plain", 404))
                elif isinstance(route, Reply):
                    self._send(route)
                else:
                    route(self)
            except (BrokenPipeError, ConnectionResetError):
                pass

        def _send(self, reply: Reply) -> None:
            self.send_response(reply.status)
            self.send_header("Content-Type", reply.content_type)
            self.send_header("Content-Length", str(len(reply.body)))
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(reply.body)

    return _Handler


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        pass  # clients cut off on purpose (limits, timeouts) are not errors here


@contextmanager
def serve(site: Site) -> Iterator[Site]:
    """Serve ``site`` on 127.0.0.1 (a free port) until the block ends."""
    server = _QuietServer(("127.0.0.1", 0), _handler_for(site))
    server.daemon_threads = True
    site.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()


def trickle(seconds_per_byte: float, total: int, *, declared: bool = True) -> Handler:
    """A slow-loris response: headers (with the length, if ``declared``), then one byte at a time."""
    def handle(request: BaseHTTPRequestHandler) -> None:
        request.send_response(200)
        request.send_header("Content-Type", "text/html")
        request.send_header(*("Content-Length", str(total)) if declared else ("Connection", "close"))
        request.end_headers()
        for _ in range(total):
            request.wfile.write(b" ")
            request.wfile.flush()
            time.sleep(seconds_per_byte)
    return handle


def late(seconds: float) -> Handler:
    """A page whose headers come only after ``seconds``."""
    def handle(request: BaseHTTPRequestHandler) -> None:
        time.sleep(seconds)
        request.send_response(200)
        request.send_header("Content-Type", "text/html")
        request.send_header("Content-Length", "2")
        request.end_headers()
        request.wfile.write(b"ok")
    return handle


def endless(chunk: int = 1 << 20) -> Handler:
    """A response that never ends (a '5 GB' body without a length)."""
    def handle(request: BaseHTTPRequestHandler) -> None:
        request.send_response(200)
        request.send_header("Content-Type", "text/html")
        request.send_header("Connection", "close")
        request.end_headers()
        block = b"<p>" + b"x" * (chunk - 3)
        for _ in range(5 * 1024):
            request.wfile.write(block)
    return handle


