"""Every output file of a site as a Page, planned section by section.

A page's context is plain data made in full, and a template reads nothing else
but the link helpers and the settings (see :mod:`readinglist.site.section`).
Every entry has one :class:`EntryView`, shared by all the pages that show it.
A site is planned as :func:`sections`, each from its own inputs, then the pages
planned from all the others (:func:`closing_pages`). Output is deterministic:
everything is sorted and nothing depends on the clock.
"""

from __future__ import annotations

import operator
from collections.abc import Iterator, Mapping, Sequence

from readinglist.catalog.model import Catalog, Entry
from readinglist.config import SiteConfig
from readinglist.site import lists
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
from readinglist.site.section import EachPage, Page, Section, SiteWide, html_page, planned
from readinglist.site.views import EntryView, entry_views

COPIED_FILES: tuple[str, ...] = ("style.css", "search.js")
"""Files from the templates folder published as they are."""
EXPORTS: tuple[str, ...] = ("catalog.json", "list.md")
"""Files that list every entry, made by :mod:`readinglist.site.exports` rather than Jinja:
from their context's ``text`` when the plan was given the entries' lines, else from
the catalog when rendered."""
HOME_TOP_TAGS = 12
_SLUG = operator.attrgetter("slug")


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
    if views is None:
        views = entry_views(catalog, bodies)
    site = SiteWide.of(config)
    pages: list[Page] = []
    for part in sections(catalog, related, views, rows):
        pages += planned(site, part)
    pages += closing_pages(catalog, site, pages)
    return tuple(sorted(pages, key=operator.attrgetter("path")))


def sections(
    catalog: Catalog,
    related: Mapping[str, tuple[str, ...]],
    views: Mapping[str, EntryView],
    rows: Mapping[str, EntryRows] | None,
) -> Iterator[Section | EachPage]:
    """The site's sections, as :func:`plan_site` takes them: each entry's page, each
    list, the pages about the list as a whole, and the exports."""
    view = views.__getitem__
    every = catalog.entries
    slugs = tuple(map(_SLUG, every))
    items = tuple(zip(map(view, slugs), [tuple(map(view, related[s])) for s in slugs], strict=True))
    yield EachPage("entries/", _entry_page, items)

    def shown(entries: Sequence[Entry]) -> tuple[EntryView, ...]:
        # In C throughout: 80,000 views at 10,000 entries.
        return tuple(map(view, map(_SLUG, entries)))

    home = (totals(catalog), top_tags(catalog, HOME_TOP_TAGS), every, shown(every))
    yield Section("", lists.home_pages, home)
    for tag_id, tagged in catalog.by_tag.items():
        tag = catalog.tags[tag_id]
        yield Section(f"tags/{tag_id}/", lists.tag_pages, (tag, tagged, shown(tagged)))
    for company_id, made in catalog.by_company.items():
        company = catalog.companies[company_id]
        yield Section(f"companies/{company_id}/", lists.company_pages, (company, made, shown(made)))
    for year, published in catalog.by_year.items():
        yield Section(f"years/{year}/", lists.year_pages, (year, shown(published)))
    if catalog.undated:
        yield Section(f"years/{UNDATED}/", lists.undated_pages, (shown(catalog.undated),))
    for kind, of_kind in catalog.by_kind.items():
        yield Section(f"kinds/{kind}/", lists.kind_pages, (kind, shown(of_kind)))
    added = catalog.added
    yield Section("new/", lists.new_pages, (added, shown(added)))
    yield Section("tags/", _about_the_list, (catalog,))
    # Without their lines, the exports show each summary as the entry pages do.
    yield Section("catalog.json", _export_pages, (catalog, rows, None if rows else views))


def _entry_page(site: SiteWide, view: EntryView, related: tuple[EntryView, ...]) -> Page:
    context = {
        "page_title": view.title,
        "description": view.description,
        "og_type": "article",
        "e": view,
        "related": related,
    }
    return html_page(site, f"entries/{view.slug}/", "entry.html", context)


def _about_the_list(site: SiteWide, catalog: Catalog) -> Iterator[Page]:
    """The indexes of tags, companies, years and kinds; the stats; search; not found."""
    for page in index_pages(catalog):
        yield html_page(site, *page)
    yield html_page(site, *stats_page(catalog, site.config))
    yield html_page(site, *search_page(catalog, site.config))
    # Served at any address that has no page, so it lives at the top, not in 404/.
    context = {"page_title": "Page not found", "url": "404.html"}
    yield html_page(site, "", "404.html", context, path="404.html", noindex=True)


def _export_pages(
    site: SiteWide,
    catalog: Catalog,
    rows: Mapping[str, EntryRows] | None,
    views: Mapping[str, EntryView] | None,
) -> Iterator[Page]:
    """``catalog.json`` and ``list.md``: from each entry's ``rows`` when made already."""
    config = site.config
    if rows is not None:
        yield Page("catalog.json", "catalog.json", {"text": catalog_json(catalog, rows)})
        yield Page("list.md", "list.md", {"text": catalog_markdown(catalog, config, rows)})
        return
    # Their lines not made yet: each export makes its own when it is rendered, in
    # whichever process renders it.
    bodies = {slug: str(view.body) for slug, view in (views or {}).items()}
    yield Page("catalog.json", "catalog.json", {"catalog": catalog})
    yield Page("list.md", "list.md", {"catalog": catalog, "config": config, "bodies": bodies})


def closing_pages(catalog: Catalog, site: SiteWide, pages: Sequence[Page]) -> list[Page]:
    """What is planned from all the other pages: the old URLs of renamed terms where
    no page is, the sitemap, robots.txt and the copied files."""
    config = site.config
    taken = {page.path for page in pages}.__contains__
    closing = [html_page(site, *page, noindex=True) for page in redirect_pages(catalog, taken)]
    urls = sorted(p.url for p in pages if p.sitemap and p.path.endswith("index.html"))
    closing.append(Page("sitemap.xml", "sitemap.xml", {"urls": tuple(urls)}))
    robots = "User-agent: *\nAllow: /\n"
    if config.origin:
        robots += f"Sitemap: {config.origin}{config.base_path}sitemap.xml\n"
    closing.append(Page("robots.txt", "robots.txt", {"text": robots}))
    closing += (Page(name, name, {}) for name in COPIED_FILES)
    return closing
