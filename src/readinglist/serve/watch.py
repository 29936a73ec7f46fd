"""Build, serve the output folder, and rebuild whenever the content or the templates change.

``serve_site`` builds the site, serves the output folder on the loopback
interface (``serve.http``) and rebuilds whenever anything under the content
folder or the templates (the stylesheet included) changes; open pages hear of
each build through ``serve.live``. A failed build writes nothing, so the last
good site stays served. What happens is reported through the ``report``
callback, so this module prints nothing.
"""

from __future__ import annotations

import datetime
import os
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import watchfiles

from readinglist.build.pipeline import BuildResult, build_site
from readinglist.build.state import BuildState
from readinglist.config import SiteConfig
from readinglist.serve.http import preview_server
from readinglist.serve.live import LiveState
from readinglist.site.render import DEFAULT_TEMPLATES

DEBOUNCE_MILLISECONDS = 200
"""Editors save in bursts (a temporary file, a rename): wait for the burst to end."""
QUIET_MILLISECONDS = 20
"""A burst has ended when nothing more changed for this long. An editor's burst takes
a few milliseconds; watchfiles' own 50 ms made every save wait about 0.05 s longer."""
WATCH_TICK_MILLISECONDS = 200
"""How long the watcher waits before saying nothing changed; the first such word means ready."""


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


def _watched(
    paths: tuple[Path, ...], stop: threading.Event
) -> Iterator[set[tuple[watchfiles.Change, str]]]:
    """Each burst of changes under ``paths``, and an empty set every tick with none."""
    return watchfiles.watch(
        *paths,
        debounce=DEBOUNCE_MILLISECONDS,
        step=QUIET_MILLISECONDS,
        rust_timeout=WATCH_TICK_MILLISECONDS,
        yield_on_timeout=True,
        stop_event=stop,
        raise_interrupt=True,
    )


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

    def build() -> BuildResult:
        return build_site(
            content_dir,
            out_dir,
            SiteConfig(),
            today=datetime.date.today(),
            cache_dir=cache_dir,
            search=search,
            templates=templates,
            state=state,
        )

    def rebuild(changed: tuple[str, ...]) -> None:
        started = time.perf_counter()
        result = build()
        live.record(result)
        kind: Literal["built", "failed"] = "built" if result.ok else "failed"
        report(ServeEvent(kind, "", result, changed, time.perf_counter() - started))

    rebuild(())
    out_dir.mkdir(parents=True, exist_ok=True)  # serve the problems even before a good build
    with preview_server(out_dir, live, port) as url:
        announced = False
        for changes in _watched(watched_paths(content_dir, templates), stop):
            if changes:
                rebuild(changed_files(changes))
            if not announced:
                # Only now is the watcher running: a change made after this line is seen.
                report(ServeEvent("serving", url))
                announced = True
                # A build writes into the folder beside the live site, then swaps the two.
                # Without a cache that folder starts empty, and the first save would write
                # all of it (4 s at 10,000 entries): one more build now, while the preview
                # waits for a change, fills it. It gives the same site, so it is not
                # reported; a change made meanwhile is seen by the watcher, rebuilt next.
                build()
