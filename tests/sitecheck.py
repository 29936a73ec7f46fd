"""What the site tests share: build a catalog, serve it as a static host would, crawl it,
and run the Nu Html Checker and axe-core on it.

Test support only: it runs ``readinglist build`` as a user would (a subprocess), serves the
output on 127.0.0.1 and never reaches any other host.
"""

from __future__ import annotations

import functools
import http.server
import json
import subprocess
import sys
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, ConsoleMessage, Page, Playwright, Route

REPO = Path(__file__).resolve().parent.parent
FIXTURE_CONTENT = REPO / "tests" / "fixtures" / "content"
VNU_JAR = REPO / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE_JS = REPO / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
)
NOT_FOUND_PAGE = "404.html"
PAGE_TYPES = {
    "home": "",
    "entry": "entries/michelangelo/",
    "tag index": "tags/",
    "tag": "tags/feature-store/",
    "company index": "companies/",
    "company": "companies/uber/",
    "year index": "years/",
    "year": "years/2017/",
    "kind index": "kinds/",
    "kind": "kinds/paper/",
    "new": "new/",
    "stats": "stats/",
    "search": "search/?q=feature+store",
    "404": NOT_FOUND_PAGE,
}
"""One page of each kind the fixture catalog builds, by its site-relative address."""
TIMEOUT_SECONDS = 10


@dataclass(frozen=True)
class ServedSite:
    """A built site and the address it is served at."""

    out: Path
    """The build output folder."""
    url: str
    """The home page's address, ending in ``/``: ``http://127.0.0.1:PORT/`` or with a prefix."""

    def at(self, path: str) -> str:
        """The address of a page given by its site-relative path, ``tags/mlops/`` say."""
        return self.url + path.lstrip("/")


def build_site(content: Path, out: Path, base_url: str, *, search: bool = True) -> None:
    """Run ``readinglist build`` as a user would; a failed build fails the test with its output."""
    command = [
        sys.executable,
        "-m",
        "readinglist",
        "build",
        "--content",
        str(content),
        "--out",
        str(out),
        "--base-url",
        base_url,
        # A fresh cache: every test session checks a cold build and leaves .cache/ alone.
        "--cache",
        str(out.parent / "cache"),
    ]
    if not search:
        command.append("--no-search")
    result = subprocess.run(command, capture_output=True, text=True, check=False, cwd=REPO)
    if result.returncode != 0:
        raise AssertionError(
            f"readinglist build exited {result.returncode}:\n{result.stdout}{result.stderr}"
        )


