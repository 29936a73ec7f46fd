"""Every internal link of the built site resolves and every page can be reached, at a domain
root and under a path prefix, crawling from the home page as a reader clicks."""

from __future__ import annotations

import urllib.parse

from sitecheck import (
    ServedSite,
    crawl,
    fetch,
    html_files,
    is_redirect,
    page_address,
    reader_pages,
    redirect_target,
)


def redirects(site: ServedSite) -> list[str]:
    return sorted(page_address(site, path) for path in html_files(site.out) if is_redirect(path))


def test_no_internal_link_is_broken(any_site: ServedSite) -> None:
    # The 404 page is shown at any missing address, so its links must work from deep ones too.
    result = crawl(any_site.url, any_site.at("no/such/page/"), *redirects(any_site))
    assert result.broken() == []
    assert len(result.pages) >= len(reader_pages(any_site))


def test_every_page_is_reached_from_the_home_page(any_site: ServedSite) -> None:
    result = crawl(any_site.url)
    assert sorted(reader_pages(any_site) - set(result.pages)) == []


def test_every_entry_is_at_most_two_clicks_from_the_home_page(any_site: ServedSite) -> None:
    result = crawl(any_site.url)
    entries = sorted(page for page in reader_pages(any_site) if "/entries/" in page)
    assert len(entries) == len(list((any_site.out / "entries").iterdir()))
    assert {page: result.clicks[page] for page in entries if result.clicks[page] > 2} == {}


def test_an_old_tag_or_company_address_leads_to_its_page(any_site: ServedSite) -> None:
    old = {
        page_address(any_site, path): target
        for path in html_files(any_site.out)
        if (target := redirect_target(path)) is not None
    }
    assert any_site.at("tags/drift-detection/") in old
    for address, target in sorted(old.items()):
        landing = urllib.parse.urljoin(address, target)
        assert landing in reader_pages(any_site), f"{address} sends readers to {landing}"
        assert fetch(landing).status == 200
