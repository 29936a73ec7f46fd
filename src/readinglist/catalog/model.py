"""The typed catalog, and the reference for every front-matter field.

An entry is one Markdown file, ``content/entries/<slug>.md``, whose YAML front
matter holds the fields of :class:`Entry` and whose body is an optional summary.
The docstrings below are the field reference that CONTRIBUTING.md is built from.
Pure: plain frozen data, no I/O.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from readinglist.catalog.order import ADDED_ORDER, newest_first, newly_added, regroup, regrouped

KINDS: tuple[str, ...] = (
    "article",
    "paper",
    "book",
    "course",
    "video",
    "talk",
    "thread",
    "repository",
    "newsletter",
    "podcast",
    "website",
)
"""The kinds of resource an entry may be; ``article`` when an entry names none.

article: a blog post or written piece on the web. paper: a research or
white paper. book: a published book. course: a course, syllabus or lecture
series. video: a recorded video or playlist. talk: a conference talk or its
slides. thread: a social-media thread. repository: a code repository or
curated list kept in one. newsletter: a recurring newsletter. podcast: a podcast
or an episode. website: a whole site, documentation or blog rather than one page.
"""

DEFAULT_KIND = "article"
MAX_TAGS = 6
"""More tags than this on one entry stops them from meaning anything."""


@dataclass(frozen=True)
class FieldDoc:
    """How one front-matter field is written, for the reference and the checker."""

    name: str
    required: bool
    type: str
    description: str
    example: str


FIELDS: tuple[FieldDoc, ...] = (
    FieldDoc(
        "title",
        True,
        "text",
        "The resource's own title, as its author wrote it.",
        "title: Rules of Machine Learning",
    ),
    FieldDoc(
        "url",
        True,
        "absolute http(s) URL",
        "Where the resource lives. Each resource appears once in the list.",
        "url: https://developers.google.com/machine-learning/guides/rules-of-ml",
    ),
    FieldDoc(
        "date",
        False,
        "YYYY, YYYY-MM or YYYY-MM-DD",
        "When the resource was published, to the precision known from the resource itself:"
        " a year, a month or a day. Never a guess, and never a list's own date. Left out for"
        " a living resource (a website, repository, course or newsletter); the checker"
        " warns when another kind has none.",
        "date: 2022-09-12",
    ),
    FieldDoc(
        "tags",
        True,
        f"list of 1 to {MAX_TAGS} tags",
        "Topics from the vocabulary in content/tags.yml; an alias listed there works too.",
        "tags: [mlops, best-practices]",
    ),
    FieldDoc(
        "company",
        False,
        "text",
        "The organisation behind the resource, from content/companies.yml (an alias works).",
        "company: Google",
    ),
    FieldDoc(
        "kind",
        False,
        "one of " + ", ".join(KINDS),
        f"What sort of resource it is; {DEFAULT_KIND} when left out.",
        "kind: article",
    ),
    FieldDoc(
        "authors",
        False,
        "list of names",
        "The people who wrote or made it.",
        "authors: [Martin Zinkevich]",
    ),
    FieldDoc(
        "added",
        False,
        "YYYY-MM-DD",
        "The day the entry joined this list; `readinglist new` fills it in. It drives"
        " the What's new page, and stands in where an undated entry needs a day: its"
        " order among the undated and its time in feeds. An undated entry must have it.",
        "added: 2026-11-24",
    ),
)
"""Every front-matter key an entry may have, in the order entries are written."""

FIELD_NAMES: tuple[str, ...] = tuple(f.name for f in FIELDS)
REQUIRED_FIELDS: tuple[str, ...] = tuple(f.name for f in FIELDS if f.required)


Precision = Literal["year", "month", "day"]
"""How much of a publication date is known."""

UNDATED_KINDS: frozenset[str] = frozenset({"website", "repository", "course", "newsletter"})
"""Living resources: no single publication date, so an entry of these kinds may have none;
any other kind without a date gets a warning."""


@dataclass(frozen=True)
class PublicationDate:
    """When a resource was published, as precisely as the facts go: a year, a month or a day.

    Ordered by :attr:`sort_key`: a date known to the year sorts as the start of that year,
    before every known month and day in it; a month, before its known days. Newest first,
    ``2015`` therefore follows everything of 2015 that is known more precisely.
    """

    year: int
    month: int | None = None
    """1 to 12; None when only the year is known."""
    day: int | None = None
    """A day of the month; None unless the day is known (and then the month is too)."""

    @classmethod
    def fromisoformat(cls, text: str) -> PublicationDate:
        """``2015``, ``2015-12`` or ``2015-12-07``; ValueError for anything else or a day
        that does not exist."""
        parts = text.split("-")
        if not 1 <= len(parts) <= 3 or not all(p.isascii() and p.isdigit() for p in parts):
            raise ValueError(f"not YYYY, YYYY-MM or YYYY-MM-DD: {text!r}")
        if [len(p) for p in parts] != [4, 2, 2][: len(parts)]:
            raise ValueError(f"not YYYY, YYYY-MM or YYYY-MM-DD: {text!r}")
        numbers = [int(p) for p in parts]
        # datetime.date checks the month and the day against the calendar.
        datetime.date(numbers[0], *[*numbers[1:], 1, 1][:2])
        return cls(*numbers)

    @classmethod
    def of_day(cls, day: datetime.date) -> PublicationDate:
        return cls(day.year, day.month, day.day)

    @property
    def precision(self) -> Precision:
        return "year" if self.month is None else "month" if self.day is None else "day"

    def isoformat(self) -> str:
        """As front matter and exports write it: ``2015``, ``2015-12``, ``2015-12-07``."""
        text = f"{self.year:04d}"
        if self.month is not None:
            text += f"-{self.month:02d}"
        if self.day is not None:
            text += f"-{self.day:02d}"
        return text

    def first_day(self) -> datetime.date:
        """The first day the date may stand for: where a format needs a whole day."""
        return datetime.date(self.year, self.month or 1, self.day or 1)

    @property
    def sort_key(self) -> tuple[int, int, int]:
        return self.year, self.month or 0, self.day or 0


@dataclass(frozen=True)
class Tag:
    """A topic in the controlled vocabulary (``content/tags.yml``)."""

    id: str
    """Slug used in URLs and in the catalog: ``feature-store``."""
    name: str
    """Display name: ``Feature store``."""
    description: str
    """One line that says what belongs under the tag."""
    aliases: tuple[str, ...] = ()
    """Other spellings entries may use (``ML Ops``, ``mlops``); each resolves to ``id``."""


@dataclass(frozen=True)
class Company:
    """An organisation behind resources (``content/companies.yml``)."""

    id: str
    """Slug used in URLs and in the catalog: ``uber``."""
    name: str
    """Display name: ``Uber``."""
    homepage: str = ""
    """The organisation's own site, when known."""
    aliases: tuple[str, ...] = ()
    """Other names entries may use (``Uber Engineering``); each resolves to ``id``."""


