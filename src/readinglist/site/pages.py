"""Every output file of a site as a Page: its path, its template and all its template shows.

A page's ``context`` is plain data made in full here (frozen views, tuples,
strings, numbers, Markup), and a template reads nothing else but the link
helpers and the settings: so two pages with equal contexts, templates and
settings have the same bytes. Every entry has one :class:`EntryView`, shared by
all the pages that show it. Output is deterministic: everything is sorted and
nothing depends on the clock.
"""

from __future__ import annotations

import itertools
import operator
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from readinglist.catalog.model import Catalog, Entry
from readinglist.config import SiteConfig
from readinglist.site.exports import EntryRows, catalog_json, catalog_markdown
from readinglist.site.indexes import (
    UNDATED,
    index_pages,
    redirect_pages,
    search_page,
    stats_page,
    top_tags,
    totals,
)
from readinglist.site.markup import render_bodies
from readinglist.site.related import related_entries
from readinglist.site.views import (
    ATOM_EPOCH,
    DayGroup,
    EntryView,
    FeedLink,
    entry_views,
    page_count,
    page_path,
    page_url,
    pager,
    shown_date,
)

COPIED_FILES: tuple[str, ...] = ("style.css", "search.js")
"""Files from the templates folder published as they are."""
EXPORTS: tuple[str, ...] = ("catalog.json", "list.md")
"""Files that list every entry, made by :mod:`readinglist.site.exports` rather than Jinja:
from their context's ``text`` when the plan was given the entries' lines, else from
the catalog when rendered."""
HOME_TOP_TAGS = 12
_ADDED = operator.attrgetter("added")


@dataclass(frozen=True, slots=True)
class Page:
    """One output file and everything it is rendered from, but the templates and settings."""

    path: str
    """Relative output path: ``entries/x/index.html``, ``feed.xml``."""
    template: str
    """A Jinja template name, a name in :data:`COPIED_FILES`, one of :data:`EXPORTS`,
    or ``robots.txt``."""
    context: Mapping[str, Any]
    """Everything the template receives, as plain data."""
    url: str = ""
    """The page's URL relative to the base path; empty for files that are not pages."""
    sitemap: bool = False
    """Listed in ``sitemap.xml``: every HTML page a reader should land on."""


@dataclass(frozen=True, slots=True)
class _Site:
    """What every page of one site is planned from."""

    catalog: Catalog
    config: SiteConfig
    views: Mapping[str, EntryView]
    """Each entry's one view, by slug."""
    rows: Mapping[str, EntryRows] | None
    """Each entry's lines in the exports, by slug, when made already."""
    defaults: Mapping[str, Any]
    """What every HTML page's template reads, unless the page says otherwise."""

    def shown(self, entries: Sequence[Entry]) -> tuple[EntryView, ...]:
        view = self.views.__getitem__
        return tuple([view(e.slug) for e in entries])


def plan_site(
    catalog: Catalog,
    config: SiteConfig,
    bodies: Mapping[str, str] | None = None,
    related: Mapping[str, tuple[str, ...]] | None = None,
    views: Mapping[str, EntryView] | None = None,
    rows: Mapping[str, EntryRows] | None = None,
) -> tuple[Page, ...]:
    """Every output file of the site, sorted by path.

    ``bodies`` are the rendered summaries by :func:`~readinglist.site.markup.body_key`,
    ``related`` what :func:`related_entries` gives for this catalog and the
    configured count and ``views`` what :func:`entry_views` gives for the catalog
    and those bodies: each is worked out here when not given. ``rows`` are each
    entry's lines in the exports by slug (:func:`~readinglist.site.exports.entry_rows`);
    without them the exports make their own when they are rendered.
    """
    if bodies is None:
        bodies = render_bodies(e.summary for e in catalog.entries)
    if related is None:
        related = related_entries(catalog, config.related_count)
    site = _Site(
        catalog,
        config,
        views if views is not None else entry_views(catalog, bodies),
        rows,
        {
            "page_title": "",
            "description": config.description,
            "og_type": "website",
            "feeds": (FeedLink(f"{config.title}: newest entries", "feed.xml"),),
            "prev_url": None,
            "next_url": None,
        },
    )
    pages = [
        *_entry_pages(site, related),
        *_home_pages(site),
        *_tag_pages(site),
        *_company_pages(site),
        *_year_and_kind_pages(site),
        *_new_pages(site),
        *(_html(site, *page) for page in index_pages(catalog)),
        _html(site, *stats_page(catalog, config)),
        _html(site, *search_page(catalog, config)),
        _not_found_page(site),
    ]
    taken = {page.path for page in pages}.__contains__
    pages += (_html(site, *page, noindex=True) for page in redirect_pages(catalog, taken))
    pages += _file_pages(site, pages)
    return tuple(sorted(pages, key=operator.attrgetter("path")))


