"""The catalog as plain data for other tools: ``catalog.json``, Markdown and CSV.

``catalog_document`` is what the site publishes at ``/catalog.json`` and what
``readinglist export --format json`` prints; the README documents the schema.
``catalog_markdown`` is the awesome-list style list (also ``/list.md``) and
``catalog_csv`` one row per entry for spreadsheets. Pure: returns text, writes
nothing.
"""

from __future__ import annotations

import csv
import datetime
import html
import io
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from readinglist.catalog.model import FIELD_NAMES, Catalog, Company, Entry, PublicationDate, Tag
from readinglist.config import SiteConfig
from readinglist.problems import markdown_text
from readinglist.site.markup import markdown_renderer

SCHEMA_VERSION = 2
"""Raised when a field changes meaning or disappears; new fields do not raise it.
2: ``date`` is ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``, as precisely as it is known, or null."""


ENTRY_FIELDS: tuple[str, ...] = ("slug", *FIELD_NAMES, "summary")
"""An entry's fields in ``catalog.json`` and the CSV, in order: its file name, its front
matter as entries are written (:data:`~readinglist.catalog.model.FIELDS`), its summary.
A new front-matter field joins both exports with no change here."""


def _plain(value: object) -> object:
    """A field's value as JSON has it: dates in ISO form to their precision, tuples as lists."""
    if isinstance(value, datetime.date | PublicationDate):
        return value.isoformat()
    if isinstance(value, tuple):
        return list(value)
    return value


def entry_document(entry: Entry) -> dict[str, Any]:
    """An entry as JSON-ready data, with every one of :data:`ENTRY_FIELDS`."""
    return {name: _plain(getattr(entry, name)) for name in ENTRY_FIELDS}


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


def json_row(entry: Entry) -> str:
    """An entry's line in ``catalog.json``."""
    return json.dumps(entry_document(entry), ensure_ascii=False)


@dataclass(frozen=True, slots=True)
class EntryRows:
    """An entry's line in each export that lists every entry, made once for the site."""

    json: str
    """Its line in ``catalog.json``."""
    markdown: str
    """Its line in the Markdown list, under each of its tags."""


def entry_rows(entry: Entry, company: Company | None, body: str) -> EntryRows:
    """``entry``'s lines, from it, its company and its summary rendered (``body``):
    from these alone, so equal ones give equal lines."""
    return EntryRows(json_row(entry), markdown_line(entry, company, body))


def catalog_json(catalog: Catalog, rows: Mapping[str, EntryRows] | None = None) -> str:
    """``catalog_document`` as stable JSON text, one entry, tag or company a line;
    ``rows`` are the entries' lines by slug, when :func:`entry_rows` made them already.

    A line per item keeps diffs readable; indenting every field would go through the
    pure-Python encoder, many times slower on a large catalog.
    """
    tag_counts = catalog.tag_counts()
    company_counts = catalog.company_counts()
    tags = [tag_document(t, tag_counts.get(t.id, 0)) for t in catalog.tags.values()]
    companies = [
        company_document(c, company_counts.get(c.id, 0)) for c in catalog.companies.values()
    ]
    if rows is None:
        entries = ",\n".join(map(json_row, catalog.entries))
    else:
        entries = ",\n".join([rows[e.slug].json for e in catalog.entries])
    return (
        f'{{"version": {SCHEMA_VERSION},\n'
        f'"entries": [\n{entries}\n],\n'
        f'"tags": {_json_rows(tags)},\n'
        f'"companies": {_json_rows(companies)}}}\n'
    )


CSV_COLUMNS: tuple[str, ...] = ENTRY_FIELDS
"""The CSV header: the fields of ``catalog.json``'s entries, lists joined with ``; ``."""
CSV_LIST_SEPARATOR = "; "
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_TAG_RE = re.compile(r"<[^>]*>")


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
    rows: Mapping[str, EntryRows] | None = None,
    body: Callable[[Entry], str] | None = None,
) -> str:
    """An awesome-list style Markdown list: a section per tag, newest first within it.

    ``rows`` are the entries' lines by slug, when :func:`entry_rows` made them already;
    else each line is made here, ``body`` giving an entry's summary as HTML (the
    summary rendered when not given). Summaries become one line of plain text
    (their Markdown rendered and sanitised, then stripped of tags), so nothing a
    contributor wrote turns into HTML or links where the list is shown.
    """
    config = config or SiteConfig()
    if rows is not None:
        line_of = {slug: lines.markdown for slug, lines in rows.items()}
    else:
        if body is None:
            render = markdown_renderer()
            body = lambda entry: render(entry.summary)  # noqa: E731
        companies = catalog.companies
        line_of = {
            e.slug: markdown_line(e, companies.get(e.company or ""), body(e))
            for e in catalog.entries
        }
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
    for tag, entries in sections:
        lines += ["", f"## {markdown_text(tag.name)}", "", markdown_text(tag.description), ""]
        lines += [line_of[e.slug] for e in entries]
    return "\n".join(lines) + "\n"


def markdown_line(entry: Entry, company: Company | None, body: str) -> str:
    """An entry's line in :func:`catalog_markdown`, under each of its tags; ``body`` is
    its summary as HTML."""
    facts = [entry.date.isoformat()] if entry.date else []
    facts.append(entry.kind)
    if company is not None:
        facts.insert(len(facts) - 1, company.name)
    line = f"- [{markdown_text(entry.title)}]({_markdown_url(entry.url)})"
    line += f" ({markdown_text(', '.join(facts))})"
    summary = html.unescape(_TAG_RE.sub(" ", body))
    if summary.strip():
        line += f" - {markdown_text(summary)}"
    return line
