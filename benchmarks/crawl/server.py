"""Serve benchmark sites from memory: one process, one listening socket per site on 127.0.0.1.

A minimal HTTP/1.1 server on ``asyncio.Protocol``: keep-alive, GET and HEAD, ``Content-Length``,
``ETag``/``Last-Modified``, and gzip (compressed once at start-up) when the request accepts it,
as a blog behind a caching web server would answer. Responses are prebuilt bytes, so serving
one costs a dictionary lookup and a ``write``: the server should not be what limits a crawl
(``run.py`` measures its CPU time to check).

``GET /__stats`` on any port answers this process's counters as JSON (requests, bytes sent); no
page links to it. Protocol with ``run.py``: ``server.py --sites 0 1 2 ...`` binds one free port per
site index, builds the sites, prints one JSON line ``{"ports": {"0": 40123, ...}}`` on stdout
and serves until terminated.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import gzip
import hashlib
import json
import signal
import socket
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from sites import Resource, build_site  # sibling module of this script

HOST = "127.0.0.1"  # never anything else
LAST_MODIFIED = "Mon, 30 Nov 2026 08:00:00 GMT"
_NOT_FOUND = b"<!doctype html><title>404 Not Found</title><h1>Not Found</h1>\n"
MAX_HEAD = 16 * 1024


class Prebuilt:
    """A resource's full responses (head + body), identity and gzip."""

    __slots__ = ("gzip", "gzip_head", "identity", "identity_head")

    def __init__(self, status: str, resource: Resource) -> None:
        body = resource.body
        packed = gzip.compress(body, compresslevel=6, mtime=0)
        etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
        common = (
            f"HTTP/1.1 {status}\r\nServer: bench-blog\r\nContent-Type: {resource.content_type}\r\n"
            f"ETag: {etag}\r\nLast-Modified: {LAST_MODIFIED}\r\nVary: Accept-Encoding\r\n"
            "Cache-Control: max-age=600\r\n"
        )
        self.identity_head = f"{common}Content-Length: {len(body)}\r\n\r\n".encode()
        self.gzip_head = (
            f"{common}Content-Encoding: gzip\r\nContent-Length: {len(packed)}\r\n\r\n".encode()
        )
        self.identity = self.identity_head + body
        self.gzip = self.gzip_head + packed


class Stats:
    requests = 0
    bytes_sent = 0


class SiteProtocol(asyncio.Protocol):
    def __init__(self, routes: dict[str, Prebuilt], not_found: Prebuilt) -> None:
        self.routes, self.not_found = routes, not_found
        self.buffer = b""
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while self.transport is not None:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                if len(self.buffer) > MAX_HEAD:
                    self.transport.close()
                return
            head, self.buffer = self.buffer[:end], self.buffer[end + 4 :]
            self._respond(head)

    def _respond(self, head: bytes) -> None:
        assert self.transport is not None
        lines = head.decode("latin-1").split("\r\n")
        try:
            method, target, version = lines[0].split(" ", 2)
        except ValueError:
            self.transport.write(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
            self.transport.close()
            return
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip().lower()
        path = target.split("?", 1)[0]
        if path == "/__stats":
            body = json.dumps({"requests": Stats.requests, "bytes_sent": Stats.bytes_sent})
            self.transport.write(
                b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                + f"Content-Length: {len(body)}\r\n\r\n{body}".encode()
            )
            return
        Stats.requests += 1
        prebuilt = self.routes.get(path, self.not_found)
        gz = "gzip" in headers.get("accept-encoding", "")
        if method == "HEAD":
            out = prebuilt.gzip_head if gz else prebuilt.identity_head
        else:
            out = prebuilt.gzip if gz else prebuilt.identity
        Stats.bytes_sent += len(out)
        self.transport.write(out)
        connection = headers.get("connection", "")
        if connection == "close" or (version == "HTTP/1.0" and connection != "keep-alive"):
            self.transport.close()

    def connection_lost(self, exc: Exception | None) -> None:
        self.transport = None


async def serve(site_indexes: list[int]) -> None:
    sockets = {}
    for index in site_indexes:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((HOST, 0))
        sockets[index] = sock
    not_found = Prebuilt("404 Not Found", Resource(_NOT_FOUND, "text/html; charset=utf-8"))
    loop = asyncio.get_running_loop()
    servers = []
    for index, sock in sockets.items():
        origin = f"http://{HOST}:{sock.getsockname()[1]}"
        routes = {path: Prebuilt("200 OK", r) for path, r in build_site(index, origin).items()}
        servers.append(
            await loop.create_server(
                functools.partial(SiteProtocol, routes, not_found), sock=sock, backlog=1024
            )
        )
    print(json.dumps({"ports": {str(i): s.getsockname()[1] for i, s in sockets.items()}}))
    sys.stdout.flush()
    stop = asyncio.Event()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    loop.add_signal_handler(signal.SIGINT, stop.set)
    await stop.wait()
    for server in servers:
        server.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, nargs="+", required=True)
    args = parser.parse_args(argv)
    asyncio.run(serve(args.sites))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
