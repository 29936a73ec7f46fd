"""``readinglist serve`` facing hostile requests on 127.0.0.1: refused, bounded, and quiet.

Each test speaks HTTP over a real socket to the preview server serving a small
output folder, and reads what the server wrote to the terminal (the process's
stderr): a bad request gets a 400 or 404, never a traceback. Nothing leaves
127.0.0.1.
"""

from __future__ import annotations

import selectors
import socket
import struct
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from readinglist.serve import LiveState, ServeLimits, preview_server

PAGE = b"<!doctype html><title>x</title><p>the preview</p></body>"
SECRET = b"a file beside the output folder, never to be served"


@dataclass(frozen=True)
class Server:
    port: int
    out: Path


def write_site(root: Path) -> Path:
    """A small output folder, with symlinks pointing inside and outside it."""
    out = root / "site"
    (out / "sub").mkdir(parents=True)
    (out / "index.html").write_bytes(PAGE)
    (out / "sub" / "index.html").write_bytes(PAGE)
    (out / "style.css").write_text("p { color: red; }\n")
    (out / "big.bin").write_bytes(b"x" * (16 << 20))
    (root / "secret.txt").write_bytes(SECRET)
    (root / "outside").mkdir()
    (root / "outside" / "index.html").write_bytes(SECRET)
    (out / "secret.txt").symlink_to(root / "secret.txt")
    (out / "outside").symlink_to(root / "outside")
    (out / "escape.txt").symlink_to(Path("..") / "secret.txt")
    (out / "inside.css").symlink_to("style.css")
    (out / "loop").symlink_to("loop")
    return out


def running(root: Path, limits: ServeLimits | None = None) -> Iterator[Server]:
    out = write_site(root)
    extra = {} if limits is None else {"limits": limits}
    with preview_server(out, LiveState(), 0, **extra) as url:
        yield Server(int(url.rsplit(":", 1)[1].strip("/")), out)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    yield from running(tmp_path_factory.mktemp("serve"))


