"""What templates show, worked out once as frozen plain data: entries, dates, and a list's pages.

A template receives these and never an :class:`~readinglist.catalog.model.Entry`:
all the formatting (a date's text, a URL's host, a summary's HTML) happens here,
so every page shows an entry the same way.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from markupsafe import Markup

from readinglist.catalog.model import Catalog, Company, Entry, Tag
from readinglist.site.markup import body_key

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
PAGER_REACH = 2
"""Pages a list's page links to on each side of itself, besides the first and the last."""
_PLAIN_HOST_RE = re.compile(r"https?://([a-z0-9.-]+)(?:[/?#]|$)")
"""Most URLs: a lower-case host with no user or port, read as ``urlsplit`` would read it."""


@dataclass(frozen=True, slots=True)
class Term:
    """A tag or company as entries show it."""

    id: str
    name: str


@dataclass(frozen=True, slots=True)
class ShownDate:
    """A date as pages and feeds show it."""

    iso: str
    """For machines: a ``datetime`` attribute, a search filter: ``2022-02-07``."""
    text: str
    """For readers: ``7 Feb 2022``."""
    atom: str
    """For feeds: ``2022-02-07T00:00:00Z``."""


@dataclass(frozen=True, slots=True)
class EntryView:
    """An entry with everything a template shows already worked out."""

    slug: str
    title: str
    url: str
    host: str
    """The URL's host without ``www.``: where the resource is read."""
    date: ShownDate
    """When it was published."""
    year: int
    kind: str
    company: Term | None
    tags: tuple[Term, ...]
    authors: tuple[str, ...]
    added: ShownDate | None
    """When it joined the list, if the entry says."""
    body: Markup
    """The summary as sanitised HTML."""


@dataclass(frozen=True, slots=True)
class Pager:
    """Where one page of a list sits among the others."""

    number: int
    count: int
    prev_url: str | None
    next_url: str | None
    links: tuple[tuple[int | None, str], ...]
    """(number, URL) of the pages linked, in order; ``(None, "")`` where pages are left out."""


@dataclass(frozen=True, slots=True)
class FeedLink:
    """An Atom feed a page announces."""

    title: str
    url: str


@dataclass(frozen=True, slots=True)
class TermLink:
    """A tag, company, year or kind in an index, with how many entries it has."""

    url: str
    name: str
    count: int
    description: str = ""


@dataclass(frozen=True, slots=True)
class Totals:
    """How many of each thing the list holds."""

    entries: int
    tags: int
    companies: int
    years: int
    kinds: int


@dataclass(frozen=True, slots=True)
class Chart:
    """A chart of the stats page."""

    id: str
    title: str
    svg: Markup


@dataclass(frozen=True, slots=True)
class Filters:
    """The choices the search page offers."""

    tags: tuple[Term, ...]
    companies: tuple[Term, ...]
    kinds: tuple[str, ...]
    years: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class DayGroup:
    """The entries added on one day, as the What's new page shows them."""

    day: ShownDate
    entries: tuple[EntryView, ...]


