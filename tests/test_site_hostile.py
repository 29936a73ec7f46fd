"""Content that never went through the checker, or passed it with a warning, cannot break
what the site writes: every feed and the sitemap stay XML, every page HTML, and no file
holds a control character, non-character or bidirectional control."""

from __future__ import annotations

import csv
import dataclasses
import datetime
import io
import json
import shutil
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from builds import FIXTURE, build_fixture, files_under
from readinglist.catalog.characters import UNSAFE_RE, safe_text
from readinglist.catalog.check import check_content
from readinglist.catalog.model import Catalog
from readinglist.config import SiteConfig
from readinglist.site.exports import catalog_csv
from readinglist.site.render import render_site

TODAY = datetime.date(2026, 11, 24)
FIXTURE_CATALOG = check_content(FIXTURE, TODAY).catalog
HOSTILE = ["\x00", "\x07", "\x0c", "\x1b[31m", "\x85", "\ufffe", "\uffff", "\U0010ffff"]
HOSTILE += ["\ud800", "\u202e", "\u2067", "&#27;", "&#xFFFE;", "]]>", "<b>", "&amp;", "\r\n"]
texts = st.lists(st.text(max_size=12) | st.sampled_from(HOSTILE), max_size=6).map("".join)


class Strict(HTMLParser):
    """The standard library's HTML parser, failing on what it otherwise lets pass."""

    def error(self, message: str) -> None:  # pragma: no cover - never called since 3.10
        raise AssertionError(message)


def hostile_catalog(data: st.DataObject) -> Catalog:
    """The fixture catalog with every text an entry, tag or company shows made hostile."""
    entries = [
        dataclasses.replace(
            entry,
            title=data.draw(texts),
            url="https://example.org/" + data.draw(texts),
            authors=tuple(data.draw(st.lists(texts, max_size=2))),
            summary=data.draw(texts),
        )
        for entry in FIXTURE_CATALOG.entries
    ]
    tags = {
        ident: dataclasses.replace(tag, name=data.draw(texts), description=data.draw(texts))
        for ident, tag in FIXTURE_CATALOG.tags.items()
    }
    companies = {
        ident: dataclasses.replace(company, name=data.draw(texts))
        for ident, company in FIXTURE_CATALOG.companies.items()
    }
    return Catalog.build(entries, tags, companies)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_no_content_breaks_a_feed_a_page_or_an_export(data: st.DataObject) -> None:
    catalog = hostile_catalog(data)
    site = render_site(catalog, SiteConfig())
    for path, raw in site.items():
        text = raw.decode("utf-8")
        assert UNSAFE_RE.search(text) is None, path
        if path.endswith(".xml"):
            ET.fromstring(raw)  # a feed or the sitemap: well-formed XML
        elif path.endswith(".html"):
            parser = Strict()
            parser.feed(text)
            parser.close()
    document = json.loads(site["catalog.json"])
    # JSON writes C0 characters as escapes, which hold no raw character, and keeps them.
    titles = {entry["slug"]: safe_text(entry["title"]) for entry in document["entries"]}
    assert titles == {entry.slug: safe_text(entry.title) for entry in catalog.entries}
    rows = list(csv.DictReader(io.StringIO(catalog_csv(catalog), newline="")))
    assert [row["slug"] for row in rows] == [entry.slug for entry in catalog.entries]


def test_a_right_to_left_override_that_passed_with_a_warning_is_in_no_built_file(
    tmp_path: Path,
) -> None:
    content = tmp_path / "content"
    shutil.copytree(FIXTURE, content)
    entry = content / "entries" / "data-distribution-shifts.md"
    text = entry.read_text(encoding="utf-8")
    text = text.replace(
        "Distribution Shifts and Monitoring", "\u202eDistribution Shifts and Monitoring"
    )
    entry.write_text(text.replace("Chip Huyen]", "Chip\u2067 Huyen]"), encoding="utf-8")
    result = build_fixture(content, tmp_path / "site", None)
    assert result.ok, result.problems
    assert any("U+202E RIGHT-TO-LEFT OVERRIDE" in p.message for p in result.problems)
    built = files_under(tmp_path / "site")
    shown = [path for path, data in built.items() if b"Data Distribution Shifts" in data]
    assert len(shown) > 5
    assert not [path for path, data in built.items() if UNSAFE_RE.search(data.decode())]
