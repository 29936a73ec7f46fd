"""Awesome-list Markdown to entry files: the library behind ``readinglist import``.

Reads a list written as one link per heading or bullet (``## [Title](url)``,
``- [Title](url)``, ``1. [Title](url)``), each optionally followed by
``Date:``, ``Tags:`` and ``Company:`` lines, and plans one entry per link with
its tags and company mapped through the content folder's vocabularies. Whatever
cannot be mapped is reported against the list's own line, never guessed: an
item without a date is skipped, an unknown tag or company is dropped.

Also home of the entry-file writer (:func:`format_entry`, :func:`write_entry_file`)
that every command creating entries shares. Reading the list and writing entries
happen only in :func:`read_list` and :func:`import_list`; everything else is pure.
"""

from __future__ import annotations

import datetime
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from readinglist.catalog.check import (
    MAX_SLUG_LENGTH,
    did_you_mean,
    lookup_key,
    name_lookup,
    normalise_url,
    slugify,
    url_problem,
    validate,
)
from readinglist.catalog.model import FIELDS, MAX_TAGS, Company, Tag
from readinglist.catalog.read import ENTRIES_DIR, RawContent, decode, load_content, parse_entry
from readinglist.problems import Problem, sort_problems

MAX_LIST_BYTES = 10_000_000
"""A list of links is text; anything larger is not one."""

FieldValue = str | datetime.date | Sequence[str] | None
"""What a front-matter field holds before it is written: text, a day or a list of text."""

_LINK_LINE_RE = re.compile(
    r"^\s{0,3}(?:#{1,6}\s+|[-*+]\s+|\d{1,9}[.)]\s+)"
    r"\[(?P<title>[^\]]*)\]"
    r"\(\s*(?P<url><[^>]*>|[^\s()]*(?:\([^\s()]*\)[^\s()]*)*)(?:\s+\"[^\"]*\")?\s*\)"
)
_META_LINE_RE = re.compile(
    r"^\s*(?:[-*+]\s+)?(?P<key>date|tags|company)\s*:\s*(?P<value>.*?)\s*(?:<br\s*/?>\s*)*$",
    re.IGNORECASE,
)
_DATE_FORMATS = ("%Y-%m-%d", "%b %d, %Y", "%B %d, %Y", "%d %b %Y", "%d %B %Y")
_PAPER_HOSTS = {"arxiv.org", "openreview.net", "proceedings.neurips.cc", "ieeexplore.ieee.org"}
_THREAD_HOSTS = {"twitter.com", "x.com", "mobile.twitter.com", "mobile.x.com"}
_VIDEO_HOSTS = {"youtube.com", "m.youtube.com", "youtu.be"}
_SKIPPED = "item skipped"


@dataclass(frozen=True)
class ListItem:
    """One link of the list and the ``Key: value`` lines under it, as written."""

    title: str
    url: str
    line: int
    """The line of the link itself."""
    date: str = ""
    date_line: int = 0
    tags: tuple[tuple[str, int], ...] = ()
    """Each tag name with its line."""
    company: str = ""
    company_line: int = 0


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


# Writing entries.


def format_entry(fields: Mapping[str, FieldValue], summary: str = "") -> str:
    """An entry file: front matter in the order of ``model.FIELDS``, then the summary.

    Empty values are left out; days are written as ``YYYY-MM-DD``; lists of
    text in brackets; text is quoted only where YAML would read it otherwise.
    """
    lines: list[str] = []
    for spec in FIELDS:
        value = fields.get(spec.name)
        if value is None or (not isinstance(value, datetime.date) and not value):
            continue
        if isinstance(value, str | datetime.date):
            # One key at a time in block style: a mapping of scalars alone would
            # otherwise come out as a single `{...}` line.
            lines.append(_dump_yaml({spec.name: value}, flow=False))
        else:
            lines.append(f"{spec.name}: {_dump_yaml(list(value), flow=True)}")
    dumped = "".join(lines)
    body = summary.strip()
    return f"---\n{dumped}---\n" + (f"{body}\n" if body else "")


def _dump_yaml(value: object, flow: bool) -> str:
    return yaml.safe_dump(value, allow_unicode=True, default_flow_style=flow, width=10_000)


