"""A scripted HTTP server on 127.0.0.1 that misbehaves the way the web does, and a socket guard.

Routes are functions of the request count for their path, so a route can fail first and succeed
later. Every request is logged (path, arrival time) and in-flight requests are tracked so tests
can check politeness from the server's side.
"""

from __future__ import annotations

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
                self.wfile.write(reply.body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the crawler gave up (timeout, too large): expected
            finally:
                server._end(hit)

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
# included), so tests can prove the crawler never tried to reach anything but 127.0.0.1.
_NETWORK_LOG: list[tuple[str, object]] = []
_RECORDING = threading.Event()


def _audit(event: str, args: tuple[object, ...]) -> None:
    if _RECORDING.is_set() and event in ("socket.connect", "socket.getaddrinfo"):
        target = args[1] if event == "socket.connect" else args[0]
        _NETWORK_LOG.append((event, target))


sys.addaudithook(_audit)


@contextmanager
def recording_network() -> Iterator[list[tuple[str, object]]]:
    """Collect ``(event, target)`` for every connect / getaddrinfo inside the block."""
    _NETWORK_LOG.clear()
    _RECORDING.set()
    try:
        yield _NETWORK_LOG
    finally:
        _RECORDING.clear()
