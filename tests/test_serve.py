"""``readinglist serve``: a preview that rebuilds and reloads itself as you edit.

The browser tests drive Debian's Chromium (the ``browser`` fixture in conftest)
against ``readinglist serve`` run as a contributor runs it, in a copy of the
fixture catalog, and edit entry files on disk as an editor would.
"""

from __future__ import annotations

import contextlib
import json
import queue
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from readinglist.build.pipeline import BuildResult
from readinglist.problems import Problem
from readinglist.serve import (
    SCRIPT_PATH,
    STATUS_PATH,
    LiveState,
    ServeEvent,
    Status,
    inject_live_script,
    serve_site,
)
from readinglist.site.render import DEFAULT_TEMPLATES

FIXTURE = Path(__file__).parent / "fixtures" / "content"
TITLE = "Meet Michelangelo, Uber's Machine Learning Platform"
WAIT = 20.0


@dataclass
class Preview:
    """A running ``readinglist serve`` and everything it has printed."""

    url: str
    content: Path
    process: subprocess.Popen[str]
    lines: list[str] = field(default_factory=list)
    incoming: queue.Queue[str] = field(default_factory=queue.Queue)

    def wait_for_output(self, text: str) -> None:
        deadline = time.monotonic() + WAIT
        while not any(text in line for line in self.lines):
            remaining = deadline - time.monotonic()
            assert remaining > 0, f"no {text!r} in the output:\n" + "".join(self.lines)
            try:
                self.lines.append(self.incoming.get(timeout=remaining))
            except queue.Empty:
                continue

    def edit(self, slug: str, old: str, new: str) -> None:
        entry = self.content / "entries" / f"{slug}.md"
        text = entry.read_text()
        assert old in text
        entry.write_text(text.replace(old, new))


def _read_lines(process: subprocess.Popen[str], into: queue.Queue[str]) -> None:
    assert process.stdout is not None
    for line in process.stdout:
        into.put(line)


@pytest.fixture
def preview(tmp_path: Path) -> Iterator[Preview]:
    content = tmp_path / "content"
    shutil.copytree(FIXTURE, content)
    process = subprocess.Popen(
        [sys.executable, "-m", "readinglist", "serve", "--port", "0", "--no-search"],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        text=True,
    )
    incoming: queue.Queue[str] = queue.Queue()
    threading.Thread(target=_read_lines, args=(process, incoming), daemon=True).start()
    running = Preview("", content, process, incoming=incoming)
    try:
        running.wait_for_output("serving http://127.0.0.1:")
        line = next(line for line in running.lines if line.startswith("serving "))
        running.url = line.split()[1]
        yield running
    finally:
        process.terminate()
        process.wait(timeout=10)


def get(url: str) -> tuple[int, str, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.headers["Content-Type"], response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers["Content-Type"], error.read()


def open_page(browser: Browser, url: str) -> tuple[Page, list[str]]:
    page = browser.new_context().new_page()
    errors: list[str] = []
    # The site has no favicon, so the browser's own request for one is expected to fail.
    page.on(
        "console",
        lambda m: (
            errors.append(m.text)
            if m.type == "error" and not m.location["url"].endswith("/favicon.ico")
            else None
        ),
    )
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url)
    return page, errors


def mark(page: Page) -> None:
    """Leave a mark that only a reload of the page removes."""
    page.evaluate("window.readinglistTestMark = true")


def reloaded(page: Page) -> bool:
    return bool(page.evaluate("window.readinglistTestMark === undefined"))


def test_an_edited_title_shows_without_a_manual_reload(browser: Browser, preview: Preview) -> None:
    page, errors = open_page(browser, preview.url + "entries/michelangelo/")
    expect(page.locator("h1")).to_have_text(TITLE)
    mark(page)
    preview.edit("michelangelo", f"title: {TITLE}", "title: Michelangelo, revised")
    expect(page.locator("h1")).to_have_text("Michelangelo, revised", timeout=WAIT * 1000)
    assert reloaded(page)
    preview.wait_for_output("content/entries/michelangelo.md")
    preview.wait_for_output("open pages reload")
    assert errors == []


