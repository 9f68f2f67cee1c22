"""A scripted HTTP server on 127.0.0.1 that misbehaves the way the web does, and a socket guard.

Routes are functions of the request count for their path, so a route can fail first and succeed
later. Every request is logged (path, arrival time) and in-flight requests are tracked so tests
can check politeness from the server's side.
"""

from __future__ import annotations

import ipaddress
import socket
import struct
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


@dataclass(slots=True)
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str | None = "text/html; charset=utf-8"
    delay_s: float = 0.0  # before the status line is sent
    content_length: bool = True  # False: close-delimited body, the client cannot know its size
    # Like a real server: a request whose If-None-Match / If-Modified-Since matches this reply's
    # ETag / Last-Modified header gets 304 Not Modified with no body.
    conditional: bool = True
    trickle_s: float = 0.0  # pause between 1 KiB chunks of the body
    reset_after: int | None = None  # bytes of body sent before the connection is reset (RST)
    endless: bool = False  # close-delimited body that never ends (until the client leaves)


Route = Callable[[int], Reply]  # argument: how many times this path was requested before


@dataclass(slots=True)
class Hit:
    path: str
    at: float  # time.monotonic() when the request arrived
    end: float | None = None  # when the reply was written (or the client went away)
    headers: dict[str, str] = field(default_factory=dict)  # request headers, lowercased names
    status: int | None = None  # what the server answered


class ScriptedServer:
    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.hits: list[Hit] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self._counts: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._httpd.daemon_threads = True
        self.port = self._httpd.server_address[1]
        self.base = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    def route(self, path: str, reply: Reply | Route) -> None:
        self.routes[path] = reply if callable(reply) else (lambda _n, r=reply: r)

    def paths(self) -> list[str]:
        with self._lock:
            return [h.path for h in self.hits]

    def _begin(self, path: str, headers: dict[str, str]) -> tuple[int, Hit]:
        hit = Hit(path, time.monotonic(), headers=headers)
        with self._lock:
            self.hits.append(hit)
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
            n = self._counts[path]
            self._counts[path] += 1
            return n, hit

    def _end(self, hit: Hit) -> None:
        with self._lock:
            hit.end = time.monotonic()
            self.in_flight -= 1

    def __enter__(self) -> ScriptedServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()


def _handler_for(server: ScriptedServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            n, hit = server._begin(self.path, {k.lower(): v for k, v in self.headers.items()})
            try:
                route = server.routes.get(self.path)
                reply = route(n) if route else Reply(404, b"<h1>not found</h1>")
                if _not_modified(reply, hit.headers):
                    reply = Reply(
                        304,
                        b"",
                        {k: v for k, v in reply.headers.items() if k in ("ETag", "Last-Modified")},
                        None,
                    )
                hit.status = reply.status
                time.sleep(reply.delay_s)
                self.send_response(reply.status)
                if reply.content_type:
                    self.send_header("Content-Type", reply.content_type)
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                if reply.content_length:
                    self.send_header("Content-Length", str(len(reply.body)))
                self.end_headers()
                self._body(reply)
            except (BrokenPipeError, ConnectionResetError, OSError):
                pass  # the crawler gave up (timeout, too large): expected
            finally:
                server._end(hit)

        def _body(self, reply: Reply) -> None:
            if reply.reset_after is not None:
                self.wfile.write(reply.body[: reply.reset_after])
                self.wfile.flush()
                # SO_LINGER 0: close() sends RST, as a crashed upstream or a proxy does.
                self.connection.setsockopt(
                    socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
                )
                self.connection.close()
                return
            if reply.endless:
                chunk = b"<p>" + b"more " * 4000 + b"</p>"
                while True:
                    self.wfile.write(chunk)
            if not reply.trickle_s:
                self.wfile.write(reply.body)
                return
            for i in range(0, len(reply.body), 1024):
                self.wfile.write(reply.body[i : i + 1024])
                self.wfile.flush()
                time.sleep(reply.trickle_s)

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


def _not_modified(reply: Reply, request: dict[str, str]) -> bool:
    if not reply.conditional or reply.status != 200:
        return False
    etag, modified = reply.headers.get("ETag"), reply.headers.get("Last-Modified")
    if "if-none-match" in request:  # RFC 9110: If-None-Match wins over If-Modified-Since
        return etag is not None and request["if-none-match"] == etag
    return modified is not None and request.get("if-modified-since") == modified


@pytest.fixture
def server() -> Iterator[ScriptedServer]:
    with ScriptedServer() as srv:
        yield srv


# -- socket guard ----------------------------------------------------------------------------
# An audit hook sees every socket connect and name lookup made by this process (asyncio's
# included). While a crawl runs under ``recording_network`` (and always in ``fault_run``, the
# crawler process of the fault matrix), a connect or lookup of anything but 127.0.0.0/8 and ::1
# fails *before* it happens, so a crawler bug fails the test instead of reaching an address.
_NETWORK_LOG: list[tuple[str, object]] = []
VIOLATIONS: list[tuple[str, object]] = []
_RECORDING = threading.Event()
_STRICT = threading.Event()


class SocketGuardError(PermissionError):
    """A test tried to reach a non-loopback address (an OSError, as a refused connect is)."""


def is_loopback(host: object) -> bool:
    if not isinstance(host, str):
        return False
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.split("%", 1)[0]).is_loopback
    except ValueError:
        return False


def _audit(event: str, args: tuple[object, ...]) -> None:
    if event not in ("socket.connect", "socket.getaddrinfo"):
        return
    if not (_RECORDING.is_set() or _STRICT.is_set()):
        return
    if event == "socket.connect":
        address = args[1]
        if not isinstance(address, tuple):
            return  # AF_UNIX paths never leave the machine
        target: object = address
        host = address[0]
    else:
        target = host = args[0]
    if _RECORDING.is_set():
        _NETWORK_LOG.append((event, target))
    if not is_loopback(host):
        VIOLATIONS.append((event, target))
        raise SocketGuardError(f"socket guard: {event} to {target!r} refused (tests use loopback)")


sys.addaudithook(_audit)


def strict_socket_guard() -> None:
    """From now on every non-loopback connect or lookup of this process fails."""
    _STRICT.set()


@contextmanager
def recording_network() -> Iterator[list[tuple[str, object]]]:
    """Collect ``(event, target)`` for every connect / getaddrinfo inside the block; any of them
    to a non-loopback address raises ``SocketGuardError`` instead of going out."""
    _NETWORK_LOG.clear()
    _RECORDING.set()
    try:
        yield _NETWORK_LOG
    finally:
        _RECORDING.clear()
