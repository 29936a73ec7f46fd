"""Working out less: what a build can take from the last one instead of doing again.

Each function here is one step of :mod:`readinglist.build.pipeline`, with what it
keeps in a :class:`BuildState` (and the cache folder) and what that gains: the
checker's memory (only edited entry files are opened and checked), rendered
summaries (Markdown is most of a cold build's rendering), related entries,
each entry's export lines (by what they are made from, in memory and in the
cache) and the compiled templates. The entries' views are kept in
:mod:`readinglist.build.entrywise`, the plan section by section in
:mod:`readinglist.build.planning`, and the page fingerprints in
:mod:`readinglist.build.prints`. Some steps hand work to another process
and give a function that waits for it: the near-duplicate titles and the
related entries of a cold build, and the writing of the checker's memory.
"""

from __future__ import annotations

import datetime
import hashlib
import itertools
from collections.abc import Callable, Collection, Mapping, Sequence
from pathlib import Path
from typing import Any

from jinja2 import Environment

from readinglist.build.checking import CheckMemory, check_folder
from readinglist.build.compiled import CompiledTemplates
from readinglist.build.entrywise import Changes, Summaries, body_keys
from readinglist.build.state import BuildState, Cache
from readinglist.build.workers import Forked, ForkFailed, spread
from readinglist.catalog.check import Checked, near_duplicate_titles, titles_checked
from readinglist.catalog.model import Catalog, Company, Entry
from readinglist.config import SiteConfig
from readinglist.site.exports import EntryRows, entry_rows
from readinglist.site.markup import plain_text, renderer_version
from readinglist.site.related import related_inputs, related_of
from readinglist.site.render import make_environment, read_copied_files, render_bodies

CODE = Path(__file__).resolve().parent.parent
"""The generator's own code."""
PARALLEL = 200
"""Fewer pages or summaries than this are worked on in one process: forking costs more."""
MEMORY_REWRITTEN_SHARE = 100
"""A new process writes the checker's memory back when its check opened one file in this
many or more: at 10,000 entries, the next process opens fewer than 100 again in less
time than writing the memory takes."""


def check(
    content: Path, today: datetime.date, cache: Cache, state: BuildState, workers: int
) -> tuple[Checked, Callable[[], None]]:
    """The catalog and its problems; only entry files not seen before are parsed and checked.

    Also a function that waits until the checker's memory is written for the next
    process, which another process does meanwhile for a large catalog: writing
    it (12 MB at 10,000 entries) took a new process's rebuild 0.1 s.

    A build nothing will look at again keeps no memory: making one (hashing every
    file, indexing every title) would cost a cold build at 10,000 entries 0.3 s.
    """
    if not state.remember:
        # Near-duplicate titles are then looked for beside other work: see titles().
        return check_folder(content, today, workers=workers, titles=workers <= 1), _nothing
    stored = cache.root / "checks.pickle" if cache.root is not None else None
    first = state.checks is None
    if state.checks is None:
        state.checks = CheckMemory.load(stored) if stored is not None else CheckMemory()
    loaded = bool(state.checks.files)
    checked = check_folder(content, today, memory=state.checks, workers=workers)
    memory = state.checks
    # Saved by the first build of a process only: serve's later rebuilds keep the
    # memory in hand, and writing it after every save would cost them 0.08 s. Nor is
    # a loaded memory saved again when it spared opening all but a few files: the
    # next process opens those few again, where writing 12 MB took the other core 0.1 s.
    few = loaded and memory.opened * MEMORY_REWRITTEN_SHARE < checked.files
    if not first or stored is None or not checked.ok or few:
        return checked, _nothing
    if workers > 1 and checked.files >= PARALLEL:
        helper = Forked(_saved, memory, stored)
        return checked, lambda: _noted(_finished(helper), stored, cache)
    return checked, lambda: _noted(_saved(memory, stored), stored, cache)


def _nothing() -> None:
    """Nothing to wait for."""


def _finished(helper: Forked[bool]) -> bool:
    try:
        return helper.result()
    except ForkFailed:
        return False


def _noted(saved: bool, stored: Path, cache: Cache) -> None:
    if not saved:
        cache.note(f"the cache file {stored} cannot be written; not kept")


def titles(checked: Checked, workers: int) -> Callable[[], Checked]:
    """``checked`` with its near-duplicate titles, as a function that gives it.

    When the check left them for later, they are looked for in another process
    while this one renders summaries, makes views and plans the site: 0.13 s of a
    cold build at 10,000 entries on two cores. They give warnings only, so
    nothing waits for them but the report.
    """
    lines = checked.title_lines
    if lines is None:
        return lambda: checked
    entries = checked.catalog.entries
    if workers <= 1 or len(entries) < PARALLEL:
        return lambda: titles_checked(checked, near_duplicate_titles(entries, lines))
    helper = Forked(near_duplicate_titles, entries, lines)
    return lambda: titles_checked(checked, helper.result())


