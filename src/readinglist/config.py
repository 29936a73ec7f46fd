"""Settings, with the defaults the real site uses: the site's and the link checker's.

Plain frozen data: the command line fills in what the user overrides, the
renderer reads it. Pure: reads no files.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from readinglist import __version__

DEFAULT_LINKS_CACHE = str(Path(".cache") / "links.json")
"""Where ``readinglist links`` remembers what it found."""


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


@dataclass(frozen=True)
class HttpBudget:
    """What one URL may cost readinglist, whatever its server sends or how slowly.

    Every HTTP client holds to it (``new --fetch``, ``links``), through
    :mod:`readinglist.http`; a server past any limit gets a verdict naming it.
    """

    deadline: float = 15.0
    """Seconds for all that is asked of one URL: connecting, every redirect and
    attempt, the headers and as much body as is read, however slowly each byte
    comes. Pauses between attempts are not counted."""
    max_body_bytes: int = 2_000_000
    """Bytes of body read, counted after decompression; the rest is never inflated."""
    max_header_bytes: int = 64 * 1024
    """Bytes of one response's status line and headers; more is refused."""
    max_redirects: int = 10


FETCH_BUDGET = HttpBudget(deadline=10.0)
"""``new --fetch``: a page's head holds its title and day; a contributor is waiting."""


@dataclass(frozen=True)
class LinkSettings:
    """How politely and how patiently servers are asked."""

    per_host: int = 2
    """At most this many requests to one host at a time."""
    pause: float = 0.5
    """Seconds a host's request slot rests after each request before its next one."""
    total: int = 100
    """At most this many requests in flight over all hosts."""
    timeout: float = 15.0
    """The deadline of one URL (``HttpBudget.deadline``): a timeout is its verdict."""
    retries: int = 2
    """Extra attempts after a 5xx or a 429, within the URL's deadline."""
    backoff: float = 1.0
    """Seconds before the first retry; doubled for each one after."""
    max_retry_after: float = 60.0
    """Longest Retry-After we wait for; a server asking for more gets no retry."""
    max_redirects: int = 10
    user_agent: str = f"readinglist/{__version__} link checker"
    trust_env: bool = True
    """Use proxy settings from the environment (HTTPS_PROXY, NO_PROXY...)."""

    @property
    def budget(self) -> HttpBudget:
        """What one URL may cost: the checker reads headers only, never a body."""
        return HttpBudget(deadline=self.timeout, max_body_bytes=0, max_redirects=self.max_redirects)


@dataclass(frozen=True)
class LinkPolicy:
    """What the cache remembers and when a failure counts."""

    max_age: datetime.timedelta = datetime.timedelta(days=7)
    """A URL found OK more recently than this is not requested again."""
    confirm_runs: int = 2
    """A failure is reported after this many failing runs in a row..."""
    confirm_gap: datetime.timedelta = datetime.timedelta(days=1)
    """...the first and the last of them at least this far apart."""
