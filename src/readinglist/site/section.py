"""What a site is planned in: pages, the sections that plan them, and what all pages share.

A page's ``context`` is plain data made in full (frozen views, tuples, strings,
numbers, Markup), and a template reads nothing else but the link helpers and
the settings: so two pages with equal contexts, templates and settings have
the same bytes. A section's pages are planned from its inputs and the
site-wide settings alone, so equal inputs give equal pages.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

from readinglist.config import SiteConfig
from readinglist.site.views import FeedLink, page_path


@dataclass(frozen=True, slots=True)
class Page:
    """One output file and everything it is rendered from, but the templates and settings."""

    path: str
    """Relative output path: ``entries/x/index.html``, ``feed.xml``."""
    template: str
    """A Jinja template name, a name in :data:`~readinglist.site.pages.COPIED_FILES`,
    one of :data:`~readinglist.site.pages.EXPORTS`, or ``robots.txt``."""
    context: Mapping[str, Any]
    """Everything the template receives, as plain data."""
    url: str = ""
    """The page's URL relative to the base path; empty for files that are not pages."""
    sitemap: bool = False
    """Listed in ``sitemap.xml``: every HTML page a reader should land on."""


@dataclass(frozen=True, slots=True)
class SiteWide:
    """What every page of one site is planned with."""

    config: SiteConfig
    defaults: Mapping[str, Any]
    """What every HTML page's template reads, unless the page says otherwise."""

    @classmethod
    def of(cls, config: SiteConfig) -> SiteWide:
        return cls(
            config,
            {
                "page_title": "",
                "description": config.description,
                "og_type": "website",
                "feeds": (FeedLink(f"{config.title}: newest entries", "feed.xml"),),
                "prev_url": None,
                "next_url": None,
            },
        )


class Section(NamedTuple):
    """Some pages of a site, which ``plan(site, *inputs)`` makes from the site-wide
    settings and ``inputs`` alone: equal inputs give equal pages.

    A named tuple, as a site has one for each tag, company, year and kind (640 at
    10,000 entries): made in a third of the time a frozen dataclass takes.
    """

    key: str
    """Unique among a site's sections: where its pages are (``tags/mlops/``, ``catalog.json``)."""
    plan: Callable[..., Iterable[Page]]
    inputs: tuple[Any, ...]
    """Plain data: entries, their views, a term, numbers and strings."""


class EachPage(NamedTuple):
    """A section of one page per item, which ``plan(site, *item)`` makes from the
    site-wide settings and that item alone: an entry's page, from its view and the
    views of its related entries."""

    key: str
    """Unique among a site's sections: where its pages are (``entries/``)."""
    plan: Callable[..., Page]
    items: tuple[tuple[Any, ...], ...]


def planned(site: SiteWide, part: Section | EachPage) -> list[Page]:
    """The pages of one section, planned."""
    if isinstance(part, EachPage):
        return [part.plan(site, *item) for item in part.items]
    return list(part.plan(site, *part.inputs))


def html_page(
    site: SiteWide,
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
