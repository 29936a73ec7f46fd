"""What a web page says about itself, its title and publication day, read over HTTP
for ``readinglist new --fetch`` to offer as defaults.

The page is read within ``FETCH_BUDGET`` (:mod:`readinglist.http`): one deadline
for the whole fetch, the body inflated no further than its cap, and no redirect
from a public address into a private one. The title comes back as one clean line.
"""

from __future__ import annotations

import asyncio
import datetime
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from readinglist import __version__
from readinglist.config import FETCH_BUDGET, HttpBudget
from readinglist.http import (
    ACCEPT_ENCODING,
    Refused,
    Resolver,
    deadline_refusal,
    header_hook,
    printable,
    protocol_refusal,
    read_body,
    redirect_refusal,
)
from readinglist.problems import Problem


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


def page_facts(html: str) -> PageFacts:
    """The title (OpenGraph first, then <title>) and publication day a page declares."""
    reader = _HeadReader()
    reader.feed(html)
    reader.close()
    # Shown in the terminal and written into the entry: one clean line, cut.
    title = printable(reader.meta.get("og:title", "")) or printable("".join(reader.title_parts))
    published = reader.meta.get("article:published_time", "").strip()
    try:
        date = datetime.date.fromisoformat(published[:10]).isoformat()
    except ValueError:
        date = ""
    return PageFacts(title, date)


def fetch_page_facts(
    url: str, budget: HttpBudget = FETCH_BUDGET, resolve: Resolver | None = None
) -> tuple[PageFacts, Problem | None]:
    """GET the page and read its facts, within ``budget``.

    A page that cannot be read, or whose server breaks the budget (too slow,
    too large, redirected inside a private network), is a warning with the
    reason: never a crash or a hang. ``resolve`` stands in for DNS in tests.
    """
    import httpx

    try:
        page = asyncio.run(_fetch(url, budget, resolve))
    except Refused as exc:
        return PageFacts(), _fetch_problem(url, str(exc))
    except (TimeoutError, httpx.TimeoutException):
        return PageFacts(), _fetch_problem(url, deadline_refusal(budget))
    except httpx.InvalidURL as exc:
        return PageFacts(), _fetch_problem(url, f"the address is not valid ({printable(str(exc))})")
    except (httpx.HTTPError, OSError, ValueError) as exc:
        why = printable(str(exc) or type(exc).__name__)
        refusal = protocol_refusal(exc, budget) or f"it could not be reached ({why})"
        return PageFacts(), _fetch_problem(url, refusal)
    return page_facts(page.html()), None


@dataclass(frozen=True)
class _Page:
    body: bytes
    charset: str

    def html(self) -> str:
        try:
            return self.body.decode(self.charset, errors="replace")
        except LookupError:
            return self.body.decode("utf-8", errors="replace")


async def _fetch(url: str, budget: HttpBudget, resolve: Resolver | None) -> _Page:
    """The page at the end of the redirects, its body cut at the budget's cap."""
    import httpx

    headers = {
        "User-Agent": f"readinglist/{__version__}",
        "Accept": "text/html",
        "Accept-Encoding": ACCEPT_ENCODING,
    }
    async with (
        asyncio.timeout(budget.deadline),
        httpx.AsyncClient(
            timeout=budget.deadline,
            headers=headers,
            event_hooks={"response": [header_hook(budget)]},
        ) as client,
    ):
        current = url
        for _ in range(budget.max_redirects + 1):
            async with client.stream("GET", current) as response:
                if response.is_redirect:
                    current = await _next(url, current, response.headers["location"], resolve)
                    continue
                if response.status_code >= 400:
                    raise Refused(f"the server answered HTTP {response.status_code}")
                content_type = response.headers.get("content-type", "").split(";")[0]
                content_type = content_type.strip().lower()
                if content_type not in ("text/html", "application/xhtml+xml", ""):
                    raise Refused(f"it is {printable(content_type, 80)}, not an HTML page")
                body = await read_body(response, budget)
                return _Page(body, response.charset_encoding or "utf-8")
    raise Refused("it redirects too many times")


async def _next(start: str, current: str, location: str, resolve: Resolver | None) -> str:
    """Where a redirect leads, when the budget lets the chain go there."""
    target = urljoin(current, location.strip())
    if urlsplit(target).scheme not in ("http", "https"):
        raise Refused(f"it redirects to {printable(target)}, which is not an http(s) address")
    why = await redirect_refusal(start, target, resolve)
    if why:
        raise Refused(why)
    return target


def _fetch_problem(url: str, why: str) -> Problem:
    return Problem(
        url,
        1,
        "fetch",
        f"could not read the page: {why}",
        "fill in the title and date yourself",
        "warning",
    )