class _StaticHostHandler(http.server.SimpleHTTPRequestHandler):
    """Serves ``out`` at ``prefix`` the way GitHub Pages does: ``dir/`` gives ``dir/index.html``,
    ``dir`` redirects to ``dir/``, anything missing gets the site's 404 page with status 404."""

    def __init__(self, *args: Any, out: Path, prefix: str, **kwargs: Any) -> None:
        self.out = out
        self.prefix = prefix
        super().__init__(*args, directory=str(out), **kwargs)

    def translate_path(self, path: str) -> str:
        route = urllib.parse.urlsplit(path).path
        if not route.startswith(self.prefix):
            return str(self.out.parent / "outside the prefix: nothing here")
        return super().translate_path("/" + route[len(self.prefix) :])

    def list_directory(self, path: str | Any) -> None:
        # A static host lists no folders: a folder without index.html is missing.
        self.send_error(404)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = self.out / NOT_FOUND_PAGE
        if code != 404 or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the tests report what matters."""


@contextmanager
def serve(out: Path, prefix: str = "/") -> Iterator[str]:
    """Serve ``out`` at ``http://127.0.0.1:PORT{prefix}`` on a free port; yield that address.

    The folder may be filled after the server starts, so a build can be told its own address.
    """
    handler = functools.partial(_StaticHostHandler, out=out, prefix=prefix)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{prefix}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@dataclass(frozen=True)
class WatchedPage:
    """A browser page and what went wrong while it was used."""

    page: Page
    console_errors: list[str]
    """Console errors and uncaught exceptions, each with the page it happened on."""
    foreign_requests: list[str]
    """Requests to any host but the local server; blocked, and recorded here."""


@contextmanager
def watched_page(browser: Browser, site: ServedSite, **options: Any) -> Iterator[WatchedPage]:
    """A page in a fresh context (``options`` go to ``new_context``) that records console
    errors and blocks, and records, every request to another host."""
    context = browser.new_context(**options)
    page = context.new_page()
    watched = WatchedPage(page, [], [])
    origin = _origin(site.url) + "/"

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            watched.console_errors.append(f"{page.url}: {message.text}")

    def on_request(route: Route) -> None:
        if route.request.url.startswith(origin):
            route.continue_()
        else:
            watched.foreign_requests.append(route.request.url)
            route.abort()

    page.on("console", on_console)
    page.on("pageerror", lambda error: watched.console_errors.append(f"{page.url}: {error}"))
    context.route("**/*", on_request)
    try:
        yield watched
    finally:
        context.close()


def launch_chromium(playwright: Playwright) -> Browser:
    """Debian's Chromium, headless; Playwright's own browser download is never used."""
    return playwright.chromium.launch(
        executable_path=CHROMIUM, headless=True, args=list(CHROMIUM_ARGS)
    )


class _PageParts(HTMLParser):
    """The links, ids and metadata of one HTML page, read with the standard parser."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.ids: set[str] = set()
        self.feeds: list[str] = []
        self.base: str | None = None
        self.redirect: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if "id" in values:
            self.ids.add(values["id"])
        if tag == "a" and "name" in values:
            self.ids.add(values["name"])
        if tag == "base" and "href" in values:
            self.base = values["href"]
        if tag in ("a", "link", "area") and "href" in values:
            self.links.append(values["href"])
            if tag == "link" and values.get("type") == "application/atom+xml":
                self.feeds.append(values["href"])
        if tag in ("img", "script", "source", "iframe") and "src" in values:
            self.links.append(values["src"])
        if tag == "form" and "action" in values:
            self.links.append(values["action"])
        if tag == "meta" and values.get("http-equiv", "").lower() == "refresh":
            _, _, target = values.get("content", "").partition("=")
            self.redirect = target.strip().strip("'\"")
            self.links.append(self.redirect)


@dataclass(frozen=True)
class Fetched:
    """One internal address as the crawl found it."""

    status: int
    content_type: str
    body: bytes


@dataclass
class Crawl:
    """Everything reached from the start pages by following internal links."""

    origin: str
    fetched: dict[str, Fetched] = field(default_factory=dict)
    """Every internal address (without fragment) reached, with its response."""
    referrers: dict[str, set[str]] = field(default_factory=dict)
    """For each address, the pages that link to it (fragments included in the key)."""
    pages: dict[str, _PageParts] = field(default_factory=dict)
    """Every HTML page reached, parsed."""
    clicks: dict[str, int] = field(default_factory=dict)
    """For each address, the fewest links followed from a start page to reach it."""

    def broken(self) -> list[str]:
        """``page -> link: why`` for every internal link that does not resolve."""
        found: list[str] = []
        for link, sources in sorted(self.referrers.items()):
            address, _, fragment = link.partition("#")
            for source in sorted(sources):
                # A link within the page itself (the skip link) needs no fetch, only its id.
                status = 200 if address == source else self.fetched[address].status
                if status != 200:
                    found.append(f"{source} -> {link}: HTTP {status}")
                elif fragment and fragment not in self.pages[address].ids:
                    found.append(f"{source} -> {link}: no element with id {fragment!r}")
        return found

    def feeds(self) -> list[str]:
        """Every Atom feed announced with ``<link rel="alternate">``, sorted."""
        return sorted(
            {
                urllib.parse.urljoin(_base_of(address, parts), href)
                for address, parts in self.pages.items()
                for href in parts.feeds
            }
        )


def _base_of(address: str, parts: _PageParts) -> str:
    return urllib.parse.urljoin(address, parts.base) if parts.base else address


def fetch(address: str) -> Fetched:
    """GET one address from the local server, keeping error responses rather than raising."""
    try:
        with urllib.request.urlopen(address, timeout=TIMEOUT_SECONDS) as response:
            return Fetched(response.status, response.headers.get_content_type(), response.read())
    except urllib.error.HTTPError as error:
        return Fetched(error.code, error.headers.get_content_type(), error.read())


