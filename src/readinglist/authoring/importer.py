"""Awesome-list links to entry files: the library behind ``readinglist import``.

Each link the list gives (:mod:`readinglist.authoring.awesome`) is planned as one
entry, its tags and company mapped through the content folder's vocabulary.
Whatever cannot be mapped is reported against the list's own line, never guessed:
an item without a date is skipped, an unknown tag or company is dropped. Only
:func:`import_list` reads and writes files; everything else is pure.
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from readinglist.authoring.awesome import ListItem, guess_kind, parse_date, parse_list, read_list
from readinglist.authoring.listed import Listed, already_listed, free_slug, taken_slugs
from readinglist.authoring.writer import FieldValue, format_entry, write_entry_file
from readinglist.catalog.check import validate
from readinglist.catalog.model import MAX_TAGS, PublicationDate
from readinglist.catalog.read import ENTRIES_DIR, RawContent, RawEntry, load_content, parse_entry
from readinglist.catalog.urls import normalise_url, url_problem
from readinglist.catalog.vocabulary import Vocabulary, did_you_mean, read_vocabulary
from readinglist.problems import Problem, Severity, sort_problems

_SKIPPED = "item skipped"


@dataclass(frozen=True)
class PlannedEntry:
    """One entry file the import will create."""

    path: str
    text: str
    source_line: int
    """The line of the list the entry comes from."""


@dataclass(frozen=True)
class ImportResult:
    """What an import wrote (or would write) and everything it could not map."""

    source: str
    items: int
    """How many links the list holds."""
    entries: tuple[PlannedEntry, ...] = ()
    problems: tuple[Problem, ...] = ()
    written: tuple[str, ...] = ()
    """Paths actually created; empty on a dry run."""

    failed: bool = False
    """True when the list or a vocabulary could not be read, or an entry file not written."""


# Mapping one item to an entry's fields.


@dataclass
class _Report:
    """The problems of one item, told against the list's lines."""

    source: str
    problems: list[Problem] = field(default_factory=list)
    skip: bool = False
    """Whether any of them means the item cannot become an entry."""

    def add(self, line: int, name: str, message: str, hint: str = "", skip: bool = False) -> None:
        self.skip = self.skip or skip
        if skip:
            message = f"{message}; {_SKIPPED}"
        severity: Severity = "error" if skip else "warning"
        self.problems.append(Problem(self.source, line, name, message, hint, severity))


def _check_url(
    item: ListItem, listed: Listed | None, seen_urls: Mapping[str, ListItem], report: _Report
) -> None:
    bad_url, url_hint = url_problem(item.url) if item.url else ("is empty", "write [Title](url)")
    if bad_url:
        report.add(item.line, "url", bad_url, url_hint, skip=True)
    elif listed is not None:
        message = f"same resource as {listed.path}"
        report.add(item.line, "url", message, "improve that entry instead", skip=True)
    elif (earlier := seen_urls.get(normalise_url(item.url))) is not None:
        message = f"same resource as line {earlier.line} ({earlier.title})"
        report.add(item.line, "url", message, "each resource appears once", skip=True)


def _day(item: ListItem, report: _Report) -> PublicationDate | None:
    day = parse_date(item.date) if item.date else None
    if not item.date_line:
        hint = "add a Date: line; dates are never guessed"
        report.add(item.line, "date", "is missing", hint, skip=True)
    elif day is None:
        hint = "write Date: 2023, Mar 2023, 2023-03, Mar 22, 2023 or 2023-03-22"
        report.add(item.date_line, "date", f"'{item.date}' is not a date", hint, skip=True)
    return day


def _tags(item: ListItem, vocabulary: Vocabulary, report: _Report) -> list[str]:
    tags: list[str] = []
    for name, line in item.tags:
        tag = vocabulary.tag(name)
        if tag is None:
            close = did_you_mean(name, sorted(vocabulary.tags))
            how = f"add it to {vocabulary.tags_path}, or as an alias of a tag, to keep it"
            message = f"'{name}' is not in the tag vocabulary; dropped"
            report.add(line, "tags", message, f"{close} {how}" if close else how)
        elif tag.id not in tags:
            tags.append(tag.id)
    if len(tags) > MAX_TAGS:
        dropped = ", ".join(f"'{t}'" for t in tags[MAX_TAGS:])
        report.add(item.tags[0][1], "tags", f"more than {MAX_TAGS} tags; dropped {dropped}")
        tags = tags[:MAX_TAGS]
    if not tags:
        line = item.tags[0][1] if item.tags else item.line
        message = "none is in the tag vocabulary" if item.tags else "are missing"
        report.add(line, "tags", message, "an entry needs at least one tag", skip=True)
    return tags


def _company(item: ListItem, vocabulary: Vocabulary, report: _Report) -> str:
    """The company's display name, or "" when the item names none the vocabulary knows."""
    if not (item.company_line and item.company):
        return ""
    company = vocabulary.company(item.company)
    if company is None:
        message = f"'{item.company}' is not in {vocabulary.companies_path}; dropped"
        report.add(item.company_line, "company", message, "add it there to keep it")
        return ""
    return company.name


