"""Preview the site while editing: build, serve on 127.0.0.1, rebuild on change, reload.

``serve_site`` builds the site, serves the output folder on the loopback
interface and rebuilds whenever anything under the content folder or the
templates (the stylesheet included) changes. Every HTML page it serves gets one
small script that polls the server: after a good rebuild the page reloads
itself; after a failed one it shows the problems over the page while the last
good site stays served, because a failed build writes nothing. Only served
HTML is touched; the files on disk are exactly what ``readinglist build``
writes. What happens is reported through the ``report`` callback, so this
module prints nothing.
"""

from __future__ import annotations

import datetime
import http.server
import json
import os
import re
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Literal

import watchfiles

from readinglist.build.pipeline import BuildResult, build_site
from readinglist.build.state import BuildState
from readinglist.config import SiteConfig
from readinglist.site.render import DEFAULT_TEMPLATES

HOST = "127.0.0.1"
LIVE_PREFIX = "/__readinglist/"
"""Where the preview's own endpoints live; no page of the site starts with it."""
STATUS_PATH = LIVE_PREFIX + "status"
SCRIPT_PATH = LIVE_PREFIX + "live.js"
POLL_MILLISECONDS = 300
DEBOUNCE_MILLISECONDS = 200
"""Editors save in bursts (a temporary file, a rename): wait for the burst to end."""
WATCH_TICK_MILLISECONDS = 200
"""How long the watcher waits before saying nothing changed; the first such word means ready."""
_BODY_END_RE = re.compile(rb"</body\s*>", re.IGNORECASE)

LIVE_SCRIPT = """\
// readinglist serve: reload after a good rebuild, show the problems after a failed one.
(() => {
  "use strict";
  const script = document.currentScript;
  const built = Number(script.dataset.version);
  let overlay = null;

  function show(problems) {
    if (!overlay) {
      overlay = document.createElement("section");
      overlay.id = "readinglist-problems";
      overlay.setAttribute("role", "alert");
      overlay.style.cssText = [
        "position:fixed", "inset:auto 0 0 0", "max-height:60vh", "overflow:auto",
        "z-index:2147483647", "margin:0", "padding:1rem 1.25rem", "background:#7f1d1d",
        "color:#fff", "font:14px/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace",
        "box-shadow:0 -4px 16px rgba(0,0,0,.4)"].join(";");
      document.body.appendChild(overlay);
    }
    const heading = document.createElement("strong");
    const count = problems.length === 1 ? "1 problem" : problems.length + " problems";
    const them = problems.length === 1 ? "it" : "them";
    heading.textContent = "The catalog has " + count +
      ": this is the last good build. Fix " + them + " and the page reloads.";
    const list = document.createElement("ul");
    list.style.cssText = "margin:.5rem 0 0;padding-left:1.25rem";
    for (const problem of problems) {
      const item = document.createElement("li");
      item.textContent = problem;
      list.appendChild(item);
    }
    overlay.replaceChildren(heading, list);
  }

  function hide() {
    if (overlay) {
      overlay.remove();
      overlay = null;
    }
  }

  async function poll() {
    try {
      const response = await fetch("STATUS_PATH", { cache: "no-store" });
      const status = await response.json();
      if (status.version !== built) {
        location.reload();
        return;
      }
      if (status.problems.length) {
        show(status.problems);
      } else {
        hide();
      }
    } catch (error) {
      // The server is restarting or gone: keep the page and ask again.
    }
    setTimeout(poll, POLL_MILLISECONDS);
  }

  poll();
})();
""".replace("STATUS_PATH", STATUS_PATH).replace("POLL_MILLISECONDS", str(POLL_MILLISECONDS))


@dataclass(frozen=True)
class Status:
    """What the open pages poll for."""

    version: int
    """Counts good builds; a page built at another version reloads."""
    problems: tuple[str, ...] = ()
    """The errors of the latest build, formatted; empty when it succeeded."""


