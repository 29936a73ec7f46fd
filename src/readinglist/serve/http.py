"""The preview's HTTP side: the output folder served as a static host would, to this machine only.

It is the standard library's threading server, made fit for what a page open
in the same browser may send it. A ``Host`` that is not one of the preview's
own names gets a 400, so a page whose name was rebound to 127.0.0.1 (DNS
rebinding) cannot read the preview. A path that cannot name a file (bad
percent escapes, bytes that are not UTF-8, control characters such as NUL)
gets a 400; one no file system could hold (a name over 255 bytes, a path over
2,048 bytes) or that leads out of the output folder through a symlink gets a 404.
Slow or vanished clients cost nothing lasting: each read and write waits at
most ``ServeLimits.idle_seconds``, and a client that hangs up is not reported.
A status request that names the current status is held until the next build
(``serve.live``), for ``ServeLimits.hold_seconds`` at most, and only while its
client stays and fewer than ``ServeLimits.held_requests`` others are held; any
other status request, malformed ones included, is answered at once. Stopping
the server answers the held ones first.
"""

from __future__ import annotations

import http.server
import io
import json
import os
import posixpath
import re
import select
import socket
import sys
import threading
import urllib.parse
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, BinaryIO

from readinglist.serve.live import (
    LIVE_SCRIPT,
    SCRIPT_PATH,
    STATUS_PATH,
    LiveState,
    Status,
    inject_live_script,
)

HOST = "127.0.0.1"
LOOPBACK_NAMES = frozenset({"127.0.0.1", "localhost", "[::1]"})
"""The names a browser on this machine reaches the preview by, besides the bound address."""
NAME_BYTES = 255
"""The longest file name Linux and macOS file systems hold."""
PATH_BYTES = 2048
"""Far beyond any path the site has; well within what the system accepts under the folder."""
_HOST_RE = re.compile(r"(?P<name>\[[0-9a-f:.]+\]|[^:\[\]@/]+)(?::(?P<port>[0-9]{1,5}))?")
_BAD_ESCAPE_RE = re.compile(r"%(?![0-9A-Fa-f]{2})")
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_AFTER_RE = re.compile(r"after=([0-9]{1,15})")
"""The one query a status request is held for; 15 digits stay exact in JavaScript."""


@dataclass(frozen=True)
class ServeLimits:
    """What the preview server grants its clients."""

    backlog: int = 256
    """Connections the system keeps waiting while the server takes them in. With
    the standard library's 5, only 43 to 97 of 200 requests sent at once were
    answered within 5 s; with 128 all were, some after a 1 s retry; with 256 all
    200 are answered in about 0.2 s."""
    idle_seconds: float = 10.0
    """How long one read or write may wait on a client before the connection is
    closed, so that a half-open connection does not hold a thread forever."""
    hold_seconds: float = 25.0
    """How long a status request waits for the next build before it is answered with
    the current status, and the page asks again."""
    held_requests: int = 64
    """How many status requests may wait at once, each a thread: beyond that they are
    answered at once, and their pages ask again after a pause, as they would after a
    timeout. A browser opens at most six connections to a host, and only visible pages
    wait, so a person previewing holds a few."""


def own_host_names(bound: str) -> frozenset[str]:
    """The host names the preview answers to when bound to ``bound``."""
    return LOOPBACK_NAMES | {f"[{bound}]" if ":" in bound else bound.lower()}


def host_allowed(host: str, names: frozenset[str]) -> bool:
    """Whether a ``Host`` header value is one of ``names``, with or without a port."""
    match = _HOST_RE.fullmatch(host.strip().lower())
    if match is None or match["name"] not in names:
        return False
    return match["port"] is None or int(match["port"]) <= 65535


def served_file(root: str, target: str) -> str | int:
    """The file a request target names in ``root``, or the status that refuses it.

    The file is given with symlinks resolved, and lies inside ``root`` (itself
    resolved). A folder asked for with a trailing slash gives its
    ``index.html`` when it has one; any other name keeps its trailing slash,
    as the standard library's handler expects (a file then is not found).
    ``..`` never climbs above the root, as there. 400: the target is not a
    well-formed UTF-8 path without control characters. 404: no file system
    could hold it, or it leads out of the root.
    """
    path = target.split("?", 1)[0].split("#", 1)[0]
    if _BAD_ESCAPE_RE.search(path):
        return 400
    try:
        text = urllib.parse.unquote_to_bytes(path).decode("utf-8")
    except UnicodeDecodeError:
        return 400
    if _CONTROL_RE.search(text):
        return 400
    words = [w for w in posixpath.normpath(text).split("/") if w not in ("", ".", "..")]
    if len(text.encode()) > PATH_BYTES or any(len(w.encode()) > NAME_BYTES for w in words):
        return 404
    real_root = _real(Path(root))
    try:
        real = _real(real_root.joinpath(*words))
        if not real.is_relative_to(real_root):
            return 404
        if not text.endswith("/"):
            return str(real)
        for name in ("index.html", "index.htm") if real.is_dir() else ():
            index = _real(real / name)  # the two the standard library looks for
            if index.is_file():
                return str(index) if index.is_relative_to(real_root) else 404
    except OSError:  # unreadable folders: nothing to serve
        return 404
    return f"{real}/"


def client_gone(connection: socket.socket) -> bool:
    """Whether the client closed or reset its side of ``connection``; nothing is read."""
    try:
        if hasattr(select, "poll"):  # select.select refuses descriptors past 1023
            poller = select.poll()
            poller.register(connection, select.POLLIN)
            readable = bool(poller.poll(0))
        else:  # Windows, where select.select takes any socket
            readable = bool(select.select([connection], [], [], 0)[0])
        return readable and not connection.recv(1, socket.MSG_PEEK)
    except (OSError, ValueError):  # reset, or closed here
        return True


