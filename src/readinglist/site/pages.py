"""A catalog and site settings to the site's files, as ``{output path: bytes}``.

Jinja lives here, with autoescaping on and undefined variables as errors:
content is data and never becomes a template, so a title such as
``{{ 7*7 }}`` is shown as written. Rendering happens in two steps so a build
can skip work: ``plan_site`` lists every output file with a key that changes
exactly when the file's inputs change (its entries, the vocabulary, the
settings, the templates and this code), and ``render_page`` makes one file's
bytes. Output is deterministic: everything is sorted and nothing depends on the
clock. Every internal link starts with the configured base path. Reads the
templates; writes nothing.
"""

from __future__ import annotations

import functools
import hashlib
import heapq
import itertools
import operator
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import CodeType
from typing import Any, overload
from urllib.parse import urlsplit

from jinja2 import BytecodeCache, Environment, FileSystemLoader, StrictUndefined
from jinja2.bccache import Bucket
from markupsafe import Markup, escape

from readinglist.catalog.check import slugify
from readinglist.catalog.model import Catalog, Entry, kept
from readinglist.config import SiteConfig
from readinglist.site.exports import (
    ExportMemory,
    catalog_json,
    catalog_markdown,
    edited_catalog_json,
    edited_catalog_markdown,
)
from readinglist.site.markup import markdown_renderer

DEFAULT_TEMPLATES = Path(__file__).resolve().parent / "templates"
"""The templates and the stylesheet, shipped inside the package."""
COPIED_FILES: tuple[str, ...] = ("style.css", "search.js")
"""Files from the templates folder published as they are."""
EXPORTS = ("catalog.json", "list.md")
"""Files that list every entry."""
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
HOME_TOP_TAGS = 12
PAGER_REACH = 2
"""Pages a list's page links to on each side of itself, besides the first and the last."""
_CODE_FILES = ("site/pages.py", "site/markup.py", "site/exports.py", "config.py")
_SLUG = operator.attrgetter("slug")


@dataclass(frozen=True)
class Term:
    """A tag or company as entries show it."""

    id: str
    name: str


@dataclass(frozen=True)
class EntryView:
    """An entry with everything a template shows already worked out."""

    slug: str
    title: str
    url: str
    host: str
    date_iso: str
    date_text: str
    year: int
    kind: str
    company: Term | None
    tags: tuple[Term, ...]
    authors: tuple[str, ...]
    added_iso: str
    added_text: str
    body: Markup
    """The summary as sanitised HTML."""


@dataclass(frozen=True)
class Pager:
    """Where one page of a list sits among the others."""

    number: int
    count: int
    prev_url: str | None
    next_url: str | None
    links: tuple[tuple[int | None, str], ...]
    """(number, URL) of the pages linked, in order; ``(None, "")`` where pages are left out."""


class LazyViews(dict[str, EntryView]):
    """Entry views by slug, each worked out the first time a page asks for it."""

    def __init__(self, catalog: Catalog, bodies: Mapping[str, str]) -> None:
        super().__init__()
        self.catalog = catalog
        self.bodies = bodies
        self.fragments: Fragments = {}
        """What templates rendered from these views, kept with them."""

    def __missing__(self, slug: str) -> EntryView:
        view = self[slug] = entry_view(self.catalog.by_slug[slug], self.catalog, self.bodies)
        return view


class Views(Sequence[EntryView]):
    """Some entries' views, in order, built only when a template reads them."""

    def __init__(self, slugs: Sequence[str], views: LazyViews) -> None:
        self.slugs = tuple(slugs)
        self.views = views

    def __len__(self) -> int:
        return len(self.slugs)

    @overload
    def __getitem__(self, index: int) -> EntryView: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[EntryView]: ...
    def __getitem__(self, index: int | slice) -> EntryView | Sequence[EntryView]:
        if isinstance(index, slice):
            return [self.views[slug] for slug in self.slugs[index]]
        return self.views[self.slugs[index]]

    def __iter__(self) -> Iterator[EntryView]:
        return (self.views[slug] for slug in self.slugs)


@dataclass(frozen=True)
class Page:
    """One output file: what to render it with and the key of its inputs."""

    path: str
    """Relative output path: ``entries/x/index.html``, ``feed.xml``."""
    template: str
    """A Jinja template name, a name in :data:`COPIED_FILES`, ``catalog.json``, ``list.md``
    or ``robots.txt``."""
    context: Callable[[], dict[str, Any]]
    """Makes the template's variables; called only when the file is rendered, so a build
    that finds the key unchanged never builds the views a page shows."""
    key: str
    """Changes exactly when the file's bytes may change."""
    url: str = ""
    """The page's URL relative to the base path; empty for files that are not pages."""
    sitemap: bool = False
    """Listed in ``sitemap.xml``: every HTML page a reader should land on."""


