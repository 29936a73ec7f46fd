"""The catalog as plain data for other tools: ``catalog.json``, Markdown and CSV.

``catalog_document`` is what the site publishes at ``/catalog.json`` and what
``readinglist export --format json`` prints; the README documents the schema.
``catalog_markdown`` is the awesome-list style list (also ``/list.md``) and
``catalog_csv`` one row per entry for spreadsheets. Pure: returns text, writes
nothing.
"""

from __future__ import annotations

import csv
import html
import io
import json
import operator
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from readinglist.catalog.model import Catalog, Company, Entry, Tag, kept
from readinglist.config import SiteConfig
from readinglist.problems import markdown_text
from readinglist.site.markup import markdown_renderer

SCHEMA_VERSION = 1
"""Raised when a field changes meaning or disappears; new fields do not raise it."""


def entry_document(entry: Entry) -> dict[str, Any]:
    return {
        "slug": entry.slug,
        "title": entry.title,
        "url": entry.url,
        "date": entry.date.isoformat(),
        "tags": list(entry.tags),
        "company": entry.company,
        "kind": entry.kind,
        "authors": list(entry.authors),
        "added": entry.added.isoformat() if entry.added else None,
        "summary": entry.summary,
    }


def tag_document(tag: Tag, count: int) -> dict[str, Any]:
    return {
        "id": tag.id,
        "name": tag.name,
        "description": tag.description,
        "aliases": list(tag.aliases),
        "count": count,
    }


def company_document(company: Company, count: int) -> dict[str, Any]:
    return {
        "id": company.id,
        "name": company.name,
        "homepage": company.homepage or None,
        "aliases": list(company.aliases),
        "count": count,
    }


def catalog_document(catalog: Catalog) -> dict[str, Any]:
    """Every entry (newest first), tag and company (by id), as JSON-ready data."""
    tag_counts = catalog.tag_counts()
    company_counts = catalog.company_counts()
    return {
        "version": SCHEMA_VERSION,
        "entries": [entry_document(e) for e in catalog.entries],
        "tags": [tag_document(t, tag_counts.get(t.id, 0)) for t in catalog.tags.values()],
        "companies": [
            company_document(c, company_counts.get(c.id, 0)) for c in catalog.companies.values()
        ],
    }


def _json_rows(items: list[dict[str, Any]]) -> str:
    return "[\n" + ",\n".join(json.dumps(item, ensure_ascii=False) for item in items) + "\n]"


@dataclass
class ExportMemory:
    """Each entry's line in ``catalog.json`` and ``list.md``, kept from one export to the next.

    Both list every entry, so any edit makes them again; with this, only the edited
    entry's lines are made again. Entries no longer in the catalog are forgotten.
    """

    json_rows: dict[str, tuple[Entry, str]] = field(default_factory=dict)
    """By entry path: the entry as it was, and its line."""
    markdown_lines: dict[str, tuple[Entry, str, str]] = field(default_factory=dict)
    """By entry path: the entry as it was, its company's name, and its line."""


def json_row(entry: Entry) -> str:
    """An entry's line in ``catalog.json``."""
    return json.dumps(entry_document(entry), ensure_ascii=False)


def catalog_json(catalog: Catalog, memory: ExportMemory | None = None) -> str:
    """``catalog_document`` as stable JSON text, one entry, tag or company a line.

    A line per item keeps diffs readable; indenting every field would go through the
    pure-Python encoder, many times slower on a large catalog.
    """
    known = memory.json_rows if memory is not None else {}
    rows: dict[str, tuple[Entry, str]] = {}
    for entry in catalog.entries:
        rows[entry.path] = kept(known, entry) or (entry, json_row(entry))
    if memory is not None:
        memory.json_rows = rows
    tag_counts = catalog.tag_counts()
    company_counts = catalog.company_counts()
    tags = [tag_document(t, tag_counts.get(t.id, 0)) for t in catalog.tags.values()]
    companies = [
        company_document(c, company_counts.get(c.id, 0)) for c in catalog.companies.values()
    ]
    entries = ",\n".join(row for _, row in rows.values())
    return (
        f'{{"version": {SCHEMA_VERSION},\n'
        f'"entries": [\n{entries}\n],\n'
        f'"tags": {_json_rows(tags)},\n'
        f'"companies": {_json_rows(companies)}}}\n'
    )


CSV_COLUMNS: tuple[str, ...] = (
    "slug",
    "title",
    "url",
    "date",
    "tags",
    "company",
    "kind",
    "authors",
    "added",
    "summary",
)
"""The CSV header: the fields of ``catalog.json``'s entries, lists joined with ``; ``."""
CSV_LIST_SEPARATOR = "; "
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_TAG_RE = re.compile(r"<[^>]*>")
_PATH = operator.attrgetter("path")


def _csv_cell(text: str) -> str:
    # A spreadsheet runs a cell that starts like a formula; contributors' text is never code.
    return "'" + text if text.startswith(_FORMULA_START) else text


