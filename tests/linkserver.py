"""A local HTTP server with a case behind each path, a fake clock, and a catalog to check.

The link tests load its fixtures with ``pytest_plugins``. PYTEST_DONT_REWRITE:
they import it before pytest could rewrite its asserts, and it has none.
"""

from __future__ import annotations

import asyncio
import datetime
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from readinglist.cli import main
from readinglist.config import LinkSettings
from readinglist.links.http import Clock
from readinglist.links.targets import LinkTarget

T0 = datetime.datetime(2026, 11, 2, 3, 0, tzinfo=datetime.UTC)

SETTINGS = LinkSettings(
    per_host=2,
    pause=0.0,
    timeout=5.0,  # generous: a loaded machine must not turn a 404 into a timeout
    retries=1,
    backoff=0.01,
    max_retry_after=5.0,
    max_redirects=5,
    trust_env=False,
)

REDIRECTS = {
    "/301/a": (301, "/301/b"),
    "/301/b": (301, "/final"),
    "/308/a": (308, "/308/b"),
    "/308/b": (308, "/final"),
    "/302": (302, "/final"),
    "/mixed": (301, "/mixed/new"),
    "/mixed/new": (302, "/final"),
    "/moved-then-404": (301, "/404"),
    "/loop/a": (302, "/loop/b"),
    "/loop/b": (302, "/loop/a"),
    "/no-location": (302, ""),
}


@dataclass
class ServerLog:
    """What the test server saw: every request, and the most at once per host."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    requests: list[tuple[str, str, float]] = field(default_factory=list)
    in_flight: dict[str, int] = field(default_factory=dict)
    peak: dict[str, int] = field(default_factory=dict)
    release: threading.Event = field(default_factory=threading.Event)

    def count(self, path: str) -> int:
        with self.lock:
            return sum(1 for _, p, _ in self.requests if p == path)


class Handler(BaseHTTPRequestHandler):
    server: CaseServer
    in_flight: str | None = None
    """The host of the request being answered, while it counts as in flight."""

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the log is the ServerLog."""

    def do_HEAD(self) -> None:
        self.answer()

    def do_GET(self) -> None:
        self.answer()

    def reply(self, status: int, headers: dict[str, str] | None = None) -> None:
        # No longer in flight once the answer starts: the client may send its next
        # request as soon as it has it, before this thread runs again.
        self.finished()
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def answer(self) -> None:
        log, host = self.server.log, self.headers.get("Host", "")
        path = urlsplit(self.path).path
        with log.lock:
            log.requests.append((self.command, path, time.monotonic()))
            seen = sum(1 for _, p, _ in log.requests if p == path)
            log.in_flight[host] = log.in_flight.get(host, 0) + 1
            log.peak[host] = max(log.peak.get(host, 0), log.in_flight[host])
        self.in_flight = host
        try:
            self.route(path, seen)
        finally:
            self.finished()

    def finished(self) -> None:
        """This request no longer counts as in flight (once, however it ends)."""
        host, self.in_flight = self.in_flight, None
        if host is not None:
            with self.server.log.lock:
                self.server.log.in_flight[host] -= 1

    def route(self, path: str, seen: int) -> None:
        if path in REDIRECTS:
            status, location = REDIRECTS[path]
            self.reply(status, {"Location": location} if location else {})
        elif path.startswith("/chain/"):
            self.reply(302, {"Location": f"/chain/{int(path.rsplit('/', 1)[1]) + 1}"})
        elif path in ("/404", "/410", "/401", "/403", "/400"):
            self.reply(int(path[1:]))
        elif path == "/head-405":
            self.reply(405 if self.command == "HEAD" else 200)
        elif path == "/429-once":
            self.reply(429, {"Retry-After": "1"}) if seen == 1 else self.reply(200)
        elif path == "/429-always":
            self.reply(429, {"Retry-After": "1"})
        elif path == "/429-long":
            self.reply(429, {"Retry-After": "3600"})
        elif path == "/503-once":
            self.reply(503) if seen == 1 else self.reply(200)
        elif path == "/500":
            self.reply(500)
        elif path == "/slow":
            self.server.log.release.wait(5)  # longer than the client waits
        elif path == "/close":
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
        elif path == "/busy":
            time.sleep(0.05)
            self.reply(200)
        else:
            self.reply(200)


class CaseServer(ThreadingHTTPServer):
    daemon_threads = True
    log: ServerLog

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


@pytest.fixture
def no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    """Proxy settings in the environment must not send local requests elsewhere."""
    monkeypatch.setenv("NO_PROXY", "*")


@pytest.fixture
def server(no_proxy: None) -> Iterator[CaseServer]:
    httpd = CaseServer(("127.0.0.1", 0), Handler)
    httpd.log = ServerLog()
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield httpd
    finally:
        httpd.log.release.set()
        httpd.shutdown()
        httpd.server_close()
        thread.join(5)


@dataclass
class FakeClock:
    """A wall clock the test moves, and a sleep that records instead of waiting."""

    current: datetime.datetime = T0
    slept: list[float] = field(default_factory=list)

    def now(self) -> datetime.datetime:
        return self.current

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        await asyncio.sleep(0)

    @property
    def clock(self) -> Clock:
        return Clock(self.now, time.monotonic, self.sleep)


def targets(server: CaseServer, *paths: str) -> list[LinkTarget]:
    return [
        LinkTarget(server.base + path, f"content/entries/e{n}.md", 3)
        for n, path in enumerate(paths)
    ]


TAGS = "mlops:\n  name: MLOps\n  description: Running machine learning in production.\n"


def write_entry(entries: Path, slug: str, url: str) -> Path:
    path = entries / f"{slug}.md"
    path.write_text(
        f"---\ntitle: {slug}\nurl: {url}\ndate: 2024-01-01\ntags: [mlops]\n---\nWhy read it.\n",
        encoding="utf-8",
    )
    return path


def catalog(tmp_path: Path, urls: dict[str, str]) -> Path:
    content = tmp_path / "content"
    (content / "entries").mkdir(parents=True)
    (content / "tags.yml").write_text(TAGS, encoding="utf-8")
    for slug, url in urls.items():
        write_entry(content / "entries", slug, url)
    return content


def run_cli(
    capsys: pytest.CaptureFixture[str], content: Path, *options: str
) -> tuple[int, str, str]:
    cache = str(content.parent / "links-cache.json")
    base = ["links", "--content", str(content), "--cache", cache, "--pause", "0"]
    code = main([*base, *options])
    out, err = capsys.readouterr()
    return code, out, err
