"""The rendered site of the fixture catalog, as files a reader's browser would receive.

The whole output tree is compared with the golden copy in ``tests/golden/site/``.
After an intended change to templates or rendering, regenerate it and review the
difference in ``git diff``::

    READINGLIST_REGENERATE=1 .venv/bin/pytest tests/test_render.py

(``make golden`` does the same).
"""

from __future__ import annotations

import datetime
import difflib
import os
import re
import shutil
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st
from jinja2 import Environment, FileSystemLoader
from markupsafe import Markup, escape

from readinglist.catalog.model import Catalog
from readinglist.config import SiteConfig
from readinglist.site.render import escape_text, make_environment, render_site

FIXTURE = Path(__file__).parent / "fixtures" / "content"
GOLDEN = Path(__file__).parent / "golden" / "site"
TODAY = datetime.date(2026, 11, 24)
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(scope="module")
def files(catalog: Catalog) -> dict[str, bytes]:
    """The fixture site as rendered in memory (conftest's ``site`` serves it over HTTP)."""
    return render_site(catalog, SiteConfig())


def _tree(root: Path) -> dict[str, bytes]:
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def _difference(expected: dict[str, bytes], actual: dict[str, bytes]) -> str:
    lines: list[str] = []
    for path in sorted(expected.keys() - actual.keys()):
        lines.append(f"missing: {path}")
    for path in sorted(actual.keys() - expected.keys()):
        lines.append(f"unexpected: {path}")
    for path in sorted(expected.keys() & actual.keys()):
        if expected[path] != actual[path]:
            diff = difflib.unified_diff(
                expected[path].decode(errors="replace").splitlines(),
                actual[path].decode(errors="replace").splitlines(),
                f"golden/{path}",
                f"rendered/{path}",
                lineterm="",
                n=1,
            )
            lines.extend(list(diff)[:40])
    return "\n".join(lines)


def test_the_site_matches_the_golden_files(files: dict[str, bytes]) -> None:
    if os.environ.get("READINGLIST_REGENERATE"):
        shutil.rmtree(GOLDEN, ignore_errors=True)
        for path, data in files.items():
            target = GOLDEN / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
    difference = _difference(_tree(GOLDEN), files)
    assert not difference, (
        "the rendered site differs from tests/golden/site/ (if intended, regenerate with"
        " READINGLIST_REGENERATE=1 .venv/bin/pytest tests/test_render.py):\n" + difference
    )


def test_every_page_type_is_there(files: dict[str, bytes]) -> None:
    for path in (
        "index.html",
        "entries/michelangelo/index.html",
        "tags/index.html",
        "tags/feature-store/index.html",
        "tags/feature-store/feed.xml",
        "companies/index.html",
        "companies/uber/index.html",
        "companies/uber/feed.xml",
        "years/index.html",
        "years/2017/index.html",
        "kinds/index.html",
        "kinds/paper/index.html",
        "new/index.html",
        "new/feed.xml",
        "stats/index.html",
        "search/index.html",
        "feed.xml",
        "sitemap.xml",
        "robots.txt",
        "404.html",
        "catalog.json",
        "style.css",
    ):
        assert path in files, path


def _text(files: dict[str, bytes], path: str) -> str:
    return files[path].decode()


def test_content_is_data_never_a_template(files: dict[str, bytes]) -> None:
    page = _text(files, "entries/uber-realtime-thread/index.html")
    assert "A thread about real time ML {{ 7*7 }} &lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "49" not in page
    for path, data in files.items():
        if not path.endswith((".html", ".xml")):
            continue  # catalog.json and list.md carry the text as data, for tools
        text = data.decode()
        assert "<script>alert" not in text, path
        assert "onerror" not in text, path
        assert "javascript:" not in text.lower(), path


def test_only_the_search_page_loads_a_script(files: dict[str, bytes]) -> None:
    with_scripts = sorted(
        path for path, data in files.items() if path.endswith(".html") and b"<script" in data
    )
    assert with_scripts == ["search/index.html"]
    assert b"pagefind" not in files["index.html"]


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[tuple[str, str, str]] = []
        self.ids: list[str] = []
        self.h1 = 0
        self.landmarks: set[str] = set()
        self.lang = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "html":
            self.lang = values.get("lang", "")
        if tag == "h1":
            self.h1 += 1
        if tag in ("main", "header", "footer", "nav"):
            self.landmarks.add(tag)
        if "id" in values:
            self.ids.append(values["id"])
        for name in ("href", "src"):
            if name in values:
                self.links.append((tag, values.get("rel", ""), values[name]))


def _parse(data: bytes) -> _Page:
    page = _Page()
    page.feed(data.decode())
    return page


def _html_pages(files: dict[str, bytes]) -> dict[str, _Page]:
    return {path: _parse(data) for path, data in files.items() if path.endswith(".html")}


