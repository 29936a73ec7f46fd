"""The site's plan, section by section: a section whose inputs are unchanged keeps its pages.

The core plans a site as sections, each from its own inputs alone
(:func:`readinglist.site.pages.sections`). In ``serve`` the inputs of most
sections are the very objects they were at the last save (the entries' views
are kept, see :func:`readinglist.build.reuse.views`), so comparing them is
quick: a save at 10,000 entries plans again only the sections the edit
touches, where planning every page took 0.15 s.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from readinglist.build.state import BuildState
from readinglist.catalog.model import Catalog
from readinglist.config import SiteConfig
from readinglist.site.exports import EntryRows
from readinglist.site.pages import closing_pages, sections
from readinglist.site.section import EachPage, Page, SiteWide, planned
from readinglist.site.views import EntryView

Planned = tuple[Callable[..., Any], tuple[Any, ...], tuple[Page, ...]]
"""A section as the last build planned it: its plan, its inputs and its pages."""


PlannedFrom = dict[str, tuple[str, tuple[Any, ...]]]
"""For each page of a section of one page per item, by path: the name of the function
that planned it and the item it planned it from."""


def plan(
    catalog: Catalog,
    config: SiteConfig,
    related: Mapping[str, tuple[str, ...]],
    views: Mapping[str, EntryView],
    rows: Mapping[str, EntryRows] | None,
    state: BuildState,
) -> tuple[list[Page], PlannedFrom]:
    """Every output file of the site, as :func:`~readinglist.site.pages.plan_site` plans
    them (but in the order of its sections), and what each page of a section of one
    page per item was planned from: a section whose inputs are equal to the last
    build's in this process keeps the pages it planned then."""
    site = SiteWide.of(config)
    known = state.sections if state.again and state.site == site else {}
    kept: dict[str, Planned] = {}
    pages: list[Page] = []
    planned_from: PlannedFrom = {}
    for part in sections(catalog, related, views, rows):
        last = known.get(part.key)
        if last is not None and last[0] is not part.plan:
            last = None
        if isinstance(part, EachPage):
            made = _each_page(site, part, last)
            kept[part.key] = (part.plan, part.items, made)
            name = f"{part.plan.__module__}.{part.plan.__qualname__}"
            for page, item in zip(made, part.items, strict=True):
                planned_from[page.path] = (name, item)
        else:
            if last is not None and last[1] == part.inputs:
                made = last[2]
            else:
                made = tuple(planned(site, part))
            kept[part.key] = (part.plan, part.inputs, made)
        pages += made
    if state.again:
        state.site, state.sections = site, kept
    pages += closing_pages(catalog, site, pages)
    return pages, planned_from


def _each_page(site: SiteWide, part: EachPage, last: Planned | None) -> tuple[Page, ...]:
    """The pages of a section of one page per item: an item equal to the one in the same
    place last time keeps its page. When the count changes (an entry added or
    removed) every page is planned again: 0.03 s at 10,000 entries."""
    if last is None or len(last[1]) != len(part.items):
        return tuple(planned(site, part))
    plan = part.plan
    return tuple(
        [
            page if item == known else plan(site, *item)
            for item, known, page in zip(part.items, last[1], last[2], strict=True)
        ]
    )
