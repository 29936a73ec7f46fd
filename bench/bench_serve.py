"""How long an edit takes to reach the open page in ``readinglist serve``.

    .venv/bin/python bench/bench_serve.py [--content content] [--runs 9]

In a copy of the content folder, ``readinglist serve --no-search`` runs and
Debian's Chromium holds an entry page open. Each run waits a second, as a
person editing would between saves (so the server is done answering the last
reload), rewrites that entry's title, waits until the page's ``h1`` shows the
new one, and takes the time from the edit to the reloaded page's first paint,
as the browser timed it: the file watcher's debounce, the rebuild, the answer
to the status request the page keeps waiting on the server (a long poll,
answered as soon as the build is recorded) and the page's reload. The baseline,
measured in the same run on the same copy, is the rebuild alone: the same edit
followed by ``build_site`` in this process with a warm cache and a
``BuildState``, as serve keeps one.
Printed: both medians and their ratio, i.e. what watching and reloading add on
top.
"""

from __future__ import annotations

import argparse
import datetime
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

from readinglist.build.pipeline import BuildResult, build_site
from readinglist.build.state import BuildState
from readinglist.catalog.read import load_content
from readinglist.config import SiteConfig

PAUSE_SECONDS = 1.0
"""Between a reload and the next edit: edits back to back, while the server still
answers the reloaded page's requests, made each rebuild about 0.1 s slower."""
FIRST_PAINT = """(performance.getEntriesByName("first-contentful-paint")[0]?.startTime ?? NaN)
  + performance.timeOrigin || 0"""
"""When the reloaded page first showed its content, by the system clock, as the browser
took it: noticing the new ``h1`` from here takes about 0.1 s longer."""
POLL_MILLISECONDS = 100
"""How often the harness looks for the new ``h1``. Looking at every frame, as Playwright
does unless told, kept a core of this two-core machine busy while serve rebuilt; the
time is the browser's own paint time, so looking less often does not change it."""
REBUILT = re.compile(r"rebuilt \d+ pages in ([0-9.]+) s")
"""Serve's line after each rebuild, with its time."""
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
)


def retitle(entry: Path, title: str) -> None:
    lines = entry.read_text().splitlines(keepends=True)
    index = next(i for i, line in enumerate(lines) if line.startswith("title:"))
    lines[index] = f'title: "{title}"\n'
    entry.write_text("".join(lines))


def rebuild_times(content: Path, entry: Path, runs: int) -> list[float]:
    out, cache = content.parent / "baseline-site", content.parent / "baseline-cache"
    config, today, state = SiteConfig(), datetime.date.today(), BuildState()

    def rebuild() -> BuildResult:
        return build_site(
            content, out, config, today=today, cache_dir=cache, search=False, state=state
        )

    rebuild()
    rebuild()
    times = []
    for run in range(runs):
        retitle(entry, f"Baseline edit {run}")
        started = time.perf_counter()
        result = rebuild()
        times.append(time.perf_counter() - started)
        assert result.ok, result.problems
    return times


def reload_times(work: Path, entry: Path, runs: int) -> tuple[list[float], list[float]]:
    """The edits' times to the reloaded page, and serve's own rebuild times."""
    process = subprocess.Popen(
        [sys.executable, "-m", "readinglist", "serve", "--port", "0", "--no-search"],
        cwd=work,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    url = next(line.split()[1] for line in process.stdout if line.startswith("serving "))
    said: list[str] = []
    listener = threading.Thread(target=said.extend, args=(process.stdout,), daemon=True)
    listener.start()
    times = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path="/usr/bin/chromium", headless=True, args=list(CHROMIUM_ARGS)
            )
            page = browser.new_page()
            page.goto(f"{url}entries/{entry.stem}/")
            for run in range(runs):
                time.sleep(PAUSE_SECONDS)
                title = f"Live edit {run}"
                started = time.time()
                retitle(entry, title)
                page.wait_for_function(
                    "title => document.querySelector('h1')?.textContent === title",
                    arg=title,
                    timeout=30_000,
                    polling=POLL_MILLISECONDS,
                )
                painted = page.evaluate(FIRST_PAINT) / 1000 or time.time()
                times.append(painted - started)
            browser.close()
    finally:
        process.terminate()
        process.wait(timeout=10)
        listener.join(timeout=10)
    rebuilt = [float(m[1]) for line in said if (m := REBUILT.match(line))]
    return times, rebuilt


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--content", default="content", help="content folder to copy")
    parser.add_argument("--runs", type=int, default=9, help="edits timed per measure")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        content = work / "content"
        shutil.copytree(args.content, content)
        raw = load_content(content)
        entry = Path(raw.entries[len(raw.entries) // 2].path)
        print(f"catalog: {len(raw.entries)} entries; edited: {entry.name}")
        baseline = statistics.median(rebuild_times(content, entry, args.runs))
        reloads, rebuilds = reload_times(work, entry, args.runs)
        live = statistics.median(reloads)
    print(f"rebuild alone (baseline), median of {args.runs}: {baseline * 1000:.0f} ms")
    print(f"edit to reloaded page in Chromium, median of {args.runs}: {live * 1000:.0f} ms")
    if rebuilds:
        inside = statistics.median(rebuilds)
        print(f"the rebuild as serve reported it, median of {len(rebuilds)}: {inside:.3f} s")
    print(
        f"ratio: {live / baseline:.1f}x the rebuild; watching and reloading add"
        f" {(live - baseline) * 1000:.0f} ms"
    )


if __name__ == "__main__":
    main()
