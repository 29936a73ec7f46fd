"""Build the site: check → summaries → plan → fingerprint → render what changed → index → swap.

The one place that puts the pure core (``catalog``, ``site``) to work on real
folders. Nothing is written while the catalog has an error. Files are written
into the folder beside the live site (see :mod:`readinglist.build.output`), and
only those whose inputs changed since that folder was built, or that are not on
disk as it was left; the two folders are then swapped in one step. A build in
the same process (``serve``) passes its :class:`BuildState` along; a build in a
new process finds the same state in the cache folder.
"""

from __future__ import annotations

import datetime
import errno
import functools
import os
import stat
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment

from readinglist.build import entrywise, output, planning, reuse
from readinglist.build.checking import collector_paused
from readinglist.build.fingerprint import site_version
from readinglist.build.listing import Lister, Stamp
from readinglist.build.output import NO_MANIFEST, Manifest, Survey
from readinglist.build.prints import page_prints
from readinglist.build.search import index_site
from readinglist.build.state import (
    BuildState,
    Cache,
    folder_id,
    forget_manifest,
    load_manifest,
    save_manifest,
)
from readinglist.build.workers import share_out
from readinglist.config import SiteConfig
from readinglist.problems import Problem
from readinglist.site.pages import EXPORTS
from readinglist.site.render import (
    DEFAULT_TEMPLATES,
    render_page,
)
from readinglist.site.section import Page


@dataclass(frozen=True)
class BuildResult:
    """What a build did, or what stopped it."""

    problems: tuple[Problem, ...]
    """Everything ``check`` would report; with an error among them nothing was written."""
    files: int = 0
    """Files in the site (Pagefind's own not counted)."""
    pages: int = 0
    """HTML pages in the site."""
    rendered: int = 0
    """Files rendered this time: the rest had unchanged inputs."""
    written: int = 0
    """Files written into the folder built, rendered or copied from the live site."""
    checked_files: int = 0
    """Content files read, for the summary line."""
    out: str = ""
    notes: tuple[str, ...] = ()
    """Warnings about the build itself (a damaged cache set aside), one line each."""
    failure: str = ""
    """Why the build stopped though the catalog is valid (a full disk); the live site
    is as it was."""

    @property
    def ok(self) -> bool:
        return not self.failure and not any(p.severity == "error" for p in self.problems)


class BuildFailed(Exception):
    """The output could not be written; the message says where and why."""


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
    state: BuildState | None = None,
    waiting: Callable[[str], None] | None = None,
) -> BuildResult:
    """Build ``content`` into ``out``; on any error return the problems and write nothing.

    ``state``, kept from one build to the next in one process, spares reading the
    cache; ``waiting`` hears when another build of ``out`` must finish first.
    """
    notes: list[str] = []
    live = Path(out)
    cache = Cache(Path(cache_dir) if cache_dir is not None else None, notes)
    try:
        with collector_paused(), output.locked(live, waiting):
            if state is None:
                state = BuildState(remember=cache.root is not None, again=False)
            # What the folder beside the live site holds is listed meanwhile.
            with Lister(str(output.next_folder(live)), workers > 1 and state.remember) as beside:
                return _build(
                    Path(content),
                    live,
                    config,
                    today,
                    cache,
                    workers,
                    search,
                    templates,
                    state,
                    beside,
                )
    except BuildFailed as exc:
        return BuildResult((), out=str(live), notes=tuple(notes), failure=str(exc))
    except OSError as exc:
        return BuildResult((), out=str(live), notes=tuple(notes), failure=_failure(exc, live))


def _failure(exc: OSError, live: Path) -> str:
    where = f" while writing {exc.filename}" if exc.filename else ""
    if exc.errno == errno.ENOSPC:
        return f"no space left on the device{where}; {live} is as it was"
    return f"{exc.strerror or exc}{where}; {live} is as it was"


def _build(
    content: Path,
    live: Path,
    config: SiteConfig,
    today: datetime.date,
    cache: Cache,
    workers: int,
    search: bool,
    templates: Path,
    state: BuildState,
    beside: Lister,
) -> BuildResult:
    checked, saved = reuse.check(content, today, cache, state, workers)
    complete = reuse.titles(checked, workers)
    if not checked.ok:
        checked = complete()
        return BuildResult(
            checked.problems, checked_files=checked.files, out=str(live), notes=tuple(cache.notes)
        )
    catalog = checked.catalog
    version = site_version(templates, reuse.CODE, config)
    try:
        changed = entrywise.changes(catalog.entries, state)
        summaries = reuse.summaries(catalog, cache, state, workers, changed)
        related = reuse.related(catalog, config.related_count, cache, state, workers, changed)
        try:
            views = entrywise.views(catalog, summaries, state, changed)
            rows = reuse.rows(
                catalog, summaries, views.keys, version, cache, state, workers, changed
            )
        finally:
            near = related()  # waited for however this ends, as the titles are
        planned = planning.plan(catalog, config, near, views.by_slug, rows, state)
        prints = page_prints(version, planned, views.stand_ins, state, workers)
        pages = planned.pages
        renderer = reuse.renderer(version, templates, config, cache, state)
        counts = _write(live, pages, prints, renderer, cache, state, workers, search, beside)
        reuse.keep_compiled(renderer[0])
    finally:
        # However the build ends, the memory's writing (which never raises) and the
        # titles are waited for: no process is left behind.
        saved()
        found = complete().problems
    problems = found if counts.problem is None else (*found, counts.problem)
    return BuildResult(
        problems,
        files=counts.files,
        pages=counts.pages,
        rendered=counts.rendered,
        written=counts.written,
        checked_files=checked.files,
        out=str(live),
        notes=tuple(cache.notes),
    )