@dataclass(frozen=True)
class Edited:
    """Entries edited in place since the last build, by slug."""

    changed: frozenset[str]
    listed: frozenset[str]
    """Those among them whose :func:`listed_fields` changed."""
    before: Mapping[str, Entry] = field(default_factory=dict)
    """The edited entries as they were, by slug."""
    previous: Callable[[str], bytes | None] | None = None
    """Reads a file of the last build's site: ``catalog.json`` and ``list.md``, which
    list every entry, are made from theirs, with the lines of the entries in
    ``before`` replaced, rather than from every entry."""


@dataclass(frozen=True)
class SitePlan:
    """Every output file of a site, and what renders them."""

    pages: tuple[Page, ...]
    environment: Environment
    copied: Mapping[str, bytes] = field(default_factory=dict)
    exports: ExportMemory = field(default_factory=ExportMemory)
    """Entries' lines in catalog.json and list.md, which may outlive this plan."""
    edited: Edited | None = None
    """Only the files that show these entries are planned: the others are as they were."""

    @property
    def partial(self) -> bool:
        return self.edited is not None


class TemplateCode(BytecodeCache):
    """Compiled templates kept in memory, for the next environment to skip compiling."""

    def __init__(self) -> None:
        self.compiled: dict[str, tuple[str, CodeType]] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        stored = self.compiled.get(bucket.key)
        if stored is not None and stored[0] == bucket.checksum:
            bucket.code = stored[1]

    def dump_bytecode(self, bucket: Bucket) -> None:
        if bucket.code is not None:
            self.compiled[bucket.key] = (bucket.checksum, bucket.code)

    def clear(self) -> None:
        self.compiled.clear()


@dataclass
class RenderMemory:
    """What planning and rendering leave for the next plan in the same process.

    ``readinglist serve`` plans the whole site after every edit: entries that did
    not change keep their fingerprints, views, pages and lines in the exports, and
    the templates stay compiled.
    """

    exports: ExportMemory = field(default_factory=ExportMemory)
    templates: TemplateCode = field(default_factory=TemplateCode)
    fingerprints: dict[str, tuple[Entry, str, str]] = field(default_factory=dict)
    """By entry path: the entry as it was, its fingerprint and its listed fingerprint."""
    version: str = ""
    """The site's version (code, templates, settings, vocabularies) when the views
    and pages below were made; they are dropped when it changes."""
    planned: dict[str, str] = field(default_factory=dict)
    """Each entry's fingerprint in the last plan, by slug."""
    views: LazyViews | None = None
    """The last plan's entry views: those of unchanged entries serve the next plan."""
    entry_pages: dict[str, tuple[tuple[str, ...], Page]] = field(default_factory=dict)
    """By slug: the fingerprints an entry's page was planned from (its own and its
    related entries'), and the page."""


def body_key(summary: str) -> str:
    """The cache key of a rendered summary: a hash of its Markdown."""
    return hashlib.blake2b(summary.encode(), digest_size=16).hexdigest()


def render_bodies(summaries: Iterable[str]) -> dict[str, str]:
    """Markdown summaries to sanitised HTML, by :func:`body_key`."""
    texts = [text for text in summaries if text]
    if not texts:
        return {}  # without building a parser, which imports Markdown
    render = markdown_renderer()
    return {body_key(text): render(text) for text in texts}


def _key(*parts: str) -> str:
    return hashlib.blake2b("\x00".join(parts).encode(), digest_size=16).hexdigest()


def day_text(day: Any) -> str:
    """``7 Feb 2022``: the same in every locale."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def page_path(url: str) -> str:
    """The file behind a page URL relative to the base: ``tags/x/`` → ``tags/x/index.html``."""
    return f"{url}index.html"


def page_url(root: str, number: int) -> str:
    """Page ``number`` of the list at ``root``: the root itself, then ``root/page/N/``."""
    return root if number == 1 else f"{root}page/{number}/"


Fragments = dict[str, dict[tuple[str, ...], str]]
"""By entry slug: its rendered fragments, by template name and the template's values."""


def make_environment(
    templates: Path,
    config: SiteConfig,
    compiled: TemplateCode | None = None,
    fragments: Fragments | None = None,
) -> Environment:
    """Jinja with autoescaping, strict undefined variables and the site's link helpers."""
    env = Environment(
        bytecode_cache=compiled,
        loader=FileSystemLoader(str(templates)),
        autoescape=True,
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        # One environment serves one build: never ask the disk whether a template changed.
        auto_reload=False,
    )
    base = config.base_path
    prefix = config.origin + base

    def absolute(url: str) -> str:
        return prefix + url

    env.globals.update(base=base, absolute=absolute, config=config)
    # An entry shows the same way in every list and feed it is in: each of its
    # fragments is rendered once per process and reused, and by the next plan if
    # ``fragments`` outlives this one.
    rendered: Fragments = fragments if fragments is not None else {}

    def fragment(name: str, e: EntryView, **values: str) -> str:
        made = rendered.get(e.slug)
        if made is None:
            made = rendered[e.slug] = {}
        key = (name, *values.values())  # a template is always given the same names
        html = made.get(key)
        if html is None:
            html = made[key] = env.get_template(name).render(e=e, **values)
        return html

    # Lists and feeds are joined here rather than looped over in their templates:
    # they hold most of a site's items, and a template pays for every step of a loop.
    def entry_items(views: Iterable[EntryView]) -> Markup:
        return Markup("".join([fragment("_item.html", e) + "\n" for e in views]))

    def feed_entries(items: Iterable[tuple[EntryView, str]]) -> Markup:
        return Markup(
            "".join([fragment("_feed_entry.xml", e, updated=updated) for e, updated in items])
        )

    env.globals.update(entry_items=entry_items, feed_entries=feed_entries)
    return env


