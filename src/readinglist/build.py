"""Build the site: load → validate → render → write beside the output → swap into place.

Nothing is written unless the whole catalog is valid. The site is built in a
second folder beside the output (``.<name>.next``) and the two are exchanged
in one atomic step, so a failed or interrupted build leaves the previous site
exactly as it was. The folder swapped out keeps the previous site and becomes
the next build's starting point: only files whose bytes differ are written.

Speed comes from three caches under ``cache_dir``: rendered Markdown by content
hash, and for each site folder a manifest of every file's input key and bytes'
digest, so pages whose inputs did not change are neither rendered nor written.
Rendering is spread over ``workers`` processes. Pagefind, when asked for, runs
last, over the finished folder before the swap.
"""

from __future__ import annotations

import ctypes
import datetime
import errno
import gc
import hashlib
import json
import multiprocessing
import multiprocessing.connection
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, TypeVar, cast

from readinglist.config import SiteConfig
from readinglist.errors import Problem
from readinglist.load import load_content
from readinglist.markup import renderer_version
from readinglist.model import Catalog
from readinglist.render import (
    DEFAULT_TEMPLATES,
    Page,
    SitePlan,
    body_key,
    plan_site,
    related_entries,
    related_key,
    render_bodies,
    render_page,
)
from readinglist.validate import validate

BODIES_FILE = "bodies.json"
RELATED_FILE = "related.json"
TREES_DIR = "trees"
PAGEFIND_DIR = "pagefind"
PARALLEL_THRESHOLD = 200
BATCH_SIZE = 100
"""Rendered files a process sends at once: small enough to keep the writer busy."""
"""Fewer pages than this render in this process: starting workers would cost more."""
_RENAME_EXCHANGE = 2
T = TypeVar("T")
S = TypeVar("S")
_AT_FDCWD = -100


@dataclass(frozen=True)
class BuildResult:
    """What a build did, or the problems that stopped it."""

    problems: tuple[Problem, ...]
    """Everything ``check`` would report; with an error among them nothing was written."""
    files: int = 0
    """Files in the site (Pagefind's own not counted)."""
    pages: int = 0
    """HTML pages in the site."""
    rendered: int = 0
    """Files rendered this time: the rest had unchanged inputs."""
    written: int = 0
    """Files whose bytes changed and were written."""
    checked_files: int = 0
    """Content files read, for the summary line."""
    out: str = ""

    @property
    def ok(self) -> bool:
        return not any(p.severity == "error" for p in self.problems)


def _digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def _bodies_version() -> str:
    """Rendered summaries are valid for one version of the renderer and its allow-list."""
    source = (Path(__file__).parent / "markup.py").read_bytes()
    return _digest(source + renderer_version().encode())