def _saved(memory: CheckMemory, path: Path) -> bool:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError:
        return False
    return memory.save(path)


def _summaries_version() -> str:
    """Rendered summaries are valid for one version of the renderer and its allow-list."""
    source = (CODE / "site" / "markup.py").read_bytes()
    return hashlib.sha256(source + renderer_version().encode()).hexdigest()[:32]


def _render_summaries(texts: list[str]) -> list[tuple[str, tuple[str, str]]]:
    """Some summaries as HTML and as the plain text views describe entries by (in any
    process), by body key: taking the tags out in the processes that render them
    spares the one that makes the views 0.04 s at 10,000 entries."""
    return [(key, (html, plain_text(html))) for key, html in render_bodies(texts).items()]


def _stored_summaries(cache: Cache, version: str) -> dict[str, tuple[str, str]]:
    stored = cache.read("summaries.marshal")
    if isinstance(stored, tuple) and len(stored) == 2 and stored[0] == version:
        kept = stored[1]
        if isinstance(kept, dict) and _pairs_of_text(kept.values()):
            return kept
    return {}


def summaries(
    catalog: Catalog, cache: Cache, state: BuildState, workers: int, changed: Changes | None
) -> Summaries:
    """Every entry's summary as HTML and as plain text: rendered once, then kept by body
    key, so the steps after this one need not work out any key again (0.02 s of a save
    at 10,000 entries)."""
    version = _summaries_version()
    if state.summaries_version != version:
        state.summaries = _stored_summaries(cache, version)
        state.summaries_version = version
    known = state.summaries
    entries = catalog.entries
    keys = body_keys(entries, state, changed)
    missing = {k: e.summary for k, e in zip(keys, entries, strict=True) if k and k not in known}
    if missing:
        known.update(spread(_render_summaries, sorted(missing.values()), workers, PARALLEL))
    used = dict.fromkeys(keys)
    used.pop("", None)
    if missing or len(known) != len(used):
        # Summaries no entry has any more are let go, so the cache never outgrows the list.
        state.summaries = {key: known[key] for key in used}
        cache.write("summaries.marshal", (version, state.summaries))
    return Summaries(keys, state.summaries, version)


def related(
    catalog: Catalog,
    count: int,
    cache: Cache,
    state: BuildState,
    workers: int,
    changed: Changes | None,
) -> Callable[[], dict[str, tuple[str, ...]]]:
    """Each entry's related entries, as a function that gives them: worked out again
    only when what they are worked out from (:func:`related_inputs`) changed.

    For a large catalog they are worked out in another process while this one
    makes the entries' views: 0.1 s of a cold build at 10,000 entries.
    """
    # As in serve after a save that moved no entry and changed no slug or tags, what
    # they are worked out from is the same, known in no time; else it is compared,
    # mostly by identity, in about 5 ms, where the key below takes 15 ms at 10,000.
    in_place = (
        state.related is not None
        and changed is not None
        and changed.patch(state.related_since)
        and state.related_from[0] == count
        and changed.in_place(_alike_for_related)
    )
    entries = () if in_place else related_inputs(catalog)
    inputs = (count, entries)
    if state.related is not None and (in_place or state.related_from == inputs):
        kept = state.related[1]
        state.related_since = catalog.entries
        return lambda: kept
    key = hashlib.sha256(repr(inputs).encode()).hexdigest()
    if state.related is None:
        stored = cache.read("related.marshal")
        if isinstance(stored, tuple) and len(stored) == 2 and isinstance(stored[1], dict):
            state.related = stored
    if state.related is not None and state.related[0] == key:
        known = state.related[1]
        state.related_from, state.related_since = inputs, catalog.entries
        return lambda: known
    big = workers > 1 and len(entries) >= PARALLEL
    helper = Forked(related_of, entries, count) if big else None

    def found() -> dict[str, tuple[str, ...]]:
        related = helper.result() if helper is not None else related_of(entries, count)
        state.related, state.related_from = (key, related), inputs
        state.related_since = catalog.entries
        cache.write("related.marshal", state.related)
        return related

    return found


def _alike_for_related(entry: Entry, other: Entry) -> bool:
    """Whether two entries in one place give :func:`related_inputs` alike."""
    return entry.slug == other.slug and entry.tags == other.tags


