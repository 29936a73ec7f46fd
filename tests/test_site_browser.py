"""The built site in a real browser, used as a reader would: browse, go back, search, filter,
and browse again with JavaScript off. Debian's Chromium, driven by Playwright."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from sitecheck import PAGE_TYPES, ServedSite, watched_page

ENTRY_TITLE = "Meet Michelangelo, Uber's Machine Learning Platform"
ABOUT_ENTRY = f"About {ENTRY_TITLE}"
SEARCH_TIMEOUT_MS = 20_000
"""The first search loads Pagefind's index; on a busy machine that can take seconds."""


def search_results(page: Page) -> list[str]:
    """The titles the search page lists once it has answered."""
    expect(page.locator("#search-status")).to_contain_text("found", timeout=SEARCH_TIMEOUT_MS)
    return sorted(page.locator("#search-results h3").all_inner_texts())


def test_home_to_a_tag_to_an_entry_and_back(browser: Browser, site: ServedSite) -> None:
    with watched_page(browser, site) as watched:
        page = watched.page
        page.goto(site.url)
        page.get_by_role("main").get_by_role("link", name="Feature store").first.click()
        expect(page).to_have_url(site.at("tags/feature-store/"))
        expect(page.get_by_role("heading", level=1)).to_have_text("Feature store")
        page.get_by_role("link", name=ABOUT_ENTRY).click()
        expect(page).to_have_url(site.at("entries/michelangelo/"))
        expect(page.get_by_role("heading", level=1)).to_have_text(ENTRY_TITLE)
        page.go_back()
        expect(page).to_have_url(site.at("tags/feature-store/"))
        expect(page.get_by_role("heading", level=1)).to_have_text("Feature store")
        page.go_back()
        expect(page).to_have_url(site.url)
        assert watched.console_errors == []


def test_a_search_for_a_phrase_lists_the_entries_that_hold_it(
    browser: Browser, site: ServedSite
) -> None:
    with watched_page(browser, site) as watched:
        page = watched.page
        page.goto(site.at("search/"))
        page.get_by_label("Words").fill("continual learning")
        assert search_results(page) == ["Real-time machine learning: challenges and solutions"]
        expect(page).to_have_url(re.compile(r"\?q=continual\+learning$"))
        assert watched.console_errors == []


def test_a_tag_filter_narrows_the_results_and_is_kept_in_the_address(
    browser: Browser, site: ServedSite
) -> None:
    with watched_page(browser, site) as watched:
        page = watched.page
        page.goto(site.at("search/"))
        page.get_by_label("Words").fill("machine learning")
        assert search_results(page) == [
            "Hidden Technical Debt in Machine Learning Systems",
            ENTRY_TITLE,
            "Real-time machine learning: challenges and solutions",
            "Scaling Machine Learning Productivity at LinkedIn",
        ]
        page.get_by_label("Tag").select_option(label="Feature store")
        expect(page).to_have_url(re.compile(r"\?q=machine\+learning&tag=feature-store$"))
        narrowed = [ENTRY_TITLE, "Scaling Machine Learning Productivity at LinkedIn"]
        expect(page.locator("#search-results h3")).to_have_count(2, timeout=SEARCH_TIMEOUT_MS)
        assert search_results(page) == narrowed
        shared = page.url
        # Someone opening the shared address sees the same filtered view.
        page.goto(site.url)
        page.goto(shared)
        expect(page.get_by_label("Tag")).to_have_value("feature-store")
        assert search_results(page) == narrowed
        assert watched.console_errors == []


def test_a_filter_alone_lists_its_entries_newest_first(browser: Browser, site: ServedSite) -> None:
    with watched_page(browser, site) as watched:
        page = watched.page
        page.goto(site.at("search/?company=uber"))
        expect(page.get_by_label("Company")).to_have_value("uber")
        expect(page.locator("#search-status")).to_contain_text(
            "2 entries found", timeout=SEARCH_TIMEOUT_MS
        )
        assert page.locator("#search-results h3").all_inner_texts() == [
            "A thread about real time ML {{ 7*7 }} <script>alert(1)</script>",
            ENTRY_TITLE,
        ]
        assert watched.console_errors == []