@dataclass(frozen=True)
class _Counts:
    files: int
    pages: int
    rendered: int
    written: int
    problem: Problem | None = None
    """What the search index gave: an error means nothing was swapped."""


@dataclass(frozen=True)
class _Todo:
    """What becomes of each file of the folder being built."""

    kept: dict[str, Stamp]
    """Already there as they should be, with their stamps."""
    copied: list[Page]
    """Unchanged since the live site was built: copied from it, when it is intact."""
    rendered: list[Page]


def _write(
    live: Path,
    pages: Sequence[Page],
    prints: dict[str, str],
    renderer: tuple[Environment, Mapping[str, bytes]],
    cache: Cache,
    state: BuildState,
    workers: int,
    search: bool,
    beside: Lister,
) -> _Counts:
    """Bring the folder beside the live site up to the pages (with their fingerprints),
    rendered with ``renderer`` (see :func:`reuse.renderer`); then swap the two."""
    built = output.next_folder(live)
    live_id = folder_id(live)
    todo, found = _sort_out(live, built, pages, prints, cache, state, live_id, beside)
    built_id = folder_id(built)
    assert built_id is not None  # _sort_out made the folder
    forget_manifest(cache, state, built_id)
    # What no page makes goes first: a symlink or a file where a folder should be is
    # removed, never written through.
    places = output.folders_holding(prints)
    stale = (found.files.keys() - prints.keys()) | (set(found.folders) - places)
    output.remove_stale(built, sorted(stale))
    stamps = todo.kept
    environment, copied_files = renderer
    # The copies go first, to the other processes. This one takes pages from the back:
    # the exports (each as long as hundreds of pages) and the pages that share
    # entries' fragments, rendered once here.
    copies = {page.path for page in todo.copied}
    rows = share_out(
        functools.partial(_write_share, environment, copied_files, copies, built, live),
        [*todo.copied, *sorted(todo.rendered, key=_render_order)],
        workers,
        reuse.PARALLEL,
    )
    for path, stamp in rows:
        if isinstance(stamp, str):
            raise BuildFailed(stamp)
        stamps[path] = stamp
    problem = index_site(built) if search else None
    if problem is not None and problem.severity == "error":
        return _Counts(0, 0, 0, 0, problem)
    save_manifest(cache, state, built_id, Manifest(prints, stamps), live_id)
    output.swap(live, built)
    return _Counts(
        files=len(prints),
        pages=sum(1 for path in prints if path.endswith(".html")),
        rendered=len(todo.rendered),
        written=len(todo.copied) + len(todo.rendered),
        problem=problem,
    )


def _sort_out(
    live: Path,
    built: Path,
    pages: Sequence[Page],
    prints: dict[str, str],
    cache: Cache,
    state: BuildState,
    live_id: str | None,
    beside: Lister,
) -> tuple[_Todo, Survey]:
    """Which files are there already, which can be copied and which must be rendered;
    and what the folder being built holds, as found on disk."""
    # A symlink in the folder's place is not the folder, whatever it points to (the
    # live site, even): it is replaced, never written through.
    built_manifest = (
        NO_MANIFEST if built.is_symlink() else load_manifest(cache, state, folder_id(built))
    )
    if built_manifest.prints:
        found = Survey(*beside.result())
    else:
        # Nothing says what the folder holds (first build, no cache, an interrupted
        # build): it is emptied rather than trusted.
        output.fresh_folder(built)
        found = Survey({}, [])
    # Kept: on disk exactly as the manifest says (see output.stamp_of), and still right.
    # The others are found in C, comparing the mappings' items: 0.003 s at 10,000
    # entries, where looking at each page took 0.01 s.
    unsure = {path for path, _ in prints.items() - built_manifest.prints.items()}
    unsure.update(path for path, _ in found.files.items() ^ built_manifest.stamps.items())
    kept = dict(built_manifest.stamps)
    for path in unsure | (kept.keys() - prints.keys()):
        kept.pop(path, None)
    live_manifest = load_manifest(cache, state, live_id)
    todo = _Todo(kept, [], [])
    for page in pages:
        if page.path not in unsure:
            continue
        known = live_manifest.stamps.get(page.path)
        if (
            known is not None
            and live_manifest.prints.get(page.path) == prints[page.path]
            and _intact(live, page, known)
        ):
            todo.copied.append(page)
        else:
            todo.rendered.append(page)
    return todo, found


def _render_order(page: Page) -> tuple[bool, bool]:
    """Entry pages, which stand alone, first; the exports last."""
    return page.template in EXPORTS, page.template != "entry.html"


def _intact(live: Path, page: Page, known: Stamp) -> bool:
    """Whether the live site's file is still as its build left it, stamped ``known``."""
    try:
        info = (live / page.path).lstat()
    except OSError:
        return False
    return stat.S_ISREG(info.st_mode) and output.stamp_of(info) == known


def _write_share(
    environment: Environment,
    copied_files: Mapping[str, bytes],
    copies: Collection[str],
    tree: Path,
    live: Path,
    pages: list[Page],
) -> list[tuple[str, Stamp | str]]:
    """Write some pages (in any process): those in ``copies`` copied from the live site,
    the rest rendered. A failure to read or write is a value."""
    rows: list[tuple[str, Stamp | str]] = []
    for page in pages:
        data = None if page.path in copies else render_page(environment, page, copied_files)
        try:
            if data is None:
                stamp = output.copy_file(live, tree, page.path)
            else:
                stamp = output.write_file(tree, page.path, data)
        except OSError as exc:
            return [(page.path, _failure(exc, live))]
        rows.append((page.path, stamp))
    return rows
