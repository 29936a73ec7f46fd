"""Start a new entry from a URL: the library behind ``readinglist new``.

Works out an entry's front matter from the command's arguments, from the page
itself (``--fetch``) and from answers to questions, checks it with the same
validation ``readinglist check`` runs, and creates ``content/entries/<slug>.md``
without ever overwriting a file. Questions go through the ``ask`` function the
caller passes in, so this module prints nothing and never reads the terminal.
Also makes the field reference of CONTRIBUTING.md from ``model.FIELDS``.
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from html.parser import HTMLParser
from pathlib import Path

import httpx

from readinglist import __version__
from readinglist.authoring.importer import FieldValue, format_entry, write_entry_file
from readinglist.catalog.check import (
    did_you_mean,
    lookup_key,
    name_lookup,
    normalise_url,
    slugify,
    url_problem,
    validate,
)
from readinglist.catalog.model import FIELDS, KINDS, Catalog, Tag
from readinglist.catalog.read import ENTRIES_DIR, RawContent, load_content, parse_entry
from readinglist.problems import Problem

ASKED_FIELDS: tuple[str, ...] = ("title", "date", "tags", "company", "kind")
"""What ``new`` fills in besides the URL, in the order it asks."""
REQUIRED_ASKED: frozenset[str] = frozenset({"title", "date", "tags"})
MAX_PAGE_BYTES = 2_000_000
"""The head of a page holds what we read; more than this is not worth downloading."""
FETCH_TIMEOUT = 10.0
_OPTION_HINTS = {
    "title": 'give --title "..."',
    "date": "give --date YYYY-MM-DD, the day it was published",
    "tags": "give --tags a,b with tags from content/tags.yml",
}


@dataclass(frozen=True)
class Draft:
    """What the contributor gave on the command line; empty text means not given."""

    url: str
    title: str = ""
    date: str = ""
    tags: str = ""
    """As typed: names, ids or aliases separated by commas."""
    company: str = ""
    kind: str = ""


@dataclass(frozen=True)
class PageFacts:
    """What ``--fetch`` found on the page, to offer as defaults."""

    title: str = ""
    date: str = ""


@dataclass(frozen=True)
class Question:
    """One field to ask the contributor for."""

    field: str
    default: str
    """Offered when the answer is empty: a value from the page or the command line."""
    help: str
    """What a valid answer looks like (known tags, kinds...)."""
    problems: tuple[Problem, ...] = ()
    """Why the previous answer was refused; empty on the first asking."""


Ask = Callable[[Question], str]
"""Returns the contributor's answer; the caller decides how to ask."""


@dataclass(frozen=True)
class NewEntry:
    """The file to create and every problem with it; nothing is written while any is an error."""

    path: str
    text: str
    problems: tuple[Problem, ...] = ()

    @property
    def ok(self) -> bool:
        return bool(self.text) and not any(p.severity == "error" for p in self.problems)


# Reading a page.


