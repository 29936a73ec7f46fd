"""The catalog as plain data for other tools: the schema of ``catalog.json``.

``catalog_document`` is what the site publishes at ``/catalog.json`` and what
``readinglist export --format json`` prints; the README documents the schema.
Pure: returns data, writes nothing.
"""

from __future__ import annotations

import json
from typing import Any

from readinglist.model import Catalog, Company, Entry, Tag

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


def catalog_json(catalog: Catalog) -> str:
    """``catalog_document`` as stable, readable JSON text ending in a newline."""
    return json.dumps(catalog_document(catalog), indent=1, ensure_ascii=False) + "\n"