def test_every_page_has_one_h1_landmarks_a_language_and_unique_ids(
    files: dict[str, bytes],
) -> None:
    for path, page in _html_pages(files).items():
        assert page.h1 == 1, path
        assert {"main", "header", "footer", "nav"} <= page.landmarks, path
        assert page.lang == "en", path
        assert len(page.ids) == len(set(page.ids)), path
        assert ("a", "", "#main") in page.links, path


def test_every_page_has_title_description_canonical_and_opengraph(
    files: dict[str, bytes],
) -> None:
    for path, data in files.items():
        if not path.endswith(".html"):
            continue
        text = data.decode()
        assert re.search(r"<title>[^<]+</title>", text), path
        assert '<meta name="description" content="' in text, path
        assert '<link rel="canonical" href="/' in text, path
        for name in ("og:title", "og:description", "og:type", "og:url", "og:site_name"):
            assert f'<meta property="{name}" content="' in text, (path, name)


def _internal_targets(files: dict[str, bytes], base: str) -> list[tuple[str, str]]:
    """(page, link) for every link that stays on the site but finds no file."""
    broken = []
    for path, page in _html_pages(files).items():
        page_url = base + path.removesuffix("index.html")
        for _tag, _rel, link in page.links:
            if link.startswith("#") or "://" in link or link.startswith("mailto:"):
                continue
            target = urlsplit(urljoin(page_url, link)).path
            assert target.startswith(base), (path, link)
            relative = target[len(base) :]
            if relative.endswith("/") or not relative:
                relative += "index.html"
            if relative not in files:
                broken.append((path, link))
    return broken


def test_every_internal_link_finds_a_page_at_the_root(files: dict[str, bytes]) -> None:
    assert _internal_targets(files, "/") == []


def test_every_internal_link_honours_a_path_prefix(catalog: Catalog) -> None:
    prefixed = render_site(catalog, SiteConfig(base_url="/readinglist/"))
    assert _internal_targets(prefixed, "/readinglist/") == []
    home = prefixed["index.html"].decode()
    assert 'href="/readinglist/style.css"' in home
    assert 'href="/readinglist/tags/mlops/"' in home
    assert 'href="/tags/' not in home
    feed = prefixed["feed.xml"].decode()
    assert 'href="/readinglist/entries/michelangelo/"' in feed
    search = prefixed["search/index.html"].decode()
    assert 'src="/readinglist/search.js" data-base="/readinglist/"' in search


def test_an_absolute_base_url_makes_canonical_links_sitemap_and_feeds_absolute(
    catalog: Catalog,
) -> None:
    files = render_site(catalog, SiteConfig(base_url="https://example.github.io/readinglist/"))
    page = files["tags/mlops/index.html"].decode()
    assert '<link rel="canonical" href="https://example.github.io/readinglist/tags/mlops/">' in page
    assert 'href="/readinglist/entries/michelangelo/"' in page
    sitemap = files["sitemap.xml"].decode()
    assert "<loc>https://example.github.io/readinglist/tags/mlops/</loc>" in sitemap
    robots = files["robots.txt"].decode()
    assert "Sitemap: https://example.github.io/readinglist/sitemap.xml" in robots


