"""What a web page says about itself, its title and publication day, read over HTTP
for ``readinglist new --fetch`` to offer as defaults.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from html.parser import HTMLParser

import httpx

from readinglist import __version__
from readinglist.problems import Problem

MAX_PAGE_BYTES = 2_000_000
"""The head of a page holds what we read; more than this is not worth downloading."""
FETCH_TIMEOUT = 10.0


@dataclass(frozen=True)
class PageFacts:
    """What ``--fetch`` found on the page, to offer as defaults."""

    title: str = ""
    date: str = ""


class _HeadReader(HTMLParser):
    """Collects <title>, og:title and article:published_time from a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.in_title = False
        self.title_parts: list[str] = []
        self.meta: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "title":
            self.in_title = True
        elif tag == "meta":
            values = {k.lower(): v or "" for k, v in attrs}
            key = (values.get("property") or values.get("name") or "").lower()
            if key and "content" in values:
                self.meta.setdefault(key, values["content"])

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self.in_title = False

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.title_parts.append(data)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def page_facts(html: str) -> PageFacts:
    """The title (OpenGraph first, then <title>) and publication day a page declares."""
    reader = _HeadReader()
    reader.feed(html)
    reader.close()
    title = _one_line(reader.meta.get("og:title", "")) or _one_line("".join(reader.title_parts))
    published = reader.meta.get("article:published_time", "").strip()
    try:
        date = datetime.date.fromisoformat(published[:10]).isoformat()
    except ValueError:
        date = ""
    return PageFacts(title, date)


def fetch_page_facts(url: str, timeout: float = FETCH_TIMEOUT) -> tuple[PageFacts, Problem | None]:
    """GET the page and read its facts; a page that cannot be read is a warning, not a crash."""
    headers = {"User-Agent": f"readinglist/{__version__}", "Accept": "text/html"}
    try:
        with (
            httpx.Client(follow_redirects=True, timeout=timeout, headers=headers) as client,
            client.stream("GET", url) as response,
        ):
            if response.status_code >= 400:
                return PageFacts(), _fetch_problem(
                    url, f"the server answered HTTP {response.status_code}"
                )
            body = bytearray()
            for chunk in response.iter_bytes():
                body += chunk
                if len(body) >= MAX_PAGE_BYTES:
                    break
            content_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
            charset = response.charset_encoding or "utf-8"
    except httpx.TimeoutException:
        return PageFacts(), _fetch_problem(url, f"no answer within {timeout:g} seconds")
    except httpx.TooManyRedirects:
        return PageFacts(), _fetch_problem(url, "it redirects too many times")
    except httpx.HTTPError as exc:
        return PageFacts(), _fetch_problem(
            url, f"it could not be reached ({exc or type(exc).__name__})"
        )
    except httpx.InvalidURL as exc:
        return PageFacts(), _fetch_problem(url, f"the address is not valid ({exc})")
    if content_type not in ("text/html", "application/xhtml+xml", ""):
        return PageFacts(), _fetch_problem(url, f"it is {content_type}, not an HTML page")
    try:
        html = bytes(body).decode(charset, errors="replace")
    except LookupError:
        html = bytes(body).decode("utf-8", errors="replace")
    return page_facts(html), None


def _fetch_problem(url: str, why: str) -> Problem:
    return Problem(
        url,
        1,
        "fetch",
        f"could not read the page: {why}",
        "fill in the title and date yourself",
        "warning",
    )
