"""Entry views, dates and pagers: what templates show, worked out before any template runs."""

from __future__ import annotations

import dataclasses
import datetime
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st
from markupsafe import Markup

from readinglist.catalog.model import Catalog, PublicationDate
from readinglist.site.markup import body_key
from readinglist.site.views import (
    Term,
    Terms,
    day_text,
    entry_view,
    entry_views,
    host,
    page_links,
    page_url,
    pager,
    shown_date,
    view_of,
)

FIXTURE = Path(__file__).parent / "fixtures" / "content"
TODAY = datetime.date(2026, 11, 24)


def test_a_date_reads_the_same_in_every_locale() -> None:
    assert day_text(PublicationDate(2022, 2, 7)) == "7 Feb 2022"
    shown = shown_date(datetime.date(2017, 12, 31))
    assert (shown.iso, shown.text, shown.atom) == (
        "2017-12-31",
        "31 Dec 2017",
        "2017-12-31T00:00:00Z",
    )


def test_a_date_shows_exactly_what_is_known() -> None:
    # Atom has no partial time: a year or month is the first instant of its span.
    shown = [
        shown_date(PublicationDate.fromisoformat(t)) for t in ("2015", "2015-12", "2015-12-07")
    ]
    assert [(s.iso, s.text, s.atom) for s in shown] == [
        ("2015", "2015", "2015-01-01T00:00:00Z"),
        ("2015-12", "Dec 2015", "2015-12-01T00:00:00Z"),
        ("2015-12-07", "7 Dec 2015", "2015-12-07T00:00:00Z"),
    ]


@given(st.dates(min_value=datetime.date(1, 1, 1)))
def test_a_day_shows_as_the_publication_date_of_that_day(day: datetime.date) -> None:
    assert shown_date(day) == shown_date(PublicationDate.of_day(day))


@given(st.dates(), st.sampled_from(["year", "month", "day"]))
def test_a_date_in_a_feed_is_midnight_of_the_first_day_it_may_stand_for(
    day: datetime.date, precision: str
) -> None:
    date = PublicationDate(
        day.year,
        day.month if precision != "year" else None,
        day.day if precision == "day" else None,
    )
    assert shown_date(date).atom == f"{date.first_day().isoformat()}T00:00:00Z"


def test_an_entry_view_has_everything_a_template_shows(catalog: Catalog) -> None:
    entry = catalog.by_slug["michelangelo"]
    view = entry_view(entry, catalog, {body_key(entry.summary): "<p>Built <em>once</em></p>"})
    assert view.host == "uber.com"  # www.uber.com
    assert view.date is not None
    assert view.date.text == "5 Sep 2017"
    assert view.year == 2017
    assert view.company == Term("uber", "Uber")
    assert view.tags == (Term("mlops", "MLOps"), Term("feature-store", "Feature store"))
    assert view.authors == ("Jeremy Hermann", "Mike Del Balso")
    assert view.body == Markup("<p>Built <em>once</em></p>")
    assert isinstance(view.body, Markup)


def test_a_view_without_a_summary_added_day_or_company_shows_none(catalog: Catalog) -> None:
    entry = dataclasses.replace(
        catalog.by_slug["michelangelo"], summary="", added=None, company=None
    )
    view = entry_view(entry, catalog, {})
    assert view.body == Markup("")
    assert view.added is None
    assert view.company is None


@pytest.mark.parametrize(
    "body", ["<p>Built <em>once</em> &amp; kept</p>", "<p><!-- a note --> Two\n lines</p>", ""]
)
def test_a_view_describes_an_entry_by_its_summary_s_text(catalog: Catalog, body: str) -> None:
    """Given as worked out already, or worked out from the summary: the same view."""
    entry = catalog.by_slug["michelangelo"]
    terms = Terms.of(catalog)
    view = view_of(entry, terms, body)
    assert view == view_of(entry, terms, body, text=Markup(body).striptags())
    if body:
        assert view.description == Markup(body).striptags()
    else:
        assert view.description == f"{entry.title}: an {entry.kind} from 2017."


@pytest.mark.parametrize(
    ("kind", "described"), [("article", "an article"), ("paper", "a paper"), ("talk", "a talk")]
)
def test_an_entry_without_a_summary_is_described_by_its_kind(
    catalog: Catalog, kind: str, described: str
) -> None:
    entry = dataclasses.replace(catalog.by_slug["michelangelo"], summary="", kind=kind)
    view = view_of(entry, Terms.of(catalog), "")
    assert view.description == f"{entry.title}: {described} from 2017."


def test_a_summary_not_rendered_yet_shows_empty(catalog: Catalog) -> None:
    assert entry_view(catalog.by_slug["michelangelo"], catalog, {}).body == Markup("")


def test_every_view_of_a_site_shares_its_terms_and_dates(catalog: Catalog) -> None:
    views = entry_views(catalog, {})
    assert list(views) == [e.slug for e in catalog.entries]
    for entry in catalog.entries:
        assert views[entry.slug] == entry_view(entry, catalog, {})
    terms = {id(t) for v in views.values() for t in v.tags}
    assert len(terms) == len({t for v in views.values() for t in v.tags})
    dates = {id(v.date) for v in views.values()}
    assert len(dates) == len({v.date for v in views.values()})


@pytest.mark.parametrize(
    "url",
    [
        "https://www.example.org/a",
        "https://Example.ORG/a",
        "http://user@host.test:8080/x",
        "https://a.test?q=1",
        "https://a.test#f",
        "https://a.test",
        "https://[::1]:8/x",
        "https://www.bücher.de/",
    ],
)
def test_the_host_is_read_as_urlsplit_reads_it(url: str) -> None:
    assert host(url) == (urlsplit(url).hostname or "").removeprefix("www.")


def test_a_list_page_links_its_neighbours() -> None:
    first = pager("tags/x/", 1, 3)
    assert (first.prev_url, first.next_url) == (None, "tags/x/page/2/")
    last = pager("tags/x/", 3, 3)
    assert (last.prev_url, last.next_url) == ("tags/x/page/2/", None)
    assert page_url("", 1) == ""
    assert page_url("", 4) == "page/4/"


def test_a_long_list_links_the_ends_and_the_nearby_pages_with_gaps() -> None:
    numbers = [n for n, _ in page_links("", 6, 20)]
    assert numbers == [1, None, 4, 5, 6, 7, 8, None, 20]
    # A gap of one page is the page itself.
    assert [n for n, _ in page_links("", 4, 5)] == [1, 2, 3, 4, 5]
    assert page_links("", 1, 1) == ((1, ""),)
