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

from readinglist.catalog.model import Catalog, Company, Entry, PublicationDate, Tag
from readinglist.site.markup import body_key, plain_text

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
    """A date as pages and feeds show it, to the precision known: a year, a month or a day."""

    iso: str
    """For machines: a ``datetime`` attribute, a search sort: ``2022``, ``2022-02``,
    ``2022-02-07``: each valid in HTML's ``datetime``, and in this order sorted as text."""
    text: str
    """For readers: ``2022``, ``Feb 2022``, ``7 Feb 2022``."""
    atom: str
    """For feeds: ``2022-02-07T00:00:00Z``. RFC 3339 has no year or month alone, so a
    partial date is the first instant of the span it names: ``2022-01-01T00:00:00Z``."""


@dataclass(frozen=True, slots=True)
class EntryView:
    """An entry with everything a template shows already worked out."""

    slug: str
    title: str
    url: str
    host: str
    """The URL's host without ``www.``: where the resource is read."""
    date: ShownDate | None
    """When it was published; None for an undated living resource."""
    year: int | None
    """The year it was published, when known: its years page."""
    kind: str
    company: Term | None
    tags: tuple[Term, ...]
    authors: tuple[str, ...]
    added: ShownDate | None
    """When it joined the list, if the entry says."""
    published: str
    """The Atom time feeds give as published: the date's, or for an undated entry the
    day it was added (the checker makes an undated entry say it)."""
    sort: str
    """What the search index sorts by, newest first: the ISO date, where a year sorts
    after its months and days; ``0000 added YYYY-MM-DD`` for the undated, after them all."""
    body: Markup
    """The summary as sanitised HTML."""
    description: str
    """What the entry's page tells search engines and shows in search results: the
    summary as plain text, else what the entry is, at most :data:`DESCRIPTION_LENGTH`
    characters."""


@dataclass(frozen=True, slots=True)
class Terms:
    """The names entries show for the tags and companies of one vocabulary."""

    tags: Mapping[str, Term]
    companies: Mapping[str, Term]

    @classmethod
    def of(cls, catalog: Catalog) -> Terms:
        return cls(tag_terms(catalog.tags), company_terms(catalog.companies))


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
    years: tuple[str, ...]
    """Each year with entries, newest first, then ``undated`` when some have no date."""


@dataclass(frozen=True, slots=True)
class DayGroup:
    """The entries added on one day, as the What's new page shows them."""

    day: ShownDate
    entries: tuple[EntryView, ...]


def day_text(date: PublicationDate) -> str:
    """``2022``, ``Feb 2022`` or ``7 Feb 2022``: what is known, the same in every locale."""
    if date.month is None:
        return str(date.year)
    month = f"{MONTHS[date.month - 1]} {date.year}"
    return month if date.day is None else f"{date.day} {month}"


def atom_time(date: PublicationDate, iso: str | None = None) -> str:
    """A date as an Atom timestamp: midnight UTC of its first day; ``iso`` is the date's
    :meth:`~PublicationDate.isoformat`, when known already."""
    iso = date.isoformat() if iso is None else iso
    if date.month is None:
        return f"{iso}-01-01T00:00:00Z"
    return f"{iso}-01T00:00:00Z" if date.day is None else f"{iso}T00:00:00Z"


def shown_date(date: PublicationDate | datetime.date) -> ShownDate:
    """How pages and feeds show a publication date or a day: the one place dates are
    formatted."""
    if isinstance(date, datetime.date):
        iso = date.isoformat()  # a day: as PublicationDate.of_day(date) is shown
        text = f"{date.day} {MONTHS[date.month - 1]} {date.year}"
        return ShownDate(iso, text, f"{iso}T00:00:00Z")
    iso = date.isoformat()
    return ShownDate(iso, day_text(date), atom_time(date, iso))


ATOM_EPOCH = "1970-01-01T00:00:00Z"
"""When an empty feed was last updated."""
DESCRIPTION_LENGTH = 300
"""Characters of a summary an entry page's description keeps: what search results show."""


def tag_terms(tags: Mapping[str, Tag]) -> dict[str, Term]:
    return {ident: Term(ident, tag.name) for ident, tag in tags.items()}


def company_terms(companies: Mapping[str, Company]) -> dict[str, Term]:
    return {ident: Term(ident, company.name) for ident, company in companies.items()}


def entry_view(entry: Entry, catalog: Catalog, bodies: Mapping[str, str]) -> EntryView:
    """What pages show of ``entry``; ``bodies`` are rendered summaries by
    :func:`~readinglist.site.markup.body_key`."""
    return view_of(entry, Terms.of(catalog), body_of(entry, bodies))


def body_of(entry: Entry, bodies: Mapping[str, str]) -> str:
    """An entry's summary as HTML, from summaries rendered by
    :func:`~readinglist.site.markup.body_key`; empty for none, or one not rendered."""
    return bodies.get(body_key(entry.summary), "") if entry.summary else ""


def entry_views(catalog: Catalog, bodies: Mapping[str, str]) -> dict[str, EntryView]:
    """Every entry's view, by slug, as :func:`entry_view` makes it.

    Views share their terms and dates: a site holds few distinct ones, and a caller
    that fingerprints what pages show looks at each shared object once.
    """
    terms = Terms.of(catalog)
    shown = shared_dates()
    return {e.slug: view_of(e, terms, body_of(e, bodies), shown) for e in catalog.entries}


def shared_dates() -> Callable[[PublicationDate | datetime.date], ShownDate]:
    """:func:`shown_date`, each day's made once and shared by all the views it is given to."""
    dates: dict[PublicationDate | datetime.date, ShownDate] = {}

    def shown(day: PublicationDate | datetime.date) -> ShownDate:
        found = dates.get(day)
        if found is None:
            found = dates[day] = shown_date(day)
        return found

    return shown


def view_of(
    entry: Entry,
    terms: Terms,
    body: str,
    shown: Callable[[PublicationDate | datetime.date], ShownDate] = shown_date,
    text: str | None = None,
) -> EntryView:
    """The view of ``entry``, whose summary rendered is ``body``: made from these and
    nothing else, so an equal entry, terms and body give an equal view. ``text`` is
    ``body`` as :func:`~readinglist.site.markup.plain_text`, when worked out already."""
    date = shown(entry.date) if entry.date else None
    added = shown(entry.added) if entry.added else None
    if date is not None:
        published, sort = date.atom, date.iso
    else:
        # Undated: the day it joined stands in where a feed or an order needs one.
        published = added.atom if added else ATOM_EPOCH
        sort = f"0000 added {added.iso}" if added else "0000"
    html = Markup(body)
    known = f" from {entry.year}" if entry.date else ""
    # Every kind that starts with a vowel is said with one ("an article").
    a = "an" if entry.kind.startswith(("a", "e", "i", "o", "u")) else "a"
    description = (plain_text(body) if text is None else text) or (
        f"{entry.title}: {a} {entry.kind}{known}."
    )
    return EntryView(
        slug=entry.slug,
        title=entry.title,
        url=entry.url,
        host=host(entry.url),
        date=date,
        year=entry.year,
        kind=entry.kind,
        company=terms.companies.get(entry.company) if entry.company else None,
        tags=tuple(terms.tags[t] for t in entry.tags if t in terms.tags),
        authors=entry.authors,
        added=added,
        published=published,
        sort=sort,
        body=html,
        description=description[:DESCRIPTION_LENGTH],
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