def exchange(port: int, request: bytes, timeout: float = 10.0) -> bytes:
    """Send ``request`` to the server and read the whole answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(request)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def status_of(answer: bytes) -> int:
    assert answer, "no answer"
    return int(answer.split(b" ", 2)[1])


def get(port: int, target: str, host: str = "127.0.0.1") -> bytes:
    return exchange(port, f"GET {target} HTTP/1.1\r\nHost: {host}\r\n\r\n".encode("latin-1"))


def assert_quiet(capfd: pytest.CaptureFixture[str]) -> None:
    err = capfd.readouterr().err
    assert "Traceback" not in err and "Exception" not in err, err


@pytest.mark.parametrize(
    "host",
    ["evil.example", "evil.example:{port}", "127.0.0.1.evil.example", "localhost.evil.example",
     "127.0.0.1:{port}@evil.example", "localhost:{port}:80", "localhost:x", "", "[::2]"],
)  # fmt: skip
def test_other_host_names_are_refused(
    server: Server, host: str, capfd: pytest.CaptureFixture[str]
) -> None:
    answer = get(server.port, "/", host.format(port=server.port))
    assert status_of(answer) == 400
    assert b"the preview" not in answer
    assert_quiet(capfd)


@pytest.mark.parametrize(
    "host",
    ["127.0.0.1", "127.0.0.1:{port}", "localhost", "LocalHost:{port}", "[::1]", "[::1]:8000"],
)
def test_its_own_host_names_are_answered(server: Server, host: str) -> None:
    answer = get(server.port, "/", host.format(port=server.port))
    assert status_of(answer) == 200
    assert b"the preview" in answer


def test_a_second_host_header_is_refused(server: Server) -> None:
    request = b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nHost: evil.example\r\n\r\n"
    assert status_of(exchange(server.port, request)) == 400


def test_http_1_1_needs_a_host_and_http_1_0_may_omit_it(server: Server) -> None:
    assert status_of(exchange(server.port, b"GET / HTTP/1.1\r\n\r\n")) == 400
    assert status_of(exchange(server.port, b"GET / HTTP/1.0\r\n\r\n")) == 200


@pytest.mark.parametrize(
    "target",
    [
        "/index.html%00.txt",
        "/%00",
        "/sub%00/",
        "/" + "a" * 300,
        "/sub/" + "a" * 300 + "/",
        "/a" * 3000,
        "/" + "/".join(["b" * 200] * 30),
        "/%ed%a0%80",
        "/%ff.html",
        "/%zz",
        "/index.html%",
        "/%1b%5b31m",
    ],
    ids=[
        "nul-in-name", "nul-alone", "nul-in-folder", "300-character-segment",
        "300-character-folder", "3000-levels", "6000-byte-path", "encoded-surrogate",
        "not-utf8", "not-hex", "cut-escape", "escape-character",
    ],
)  # fmt: skip
def test_a_bad_path_gets_400_or_404_and_no_traceback(
    server: Server, target: str, capfd: pytest.CaptureFixture[str]
) -> None:
    for method in ("GET", "HEAD"):
        request = f"{method} {target} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode()
        assert status_of(exchange(server.port, request)) in (400, 404)
    assert_quiet(capfd)


@pytest.mark.parametrize(
    "target",
    ["/secret.txt", "/escape.txt", "/outside/", "/outside/index.html", "/outside", "/loop/x"],
)
def test_symlinks_out_of_the_output_are_not_served(
    server: Server, target: str, capfd: pytest.CaptureFixture[str]
) -> None:
    answer = get(server.port, target)
    assert status_of(answer) == 404
    assert SECRET not in answer
    assert_quiet(capfd)


def test_symlinks_within_the_output_are_served(server: Server) -> None:
    answer = get(server.port, "/inside.css")
    assert status_of(answer) == 200
    assert answer.endswith(b"p { color: red; }\n")


def test_folders_and_files_are_served_as_before(server: Server) -> None:
    assert status_of(get(server.port, "/sub/")) == 200
    assert get(server.port, "/sub").startswith(b"HTTP/1.0 301")
    assert b"Location: /sub/?q=1\r\n" in get(server.port, "/sub?q=1")
    assert status_of(get(server.port, "/style.css/")) == 404
    assert status_of(get(server.port, "/sub/../style.css")) == 200
    assert status_of(get(server.port, "/../../style.css")) == 200
    assert status_of(exchange(server.port, b"HEAD / HTTP/1.0\r\n\r\n")) == 200


def test_a_client_that_goes_away_leaves_no_traceback(
    server: Server, capfd: pytest.CaptureFixture[str]
) -> None:
    for _ in range(5):
        sock = socket.create_connection(("127.0.0.1", server.port), timeout=5)
        sock.sendall(b"GET /big.bin HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        assert sock.recv(1024).startswith(b"HTTP/1.0 200")
        # Close with a reset, as a browser tab does when it is closed mid-download.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        sock.close()
    # The server notices on its next write; give it that moment, then ask it something.
    time.sleep(1.0)
    assert status_of(get(server.port, "/style.css")) == 200
    assert_quiet(capfd)


def test_a_half_open_connection_is_closed_after_the_idle_limit(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    limits = ServeLimits(idle_seconds=0.5)
    for server in running(tmp_path, limits):
        silent = socket.create_connection(("127.0.0.1", server.port), timeout=5)
        started = time.monotonic()
        cut = socket.create_connection(("127.0.0.1", server.port), timeout=5)
        cut.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        # The server hangs up on both (an empty read), instead of waiting on them forever.
        assert silent.recv(1024) == b""
        assert cut.recv(1024) == b""
        assert time.monotonic() - started < 3.0
        silent.close()
        cut.close()
        assert status_of(get(server.port, "/")) == 200
    assert_quiet(capfd)


CONCURRENT = 200
WITHIN_SECONDS = 5.0


def answered_at_once(port: int, count: int, within: float) -> int:
    """How many of ``count`` requests, all sent at once, are answered in full within ``within``."""
    selector = selectors.DefaultSelector()
    request = b"GET /style.css HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
    received: dict[socket.socket, bytearray] = {}
    for _ in range(count):
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setblocking(False)
        sock.connect_ex(("127.0.0.1", port))
        received[sock] = bytearray()
        selector.register(sock, selectors.EVENT_WRITE)
    answered = 0
    deadline = time.monotonic() + within
    while selector.get_map() and (left := deadline - time.monotonic()) > 0:
        for key, events in selector.select(timeout=left):
            conn = key.fileobj
            assert isinstance(conn, socket.socket)
            if events & selectors.EVENT_WRITE:
                try:
                    conn.sendall(request)
                except OSError:
                    selector.unregister(conn)
                    continue
                selector.modify(conn, selectors.EVENT_READ)
                continue
            try:
                chunk = conn.recv(65536)
            except OSError:
                chunk = b""
            received[conn] += chunk
            if not chunk:
                selector.unregister(conn)
                answered += received[conn].startswith(b"HTTP/1.0 200")
    selector.close()
    for sock in received:
        sock.close()
    return answered


def test_200_requests_at_once_are_all_answered_within_5_seconds(server: Server) -> None:
    answered = answered_at_once(server.port, CONCURRENT, WITHIN_SECONDS)
    print(f"{answered} of {CONCURRENT} concurrent requests answered within {WITHIN_SECONDS:g} s")
    assert answered == CONCURRENT