class _HeadReader(HTMLParser):
    """Collects <title>, og:title and article:published_time from a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.in_title = False
        self.title_parts: list[str] = []
        self.meta: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "title":
            self.in_title = True
        elif tag == "meta":
            values = {k.lower(): v or "" for k, v in attrs}
            key = (values.get("property") or values.get("name") or "").lower()
            if key and "content" in values:
                self.meta.setdefault(key, values["content"])

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self.in_title = False

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.title_parts.append(data)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def page_facts(html: str) -> PageFacts:
    """The title (OpenGraph first, then <title>) and publication day a page declares."""
    reader = _HeadReader()
    reader.feed(html)
    reader.close()
    title = _one_line(reader.meta.get("og:title", "")) or _one_line("".join(reader.title_parts))
    published = reader.meta.get("article:published_time", "").strip()
    try:
        date = datetime.date.fromisoformat(published[:10]).isoformat()
    except ValueError:
        date = ""
    return PageFacts(title, date)


def fetch_page_facts(url: str, timeout: float = FETCH_TIMEOUT) -> tuple[PageFacts, Problem | None]:
    """GET the page and read its facts; a page that cannot be read is a warning, not a crash."""
    headers = {"User-Agent": f"readinglist/{__version__}", "Accept": "text/html"}
    try:
        with (
            httpx.Client(follow_redirects=True, timeout=timeout, headers=headers) as client,
            client.stream("GET", url) as response,
        ):
            if response.status_code >= 400:
                return PageFacts(), _fetch_problem(
                    url, f"the server answered HTTP {response.status_code}"
                )
            body = bytearray()
            for chunk in response.iter_bytes():
                body += chunk
                if len(body) >= MAX_PAGE_BYTES:
                    break
            content_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
            charset = response.charset_encoding or "utf-8"
    except httpx.TimeoutException:
        return PageFacts(), _fetch_problem(url, f"no answer within {timeout:g} seconds")
    except httpx.TooManyRedirects:
        return PageFacts(), _fetch_problem(url, "it redirects too many times")
    except httpx.HTTPError as exc:
        return PageFacts(), _fetch_problem(
            url, f"it could not be reached ({exc or type(exc).__name__})"
        )
    except httpx.InvalidURL as exc:
        return PageFacts(), _fetch_problem(url, f"the address is not valid ({exc})")
    if content_type not in ("text/html", "application/xhtml+xml", ""):
        return PageFacts(), _fetch_problem(url, f"it is {content_type}, not an HTML page")
    try:
        html = bytes(body).decode(charset, errors="replace")
    except LookupError:
        html = bytes(body).decode("utf-8", errors="replace")
    return page_facts(html), None


def _fetch_problem(url: str, why: str) -> Problem:
    return Problem(
        url,
        1,
        "fetch",
        f"could not read the page: {why}",
        "fill in the title and date yourself",
        "warning",
    )


# Working out the fields.


def existing_entry(raw: RawContent, url: str) -> tuple[str, int] | None:
    """(path, line) of the entry that already lists ``url``, as the checker compares URLs."""
    wanted = normalise_url(url)
    for entry in raw.entries:
        other = entry.fields.get("url")
        if isinstance(other, str) and normalise_url(other) == wanted:
            return entry.path, entry.fields.key_lines.get("url", 1)
    return None


def resolve_tags(
    typed: str, tags: Mapping[str, Tag], where: tuple[str, int], tags_path: str
) -> list[Problem]:
    """Problems with comma-separated tag names; aliases and any spelling of a name resolve.

    ``where`` is the entry's path and the line of its ``tags`` field.
    """
    lookup = name_lookup(tags)
    names = sorted({name for tag in tags.values() for name in (tag.id, tag.name)})
    problems = []
    for name in split_list(typed):
        if lookup_key(name) in lookup:
            continue
        how = (
            f"a new tag is added on purpose: add `{slugify(name) or 'new-tag'}:` with a name and"
            f" a description to {tags_path} first"
        )
        close = did_you_mean(name, names)
        problems.append(
            Problem(
                *where,
                "tags",
                f"'{name}' is not in the tag vocabulary",
                f"{close} {how}" if close else how,
            )
        )
    return problems


def split_list(typed: str) -> list[str]:
    return [part.strip() for part in typed.split(",") if part.strip()]


def _day_or_text(text: str) -> datetime.date | str:
    # A day is written as one; anything else stays text for the checker to report on.
    try:
        return datetime.date.fromisoformat(text.strip())
    except ValueError:
        return text.strip()


def _company_name(typed: str, lookup: Mapping[str, str], catalog: Catalog) -> str:
    """The display name of a known company, or what was typed."""
    ident = lookup.get(lookup_key(typed)) if typed else None
    return catalog.companies[ident].name if ident else typed


def canonical_fields(values: Mapping[str, str], catalog: Catalog) -> dict[str, FieldValue]:
    """Front matter with tags as ids and the company by its display name, where known."""
    tag_lookup = name_lookup(catalog.tags)
    company_lookup = name_lookup(catalog.companies)
    tags: list[str] = []
    for name in split_list(values.get("tags", "")):
        ident = tag_lookup.get(lookup_key(name), name)
        if ident not in tags:
            tags.append(ident)
    company = values.get("company", "").strip()
    return {
        "title": " ".join(values.get("title", "").split()),
        "url": values["url"].strip(),
        "date": _day_or_text(values.get("date", "")),
        "tags": tags,
        "company": _company_name(company, company_lookup, catalog),
        "kind": values.get("kind", "").strip().lower(),
        "added": _day_or_text(values["added"]),
    }


@dataclass(frozen=True)
class _Context:
    """The catalog a new entry joins: read once, consulted for every answer."""

    raw: RawContent
    catalog: Catalog
    entries_dir: str
    today: datetime.date

    def target(self, title: str) -> str:
        slug = slugify(title)
        return str(Path(self.entries_dir) / f"{slug}.md") if slug else self.entries_dir

    def check(
        self, values: Mapping[str, str], with_catalog: bool
    ) -> tuple[str, str, list[Problem]]:
        """(path, text, problems) for these values, through the checker's own validation."""
        title = values.get("title", "")
        path = self.target(title)
        problems: list[Problem] = []
        for name in sorted(REQUIRED_ASKED):
            if not values.get(name, "").strip():
                problems.append(Problem(path, 1, name, "is required", _OPTION_HINTS[name]))
        if title.strip() and path == self.entries_dir:
            problems.append(
                Problem(
                    path, 1, "title", "gives no file name", "use a title with letters or digits"
                )
            )
        text = format_entry(canonical_fields(values, self.catalog))
        raw_entry, found = parse_entry(text.encode(), path, Path(path).stem)
        problems += found
        tags_line = raw_entry.fields.key_lines.get("tags", 1) if raw_entry else 1
        problems += resolve_tags(
            values.get("tags", ""), self.catalog.tags, (path, tags_line), self.raw.tags_path
        )
        if raw_entry is not None:
            others = self.raw.entries if with_catalog else ()
            raw = replace(self.raw, entries=(*others, raw_entry), problems=())
            result = validate(raw, self.today)
            problems += [
                p
                for p in result.problems
                if p.path == path
                and (p.severity == "error" or with_catalog)
                and not (p.message == "is required" and p.field in REQUIRED_ASKED)
                and not (p.field == "tags" and "tag vocabulary" in p.message)
                # The summary is the contributor's to write once the file exists.
                and p.field != "summary"
            ]
        return path, text, problems

    def field_problems(self, values: Mapping[str, str], field: str) -> tuple[Problem, ...]:
        _, _, problems = self.check(values, with_catalog=False)
        return tuple(p for p in problems if p.field == field)