def catalog_csv(catalog: Catalog) -> str:
    """One row per entry, newest first, with a header; RFC 4180 quoting and line ends."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for entry in catalog.entries:
        row = entry_document(entry)
        writer.writerow(
            _csv_cell(CSV_LIST_SEPARATOR.join(value) if isinstance(value, list) else value or "")
            for value in (row[column] for column in CSV_COLUMNS)
        )
    return out.getvalue()


def _markdown_url(url: str) -> str:
    return url.replace(" ", "%20").replace("(", "%28").replace(")", "%29").replace("<", "%3C")


def github_anchor(heading: str) -> str:
    """The id GitHub gives a Markdown heading, so the contents can link to each section."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def catalog_markdown(
    catalog: Catalog,
    config: SiteConfig | None = None,
    render: Callable[[str], str] | None = None,
    memory: ExportMemory | None = None,
) -> str:
    """An awesome-list style Markdown list: a section per tag, newest first within it.

    Summaries become one line of plain text (their Markdown rendered and
    sanitised, then stripped of tags), so nothing a contributor wrote turns into
    HTML or links where the list is shown.
    """
    config = config or SiteConfig()
    # The site passes its already rendered summaries; each entry shows under every tag.
    render = render or markdown_renderer()
    sections = [(catalog.tags[ident], entries) for ident, entries in catalog.by_tag.items()]
    sections.sort(key=lambda section: section[0].name.lower())
    count = len(catalog.entries)
    lines = [
        f"# {markdown_text(config.title)}",
        "",
        markdown_text(config.description),
        "",
        f"{count} {'entry' if count == 1 else 'entries'} in {len(sections)}"
        f" {'tag' if len(sections) == 1 else 'tags'}; an entry appears under each of its tags.",
        "",
        "## Contents",
        "",
    ]
    lines += [
        f"- [{markdown_text(tag.name)}](#{github_anchor(tag.name)}) ({len(entries)})"
        for tag, entries in sections
    ]
    # An entry's line is the same under each of its tags: made once.
    known = memory.markdown_lines if memory is not None else {}
    entry_lines: dict[str, tuple[Entry, str, str]] = {}
    line_of: dict[str, str] = {}
    companies = catalog.companies
    for entry in catalog.entries:
        if not entry.tags:
            continue
        company = companies.get(entry.company) if entry.company else None
        name = company.name if company else ""
        found = kept(known, entry)
        if found is None or found[1] != name:
            found = (entry, name, markdown_line(catalog, entry, render))
        entry_lines[entry.path] = found
        line_of[entry.path] = found[2]
    line = line_of.__getitem__
    for tag, entries in sections:
        lines += ["", f"## {markdown_text(tag.name)}", "", markdown_text(tag.description), ""]
        lines += map(line, map(_PATH, entries))
    if memory is not None:
        memory.markdown_lines = entry_lines
    return "\n".join(lines) + "\n"


def markdown_line(catalog: Catalog, entry: Entry, render: Callable[[str], str]) -> str:
    """An entry's line in :func:`catalog_markdown`, under each of its tags."""
    company = catalog.companies.get(entry.company or "")
    facts = [entry.date.isoformat(), entry.kind]
    if company is not None:
        facts.insert(1, company.name)
    line = f"- [{markdown_text(entry.title)}]({_markdown_url(entry.url)})"
    line += f" ({markdown_text(', '.join(facts))})"
    summary = html.unescape(_TAG_RE.sub(" ", render(entry.summary)))
    if summary.strip():
        line += f" - {markdown_text(summary)}"
    return line


EditedEntry = tuple[Entry, Entry]
"""An entry edited in place: as it was, and as it is."""


def edited_catalog_json(previous: bytes, edited: Iterable[EditedEntry]) -> bytes | None:
    """:func:`catalog_json` after entries were edited in place (neither added, removed
    nor moved, the vocabularies unchanged), made from its ``previous`` text; None when
    an entry's line is not in it once, exactly as it would have been made."""
    # A line starts with the entry's slug, which no other line holds.
    changes = [("\n" + json_row(old), "\n" + json_row(new), 1) for old, new in edited]
    return _replace_lines(previous, changes)


def edited_catalog_markdown(
    previous: bytes,
    catalog: Catalog,
    edited: Iterable[EditedEntry],
    render: Callable[[str], str],
) -> bytes | None:
    """:func:`catalog_markdown` after entries were edited in place, as
    :func:`edited_catalog_json` makes ``catalog.json``; ``render`` must render the
    summaries the entries had too."""
    changes = [
        (
            "\n" + markdown_line(catalog, old, render) + "\n",
            "\n" + markdown_line(catalog, new, render) + "\n",
            len(new.tags),  # the entry's line is under each of its tags
        )
        for old, new in edited
    ]
    return _replace_lines(previous, changes)


def _replace_lines(previous: bytes, changes: Iterable[tuple[str, str, int]]) -> bytes | None:
    """``previous`` with each ``old`` replaced by ``new``, where it occurs exactly
    ``count`` times; None when it does not."""
    text = previous
    for old, new, count in changes:
        if old == new:
            continue
        before, after = old.encode(), new.encode()
        if text.count(before) != count:
            return None
        text = text.replace(before, after)
    return text