def crawl(*starts: str) -> Crawl:
    """Follow every same-origin link from ``starts``, breadth first; other hosts are never
    contacted."""
    origin = _origin(starts[0])
    result = Crawl(origin)
    queue = deque((urllib.parse.urldefrag(start).url, 0) for start in starts)
    start_addresses = {address for address, _ in queue}
    while queue:
        address, clicks = queue.popleft()
        if address in result.fetched:
            continue
        response = fetch(address)
        result.fetched[address] = response
        result.clicks[address] = clicks
        # A start page is read whatever its status (a missing address shows the 404 page).
        if response.content_type != "text/html" or (
            response.status != 200 and address not in start_addresses
        ):
            continue
        parts = _PageParts()
        parts.feed(response.body.decode("utf-8"))
        result.pages[address] = parts
        base = _base_of(address, parts)
        for href in parts.links:
            link = urllib.parse.urljoin(base, href)
            if _origin(link) != origin:
                continue
            result.referrers.setdefault(link, set()).add(address)
            queue.append((urllib.parse.urldefrag(link).url, clicks + 1))
    return result


def _origin(address: str) -> str:
    parts = urllib.parse.urlsplit(address)
    return f"{parts.scheme}://{parts.netloc}"


def page_address(site: ServedSite, html_file: Path) -> str:
    """The address a built ``.html`` file is served at: ``x/index.html`` is ``x/``."""
    relative = html_file.relative_to(site.out).as_posix()
    if relative == "index.html" or relative.endswith("/index.html"):
        relative = relative.removesuffix("index.html")
    return site.at(relative)


def html_files(out: Path) -> list[Path]:
    """Every HTML page the build wrote, the search bundle's own files aside."""
    return sorted(
        path for path in out.rglob("*.html") if "pagefind" not in path.relative_to(out).parts
    )


def redirect_target(html_file: Path) -> str | None:
    """Where a page sends readers on at once (``<meta http-equiv="refresh">``), if anywhere:
    the pages kept at an old tag or company address do."""
    parts = _PageParts()
    parts.feed(html_file.read_text(encoding="utf-8"))
    return parts.redirect


def is_redirect(html_file: Path) -> bool:
    return redirect_target(html_file) is not None


def reader_pages(site: ServedSite) -> set[str]:
    """The address of every page meant to be linked to: all but the 404 page and the
    redirects from old addresses."""
    return {
        page_address(site, path)
        for path in html_files(site.out)
        if path.name != NOT_FOUND_PAGE and not is_redirect(path)
    }


def run_vnu(folder: Path) -> list[dict[str, Any]]:
    """Every error the Nu Html Checker finds in the HTML files under ``folder``."""
    result = subprocess.run(
        [
            "java",
            "-jar",
            str(VNU_JAR),
            "--errors-only",
            "--format",
            "json",
            "--skip-non-html",
            str(folder),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    # The checker writes its JSON report to stderr and exits 1 when it found errors.
    try:
        report = json.loads(result.stderr)
    except json.JSONDecodeError as error:
        raise AssertionError(
            f"vnu gave no report (exit {result.returncode}):\n{result.stderr}"
        ) from error
    messages: list[dict[str, Any]] = report["messages"]
    return messages


def format_vnu(messages: list[dict[str, Any]], folder: Path) -> str:
    """One ``file:line: message`` line per checker message, for a readable failure."""
    lines = []
    for message in messages:
        path = urllib.parse.unquote(urllib.parse.urlsplit(message.get("url", "")).path)
        shown = Path(path).relative_to(folder) if path.startswith(str(folder)) else path
        lines.append(f"{shown}:{message.get('lastLine', '?')}: {message['message']}")
    return "\n".join(lines)


def run_axe(page: Page) -> list[dict[str, Any]]:
    """axe-core's violations on the page as it is now, with its default rules."""
    page.add_script_tag(path=str(AXE_JS))
    violations: list[dict[str, Any]] = page.evaluate(
        "async () => (await axe.run(document)).violations"
    )
    return violations


def format_axe(violations: list[dict[str, Any]]) -> str:
    """One line per violation and the elements it concerns."""
    return "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']}: "
        + ", ".join(str(node["target"]) for node in v["nodes"])
        for v in violations
    )
