"""What an open page of the preview needs to reload itself: the script, and the status it waits for.

Every HTML page the preview serves gets one small script that asks the server
for the status newer than the one it knows; the server holds that request until
the next build is recorded (a long poll). After a good rebuild the page reloads
itself; after a failed one it shows the problems over the page while the last
good site stays served. A hidden page asks without waiting, every
``RETRY_MILLISECONDS`` as the browser allows, so that the pages in background
tabs do not hold the few connections a browser opens to one host.
"""

from __future__ import annotations

import re
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from readinglist.build.pipeline import BuildResult

LIVE_PREFIX = "/__readinglist/"
"""Where the preview's own endpoints live; no page of the site starts with it."""
STATUS_PATH = LIVE_PREFIX + "status"
SCRIPT_PATH = LIVE_PREFIX + "live.js"
RETRY_MILLISECONDS = 300
"""The page's pause before asking again after a failure, or an answer that brought nothing new."""
CHECK_SECONDS = 0.5
"""How often a held request looks whether it should stop waiting (its client gone, the server
stopping) besides being woken by a new build."""
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

  // The status the page last heard of; null until the first answer, which comes at once.
  let known = null;
  let timer = 0;
  let pending = null;

  function later(milliseconds) {
    clearTimeout(timer);
    timer = setTimeout(ask, milliseconds);
  }

  async function ask() {
    const controller = new AbortController();
    pending = controller;
    // A visible page waits for the next build; a hidden one only asks.
    const hold = known !== null && document.visibilityState === "visible";
    let pause = RETRY_MILLISECONDS;
    try {
      const url = hold ? "STATUS_PATH?after=" + known : "STATUS_PATH";
      const response = await fetch(url, { cache: "no-store", signal: controller.signal });
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
      if (status.serial !== known) {
        pause = 0;  // news: ask for the next at once; nothing new: a timeout, or a busy server
        known = status.serial;
      }
    } catch (error) {
      // The server is restarting or gone: keep the page and ask again after a pause.
      if (controller.signal.aborted) {
        pause = 0;
      }
    }
    pending = null;
    later(pause);
  }

  document.addEventListener("visibilitychange", () => {
    if (pending) {
      pending.abort();  // ask again, waiting or not as the page now is
    } else {
      later(0);
    }
  });
  ask();
})();
""".replace("STATUS_PATH", STATUS_PATH).replace("RETRY_MILLISECONDS", str(RETRY_MILLISECONDS))


@dataclass(frozen=True)
class Status:
    """What the open pages ask for."""

    version: int
    """Counts good builds; a page built at another version reloads."""
    problems: tuple[str, ...] = ()
    """The errors of the latest build, formatted; empty when it succeeded."""
    serial: int = 0
    """Names this status among all a ``LiveState`` records, good or failed: each one gets the
    next number. It starts at a random one, so that a page still open from an earlier run of
    serve cannot name the status of this one by chance."""


class LiveState:
    """The status shared between the rebuilding thread and the request handlers."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._status = Status(0, serial=secrets.randbelow(1 << 40))

    @property
    def status(self) -> Status:
        with self._changed:
            return self._status

    def record(self, result: BuildResult) -> Status:
        """Move to a new version after a good build; keep the version and note the errors.

        Either way the status gets a new serial, and every request held for news is answered.
        """
        with self._changed:
            serial = self._status.serial + 1
            if result.ok:
                self._status = Status(self._status.version + 1, (), serial)
            else:
                errors = tuple(p.format() for p in result.problems if p.severity == "error")
                failure = (f"error: {result.failure}",) if result.failure else ()
                self._status = Status(self._status.version, errors + failure, serial)
            self._changed.notify_all()
            return self._status

    def newer_than(
        self, serial: int, seconds: float, give_up: Callable[[], bool] = lambda: False
    ) -> Status:
        """The first status whose serial is not ``serial``; the current one after ``seconds``.

        ``give_up`` is asked every ``CHECK_SECONDS``, and whenever ``wake`` is called: once
        it is true the current status is returned at once.
        """
        deadline = time.monotonic() + seconds
        with self._changed:
            while self._status.serial == serial and not give_up():
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self._changed.wait(min(left, CHECK_SECONDS))
            return self._status

    def wake(self) -> None:
        """Have every held request ask its ``give_up`` now, as when the server stops."""
        with self._changed:
            self._changed.notify_all()


def inject_live_script(page: bytes, version: int) -> bytes:
    """``page`` with the live-reload script before its closing body tag (or at its end)."""
    tag = f'<script src="{SCRIPT_PATH}" data-version="{version}"></script>'.encode()
    matches = list(_BODY_END_RE.finditer(page))
    if not matches:
        return page + tag
    at = matches[-1].start()
    return page[:at] + tag + page[at:]