class LiveState:
    """The status shared between the rebuilding thread and the request handlers."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._status = Status(0)

    @property
    def status(self) -> Status:
        with self._lock:
            return self._status

    def record(self, result: BuildResult) -> Status:
        """Move to a new version after a good build; keep the version and note the errors."""
        with self._lock:
            if result.ok:
                self._status = Status(self._status.version + 1)
            else:
                errors = tuple(p.format() for p in result.problems if p.severity == "error")
                failure = (f"error: {result.failure}",) if result.failure else ()
                self._status = Status(self._status.version, errors + failure)
            return self._status


def inject_live_script(page: bytes, version: int) -> bytes:
    """``page`` with the live-reload script before its closing body tag (or at its end)."""
    tag = f'<script src="{SCRIPT_PATH}" data-version="{version}"></script>'.encode()
    matches = list(_BODY_END_RE.finditer(page))
    if not matches:
        return page + tag
    at = matches[-1].start()
    return page[:at] + tag + page[at:]


class PreviewHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the output folder as a static host would, plus the preview's endpoints."""

    live: LiveState

    def __init__(self, *args: Any, directory: str, live: LiveState, **kwargs: Any) -> None:
        self.live = live
        super().__init__(*args, directory=directory, **kwargs)

    def end_headers(self) -> None:
        # A preview must never show a stale page from the browser's cache.
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0].split("#", 1)[0]
        if path == STATUS_PATH:
            self._send(200, "application/json", json.dumps(asdict(self.live.status)).encode())
            return
        if path == SCRIPT_PATH:
            self._send(200, "text/javascript; charset=utf-8", LIVE_SCRIPT.encode())
            return
        page = self._html_file(path)
        if page is None:
            super().do_GET()
            return
        status, file = page
        try:
            data = file.read_bytes()
        except OSError:
            self.send_error(404)
            return
        version = self.live.status.version
        self._send(status, "text/html; charset=utf-8", inject_live_script(data, version))

    def _html_file(self, path: str) -> tuple[int, Path] | None:
        """The HTML file a path serves (with its status), or None for anything else."""
        local = Path(self.translate_path(path))
        if local.is_dir():
            if not path.endswith("/"):
                return None  # the base class redirects to the slash form
            local = local / "index.html"
        if local.suffix == ".html" and local.is_file():
            return 200, local
        not_found = Path(self.directory) / "404.html"
        if not local.exists() and not local.suffix and not_found.is_file():
            return 404, not_found
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


@contextmanager
def preview_server(out: Path, live: LiveState, port: int) -> Iterator[str]:
    """Serve ``out`` on 127.0.0.1 in a background thread; yields its address."""

    def handler(*args: Any, **kwargs: Any) -> PreviewHandler:
        return PreviewHandler(*args, directory=str(out), live=live, **kwargs)

    server = http.server.ThreadingHTTPServer((HOST, port), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="preview-server", daemon=True)
    thread.start()
    try:
        yield f"http://{HOST}:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@dataclass(frozen=True)
class ServeEvent:
    """Something the person previewing should hear about."""

    kind: Literal["serving", "built", "failed"]
    url: str = ""
    """The preview's address (``serving``)."""
    result: BuildResult | None = None
    """The build that just ran (``built`` and ``failed``)."""
    changed: tuple[str, ...] = ()
    """The files whose change started the build; empty for the first one."""
    seconds: float = 0.0


def watched_paths(content: Path, templates: Path) -> tuple[Path, ...]:
    """The folders whose changes rebuild the site: the content and the templates with the CSS."""
    return tuple(p for p in (content, templates) if p.exists())


def changed_files(changes: set[tuple[watchfiles.Change, str]]) -> tuple[str, ...]:
    """The files a person changed, relative to here when inside it.

    Editors save through temporary files that are gone by now; a removed file
    counts only when it has an extension, as entries, templates and the CSS do.
    """
    here = Path.cwd()
    shown: set[str] = set()
    for change, name in changes:
        path = Path(name)
        if change == watchfiles.Change.deleted and not path.suffix:
            continue
        if change != watchfiles.Change.deleted and not path.is_file():
            continue
        shown.add(str(path.relative_to(here)) if path.is_relative_to(here) else name)
    return tuple(sorted(shown))


def serve_site(
    content: str | os.PathLike[str],
    out: str | os.PathLike[str],
    report: Callable[[ServeEvent], None],
    port: int = 8000,
    cache_dir: str | os.PathLike[str] | None = ".cache",
    search: bool = True,
    templates: Path = DEFAULT_TEMPLATES,
    stop: threading.Event | None = None,
) -> None:
    """Build, serve and rebuild on every change until ``stop`` is set (or Ctrl-C)."""
    content_dir, out_dir = Path(content), Path(out)
    stop = stop or threading.Event()
    live = LiveState()
    # The engine keeps what this build learnt for the next one, in memory.
    state = BuildState()

    def rebuild(changed: tuple[str, ...]) -> None:
        started = time.perf_counter()
        result = build_site(
            content_dir,
            out_dir,
            SiteConfig(),
            today=datetime.date.today(),
            cache_dir=cache_dir,
            search=search,
            templates=templates,
            state=state,
        )
        live.record(result)
        kind: Literal["built", "failed"] = "built" if result.ok else "failed"
        report(ServeEvent(kind, "", result, changed, time.perf_counter() - started))

    rebuild(())
    out_dir.mkdir(parents=True, exist_ok=True)  # serve the problems even before a good build
    with preview_server(out_dir, live, port) as url:
        announced = False
        for changes in watchfiles.watch(
            *watched_paths(content_dir, templates),
            debounce=DEBOUNCE_MILLISECONDS,
            rust_timeout=WATCH_TICK_MILLISECONDS,
            yield_on_timeout=True,
            stop_event=stop,
            raise_interrupt=True,
        ):
            if changes:
                rebuild(changed_files(changes))
            if not announced:
                # Only now is the watcher running: a change made after this line is seen.
                report(ServeEvent("serving", url))
                announced = True
