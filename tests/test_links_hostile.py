"""``readinglist links`` against hostile servers: each URL ends in a verdict with the reason.

Drips run the command in a child process, timed; the rest run it in this one,
redirects with the resolver told that the start server's address is public.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from hostileserver import (
    HEADER_KIB,
    Bodies,
    HostileServer,
    hostile_server,
    public_start,
    run_measured,
)
from linkserver import catalog, run_cli
from readinglist import http
from readinglist.config import HttpBudget

pytest_plugins = ["linkserver"]

DEADLINE = 2.0
SLACK_SECONDS = 4.0
"""Starting Python and importing the command, on a loaded machine."""


@pytest.fixture(scope="module")
def bodies() -> Bodies:
    return Bodies(b"", b"")  # the checker never reads a body


@pytest.fixture
def server(bodies: Bodies, no_proxy: None) -> Iterator[HostileServer]:
    with hostile_server(bodies) as httpd:
        yield httpd


def verdict(found: str) -> tuple[str, str]:
    (link,) = json.loads(found)["links"]
    result: dict[str, Any] = link
    return result["verdict"], result["detail"]


def check(capsys: pytest.CaptureFixture[str], tmp_path: Path, url: str) -> tuple[str, str]:
    content = catalog(tmp_path, {"e": url})
    _, out, err = run_cli(capsys, content, "--confirm-runs", "1", "--format", "json")
    assert "Traceback" not in err
    return verdict(out)


def test_dripped_headers_end_at_the_deadline(server: HostileServer, tmp_path: Path) -> None:
    content = catalog(tmp_path, {"e": f"{server.base}/drip-headers"})
    cache = str(tmp_path / "cache.json")
    args = ["--cache", cache, "--timeout", f"{DEADLINE:g}", "--confirm-runs", "1"]
    done = run_measured("links", "--content", str(content), *args, "--format", "json")
    assert verdict(done.stdout) == (
        "unreachable",
        f"timed out: no complete answer within {DEADLINE:g} s",
    )
    assert done.seconds < DEADLINE + SLACK_SECONDS


@pytest.mark.parametrize("size", HEADER_KIB)
def test_oversized_headers_are_an_error(
    server: HostileServer, tmp_path: Path, capsys: pytest.CaptureFixture[str], size: int
) -> None:
    kib = HttpBudget().max_header_bytes // 1024
    found = check(capsys, tmp_path, f"{server.base}/big-headers?kib={size}")
    assert found == ("error", f"its headers are larger than {kib} KiB")


@pytest.mark.parametrize(
    ("target", "kind"),
    [("{internal}/admin", "loopback"), ("http://169.254.169.254/latest/meta-data/", "link-local")],
)
def test_a_public_page_may_not_redirect_inside(
    server: HostileServer,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    target: str,
    kind: str,
) -> None:
    monkeypatch.setattr(http, "host_addresses", public_start(server.server_address[1]))
    with hostile_server(server.bodies) as internal:
        location = target.format(internal=internal.base)
        found = check(capsys, tmp_path, f"{server.base}/redirect?to={location}")
    host = location.split("/")[2].split(":")[0]
    assert found == ("error", f"the redirect to {location} is refused: {host} is a {kind} address")


def test_a_local_page_may_redirect_to_another_local_port(
    server: HostileServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with hostile_server(server.bodies) as internal:
        found = check(capsys, tmp_path, f"{server.base}/redirect?to={internal.base}/admin")
    assert found == ("ok", "200 OK")
