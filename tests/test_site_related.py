"""Related entries: the others sharing the most tags, newest first among equals."""

from __future__ import annotations

import dataclasses
import datetime
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from readinglist.catalog.model import Catalog, Entry, PublicationDate, Tag
from readinglist.site.related import related_entries, related_inputs, related_of

FIXTURE = Path(__file__).parent / "fixtures" / "content"
TODAY = datetime.date(2026, 11, 24)


def test_related_entries_share_the_most_tags(catalog: Catalog) -> None:
    related = related_entries(catalog, 5)
    # scaling-ml-productivity-linkedin shares mlops and feature-store with michelangelo,
    # more than anything else shares with it.
    assert related["michelangelo"][0] == "scaling-ml-productivity-linkedin"
    assert "michelangelo" not in related["michelangelo"]
    # Among entries sharing one tag, the newest comes first.
    assert related["uber-realtime-thread"] == ("real-time-ml-challenges",)


def test_related_entries_are_worked_out_from_slugs_and_tags_alone(catalog: Catalog) -> None:
    inputs = related_inputs(catalog)
    assert inputs[0] == (catalog.entries[0].slug, catalog.entries[0].tags)
    assert related_of(inputs, 3) == related_entries(catalog, 3)
    retitled = [dataclasses.replace(e, title=e.title + "!", summary="") for e in catalog.entries]
    changed = Catalog.build(retitled, catalog.tags, catalog.companies)
    assert related_inputs(changed) == inputs


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(min_value=0, max_value=40),
            st.lists(st.sampled_from("abcdef"), min_size=1, max_size=5, unique=True),
        ),
        max_size=25,
    ),
    st.integers(min_value=0, max_value=6),
)
def test_related_entries_are_those_sharing_the_most_tags(
    drawn: list[tuple[int, list[str]]], count: int
) -> None:
    entries = [
        Entry(
            f"e{i}",
            f"E{i}",
            f"https://e{i}.test/",
            PublicationDate.of_day(TODAY - datetime.timedelta(days)),
            tuple(tags),
        )
        for i, (days, tags) in enumerate(drawn)
    ]
    catalog = Catalog.build(entries, {t: Tag(t, t, t) for t in "abcdef"}, {})
    order = {e.slug: n for n, e in enumerate(catalog.entries)}

    def expected(entry: Entry) -> tuple[str, ...]:
        shared = {o.slug: len(set(o.tags) & set(entry.tags)) for o in catalog.entries}
        others = [slug for slug, n in shared.items() if n and slug != entry.slug]
        return tuple(sorted(others, key=lambda slug: (-shared[slug], order[slug]))[:count])

    assert related_entries(catalog, count) == {e.slug: expected(e) for e in catalog.entries}
