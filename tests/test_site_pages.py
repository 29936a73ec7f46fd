"""The plan of a site: every output file, with all its template shows as plain data.

A build that renders again only the pages whose context changed relies on what
these tests hold: a context is plain data, it holds everything its page shows,
and an entry's view is one object shared by the pages that show it.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import pytest
from markupsafe import Markup

from readinglist.catalog.model import Catalog
from readinglist.config import SiteConfig
from readinglist.site.markup import render_bodies
from readinglist.site.pages import closing_pages, plan_site, sections
from readinglist.site.related import related_entries
from readinglist.site.render import (
    DEFAULT_TEMPLATES,
    make_environment,
    read_copied_files,
    render_page,
)
from readinglist.site.section import EachPage, Page, Section, SiteWide, planned
from readinglist.site.views import EntryView, entry_views

FIXTURE = Path(__file__).parent / "fixtures" / "content"
TODAY = datetime.date(2026, 11, 24)
CONFIG = SiteConfig()


@pytest.fixture(scope="module")
def pages(catalog: Catalog) -> tuple[Page, ...]:
    return plan_site(catalog, CONFIG)


def plain(value: object) -> object:
    """A value as comparable data; fails on anything that is not plain, frozen data."""
    if value is None or isinstance(value, bool | int | datetime.date):
        return value
    if isinstance(value, str):
        return ("Markup", str(value)) if isinstance(value, Markup) else value
    if isinstance(value, tuple):
        return tuple(plain(item) for item in value)
    if isinstance(value, Mapping):
        return tuple((key, plain(item)) for key, item in value.items())
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        assert type(value).__dataclass_params__.frozen, type(value)  # type: ignore[attr-defined]
        fields = dataclasses.fields(value)
        return (type(value).__name__, *(plain(getattr(value, f.name)) for f in fields))
    raise AssertionError(f"not plain data: {type(value).__name__}")


def views_in(value: object) -> Iterator[EntryView]:
    if isinstance(value, EntryView):
        yield value
    elif isinstance(value, tuple):
        for item in value:
            yield from views_in(item)
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from views_in(item)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type | Catalog):
        for field in dataclasses.fields(value):
            yield from views_in(getattr(value, field.name))


def test_pages_are_sorted_by_path_one_page_a_path(pages: tuple[Page, ...]) -> None:
    paths = [page.path for page in pages]
    assert paths == sorted(set(paths))


def test_every_context_is_plain_frozen_data(pages: tuple[Page, ...]) -> None:
    for page in pages:
        plain(page.context)


def test_an_entry_shows_through_one_view_on_every_page(
    catalog: Catalog, pages: tuple[Page, ...]
) -> None:
    found: dict[str, set[int]] = {}
    for page in pages:
        for view in views_in(page.context):
            found.setdefault(view.slug, set()).add(id(view))
    assert set(found) == {e.slug for e in catalog.entries}
    assert all(len(ids) == 1 for ids in found.values())


def test_the_plan_works_out_summaries_and_related_entries_when_not_given(
    catalog: Catalog, pages: tuple[Page, ...]
) -> None:
    bodies = render_bodies(e.summary for e in catalog.entries)
    related = related_entries(catalog, CONFIG.related_count)
    given = plan_site(catalog, CONFIG, bodies, related)
    assert [plain(p.context) for p in given] == [plain(p.context) for p in pages]


def test_only_pages_a_reader_lands_on_are_in_the_sitemap(pages: tuple[Page, ...]) -> None:
    for page in pages:
        if page.sitemap:
            assert page.path.endswith("index.html"), page.path
            assert page.template not in ("redirect.html", "404.html"), page.path
            assert page.url == page.path.removesuffix("index.html")
        if not page.path.endswith(".html"):
            assert page.url == "", page.path
    by_path = {page.path: page for page in pages}
    assert by_path["404.html"].context["url"] == "404.html"
    assert not by_path["tags/ml-ops/index.html"].sitemap


def _renamed_tag(catalog: Catalog) -> Catalog:
    tags = dict(catalog.tags)
    tags["mlops"] = dataclasses.replace(tags["mlops"], name="ML operations")
    return Catalog.build(list(catalog.entries), tags, catalog.companies)


def _edited_entry(**changes: object) -> Callable[[Catalog], Catalog]:
    def edit(catalog: Catalog) -> Catalog:
        entries = [
            dataclasses.replace(e, **changes) if e.slug == "michelangelo" else e  # type: ignore[arg-type]
            for e in catalog.entries
        ]
        return Catalog.build(entries, catalog.tags, catalog.companies)

    return edit


@pytest.mark.parametrize(
    "change",
    [
        _edited_entry(summary="Now **shorter**."),
        _edited_entry(title="Michelangelo, again"),
        _edited_entry(added=datetime.date(2026, 11, 20)),
        _renamed_tag,
    ],
    ids=["summary", "title", "added", "tag name"],
)
def test_pages_with_equal_contexts_have_equal_bytes(
    catalog: Catalog, pages: tuple[Page, ...], change: Callable[[Catalog], Catalog]
) -> None:
    environment = make_environment(DEFAULT_TEMPLATES, CONFIG)
    copied = read_copied_files(DEFAULT_TEMPLATES)
    before = {p.path: (plain(p.context), render_page(environment, p, copied)) for p in pages}
    changed = plan_site(change(catalog), CONFIG)
    # The same environment renders the changed site: what it keeps is never stale.
    after = {p.path: (plain(p.context), render_page(environment, p, copied)) for p in changed}
    fresh = make_environment(DEFAULT_TEMPLATES, CONFIG)
    assert {p.path: render_page(fresh, p, copied) for p in changed} == {
        path: data for path, (_, data) in after.items()
    }
    same = [path for path in before.keys() & after.keys() if before[path][0] == after[path][0]]
    assert 0 < len(same) < len(after)
    for path in same:
        assert before[path][1] == after[path][1], path


def _sections_of(catalog: Catalog) -> dict[str, Section | EachPage]:
    bodies = render_bodies(e.summary for e in catalog.entries)
    related = related_entries(catalog, CONFIG.related_count)
    views = entry_views(catalog, bodies)
    parts = list(sections(catalog, related, views, None))
    assert len({part.key for part in parts}) == len(parts)
    return {part.key: part for part in parts}


def _planned(part: Section | EachPage) -> list[object]:
    return [plain(page.context) for page in planned(SiteWide.of(CONFIG), part)]


@pytest.mark.parametrize(
    "change",
    [_edited_entry(title="Michelangelo, again"), _edited_entry(tags=("mlops",)), _renamed_tag],
    ids=["title", "tags", "tag name"],
)
def test_a_section_is_planned_from_its_inputs_alone(
    catalog: Catalog, change: Callable[[Catalog], Catalog]
) -> None:
    before, after = _sections_of(catalog), _sections_of(change(catalog))
    unchanged = 0
    for key, part in after.items():
        last = before.get(key)
        if last is None:
            continue
        inputs = part.items if isinstance(part, EachPage) else part.inputs
        known = last.items if isinstance(last, EachPage) else last.inputs
        if plain(inputs) == plain(known):
            # Equal inputs, though the rest of the catalog changed: equal pages.
            assert _planned(part) == _planned(last), key
            unchanged += 1
    assert 0 < unchanged < len(after)


def test_the_plan_is_its_sections_pages_and_the_closing_pages(
    catalog: Catalog, pages: tuple[Page, ...]
) -> None:
    parts = _sections_of(catalog).values()
    site = SiteWide.of(CONFIG)
    made = [page for part in parts for page in planned(site, part)]
    closing = closing_pages(catalog, site, made)
    assert sorted(p.path for p in (*made, *closing)) == [p.path for p in pages]
    assert {p.path for p in closing} >= {"sitemap.xml", "robots.txt", "style.css"}
