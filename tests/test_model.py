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
    Tag,
    newest_first,
)

TAGS = {
    "mlops": Tag("mlops", "MLOps", "Running ML in production."),
    "feature-store": Tag("feature-store", "Feature store", "Features, stored and served."),
}
COMPANIES = {"uber": Company("uber", "Uber", "https://www.uber.com/")}


def entry(
    slug: str, day: str, tags: tuple[str, ...], kind: str = "article", company: str | None = None
) -> Entry:
    return Entry(
        slug=slug,
        title=slug.replace("-", " ").title(),
        url=f"https://blog.example.net/{slug}",
        date=datetime.date.fromisoformat(day),
        tags=tags,
        company=company,
        kind=kind,
    )


def test_the_field_reference_names_every_front_matter_key_in_order() -> None:
    assert FIELD_NAMES == ("title", "url", "date", "tags", "company", "kind", "authors", "added")
    assert REQUIRED_FIELDS == ("title", "url", "date", "tags")
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
