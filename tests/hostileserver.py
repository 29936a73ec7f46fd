"""Hostile servers on 127.0.0.1 for the HTTP clients: bombs, drips, huge headers, redirects out.

Each path writes its answer byte by byte as it likes, below the HTTP server's
own framing. ``run_measured`` runs a command in a child process and reports its
peak memory and its time, so a bomb that gets through fails the test, not the
machine. PYTEST_DONT_REWRITE: the tests import it as a plain module.
"""

from __future__ import annotations

import gzip
import os
import subprocess
import sys
import threading
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from ipaddress import IPv4Address, IPv6Address, ip_address
from urllib.parse import parse_qs, urlsplit

from readinglist import http
from readinglist.http import Resolver

INTERNAL_TITLE = "Internal admin console"
PUBLIC_LOOKING = ip_address("93.184.215.14")
"""What the injected resolver says the start server's address is: a public one."""

DRIP_SECONDS = 1.0
HEADER_KIB = (80, 200)
"""Header sizes sent: more than the budget's cap and less than the 100 KiB at which
h11 stops on its own, and more than both."""


def gzip_bomb(gibibytes: int) -> bytes:
    """A gzip stream of ``gibibytes`` GiB of zeros, built from one repeated block.

    A full flush makes every 1 MiB block compress to the same bytes, so the stream
    takes a second to build rather than the minute compressing 4 GiB would. The
    trailer's CRC is not the real one: no reader under a cap gets that far.
    """
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    block = b"\0" * (1 << 20)
    head = packer.compress(block) + packer.flush(zlib.Z_FULL_FLUSH)
    repeat = packer.compress(block) + packer.flush(zlib.Z_FULL_FLUSH)
    return head + repeat * ((gibibytes << 10) - 2) + packer.flush()


@dataclass(frozen=True)
class Bodies:
    """The compressed bodies, built once per test session."""

    nested: bytes
    """``Content-Encoding: gzip, gzip``: 4 GiB of zeros inside two gzip layers."""
    large: bytes
    """About 1 MB of gzip that inflates to about 1 GiB, after a page head."""


def make_bodies() -> Bodies:
    head = b"<html><head><title>Bomb</title></head><body>"
    large_packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    zeros = b"\0" * (1 << 20)
    large = large_packer.compress(head) + b"".join(
        large_packer.compress(zeros) for _ in range(1024)
    )
    return Bodies(gzip.compress(gzip_bomb(4), 9), large + large_packer.flush())


class Hostile(BaseHTTPRequestHandler):
    server: HostileServer

    def log_message(self, format: str, *args: object) -> None:
        """Quiet."""

    def do_HEAD(self) -> None:
        self.do_GET()

    def raw(self, data: bytes) -> None:
        self.wfile.write(data)
        self.wfile.flush()

    def head(self, *headers: str) -> None:
        lines = ["HTTP/1.1 200 OK", "Content-Type: text/html", *headers, "", ""]
        self.raw("\r\n".join(lines).encode("latin-1"))

    def drip(self, data: bytes) -> None:
        """One byte a second until the client goes away or the server stops."""
        try:
            while not self.server.stopping.is_set():
                for byte in data:
                    self.raw(bytes([byte]))
                    if self.server.stopping.wait(DRIP_SECONDS):
                        return
        except OSError:
            return

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        self.close_connection = True
        if parts.path == "/drip-headers":
            self.raw(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n")
            self.drip(b"X-Drip: aaaaaaaa\r\n")
        elif parts.path == "/drip-body":
            self.head("Content-Length: 1000000")
            self.drip(b"<title>drip</title>")
        elif parts.path == "/big-headers":
            filler = "x" * 1000
            size = int(parse_qs(parts.query).get("kib", ["80"])[0]) * 1024
            self.head(*(f"X-Big-{n}: {filler}" for n in range(size // 1000)))
            self.raw(b"<title>Big headers</title>")
        elif parts.path in ("/nested-gzip", "/large-gzip"):
            nested = parts.path == "/nested-gzip"
            body = self.server.bodies.nested if nested else self.server.bodies.large
            coding = "gzip, gzip" if nested else "gzip"
            self.head(f"Content-Encoding: {coding}", f"Content-Length: {len(body)}")
            self.send_body(body)
        elif parts.path == "/escape-title":
            title = "\x1b]0;owned\x07\x1b[31mRed" + "x" * 1_000_000
            page = f"<title>{title}</title>".encode()
            self.head(f"Content-Length: {len(page)}")
            self.send_body(page)
        elif parts.path == "/redirect":
            target = parse_qs(parts.query)["to"][0]
            self.raw(
                f"HTTP/1.1 302 Found\r\nLocation: {target}\r\nContent-Length: 0\r\n\r\n".encode()
            )
        else:
            page = f"<title>{INTERNAL_TITLE}</title>".encode()
            self.head(f"Content-Length: {len(page)}")
            self.raw(page)

    def send_body(self, body: bytes) -> None:
        try:
            self.raw(body)
        except OSError:
            return  # the client stopped reading: what a capped client does


class HostileServer(ThreadingHTTPServer):
    daemon_threads = True
    bodies: Bodies
    stopping: threading.Event

    def handle_error(self, request: object, client_address: object) -> None:
        """Quiet: a client that stops reading is what these tests want to see."""

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


@contextmanager
def hostile_server(bodies: Bodies) -> Iterator[HostileServer]:
    httpd = HostileServer(("127.0.0.1", 0), Hostile)
    httpd.bodies = bodies
    httpd.stopping = threading.Event()
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield httpd
    finally:
        httpd.stopping.set()
        httpd.shutdown()
        httpd.server_close()
        thread.join(5)


def public_start(port: int) -> Resolver:
    """A resolver that says the server on ``port`` of 127.0.0.1 has a public address.

    Everything else is resolved as usual, so 127.0.0.1 on another port stays loopback.
    """
    real = http.host_addresses

    async def resolve(host: str, other: int) -> tuple[IPv4Address | IPv6Address, ...]:
        if (host, other) == ("127.0.0.1", port):
            return (PUBLIC_LOOKING,)
        return await real(host, other)

    return resolve


@dataclass(frozen=True)
class Measured:
    """A command run in a child process: its exit code, output, peak memory and time."""

    returncode: int
    stdout: str
    stderr: str
    peak_mb: float
    seconds: float


MEASURE = """
import resource, sys
from readinglist.cli import main
code = main(sys.argv[1:])
sys.stdout.flush()
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
sys.stderr.write(f"\\npeak-kib {peak}\\n")
sys.exit(code)
"""
MEMORY_LIMIT = 3 << 30
"""Address space a child may take: a bomb that gets through ends in MemoryError there."""


def _limit_memory() -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def run_measured(*args: str, timeout: float = 90) -> Measured:
    """``readinglist ARGS`` in a child process, with what it cost."""
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-c", MEASURE, *args],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        check=False,
        timeout=timeout,
        preexec_fn=_limit_memory,
        env={**os.environ, "NO_PROXY": "*"},
    )
    seconds = time.monotonic() - started
    stderr, _, peak = done.stderr.rpartition("\npeak-kib ")
    peak_mb = int(peak) / 1024 if peak.strip().isdigit() else float("inf")
    return Measured(done.returncode, done.stdout, stderr or done.stderr, peak_mb, seconds)
