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

import contextlib
import ctypes
import dataclasses
import datetime
import errno
import hashlib
import os
import shutil
import sys
import types
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from readinglist.build.record import (
    Recheck,
    basis,
    finish_recheck,
    make_record,
    read_plain,
    record_edits,
    save_record,
    save_signatures,
    save_titles,
    start_recheck,
    write_plain,
)
from readinglist.build.workers import Forked
from readinglist.catalog.check import (
    PARALLEL_ENTRY_FILES,
    CheckMemory,
    Signature,
    TitleMemory,
    near_duplicate_titles,
    path_signature,
    signature,
    similar_titles,
    validate_folder,
)
from readinglist.catalog.model import Catalog
from readinglist.catalog.read import ENTRIES_DIR, collector_paused
from readinglist.config import SiteConfig
from readinglist.problems import Problem, sort_problems
from readinglist.site.markup import renderer_version
from readinglist.site.pages import (
    DEFAULT_TEMPLATES,
    EXPORTS,
    Page,
    RenderMemory,
    SitePlan,
    body_key,
    compile_templates,
    plan_site,
    related_entries,
    related_key,
    render_bodies,
    render_page,
)

BODIES_FILE = "bodies.marshal"
RELATED_FILE = "related.marshal"
TREES_DIR = "trees"
PAGEFIND_DIR = "pagefind"
PARALLEL_THRESHOLD = 200
"""Less work than this many pages or summaries stays in one process: forking would cost more."""
BATCH_SIZE = 100
"""Pages a process takes at once: small enough that all processes finish together."""
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


@dataclass
class BuildMemory:
    """What a build leaves in memory for the next build in the same process.

    ``readinglist serve`` rebuilds after every edit; with this, only the files that
    changed are read and checked again, and planned and exported afresh.
    """

    checks: CheckMemory = field(default_factory=CheckMemory)
    rendering: RenderMemory = field(default_factory=RenderMemory)
    bodies: tuple[str, dict[str, str]] | None = None
    """The renderer's version and every summary rendered so far, by body key."""
    related: tuple[str, dict[str, tuple[str, ...]]] | None = None
    """The related entries of the last build, and their key."""


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
    # SHA-256, which current x86 and ARM processors compute in hardware: twice as fast
    # as BLAKE2b over a site's 100 MB, and over the 12 MB of a large catalog's exports.
    return hashlib.sha256(data).hexdigest()[:32]


def _bodies_version() -> str:
    """Rendered summaries are valid for one version of the renderer and its allow-list."""
    source = (Path(__file__).parent.parent / "site" / "markup.py").read_bytes()
    return _digest(source + renderer_version().encode())


def _bodies_cache(cache_dir: Path | None) -> tuple[str, dict[str, str]]:
    """The renderer's version and the summaries it rendered before, by body key."""
    if cache_dir is None:
        return "", {}  # nothing stored, nothing to store: no version needed
    version = _bodies_version()
    stored = read_plain(cache_dir / BODIES_FILE)
    if not isinstance(stored, tuple) or len(stored) != 2 or stored[0] != version:
        return version, {}
    bodies = stored[1]
    return version, bodies if isinstance(bodies, dict) else {}


def missing_bodies(summaries: Sequence[str], cached: Mapping[str, str]) -> list[str]:
    """The summaries whose HTML is not in ``cached``, each once, sorted."""
    return sorted({text for text in summaries if text and body_key(text) not in cached})


def _store_bodies(
    summaries: Sequence[str] | None,
    cache_dir: Path | None,
    version: str,
    cached: Mapping[str, str],
    fresh: Mapping[str, str],
) -> dict[str, str]:
    """The summaries' HTML, stored when some are new; None keeps every cached one."""
    if summaries is None:
        result = {**cached, **fresh}
    else:
        result = {
            key: cached.get(key) or fresh[key] for key in map(body_key, filter(None, summaries))
        }
    if cache_dir is not None and fresh:
        write_plain(cache_dir / BODIES_FILE, (version, result))
    return result


def _summaries_and_titles(
    missing: Sequence[str],
    catalog: Catalog,
    title_lines: Mapping[str, int],
    titles: TitleMemory | None,
) -> tuple[dict[str, str], list[Problem], TitleMemory | None]:
    """The summaries' HTML and the near-duplicate title warnings. Run in a forked
    process, so the titles' memory, which the search fills, is sent back too."""
    similar = titles.similar if titles is not None else similar_titles
    warnings = near_duplicate_titles(catalog.entries, title_lines, similar)
    return render_bodies(missing), warnings, titles