def _html(
    site: _Site,
    url: str,
    template: str,
    context: Mapping[str, Any],
    *,
    path: str = "",
    noindex: bool = False,
) -> Page:
    """An HTML page at ``url``; ``noindex`` keeps it from search engines and the sitemap."""
    full = {**site.defaults, "url": url, "noindex": noindex, **context}
    return Page(path or page_path(url), template, full, url, not noindex)


def _entry_pages(site: _Site, related: Mapping[str, tuple[str, ...]]) -> Iterator[Page]:
    views = site.views
    for entry in site.catalog.entries:
        view = views[entry.slug]
        yield _html(
            site,
            f"entries/{entry.slug}/",
            "entry.html",
            {
                "page_title": entry.title,
                "description": view.description,
                "og_type": "article",
                "e": view,
                "related": tuple([views[slug] for slug in related[entry.slug]]),
            },
        )


def _list_pages(
    site: _Site, root: str, entries: Sequence[Entry], template: str, context: Mapping[str, Any]
) -> Iterator[Page]:
    """A list at ``root``, split into pages of ``page_size`` entries."""
    size = site.config.page_size
    count = page_count(len(entries), size)
    for number in range(1, count + 1):
        where = pager(root, number, count)
        page_context = {
            **context,
            "entries": site.shown(entries[(number - 1) * size : number * size]),
            "pager": where,
            "total": len(entries),
            "prev_url": where.prev_url,
            "next_url": where.next_url,
        }
        if number > 1:
            page_context["page_title"] = f"{context.get('page_title') or 'Newest'}, page {number}"
        yield _html(site, page_url(root, number), template, page_context)


def _feed(
    site: _Site,
    path: str,
    title: str,
    subtitle: str,
    page: str,
    entries: Sequence[Entry],
    updated: Callable[[Entry, EntryView], str],
) -> Page:
    """The Atom feed at ``path`` of the newest ``entries``, each ``updated`` when it says."""
    shown = entries[: site.config.feed_size]
    items = tuple(
        [(view, updated(e, view)) for e, view in zip(shown, site.shown(shown), strict=True)]
    )
    context = {
        "feed_title": title,
        "subtitle": subtitle,
        "feed_id": f"tag:{site.config.feed_id_authority}:{path}",
        "feed_url": path,
        "page_url": page,
        "updated": max((when for _, when in items), default=ATOM_EPOCH),
        "items": items,
    }
    return Page(path, "feed.xml", context)


def _last_change(entry: Entry, view: EntryView) -> str:
    """When a feed says an entry was updated: published, or added to the list if later
    than the first day its date names."""
    if view.added and entry.added and (not entry.date or entry.added > entry.date.first_day()):
        return view.added.atom
    return view.published


def _when_added(entry: Entry, view: EntryView) -> str:
    return view.added.atom if view.added else view.published


def _home_pages(site: _Site) -> Iterator[Page]:
    catalog, config = site.catalog, site.config
    context = {
        "totals": totals(catalog),
        "top_tags": top_tags(catalog, HOME_TOP_TAGS),
        "feeds": site.defaults["feeds"],
    }
    yield from _list_pages(site, "", catalog.entries, "home.html", context)
    title, subtitle = config.title, config.description
    yield _feed(site, "feed.xml", title, subtitle, "", catalog.entries, _last_change)


def _tag_pages(site: _Site) -> Iterator[Page]:
    catalog, title = site.catalog, site.config.title
    for tag_id, tagged in catalog.by_tag.items():
        tag = catalog.tags[tag_id]
        root = f"tags/{tag_id}/"
        feed = FeedLink(f"{tag.name}: {title}", f"{root}feed.xml")
        context = {
            "page_title": tag.name,
            "heading": tag.name,
            "intro": tag.description,
            "description": f"{tag.name}: {tag.description}",
            "feeds": (feed,),
        }
        yield from _list_pages(site, root, tagged, "list.html", context)
        yield _feed(site, feed.url, feed.title, tag.description, root, tagged, _last_change)