def test_an_invalid_change_is_shown_and_the_last_good_page_kept(
    browser: Browser, preview: Preview
) -> None:
    page, errors = open_page(browser, preview.url + "entries/michelangelo/")
    mark(page)
    preview.edit("michelangelo", "date: 2017-09-05", "date: 2017-09-31")
    problem = "content/entries/michelangelo.md:4: date: '2017-09-31' is not a calendar date ("
    overlay = page.locator("#readinglist-problems")
    expect(overlay).to_be_visible(timeout=WAIT * 1000)
    expect(overlay).to_contain_text("The catalog has 1 problem")
    expect(overlay.locator("li")).to_have_count(1)
    expect(overlay.locator("li")).to_contain_text(problem)
    expect(page.locator("h1")).to_have_text(TITLE)
    assert not reloaded(page)
    preview.wait_for_output(problem)
    preview.wait_for_output("not rebuilt: the last good site is still served")
    status, _, body = get(preview.url + "entries/michelangelo/")
    assert status == 200
    assert "Meet Michelangelo, Uber&#39;s Machine Learning Platform" in body.decode()

    preview.edit("michelangelo", "date: 2017-09-31", "date: 2017-09-05")
    expect(overlay).to_have_count(0, timeout=WAIT * 1000)
    assert reloaded(page)
    assert errors == []


def test_only_html_gets_the_live_script(preview: Preview, tmp_path: Path) -> None:
    site = tmp_path / "site"
    status, content_type, body = get(preview.url)
    assert (status, content_type) == (200, "text/html; charset=utf-8")
    script = f'<script src="{SCRIPT_PATH}" data-version="1"></script></body>'
    assert body == inject_live_script((site / "index.html").read_bytes(), 1)
    assert script.encode() in body
    for name in ("style.css", "catalog.json", "feed.xml", "list.md"):
        assert get(preview.url + name)[2] == (site / name).read_bytes()
    status = json.loads(get(preview.url + STATUS_PATH)[2])
    assert (status["version"], status["problems"], type(status["serial"])) == (1, [], int)
    missing = get(preview.url + "no/such/page/")
    assert missing[0] == 404
    assert script.encode() in missing[2]


def test_inject_puts_the_script_before_the_last_body_end() -> None:
    tag = f'<script src="{SCRIPT_PATH}" data-version="3"></script>'
    assert inject_live_script(b"<p>x</p></BODY ></html>", 3) == (
        f"<p>x</p>{tag}</BODY ></html>".encode()
    )
    assert inject_live_script(b"<p>no body end</p>", 3) == f"<p>no body end</p>{tag}".encode()


def test_live_state_moves_on_only_after_a_good_build() -> None:
    live = LiveState()
    first = live.status.serial
    assert live.record(BuildResult(problems=())) == Status(1, (), first + 1)
    broken = Problem("content/entries/x.md", 4, "date", "is required", "add it")
    warning = Problem("content/tags.yml", 2, "x", "is used once", "", "warning")
    assert live.record(BuildResult(problems=(broken, warning))) == Status(
        1, ("content/entries/x.md:4: date: is required (add it)",), first + 2
    )
    assert live.record(BuildResult(problems=(warning,))) == Status(2, (), first + 3)


