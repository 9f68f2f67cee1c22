"""Serve built demo sites, one ``ThreadingHTTPServer`` per site on a free port of 127.0.0.1.

The built files carry a placeholder origin per site (``http://<site>.demo.test``, see
``render``); every text response gets each site's placeholder replaced by that site's real
origin, so canonical links between sites, sitemaps, feeds and robots.txt hold working URLs.
"""

from __future__ import annotations

import socket
import sys
import threading
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote

from pipeline.demo.content import placeholder_origin

_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".xml": "application/xml",
    ".txt": "text/plain; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
}
_FEEDS = {"feed.xml": "application/rss+xml"}
_REWRITTEN = {".html", ".xml", ".txt", ".css"}
_NOT_FOUND = b"<!doctype html><title>404 Not Found</title><h1>Not Found</h1>\n"


@dataclass(slots=True)
class ServedSite:
    name: str
    url: str  # home page, e.g. "http://127.0.0.1:40123/"
    port: int
    root: Path
    requests: list[str] = field(default_factory=list)  # request targets served, in order
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def record(self, target: str) -> None:
        with self._lock:
            self.requests.append(target)


class _SiteServer(ThreadingHTTPServer):
    daemon_threads = True  # a client holding a keep-alive connection must not block shutdown

    def __init__(self, host: str, site: ServedSite) -> None:
        self.address_family = socket.AF_INET6 if ":" in host else socket.AF_INET
        super().__init__((host, 0), _Handler)
        self.site = site
        self.rewrites: list[tuple[bytes, bytes]] = []

    def handle_error(self, request: object, client_address: object) -> None:
        # Crawlers drop connections mid-response (timeouts, aborted redirects); that is not news.
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)  # type: ignore[arg-type]


class _Handler(BaseHTTPRequestHandler):
    server: _SiteServer
    protocol_version = "HTTP/1.1"
    timeout = 30  # idle keep-alive connections close instead of holding a thread forever
    server_version = "content-audit-demo"
    sys_version = ""

    def do_GET(self) -> None:
        self._serve(body=True)

    def do_HEAD(self) -> None:
        self._serve(body=False)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: requests are recorded in ``ServedSite.requests`` instead of stderr."""

    def _serve(self, *, body: bool) -> None:
        site = self.server.site
        site.record(self.path)
        path = unquote(self.path.split("?", 1)[0].split("#", 1)[0])
        parts = path.split("/")
        if not path.startswith("/") or any(p in {".", ".."} or "\\" in p for p in parts):
            return self._send(HTTPStatus.BAD_REQUEST, b"bad request path\n", "text/plain", body)
        if "\x00" in path:
            return self._send(HTTPStatus.BAD_REQUEST, b"bad request path\n", "text/plain", body)
        target = site.root.joinpath(*[p for p in parts if p])
        if not target.resolve().is_relative_to(site.root.resolve()):
            return self._not_found(body)
        if target.is_dir() and not path.endswith("/"):
            # Like Apache/nginx: a directory without its slash redirects to the slashed URL.
            query = self.path[len(self.path.split("?", 1)[0]) :]
            self.send_response(HTTPStatus.MOVED_PERMANENTLY)
            self.send_header("Location", path + "/" + query)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return None
        status = HTTPStatus.OK
        if target.is_dir():
            target, status = _directory_page(target)
        if not target.is_file():
            return self._not_found(body)
        data = target.read_bytes()
        if target.suffix in _REWRITTEN:
            for placeholder, origin in self.server.rewrites:
                data = data.replace(placeholder, origin)
        ctype = _FEEDS.get(target.name) or _TYPES.get(target.suffix, "application/octet-stream")
        return self._send(status, data, ctype, body)

    def _not_found(self, body: bool) -> None:
        self._send(HTTPStatus.NOT_FOUND, _NOT_FOUND, _TYPES[".html"], body)

    def _send(self, status: HTTPStatus, data: bytes, ctype: str, body: bool) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if body:
            self.wfile.write(data)


def _directory_page(directory: Path) -> tuple[Path, HTTPStatus]:
    """The page a directory serves: ``index.html``, or ``index.<status>.html`` with that status
    (how the real-web corpus stores its server-error page as a plain file)."""
    index = directory / "index.html"
    coded = [] if index.is_file() else sorted(directory.glob("index.[2-5][0-9][0-9].html"))
    if coded:
        return coded[0], HTTPStatus(int(coded[0].name.split(".")[1]))
    return index, HTTPStatus.OK


def _origin(host: str, port: int) -> str:
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


@contextmanager
def serve_sites(root: Path, host: str = "127.0.0.1") -> Iterator[list[ServedSite]]:
    """Serve every site built under ``root`` (one subdirectory each); stop them all on exit."""
    dirs = sorted(d for d in root.iterdir() if (d / "index.html").is_file())
    if not dirs:
        raise FileNotFoundError(f"{root}: no built demo site here; call build_sites({root}) first")
    with ExitStack() as stack:
        servers = []
        for d in dirs:
            server = _SiteServer(host, ServedSite(d.name, "", 0, d))
            stack.callback(server.server_close)
            port = server.server_address[1]
            server.site.port, server.site.url = port, _origin(host, port) + "/"
            servers.append(server)
        # Every server knows every origin: syndicated copies link to the other sites.
        rewrites = [
            (placeholder_origin(s.site.name).encode(), _origin(host, s.site.port).encode())
            for s in servers
        ]
        for server in servers:
            server.rewrites = rewrites
            thread = threading.Thread(
                target=server.serve_forever,
                kwargs={"poll_interval": 0.1},
                name=f"demo-{server.site.name}",
                daemon=True,
            )
            thread.start()
            stack.callback(thread.join, 5)
            stack.callback(server.shutdown)
        yield [s.site for s in servers]
