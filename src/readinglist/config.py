"""Site settings, with the defaults the real site uses.

Plain frozen data: the command line fills in what the user overrides, the
renderer reads it. Pure: reads no files.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit


@dataclass(frozen=True)
class SiteConfig:
    """How the catalog becomes a site."""

    title: str = "readinglist"
    """The site's name, in every page title, the header and the feeds."""
    description: str = (
        "A curated reading list on MLOps and machine-learning systems:"
        " articles, papers, talks and books, browsable by tag, company, year and kind."
    )
    """One sentence for the home page, its meta description and the main feed's subtitle."""
    base_url: str = "/"
    """Where the site is served: a path prefix (``/`` or ``/readinglist/``), or an absolute
    URL whose path is the prefix (``https://example.github.io/readinglist/``). Links inside
    the site use the path only, so it works both at a domain root and under a prefix; an
    absolute URL also makes canonical links, OpenGraph, the sitemap and feeds absolute."""
    page_size: int = 100
    """Entries per list page; longer lists continue at ``page/2/``, ``page/3/``..."""
    feed_size: int = 50
    """Entries per Atom feed, newest first: feed readers need the recent ones only."""
    related_count: int = 5
    """Related entries shown on an entry page, those sharing the most tags first."""
    chart_bars: int = 15
    """Bars in the stats page's top-tags and top-companies charts."""
    language: str = "en"
    """The ``lang`` of every page."""
    feed_id_authority: str = "readinglist,2026"
    """The ``tag:`` URI authority for Atom ids (RFC 4151): ids must never change, even
    when the site moves to another address, so they do not derive from ``base_url``."""

    @property
    def base_path(self) -> str:
        """The path prefix, always starting and ending with ``/``."""
        path = urlsplit(self.base_url).path if "://" in self.base_url else self.base_url
        path = "/" + path.strip("/")
        return path if path == "/" else path + "/"

    @property
    def origin(self) -> str:
        """``https://host`` when ``base_url`` is absolute, else empty."""
        if "://" not in self.base_url:
            return ""
        parts = urlsplit(self.base_url)
        return f"{parts.scheme}://{parts.netloc}"
