"""Read a content folder into plain data: the vocabularies parsed, each entry file as bytes.

The only module that opens content files. It holds the limits (sizes, links
that lead outside the folder, folders where files belong) and never raises
for bad input: what stops a file from being read is a problem.
"""

from __future__ import annotations

import operator
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from readinglist.catalog.frontmatter import (
    MAX_ENTRY_BYTES,
    RawEntry,
    decode,
    parse_entry,
    parse_yaml,
    too_big,
)
from readinglist.catalog.yamllines import LineDict
from readinglist.problems import Problem

__all__ = [
    "COMPANIES_FILE",
    "ENTRIES_DIR",
    "TAGS_FILE",
    "EntryFile",
    "RawContent",
    "RawEntry",
    "VocabularyFiles",
    "decode",
    "load_content",
    "parse_entry",
    "read_content",
    "read_vocabulary_files",
]
"""``decode`` and ``parse_entry`` too: authoring reads single entry files through this module."""

MAX_VOCABULARY_BYTES = 2_000_000
ENTRIES_DIR = "entries"
TAGS_FILE = "tags.yml"
COMPANIES_FILE = "companies.yml"
_NAME = operator.attrgetter("name")


@dataclass(frozen=True)
class EntryFile:
    """One entry file's bytes, unparsed: a caller may skip bytes it has checked before."""

    path: str
    slug: str
    """The file name without ``.md``."""
    data: bytes


@dataclass(frozen=True)
class RawContent:
    """Everything read from a content folder, and what stopped any of it from being read."""

    root: str
    entry_files: tuple[EntryFile, ...]
    tags: Any
    """Parsed ``tags.yml`` (a LineDict when well formed), or None when unreadable."""
    companies: Any
    """Parsed ``companies.yml``, or None when unreadable or absent."""
    tags_path: str
    companies_path: str
    files: int
    """How many files were looked at, for the summary line."""
    problems: tuple[Problem, ...]
    entries: tuple[RawEntry, ...] = ()
    """The entry files parsed, once :func:`load_content` has parsed them."""


def _inside(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root)
    except (ValueError, OSError, RuntimeError):
        return False
    return True


def _read_limited(path: str, limit: int) -> tuple[bytes | None, list[Problem]]:
    """The file's bytes, reading at most one byte past ``limit`` (no separate stat)."""
    # os.open and os.read skip the buffered file object, which is most of the
    # cost of reading ten thousand small files.
    try:
        descriptor = os.open(path, os.O_RDONLY)
        try:
            chunks = []
            size = 0
            while size <= limit:
                chunk = os.read(descriptor, limit + 1 - size)
                if not chunk:
                    break
                chunks.append(chunk)
                size += len(chunk)
            if size > limit:
                return None, [too_big(path, os.fstat(descriptor).st_size, limit)]
        finally:
            os.close(descriptor)
    except OSError as exc:
        return None, [Problem(path, 1, "file", f"cannot be read: {exc.strerror or exc}")]
    return b"".join(chunks), []


VocabularyFile = tuple[bytes | None, tuple[Problem, ...]]
"""A vocabulary file's bytes, or None with why it cannot be read (None and no problem:
an optional file that is not there)."""


@dataclass(frozen=True)
class VocabularyFiles:
    """Both vocabulary files as read, not parsed yet: all the vocabularies are made from."""

    tags: VocabularyFile
    companies: VocabularyFile


def read_vocabulary_files(content_dir: str | os.PathLike[str]) -> VocabularyFiles:
    """``tags.yml`` and ``companies.yml`` below ``content_dir``, read but not parsed."""
    root = Path(content_dir)
    return VocabularyFiles(
        _vocabulary_bytes(root, TAGS_FILE, required=True),
        _vocabulary_bytes(root, COMPANIES_FILE, required=False),
    )


def _vocabulary_bytes(root: Path, name: str, required: bool) -> VocabularyFile:
    path = root / name
    display = str(path)
    if not path.exists() and not path.is_symlink():
        if required:
            problem = Problem(
                display, 1, "file", "is missing", f"create {name}; see CONTRIBUTING.md"
            )
            return None, (problem,)
        return None, ()
    if not _inside(path, root.resolve()):
        return None, (_outside(display),)
    data, problems = _read_limited(display, MAX_VOCABULARY_BYTES)
    return data, tuple(problems)


def _parse_vocabulary(read: VocabularyFile, display: str, name: str) -> tuple[Any, list[Problem]]:
    """A vocabulary file parsed; None when it cannot be read, empty when it is not there."""
    data, problems = read
    if data is None:
        return (None if problems else LineDict()), list(problems)
    text, found = decode(data, display)
    if text is None:
        return None, found
    return parse_yaml(text, display, 1, name)