def _company_pages(site: _Site) -> Iterator[Page]:
    catalog, title = site.catalog, site.config.title
    for company_id, made in catalog.by_company.items():
        company = catalog.companies[company_id]
        root = f"companies/{company_id}/"
        intro = f"Resources from {company.name}."
        feed = FeedLink(f"{company.name}: {title}", f"{root}feed.xml")
        context = {
            "page_title": company.name,
            "heading": company.name,
            "intro": intro,
            "description": intro,
            "feeds": (feed,),
        }
        yield from _list_pages(site, root, made, "list.html", context)
        yield _feed(site, feed.url, feed.title, intro, root, made, _last_change)


def _year_and_kind_pages(site: _Site) -> Iterator[Page]:
    for year, published in site.catalog.by_year.items():
        context = {
            "page_title": str(year),
            "heading": f"Published in {year}",
            "intro": "",
            "description": f"Resources published in {year}.",
        }
        yield from _list_pages(site, f"years/{year}/", published, "list.html", context)
    if site.catalog.undated:
        context = {
            "page_title": "Undated",
            "heading": "Undated",
            "intro": "Resources with no single publication date, such as websites and"
            " courses, the latest added first.",
            "description": "Resources with no single publication date.",
        }
        undated = site.catalog.undated
        yield from _list_pages(site, f"years/{UNDATED}/", undated, "list.html", context)
    for kind, of_kind in site.catalog.by_kind.items():
        context = {
            "page_title": f"Kind: {kind}",
            "heading": f"Kind: {kind}",
            "intro": "",
            "description": f"Every {kind} in the list, newest first.",
        }
        yield from _list_pages(site, f"kinds/{kind}/", of_kind, "list.html", context)


def _new_pages(site: _Site) -> Iterator[Page]:
    """What's new: entries by the day they were added, newest first, and their feed."""
    config = site.config
    added = sorted(
        (e for e in site.catalog.entries if e.added),
        key=lambda e: (e.added, e.date.sort_key if e.date else (0, 0, 0), e.slug),
        reverse=True,
    )
    size = config.page_size
    count = page_count(len(added), size)
    for number in range(1, count + 1):
        chunk = added[(number - 1) * size : number * size]
        groups = ((day, site.shown(tuple(g))) for day, g in itertools.groupby(chunk, key=_ADDED))
        # Each view shows its added day already: the group shares that object.
        days = tuple(DayGroup(shown[0].added or shown_date(day), shown) for day, shown in groups)
        where = pager("new/", number, count)
        context = {
            "page_title": "What's new" if number == 1 else f"What's new, page {number}",
            "description": f"Entries as they joined {config.title}, newest first.",
            "days": days,
            "pager": where,
            "feeds": (FeedLink(f"New in {config.title}", "new/feed.xml"),),
            "prev_url": where.prev_url,
            "next_url": where.next_url,
        }
        yield _html(site, page_url("new/", number), "new.html", context)
    title, subtitle = f"New in {config.title}", "Entries as they join the list."
    yield _feed(site, "new/feed.xml", title, subtitle, "new/", added, _when_added)


def _not_found_page(site: _Site) -> Page:
    # Served at any address that has no page, so it lives at the top, not in 404/.
    context = {"page_title": "Page not found", "url": "404.html"}
    return _html(site, "", "404.html", context, path="404.html", noindex=True)


def _file_pages(site: _Site, pages: Sequence[Page]) -> Iterator[Page]:
    """The sitemap, robots.txt, the copied files and the exports."""
    catalog, config = site.catalog, site.config
    urls = sorted(p.url for p in pages if p.sitemap and p.path.endswith("index.html"))
    yield Page("sitemap.xml", "sitemap.xml", {"urls": tuple(urls)})
    robots = "User-agent: *\nAllow: /\n"
    if config.origin:
        robots += f"Sitemap: {config.origin}{config.base_path}sitemap.xml\n"
    yield Page("robots.txt", "robots.txt", {"text": robots})
    for name in COPIED_FILES:
        yield Page(name, name, {})
    if site.rows is not None:
        yield Page("catalog.json", "catalog.json", {"text": catalog_json(catalog, site.rows)})
        yield Page("list.md", "list.md", {"text": catalog_markdown(catalog, config, site.rows)})
        return
    # Their lines not made yet: each export makes its own when it is rendered, in
    # whichever process renders it. The list shows a summary as the entry pages do.
    bodies = {slug: str(view.body) for slug, view in site.views.items()}
    yield Page("catalog.json", "catalog.json", {"catalog": catalog})
    yield Page("list.md", "list.md", {"catalog": catalog, "config": config, "bodies": bodies})
