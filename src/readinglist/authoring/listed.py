"""What the content folder already holds that a new entry must not repeat: the
resources its entries list, and the file names they take.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from readinglist.catalog.read import ENTRIES_DIR, RawContent
from readinglist.catalog.urls import MAX_SLUG_LENGTH, duplicate_urls, slugify


@dataclass(frozen=True)
class Listed:
    """An entry file that lists a resource already: where to improve it instead."""

    path: str
    line: int
    """The line of its ``url`` field."""


def already_listed(raw: RawContent, urls: Sequence[str]) -> list[Listed | None]:
    """For each of ``urls``, the first entry that lists the same resource, or None.

    Resources are compared as the checker compares them (``duplicate_urls``), and
    every entry file that could be parsed counts, even one with errors.
    """
    items: list[tuple[Listed | int, str]] = []
    for entry in raw.entries:
        url = entry.fields.get("url")
        if isinstance(url, str):
            items.append((Listed(entry.path, entry.fields.key_lines.get("url", 1)), url))
    items += enumerate(urls)
    found: list[Listed | None] = [None] * len(urls)
    # The entries come first, so a group that holds one starts with the first of them.
    for first, *others in duplicate_urls(items):
        if isinstance(first, Listed):
            for other in others:
                if isinstance(other, int):
                    found[other] = first
    return found


def taken_slugs(raw: RawContent) -> set[str]:
    """The file names the entries folder holds, whether or not the catalog can read them."""
    on_disk = {path.stem for path in (Path(raw.root) / ENTRIES_DIR).glob("*.md")}
    return on_disk | {entry.slug for entry in raw.entries}


def free_slug(title: str, url: str, taken: set[str]) -> tuple[str, str]:
    """(free, wanted): a file name from the title (the URL when the title gives none)."""
    wanted = slugify(title) or slugify(url.split("://", 1)[-1])
    slug, number = wanted, 1
    while slug in taken:
        number += 1
        suffix = f"-{number}"
        slug = slugify(wanted, MAX_SLUG_LENGTH - len(suffix)) + suffix
    return slug, wanted