def _read_json(path: Path) -> dict[str, object]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _write_json(path: Path, data: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(json.dumps(data, sort_keys=True), encoding="utf-8")
    temporary.replace(path)


def _split(items: Sequence[T], parts: int) -> list[list[T]]:
    return [list(items[i::parts]) for i in range(parts)]


def _render_bodies_share(texts: list[str], conn: Connection) -> None:
    conn.send(render_bodies(texts))
    conn.close()


def rendered_bodies(
    summaries: Sequence[str], cache_dir: Path | None, workers: int
) -> dict[str, str]:
    """Every summary as HTML by body key, from the cache where possible; updates the cache."""
    version = _bodies_version()
    cached: dict[str, str] = {}
    cache_file = cache_dir / BODIES_FILE if cache_dir else None
    if cache_file:
        stored = _read_json(cache_file)
        bodies = stored.get("bodies")
        if stored.get("version") == version and isinstance(bodies, dict):
            cached = bodies
    wanted = {body_key(text): text for text in summaries if text}
    missing = sorted(text for key, text in wanted.items() if key not in cached)
    fresh: dict[str, str] = {}
    if len(missing) >= PARALLEL_THRESHOLD and workers > 1:
        shares = _split(missing, workers)
        for share in _in_processes(_render_bodies_share, shares[1:]):
            fresh.update(share)
        fresh.update(render_bodies(shares[0]))
    else:
        fresh = render_bodies(missing)
    result = {key: cached.get(key) or fresh[key] for key in wanted}
    if cache_file and fresh:
        _write_json(cache_file, {"version": version, "bodies": result})
    return result


class _Running:
    """Forked processes started on shares, and the pipes their results come back on."""

    def __init__(self, target: Callable[[S, Connection], None], shares: Sequence[S]) -> None:
        # Forking shares the parent's memory (the catalog, the compiled templates) with
        # no pickling; only results travel back through a pipe.
        context = multiprocessing.get_context("fork")
        self.processes: list[tuple[Any, Connection]] = []
        for share in shares:
            receive, send = context.Pipe(duplex=False)
            process = context.Process(target=target, args=(share, send))
            process.start()
            send.close()
            self.processes.append((process, receive))


def _in_processes(target: Callable[[S, Connection], None], shares: Sequence[S]) -> list[Any]:
    """Run ``target(share, conn)`` in one forked process per share; what each sends back.

    Start them before doing the caller's own share, so all run at once.
    """
    running = _Running(target, shares).processes
    results: list[Any] = []
    failed = False
    for process, receive in running:
        try:
            results.append(receive.recv())
        except EOFError:
            failed = True
        process.join()
        failed = failed or process.exitcode != 0
    if failed:
        raise RuntimeError("a rendering process failed")
    return results


def cached_related(
    catalog: Catalog, count: int, cache_dir: Path | None
) -> dict[str, tuple[str, ...]]:
    """Related entries, from the cache while no entry's tags, date or slug changed."""
    key = related_key(catalog, count)
    cache_file = cache_dir / RELATED_FILE if cache_dir else None
    if cache_file:
        stored = _read_json(cache_file)
        related = stored.get("related")
        if stored.get("key") == key and isinstance(related, dict):
            return {slug: tuple(others) for slug, others in related.items()}
    computed = related_entries(catalog, count)
    if cache_file:
        _write_json(cache_file, {"key": key, "related": computed})
    return computed


Manifest = dict[str, list[str]]
"""Output path → [input key, digest of the bytes] for one site folder."""


def _tree_manifest_path(cache_dir: Path, tree: Path) -> Path:
    # Keyed by the folder's inode: the swap renames folders, and a rename keeps the inode.
    info = tree.stat()
    return cache_dir / TREES_DIR / f"{info.st_dev}-{info.st_ino}.json"


def _load_manifest(cache_dir: Path | None, tree: Path) -> Manifest | None:
    if cache_dir is None or not tree.is_dir():
        return None
    data = _read_json(_tree_manifest_path(cache_dir, tree))
    files = data.get("files")
    return files if isinstance(files, dict) else None


@dataclass(frozen=True)
class _Job:
    """What a rendering process needs; shared by fork, never pickled."""

    plan: SitePlan
    on_disk: Mapping[str, str]
    """Digest of each file already in the folder being built."""


Rendered = tuple[str, str, str, bytes | None]
"""(path, key, digest, bytes to write, or None when the folder already holds them)."""


def _render(job: _Job, pages: Sequence[Page]) -> Iterator[Rendered]:
    for page in pages:
        data = render_page(job.plan, page)
        digest = _digest(data)
        yield page.path, page.key, digest, None if job.on_disk.get(page.path) == digest else data


class _Chunks:
    """Pages cut into chunks that processes take one at a time, from either end.

    Forked processes take chunks from the front and the main process from the back,
    so however busy writing keeps the main process, nobody waits while work is left.
    The two counters live in memory shared across fork.
    """

    def __init__(self, pages: Sequence[Page]) -> None:
        context = multiprocessing.get_context("fork")
        self.chunks = [pages[i : i + BATCH_SIZE] for i in range(0, len(pages), BATCH_SIZE)]
        self.lock = context.Lock()
        self.front = context.RawValue("i", 0)
        self.back = context.RawValue("i", len(self.chunks))

    def take(self, from_front: bool) -> Sequence[Page] | None:
        with self.lock:
            if self.front.value >= self.back.value:
                return None
            if from_front:
                index = int(self.front.value)
                self.front.value = index + 1
            else:
                index = int(self.back.value) - 1
                self.back.value = index
            return self.chunks[index]


def _render_share(share: tuple[_Job, _Chunks], conn: Connection) -> None:
    job, chunks = share
    while (pages := chunks.take(from_front=True)) is not None:
        conn.send(list(_render(job, pages)))
    conn.send(None)
    conn.close()


def _render_in_processes(job: _Job, pages: Sequence[Page], workers: int) -> Iterator[Rendered]:
    """Render with ``workers - 1`` forked processes and this one; yield results as they come.

    Only this process writes: writing from several processes at once made the file
    system contend (most of the time went to the kernel). It renders chunks itself
    between writing what the others send, and one process fewer means one less copy
    of the memory that forked processes end up duplicating.
    """
    chunks = _Chunks(pages)
    running = {
        receive: process
        for process, receive in _Running(_render_share, [(job, chunks)] * (workers - 1)).processes
    }
    failed = False

    def arrived(timeout: float | None) -> Iterator[Rendered]:
        nonlocal failed
        for ready in multiprocessing.connection.wait(list(running), timeout):
            receive = cast(Connection, ready)  # wait() returns the pipes it was given
            try:
                batch = receive.recv()
            except EOFError:
                batch, failed = None, True
            if batch is None:
                running.pop(receive).join()
                continue
            yield from batch

    try:
        while (own := chunks.take(from_front=False)) is not None:
            yield from _render(job, own)
            yield from arrived(0)
        while running:
            yield from arrived(None)
    finally:
        for process in running.values():
            process.terminate()
            process.join()
    if failed:
        raise RuntimeError("a rendering process failed")


def _write_file(path: Path, data: bytes) -> None:
    # os.open/os.write: Path.write_bytes also asks whether the file is a terminal and
    # where it starts, two more system calls per file on a file system that is slow
    # with many small files.
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o644)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(descriptor, view) :]
    finally:
        os.close(descriptor)


