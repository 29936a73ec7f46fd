"""What a build makes for each entry, patched for the entries a save changed: the
summary keys and the views, and what each view is made from, as one digest.

Unchanged entry files give the same entry objects from one check to the next (the
checker's memory keeps them), so the entries of a save that are new objects are
the ones it changed, added or renamed (:class:`Changes`). The steps after the
check then patch what they made at the last build for those alone: going
through all 10,000 entries cost each of them 0.01 to 0.02 s of a save. A new
process has no such objects; there, what each view is made from (the entry's
source, see :meth:`~readinglist.build.memory.CheckMemory.sources`, and its
rendered summary) stands for it in page fingerprints and keys its lines in the
exports (see :func:`readinglist.build.reuse.rows`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from readinglist.build.state import BuildState
from readinglist.catalog.model import Catalog, Entry
from readinglist.site.render import body_key
from readinglist.site.views import EntryView, Terms, shared_dates, view_of

_NO_SUMMARY = ("", "")


@dataclass(frozen=True)
class Changes:
    """This build's entries against the last build's in this process."""

    since: tuple[Entry, ...]
    """The last build's entries, which a step's kept work must have been made for."""
    new: tuple[tuple[int, Entry], ...]
    """This build's entries that are not among those, each with its position."""
    gone: tuple[Entry, ...]
    """Those of the last build's entries that are not among this build's."""

    def patch(self, since: object) -> bool:
        """Whether work made for the entries ``since`` can be patched to this build's."""
        return since is self.since

    def in_place(self, alike: Callable[[Entry, Entry], bool]) -> bool:
        """Whether each new entry took the place of a gone one it is ``alike``: every other
        entry is then where it was, since the catalog's order is one order of all."""
        if len(self.new) != len(self.gone):
            return False
        gone = set(map(id, self.gone))
        return all(
            id(self.since[at]) in gone and alike(self.since[at], entry) for at, entry in self.new
        )


def changes(entries: tuple[Entry, ...], state: BuildState) -> Changes | None:
    """Which entries are new objects since the last build in this process, and which are
    gone; None where there was none, or where no build will follow this one.

    Both sets of entries are alive, so no two of them share an ``id``: comparing
    identities in C takes 2 ms at 10,000 entries.
    """
    if not state.again:
        return None
    last, state.entries = state.entries, entries
    if last is None:
        return None
    before, now = set(map(id, last)), set(map(id, entries))
    return Changes(
        last,
        tuple((at, entry) for at, entry in enumerate(entries) if id(entry) not in before),
        tuple(entry for entry in last if id(entry) not in now),
    )


@dataclass(frozen=True)
class Summaries:
    """Every entry's summary rendered, by the entry's position in the catalog."""

    keys: Sequence[str]
    """Each entry's body key, empty for no summary."""
    rendered: Mapping[str, tuple[str, str]]
    """The summaries as HTML and as plain text, by body key."""
    version: str = ""
    """The renderer's version: another renders every summary afresh."""

    def of(self, position: int) -> tuple[str, str]:
        """The summary of the entry at ``position``, as HTML and as plain text."""
        key = self.keys[position]
        return self.rendered[key] if key else _NO_SUMMARY


def body_keys(entries: tuple[Entry, ...], state: BuildState, changed: Changes | None) -> list[str]:
    """Each entry's body key, empty for no summary: in ``serve``, worked out for the
    entries a save changed alone, which spares hashing 10,000 summaries (0.015 s)."""
    if not state.again:
        return [body_key(e.summary) if e.summary else "" for e in entries]
    last = state.body_keys
    if changed is not None and last is not None and changed.patch(last[0]):
        known = dict(last[1])
        for entry in changed.gone:
            del known[id(entry)]
        fresh = [entry for _, entry in changed.new]
    else:
        known, fresh = {}, list(entries)
    for entry in fresh:
        known[id(entry)] = body_key(entry.summary) if entry.summary else ""
    # The entries tuple, kept with them, keeps every id in ``known`` from another object.
    state.body_keys = (entries, known)
    return list(map(known.__getitem__, map(id, entries)))


@dataclass(frozen=True)
class Views:
    """Every entry's view, and what each is made from, as :func:`views` gives them."""

    by_slug: dict[str, EntryView]
    keys: dict[str, bytes]
    """By slug, the digest of what each view is made from (:func:`made_from`), for the
    entries whose source is known."""
    stand_ins: dict[int, bytes]
    """The same digests by the view's ``id``: what a page fingerprint digests for it."""


def views(
    catalog: Catalog, summaries: Summaries, state: BuildState, changed: Changes | None
) -> Views:
    """Every entry's view, and what each view is made from as a digest.

    A view is made by :func:`view_of` from an entry, its rendered summary and the
    vocabulary's terms alone. So the digest of the entry's source and its rendered
    summary (:func:`made_from`) stands for the view wherever a page shows it: the
    page fingerprints of a new process then digest no view (0.13 s of each of two
    processes at 10,000 entries). In ``serve``, the last build's views, for the same
    terms and summaries' renderer, are patched: a save makes again only the views of
    the entries it changed (10,000 views take 0.1 s), and keeps the others, the very
    same objects.
    """
    terms = Terms.of(catalog)
    last = state.views
    made: Views
    if (
        changed is not None
        and last is not None
        and changed.patch(last[0])
        and last[1] == (terms, summaries.version)
    ):
        had: Views = last[2]
        made = Views(dict(had.by_slug), dict(had.keys), dict(had.stand_ins))
        for entry in changed.gone:
            # The view, still alive in the last ones, keeps its id from another object.
            made.stand_ins.pop(id(made.by_slug.pop(entry.slug)), None)
            made.keys.pop(entry.slug, None)
        fresh: Sequence[tuple[int, Entry]] = changed.new
    else:
        made, fresh = Views({}, {}, {}), tuple(enumerate(catalog.entries))
    shown = shared_dates()
    for position, entry in fresh:
        html, text = summaries.of(position)
        made.by_slug[entry.slug] = view_of(entry, terms, html, shown, text)
    sources = state.checks.sources(e for _, e in fresh) if state.checks is not None else {}
    for position, entry in fresh:
        source = sources.get(id(entry))
        if source is not None:
            key = made.keys[entry.slug] = made_from(source, *summaries.of(position))
            made.stand_ins[id(made.by_slug[entry.slug])] = key
    if state.again:
        state.views = (catalog.entries, (terms, summaries.version), made)
    return made


def made_from(source: bytes, body: str, text: str) -> bytes:
    """The digest of an entry's source and its summary rendered, as HTML and as plain
    text: what its view and its lines in the exports are made from, the vocabulary
    included."""
    html = body.encode()
    return hashlib.sha256(b"%b%d:%b%b" % (source, len(html), html, text.encode())).digest()[:16]