@pytest.mark.parametrize("name", sorted(PAGE_TYPES))
def test_no_console_error_and_no_request_to_another_host(
    browser: Browser, site: ServedSite, name: str
) -> None:
    with watched_page(browser, site) as watched:
        watched.page.goto(site.at(PAGE_TYPES[name]))
        watched.page.wait_for_load_state("networkidle")
        assert watched.console_errors == []
        assert watched.foreign_requests == []


@pytest.mark.parametrize("name", sorted(PAGE_TYPES))
def test_a_320_pixel_phone_screen_needs_no_sideways_scrolling(
    browser: Browser, site: ServedSite, name: str
) -> None:
    with watched_page(browser, site, viewport={"width": 320, "height": 640}) as watched:
        watched.page.goto(site.at(PAGE_TYPES[name]))
        watched.page.wait_for_load_state("networkidle")
        width = watched.page.evaluate("document.documentElement.scrollWidth")
        assert width <= 320


@pytest.mark.parametrize("width", [320, 800, 1280])
def test_every_search_filter_label_sits_beside_its_control(
    browser: Browser, site: ServedSite, width: int
) -> None:
    with watched_page(browser, site, viewport={"width": width, "height": 800}) as watched:
        watched.page.goto(site.at("search/"))
        for name in ("tag", "company", "kind", "year"):
            label = watched.page.locator(f"label[for={name}]").bounding_box()
            control = watched.page.locator(f"#{name}").bounding_box()
            assert label is not None and control is not None
            label_middle = label["y"] + label["height"] / 2
            assert control["y"] <= label_middle <= control["y"] + control["height"], name
            assert 0 <= control["x"] - (label["x"] + label["width"]) <= 16, name


@pytest.mark.parametrize(
    ("index", "term"),
    [("Tags", "Feature store"), ("Companies", "Uber"), ("Years", "2017"), ("Kinds", "article")],
)
def test_without_javascript_an_entry_is_reached_through_the_index_pages(
    browser: Browser, site: ServedSite, index: str, term: str
) -> None:
    with watched_page(browser, site, java_script_enabled=False) as watched:
        page = watched.page
        page.goto(site.url)
        page.get_by_role("navigation", name="Site").get_by_role("link", name=index).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(index)
        page.get_by_role("main").get_by_role("link", name=term, exact=True).click()
        page.get_by_role("link", name=ABOUT_ENTRY).click()
        expect(page).to_have_url(site.at("entries/michelangelo/"))
        expect(page.get_by_role("heading", level=1)).to_have_text(ENTRY_TITLE)


def test_without_javascript_the_search_page_points_to_the_index_pages(
    browser: Browser, site: ServedSite
) -> None:
    with watched_page(browser, site, java_script_enabled=False) as watched:
        page = watched.page
        page.goto(site.at("search/"))
        page.get_by_role("main").get_by_role("link", name="tag", exact=True).click()
        expect(page).to_have_url(site.at("tags/"))
        page.get_by_role("main").get_by_role("link", name="Feature store", exact=True).click()
        page.get_by_role("link", name=ABOUT_ENTRY).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(ENTRY_TITLE)


def test_under_a_path_prefix_a_search_result_opens_its_entry(
    browser: Browser, prefixed_site: ServedSite
) -> None:
    with watched_page(browser, prefixed_site) as watched:
        page = watched.page
        page.goto(prefixed_site.url)
        page.get_by_role("navigation", name="Site").get_by_role("link", name="Search").click()
        page.get_by_label("Words").fill("continual learning")
        assert search_results(page) == ["Real-time machine learning: challenges and solutions"]
        page.locator("#search-results").get_by_role("link").first.click()
        expect(page).to_have_url(prefixed_site.at("entries/real-time-ml-challenges/"))
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "Real-time machine learning: challenges and solutions"
        )
        assert watched.console_errors == []
        assert watched.foreign_requests == []
