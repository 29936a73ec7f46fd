"""Related entries: for each entry, the others sharing the most tags with it, newest first."""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Sequence

from readinglist.catalog.model import Catalog

RelatedInputs = tuple[tuple[str, tuple[str, ...]], ...]
"""Each entry's slug and tags, newest first: all that related entries are worked out from."""


def related_inputs(catalog: Catalog) -> RelatedInputs:
    """What :func:`related_entries` reads of a catalog; equal inputs, equal answers."""
    return tuple([(e.slug, e.tags) for e in catalog.entries])


def related_entries(catalog: Catalog, count: int) -> dict[str, tuple[str, ...]]:
    """For each entry, up to ``count`` others sharing the most tags, newest first among equals."""
    return related_of(related_inputs(catalog), count)


def related_of(inputs: RelatedInputs, count: int) -> dict[str, tuple[str, ...]]:
    """:func:`related_entries` of the catalog whose :func:`related_inputs` these are.

    Entries are numbered newest first. The others sharing ``s`` or more of an entry's
    tags are those in the intersection of some ``s`` of its tag groups; those sharing
    more were all taken before ``s`` is reached, or the entry has its ``count``. So each
    level merges the intersections of ``s`` of its tags, each computed once and kept in
    order (popular tag combinations recur), and takes the newest not taken yet: a few
    steps per entry, however many entries share a popular pair of tags.
    """
    members: dict[str, list[int]] = {}
    for number, (_, tags) in enumerate(inputs):
        for tag in tags:
            members.setdefault(tag, []).append(number)
    groups: dict[tuple[str, ...], frozenset[int]] = {
        (t,): frozenset(ids) for t, ids in members.items()
    }
    ordered: dict[tuple[str, ...], Sequence[int]] = {(t,): ids for t, ids in members.items()}

    def together(tags: tuple[str, ...]) -> frozenset[int]:
        found = groups.get(tags)
        if found is None:
            found = groups[tags] = together(tags[:-1]) & groups[tags[-1:]]
        return found

    def in_order(tags: tuple[str, ...]) -> Sequence[int]:
        found = ordered.get(tags)
        if found is None:
            found = ordered[tags] = sorted(together(tags))
        return found

    related: dict[str, tuple[str, ...]] = {}
    for i, (slug, entry_tags) in enumerate(inputs):
        tags = tuple(sorted(entry_tags))
        chosen: list[int] = []
        taken = {i}
        for shared in range(len(tags) if count > 0 else 0, 0, -1):
            for n in heapq.merge(*map(in_order, itertools.combinations(tags, shared))):
                if n not in taken:
                    taken.add(n)
                    chosen.append(n)
                    if len(chosen) == count:
                        break
            if len(chosen) == count:
                break
        related[slug] = tuple(inputs[n][0] for n in chosen)
    return related