def cached_related(
    catalog: Catalog,
    count: int,
    cache_dir: Path | None,
    memory: BuildMemory | None = None,
) -> dict[str, tuple[str, ...]]:
    """Related entries, from the cache while no entry's tags, date or slug changed."""
    key = related_key(catalog, count)
    if memory is not None and memory.related is not None and memory.related[0] == key:
        return memory.related[1]
    related = _cached_related(catalog, count, cache_dir, key)
    if memory is not None:
        memory.related = (key, related)
    return related


def _cached_related(
    catalog: Catalog, count: int, cache_dir: Path | None, key: str
) -> dict[str, tuple[str, ...]]:
    cache_file = cache_dir / RELATED_FILE if cache_dir else None
    if cache_file:
        stored = read_plain(cache_file)
        if isinstance(stored, tuple) and len(stored) == 2 and stored[0] == key:
            related: dict[str, tuple[str, ...]] = stored[1]
            return related
    computed = related_entries(catalog, count)
    if cache_file:
        write_plain(cache_file, (key, computed))
    return computed


Manifest = dict[str, list[str]]
"""Output path → [input key, digest of the bytes] for one site folder."""


def _tree_manifest_path(cache_dir: Path, tree: Path) -> Path:
    # Keyed by the folder's inode: the swap renames folders, and a rename keeps the inode.
    info = tree.stat()
    return cache_dir / TREES_DIR / f"{info.st_dev}-{info.st_ino}.marshal"


def _load_manifest(cache_dir: Path | None, tree: Path) -> tuple[str, Manifest] | None:
    """The folder's manifest, and the token of the build that wrote it."""
    if cache_dir is None or not tree.is_dir():
        return None
    data = read_plain(_tree_manifest_path(cache_dir, tree))
    if not isinstance(data, dict) or not isinstance(data.get("files"), dict):
        return None
    return str(data.get("token", "")), data["files"]


@dataclass(frozen=True)
class _Job:
    """What a rendering process needs; shared by fork, never pickled."""

    plan: SitePlan
    on_disk: Mapping[str, str]
    """Digest of each file already in the folder being built."""
    digests: bool = True
    """Whether to hash each file's bytes; without a cache nothing would read them."""


Row = tuple[str, str, str]
"""A manifest row: (output path, input key, digest of the bytes)."""


class _Chunks:
    """Pages cut into chunks that processes take one at a time, from either end.

    Forked processes take chunks from the front and the main process from the back,
    so nobody waits while work is left. When ``shared``, the two counters live in
    memory shared across fork.
    """

    def __init__(self, pages: Sequence[Page], shared: bool) -> None:
        self.chunks = [pages[i : i + BATCH_SIZE] for i in range(0, len(pages), BATCH_SIZE)]
        self.lock: contextlib.AbstractContextManager[Any]
        self.front: Any
        self.back: Any
        if shared:
            import multiprocessing  # only when forking: a rebuild after an edit does not

            context = multiprocessing.get_context("fork")
            self.lock = context.Lock()
            self.front = context.RawValue("i", 0)
            self.back = context.RawValue("i", len(self.chunks))
        else:
            self.lock = contextlib.nullcontext()
            self.front = types.SimpleNamespace(value=0)
            self.back = types.SimpleNamespace(value=len(self.chunks))

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


def _render_and_write(
    job: _Job, chunks: _Chunks, from_front: bool, tree: Path
) -> tuple[list[Row], int]:
    """Render chunks until none are left, writing each file whose bytes differ from disk.

    Every process writes what it renders: sending the bytes to one writer kept the
    renderers waiting on the pipe.
    """
    rows: list[Row] = []
    written = 0
    made: set[Path] = set()
    while (pages := chunks.take(from_front)) is not None:
        for page in pages:
            data = render_page(job.plan, page)
            digest = _digest(data) if job.digests else ""
            rows.append((page.path, page.key, digest))
            if digest and job.on_disk.get(page.path) == digest:
                continue
            target = tree / page.path
            if target.parent not in made:
                target.parent.mkdir(parents=True, exist_ok=True)
                made.add(target.parent)
            _write_file(target, data)
            written += 1
    return rows, written