def day_text(day: datetime.date) -> str:
    """``7 Feb 2022``: the same in every locale."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def atom_time(day: datetime.date) -> str:
    """A date as an Atom timestamp: midnight UTC."""
    return f"{day.isoformat()}T00:00:00Z"


def shown_date(day: datetime.date) -> ShownDate:
    """How pages and feeds show a date: the one place to change for a date known only
    to the year or the month."""
    return ShownDate(day.isoformat(), day_text(day), atom_time(day))


ATOM_EPOCH = "1970-01-01T00:00:00Z"
"""When an empty feed was last updated."""


def tag_terms(tags: Mapping[str, Tag]) -> dict[str, Term]:
    return {ident: Term(ident, tag.name) for ident, tag in tags.items()}


def company_terms(companies: Mapping[str, Company]) -> dict[str, Term]:
    return {ident: Term(ident, company.name) for ident, company in companies.items()}


def entry_view(entry: Entry, catalog: Catalog, bodies: Mapping[str, str]) -> EntryView:
    """What pages show of ``entry``; ``bodies`` are rendered summaries by
    :func:`~readinglist.site.markup.body_key`."""
    tags, companies = tag_terms(catalog.tags), company_terms(catalog.companies)
    return _view(entry, tags, companies, shown_date, bodies)


def entry_views(catalog: Catalog, bodies: Mapping[str, str]) -> dict[str, EntryView]:
    """Every entry's view, by slug, as :func:`entry_view` makes it.

    Views share their terms and dates: a site holds few distinct ones, and a caller
    that fingerprints what pages show looks at each shared object once.
    """
    tags, companies = tag_terms(catalog.tags), company_terms(catalog.companies)
    dates: dict[datetime.date, ShownDate] = {}

    def shown(day: datetime.date) -> ShownDate:
        found = dates.get(day)
        if found is None:
            found = dates[day] = shown_date(day)
        return found

    return {e.slug: _view(e, tags, companies, shown, bodies) for e in catalog.entries}


def _view(
    entry: Entry,
    tags: Mapping[str, Term],
    companies: Mapping[str, Term],
    shown: Callable[[datetime.date], ShownDate],
    bodies: Mapping[str, str],
) -> EntryView:
    return EntryView(
        slug=entry.slug,
        title=entry.title,
        url=entry.url,
        host=host(entry.url),
        date=shown(entry.date),
        year=entry.year,
        kind=entry.kind,
        company=companies.get(entry.company) if entry.company else None,
        tags=tuple(tags[t] for t in entry.tags if t in tags),
        authors=entry.authors,
        added=shown(entry.added) if entry.added else None,
        body=Markup(bodies.get(body_key(entry.summary), "")) if entry.summary else Markup(""),
    )


def host(url: str) -> str:
    """Where a resource is read: its URL's host, without ``www.``."""
    # urlsplit was most of the cost of a view (34 ms of 10,000 views, against 4 ms for
    # this match): the common form is read without it.
    plain = _PLAIN_HOST_RE.match(url)
    found = plain[1] if plain else urlsplit(url).hostname or ""
    return found.removeprefix("www.")


def page_path(url: str) -> str:
    """The file behind a page URL relative to the base: ``tags/x/`` → ``tags/x/index.html``."""
    return f"{url}index.html"


def page_url(root: str, number: int) -> str:
    """Page ``number`` of the list at ``root``: the root itself, then ``root/page/N/``."""
    return root if number == 1 else f"{root}page/{number}/"


def page_count(entries: int, size: int) -> int:
    """Pages a list of ``entries`` takes; an empty list still has its first page."""
    return max(1, -(-entries // size))


def pager(root: str, number: int, count: int) -> Pager:
    """Page ``number`` of ``count`` of the list at ``root``."""
    return Pager(
        number=number,
        count=count,
        prev_url=page_url(root, number - 1) if number > 1 else None,
        next_url=page_url(root, number + 1) if number < count else None,
        links=page_links(root, number, count),
    )


def page_links(root: str, number: int, count: int) -> tuple[tuple[int | None, str], ...]:
    """The pages page ``number`` links to, with a gap marked ``(None, "")``."""
    # A hundred numbered links on every page of a long list help nobody: the first,
    # the last and the nearby pages are linked, and a gap marks what is left out.
    near = range(max(1, number - PAGER_REACH), min(count, number + PAGER_REACH) + 1)
    links: list[tuple[int | None, str]] = []
    previous = 0
    for n in sorted({1, count, *near}):
        if n == previous + 2:
            links.append((previous + 1, page_url(root, previous + 1)))  # no gap of one page
        elif n > previous + 2:
            links.append((None, ""))
        links.append((n, page_url(root, n)))
        previous = n
    return tuple(links)