@dataclass(frozen=True)
class Entry:
    """One resource in the list: one file, ``content/entries/<slug>.md``."""

    slug: str
    """The stable id: the file name without ``.md``; lowercase letters, digits, hyphens."""
    title: str
    """The resource's own title."""
    url: str
    """Absolute http(s) URL of the resource."""
    date: PublicationDate | None
    """Publication date to the precision known; None for an undated living resource."""
    tags: tuple[str, ...]
    """Canonical tag ids, in the order the entry lists them."""
    company: str | None = None
    """Canonical company id, when an organisation is behind it."""
    kind: str = DEFAULT_KIND
    """One of :data:`KINDS`."""
    authors: tuple[str, ...] = ()
    """Authors' names, when given."""
    added: datetime.date | None = None
    """The day the entry joined the list."""
    summary: str = ""
    """The Markdown body: a short summary in the list's own words, or empty."""
    path: str = ""
    """The source file, for messages."""

    @property
    def year(self) -> int | None:
        return self.date.year if self.date else None


def _sorted_groups(groups: Mapping[str, Sequence[Entry]]) -> dict[str, tuple[Entry, ...]]:
    return {key: tuple(groups[key]) for key in sorted(groups)}


@dataclass(frozen=True)
class Catalog:
    """Every valid entry, newest first, with the indexes the site is built from."""

    entries: tuple[Entry, ...]
    """All entries, newest first."""
    tags: Mapping[str, Tag]
    """The vocabulary by id, sorted by id."""
    companies: Mapping[str, Company]
    """Known companies by id, sorted by id."""
    by_tag: Mapping[str, tuple[Entry, ...]] = field(default_factory=dict)
    """Tag id to its entries, newest first; only tags that have entries."""
    by_company: Mapping[str, tuple[Entry, ...]] = field(default_factory=dict)
    """Company id to its entries, newest first; only companies that have entries."""
    by_year: Mapping[int, tuple[Entry, ...]] = field(default_factory=dict)
    """Publication year to its entries, newest year first; undated entries are in none."""
    undated: tuple[Entry, ...] = ()
    """Entries without a publication date, in catalog order."""
    by_kind: Mapping[str, tuple[Entry, ...]] = field(default_factory=dict)
    """Kind to its entries, in the order of :data:`KINDS`."""
    by_slug: Mapping[str, Entry] = field(default_factory=dict)
    """Slug to entry."""
    added: tuple[Entry, ...] = ()
    """The entries that say when they were added, as :func:`newly_added` orders them."""

    @classmethod
    def build(
        cls,
        entries: list[Entry],
        tags: Mapping[str, Tag],
        companies: Mapping[str, Company],
        *,
        in_order: bool = False,
    ) -> Catalog:
        """The catalog of ``entries``; ``in_order`` says they are newest first already,
        as a catalog's own entries are."""
        ordered = tuple(entries) if in_order else newest_first(entries)
        by_tag: dict[str, list[Entry]] = {}
        by_company: dict[str, list[Entry]] = {}
        by_year: dict[int, list[Entry]] = {}
        by_kind: dict[str, list[Entry]] = {}
        undated: list[Entry] = []
        # One pass, in catalog order, so every list is newest first.
        for entry in ordered:
            for tag in entry.tags:
                by_tag.setdefault(tag, []).append(entry)
            if entry.company:
                by_company.setdefault(entry.company, []).append(entry)
            if entry.date is not None:
                by_year.setdefault(entry.date.year, []).append(entry)
            else:
                undated.append(entry)
            by_kind.setdefault(entry.kind, []).append(entry)
        return cls(
            entries=ordered,
            tags={k: tags[k] for k in sorted(tags)},
            companies={k: companies[k] for k in sorted(companies)},
            by_tag=_sorted_groups(by_tag),
            by_company=_sorted_groups(by_company),
            by_year={y: tuple(by_year[y]) for y in sorted(by_year, reverse=True)},
            undated=tuple(undated),
            by_kind={k: tuple(by_kind[k]) for k in KINDS if k in by_kind},
            by_slug={e.slug: e for e in ordered},
            added=newly_added(ordered),
        )

    def updated(self, gone: Sequence[Entry], new: Sequence[Entry]) -> Catalog:
        """This catalog without ``gone`` (some of its entries) and with ``new``, for the
        same vocabulary: equal to the catalog built afresh from its other entries and
        ``new``, in time that grows with the groups they are in, not with the catalog.

        Which groups an entry is in is what :meth:`build` makes of it, and where in a
        group it goes is :func:`newest_first`'s order.
        """
        touched = Catalog.build([*gone, *new], self.tags, self.companies, in_order=True)
        change = ({id(e) for e in gone}, {id(e) for e in new})
        entries = regroup(self.entries, touched.entries, change)
        by_slug = dict(self.by_slug)
        for entry in gone:
            del by_slug[entry.slug]
        by_slug.update((entry.slug, entry) for entry in new)
        by_year = regrouped(self.by_year, touched.by_year, change)
        by_kind = regrouped(self.by_kind, touched.by_kind, change)
        return Catalog(
            entries=entries,
            tags=self.tags,
            companies=self.companies,
            by_tag=_sorted_groups(regrouped(self.by_tag, touched.by_tag, change)),
            by_company=_sorted_groups(regrouped(self.by_company, touched.by_company, change)),
            by_year={year: by_year[year] for year in sorted(by_year, reverse=True)},
            undated=regroup(self.undated, touched.undated, change),
            by_kind={kind: by_kind[kind] for kind in KINDS if kind in by_kind},
            by_slug=by_slug,
            added=regroup(self.added, touched.added, change, ADDED_ORDER),
        )

    def tag_counts(self) -> dict[str, int]:
        return {tag: len(entries) for tag, entries in self.by_tag.items()}

    def company_counts(self) -> dict[str, int]:
        return {company: len(entries) for company, entries in self.by_company.items()}