def _code_version(templates: Path) -> str:
    digest = hashlib.blake2b(digest_size=16)
    here = Path(__file__).resolve().parent.parent
    for path in [*sorted(templates.iterdir()), *(here / name for name in _CODE_FILES)]:
        if path.is_file():
            digest.update(path.name.encode() + b"\x00" + path.read_bytes() + b"\x00")
    return digest.hexdigest()


def listed_fields(entry: Entry) -> tuple[object, ...]:
    """What lists, feeds aside, and related entries show of an entry: not its summary,
    authors or the day it was added."""
    return (entry.slug, entry.title, entry.url, entry.date, entry.tags, entry.company, entry.kind)


def listed_fingerprint(entry: Entry) -> str:
    """Changes whenever anything a list shows of an entry changes."""
    return _key(repr(listed_fields(entry)))


def entry_fingerprint(entry: Entry) -> str:
    """Changes whenever anything an entry shows changes."""
    return _key(
        repr(
            (
                entry.slug,
                entry.title,
                entry.url,
                entry.date,
                entry.tags,
                entry.company,
                entry.kind,
                entry.authors,
                entry.added,
                entry.summary,
            )
        )
    )


def related_entries(catalog: Catalog, count: int) -> dict[str, tuple[str, ...]]:
    """For each entry, up to ``count`` others sharing the most tags, newest first among equals.

    Entries are numbered newest first. The others sharing ``s`` or more of an entry's
    tags are those in the intersection of some ``s`` of its tag groups; those sharing
    more were all taken before ``s`` is reached, or the entry has its ``count``. So each
    level merges the intersections of ``s`` of its tags, each computed once and kept in
    order (popular tag combinations recur), and takes the newest not taken yet: a few
    steps per entry, however many entries share a popular pair of tags.
    """
    entries = catalog.entries
    number = {e.slug: i for i, e in enumerate(entries)}
    members = {t: [number[e.slug] for e in tagged] for t, tagged in catalog.by_tag.items()}
    groups: dict[tuple[str, ...], frozenset[int]] = {
        (t,): frozenset(ids) for t, ids in members.items()
    }
    ordered: dict[tuple[str, ...], Sequence[int]] = {(t,): ids for t, ids in members.items()}

    def together(tags: tuple[str, ...]) -> frozenset[int]:
        found = groups.get(tags)
        if found is None:
            found = groups[tags] = together(tags[:-1]) & groups[tags[-1:]]
        return found

    def in_order(tags: tuple[str, ...]) -> Sequence[int]:
        found = ordered.get(tags)
        if found is None:
            found = ordered[tags] = sorted(together(tags))
        return found

    related: dict[str, tuple[str, ...]] = {}
    for i, entry in enumerate(entries):
        tags = tuple(sorted(entry.tags))
        chosen: list[int] = []
        taken = {i}
        for shared in range(len(tags) if count > 0 else 0, 0, -1):
            for n in heapq.merge(*map(in_order, itertools.combinations(tags, shared))):
                if n not in taken:
                    taken.add(n)
                    chosen.append(n)
                    if len(chosen) == count:
                        break
            if len(chosen) == count:
                break
        related[entry.slug] = tuple(entries[n].slug for n in chosen)
    return related


def related_key(catalog: Catalog, count: int) -> str:
    """Changes whenever :func:`related_entries` could give a different answer."""
    return _key(
        hashlib.blake2b(Path(__file__).read_bytes(), digest_size=16).hexdigest(),
        str(count),
        *(f"{e.slug} {' '.join(e.tags)}" for e in catalog.entries),
    )


def entry_view(entry: Entry, catalog: Catalog, bodies: Mapping[str, str]) -> EntryView:
    company = catalog.companies.get(entry.company) if entry.company else None
    return EntryView(
        slug=entry.slug,
        title=entry.title,
        url=entry.url,
        host=(urlsplit(entry.url).hostname or "").removeprefix("www."),
        date_iso=entry.date.isoformat(),
        date_text=day_text(entry.date),
        year=entry.year,
        kind=entry.kind,
        company=Term(company.id, company.name) if company else None,
        tags=tuple(Term(t, catalog.tags[t].name) for t in entry.tags if t in catalog.tags),
        authors=entry.authors,
        added_iso=entry.added.isoformat() if entry.added else "",
        added_text=day_text(entry.added) if entry.added else "",
        body=Markup(bodies.get(body_key(entry.summary), "")) if entry.summary else Markup(""),
    )


