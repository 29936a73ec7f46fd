"""What the pages about the list as a whole show: indexes, stats, search, and renamed terms.

Each function gives the URL, the template and the page's own variables of HTML
pages; :mod:`readinglist.site.pages` adds what every page shows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from readinglist.catalog.model import Catalog
from readinglist.catalog.urls import slugify
from readinglist.config import SiteConfig
from readinglist.site.charts import bar_chart
from readinglist.site.views import Chart, Filters, Term, TermLink, Totals, page_path

HtmlPage = tuple[str, str, dict[str, Any]]
"""An HTML page's URL, template, and what its template shows of it."""


def totals(catalog: Catalog) -> Totals:
    return Totals(
        entries=len(catalog.entries),
        tags=len(catalog.by_tag),
        companies=len(catalog.by_company),
        years=len(catalog.by_year),
        kinds=len(catalog.by_kind),
    )


def _by_name(term: TermLink) -> str:
    return term.name.lower()


def _by_count(item: tuple[str, int]) -> tuple[int, str]:
    return -item[1], item[0]


def top_tags(catalog: Catalog, count: int) -> tuple[TermLink, ...]:
    """The ``count`` tags with the most entries, the first by id among equals."""
    top = sorted(catalog.tag_counts().items(), key=_by_count)[:count]
    return tuple(TermLink(f"tags/{t}/", catalog.tags[t].name, n) for t, n in top)


UNDATED = "undated"
"""The years index's name for entries with no publication date, and their page's slug."""


def per_year(catalog: Catalog) -> list[tuple[str, int]]:
    """(year, entries) newest year first, then the undated, when there are any."""
    rows = [(str(year), len(published)) for year, published in catalog.by_year.items()]
    return rows + ([(UNDATED, len(catalog.undated))] if catalog.undated else [])


def index_pages(catalog: Catalog) -> Iterator[HtmlPage]:
    """The pages that list every tag, company, year and kind."""
    tags, companies = catalog.tags, catalog.companies
    tag_links = (
        TermLink(f"tags/{t}/", tags[t].name, len(tagged), tags[t].description)
        for t, tagged in catalog.by_tag.items()
    )
    company_links = (
        TermLink(f"companies/{c}/", companies[c].name, len(made))
        for c, made in catalog.by_company.items()
    )
    indexes = (
        (
            "tags/",
            "Tags",
            "Every topic in the list, with what belongs under it.",
            sorted(tag_links, key=_by_name),
        ),
        (
            "companies/",
            "Companies",
            "The organisations behind the resources.",
            sorted(company_links, key=_by_name),
        ),
        (
            "years/",
            "Years",
            "Resources by the year they were published; living resources are undated.",
            [TermLink(f"years/{y}/", y, n) for y, n in per_year(catalog)],
        ),
        (
            "kinds/",
            "Kinds",
            "Articles, papers, talks, books and more.",
            [TermLink(f"kinds/{k}/", k, len(p)) for k, p in catalog.by_kind.items()],
        ),
    )
    for url, title, intro, terms in indexes:
        context = {
            "page_title": title,
            "heading": title,
            "intro": intro,
            "description": intro,
            "terms": tuple(terms),
        }
        yield url, "terms.html", context


def stats_page(catalog: Catalog, config: SiteConfig) -> HtmlPage:
    """Entries per year, and the top tags and companies, as charts."""
    tags, companies, bars = catalog.tags, catalog.companies, config.chart_bars
    top_tags = sorted(catalog.tag_counts().items(), key=_by_count)[:bars]
    top_companies = sorted(catalog.company_counts().items(), key=_by_count)[:bars]
    charts = (
        ("chart-years", "Entries per year", per_year(catalog)),
        ("chart-tags", "Top tags", [(tags[t].name, n) for t, n in top_tags]),
        ("chart-companies", "Top companies", [(companies[c].name, n) for c, n in top_companies]),
    )
    context = {
        "page_title": "Stats",
        "description": "The list in numbers: entries per year, top tags, top companies.",
        "totals": totals(catalog),
        "charts": tuple(
            Chart(key, title, bar_chart(key, title, rows)) for key, title, rows in charts
        ),
    }
    return "stats/", "stats.html", context


def search_page(catalog: Catalog, config: SiteConfig) -> HtmlPage:
    """The search form, with a choice for every tag, company, kind and year."""
    filters = Filters(
        tags=tuple(Term(t, catalog.tags[t].name) for t in catalog.by_tag),
        companies=tuple(Term(c, catalog.companies[c].name) for c in catalog.by_company),
        kinds=tuple(catalog.by_kind),
        years=tuple(year for year, _ in per_year(catalog)),
    )
    context = {
        "page_title": "Search",
        "description": f"Search {config.title} by words, tag, company, kind and year.",
        "filters": filters,
    }
    return "search/", "search.html", context


def redirect_pages(catalog: Catalog, taken: Callable[[str], bool]) -> Iterator[HtmlPage]:
    """Old URLs of renamed tags and companies (their aliases) point to the current page,
    where no page is ``taken`` and no earlier alias took them."""
    renamed = [
        ("tags", ident, catalog.tags[ident].name, catalog.tags[ident].aliases)
        for ident in catalog.by_tag
    ] + [
        ("companies", ident, catalog.companies[ident].name, catalog.companies[ident].aliases)
        for ident in catalog.by_company
    ]
    redirected: set[str] = set()
    for section, ident, name, aliases in renamed:
        for alias in sorted(aliases):
            slug = slugify(alias)
            url = f"{section}/{slug}/"
            if not slug or url in redirected or taken(page_path(url)):
                continue
            redirected.add(url)
            target = f"{section}/{ident}/"
            context = {
                "page_title": f"{alias}: moved to {name}",
                "heading": f"{alias} is now {name}",
                "description": f"{alias} is now {name}.",
                "url": target,
                "target_url": target,
                "target_name": name,
            }
            yield url, "redirect.html", context