def test_the_sitemap_lists_every_page_but_redirects_and_404(files: dict[str, bytes]) -> None:
    root = ET.fromstring(files["sitemap.xml"])
    listed = {loc.text for loc in root.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")}
    pages = {
        "/" + path.removesuffix("index.html")
        for path, data in files.items()
        if path.endswith("index.html") and b'content="noindex"' not in data
    }
    assert listed == pages
    assert "/tags/ml-ops/" not in listed


def test_feeds_follow_atom(files: dict[str, bytes]) -> None:
    feeds = [path for path in files if path.endswith(".xml") and path != "sitemap.xml"]
    assert len(feeds) == 8
    for path in feeds:
        root = ET.fromstring(files[path])
        assert root.tag == f"{ATOM}feed", path
        for required in ("id", "title", "updated", "author"):
            assert root.find(f"{ATOM}{required}") is not None, (path, required)
        assert root.find(f"{ATOM}link[@rel='self']") is not None, path
        entries = root.findall(f"{ATOM}entry")
        assert entries, path
        ids = [e.findtext(f"{ATOM}id") for e in entries]
        assert len(ids) == len(set(ids)), path
        newest = max(e.findtext(f"{ATOM}updated") or "" for e in entries)
        assert root.findtext(f"{ATOM}updated") == newest, path
        for entry in entries:
            assert (entry.findtext(f"{ATOM}id") or "").startswith("tag:readinglist,2026:")
            assert re.fullmatch(
                r"\d{4}-\d\d-\d\dT00:00:00Z", entry.findtext(f"{ATOM}updated") or ""
            )


def test_pages_link_their_feeds(files: dict[str, bytes]) -> None:
    page = files["tags/feature-store/index.html"].decode()
    assert (
        '<link rel="alternate" type="application/atom+xml" title="Feature store: readinglist"'
        ' href="/tags/feature-store/feed.xml">' in page
    )
    assert 'href="/companies/uber/feed.xml"' in files["companies/uber/index.html"].decode()
    assert 'href="/new/feed.xml"' in files["new/index.html"].decode()


def test_a_feed_summary_is_escaped_html(files: dict[str, bytes]) -> None:
    root = ET.fromstring(files["companies/uber/feed.xml"])
    summaries = [e.findtext(f"{ATOM}summary") for e in root.findall(f"{ATOM}entry")]
    assert "<p>How Uber built one platform" in (summaries[-1] or "")


def test_lists_paginate_with_prev_and_next(catalog: Catalog) -> None:
    files = render_site(catalog, SiteConfig(page_size=2))
    assert {"index.html", "page/2/index.html", "page/4/index.html"} <= set(files)
    assert "page/5/index.html" not in files
    middle = files["page/2/index.html"].decode()
    assert '<link rel="prev" href="/">' in middle
    assert '<link rel="next" href="/page/3/">' in middle
    assert '<a rel="next" href="/page/3/">Older</a>' in middle
    tag_page = files["tags/mlops/page/2/index.html"].decode()
    assert '<link rel="prev" href="/tags/mlops/">' in tag_page
    assert "page 2 of 3" in tag_page


def test_a_long_list_links_the_first_last_and_nearby_pages(catalog: Catalog) -> None:
    files = render_site(catalog, SiteConfig(page_size=1))
    assert "page/7/index.html" in files and "page/8/index.html" not in files

    def numbers(path: str) -> list[str]:
        pages = files[path].decode().split('<nav class="pages"', 1)[1].split("</nav>", 1)[0]
        return re.findall(r"<li>(?:<a[^>]*>)?(\d+|…)", pages)

    assert numbers("index.html") == ["1", "2", "3", "…", "7"]
    assert numbers("page/3/index.html") == ["1", "2", "3", "4", "5", "6", "7"]
    assert numbers("page/7/index.html") == ["1", "…", "5", "6", "7"]
    assert '<a aria-current="page" href="/page/7/">7</a>' in files["page/7/index.html"].decode()


def test_the_real_catalog_size_fits_on_one_page(files: dict[str, bytes]) -> None:
    assert not any("/page/" in path or path.startswith("page/") for path in files)
    assert b'rel="next"' not in files["index.html"]


def test_alias_urls_redirect_to_the_current_page(files: dict[str, bytes]) -> None:
    page = files["tags/ml-ops/index.html"].decode()
    assert '<meta http-equiv="refresh" content="0; url=/tags/mlops/">' in page
    assert '<meta name="robots" content="noindex">' in page
    assert '<a href="/tags/mlops/">MLOps</a>' in page
    company = files["companies/uber-engineering/index.html"].decode()
    assert "url=/companies/uber/" in company


def test_the_stats_page_draws_charts_without_javascript(files: dict[str, bytes]) -> None:
    page = files["stats/index.html"].decode()
    assert page.count('<svg class="chart" role="img"') == 3
    assert "<script" not in page
    assert '<title id="chart-years-title">Entries per year</title>' in page


def test_entry_pages_carry_search_filters_and_sort(files: dict[str, bytes]) -> None:
    page = files["entries/michelangelo/index.html"].decode()
    assert "data-pagefind-body" in page
    assert 'data-pagefind-filter="tag:feature-store"' in page
    assert 'data-pagefind-filter="company:uber"' in page
    assert 'data-pagefind-filter="kind"' in page
    assert 'data-pagefind-filter="year:2017"' in page
    assert 'data-pagefind-sort="date:2017-09-05"' in page
    # Field labels and dates stay out of the index, so result excerpts read as prose.
    assert "<dt data-pagefind-ignore>Published</dt>" in page
    assert "data-pagefind-body" not in files["index.html"].decode()


def test_the_search_page_offers_labelled_filters(files: dict[str, bytes]) -> None:
    page = files["search/index.html"].decode()
    for name in ("q", "tag", "company", "kind", "year"):
        assert f'<label for="{name}">' in page
        assert f'id="{name}" name="{name}"' in page
    assert '<option value="feature-store">Feature store</option>' in page
    assert "<noscript>" in page


def test_nothing_is_requested_from_another_host(files: dict[str, bytes]) -> None:
    for path, page in _html_pages(files).items():
        for tag, rel, link in page.links:
            if tag in ("link", "script", "img") and rel not in ("canonical",):
                assert "://" not in link, (path, link)
    assert b"url(" not in files["style.css"]
    assert b"@import" not in files["style.css"]


@given(st.one_of(st.text(), st.text(alphabet="&<>\"'a é\u2028"), st.integers()))
def test_a_value_is_escaped_as_markupsafe_escapes_it(value: str | int) -> None:
    assert escape_text(value) == str(escape(value))


def test_templates_escape_each_value_they_show_unless_told_not_to(tmp_path: Path) -> None:
    template = (
        "{{ text }}|{{ number }}|{{ markup }}|{{ text ~ markup }}"
        "{% macro shown(v) %}({{ v }}){% endmacro %}|{{ shown(text) }}"
        "{% set kept %}{{ text }}{% endset %}|{{ kept }}"
        "{% autoescape false %}|{{ text }}{% endautoescape %}"
    )
    (tmp_path / "t.html").write_text(template)
    environment = make_environment(tmp_path, SiteConfig())
    shown = environment.get_template("t.html").render(
        text="<b>Tom & 'Jerry\"</b>", number=7, markup=Markup("<i>ok</i>")
    )
    quoted = "&lt;b&gt;Tom &amp; &#39;Jerry&#34;&lt;/b&gt;"
    assert shown == (
        f"{quoted}|7|<i>ok</i>|{quoted}<i>ok</i>|({quoted})|{quoted}|<b>Tom & 'Jerry\"</b>"
    )
    # Plain text is escaped without a Markup object made of it, and a render copies
    # the globals from a plain dict: the speed these are for.
    assert "environment.escape_text(" in environment.compile(template, raw=True)
    assert type(environment.get_template("t.html").globals) is dict


@pytest.mark.parametrize(
    "template",
    [
        "{% for v in values %}[{{ v }}]{% endfor %}",
        "{{ text if number else markup }}|{{ text|e }}|{{ text|safe }}|{{ values|join(', ') }}",
        "{% macro box() %}<{{ caller() }}>{% endmacro %}{% call box() %}{{ text }}{% endcall %}",
        "{% filter upper %}{{ text }}{% endfilter %}|{{ '%s and %s'|format(text, markup) }}",
        "{% set pair = [text, markup] %}{{ pair }}|{{ {'k': text} }}|{{ none }}|{{ 1.5 }}",
        "{% autoescape false %}{{ text }}{% endautoescape %}{% autoescape true %}{{ text }}"
        "{% endautoescape %}",
        "{% include 'inc.html' %}|{% with v = text %}{{ v }}{% endwith %}",
    ],
)
def test_templates_show_what_stock_jinja_shows(tmp_path: Path, template: str) -> None:
    (tmp_path / "t.html").write_text(template)
    (tmp_path / "inc.html").write_text("{{ text }}{{ markup }}")
    values = {
        "text": "<b>Tom & 'Jerry\"</b>",
        "number": 7,
        "markup": Markup("<i>ok</i>"),
        "values": ["a<b", Markup("<br>"), 3, None],
    }
    ours = make_environment(tmp_path, SiteConfig()).get_template("t.html").render(values)
    stock = Environment(loader=FileSystemLoader(tmp_path), autoescape=True)
    assert ours == stock.get_template("t.html").render(values)


def test_rendering_is_deterministic(catalog: Catalog) -> None:
    assert render_site(catalog, SiteConfig()) == render_site(catalog, SiteConfig())


def test_each_precision_shows_what_is_known_and_an_undated_entry_no_date(
    files: dict[str, bytes],
) -> None:
    def published(slug: str) -> str:
        page = files[f"entries/{slug}/index.html"].decode()
        return page.split("<dt data-pagefind-ignore>Published</dt>", 1)[1].split("</dd>", 1)[0]

    assert '<time datetime="2015" data-pagefind-sort="date:2015">2015</time>' in published(
        "hidden-technical-debt"
    )
    linkedin = published("scaling-ml-productivity-linkedin")
    assert '<time datetime="2019-01" data-pagefind-sort="date:2019-01">Jan 2019</time>' in linkedin
    assert ">5 Sep 2017</time>" in published("michelangelo")
    undated = published("full-stack-deep-learning")
    assert "<time" not in undated and 'data-pagefind-filter="year:undated"' in undated
    assert "Hidden Technical Debt" in files["years/2015/index.html"].decode()
    assert "Scaling Machine Learning" in files["years/2019/index.html"].decode()
    years = {path for path in files if path.startswith("years/")}
    assert [p for p in years if "Full Stack" in files[p].decode()] == ["years/undated/index.html"]
    assert '<a href="/years/undated/">undated</a>' in files["years/index.html"].decode()
    assert '<option value="undated">undated</option>' in files["search/index.html"].decode()
