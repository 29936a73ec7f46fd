"""The pages that list entries (home, tags, companies, years, kinds, What's new) and their feeds.

Each ``*_pages`` function here plans one section of the site (see
:class:`readinglist.site.pages.Section`) from the site-wide settings and the
inputs it is given, and reads nothing else: a list's entries, their views in
the same order, and the list's own term.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

from readinglist.catalog.model import Company, Entry, Tag
from readinglist.site.indexes import UNDATED
from readinglist.site.section import Page, SiteWide, html_page
from readinglist.site.views import (
    ATOM_EPOCH,
    DayGroup,
    EntryView,
    FeedLink,
    TermLink,
    Totals,
    page_count,
    page_url,
    pager,
    shown_date,
)


def _list_pages(
    site: SiteWide,
    root: str,
    views: Sequence[EntryView],
    template: str,
    context: Mapping[str, Any],
) -> Iterator[Page]:
    """A list at ``root`` of entries shown by ``views``, split into pages of ``page_size``."""
    size = site.config.page_size
    count = page_count(len(views), size)
    for number in range(1, count + 1):
        where = pager(root, number, count)
        page_context = {
            **context,
            "entries": tuple(views[(number - 1) * size : number * size]),
            "pager": where,
            "total": len(views),
            "prev_url": where.prev_url,
            "next_url": where.next_url,
        }
        if number > 1:
            page_context["page_title"] = f"{context.get('page_title') or 'Newest'}, page {number}"
        yield html_page(site, page_url(root, number), template, page_context)


def _feed(
    site: SiteWide,
    link: FeedLink,
    subtitle: str,
    page: str,
    shown: Sequence[tuple[Entry, EntryView]],
    updated: Callable[[Entry, EntryView], str],
) -> Page:
    """The Atom feed at ``link`` of the newest entries, each ``updated`` when it says."""
    items = tuple([(view, updated(e, view)) for e, view in shown[: site.config.feed_size]])
    context = {
        "feed_title": link.title,
        "subtitle": subtitle,
        "feed_id": f"tag:{site.config.feed_id_authority}:{link.url}",
        "feed_url": link.url,
        "page_url": page,
        "updated": max((when for _, when in items), default=ATOM_EPOCH),
        "items": items,
    }
    return Page(link.url, "feed.xml", context)


def _newest(
    site: SiteWide, entries: Sequence[Entry], views: Sequence[EntryView]
) -> list[tuple[Entry, EntryView]]:
    """The entries a list's feed shows, each with its view."""
    size = site.config.feed_size
    return list(zip(entries[:size], views[:size], strict=True))


def _last_change(entry: Entry, view: EntryView) -> str:
    """When a feed says an entry was updated: published, or added to the list if later
    than the first day its date names."""
    if view.added and entry.added and (not entry.date or entry.added > entry.date.first_day()):
        return view.added.atom
    return view.published


def _when_added(entry: Entry, view: EntryView) -> str:
    return view.added.atom if view.added else view.published


def home_pages(
    site: SiteWide,
    totals: Totals,
    top_tags: tuple[TermLink, ...],
    entries: Sequence[Entry],
    views: Sequence[EntryView],
) -> Iterator[Page]:
    """The home page, every entry newest first, and the site's feed."""
    config = site.config
    context = {"totals": totals, "top_tags": top_tags, "feeds": site.defaults["feeds"]}
    yield from _list_pages(site, "", views, "home.html", context)
    link = FeedLink(config.title, "feed.xml")
    newest = _newest(site, entries, views)
    yield _feed(site, link, config.description, "", newest, _last_change)


def tag_pages(
    site: SiteWide, tag: Tag, entries: Sequence[Entry], views: Sequence[EntryView]
) -> Iterator[Page]:
    """A tag's list and feed."""
    root = f"tags/{tag.id}/"
    feed = FeedLink(f"{tag.name}: {site.config.title}", f"{root}feed.xml")
    context = {
        "page_title": tag.name,
        "heading": tag.name,
        "intro": tag.description,
        "description": f"{tag.name}: {tag.description}",
        "feeds": (feed,),
    }
    yield from _list_pages(site, root, views, "list.html", context)
    yield _feed(site, feed, tag.description, root, _newest(site, entries, views), _last_change)


def company_pages(
    site: SiteWide, company: Company, entries: Sequence[Entry], views: Sequence[EntryView]
) -> Iterator[Page]:
    """A company's list and feed."""
    root = f"companies/{company.id}/"
    intro = f"Resources from {company.name}."
    feed = FeedLink(f"{company.name}: {site.config.title}", f"{root}feed.xml")
    context = {
        "page_title": company.name,
        "heading": company.name,
        "intro": intro,
        "description": intro,
        "feeds": (feed,),
    }
    yield from _list_pages(site, root, views, "list.html", context)
    yield _feed(site, feed, intro, root, _newest(site, entries, views), _last_change)


def year_pages(site: SiteWide, year: int, views: Sequence[EntryView]) -> Iterator[Page]:
    """The entries published in ``year``."""
    context = {
        "page_title": str(year),
        "heading": f"Published in {year}",
        "intro": "",
        "description": f"Resources published in {year}.",
    }
    yield from _list_pages(site, f"years/{year}/", views, "list.html", context)


def undated_pages(site: SiteWide, views: Sequence[EntryView]) -> Iterator[Page]:
    """The entries with no publication date."""
    context = {
        "page_title": "Undated",
        "heading": "Undated",
        "intro": "Resources with no single publication date, such as websites and"
        " courses, the latest added first.",
        "description": "Resources with no single publication date.",
    }
    yield from _list_pages(site, f"years/{UNDATED}/", views, "list.html", context)


def kind_pages(site: SiteWide, kind: str, views: Sequence[EntryView]) -> Iterator[Page]:
    """Every entry of one kind."""
    context = {
        "page_title": f"Kind: {kind}",
        "heading": f"Kind: {kind}",
        "intro": "",
        "description": f"Every {kind} in the list, newest first.",
    }
    yield from _list_pages(site, f"kinds/{kind}/", views, "list.html", context)


def new_pages(site: SiteWide, added: Sequence[Entry], views: Sequence[EntryView]) -> Iterator[Page]:
    """What's new: the ``added`` entries (a catalog's
    :attr:`~readinglist.catalog.model.Catalog.added`) by the day they were added, and
    their feed."""
    config = site.config
    size = config.page_size
    count = page_count(len(added), size)
    link = FeedLink(f"New in {config.title}", "new/feed.xml")
    for number in range(1, count + 1):
        start = (number - 1) * size
        chunk = zip(added[start : start + size], views[start : start + size], strict=True)
        groups = itertools.groupby(chunk, key=lambda pair: pair[0].added)
        # Each view shows its added day already: the group shares that object.
        shown = ((day, tuple(view for _, view in group)) for day, group in groups)
        days = tuple(DayGroup(views[0].added or shown_date(day), views) for day, views in shown)
        where = pager("new/", number, count)
        context = {
            "page_title": "What's new" if number == 1 else f"What's new, page {number}",
            "description": f"Entries as they joined {config.title}, newest first.",
            "days": days,
            "pager": where,
            "feeds": (link,),
            "prev_url": where.prev_url,
            "next_url": where.next_url,
        }
        yield html_page(site, page_url("new/", number), "new.html", context)
    newest = _newest(site, added, views)
    yield _feed(site, link, "Entries as they join the list.", "new/", newest, _when_added)
