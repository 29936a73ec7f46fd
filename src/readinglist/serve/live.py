"""What an open page of the preview needs to reload itself: the script, and the status it polls.

Every HTML page the preview serves gets one small script that polls the
server: after a good rebuild the page reloads itself; after a failed one it
shows the problems over the page while the last good site stays served.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass

from readinglist.build.pipeline import BuildResult

LIVE_PREFIX = "/__readinglist/"
"""Where the preview's own endpoints live; no page of the site starts with it."""
STATUS_PATH = LIVE_PREFIX + "status"
SCRIPT_PATH = LIVE_PREFIX + "live.js"
POLL_MILLISECONDS = 300
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