def _real(path: Path) -> Path:
    # Path.resolve raises on a symlink loop before Python 3.13; realpath leaves it as is.
    return Path(os.path.realpath(path))


class RefusedPath(Exception):
    """A request path that names no file the preview may serve."""

    def __init__(self, status: int) -> None:
        super().__init__(status)
        self.status = status


class PreviewHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the output folder as a static host would, plus the preview's endpoints."""

    live: LiveState
    server: PreviewServer

    def __init__(
        self, *args: Any, directory: str, live: LiveState, limits: ServeLimits, **kwargs: Any
    ) -> None:
        self.live = live
        self.limits = limits
        super().__init__(*args, directory=directory, **kwargs)

    def setup(self) -> None:
        super().setup()
        # Each read and write waits this long at most; a silent client is then dropped.
        self.connection.settimeout(self.limits.idle_seconds)

    def parse_request(self) -> bool:
        """Parse as the base class does, then refuse a host name that is not the preview's."""
        if not super().parse_request():
            return False
        hosts = self.headers.get_all("Host") or []
        # HTTP/1.1 requires a Host; a browser always sends one, so its absence opens no door.
        required = self.request_version not in ("HTTP/0.9", "HTTP/1.0")
        address = self.server.server_address
        names = own_host_names(str(address[0]) if isinstance(address, tuple) else HOST)
        if (
            len(hosts) > 1
            or (required and not hosts)
            or not all(host_allowed(h, names) for h in hosts)
        ):
            self.send_error(400, "Unknown host", "This preview answers only to 127.0.0.1.")
            return False
        return True

    def end_headers(self) -> None:
        # A preview must never show a stale page from the browser's cache.
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0].split("#", 1)[0]
        if path == STATUS_PATH:
            self._send(200, "application/json", json.dumps(asdict(self._news())).encode())
            return
        if path == SCRIPT_PATH:
            self._send(200, "text/javascript; charset=utf-8", LIVE_SCRIPT.encode())
            return
        found = served_file(self.directory, path)
        if isinstance(found, int):
            self.send_error(found)
            return
        page = self._html_file(Path(found))
        if page is None:
            if self.command == "GET":
                super().do_GET()
            else:
                super().do_HEAD()
            return
        status, file = page
        try:
            data = file.read_bytes()
        except OSError:
            self.send_error(404)
            return
        version = self.live.status.version
        self._send(status, "text/html; charset=utf-8", inject_live_script(data, version))

    def _news(self) -> Status:
        """The status a status request asks for: held while it names the current one."""
        match = _AFTER_RE.fullmatch(self.path.partition("?")[2])
        if match is None or self.command != "GET" or not self.server.holds.acquire(False):
            return self.live.status
        try:
            return self.live.newer_than(int(match[1]), self.limits.hold_seconds, self._give_up)
        finally:
            self.server.holds.release()

    def _give_up(self) -> bool:
        return self.server.stopping.is_set() or client_gone(self.connection)

    def do_HEAD(self) -> None:
        # The same headers as GET, the live script counted in the length; _send omits the body.
        self.do_GET()

    def _html_file(self, local: Path) -> tuple[int, Path] | None:
        """The HTML file a path serves (with its status), or None for anything else."""
        if local.suffix == ".html" and local.is_file():
            return 200, local
        not_found = served_file(self.directory, "/404.html")
        if isinstance(not_found, int) or local.exists() or local.suffix:
            return None
        return (404, Path(not_found)) if Path(not_found).is_file() else None

    def translate_path(self, path: str) -> str:
        found = served_file(self.directory, path)
        if isinstance(found, int):
            raise RefusedPath(found)
        return found

    def send_head(self) -> io.BytesIO | BinaryIO | None:
        try:
            return super().send_head()
        except RefusedPath as refused:
            self.send_error(refused.status)
            return None

    def _send(self, status: int, content_type: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass  # every request would drown the rebuild messages


class PreviewServer(http.server.ThreadingHTTPServer):
    """A thread per connection, a real backlog, and silence when a client goes away."""

    daemon_threads = True

    def __init__(
        self,
        address: tuple[str, int],
        handler: Callable[..., PreviewHandler],
        limits: ServeLimits,
    ) -> None:
        self.request_queue_size = limits.backlog  # read when the socket starts listening
        self.holds = threading.BoundedSemaphore(limits.held_requests)
        """One for each status request that may be held."""
        self.stopping = threading.Event()
        """Set when the server stops: the held status requests are answered."""
        super().__init__(address, handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A closed tab, a reset or a timeout is the client's business; anything else is a bug.
        if not isinstance(sys.exc_info()[1], ConnectionError | TimeoutError):
            super().handle_error(request, client_address)


@contextmanager
def preview_server(
    out: Path, live: LiveState, port: int, limits: ServeLimits | None = None
) -> Iterator[str]:
    """Serve ``out`` on 127.0.0.1 in a background thread; yields its address."""
    granted = limits or ServeLimits()

    def handler(*args: Any, **kwargs: Any) -> PreviewHandler:
        return PreviewHandler(*args, directory=str(out), live=live, limits=granted, **kwargs)

    server = PreviewServer((HOST, port), handler, granted)
    thread = threading.Thread(target=server.serve_forever, name="preview-server", daemon=True)
    thread.start()
    try:
        yield f"http://{HOST}:{server.server_address[1]}/"
    finally:
        server.stopping.set()
        live.wake()
        server.shutdown()
        server.server_close()
        thread.join()