def write_entry_file(path: str | os.PathLike[str], text: str) -> Problem | None:
    """Create ``path`` holding ``text``; an existing file is a problem and stays untouched."""
    target = Path(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("x", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
    except FileExistsError:
        return Problem(str(path), 1, "file", "already exists", "nothing was overwritten")
    except OSError as exc:
        return Problem(str(path), 1, "file", f"cannot be written: {exc.strerror or exc}")
    return None


# Reading the list.


def read_list(path: str | os.PathLike[str]) -> tuple[str | None, list[Problem]]:
    """The list's text with ``\\n`` line endings, or the problem that stops it being read."""
    display = str(path)
    try:
        if Path(path).stat().st_size > MAX_LIST_BYTES:
            return None, [Problem(display, 1, "file", f"is larger than {MAX_LIST_BYTES:,} bytes")]
        data = Path(path).read_bytes()
    except OSError as exc:
        return None, [Problem(display, 1, "file", f"cannot be read: {exc.strerror or exc}")]
    return decode(data, display)


def parse_list(text: str, source: str) -> tuple[list[ListItem], list[Problem]]:
    """Every link line and the ``Date:``/``Tags:``/``Company:`` lines that follow it."""
    items: list[ListItem] = []
    problems: list[Problem] = []
    for number, line in enumerate(text.split("\n"), start=1):
        link = _LINK_LINE_RE.match(line)
        if link:
            url = link["url"].strip().removeprefix("<").removesuffix(">").strip()
            items.append(ListItem(" ".join(link["title"].split()), url, number))
            continue
        meta = _META_LINE_RE.match(line)
        if not meta:
            continue
        key = meta["key"].lower()
        if not items:
            problems.append(
                Problem(source, number, key, "comes before any link; ignored", "", "warning")
            )
            continue
        item = items[-1]
        if (key == "date" and item.date_line) or (key == "company" and item.company_line):
            first = item.date_line if key == "date" else item.company_line
            problems.append(
                Problem(
                    source,
                    number,
                    key,
                    f"is given twice for one item; the one on line {first} is kept",
                    "",
                    "warning",
                )
            )
        elif key == "date":
            items[-1] = replace(item, date=meta["value"], date_line=number)
        elif key == "company":
            items[-1] = replace(item, company=meta["value"], company_line=number)
        else:
            names = tuple((n.strip(), number) for n in meta["value"].split(",") if n.strip())
            items[-1] = replace(item, tags=item.tags + names)
    return items, problems


def parse_day(text: str) -> datetime.date | None:
    """``Mar 22, 2023``, ``March 22, 2023``, ``22 Mar 2023`` or ``2023-03-22``; else None."""
    cleaned = " ".join(text.replace(",", ", ").split()).replace(" ,", ",")
    for pattern in _DATE_FORMATS:
        try:
            return datetime.datetime.strptime(cleaned, pattern).date()
        except ValueError:
            continue
    return None


def guess_kind(url: str) -> str:
    """The kind a URL makes obvious (a tweet, a repository, a paper, a video); else article."""
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower().removeprefix("www.")
    except ValueError:
        return "article"
    segments = [s for s in parts.path.split("/") if s]
    if host in _THREAD_HOSTS and "status" in segments:
        return "thread"
    if host == "github.com" and len(segments) >= 2:
        return "repository"
    if host in _PAPER_HOSTS or parts.path.lower().endswith(".pdf"):
        return "paper"
    if host == "dl.acm.org" and segments[:1] == ["doi"]:
        return "paper"
    if host in _VIDEO_HOSTS:
        return "video"
    return "article"


# Mapping items to entries.


@dataclass(frozen=True)
class _Vocabulary:
    """The content folder's tags and companies, and the entries already in it."""

    tags: Mapping[str, Tag]
    companies: Mapping[str, Company]
    tags_path: str
    companies_path: str
    existing_urls: Mapping[str, str]
    """Normalised URL to the file of the entry that lists it."""
    taken_slugs: frozenset[str]
    tag_lookup: Mapping[str, str]
    company_lookup: Mapping[str, str]

    @classmethod
    def of(cls, raw: RawContent, today: datetime.date) -> _Vocabulary:
        catalog = validate(raw, today).catalog
        urls: dict[str, str] = {}
        for entry in raw.entries:
            url = entry.fields.get("url")
            if isinstance(url, str):
                urls.setdefault(normalise_url(url), entry.path)
        return cls(
            catalog.tags,
            catalog.companies,
            raw.tags_path,
            raw.companies_path,
            urls,
            frozenset(entry.slug for entry in raw.entries),
            name_lookup(catalog.tags),
            name_lookup(catalog.companies),
        )


def _item_fields(
    item: ListItem,
    source: str,
    vocabulary: _Vocabulary,
    seen_urls: Mapping[str, ListItem],
    added: datetime.date,
) -> tuple[dict[str, FieldValue] | None, list[Problem]]:
    """The item's front matter, or None when it has to be skipped; and why."""
    problems: list[Problem] = []
    fatal = False

    def report(line: int, name: str, message: str, hint: str = "", skip: bool = False) -> None:
        nonlocal fatal
        fatal = fatal or skip
        if skip:
            message = f"{message}; {_SKIPPED}"
        problems.append(Problem(source, line, name, message, hint, "error" if skip else "warning"))

    if not item.title:
        report(item.line, "title", "the link has no text", "write [Title](url)", skip=True)
    bad_url, url_hint = url_problem(item.url) if item.url else ("is empty", "write [Title](url)")
    if bad_url:
        report(item.line, "url", bad_url, url_hint, skip=True)
    else:
        key = normalise_url(item.url)
        if key in vocabulary.existing_urls:
            report(
                item.line,
                "url",
                f"same resource as {vocabulary.existing_urls[key]}",
                "improve that entry instead",
                skip=True,
            )
        elif key in seen_urls:
            earlier = seen_urls[key]
            report(
                item.line,
                "url",
                f"same resource as line {earlier.line} ({earlier.title})",
                "each resource appears once",
                skip=True,
            )
    day = parse_day(item.date) if item.date else None
    if not item.date_line:
        report(
            item.line, "date", "is missing", "add a Date: line; dates are never guessed", skip=True
        )
    elif day is None:
        report(
            item.date_line,
            "date",
            f"'{item.date}' is not a date",
            "write Date: Mar 22, 2023 or Date: 2023-03-22",
            skip=True,
        )
    tags: list[str] = []
    for name, line in item.tags:
        ident = vocabulary.tag_lookup.get(lookup_key(name))
        if ident is None:
            close = did_you_mean(name, sorted(vocabulary.tags))
            how = f"add it to {vocabulary.tags_path}, or as an alias of a tag, to keep it"
            report(
                line,
                "tags",
                f"'{name}' is not in the tag vocabulary; dropped",
                f"{close} {how}" if close else how,
            )
        elif ident not in tags:
            tags.append(ident)
    if len(tags) > MAX_TAGS:
        dropped = ", ".join(f"'{t}'" for t in tags[MAX_TAGS:])
        report(item.tags[0][1], "tags", f"more than {MAX_TAGS} tags; dropped {dropped}")
        tags = tags[:MAX_TAGS]
    if not tags:
        line = item.tags[0][1] if item.tags else item.line
        message = "none is in the tag vocabulary" if item.tags else "are missing"
        report(line, "tags", message, "an entry needs at least one tag", skip=True)
    company = ""
    if item.company_line and item.company:
        known = vocabulary.company_lookup.get(lookup_key(item.company))
        if known is None:
            report(
                item.company_line,
                "company",
                f"'{item.company}' is not in {vocabulary.companies_path}; dropped",
                "add it there to keep it",
            )
        else:
            company = vocabulary.companies[known].name
    if fatal:
        return None, problems
    assert day is not None  # a missing or unreadable date is fatal above
    fields: dict[str, FieldValue] = {
        "title": item.title,
        "url": item.url,
        "date": day,
        "tags": tags,
        "company": company,
        "kind": guess_kind(item.url),
        "added": added,
    }
    return fields, problems


def _free_slug(title: str, url: str, taken: set[str]) -> tuple[str, str]:
    """(free, wanted): a file name from the title (the URL when the title gives none)."""
    wanted = slugify(title) or slugify(url.split("://", 1)[-1])
    slug, number = wanted, 1
    while slug in taken:
        number += 1
        suffix = f"-{number}"
        slug = slugify(wanted, MAX_SLUG_LENGTH - len(suffix)) + suffix
    return slug, wanted


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
    vocabulary = _Vocabulary.of(raw, today)
    entries_dir = Path(raw.root) / ENTRIES_DIR
    taken = {p.stem for p in entries_dir.glob("*.md")} | set(vocabulary.taken_slugs)
    seen_urls: dict[str, ListItem] = {}
    planned: dict[str, PlannedEntry] = {}
    raw_entries = []
    for item in items:
        fields, found = _item_fields(item, source, vocabulary, seen_urls, added)
        problems += found
        if fields is None:
            continue
        slug, wanted = _free_slug(item.title, item.url, taken)
        path = str(entries_dir / f"{slug}.md")
        entry_text = format_entry(fields)
        raw_entry, unreadable = parse_entry(entry_text.encode("utf-8"), path, slug)
        if raw_entry is None:
            problems += [_skipped(p, source, item.line) for p in unreadable]
            continue
        if slug != wanted:
            problems.append(
                Problem(
                    source,
                    item.line,
                    "file",
                    f"{wanted}.md is taken; writing {slug}.md",
                    "",
                    "warning",
                )
            )
        taken.add(slug)
        seen_urls[normalise_url(item.url)] = item
        planned[path] = PlannedEntry(path, entry_text, item.line)
        raw_entries.append(raw_entry)
    checked = validate(replace(raw, entries=tuple(raw_entries), problems=()), today)
    refused: set[str] = set()
    for problem in checked.problems:
        entry = planned.get(problem.path)
        if entry is not None and problem.severity == "error":
            problems.append(_skipped(problem, source, entry.source_line))
            refused.add(problem.path)
    kept = tuple(e for path, e in planned.items() if path not in refused)
    return ImportResult(source, len(items), kept, tuple(sort_problems(problems)))


def _skipped(problem: Problem, source: str, line: int) -> Problem:
    """A checker's problem with a planned entry, told against the list's line."""
    return Problem(source, line, problem.field, f"{problem.message}; {_SKIPPED}", problem.hint)


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
