"""The Atom feeds a reader subscribes to parse cleanly and follow RFC 4287; the sitemap and
robots.txt tell search engines about every page."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Any

import feedparser  # type: ignore[import-untyped]

from sitecheck import ServedSite, crawl, fetch, reader_pages

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def parse_feed(address: str) -> Any:
    response = fetch(address)
    assert response.status == 200
    parsed = feedparser.parse(response.body)
    assert parsed.bozo == 0, f"{address}: {parsed.get('bozo_exception')}"
    assert parsed.version == "atom10"
    return parsed


def links_by_rel(links: list[Any]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for link in links:
        found.setdefault(link["rel"], []).append(link["href"])
    return found


def test_pages_announce_a_feed_for_the_list_each_tag_each_company_and_whats_new(
    site: ServedSite,
) -> None:
    feeds = crawl(site.url).feeds()
    assert site.at("feed.xml") in feeds
    for page in ("tags/feature-store/", "tags/monitoring/", "companies/uber/", "new/"):
        assert any(feed.startswith(site.at(page)) for feed in feeds), page


def test_every_feed_parses_and_carries_ids_dates_and_links(any_site: ServedSite) -> None:
    feeds = crawl(any_site.url).feeds()
    assert feeds
    for address in feeds:
        parsed = parse_feed(address)
        feed = parsed.feed
        assert feed.title
        assert feed.id.startswith("tag:")
        assert feed.updated_parsed is not None
        links = links_by_rel(feed.links)
        assert links["self"] == [address]
        assert len(links["alternate"]) == 1
        assert fetch(links["alternate"][0]).status == 200
        assert feed.get("authors") or all(e.get("authors") for e in parsed.entries)
        assert parsed.entries, f"{address} lists no entry"
        ids = [entry.id for entry in parsed.entries]
        assert len(set(ids)) == len(ids), f"{address} repeats an id"
        for entry in parsed.entries:
            assert entry.title
            assert entry.id.startswith("tag:")
            assert entry.updated_parsed is not None
            entry_links = links_by_rel(entry.links)
            assert entry_links["alternate"][0].startswith("https://")
            assert entry_links["related"][0].startswith(any_site.at("entries/"))
            assert fetch(entry_links["related"][0]).status == 200


RFC_3339 = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})")


def test_every_precision_and_no_date_give_valid_rfc_3339_times(site: ServedSite) -> None:
    text = fetch(site.at("feed.xml")).body.decode()
    times = re.findall(r"<(published|updated)>([^<]*)</", text)
    assert times and all(RFC_3339.fullmatch(when) for _, when in times), times
    parsed = {e.title: e for e in parse_feed(site.at("feed.xml")).entries}
    # A year or a month is the first instant of its span; an undated entry's time is
    # the day it was added, never a date of its own.
    assert parsed["Hidden Technical Debt in Machine Learning Systems"].published.startswith(
        "2015-01-01T00:00:00"
    )
    linkedin = parsed["Scaling Machine Learning Productivity at LinkedIn"]
    assert linkedin.published.startswith("2019-01-01T00:00:00")
    assert parsed["Full Stack Deep Learning"].published.startswith("2026-11-03T00:00:00")


def test_a_tag_feed_lists_that_tags_entries_newest_first(site: ServedSite) -> None:
    feed_address = next(
        feed for feed in crawl(site.at("tags/feature-store/")).feeds() if "feature-store" in feed
    )
    parsed = parse_feed(feed_address)
    assert [entry.title for entry in parsed.entries] == [
        "Scaling Machine Learning Productivity at LinkedIn",
        "Meet Michelangelo, Uber's Machine Learning Platform",
    ]


def test_feed_ids_stay_the_same_when_the_site_moves(
    site: ServedSite, prefixed_site: ServedSite
) -> None:
    at_root = parse_feed(site.at("feed.xml"))
    under_prefix = parse_feed(prefixed_site.at("feed.xml"))
    assert at_root.feed.id == under_prefix.feed.id
    assert [e.id for e in at_root.entries] == [e.id for e in under_prefix.entries]


def test_the_sitemap_lists_every_page(any_site: ServedSite) -> None:
    response = fetch(any_site.at("sitemap.xml"))
    assert response.status == 200
    listed = [loc.text or "" for loc in ET.fromstring(response.body).iter(f"{SITEMAP}loc")]
    assert len(listed) == len(set(listed))
    assert sorted(set(listed) ^ reader_pages(any_site)) == []


def test_robots_txt_points_to_the_sitemap(any_site: ServedSite) -> None:
    response = fetch(any_site.at("robots.txt"))
    assert response.status == 200
    assert f"Sitemap: {any_site.at('sitemap.xml')}" in response.body.decode().splitlines()
