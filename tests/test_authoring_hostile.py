"""``readinglist new --fetch`` against hostile servers: each ends in a warning, in time and memory.

Bombs and drips run the command in a child process, measured; redirects run it
in this one, with the resolver told that the start server's address is public.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from authoring_cli import fixture_content
from hostileserver import (
    HEADER_KIB,
    INTERNAL_TITLE,
    Bodies,
    HostileServer,
    hostile_server,
    make_bodies,
    public_start,
    run_measured,
)
from readinglist import http
from readinglist.cli import main
from readinglist.config import FETCH_BUDGET

BASELINE_MB = 150
"""Peak memory of a ``new --fetch`` that reads a small page is about 50 MB."""
SLACK_SECONDS = 4.0
"""Starting Python and importing the command, on a loaded machine."""
WARNING = ":1: warning: fetch: could not read the page: "


@pytest.fixture(scope="module")
def bodies() -> Bodies:
    return make_bodies()


@pytest.fixture
def server(bodies: Bodies) -> Iterator[HostileServer]:
    with hostile_server(bodies) as httpd:
        yield httpd


@pytest.fixture
def content(tmp_path: Path) -> Path:
    return fixture_content(tmp_path)


def fetch(content: Path, url: str) -> tuple[str, float, float]:
    done = run_measured("new", url, "--fetch", "--content", str(content))
    assert "Traceback" not in done.stderr
    return done.stderr, done.peak_mb, done.seconds


def test_a_nested_gzip_bomb_is_refused_unread(server: HostileServer, content: Path) -> None:
    err, peak_mb, _ = fetch(content, f"{server.base}/nested-gzip")
    assert f"{server.base}/nested-gzip{WARNING}it is sent with nested content encodings" in err
    assert peak_mb < BASELINE_MB


def test_a_plain_gzip_bomb_is_read_to_the_cap(server: HostileServer, content: Path) -> None:
    err, peak_mb, _ = fetch(content, f"{server.base}/large-gzip")
    assert "title from the page: Bomb\n" in err
    assert peak_mb < BASELINE_MB


@pytest.mark.parametrize("path", ["/drip-headers", "/drip-body"])
def test_a_dripping_server_ends_at_the_deadline(
    server: HostileServer, content: Path, path: str
) -> None:
    err, _, seconds = fetch(content, server.base + path)
    deadline = FETCH_BUDGET.deadline
    assert f"{server.base}{path}{WARNING}no complete answer within {deadline:g} s" in err
    assert seconds < deadline + SLACK_SECONDS


@pytest.mark.parametrize("size", HEADER_KIB)
def test_oversized_headers_are_refused(server: HostileServer, content: Path, size: int) -> None:
    url = f"{server.base}/big-headers?kib={size}"
    err, _, _ = fetch(content, url)
    kib = FETCH_BUDGET.max_header_bytes // 1024
    assert f"{url}{WARNING}its headers are larger than {kib} KiB" in err
    assert "Big headers" not in err


def test_a_title_is_shown_without_escapes_and_cut(server: HostileServer, content: Path) -> None:
    err, _, _ = fetch(content, f"{server.base}/escape-title")
    (line,) = [line for line in err.splitlines() if line.startswith("title from the page: ")]
    assert line.startswith("title from the page: ]0;owned[31mRedxxx")
    assert "\x1b" not in err and "\x07" not in err
    assert len(line) < 300


def run_new(content: Path, url: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(["new", url, "--fetch", "--content", str(content)])
    return code, capsys.readouterr().err


@pytest.mark.parametrize(
    ("target", "kind"),
    [("{internal}/admin", "loopback"), ("http://169.254.169.254/latest/meta-data/", "link-local")],
)
def test_a_public_page_may_not_redirect_inside(
    server: HostileServer,
    content: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    target: str,
    kind: str,
) -> None:
    monkeypatch.setenv("NO_PROXY", "*")
    monkeypatch.setattr(http, "host_addresses", public_start(server.server_address[1]))
    with hostile_server(server.bodies) as internal:
        location = target.format(internal=internal.base)
        _, err = run_new(content, f"{server.base}/redirect?to={location}", capsys)
    host = location.split("/")[2].split(":")[0]
    assert f"{WARNING}the redirect to {location} is refused: {host} is a {kind} address" in err
    assert INTERNAL_TITLE not in err
    assert "Traceback" not in err


def test_a_local_page_may_redirect_to_another_local_port(
    server: HostileServer,
    content: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("NO_PROXY", "*")
    with hostile_server(server.bodies) as internal:
        _, err = run_new(content, f"{server.base}/redirect?to={internal.base}/admin", capsys)
    assert f"title from the page: {INTERNAL_TITLE}\n" in err
