"""Check one entry file against a vocabulary: its front matter, field by field, to an Entry.

Pure, and the answer is plain data, so an engine may check files in other
processes or keep the answer for bytes it has seen before.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from readinglist.catalog.dates import EARLIEST_YEAR, calendar_hint, publication_date
from readinglist.catalog.frontmatter import RawEntry, parse_entry
from readinglist.catalog.model import FIELD_NAMES, KINDS, MAX_TAGS, Entry
from readinglist.catalog.urls import MAX_SLUG_LENGTH, SLUG_RE, slugify
from readinglist.catalog.values import (
    characters,
    describe_type,
    line_of,
    located_list,
    plain,
    text_field,
    unknown_keys,
    url_field,
)
from readinglist.catalog.vocabulary import Vocabulary, did_you_mean
from readinglist.catalog.yamllines import LineDict, LineList
from readinglist.problems import Problem

MAX_TITLE_LENGTH = 300
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_PLACEHOLDER_TEXT = {"todo", "tbd", "fixme", "xxx", "title", "untitled", "lorem ipsum", "..."}
# Upper case only: "Todo lists in production" is a title, "TODO: title" is not.
_PLACEHOLDER_MARKER_RE = re.compile(r"(?:TODO|TBD|FIXME|XXX)\b")


@dataclass(frozen=True)
class FileCheck:
    """What checking one entry file found; plain data, so it can be pickled."""

    path: str
    entry: Entry | None
    """The entry, when the file has no errors."""
    problems: tuple[Problem, ...]
    """Everything found in this file alone, warnings too."""
    url_key: str | None = None
    """The URL normalised, when it is a valid one: equal keys are one resource."""
    tags: tuple[str, ...] = ()
    """The tag ids the file uses, even when it has other errors: an error elsewhere in
    an entry should not make its tags look rare."""
    title_line: int = 1
    url_line: int = 1


def check_entry_file(
    path: str, slug: str, data: bytes, vocabulary: Vocabulary, today: datetime.date
) -> FileCheck:
    """Decode and parse one entry file's bytes, then check its fields; ``today`` bounds dates."""
    raw, problems = parse_entry(data, path, slug)
    if raw is None:
        return FileCheck(path, None, tuple(problems))
    return check_entry(raw, vocabulary, today)


def check_entry(raw: RawEntry, vocabulary: Vocabulary, today: datetime.date) -> FileCheck:
    """Check the fields of one parsed entry file."""
    path, fields = raw.path, raw.fields
    out: list[Problem] = []
    _check_slug(out, path, raw.slug)
    meant = unknown_keys(out, path, fields, FIELD_NAMES)
    title = _title(out, path, fields)
    found = url_field(out, path, fields, "url")
    url, url_key = found if found is not None else (None, None)
    tags = _tags(out, path, fields, vocabulary)
    company = _company(out, path, fields, vocabulary)
    kind = _kind(out, path, fields)
    date = publication_date(out, path, fields, kind, today)
    authors = _authors(out, path, fields)
    added = _added(out, path, fields, today)
    summary = _summary(out, raw)
    if meant:
        # "titel: did you mean 'title'?" already says what to do; "title: is
        # required" on top of it would be the same mistake reported twice.
        out = [p for p in out if not (p.message == "is required" and p.field in meant)]
    problems = tuple(out)
    if any(p.severity == "error" for p in problems):
        return FileCheck(path, None, problems, url_key, tags)
    if title is None or url is None or kind is None:
        # Unreachable: each of these adds an error when it is None.
        return FileCheck(path, None, problems, url_key, tags)
    entry = Entry(raw.slug, title, url, date, tags, company, kind, authors, added, summary, path)
    lines = (line_of(fields, "title"), line_of(fields, "url"))
    return FileCheck(path, entry, problems, url_key, tags, *lines)


def _check_slug(out: list[Problem], path: str, slug: str) -> None:
    if not SLUG_RE.match(slug) or len(slug) > MAX_SLUG_LENGTH:
        suggestion = slugify(slug) or "a-short-title"
        out.append(
            Problem(
                path,
                1,
                "file",
                f"name '{slug}.md' is not a slug",
                f"rename it to {suggestion}.md: lowercase letters, digits and hyphens",
            )
        )


def _is_placeholder(text: str) -> bool:
    """Text left from a template: ``TODO``, ``TBD: title``, ``Lorem ipsum...``."""
    lowered = text.lower()
    return (
        lowered in _PLACEHOLDER_TEXT
        or lowered.startswith("lorem ipsum")
        or _PLACEHOLDER_MARKER_RE.match(text) is not None
    )


def _title(out: list[Problem], path: str, fields: LineDict) -> str | None:
    title = text_field(out, path, fields, "title", required=True)
    if title is None:
        return None
    if "\n" in title:
        problem, hint = "must be one line", "join the lines"
    elif len(title) > MAX_TITLE_LENGTH:
        problem, hint = f"is {len(title)} characters; at most {MAX_TITLE_LENGTH}", ""
    elif _is_placeholder(title):
        problem, hint = f"'{title}' is a placeholder", "use the resource's own title"
    else:
        return title  # the common case, without looking up a line no problem needs
    out.append(Problem(path, line_of(fields, "title"), "title", problem, hint))
    return None


