"""Each entry's view and summary key, kept while the entry is the very same object, and
what each view is made from, as one digest.

Unchanged entry files give the same entry objects from one check to the next (the
checker's memory keeps them), so in ``serve`` what was made for an entry at the
last save is found by the entry's identity, without hashing or comparing it. A
new process has no such objects; there, what each view is made from (the
entry's source, see :meth:`~readinglist.build.memory.CheckMemory.sources`, and
its rendered summary) stands for it in page fingerprints and keys its lines in
the exports (see :func:`readinglist.build.reuse.rows`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

from readinglist.build.state import BuildState
from readinglist.catalog.model import Catalog, Entry
from readinglist.site.render import body_key
from readinglist.site.views import EntryView, Terms, shared_dates, view_of

Kept = dict[int, tuple[Entry, object, Any]]
"""What was made for each entry, by the entry's ``id``: the entry itself (which keeps
the ``id`` from being used again), what else it was made from, and what was made."""


def made_before(known: Kept, entry: Entry, inputs: object) -> Any | None:
    """What the last build made for this very entry from equal other inputs, if anything.

    Unchanged entry files give the same entry objects from one check to the next
    (the checker's memory keeps them), so no entry need be hashed or compared: that
    cost 0.06 s of a save at 10,000 entries. An entry that is another object is made
    again, which costs about as much as comparing it would.
    """
    last = known.get(id(entry))
    if last is None or last[0] is not entry:
        return None
    return last[2] if last[1] is inputs or last[1] == inputs else None


def views(
    catalog: Catalog, each: Sequence[str], texts: Sequence[str], state: BuildState
) -> tuple[dict[str, EntryView], dict[str, bytes]]:
    """Every entry's view, and what each view is made from as a digest, by slug.

    ``each`` and ``texts`` (every entry's summary as HTML and as plain text) are what
    :func:`readinglist.build.reuse.summaries` gives.
    A view is made by :func:`view_of` from an entry, its rendered summary and the
    vocabulary's terms alone. So the digest of the entry's source and its rendered
    summary (:func:`made_from`) stands for the view wherever a page shows it: the
    page fingerprints of a new process then digest no view (0.13 s of each of two
    processes at 10,000 entries). In ``serve``, the last build's view for the
    same entry, summary and terms is this build's, the very same object: a save
    makes again only the views of the entries it changed (10,000 views take 0.1 s).
    """
    terms = Terms.of(catalog)
    known: Kept = state.views if state.again and state.terms == terms else {}
    made: Kept = {}
    shown = shared_dates()
    views: dict[str, EntryView] = {}
    keys: dict[str, bytes] = {}
    fresh: list[tuple[Entry, tuple[str, str]]] = []
    for entry, summary in zip(catalog.entries, zip(each, texts, strict=True), strict=True):
        kept = made_before(known, entry, summary)
        if kept is None:
            fresh.append((entry, summary))
            views[entry.slug] = view_of(entry, terms, summary[0], shown, summary[1])
            continue
        made[id(entry)] = (entry, summary, kept)
        views[entry.slug], key = kept
        if key:
            keys[entry.slug] = key
    sources = state.checks.sources(e for e, _ in fresh) if state.checks is not None else {}
    for entry, summary in fresh:
        source = sources.get(id(entry))
        key = made_from(source, *summary) if source is not None else b""
        made[id(entry)] = (entry, summary, (views[entry.slug], key))
        if key:
            keys[entry.slug] = key
    if state.again:
        state.terms, state.views = terms, made
    return views, keys


def made_from(source: bytes, body: str, text: str) -> bytes:
    """The digest of an entry's source and its summary rendered, as HTML and as plain
    text: what its view and its lines in the exports are made from, the vocabulary
    included."""
    html = body.encode()
    return hashlib.sha256(b"%b%d:%b%b" % (source, len(html), html, text.encode())).digest()[:16]


def body_keys(entries: Sequence[Entry], state: BuildState) -> list[str]:
    """Each entry's body key, empty for no summary: in ``serve``, kept for an entry that
    is the same object as at the last save, which spares hashing 10,000 summaries
    (0.015 s of a save)."""
    if not state.again:
        return [body_key(e.summary) if e.summary else "" for e in entries]
    known = state.body_keys
    made: Kept = {}
    keys: list[str] = []
    for entry in entries:
        key = made_before(known, entry, None)
        if key is None:
            key = body_key(entry.summary) if entry.summary else ""
        made[id(entry)] = (entry, None, key)
        keys.append(key)
    state.body_keys = made
    return keys
