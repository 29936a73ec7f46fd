"""How an open page hears of a build: the status request held until the next one (a long poll).

The server side is tested over real sockets against ``preview_server`` with a
``LiveState`` this process records builds in; the page side in Debian's
Chromium (the ``browser`` fixture in conftest), against the same server.
Nothing leaves 127.0.0.1.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, Request

from readinglist.build.pipeline import BuildResult
from readinglist.problems import Problem
from readinglist.serve import STATUS_PATH, LiveState, ServeLimits, preview_server

GOOD = BuildResult(problems=())
BROKEN = BuildResult(problems=(Problem("content/entries/x.md", 4, "date", "is required", ""),))
PAGE = b"<!doctype html><title>live</title><h1>the preview</h1></body>"
PROMPT = 0.1
"""How soon after a build a held request is answered."""
AT_ONCE = 1.0
"""What counts as at once for a request that must not be held (the machine may be busy)."""


@contextmanager
def serving(tmp_path: Path, live: LiveState, **limits: Any) -> Iterator[int]:
    out = tmp_path / "site"
    out.mkdir(exist_ok=True)
    (out / "index.html").write_bytes(PAGE)
    with preview_server(out, live, 0, ServeLimits(**limits)) as url:
        yield int(url.rsplit(":", 1)[1].strip("/"))


def send(port: int, query: str = "", method: str = "GET") -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=40)
    target = STATUS_PATH + (f"?{query}" if query else "")
    sock.sendall(f"{method} {target} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
    return sock


def answer(sock: socket.socket) -> tuple[int, bytes]:
    """The status code and body of the answer on ``sock``, read to its end."""
    chunks = []
    with sock:
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    head, _, body = b"".join(chunks).partition(b"\r\n\r\n")
    return int(head.split(b" ", 2)[1]), body


def status(port: int, query: str = "") -> dict[str, Any]:
    code, body = answer(send(port, query))
    assert code == 200
    parsed: dict[str, Any] = json.loads(body)
    return parsed


def is_held(sock: socket.socket, seconds: float = 0.5) -> bool:
    """Whether no answer has come on ``sock`` within ``seconds``."""
    sock.settimeout(seconds)
    try:
        return not sock.recv(1, socket.MSG_PEEK)
    except TimeoutError:
        return True
    finally:
        sock.settimeout(40)


def answered_in(sock: socket.socket) -> tuple[float, tuple[int, bytes]]:
    started = time.monotonic()
    got = answer(sock)
    return time.monotonic() - started, got


def test_the_status_names_itself_and_moves_on_with_every_build(tmp_path: Path) -> None:
    live = LiveState()
    live.record(GOOD)
    with serving(tmp_path, live) as port:
        first = status(port)
        assert (first["version"], first["problems"]) == (1, [])
        live.record(BROKEN)
        second = status(port)
        assert (second["version"], second["serial"]) == (1, first["serial"] + 1)
        assert second["problems"] == ["content/entries/x.md:4: date: is required"]
    assert LiveState().status.serial != LiveState().status.serial  # no two runs alike


def test_a_request_naming_the_current_status_is_held_until_the_next_build(
    tmp_path: Path,
) -> None:
    live = LiveState()
    live.record(GOOD)
    with serving(tmp_path, live) as port:
        held = send(port, f"after={live.status.serial}")
        assert is_held(held, 1.0)
        recorded = live.record(GOOD)
        seconds, (code, body) = answered_in(held)
        assert code == 200
        assert json.loads(body) == {"version": 2, "problems": [], "serial": recorded.serial}
        assert seconds < PROMPT


def test_a_failed_build_answers_held_requests_too(tmp_path: Path) -> None:
    live = LiveState()
    live.record(GOOD)
    with serving(tmp_path, live) as port:
        held = [send(port, f"after={live.status.serial}") for _ in range(3)]
        assert all(is_held(sock) for sock in held)
        live.record(BROKEN)
        for sock in held:
            seconds, (code, body) = answered_in(sock)
            assert (code, json.loads(body)["problems"]) == (200, [BROKEN.problems[0].format()])
            assert seconds < PROMPT


def test_a_request_naming_another_status_is_answered_at_once(tmp_path: Path) -> None:
    live = LiveState()
    live.record(GOOD)
    with serving(tmp_path, live, hold_seconds=30) as port:
        current = live.status.serial
        # An older status, and one from an earlier run of serve, still open in a tab.
        for other in (current - 1, current + 1, 0):
            started = time.monotonic()
            assert status(port, f"after={other}")["serial"] == current
            assert time.monotonic() - started < AT_ONCE


def test_a_held_request_times_out_with_the_current_status(tmp_path: Path) -> None:
    live = LiveState()
    live.record(GOOD)
    with serving(tmp_path, live, hold_seconds=0.6) as port:
        started = time.monotonic()
        got = status(port, f"after={live.status.serial}")
        seconds = time.monotonic() - started
        assert got == {"version": 1, "problems": [], "serial": live.status.serial}
        assert 0.5 < seconds < 0.6 + AT_ONCE


@pytest.mark.parametrize(
    "query",
    ["after=abc", "after=", "after=-1", "after=1.5", "after=" + "9" * 16, "after=" + "9" * 5000,
     "after=1&after=2", "after={serial}&after={serial}", "after={serial}&x=1", "x=1&after={serial}",
     "after=%31", "after={serial}%00", "AFTER={serial}", "after={serial}#x", "&", "?"],
)  # fmt: skip
def test_a_malformed_query_is_answered_at_once_and_quietly(
    tmp_path: Path, query: str, capfd: pytest.CaptureFixture[str]
) -> None:
    live = LiveState()
    live.record(GOOD)
    with serving(tmp_path, live, hold_seconds=30) as port:
        started = time.monotonic()
        got = status(port, query.format(serial=live.status.serial))
        assert time.monotonic() - started < AT_ONCE
        assert got == {"version": 1, "problems": [], "serial": live.status.serial}
    err = capfd.readouterr().err
    assert "Traceback" not in err and "Exception" not in err, err


def test_head_is_answered_at_once(tmp_path: Path) -> None:
    live = LiveState()
    with serving(tmp_path, live, hold_seconds=30) as port:
        started = time.monotonic()
        code, body = answer(send(port, f"after={live.status.serial}", "HEAD"))
        assert (code, body) == (200, b"")
        assert time.monotonic() - started < AT_ONCE


def test_beyond_the_cap_requests_are_answered_at_once_and_pages_still_served(
    tmp_path: Path,
) -> None:
    live = LiveState()
    with serving(tmp_path, live, held_requests=3, hold_seconds=30) as port:
        query = f"after={live.status.serial}"
        held = [send(port, query) for _ in range(3)]
        assert all(is_held(sock) for sock in held)
        for _ in range(5):
            started = time.monotonic()
            assert status(port, query)["serial"] == live.status.serial
            assert time.monotonic() - started < AT_ONCE
        page = socket.create_connection(("127.0.0.1", port), timeout=10)
        page.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        assert answer(page)[0] == 200
        live.record(GOOD)
        assert all(answer(sock)[0] == 200 for sock in held)
        extra = send(port, f"after={live.status.serial}")
        assert is_held(extra)  # a hold is free again
        extra.close()


def test_a_client_that_goes_away_frees_its_hold(tmp_path: Path) -> None:
    live = LiveState()
    with serving(tmp_path, live, held_requests=1, hold_seconds=30) as port:
        query = f"after={live.status.serial}"
        gone = send(port, query)
        assert is_held(gone)
        gone.close()  # a tab closed, or a page that went elsewhere
        time.sleep(1.5)  # a held request looks for its client twice a second
        again = send(port, query)
        assert is_held(again)
        live.record(GOOD)
        assert answer(again)[0] == 200


def test_stopping_the_server_answers_held_requests_promptly(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    live = LiveState()
    with serving(tmp_path, live, hold_seconds=30) as port:
        held = [send(port, f"after={live.status.serial}") for _ in range(10)]
        assert all(is_held(sock) for sock in held)
        started = time.monotonic()
    assert time.monotonic() - started < AT_ONCE
    for sock in held:
        seconds, (code, _) = answered_in(sock)
        assert code == 200
        assert seconds < PROMPT
    deadline = time.monotonic() + AT_ONCE
    while handlers() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert not handlers(), "requests still held"
    err = capfd.readouterr().err
    assert "Traceback" not in err and "Exception" not in err, err


def handlers() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if "process_request_thread" in t.name]


def status_requests(page: Page) -> list[str]:
    asked: list[str] = []

    def note(request: Request) -> None:
        if STATUS_PATH in request.url:
            asked.append(request.url.split(STATUS_PATH, 1)[1])

    page.on("request", note)
    return asked


def open_page(browser: Browser, port: int) -> tuple[Page, list[str], list[str]]:
    page = browser.new_context().new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    asked = status_requests(page)
    page.goto(f"http://127.0.0.1:{port}/")
    page.evaluate("window.readinglistTestMark = true")  # gone once the page reloads
    return page, asked, errors


def wait_until(page: Page, expression: str) -> None:
    # Playwright hands over the page's events only during its own calls: never time.sleep here.
    page.wait_for_function(expression, timeout=10_000, polling=20)


def test_an_open_page_waits_for_the_next_build_and_then_reloads(
    tmp_path: Path, browser: Browser
) -> None:
    live = LiveState()
    live.record(GOOD)
    with serving(tmp_path, live) as port:
        page, asked, errors = open_page(browser, port)
        page.wait_for_timeout(2000)
        # The first request is answered at once; the second waits: no polling.
        assert asked == ["", f"?after={live.status.serial}"]
        live.record(BROKEN)
        wait_until(page, "document.querySelector('#readinglist-problems li') !== null")
        live.record(GOOD)
        started = time.monotonic()
        wait_until(page, "window.readinglistTestMark === undefined")
        assert time.monotonic() - started < AT_ONCE
        assert page.locator("#readinglist-problems").count() == 0
        assert errors == []


def set_visibility(page: Page, state: str) -> None:
    """Have the page believe it is ``state``, as when its tab is switched away from or back to."""
    page.evaluate(
        """state => {
          const seen = { configurable: true, get: () => state };
          Object.defineProperty(document, "visibilityState", seen);
          document.dispatchEvent(new Event("visibilitychange"));
        }""",
        state,
    )


def test_a_hidden_page_asks_without_waiting(tmp_path: Path, browser: Browser) -> None:
    live = LiveState()
    with serving(tmp_path, live, hold_seconds=30) as port:
        page, asked, errors = open_page(browser, port)
        page.wait_for_timeout(500)
        assert asked[-1] == f"?after={live.status.serial}"
        set_visibility(page, "hidden")
        page.wait_for_timeout(1200)
        hidden = list(asked)
        assert hidden[2:] and all(query == "" for query in hidden[2:]), hidden
        assert len(hidden) < 12, hidden  # asked after a pause each time, not in a loop
        set_visibility(page, "visible")
        page.wait_for_timeout(500)
        assert asked[-1] == f"?after={live.status.serial}"
        live.record(GOOD)
        wait_until(page, "window.readinglistTestMark === undefined")
        assert errors == []


def test_a_page_keeps_asking_with_pauses_while_the_server_is_gone(
    tmp_path: Path, browser: Browser
) -> None:
    live = LiveState()
    live.record(GOOD)
    with serving(tmp_path, live) as port:
        page, asked, _ = open_page(browser, port)
        page.wait_for_timeout(500)
    asked.clear()
    page.wait_for_timeout(1500)
    # Refused each time, asked about every 300 ms.
    assert 2 <= len(asked) <= 10, asked
    restarted = LiveState()
    restarted.record(GOOD)
    restarted.record(GOOD)
    out = tmp_path / "site"
    with preview_server(out, restarted, port):
        wait_until(page, "window.readinglistTestMark === undefined")
