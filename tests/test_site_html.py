"""Every built page is valid HTML (the Nu Html Checker) and accessible (axe-core in Chromium,
in the light and the dark colour scheme)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser

from sitecheck import (
    PAGE_TYPES,
    ServedSite,
    format_axe,
    format_vnu,
    html_files,
    run_axe,
    run_vnu,
    watched_page,
)


def test_every_page_passes_the_nu_html_checker(site: ServedSite) -> None:
    assert len(html_files(site.out)) > len(PAGE_TYPES)
    errors = run_vnu(site.out)
    assert errors == [], "the Nu Html Checker found errors:\n" + format_vnu(errors, site.out)


@pytest.mark.parametrize("name", sorted(PAGE_TYPES))
def test_axe_finds_no_violation_in_light_or_dark(
    browser: Browser, site: ServedSite, name: str
) -> None:
    with watched_page(browser, site) as watched:
        page = watched.page
        page.goto(site.at(PAGE_TYPES[name]))
        page.wait_for_load_state("networkidle")
        found = {}
        for scheme in ("light", "dark"):
            page.emulate_media(color_scheme=scheme)
            found[scheme] = format_axe(run_axe(page))
        assert found == {"light": "", "dark": ""}, f"axe on {page.url}"