def _atom_time(day: Any) -> str:
    return f"{day.isoformat()}T00:00:00Z"


def _pager(root: str, number: int, count: int) -> Pager:
    return Pager(
        number=number,
        count=count,
        prev_url=page_url(root, number - 1) if number > 1 else None,
        next_url=page_url(root, number + 1) if number < count else None,
        links=_page_links(root, number, count),
    )


def _page_links(root: str, number: int, count: int) -> tuple[tuple[int | None, str], ...]:
    # A hundred numbered links on every page of a long list help nobody: the first,
    # the last and the nearby pages are linked, and a gap marks what is left out.
    near = range(max(1, number - PAGER_REACH), min(count, number + PAGER_REACH) + 1)
    links: list[tuple[int | None, str]] = []
    previous = 0
    for n in sorted({1, count, *near}):
        if n == previous + 2:
            links.append((previous + 1, page_url(root, previous + 1)))  # no gap of one page
        elif n > previous + 2:
            links.append((None, ""))
        links.append((n, page_url(root, n)))
        previous = n
    return tuple(links)


def _bar_chart(chart_id: str, title: str, rows: Sequence[tuple[str, int]]) -> Markup:
    """A horizontal bar chart as inline SVG; the numbers are in the drawing and its description."""
    row_height, label_width, width = 22, 190, 640
    bar_room = width - label_width - 50
    top = max((value for _, value in rows), default=1) or 1
    height = row_height * max(len(rows), 1) + 4
    desc = "; ".join(f"{label}: {value}" for label, value in rows) or "no entries"
    parts = [
        f'<svg class="chart" role="img" aria-labelledby="{chart_id}-title {chart_id}-desc"'
        f' viewBox="0 0 {width} {height}" width="{width}" height="{height}">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(desc)}</desc>',
    ]
    for index, (label, value) in enumerate(rows):
        y = index * row_height + 2
        bar = max(1, round(bar_room * value / top))
        shown = label if len(label) <= 26 else label[:25] + "…"
        parts.append(
            f'<text x="{label_width - 8}" y="{y + 15}" text-anchor="end">{escape(shown)}</text>'
            f'<rect class="bar" x="{label_width}" y="{y + 3}" width="{bar}"'
            f' height="{row_height - 6}"/>'
            f'<text x="{label_width + bar + 6}" y="{y + 15}">{value}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


@dataclass(frozen=True)
class _Planner:
    """The state shared while listing a site's pages."""

    catalog: Catalog
    config: SiteConfig
    views: LazyViews
    fingerprints: Mapping[str, str]
    listed: Mapping[str, str]
    """Each entry's :func:`listed_fingerprint`, by slug."""
    version: str
    summaries: Mapping[str, str]
    """Rendered summaries by :func:`body_key`."""
    page_defaults: dict[str, Any]
    """The variables every HTML page has, but for its URL and whether search engines skip it."""
    edited: Edited | None = None
    """When given, only the files that show these entries are planned."""
    pages: list[Page] = field(default_factory=list)

    def add(
        self,
        url_or_path: str,
        template: str,
        context: dict[str, Any] | Callable[[], dict[str, Any]],
        *key: str,
        html: bool = True,
        path: str = "",
        noindex: bool = False,
    ) -> None:
        """One output file; ``context`` may be a function, to defer building views."""
        path = path or (page_path(url_or_path) if html else url_or_path)
        make = context if callable(context) else _constant(context)
        if html:
            make = functools.partial(_page_context, self.page_defaults, url_or_path, noindex, make)
        self.pages.append(
            Page(
                path,
                template,
                make,
                _key(self.version, path, template, *key),
                url_or_path if html else "",
                html and not noindex,
            )
        )

    def fps(self, entries: Iterable[Entry]) -> list[str]:
        return [self.fingerprints[e.slug] for e in entries]

    def listed_fps(self, entries: Iterable[Entry]) -> list[str]:
        return [self.listed[e.slug] for e in entries]

    def lists(self, entries: Iterable[Entry]) -> bool:
        """Whether lists of these entries are planned."""
        edited = self.edited
        if edited is None:
            return True
        # Usually none or one entry: a summary edit changes no list.
        return bool(edited.listed) and not edited.listed.isdisjoint(map(_SLUG, entries))

    def entry_list(
        self,
        root: str,
        entries: Sequence[Entry],
        template: str,
        context: dict[str, Any],
        *key: str,
    ) -> None:
        """A list at ``root``, split into pages of ``page_size`` entries."""
        size = self.config.page_size
        count = max(1, -(-len(entries) // size))
        for number in range(1, count + 1):
            chunk = entries[(number - 1) * size : number * size]
            if not self.lists(chunk):
                continue
            pager = _pager(root, number, count)
            title = context.get("page_title", "")
            page_context = context | {
                "entries": Views([e.slug for e in chunk], self.views),
                "pager": pager,
                "total": len(entries),
                "prev_url": pager.prev_url,
                "next_url": pager.next_url,
            }
            if number > 1:
                page_context["page_title"] = f"{title or 'Newest'}, page {number}"
            self.add(
                page_url(root, number),
                template,
                page_context,
                str(number),
                str(count),
                str(len(entries)),
                *key,
                *self.listed_fps(chunk),
            )

    def feed(
        self,
        path: str,
        title: str,
        subtitle: str,
        page: str,
        entries: Sequence[Entry],
        by_added: bool = False,
    ) -> None:
        shown = entries[: self.config.feed_size]
        edited = self.edited
        if edited is not None and edited.changed.isdisjoint(map(_SLUG, shown)):
            return
        authority = self.config.feed_id_authority
        views = self.views

        def context() -> dict[str, Any]:
            items: list[tuple[EntryView, str]] = []
            for entry in shown:
                view = views[entry.slug]
                updated = (
                    entry.added
                    if by_added and entry.added
                    else max(entry.date, entry.added or entry.date)
                )
                items.append((view, _atom_time(updated)))
            newest = max((updated for _, updated in items), default=_atom_time_epoch())
            return {
                "feed_title": title,
                "subtitle": subtitle,
                "feed_id": f"tag:{authority}:{path}",
                "feed_url": path,
                "page_url": page,
                "updated": newest,
                "items": items,
            }

        self.add(
            path,
            "feed.xml",
            context,
            title,
            subtitle,
            page,
            *self.fps(shown),
            html=False,
        )


def _constant(context: dict[str, Any]) -> Callable[[], dict[str, Any]]:
    return lambda: context


def _page_context(
    defaults: dict[str, Any], url: str, noindex: bool, make: Callable[[], dict[str, Any]]
) -> dict[str, Any]:
    """What every HTML page's template reads, unless the page's own context says otherwise."""
    return {**defaults, "url": url, "noindex": noindex, **make()}


def _atom_time_epoch() -> str:
    return "1970-01-01T00:00:00Z"


def _feed_link(title: str, url: str) -> list[dict[str, str]]:
    return [{"title": title, "url": url}]


def plan_site(
    catalog: Catalog,
    config: SiteConfig,
    bodies: Mapping[str, str] | None = None,
    templates: Path = DEFAULT_TEMPLATES,
    related: Mapping[str, tuple[str, ...]] | None = None,
    memory: RenderMemory | None = None,
    edited: Edited | None = None,
) -> SitePlan:
    """Every output file with its inputs' key.

    ``bodies`` are rendered summaries by :func:`body_key`, read only when pages
    render, so the caller may fill them in after planning; ``related`` is what
    :func:`related_entries` gives for this catalog, when the caller kept it;
    ``memory`` is what the last plan left, when the caller kept it.

    ``edited`` plans just the files that show the entries edited: for a caller
    that knows the last build's site and that only these entries changed, in what
    they show but not in where they are listed (their dates, tags, company, kind
    and the day they were added are as they were). The other files would be
    planned with the same keys as before.
    """
    if bodies is None:
        bodies = render_bodies(e.summary for e in catalog.entries)
    if related is None:
        related = related_entries(catalog, config.related_count)
    memory = memory if memory is not None else RenderMemory()
    vocabulary = repr((sorted(catalog.tags.items()), sorted(catalog.companies.items())))
    version = _key(_code_version(templates), repr(config), vocabulary)
    fingerprints, listed = _fingerprints(catalog, memory)
    views = _kept_views(catalog, bodies, version, fingerprints, memory)
    environment = make_environment(templates, config, memory.templates, views.fragments)
    planner = _Planner(
        catalog,
        config,
        views,
        fingerprints,
        listed,
        version,
        bodies,
        {
            "page_title": "",
            "description": config.description,
            "og_type": "website",
            "feeds": _feed_link(f"{config.title}: newest entries", "feed.xml"),
            "prev_url": None,
            "next_url": None,
        },
        edited,
    )
    _plan_entries(planner, related, memory)
    _plan_lists(planner)
    if edited is None:
        # These show counts, names and URLs, never what an entry says.
        _plan_indexes(planner)
        _plan_redirects(planner)
    _plan_files(planner)
    copied = {name: (templates / name).read_bytes() for name in COPIED_FILES}
    return SitePlan(
        tuple(sorted(planner.pages, key=operator.attrgetter("path"))),
        environment,
        copied,
        memory.exports,
        edited,
    )


def _fingerprints(catalog: Catalog, memory: RenderMemory) -> tuple[dict[str, str], dict[str, str]]:
    """Each entry's fingerprint and listed fingerprint, by slug."""
    known = memory.fingerprints
    made: dict[str, tuple[Entry, str, str]] = {}
    for entry in catalog.entries:
        made[entry.path] = kept(known, entry) or (
            entry,
            entry_fingerprint(entry),
            listed_fingerprint(entry),
        )
    memory.fingerprints = made
    fingerprints = {entry.slug: fingerprint for entry, fingerprint, _ in made.values()}
    return fingerprints, {entry.slug: listed for entry, _, listed in made.values()}


def _kept_views(
    catalog: Catalog,
    bodies: Mapping[str, str],
    version: str,
    fingerprints: dict[str, str],
    memory: RenderMemory,
) -> LazyViews:
    """The last plan's views and their fragments, less those of entries that changed;
    new ones if the site's version changed. Its planned entry pages go with them."""
    views = memory.views
    if views is None or memory.version != version:
        views = LazyViews(catalog, bodies)
        memory.entry_pages = {}
    else:
        views.catalog, views.bodies = catalog, bodies
        for slug in [s for s in views if memory.planned.get(s) != fingerprints.get(s)]:
            del views[slug]
            views.fragments.pop(slug, None)
    memory.views, memory.version, memory.planned = views, version, fingerprints
    return views


def _entry_context(entry: Entry, others: Sequence[str], views: LazyViews) -> dict[str, Any]:
    view = views[entry.slug]
    description = view.body.striptags() or f"{entry.title}: a {entry.kind} from {entry.year}."
    return {
        "page_title": entry.title,
        "description": description[:300],
        "og_type": "article",
        "e": view,
        "related": Views(others, views),
    }


def _plan_entries(
    planner: _Planner, related: Mapping[str, tuple[str, ...]], memory: RenderMemory
) -> None:
    """A page per entry; the last plan's page where the entry and its related ones are
    unchanged (with the site's version: see :func:`_kept_views`)."""
    fingerprint = planner.fingerprints.__getitem__
    listed = planner.listed.__getitem__
    kept = memory.entry_pages
    planned: dict[str, tuple[tuple[str, ...], Page]] = {}
    edited = planner.edited
    changed = edited.changed if edited is not None else frozenset()
    relisted = edited.listed if edited is not None else frozenset()
    for entry in planner.catalog.entries:
        others = related[entry.slug]
        if (
            edited is not None
            and entry.slug not in changed
            and (not relisted or relisted.isdisjoint(others))
        ):
            continue
        inputs = (fingerprint(entry.slug), *map(listed, others))
        known = kept.get(entry.slug)
        if known is not None and known[0] == inputs:
            planner.pages.append(known[1])
        else:
            planner.add(
                f"entries/{entry.slug}/",
                "entry.html",
                functools.partial(_entry_context, entry, others, planner.views),
                *inputs,
            )
            known = (inputs, planner.pages[-1])
        planned[entry.slug] = known
    if edited is None:
        memory.entry_pages = planned
    else:
        memory.entry_pages.update(planned)


def _plan_lists(planner: _Planner) -> None:
    catalog, config = planner.catalog, planner.config
    entries = catalog.entries
    tag_counts = catalog.tag_counts()
    top = sorted(tag_counts.items(), key=lambda kv: (-kv[1], kv[0]))[:HOME_TOP_TAGS]
    totals = {
        "entries": len(entries),
        "tags": len(catalog.by_tag),
        "companies": len(catalog.by_company),
        "years": len(catalog.by_year),
        "kinds": len(catalog.by_kind),
    }
    top_tags = [{"id": t, "name": catalog.tags[t].name, "count": n} for t, n in top]
    main_feed = _feed_link(f"{config.title}: newest entries", "feed.xml")
    planner.entry_list(
        "",
        entries,
        "home.html",
        {"totals": totals, "top_tags": top_tags, "feeds": main_feed},
        repr(totals),
        repr(top_tags),
    )
    planner.feed("feed.xml", config.title, config.description, "", entries)
    for tag_id, tagged in catalog.by_tag.items():
        tag = catalog.tags[tag_id]
        root = f"tags/{tag_id}/"
        feed = _feed_link(f"{tag.name}: {config.title}", f"{root}feed.xml")
        planner.entry_list(
            root,
            tagged,
            "list.html",
            {
                "page_title": tag.name,
                "heading": tag.name,
                "intro": tag.description,
                "description": f"{tag.name}: {tag.description}",
                "feeds": feed,
            },
        )
        planner.feed(
            f"{root}feed.xml", f"{tag.name}: {config.title}", tag.description, root, tagged
        )
    for company_id, made in catalog.by_company.items():
        company = catalog.companies[company_id]
        root = f"companies/{company_id}/"
        intro = f"Resources from {company.name}."
        feed = _feed_link(f"{company.name}: {config.title}", f"{root}feed.xml")
        planner.entry_list(
            root,
            made,
            "list.html",
            {
                "page_title": company.name,
                "heading": company.name,
                "intro": intro,
                "description": intro,
                "feeds": feed,
            },
        )
        planner.feed(f"{root}feed.xml", f"{company.name}: {config.title}", intro, root, made)
    for year, published in catalog.by_year.items():
        intro = f"Resources published in {year}."
        planner.entry_list(
            f"years/{year}/",
            published,
            "list.html",
            {
                "page_title": str(year),
                "heading": f"Published in {year}",
                "intro": "",
                "description": intro,
            },
        )
    for kind, of_kind in catalog.by_kind.items():
        planner.entry_list(
            f"kinds/{kind}/",
            of_kind,
            "list.html",
            {
                "page_title": f"Kind: {kind}",
                "heading": f"Kind: {kind}",
                "intro": "",
                "description": f"Every {kind} in the list, newest first.",
            },
        )
    _plan_new(planner)


def _plan_new(planner: _Planner) -> None:
    config = planner.config
    added = sorted(
        (e for e in planner.catalog.entries if e.added),
        key=operator.attrgetter("added", "date", "slug"),
        reverse=True,
    )
    size = config.page_size
    count = max(1, -(-len(added) // size))
    feed = _feed_link(f"New in {config.title}", "new/feed.xml")
    for number in range(1, count + 1):
        chunk = added[(number - 1) * size : number * size]
        if not planner.lists(chunk):
            continue
        days = [
            {
                "iso": day.isoformat(),
                "text": day_text(day),
                "entries": Views([e.slug for e in group], planner.views),
            }
            for day, group in itertools.groupby(chunk, key=lambda e: e.added)
            if day
        ]
        pager = _pager("new/", number, count)
        planner.add(
            page_url("new/", number),
            "new.html",
            {
                "page_title": "What's new" if number == 1 else f"What's new, page {number}",
                "description": f"Entries as they joined {config.title}, newest first.",
                "days": days,
                "pager": pager,
                "feeds": feed,
                "prev_url": pager.prev_url,
                "next_url": pager.next_url,
            },
            str(number),
            str(count),
            *(f"{e.added}" for e in chunk),
            *planner.listed_fps(chunk),
        )
    planner.feed(
        "new/feed.xml",
        f"New in {config.title}",
        "Entries as they join the list.",
        "new/",
        added,
        by_added=True,
    )


def _plan_indexes(planner: _Planner) -> None:
    catalog, config = planner.catalog, planner.config
    tags = [
        {
            "url": f"tags/{t}/",
            "name": catalog.tags[t].name,
            "count": len(tagged),
            "description": catalog.tags[t].description,
        }
        for t, tagged in sorted(
            catalog.by_tag.items(), key=lambda kv: catalog.tags[kv[0]].name.lower()
        )
    ]
    companies = [
        {
            "url": f"companies/{c}/",
            "name": catalog.companies[c].name,
            "count": len(made),
            "description": "",
        }
        for c, made in sorted(
            catalog.by_company.items(), key=lambda kv: catalog.companies[kv[0]].name.lower()
        )
    ]
    years = [
        {"url": f"years/{y}/", "name": str(y), "count": len(p), "description": ""}
        for y, p in catalog.by_year.items()
    ]
    kinds = [
        {"url": f"kinds/{k}/", "name": k, "count": len(p), "description": ""}
        for k, p in catalog.by_kind.items()
    ]
    for url, title, intro, terms in (
        ("tags/", "Tags", "Every topic in the list, with what belongs under it.", tags),
        ("companies/", "Companies", "The organisations behind the resources.", companies),
        ("years/", "Years", "Resources by the year they were published.", years),
        ("kinds/", "Kinds", "Articles, papers, talks, books and more.", kinds),
    ):
        planner.add(
            url,
            "terms.html",
            {
                "page_title": title,
                "heading": title,
                "intro": intro,
                "description": intro,
                "terms": terms,
            },
            repr(terms),
        )
    charts = [
        ("chart-years", "Entries per year", [(str(y), len(p)) for y, p in catalog.by_year.items()]),
        (
            "chart-tags",
            "Top tags",
            [
                (catalog.tags[t].name, n)
                for t, n in sorted(catalog.tag_counts().items(), key=lambda kv: (-kv[1], kv[0]))
            ][: config.chart_bars],
        ),
        (
            "chart-companies",
            "Top companies",
            [
                (catalog.companies[c].name, n)
                for c, n in sorted(catalog.company_counts().items(), key=lambda kv: (-kv[1], kv[0]))
            ][: config.chart_bars],
        ),
    ]
    totals = {
        "entries": len(catalog.entries),
        "tags": len(catalog.by_tag),
        "companies": len(catalog.by_company),
    }
    planner.add(
        "stats/",
        "stats.html",
        {
            "page_title": "Stats",
            "description": "The list in numbers: entries per year, top tags, top companies.",
            "totals": totals,
            "charts": [
                {"id": cid, "title": title, "svg": _bar_chart(cid, title, rows)}
                for cid, title, rows in charts
            ],
        },
        repr(charts),
        repr(totals),
    )
    filters = {
        "tags": [{"id": t, "name": catalog.tags[t].name} for t in catalog.by_tag],
        "companies": [{"id": c, "name": catalog.companies[c].name} for c in catalog.by_company],
        "kinds": list(catalog.by_kind),
        "years": list(catalog.by_year),
    }
    planner.add(
        "search/",
        "search.html",
        {
            "page_title": "Search",
            "description": f"Search {config.title} by words, tag, company, kind and year.",
            "filters": filters,
        },
        repr(filters),
    )
    planner.add(
        "",
        "404.html",
        {"page_title": "Page not found", "url": "404.html"},
        # Served at any address that has no page, so it lives at the top, not in 404/.
        path="404.html",
        noindex=True,
    )


def _plan_redirects(planner: _Planner) -> None:
    """Old URLs of renamed tags and companies (their aliases) point to the current page."""
    catalog = planner.catalog
    taken = {p.path for p in planner.pages}
    groups: list[tuple[str, Mapping[str, Any], Callable[[str], tuple[str, ...]]]] = [
        ("tags", catalog.by_tag, lambda t: catalog.tags[t].aliases),
        ("companies", catalog.by_company, lambda c: catalog.companies[c].aliases),
    ]
    for section, used, aliases_of in groups:
        for ident in used:
            name = catalog.tags[ident].name if section == "tags" else catalog.companies[ident].name
            for alias in sorted(aliases_of(ident)):
                slug = slugify(alias)
                url = f"{section}/{slug}/"
                if not slug or page_path(url) in taken:
                    continue
                taken.add(page_path(url))
                target = f"{section}/{ident}/"
                planner.add(
                    url,
                    "redirect.html",
                    {
                        "page_title": f"{alias}: moved to {name}",
                        "heading": f"{alias} is now {name}",
                        "description": f"{alias} is now {name}.",
                        "url": target,
                        "target_url": target,
                        "target_name": name,
                    },
                    alias,
                    name,
                    noindex=True,
                )


def _plan_files(planner: _Planner) -> None:
    catalog, config = planner.catalog, planner.config
    if planner.edited is None:
        html_urls = sorted(
            p.url for p in planner.pages if p.sitemap and p.path.endswith("index.html")
        )
        planner.add("sitemap.xml", "sitemap.xml", {"urls": html_urls}, *html_urls, html=False)
        robots = "User-agent: *\nAllow: /\n"
        if config.origin:
            robots += f"Sitemap: {config.origin}{config.base_path}sitemap.xml\n"
        planner.add("robots.txt", "robots.txt", {"text": robots}, robots, html=False)
        for name in COPIED_FILES:
            planner.add(name, name, {}, html=False)
    elif not planner.edited.changed:
        return
    # Both show every entry; the vocabulary, also in them, is in every key's version.
    every_entry = sorted(planner.fingerprints.values())
    planner.add("catalog.json", "catalog.json", {"catalog": catalog}, *every_entry, html=False)
    planner.add(
        "list.md",
        "list.md",
        {"catalog": catalog, "config": config, "summaries": planner.summaries},
        *every_entry,
        config.title,
        config.description,
        html=False,
    )


def compile_templates(plan: SitePlan) -> None:
    """Compile every template of the plan now: processes forked after share them,
    where each would otherwise compile its own."""
    for name in plan.environment.list_templates():
        if name not in plan.copied:
            plan.environment.get_template(name)


def render_page(plan: SitePlan, page: Page) -> bytes:
    """The bytes of one output file."""
    if page.template in plan.copied:
        return plan.copied[page.template]
    context = page.context()
    if page.template in EXPORTS:
        return _render_export(plan, page.template, context)
    if page.template == "robots.txt":
        return str(context["text"]).encode()
    return plan.environment.get_template(page.template).render(context).encode()


def _render_export(plan: SitePlan, name: str, context: dict[str, Any]) -> bytes:
    catalog: Catalog = context["catalog"]
    summaries: Mapping[str, str] = context.get("summaries", {})

    def render(summary: str) -> str:
        return summaries.get(body_key(summary), "")

    edited = plan.edited
    if edited is not None and edited.previous is not None:
        previous = edited.previous(name)
        pairs = [(old, catalog.by_slug[slug]) for slug, old in edited.before.items()]
        if previous is None:
            made = None
        elif name == "catalog.json":
            made = edited_catalog_json(previous, pairs)
        else:
            made = edited_catalog_markdown(previous, catalog, pairs, render)
        if made is not None:
            return made
    if name == "catalog.json":
        return catalog_json(catalog, plan.exports).encode()
    return catalog_markdown(catalog, context["config"], render, plan.exports).encode()


def render_site(
    catalog: Catalog,
    config: SiteConfig,
    bodies: Mapping[str, str] | None = None,
    templates: Path = DEFAULT_TEMPLATES,
) -> dict[str, bytes]:
    """The whole site in one process: ``{relative output path: bytes}``."""
    plan = plan_site(catalog, config, bodies, templates)
    return {page.path: render_page(plan, page) for page in plan.pages}