def _outside(display: str) -> Problem:
    return Problem(
        display, 1, "file", "links outside the content folder", "commit a real file instead"
    )


def read_entry(item: os.DirEntry[str], real_root: Path) -> tuple[EntryFile | None, list[Problem]]:
    """One name in ``entries/``: the entry file's bytes, or why it is not one."""
    display = item.path
    # DirEntry answers from the directory listing, so the common case costs no stat call.
    if item.is_symlink() and not _inside(Path(display), real_root):
        return None, [_outside(display)]
    if item.is_dir():
        return None, [
            Problem(display, 1, "file", "is a folder", "entries are files directly in entries/")
        ]
    if not item.name.endswith(".md"):
        return None, [Problem(display, 1, "file", "is not an entry", "entry files end in .md")]
    if not item.is_file():
        return None, [Problem(display, 1, "file", "is not a regular file", "commit a real file")]
    data, problems = _read_limited(display, MAX_ENTRY_BYTES)
    if data is None:
        return None, problems
    return EntryFile(display, item.name[: -len(".md")], data), []


def read_content(
    content_dir: str | os.PathLike[str],
    share: tuple[int, int] = (0, 1),
    vocabularies: bool = True,
    entries: bool = True,
    read: VocabularyFiles | None = None,
) -> RawContent:
    """Read both vocabularies and every entry file's bytes below ``content_dir``.

    ``share=(k, n)`` reads only the k-th of n consecutive runs of entry files (in name
    order), so n processes can read one folder together. ``vocabularies=False`` leaves
    the vocabularies unread, for a caller that has them; ``read`` are the vocabulary
    files, for a caller that read them already; ``entries=False`` leaves the entries
    folder unread.
    """
    root = Path(content_dir)
    problems: list[Problem] = []
    tags = companies = None
    if vocabularies:
        files = read if read is not None else read_vocabulary_files(root)
        tags, found = _parse_vocabulary(files.tags, str(root / TAGS_FILE), TAGS_FILE)
        problems += found
        companies, found = _parse_vocabulary(
            files.companies, str(root / COMPANIES_FILE), COMPANIES_FILE
        )
        problems += found
    items: list[os.DirEntry[str]] = []
    if entries:
        items, found = entry_names(root, share)
        problems += found
    real_root = root.resolve()
    entry_files: list[EntryFile] = []
    for item in items:
        entry_file, found = read_entry(item, real_root)
        problems += found
        if entry_file is not None:
            entry_files.append(entry_file)
    return RawContent(
        str(root),
        tuple(entry_files),
        tags,
        companies,
        str(root / TAGS_FILE),
        str(root / COMPANIES_FILE),
        2 + len(items),
        tuple(problems),
    )


def entry_names(root: Path, share: tuple[int, int]) -> tuple[list[os.DirEntry[str]], list[Problem]]:
    """The share of names in ``entries/``, in name order; hidden files are not entries."""
    entries_dir = root / ENTRIES_DIR
    if not entries_dir.is_dir():
        return [], [
            Problem(str(entries_dir), 1, "folder", "is missing", "entries live in content/entries/")
        ]
    if not _inside(entries_dir, root.resolve()):
        return [], [_outside(str(entries_dir))]
    try:
        with os.scandir(entries_dir) as scan:
            items = sorted((i for i in scan if not i.name.startswith(".")), key=_NAME)
    except OSError as exc:
        return [], [
            Problem(str(entries_dir), 1, "folder", f"cannot be read: {exc.strerror or exc}")
        ]
    part, parts = share
    return items[part * len(items) // parts : (part + 1) * len(items) // parts], []


def load_content(content_dir: str | os.PathLike[str]) -> RawContent:
    """:func:`read_content`, with every entry file parsed into ``entries``: for callers
    that read front matter themselves (links, authoring). Never raises for bad input."""
    raw = read_content(content_dir)
    shared = {raw.tags_path, raw.companies_path, str(Path(raw.root) / ENTRIES_DIR)}
    problems = [p for p in raw.problems if p.path in shared]
    in_files = [p for p in raw.problems if p.path not in shared]
    entries: list[RawEntry] = []
    for entry_file in raw.entry_files:
        entry, found = parse_entry(entry_file.data, entry_file.path, entry_file.slug)
        in_files += found
        if entry is not None:
            entries.append(entry)
    # In file name order, as they were met before reading and parsing were two steps.
    problems += sorted(in_files, key=lambda p: p.path)
    return RawContent(
        raw.root,
        raw.entry_files,
        raw.tags,
        raw.companies,
        raw.tags_path,
        raw.companies_path,
        raw.files,
        tuple(problems),
        tuple(entries),
    )