def _render_pages(
    job: _Job, pages: Sequence[Page], tree: Path, workers: int
) -> tuple[list[Row], int]:
    """Render and write ``pages`` with ``workers`` processes, this one included."""
    helpers = workers - 1 if len(pages) >= PARALLEL_THRESHOLD else 0
    chunks = _Chunks(pages, shared=helpers > 0)
    running = [Forked(_render_and_write, job, chunks, True, tree) for _ in range(helpers)]
    rows, written = _render_and_write(job, chunks, False, tree)
    for helper in running:
        their_rows, their_written = helper.result()
        rows.extend(their_rows)
        written += their_written
    return rows, written


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
    import subprocess  # only here: most rebuilds skip the search index

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
    memory: BuildMemory | None = None,
) -> BuildResult:
    """Build ``content`` into ``out``; on any error return the problems and write nothing.

    ``memory``, kept from one build to the next, spares work on files that did not change.
    """
    # A build allocates millions of short-lived objects and frees nearly all of them
    # by reference counting; the cycle collector's full passes over the growing heap
    # found nothing and cost a tenth of a cold build.
    with collector_paused():
        return _build_site(
            content, out, config, today, cache_dir, workers, search, templates, memory
        )


def _reader(folder: Path) -> Callable[[str], bytes | None]:
    def read(path: str) -> bytes | None:
        try:
            return (folder / path).read_bytes()
        except OSError:
            return None

    return read


def _entry_signatures(content: Path) -> dict[str, Signature]:
    """Each entry file's signature, taken before the files are read: an edit made while
    they are read shows as a change next time."""
    signatures: dict[str, Signature] = {}
    try:
        with os.scandir(content / ENTRIES_DIR) as scan:
            for item in scan:
                if not item.name.startswith("."):
                    with contextlib.suppress(OSError):
                        signatures[item.path] = signature(item.stat(follow_symlinks=False))
    except OSError:
        pass
    return signatures