def exchange(first: Path, second: Path) -> None:
    """Swap two folders in one step (Linux ``renameat2``); elsewhere, three renames."""
    libc = ctypes.CDLL(None, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is not None:
        status = renameat2(
            _AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE
        )
        if status == 0:
            return
        code = ctypes.get_errno()
        if code not in (errno.ENOSYS, errno.EINVAL):
            raise OSError(code, os.strerror(code), str(first))
    parked = first.with_name(first.name + ".swap")
    first.rename(parked)
    second.rename(first)
    parked.rename(second)


def _remove_stale(tree: Path, stale: Sequence[str]) -> None:
    for path in stale:
        (tree / path).unlink(missing_ok=True)
    parents = sorted({(tree / p).parent for p in stale}, key=lambda p: len(p.parts), reverse=True)
    for parent in parents:
        while parent != tree:
            try:
                parent.rmdir()
            except OSError:
                break
            parent = parent.parent


def run_pagefind(tree: Path) -> Problem | None:
    """Index the finished folder with Pagefind; a problem when it cannot run."""
    command = [sys.executable, "-m", "pagefind", "--site", str(tree), "--output-subdir", "pagefind"]
    try:
        completed = subprocess.run(command, capture_output=True, text=True, check=False)
    except OSError as exc:
        return Problem(str(tree), 1, "search", f"Pagefind could not start: {exc}")
    if completed.returncode != 0:
        last = (completed.stderr or completed.stdout).strip().splitlines()[-1:] or ["no output"]
        return Problem(
            str(tree),
            1,
            "search",
            f"Pagefind failed: {last[0]}",
            "install it with pip install 'pagefind[bin]', or build with --no-search",
        )
    return None


def build_site(
    content: str | os.PathLike[str],
    out: str | os.PathLike[str],
    config: SiteConfig,
    *,
    today: datetime.date,
    cache_dir: str | os.PathLike[str] | None = ".cache",
    workers: int = 2,
    search: bool = True,
    templates: Path = DEFAULT_TEMPLATES,
) -> BuildResult:
    """Build ``content`` into ``out``; on any error return the problems and write nothing."""
    raw = load_content(content)
    validated = validate(raw, today)
    problems = tuple(sorted({*raw.problems, *validated.problems}))
    checked_files = raw.files
    del raw  # the parsed files with their line numbers: large, and not needed from here
    if any(p.severity == "error" for p in problems):
        return BuildResult(problems, checked_files=checked_files, out=str(out))
    catalog = validated.catalog
    cache = Path(cache_dir) if cache_dir is not None else None
    bodies = rendered_bodies([e.summary for e in catalog.entries], cache, workers)
    related = cached_related(catalog, config.related_count, cache)
    plan = plan_site(catalog, config, bodies, templates, related)

    live = Path(out)
    next_tree = live.with_name(f".{live.name}.next")
    live_manifest = _load_manifest(cache, live) or {}
    next_manifest = _load_manifest(cache, next_tree)
    if next_manifest is None:
        # Unknown contents (first build, no cache, or an interrupted one): start empty.
        shutil.rmtree(next_tree, ignore_errors=True)
        next_tree.mkdir(parents=True)
        next_manifest = {}
    elif cache is not None:
        # From here until the new manifest is written, this folder's contents are unknown.
        _tree_manifest_path(cache, next_tree).unlink(missing_ok=True)

    on_disk = {path: entry[1] for path, entry in next_manifest.items()}
    manifest: Manifest = {}
    to_render: list[Page] = []
    copied = 0
    for page in plan.pages:
        known = live_manifest.get(page.path)
        if known is None or known[0] != page.key:
            to_render.append(page)
            continue
        manifest[page.path] = known
        if on_disk.get(page.path) != known[1]:
            # Unchanged since the live site was built: take its bytes rather than render.
            target = next_tree / page.path
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(live / page.path, target)
            copied += 1

    # The catalog, the plan and the compiled templates live until the end: moving them
    # out of the collector's reach stops full collections from walking them again and
    # again, and spares forked processes from copying every page the walk would touch.
    gc.freeze()
    job = _Job(plan, on_disk)
    if len(to_render) >= PARALLEL_THRESHOLD and workers > 1:
        rendered = _render_in_processes(job, to_render, workers)
    else:
        rendered = _render(job, to_render)
    written = copied
    made: set[Path] = set()
    for path, key, digest, data in rendered:
        manifest[path] = [key, digest]
        if data is not None:
            target = next_tree / path
            if target.parent not in made:
                target.parent.mkdir(parents=True, exist_ok=True)
                made.add(target.parent)
            _write_file(target, data)
            written += 1

    _remove_stale(next_tree, sorted(set(next_manifest) - set(manifest)))
    shutil.rmtree(next_tree / PAGEFIND_DIR, ignore_errors=True)
    if search:
        problem = run_pagefind(next_tree)
        if problem is not None:
            return BuildResult((*problems, problem), checked_files=checked_files, out=str(out))

    if cache is not None:
        _write_json(_tree_manifest_path(cache, next_tree), {"files": manifest})
    if live.exists():
        exchange(live, next_tree)
    else:
        next_tree.rename(live)
    pages = sum(1 for path in manifest if path.endswith(".html"))
    return BuildResult(
        problems,
        files=len(manifest),
        pages=pages,
        rendered=len(to_render),
        written=written,
        checked_files=checked_files,
        out=str(live),
    )
