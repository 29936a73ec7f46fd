"""The catalog's one order; a catalog updated by a few entries, and the checks across
entries made again from the last ones, equal to those made afresh."""

from __future__ import annotations

import dataclasses
import datetime
from typing import Any
from unittest import mock

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from readinglist.catalog import check
from readinglist.catalog.check import Across, check_across, check_across_again
from readinglist.catalog.fields import FileCheck
from readinglist.catalog.model import Catalog, Company, Entry, PublicationDate, Tag
from readinglist.catalog.order import newest_first
from readinglist.catalog.vocabulary import Vocabulary
from readinglist.problems import Problem

TAGS = {ident: Tag(ident, ident.upper(), f"About {ident}.") for ident in ("a", "b", "c", "d")}
COMPANIES = {ident: Company(ident, ident.upper()) for ident in ("x", "y")}
SLUGS = [f"s{number:02d}" for number in range(24)]
EXAMPLES = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Few distinct dates and days, so that ties (the same date, a year against a day in
# it, the same day added) are common.
dates = st.none() | st.builds(
    PublicationDate,
    st.sampled_from([2019, 2020]),
    st.none() | st.sampled_from([1, 6]),
).flatmap(
    lambda date: (
        st.just(date)
        if date is None or date.month is None
        else st.sampled_from([date, PublicationDate(date.year, date.month, 3)])
    )
)
days_added = st.none() | st.sampled_from(
    [datetime.date(2024, 1, 1), datetime.date(2024, 1, 2), datetime.date(2025, 5, 5)]
)


def entry_with(slug: str) -> st.SearchStrategy[Entry]:
    return st.builds(
        Entry,
        slug=st.just(slug),
        title=st.just(f"Title {slug}"),
        url=st.just(f"https://{slug}.test/"),
        date=dates,
        tags=st.lists(st.sampled_from(sorted(TAGS)), min_size=1, max_size=3, unique=True).map(
            tuple
        ),
        company=st.none() | st.sampled_from(sorted(COMPANIES)),
        kind=st.sampled_from(["article", "paper", "video"]),
        added=days_added,
        path=st.just(f"{slug}.md"),
    )


def entries_with(slugs: list[str]) -> st.SearchStrategy[list[Entry]]:
    return st.tuples(*(entry_with(slug) for slug in slugs)).map(list)


def shape(catalog: Catalog) -> tuple[Any, ...]:
    """Everything a catalog holds, its mappings' orders included."""
    return (
        catalog.entries,
        list(catalog.tags.items()),
        list(catalog.companies.items()),
        list(catalog.by_tag.items()),
        list(catalog.by_company.items()),
        list(catalog.by_year.items()),
        catalog.undated,
        list(catalog.by_kind.items()),
        catalog.by_slug,
        catalog.added,
    )


@EXAMPLES
@given(st.data())
def test_a_catalog_updated_equals_the_catalog_built_afresh(data: st.DataObject) -> None:
    slugs = data.draw(st.lists(st.sampled_from(SLUGS), unique=True, max_size=14))
    catalog = Catalog.build(data.draw(entries_with(slugs)), TAGS, COMPANIES)
    gone = data.draw(st.lists(st.sampled_from(catalog.entries), unique_by=id)) if slugs else []
    left = [entry for entry in catalog.entries if all(entry is not g for g in gone)]
    free = sorted(set(SLUGS) - {entry.slug for entry in left})
    new = data.draw(entries_with(data.draw(st.lists(st.sampled_from(free), unique=True))))
    updated = catalog.updated(gone, new)
    assert shape(updated) == shape(Catalog.build([*left, *new], TAGS, COMPANIES))


@EXAMPLES
@given(st.data())
def test_newest_first_gives_one_order_whatever_the_order_given(data: st.DataObject) -> None:
    entries = data.draw(entries_with(data.draw(st.lists(st.sampled_from(SLUGS), unique=True))))
    shuffled = data.draw(st.permutations(entries))
    assert newest_first(shuffled) == newest_first(entries)


VOCABULARY = Vocabulary.of(TAGS, COMPANIES)


def file_check_with(path: str) -> st.SearchStrategy[FileCheck]:
    """A file's check: its entry or errors, a URL key of few, its tags and title line."""
    slug = path.removesuffix(".md")
    return st.builds(
        lambda entry, valid, key, line: FileCheck(
            path,
            dataclasses.replace(entry, url=f"https://{key}.test/") if valid else None,
            () if valid else (Problem(path, 1, "title", "is missing"),),
            key if valid or key == "k0" else None,
            entry.tags,
            line,
            line + 1,
        ),
        entry_with(slug),
        st.booleans() | st.just(True),
        st.sampled_from(["k0", "k1", "k2", "k3"]),
        st.integers(1, 3),
    )


def checks_of(paths: list[str]) -> st.SearchStrategy[list[FileCheck]]:
    return st.tuples(*(file_check_with(path) for path in sorted(paths))).map(list)


def found(across: Across) -> tuple[Any, ...]:
    return (
        shape(across.catalog),
        sorted(across.problems),
        dict(across.title_lines),
        tuple(across.checks),
    )


@EXAMPLES
@given(st.data())
def test_the_checks_across_entries_again_equal_them_made_afresh(data: st.DataObject) -> None:
    names = [f"{slug}.md" for slug in SLUGS[:12]]
    paths = data.draw(st.lists(st.sampled_from(names), unique=True, max_size=12))
    last = check_across(VOCABULARY, data.draw(checks_of(paths)))
    # Some files removed, some added, some checked again: the rest are the very same checks.
    kept = data.draw(st.lists(st.sampled_from(last.checks), unique_by=id)) if paths else []
    rechecked = data.draw(st.lists(st.sampled_from(names), unique=True))
    others = {check.path for check in kept}
    fresh = data.draw(checks_of([path for path in rechecked if path not in others]))
    checks = sorted([*kept, *fresh], key=lambda check: check.path)
    with mock.patch.object(check, "AFRESH", 0):  # never afresh, however many changed
        again = check_across_again(last, VOCABULARY, checks)
    assert found(again) == found(check_across(VOCABULARY, checks))