def _build_site(
    content: str | os.PathLike[str],
    out: str | os.PathLike[str],
    config: SiteConfig,
    today: datetime.date,
    cache_dir: str | os.PathLike[str] | None,
    workers: int,
    search: bool,
    templates: Path,
    memory: BuildMemory | None,
) -> BuildResult:
    cache = Path(cache_dir) if cache_dir is not None else None
    live = Path(out)
    # A build in a new process starts from the record of the last one, when it has one.
    recorded = cache is not None and memory is None
    started = None
    if cache is not None and recorded:
        started = start_recheck(cache, Path(content), today, workers)
    live_token, live_manifest = _load_manifest(cache, live) or ("", {})
    basis_key = basis(Path(content), live, config, today, templates) if recorded else ""
    quick: Recheck | None = None
    record = None
    signatures: dict[str, Signature] = {}
    if cache is not None and started is not None:
        found = finish_recheck(started, cache, Path(content), today, basis_key, live_token)
        if found is not None:
            record, quick, signatures = found
    if recorded and quick is None:
        signatures = _entry_signatures(Path(content))

    checks = memory.checks if memory is not None else None
    titles = checks.titles if checks is not None else TitleMemory() if recorded else None
    similar = titles.similar if titles is not None else similar_titles
    if quick is not None and record is not None:
        validated, checked_files = quick.validated, record.checked_files
    else:
        # Near-duplicate titles are only warnings: they are looked for beside other work.
        validated, checked_files = validate_folder(content, today, workers, checks, titles=False)
    catalog = validated.catalog
    problems = validated.problems
    if any(p.severity == "error" for p in problems):
        warnings = near_duplicate_titles(catalog.entries, validated.title_lines, similar)
        return BuildResult(
            tuple(sort_problems([*problems, *warnings])), checked_files=checked_files, out=str(out)
        )
    remembered = memory.bodies if memory is not None else None
    version, cached = remembered if remembered is not None else _bodies_cache(cache)
    summaries = [e.summary for e in catalog.entries]
    if (
        quick is not None
        and record is not None
        and cache is not None
        and record.bodies_file == path_signature(cache / BODIES_FILE)
    ):
        # The cache holds every summary of the record's entries: only edits can be missing.
        edited_summaries = [catalog.by_slug[slug].summary for slug in quick.edited.changed]
        missing = missing_bodies(edited_summaries, cached)
    else:
        missing = missing_bodies(summaries, cached)
    # Planning reads no summary (pages read them when they render), so the plan is
    # made while a second process renders the summaries and looks for near-duplicate
    # titles; the summaries join the plan after.
    bodies: dict[str, str] = {}
    background = None
    many = len(missing) >= PARALLEL_THRESHOLD or len(summaries) >= PARALLEL_ENTRY_FILES
    if workers > 1 and memory is None and quick is None and many:
        background = Forked(_summaries_and_titles, missing, catalog, validated.title_lines, titles)
    if quick is not None and record is not None:
        related: Mapping[str, tuple[str, ...]] = record.related
        rendering = quick.rendering
    else:
        related = cached_related(catalog, config.related_count, cache, memory)
        rendering = memory.rendering if memory is not None else RenderMemory()
    edited = None
    if quick is not None:
        # The last build's lists of every entry, the edited entries' lines replaced.
        edited = dataclasses.replace(quick.edited, previous=_reader(live))
    plan = plan_site(catalog, config, bodies, templates, related, rendering, edited)
    if background is not None:
        # This process would wait for the summaries anyway.
        compile_templates(plan)
        fresh, warnings, titles = background.result()
    elif quick is not None:
        fresh, warnings = render_bodies(missing), quick.title_warnings
    else:
        fresh = render_bodies(missing)
        warnings = near_duplicate_titles(catalog.entries, validated.title_lines, similar)
    all_problems = tuple(sort_problems([*problems, *warnings]))
    if remembered is not None:
        # Kept in memory, the rendered summaries skip the cache file; it gains what
        # it misses at the next build without memory.
        cached.update(fresh)
        bodies.update(cached)
    else:
        # A build from the record drops no summary: a full build later does.
        kept = None if quick is not None else summaries
        bodies.update(_store_bodies(kept, cache, version, cached, fresh))
        if memory is not None:
            memory.bodies = (version, dict(bodies))

    next_tree = live.with_name(f".{live.name}.next")
    _, next_manifest = _load_manifest(cache, next_tree) or ("", None)
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

    def keep(path: str, known: list[str]) -> None:
        nonlocal copied
        manifest[path] = known
        if on_disk.get(path) != known[1]:
            # Unchanged since the live site was built: take its bytes rather than render.
            target = next_tree / path
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(live / path, target)
            copied += 1

    for page in plan.pages:
        known = live_manifest.get(page.path)
        if known is None or known[0] != page.key:
            to_render.append(page)
        else:
            keep(page.path, known)
    if plan.partial:
        planned = {page.path for page in plan.pages}
        for path, known in live_manifest.items():
            if path not in planned and not path.startswith(PAGEFIND_DIR + "/"):
                keep(path, known)

    # Entry pages first: the helper processes take chunks from the front, and entry
    # pages need no list items, which this process then makes alone. The exports
    # come last, so this process makes them and keeps their lines for serve's next build.
    to_render.sort(key=lambda page: (not page.path.startswith("entries/"), page.path in EXPORTS))
    rows, rendered_written = _render_pages(
        _Job(plan, on_disk, digests=cache is not None), to_render, next_tree, workers
    )
    for path, key, digest in rows:
        manifest[path] = [key, digest]
    written = copied + rendered_written

    _remove_stale(next_tree, sorted(set(next_manifest) - set(manifest)))
    shutil.rmtree(next_tree / PAGEFIND_DIR, ignore_errors=True)
    if search:
        problem = run_pagefind(next_tree)
        if problem is not None:
            return BuildResult((*all_problems, problem), checked_files=checked_files, out=str(out))

    # A record names the folder it describes by this token, which no other build shares.
    token = os.urandom(8).hex()
    if cache is not None:
        write_plain(_tree_manifest_path(cache, next_tree), {"token": token, "files": manifest})
    if live.exists():
        exchange(live, next_tree)
    else:
        next_tree.rename(live)
    if cache is not None and recorded:
        if quick is not None and record is not None:
            if quick.titles is not None:
                save_titles(cache, quick.titles)
            record_edits(record, token, quick, rendering)
        else:
            pairs = sorted(titles.pairs) if titles is not None else []
            if titles is not None:
                save_titles(cache, titles)
            record = make_record(
                basis_key, token, validated, pairs, rendering, related, checked_files
            )
        record.bodies_file = path_signature(cache / BODIES_FILE)
        save_record(cache, record)
        if validated.vocabularies is not None:
            save_signatures(cache, token, signatures, validated.vocabularies)
    pages = sum(1 for path in manifest if path.endswith(".html"))
    return BuildResult(
        all_problems,
        files=len(manifest),
        pages=pages,
        rendered=len(to_render),
        written=written,
        checked_files=checked_files,
        out=str(live),
    )