def _item_fields(
    item: ListItem,
    report: _Report,
    vocabulary: Vocabulary,
    listed: Listed | None,
    seen_urls: Mapping[str, ListItem],
    added: datetime.date,
) -> dict[str, FieldValue] | None:
    """The item's front matter, or None when it has to be skipped; why goes to ``report``.

    ``listed`` is the entry that lists the item's resource already; ``seen_urls``
    the items planned before it, by normalised URL.
    """
    if not item.title:
        report.add(item.line, "title", "the link has no text", "write [Title](url)", skip=True)
    _check_url(item, listed, seen_urls, report)
    day = _day(item, report)
    tags = _tags(item, vocabulary, report)
    company = _company(item, vocabulary, report)
    if report.skip or day is None:
        return None
    return {
        "title": item.title,
        "url": item.url,
        "date": day,
        "tags": tags,
        "company": company,
        "kind": guess_kind(item.url),
        "added": added,
    }


# Planning the import.


@dataclass(frozen=True)
class _Planned:
    """The entries an import plans, before the checker has seen them."""

    entries: dict[str, PlannedEntry]
    """By path."""
    parsed: list[RawEntry]
    """The same entries read back as the checker reads them."""
    problems: list[Problem]


def _plan_items(
    items: list[ListItem], source: str, raw: RawContent, added: datetime.date
) -> _Planned:
    vocabulary, _ = read_vocabulary(raw)
    entries_dir = Path(raw.root) / ENTRIES_DIR
    taken = taken_slugs(raw)
    listed = already_listed(raw, [item.url for item in items])
    seen_urls: dict[str, ListItem] = {}
    planned = _Planned({}, [], [])
    for item, listing in zip(items, listed, strict=True):
        report = _Report(source)
        fields = _item_fields(item, report, vocabulary, listing, seen_urls, added)
        planned.problems.extend(report.problems)
        if fields is None:
            continue
        slug, wanted = free_slug(item.title, item.url, taken)
        path = str(entries_dir / f"{slug}.md")
        entry_text = format_entry(fields)
        raw_entry, unreadable = parse_entry(entry_text.encode("utf-8"), path, slug)
        if raw_entry is None:
            planned.problems.extend(_skipped(p, source, item.line) for p in unreadable)
            continue
        if slug != wanted:
            message = f"{wanted}.md is taken; writing {slug}.md"
            planned.problems.append(Problem(source, item.line, "file", message, "", "warning"))
        taken.add(slug)
        seen_urls[normalise_url(item.url)] = item
        planned.entries[path] = PlannedEntry(path, entry_text, item.line)
        planned.parsed.append(raw_entry)
    return planned


def plan_import(
    text: str,
    source: str,
    raw: RawContent,
    added: datetime.date,
    today: datetime.date,
) -> ImportResult:
    """Every entry the list gives and every problem, without writing anything (pure).

    Each planned entry goes through the checker; one it would refuse is
    reported against the list's line and left out, so an import never writes
    an invalid entry.
    """
    vocabulary_problems = [
        p
        for p in raw.problems
        if p.path in (raw.tags_path, raw.companies_path) and p.severity == "error"
    ]
    items, problems = parse_list(text, source)
    if vocabulary_problems:
        # Without the vocabulary no tag can be mapped: fix it first.
        return ImportResult(
            source, len(items), (), tuple(sort_problems(vocabulary_problems)), failed=True
        )
    planned = _plan_items(items, source, raw, added)
    problems += planned.problems
    checked = validate(replace(raw, entries=tuple(planned.parsed), problems=()), today)
    refused: set[str] = set()
    for problem in checked.problems:
        entry = planned.entries.get(problem.path)
        if entry is not None and problem.severity == "error":
            problems.append(_skipped(problem, source, entry.source_line))
            refused.add(problem.path)
    kept = tuple(e for path, e in planned.entries.items() if path not in refused)
    return ImportResult(source, len(items), kept, tuple(sort_problems(problems)))


def _skipped(problem: Problem, source: str, line: int) -> Problem:
    """A checker's problem with a planned entry, told against the list's line."""
    return Problem(source, line, problem.field, f"{problem.message}; {_SKIPPED}", problem.hint)


# Writing and reporting.


def import_list(
    source: str | os.PathLike[str],
    content_dir: str | os.PathLike[str],
    added: datetime.date,
    today: datetime.date,
    dry_run: bool = False,
) -> ImportResult:
    """Read the list and the content folder, then create every planned entry file."""
    display = str(source)
    text, problems = read_list(source)
    if text is None:
        return ImportResult(display, 0, (), tuple(problems), failed=True)
    result = plan_import(text, display, load_content(content_dir), added, today)
    if dry_run:
        return result
    written: list[str] = []
    failures: list[Problem] = []
    for entry in result.entries:
        problem = write_entry_file(entry.path, entry.text)
        if problem is None:
            written.append(entry.path)
        else:
            failures.append(problem)
    return replace(
        result,
        written=tuple(written),
        problems=(*result.problems, *sort_problems(failures)),
        failed=result.failed or bool(failures),
    )


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def report_text(result: ImportResult, dry_run: bool = False) -> str:
    """What ``readinglist import`` prints: each file, each problem, then one summary line."""
    paths = [e.path for e in result.entries] if dry_run else list(result.written)
    lines = [f"{'would write' if dry_run else 'wrote'} {path}" for path in paths]
    lines += [p.format() for p in result.problems]
    skipped = result.items - len(result.entries)
    done = "would be written" if dry_run else "written"
    lines.append(
        f"{result.source}: {_plural(result.items, 'link')}, {len(paths)} {done},"
        f" {skipped} skipped, {_plural(len(result.problems), 'problem')}"
    )
    return "\n".join(lines) + "\n"
