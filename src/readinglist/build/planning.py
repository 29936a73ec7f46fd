"""The site's plan, section by section: a section whose inputs are unchanged keeps its pages.

The core plans a site as sections, each from its own inputs alone
(:func:`readinglist.site.pages.sections`). In ``serve`` the inputs of most
sections are the very objects they were at the last save (the entries' views
are kept, see :func:`readinglist.build.entrywise.views`), so comparing them is
quick: a save at 10,000 entries plans again only the sections the edit
touches, where planning every page took 0.15 s. The plan says which pages are
fresh and which paths are gone, so the steps after it look at those alone.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
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


@dataclass(frozen=True)
class Plan:
    """Every output file of a site, and what changed since the last plan in this process."""

    pages: list[Page]
    """As :func:`~readinglist.site.pages.plan_site` plans them, in the order of their
    sections."""
    fresh: list[Page]
    """The pages that are not the very objects the last plan gave: all of them when
    there is none to start from."""
    planned_from: PlannedFrom
    """What each fresh page of a section of one page per item was planned from."""
    gone: set[str]
    """The paths of the last plan's pages that no page has any more."""
    since: list[Page] | None
    """The last plan's pages, which ``fresh`` and ``gone`` are told against; None when
    every page is fresh."""


def plan(
    catalog: Catalog,
    config: SiteConfig,
    related: Mapping[str, tuple[str, ...]],
    views: Mapping[str, EntryView],
    rows: Mapping[str, EntryRows] | None,
    state: BuildState,
) -> Plan:
    """Every output file of the site, section by section: a section whose inputs are
    equal to the last build's in this process keeps the pages it planned then, and
    only the pages of the others are fresh."""
    site = SiteWide.of(config)
    known = state.sections if state.again and state.site == site else {}
    since = state.planned if known else None
    kept: dict[str, Planned] = {}
    made = Plan([], [], {}, set(), since)
    for part in sections(catalog, related, views, rows):
        last = known.get(part.key)
        if last is not None and last[0] is not part.plan:
            last = None
        if isinstance(part, EachPage):
            pages = _each_page(site, part, last, made)
            kept[part.key] = (part.plan, part.items, pages)
        else:
            if last is not None and last[1] == part.inputs:
                pages = last[2]
            else:
                pages = tuple(planned(site, part))
                made.fresh.extend(pages)
                if last is not None:
                    made.gone.update(page.path for page in last[2])
            kept[part.key] = (part.plan, part.inputs, pages)
        made.pages.extend(pages)
    for key in known.keys() - kept.keys():
        made.gone.update(page.path for page in known[key][2])
    closing = closing_pages(catalog, site, made.pages)
    made.gone.update(page.path for page in state.closing)
    made.fresh.extend(closing)
    made.pages.extend(closing)
    made.gone.difference_update(page.path for page in made.fresh)
    if state.again:
        state.site, state.sections, state.closing = site, kept, closing
        state.planned = made.pages
    return made


def _each_page(
    site: SiteWide, part: EachPage, last: Planned | None, made: Plan
) -> tuple[Page, ...]:
    """The pages of a section of one page per item: an item equal to the one in the same
    place last time keeps its page. When the count changes (an entry added or
    removed) every page is planned again: 0.03 s at 10,000 entries. The fresh pages,
    what each was planned from and the paths gone are added to ``made``."""
    plan = part.plan
    name = f"{plan.__module__}.{plan.__qualname__}"
    if last is None or len(last[1]) != len(part.items):
        pages = tuple(planned(site, part))
        made.fresh.extend(pages)
        made.planned_from.update(
            (page.path, (name, item)) for page, item in zip(pages, part.items, strict=True)
        )
        if last is not None:
            made.gone.update(page.path for page in last[2])
        return pages
    kept = list(last[2])
    for at, (item, known) in enumerate(zip(part.items, last[1], strict=True)):
        if item != known:
            made.gone.add(kept[at].path)
            page = kept[at] = plan(site, *item)
            made.fresh.append(page)
            made.planned_from[page.path] = (name, item)
    return tuple(kept)
