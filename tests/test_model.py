"""model: the field reference and the catalog's order and indexes."""

from __future__ import annotations

import dataclasses
import datetime

import pytest

from readinglist.catalog.model import (
    FIELD_NAMES,
    FIELDS,
    KINDS,
    MAX_TAGS,
    REQUIRED_FIELDS,
    Catalog,
    Company,
    Entry,
    PublicationDate,
    Tag,
)
from readinglist.catalog.order import newest_first

TAGS = {
    "mlops": Tag("mlops", "MLOps", "Running ML in production."),
    "feature-store": Tag("feature-store", "Feature store", "Features, stored and served."),
}
COMPANIES = {"uber": Company("uber", "Uber", "https://www.uber.com/")}


def entry(
    slug: str,
    day: str,
    tags: tuple[str, ...],
    kind: str = "article",
    company: str | None = None,
    added: str | None = None,
) -> Entry:
    return Entry(
        slug=slug,
        title=slug.replace("-", " ").title(),
        url=f"https://blog.example.net/{slug}",
        date=PublicationDate.fromisoformat(day) if day else None,
        tags=tags,
        company=company,
        kind=kind,
        added=datetime.date.fromisoformat(added) if added else None,
    )


def test_the_field_reference_names_every_front_matter_key_in_order() -> None:
    assert FIELD_NAMES == ("title", "url", "date", "tags", "company", "kind", "authors", "added")
    assert REQUIRED_FIELDS == ("title", "url", "tags")
    assert all(f.description and f.example.startswith(f"{f.name}: ") for f in FIELDS)
    assert KINDS[0] == "article"
    assert "thread" in KINDS
    assert MAX_TAGS == 6


def test_every_entry_field_has_a_docstring_in_the_reference() -> None:
    # The reference lists front-matter keys; the rest of Entry is derived from the file.
    derived = {"slug", "summary", "path"}
    assert {f.name for f in dataclasses.fields(Entry)} - derived == set(FIELD_NAMES)


def test_plain_data_is_frozen() -> None:
    michelangelo = entry("michelangelo", "2017-09-05", ("mlops",))
    with pytest.raises(dataclasses.FrozenInstanceError):
        michelangelo.title = "changed"  # type: ignore[misc]


def test_newest_first_breaks_ties_by_slug() -> None:
    entries = [
        entry("b", "2020-01-01", ("mlops",)),
        entry("c", "2021-05-05", ("mlops",)),
        entry("a", "2020-01-01", ("mlops",)),
    ]
    assert [e.slug for e in newest_first(entries)] == ["c", "a", "b"]


@pytest.mark.parametrize(
    ("text", "precision", "parts"),
    [
        ("2015", "year", (2015, None, None)),
        ("2015-12", "month", (2015, 12, None)),
        ("2015-12-07", "day", (2015, 12, 7)),
    ],
)
def test_a_publication_date_keeps_its_precision(
    text: str, precision: str, parts: tuple[int, int | None, int | None]
) -> None:
    date = PublicationDate.fromisoformat(text)
    assert (date.year, date.month, date.day) == parts
    assert date.precision == precision
    assert date.isoformat() == text
    assert date.first_day() == datetime.date(2015, parts[1] or 1, parts[2] or 1)


@pytest.mark.parametrize("text", ["15", "2015/12", "2015-13", "2015-02-30", "2015-1", "", "2015-"])
def test_only_a_year_a_month_or_a_real_day_is_a_publication_date(text: str) -> None:
    with pytest.raises(ValueError):
        PublicationDate.fromisoformat(text)


def test_newest_first_puts_a_partial_date_after_what_is_known_of_its_span() -> None:
    # The documented rule: a year sorts as its start, so after its known months and
    # days, newest first; undated entries follow every dated one, latest added first.
    entries = [
        entry("year", "2015", ("mlops",)),
        entry("december", "2015-12", ("mlops",)),
        entry("day", "2015-12-07", ("mlops",)),
        entry("january-day", "2015-01-01", ("mlops",)),
        entry("older", "2014-12-31", ("mlops",)),
        entry("site", "", ("mlops",), kind="website", added="2026-01-02"),
        entry("blog", "", ("mlops",), kind="website", added="2026-03-04"),
    ]
    assert [e.slug for e in newest_first(entries)] == [
        "day",
        "december",
        "january-day",
        "year",
        "older",
        "blog",
        "site",
    ]


def test_a_year_only_entry_is_in_its_year_and_an_undated_one_in_none() -> None:
    entries = [
        entry("debt", "2015", ("mlops",), kind="paper"),
        entry("blog", "", ("mlops",), kind="website", added="2026-03-04"),
    ]
    catalog = Catalog.build(entries, TAGS, COMPANIES)
    assert list(catalog.by_year) == [2015]
    assert [e.slug for e in catalog.undated] == ["blog"]
    assert [e.slug for e in catalog.entries] == ["debt", "blog"]


def test_the_catalog_indexes_by_tag_company_year_and_kind() -> None:
    entries = [
        entry("michelangelo", "2017-09-05", ("mlops", "feature-store"), company="uber"),
        entry("rules", "2022-09-12", ("mlops",)),
        entry("debt", "2015-12-07", ("mlops",), kind="paper"),
        entry("thread", "2022-08-26", ("feature-store",), kind="thread", company="uber"),
    ]
    catalog = Catalog.build(entries, TAGS, COMPANIES)
    assert [e.slug for e in catalog.entries] == ["rules", "thread", "michelangelo", "debt"]
    assert list(catalog.tags) == ["feature-store", "mlops"]
    assert {tag: [e.slug for e in tagged] for tag, tagged in catalog.by_tag.items()} == {
        "feature-store": ["thread", "michelangelo"],
        "mlops": ["rules", "michelangelo", "debt"],
    }
    assert [e.slug for e in catalog.by_company["uber"]] == ["thread", "michelangelo"]
    assert list(catalog.by_year) == [2022, 2017, 2015]
    assert list(catalog.by_kind) == ["article", "paper", "thread"]
    assert catalog.by_slug["debt"].year == 2015
    assert catalog.tag_counts() == {"feature-store": 2, "mlops": 3}
    assert catalog.company_counts() == {"uber": 2}
