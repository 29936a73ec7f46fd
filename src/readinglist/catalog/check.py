"""Check a content folder: each entry file on its own, then across entries, into a Catalog.

The stages, each pure, and their composition (:func:`check_content`): read the
folder (:func:`read_content`), read the vocabularies (:func:`read_vocabulary`),
check each entry file (:func:`check_entry_file`), check across entries
(:func:`check_across`), find near-duplicate titles (:func:`near_duplicate_titles`).
Checking keeps going after each problem, so a contributor sees all of them in one
run. An entry with an error is left out of the catalog; warnings (likely
duplicates, single-use tags, missing summaries) do not stop it.
"""

from __future__ import annotations

import dataclasses
import datetime
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from readinglist.catalog.fields import FileCheck, check_entry, check_entry_file
from readinglist.catalog.model import Catalog, Entry
from readinglist.catalog.read import RawContent, read_content
from readinglist.catalog.titles import near_duplicate_titles, similar_titles
from readinglist.catalog.urls import duplicate_urls
from readinglist.catalog.vocabulary import Vocabulary, read_vocabulary
from readinglist.problems import Problem, sort_problems

__all__ = [
    "Checked",
    "FileCheck",
    "Similar",
    "check_across",
    "check_content",
    "check_entry_file",
    "checked",
    "near_duplicate_titles",
    "read_content",
    "read_vocabulary",
    "similar_titles",
    "titles_checked",
    "validate",
]
"""The stages, each importable from here."""

Similar = Callable[[Sequence[str]], list[tuple[int, int]]]
"""Finds the index pairs of near-duplicate titles, as :func:`similar_titles` does."""


@dataclass(frozen=True)
class Checked:
    """The catalog of every entry without errors, and all problems, sorted."""

    catalog: Catalog
    problems: tuple[Problem, ...]
    files: int
    """How many files were looked at, for the summary line."""
    vocabulary: Vocabulary
    """What the entries were checked against."""
    title_lines: Mapping[str, int] | None = None
    """Each catalog entry's title line, by path, while its near-duplicate titles are
    still to be looked for (see :func:`titles_checked`); None once they were."""

    @property
    def ok(self) -> bool:
        return not any(p.severity == "error" for p in self.problems)


def titles_checked(checked: Checked, warnings: Iterable[Problem]) -> Checked:
    """``checked``, whose titles were left for later, with what
    :func:`near_duplicate_titles` found among them (``warnings``) added."""
    problems = tuple(sort_problems([*checked.problems, *warnings]))
    return dataclasses.replace(checked, problems=problems, title_lines=None)


def check_content(content_dir: str | os.PathLike[str], today: datetime.date) -> Checked:
    """Read and check a content folder; ``today`` bounds dates. Never raises for bad input."""
    raw = read_content(content_dir)
    vocabulary, problems = read_vocabulary(raw)
    file_checks = [
        check_entry_file(f.path, f.slug, f.data, vocabulary, today) for f in raw.entry_files
    ]
    return checked(vocabulary, [*raw.problems, *problems], file_checks, raw.files)


def checked(
    vocabulary: Vocabulary,
    problems: Iterable[Problem],
    file_checks: Sequence[FileCheck],
    files: int,
    similar: Similar | None = similar_titles,
) -> Checked:
    """The last stages: the checks across entries and the near-duplicate titles, then
    everything found, sorted. ``problems`` are those found before (reading, vocabularies).

    With ``similar`` None the titles are left for later: they give warnings only,
    so a caller may look for them beside other work (:func:`titles_checked`).
    """
    catalog, across, title_lines = check_across(vocabulary, file_checks)
    found = [*problems, *across]
    for file_check in file_checks:
        found += file_check.problems
    if similar is None:
        return Checked(catalog, tuple(sort_problems(found)), files, vocabulary, title_lines)
    found += near_duplicate_titles(catalog.entries, title_lines, similar)
    return Checked(catalog, tuple(sort_problems(found)), files, vocabulary)


def check_across(
    vocabulary: Vocabulary, file_checks: Sequence[FileCheck]
) -> tuple[Catalog, list[Problem], dict[str, int]]:
    """The checks across entries but near-duplicate titles: one resource listed twice,
    tags used once. The catalog of what passed, those problems, and each catalog
    entry's title line by path, for :func:`near_duplicate_titles`."""
    problems = _single_use_tags(vocabulary, file_checks)
    valid = [check for check in file_checks if check.entry is not None]
    later: set[str] = set()
    for first, *others in duplicate_urls(
        ((check, check.url_key or "") for check in valid), key=str
    ):
        for other in others:
            later.add(other.path)
            problems.append(
                Problem(
                    other.path,
                    other.url_line,
                    "url",
                    f"same resource as {first.path}",
                    "keep one entry; move anything worth keeping into it",
                )
            )
    kept = [check for check in valid if check.path not in later]
    entries: list[Entry] = [check.entry for check in kept if check.entry is not None]
    catalog = Catalog.build(entries, vocabulary.tags, vocabulary.companies)
    return catalog, problems, {check.path: check.title_line for check in kept}


def _single_use_tags(vocabulary: Vocabulary, file_checks: Iterable[FileCheck]) -> list[Problem]:
    users: dict[str, list[str]] = {}
    for check in file_checks:
        for ident in check.tags:
            users.setdefault(ident, []).append(check.path)
    return [
        Problem(
            vocabulary.tags_path,
            vocabulary.tag_lines.get(ident, 1),
            ident,
            f"is used by one entry only ({users[ident][0]})",
            "use a broader tag, or keep it only if more entries will follow",
            "warning",
        )
        for ident in sorted(users)
        if len(users[ident]) == 1
    ]


def validate(raw: RawContent, today: datetime.date) -> Checked:
    """Check content whose entry files are parsed already (``load_content``, or entries
    a caller made itself): for callers outside the core that read front matter."""
    vocabulary, problems = read_vocabulary(raw)
    file_checks = [check_entry(entry, vocabulary, today) for entry in raw.entries]
    return checked(vocabulary, [*raw.problems, *problems], file_checks, raw.files)