@contextlib.contextmanager
def serving(
    tmp_path: Path, templates: Path = DEFAULT_TEMPLATES
) -> Iterator[queue.Queue[ServeEvent]]:
    """``serve_site`` on ``tmp_path/content`` in a thread, with no cache yet: what it reports."""
    events: queue.Queue[ServeEvent] = queue.Queue()
    stop = threading.Event()
    runner = threading.Thread(
        target=serve_site,
        kwargs={
            "content": tmp_path / "content",
            "out": tmp_path / "site",
            "report": events.put,
            "port": 0,
            "cache_dir": tmp_path / ".cache",
            "search": False,
            "templates": templates,
            "stop": stop,
        },
    )
    runner.start()
    try:
        yield events
    finally:
        stop.set()
        runner.join(timeout=WAIT)
    assert not runner.is_alive()


def test_a_stylesheet_change_rebuilds_the_site(tmp_path: Path) -> None:
    content, templates = tmp_path / "content", tmp_path / "templates"
    shutil.copytree(FIXTURE, content)
    shutil.copytree(DEFAULT_TEMPLATES, templates)
    with serving(tmp_path, templates) as events:
        first = next_event(events, lambda e: e.kind == "serving")
        css = templates / "style.css"
        css.write_text(css.read_text() + "\n.preview-test { color: red; }\n")
        built = next_event(events, lambda e: e.kind == "built" and bool(e.changed))
        assert built.changed == (str(css),)
        assert b".preview-test" in get(first.url + "style.css")[2]


def next_event(events: queue.Queue[ServeEvent], wanted: Callable[[ServeEvent], bool]) -> ServeEvent:
    deadline = time.monotonic() + WAIT
    while True:
        event = events.get(timeout=max(0.1, deadline - time.monotonic()))
        if wanted(event):
            return event


def test_serve_help_is_complete() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "readinglist", "serve", "--help"],
        capture_output=True,
        text=True,
        check=True,
    )
    for option in ("--port", "--content", "--out", "--no-search"):
        assert option in result.stdout


def test_the_preview_refuses_strangers_and_bad_paths_quietly(preview: Preview) -> None:
    port = int(preview.url.rsplit(":", 1)[1].strip("/"))
    hostile = [
        ("/", "rebound.example:8000"),
        ("/index.html%00.txt", "127.0.0.1"),
        ("/" + "a" * 300, "localhost"),
        ("/a" * 3000, "127.0.0.1"),
        ("/%ed%a0%80", "127.0.0.1"),
    ]
    for target, host in hostile:
        with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
            sock.sendall(f"GET {target} HTTP/1.1\r\nHost: {host}\r\n\r\n".encode())
            assert sock.recv(12) in (b"HTTP/1.0 400", b"HTTP/1.0 404"), (target, host)
    assert get(preview.url)[0] == 200
    preview.process.terminate()
    preview.process.wait(timeout=10)
    time.sleep(0.2)  # let the reader thread take the last lines
    while not preview.incoming.empty():
        preview.lines.append(preview.incoming.get())
    assert not [line for line in preview.lines if "Traceback" in line or "Exception" in line]


def test_the_first_save_writes_only_what_it_changes(tmp_path: Path) -> None:
    # With no cache, the first build leaves the folder beside the live site empty;
    # serve fills it while nobody waits, so the first save is as quick as any other.
    content = tmp_path / "content"
    shutil.copytree(FIXTURE, content)
    with serving(tmp_path) as events:
        started = next_event(events, lambda e: e.kind == "built")
        assert started.result is not None and started.result.written == started.result.files
        next_event(events, lambda e: e.kind == "serving")
        entry = content / "entries" / "michelangelo.md"
        # Saved whole, as editors save: the build filling the folder may be running, and
        # a half-written file would fail it, leaving that folder to the save to fill.
        edited = entry.with_name(".michelangelo.md.swp")
        edited.write_text(entry.read_text().replace("title: ", "title: The ", 1))
        edited.replace(entry)
        saved = next_event(events, lambda e: e.kind == "built" and bool(e.changed))
        assert saved.result is not None and saved.result.ok
        # Only the files the edit changed are written (rendered, or copied from the live
        # site when serve filled the folder beside it with the edit already made).
        assert 0 < saved.result.written < saved.result.files
