"""Start a new entry from a URL: the library behind ``readinglist new``.

Works out an entry's front matter from the command's arguments, from the page
itself (``--fetch``, :mod:`readinglist.authoring.fetch`) and from answers to
questions, checks it with the same validation ``readinglist check`` runs, and
creates ``content/entries/<slug>.md`` without ever overwriting a file. Questions
go through the ``ask`` function the caller passes in, so this module prints
nothing and never reads the terminal.
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from readinglist.authoring.awesome import parse_date
from readinglist.authoring.fetch import PageFacts
from readinglist.authoring.listed import already_listed
from readinglist.authoring.writer import FieldValue, format_entry, write_entry_file
from readinglist.catalog.check import validate
from readinglist.catalog.model import KINDS, PublicationDate
from readinglist.catalog.read import ENTRIES_DIR, RawContent, load_content, parse_entry
from readinglist.catalog.urls import slugify, url_problem
from readinglist.catalog.vocabulary import Vocabulary, did_you_mean, read_vocabulary
from readinglist.problems import Problem

ASKED_FIELDS: tuple[str, ...] = ("title", "date", "tags", "company", "kind")
"""What ``new`` fills in besides the URL, in the order it asks."""
REQUIRED_ASKED: frozenset[str] = frozenset({"title", "tags"})
"""A living resource has no date: whether one is missing is the checker's to say."""
_OPTION_HINTS = {
    "title": 'give --title "..."',
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
class Question:
    """One field to ask the contributor for."""

    field: str
    default: str
    """Offered when the answer is empty: a value from the page or the command line."""
    help: str
    """What a valid answer looks like (known tags, kinds...)."""
    problems: tuple[Problem, ...] = ()
    """Why the previous answer was refused; empty on the first asking."""


_NO_FACTS = PageFacts()
"""What a page gives when it was not fetched: nothing."""

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


# Working out the fields.


def resolve_tags(typed: str, vocabulary: Vocabulary, where: tuple[str, int]) -> list[Problem]:
    """Problems with comma-separated tag names; aliases and any spelling of a name resolve.

    ``where`` is the entry's path and the line of its ``tags`` field.
    """
    names = sorted({name for tag in vocabulary.tags.values() for name in (tag.id, tag.name)})
    problems = []
    for name in split_list(typed):
        if vocabulary.tag(name) is not None:
            continue
        how = (
            f"a new tag is added on purpose: add `{slugify(name) or 'new-tag'}:` with a name and"
            f" a description to {vocabulary.tags_path} first"
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


def _date_or_text(text: str) -> PublicationDate | str:
    # A date in a form people write is kept to its precision; anything else stays text
    # for the checker to report on, and an empty answer leaves the entry undated.
    return parse_date(text) or text.strip()


def _day_or_text(text: str) -> datetime.date | str:
    # A day is written as one; anything else stays text for the checker to report on.
    try:
        return datetime.date.fromisoformat(text.strip())
    except ValueError:
        return text.strip()


def canonical_fields(values: Mapping[str, str], vocabulary: Vocabulary) -> dict[str, FieldValue]:
    """Front matter with tags as ids and the company by its display name, where known."""
    tags: list[str] = []
    for name in split_list(values.get("tags", "")):
        tag = vocabulary.tag(name)
        ident = tag.id if tag is not None else name
        if ident not in tags:
            tags.append(ident)
    typed_company = values.get("company", "").strip()
    company = vocabulary.company(typed_company) if typed_company else None
    return {
        "title": " ".join(values.get("title", "").split()),
        "url": values["url"].strip(),
        "date": _date_or_text(values.get("date", "")),
        "tags": tags,
        "company": company.name if company is not None else typed_company,
        "kind": values.get("kind", "").strip().lower(),
        "added": _day_or_text(values["added"]),
    }


@dataclass(frozen=True)
class _Context:
    """The catalog a new entry joins: read once, consulted for every answer."""

    raw: RawContent
    vocabulary: Vocabulary
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
        text = format_entry(canonical_fields(values, self.vocabulary))
        raw_entry, found = parse_entry(text.encode(), path, Path(path).stem)
        problems += found
        tags_line = raw_entry.fields.key_lines.get("tags", 1) if raw_entry else 1
        problems += resolve_tags(values.get("tags", ""), self.vocabulary, (path, tags_line))
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


def _field_help(field: str, vocabulary: Vocabulary) -> str:
    if field == "title":
        return "the resource's own title"
    if field == "date":
        return (
            "when it was published, as precisely as known: 2019, Mar 2019, 2019-03 or"
            " 2019-03-22; empty for a website, repository, course or newsletter"
        )
    if field == "tags":
        return "comma-separated, from: " + ", ".join(sorted(vocabulary.tags))
    if field == "company":
        return "the organisation behind it, or empty for none"
    return "one of " + ", ".join(KINDS) + f"; empty for {KINDS[0]}"


# Planning and creating the entry.


def _url_refused(context: _Context, url: str) -> Problem | None:
    """Why ``url`` cannot start a new entry: it is no web address, or is listed already."""
    problem, hint = url_problem(url)
    if problem:
        return Problem(context.entries_dir, 1, "url", problem, hint)
    (listed,) = already_listed(context.raw, [url])
    if listed is None:
        return None
    return Problem(
        listed.path,
        listed.line,
        "url",
        f"already lists {url}",
        "each resource appears once: improve this entry instead of adding another",
    )


def _answers(context: _Context, draft: Draft, facts: PageFacts, ask: Ask | None) -> dict[str, str]:
    """Each field's value: given, else asked for (offering what the page says), until valid."""
    given = {name: getattr(draft, name).strip() for name in ASKED_FIELDS}
    from_page = {"title": facts.title, "date": facts.date}
    values = {"url": draft.url.strip(), "added": context.today.isoformat()}
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
            question = Question(name, default, _field_help(name, context.vocabulary), problems)
            values[name] = ask(question).strip() or default
            problems = context.field_problems(values, name)
            if not problems:
                break
    return values


def plan_entry(
    content_dir: str | os.PathLike[str],
    draft: Draft,
    today: datetime.date,
    ask: Ask | None = None,
    facts: PageFacts = _NO_FACTS,
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
    vocabulary, _ = read_vocabulary(raw)
    context = _Context(raw, vocabulary, entries_dir, today)
    refused = _url_refused(context, draft.url.strip())
    if refused is not None:
        return NewEntry("", "", (refused,))
    values = _answers(context, draft, facts, ask)
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