def _field_help(field: str, catalog: Catalog) -> str:
    if field == "title":
        return "the resource's own title"
    if field == "date":
        return "the day it was published, YYYY-MM-DD"
    if field == "tags":
        return "comma-separated, from: " + ", ".join(catalog.tags)
    if field == "company":
        return "the organisation behind it, or empty for none"
    return "one of " + ", ".join(KINDS) + f"; empty for {KINDS[0]}"


def plan_entry(
    content_dir: str | os.PathLike[str],
    draft: Draft,
    today: datetime.date,
    ask: Ask | None = None,
    facts: PageFacts = PageFacts(),
) -> NewEntry:
    """Everything about the new entry short of writing it.

    With ``ask`` (a terminal), missing fields are asked for, values taken from
    the page are offered for confirmation, and a refused answer is asked again
    with its problems. Without it, missing required fields are problems.
    """
    raw = load_content(content_dir)
    entries_dir = str(Path(raw.root) / ENTRIES_DIR)
    unreadable = [p for p in raw.problems if p.path in (raw.tags_path, entries_dir)]
    if unreadable:
        # Without the vocabulary or the entries folder there is no catalog to add to.
        return NewEntry("", "", tuple(unreadable))
    catalog = validate(raw, today).catalog
    context = _Context(raw, catalog, entries_dir, today)
    url = draft.url.strip()
    problem, hint = url_problem(url)
    if problem:
        return NewEntry("", "", (Problem(context.entries_dir, 1, "url", problem, hint),))
    found = existing_entry(raw, url)
    if found is not None:
        return NewEntry(
            "",
            "",
            (
                Problem(
                    found[0],
                    found[1],
                    "url",
                    f"already lists {url}",
                    "each resource appears once: improve this entry instead of adding another",
                ),
            ),
        )
    given = {name: getattr(draft, name).strip() for name in ASKED_FIELDS}
    from_page = {"title": facts.title, "date": facts.date}
    values = {"url": url, "added": today.isoformat()}
    for name in ASKED_FIELDS:
        values[name] = given[name] or from_page.get(name, "")
        if ask is None:
            continue
        problems: tuple[Problem, ...] = ()
        if given[name]:
            # What the command line gave is asked again only when it is refused.
            problems = context.field_problems(values, name)
            if not problems:
                continue
        # A refused value is never offered back as the default.
        default = "" if problems else values[name]
        while True:
            question = Question(name, default, _field_help(name, catalog), problems)
            values[name] = ask(question).strip() or default
            problems = context.field_problems(values, name)
            if not problems:
                break
    path, text, problems_found = context.check(values, with_catalog=True)
    if path != context.entries_dir and Path(path).exists():
        problems_found.append(
            Problem(
                path,
                1,
                "file",
                "already exists for another resource with this title",
                "give a more specific --title",
            )
        )
    return NewEntry(path, text, tuple(sorted(set(problems_found))))


def create_entry(entry: NewEntry) -> NewEntry:
    """Write a planned entry that has no errors; never overwrites."""
    if not entry.ok:
        return entry
    problem = write_entry_file(entry.path, entry.text)
    if problem is not None:
        return replace(entry, problems=(*entry.problems, problem))
    return entry


# The field reference contributors read.

REFERENCE_START = "<!-- field reference: generated by `readinglist docs`, do not edit -->"
REFERENCE_END = "<!-- end of field reference -->"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def field_reference() -> str:
    """The front-matter fields as a Markdown table, from ``model.FIELDS``."""
    lines = [
        "| field | required | value | what it is | example |",
        "| --- | --- | --- | --- | --- |",
    ]
    for spec in FIELDS:
        lines.append(
            f"| `{spec.name}` | {'yes' if spec.required else 'no'} | {_cell(spec.type)}"
            f" | {_cell(spec.description)} | `{_cell(spec.example)}` |"
        )
    return "\n".join(lines) + "\n"


def with_field_reference(document: str) -> str | None:
    """``document`` with the text between the reference markers regenerated.

    None when the markers are missing, so the caller can say where they go.
    """
    start = document.find(REFERENCE_START)
    end = document.find(REFERENCE_END)
    if start < 0 or end < start:
        return None
    head = document[: start + len(REFERENCE_START)]
    return f"{head}\n\n{field_reference()}\n{document[end:]}"