def rows(
    catalog: Catalog,
    summaries: Summaries,
    keys: Mapping[str, bytes],
    version: str,
    cache: Cache,
    state: BuildState,
    workers: int,
    changed: Changes | None,
) -> dict[str, EntryRows] | None:
    """Every entry's lines in the exports, by slug: kept by what each is made from
    (``keys``, as :func:`readinglist.build.entrywise.views` gives them), in memory
    from one build to the next in a process, and in the cache for the next process.

    Each entry's lines are made by :func:`entry_rows` from the entry, its company
    and its summary rendered, which its key covers. ``catalog.json`` and
    ``list.md`` list every entry, so without this every build at 10,000 entries
    would make 20,000 lines again (0.2 s of a new process, 0.3 s of a save in
    ``serve``) to change one or two. In ``serve`` the last build's lines are
    patched for the entries a save changed. The cache is written when many lines
    had to be made or are no longer used. Many new lines are made in the worker
    processes. A build nothing will look at again gets None: its exports make
    their lines as they are rendered, in whichever process renders them.
    """
    if not state.remember:
        return None
    first = state.rows_version != version  # in this process, for this version
    known = _stored_rows(cache, version) if first else state.rows
    lines, kept, fresh = _rows_to_find(catalog, known, version, state, changed)
    missing: list[tuple[int, Entry]] = []
    for position, entry in fresh:
        key = keys.get(entry.slug)
        found = known.get(key) if key is not None else None
        if found is None or key is None:
            missing.append((position, entry))
        else:
            lines[entry.slug] = kept[key] = found
    companies = catalog.companies
    made = [(e, (companies.get(e.company or ""), summaries.of(at)[0])) for at, e in missing]
    for position, made_lines in spread(_entry_rows, list(enumerate(made)), workers, PARALLEL):
        slug = missing[position][1].slug
        lines[slug] = made_lines
        if slug in keys:
            kept[keys[slug]] = made_lines
    # Written back only when many lines were made or are no longer used: a few lines
    # made again by each new process cost less than writing them all (0.04 s).
    stale = len(known) - (len(catalog.entries) - len(missing))
    if first and (not known or len(missing) >= PARALLEL or stale >= PARALLEL):
        cache.write("rows.marshal", (version, {k: (r.json, r.markdown) for k, r in kept.items()}))
    state.rows, state.rows_version = kept, version
    if state.again:
        state.rows_lines = (catalog.entries, version, lines, keys)
    return lines


def _rows_to_find(
    catalog: Catalog,
    known: dict[bytes, EntryRows],
    version: str,
    state: BuildState,
    changed: Changes | None,
) -> tuple[dict[str, EntryRows], dict[bytes, EntryRows], Sequence[tuple[int, Entry]]]:
    """The lines by slug to start from, those of them by key, and the entries (with their
    positions) whose lines are to be found: in ``serve``, the last build's without the
    entries gone, and the entries new; else none, and every entry."""
    last = state.rows_lines
    if changed is None or last is None or not changed.patch(last[0]) or last[1] != version:
        return {}, {}, tuple(enumerate(catalog.entries))
    lines, kept = dict(last[2]), dict(known)
    for entry in changed.gone:
        del lines[entry.slug]
        kept.pop(last[3].get(entry.slug), None)
    return lines, kept, changed.new


def _stored_rows(cache: Cache, version: str) -> dict[bytes, EntryRows]:
    """The entries' lines another process kept, by what each is made from: worth the
    reading, as 14 MB of them at 10,000 entries are read in 0.02 s."""
    stored = cache.read("rows.marshal")
    if isinstance(stored, tuple) and len(stored) == 2 and stored[0] == version:
        kept = stored[1]
        if isinstance(kept, dict) and _pairs_of_text(kept.values()):
            return {key: EntryRows(*texts) for key, texts in kept.items()}
    return {}


def _entry_rows(
    missing: list[tuple[int, tuple[Entry, tuple[Company | None, str]]]],
) -> list[tuple[int, EntryRows]]:
    """Some entries' lines (in any process), each by its position among them."""
    return [(at, entry_rows(entry, *inputs)) for at, (entry, inputs) in missing]


def _pairs_of_text(values: Collection[Any]) -> bool:
    """Whether every value is two strings, asked in C: one by one, 0.01 s at 10,000."""
    return (
        set(map(type, values)) <= {tuple}
        and set(map(len, values)) <= {2}
        and set(map(type, itertools.chain.from_iterable(values))) <= {str}
    )


def renderer(
    version: str, templates: Path, config: SiteConfig, cache: Cache, state: BuildState
) -> tuple[Environment, dict[str, bytes]]:
    """The Jinja environment and the copied files, kept from the last build in this
    process while the site's version (templates, code, settings) is the same.

    ``serve`` then compiles its templates once, not after every save (0.05 s of a
    save), and the environment's fragments of unchanged entries stay rendered. A
    new process finds its templates compiled in the cache (see
    :mod:`readinglist.build.compiled`).
    """
    kept = state.renderer
    if kept is None or kept[0] != version:
        environment = make_environment(templates, config)
        environment.bytecode_cache = CompiledTemplates(cache, version)
        kept = (version, environment, read_copied_files(templates))
        if state.again:
            state.renderer = kept
    else:
        # A template compiled by this build is kept for the next process with this
        # build's cache, so that a failure to write it is one of this build's notes.
        kept[1].bytecode_cache.cache = cache
    return kept[1], kept[2]


def keep_compiled(environment: Environment) -> None:
    """Keep the templates this build compiled for the next process (see
    :mod:`readinglist.build.compiled`)."""
    templates = environment.bytecode_cache
    if isinstance(templates, CompiledTemplates):
        templates.save()