def _added(
    out: list[Problem], path: str, fields: LineDict, today: datetime.date
) -> datetime.date | None:
    """The day the entry joined the list, always a whole day; None when absent or wrong."""
    value = fields.get("added")
    if type(value) is str and _DATE_RE.match(value):
        # The common case: a date already in YYYY-MM-DD form, within range.
        try:
            parsed = datetime.date.fromisoformat(value)
        except ValueError:
            pass  # the general path below says why
        else:
            if parsed <= today and parsed.year >= EARLIEST_YEAR:
                return parsed
    line = line_of(fields, "added")
    if value is None:
        if "added" in fields:
            out.append(Problem(path, line, "added", "is empty", "use YYYY-MM-DD"))
        return None
    problem = _date_problem(value, today)
    if problem is not None:
        out.append(Problem(path, line, "added", *problem))
        return None
    return datetime.date.fromisoformat(value.strip())


def _date_problem(value: object, today: datetime.date) -> tuple[str, str] | None:
    """(message, hint) for a value that is not a date in range, or None for a date."""
    if not isinstance(value, str):
        return f"must be a date, not {describe_type(value)}", "use YYYY-MM-DD"
    text = value.strip()
    if not _DATE_RE.match(text):
        return f"'{text}' is not a date in YYYY-MM-DD form", _date_hint(text)
    try:
        parsed = datetime.date.fromisoformat(text)
    except ValueError:
        return f"'{text}' is not a calendar date", calendar_hint(text)
    if parsed > today:
        return f"'{text}' is in the future", "use today's date"
    if parsed.year < EARLIEST_YEAR:
        return f"'{text}' is before {EARLIEST_YEAR}", "check the year"
    return None


def _date_hint(text: str) -> str:
    """The date written as YYYY-MM-DD, when it can be read in another common form."""
    if _DATE_RE.match(text[:10]):
        return f"write {text[:10]}"  # a date with a time after it
    patterns = ("%Y-%m-%d", "%b %d, %Y", "%B %d, %Y", "%d/%m/%Y", "%Y/%m/%d", "%d %B %Y")
    for pattern in (*patterns, "%d %b %Y"):
        try:
            parsed = datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
        return f"write {parsed.isoformat()}"
    return "use YYYY-MM-DD"


def _tags(
    out: list[Problem], path: str, fields: LineDict, vocabulary: Vocabulary
) -> tuple[str, ...]:
    """The entry's tag ids, in the order it lists them."""
    if "tags" not in fields:
        out.append(Problem(path, fields.line, "tags", "is required", "add `tags: [mlops]`"))
        return ()
    items = located_list(out, path, fields, "tags")
    value = fields["tags"]
    if isinstance(value, LineList) and not value:
        hint = "name at least one tag from content/tags.yml"
        out.append(Problem(path, line_of(fields, "tags"), "tags", "is empty", hint))
        return ()
    if len(items) > MAX_TAGS:
        message = f"has {len(items)} tags; at most {MAX_TAGS}"
        hint = "keep the most specific ones"
        out.append(Problem(path, line_of(fields, "tags"), "tags", message, hint))
    if not vocabulary.tags_read:
        return ()  # tags.yml could not be read: that is the one problem to report
    resolved: list[str] = []
    for name, item_line in items:
        ident = vocabulary.resolve_tag(name)
        if ident is None:
            hint = vocabulary.did_you_mean(name, "tag") or (
                "pick a tag from content/tags.yml, or add a new one there with a description"
            )
            message = f"'{name}' is not in the tag vocabulary"
            out.append(Problem(path, item_line, "tags", message, hint))
        elif ident in resolved:
            message = f"'{name}' repeats tag '{ident}'"
            out.append(Problem(path, item_line, "tags", message, "remove it"))
        else:
            resolved.append(ident)
    return tuple(resolved)


def _company(out: list[Problem], path: str, fields: LineDict, vocabulary: Vocabulary) -> str | None:
    name = text_field(out, path, fields, "company", required=False)
    if name is None or not vocabulary.companies_read:
        return None  # companies.yml could not be read: that is the one problem to report
    ident = vocabulary.resolve_company(name)
    if ident is None:
        hint = vocabulary.did_you_mean(name, "company") or "add it to content/companies.yml"
        message = f"'{name}' is not in {vocabulary.companies_path}"
        out.append(Problem(path, line_of(fields, "company"), "company", message, hint))
    return ident


def _kind(out: list[Problem], path: str, fields: LineDict) -> str | None:
    if "kind" not in fields:
        return KINDS[0]
    value = text_field(out, path, fields, "kind", required=False)
    if value is None:
        return None
    if value.lower() not in KINDS:
        hint = did_you_mean(value, KINDS) or "one of " + ", ".join(KINDS)
        message = f"'{value}' is not a kind"
        out.append(Problem(path, line_of(fields, "kind"), "kind", message, hint))
        return None
    return value.lower()


def _authors(out: list[Problem], path: str, fields: LineDict) -> tuple[str, ...]:
    names = []
    for name, line in located_list(out, path, fields, "authors"):
        if _is_placeholder(name):
            hint = "name the authors, or remove the line"
            out.append(Problem(path, line, "authors", f"'{name}' is a placeholder", hint))
        else:
            names.append(name)
    return tuple(names)


def _summary(out: list[Problem], raw: RawEntry) -> str:
    summary = raw.body.strip()
    if not plain(raw.body):
        characters(out, raw.path, raw.body_line, "summary", raw.body)
    if not summary:
        out.append(
            Problem(
                raw.path,
                raw.closing_line,
                "summary",
                "is missing",
                "write a sentence or two in your own words below the closing ---",
                "warning",
            )
        )
    elif _is_placeholder(summary):
        out.append(
            Problem(
                raw.path,
                raw.body_line + len(raw.body) - len(raw.body.lstrip("\n")),
                "summary",
                "is a placeholder",
                "write the summary or leave it empty",
            )
        )
    return summary
