"""Check a content folder: each entry file on its own, then across entries, into a Catalog.

The stages, each pure, and their composition (:func:`check_content`): read the
folder (:func:`read_content`), read the vocabularies (:func:`read_vocabulary`),
check each entry file (:func:`check_entry_file`), check across entries
(:func:`check_across`, or :func:`check_across_again` from what an earlier check of
the same vocabulary found: the same answer), find near-duplicate titles
(:func:`near_duplicate_titles`).
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
    "Across",
    "Checked",
    "FileCheck",
    "Similar",
    "check_across",
    "check_across_again",
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

AFRESH = 4
"""When more than one file in this many changed, :func:`check_across_again` checks
across entries afresh: comparing would cost more."""

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
    across = check_across(vocabulary, file_checks)
    return checked([*raw.problems, *problems], across, raw.files)


def checked(
    problems: Iterable[Problem],
    across: Across,
    files: int,
    similar: Similar | None = similar_titles,
) -> Checked:
    """The last stages: the checks across entries (``across``) and the near-duplicate
    titles, then everything found, sorted. ``problems`` are those found before (reading,
    vocabularies, each file).

    With ``similar`` None the titles are left for later: they give warnings only,
    so a caller may look for them beside other work (:func:`titles_checked`).
    """
    found = [*problems, *across.problems]
    for file_check in across.checks:
        found += file_check.problems
    catalog, vocabulary = across.catalog, across.vocabulary
    if similar is None:
        return Checked(catalog, tuple(sort_problems(found)), files, vocabulary, across.title_lines)
    found += near_duplicate_titles(catalog.entries, across.title_lines, similar)
    return Checked(catalog, tuple(sort_problems(found)), files, vocabulary)


@dataclass(frozen=True)
class Across:
    """What the checks across entries (but near-duplicate titles) found in some file
    checks: the catalog of what passed, one resource listed twice, tags used once,
    and each catalog entry's title line by path, for :func:`near_duplicate_titles`."""

    vocabulary: Vocabulary
    checks: Sequence[FileCheck]
    """What it was found in: each entry file's check, in name order."""
    catalog: Catalog
    single_use: Mapping[str, Problem]
    """The warning for each tag that one file alone uses, by the tag's id."""
    duplicates: Mapping[str, tuple[Problem, ...]]
    """For each URL key that several valid files share, a problem for each but the first."""
    title_lines: Mapping[str, int]

    @property
    def problems(self) -> list[Problem]:
        found = list(self.single_use.values())
        for problems in self.duplicates.values():
            found += problems
        return found


def check_across(vocabulary: Vocabulary, file_checks: Sequence[FileCheck]) -> Across:
    """The checks across entries but near-duplicate titles: one resource listed twice,
    tags used once; and the catalog of the entries that pass."""
    valid = [check for check in file_checks if check.entry is not None]
    duplicates = _duplicates(valid)
    later = {problem.path for problems in duplicates.values() for problem in problems}
    kept = [check for check in valid if check.path not in later]
    entries = [check.entry for check in kept if check.entry is not None]
    return Across(
        vocabulary,
        file_checks,
        Catalog.build(entries, vocabulary.tags, vocabulary.companies),
        _single_use_tags(vocabulary, file_checks),
        duplicates,
        {check.path: check.title_line for check in kept},
    )


def check_across_again(
    last: Across | None, vocabulary: Vocabulary, file_checks: Sequence[FileCheck]
) -> Across:
    """:func:`check_across`, from what it found in other checks of the same vocabulary
    (``last``): only the tags and the URLs of the files whose checks are not the very
    ones it had are looked at again, and its catalog is updated
    (:meth:`Catalog.updated`) rather than built. Equal to :func:`check_across`, in
    time that grows with the files changed when they are few.
    """
    if last is None or (last.vocabulary is not vocabulary and last.vocabulary != vocabulary):
        return check_across(vocabulary, file_checks)
    had, has = {id(check) for check in last.checks}, {id(check) for check in file_checks}
    changed = [check for check in last.checks if id(check) not in has]
    changed += [check for check in file_checks if id(check) not in had]
    if not changed:
        return last
    if len(changed) * AFRESH > len(file_checks):
        return check_across(vocabulary, file_checks)
    tags = {ident for check in changed for ident in check.tags}
    single_use = {k: v for k, v in last.single_use.items() if k not in tags}
    users = [check for check in file_checks if not tags.isdisjoint(check.tags)]
    single_use.update((k, v) for k, v in _single_use_tags(vocabulary, users).items() if k in tags)
    keys = {check.url_key or "" for check in changed if check.entry is not None}
    sharing = [c for c in file_checks if c.entry is not None and (c.url_key or "") in keys]
    duplicates = {k: v for k, v in last.duplicates.items() if k not in keys}
    duplicates.update(_duplicates(sharing))
    later = (_later(last.duplicates, keys), _later(duplicates, keys))
    out, into = _moved(changed, sharing, had, later)
    title_lines = dict(last.title_lines)
    for check in out:
        del title_lines[check.path]
    title_lines.update((check.path, check.title_line) for check in into)
    catalog = last.catalog.updated(_entries(out), _entries(into))
    return Across(vocabulary, file_checks, catalog, single_use, duplicates, title_lines)


def _later(duplicates: Mapping[str, tuple[Problem, ...]], keys: Iterable[str]) -> set[str]:
    """The paths of the files left out as listing a resource again, among ``keys``."""
    return {problem.path for key in keys for problem in duplicates.get(key, ())}


def _moved(
    changed: Sequence[FileCheck],
    sharing: Sequence[FileCheck],
    had: set[int],
    later: tuple[set[str], set[str]],
) -> tuple[list[FileCheck], list[FileCheck]]:
    """The checks whose entries leave the catalog, and those whose entries join it: of
    the ``changed`` checks (the ids of the last ones are ``had``), and of the unchanged
    ones ``sharing`` a URL with them; ``later`` are the paths left out as duplicates
    before and now, among those URLs."""
    before, now = later
    out = [c for c in changed if id(c) in had and c.entry is not None and c.path not in before]
    into = [c for c in changed if id(c) not in had and c.entry is not None and c.path not in now]
    for check in sharing:
        if id(check) in had and (check.path in before) != (check.path in now):
            (into if check.path in before else out).append(check)
    return out, into


def _entries(checks: Iterable[FileCheck]) -> list[Entry]:
    return [check.entry for check in checks if check.entry is not None]


def _duplicates(valid: Iterable[FileCheck]) -> dict[str, tuple[Problem, ...]]:
    """For each URL key that several of the ``valid`` checks share, a problem for each
    but the first."""
    return {
        first.url_key or "": tuple(
            Problem(
                other.path,
                other.url_line,
                "url",
                f"same resource as {first.path}",
                "keep one entry; move anything worth keeping into it",
            )
            for other in others
        )
        for first, *others in duplicate_urls(
            ((check, check.url_key or "") for check in valid), key=str
        )
    }


def _single_use_tags(
    vocabulary: Vocabulary, file_checks: Iterable[FileCheck]
) -> dict[str, Problem]:
    users: dict[str, list[str]] = {}
    for check in file_checks:
        for ident in check.tags:
            users.setdefault(ident, []).append(check.path)
    return {
        ident: Problem(
            vocabulary.tags_path,
            vocabulary.tag_lines.get(ident, 1),
            ident,
            f"is used by one entry only ({users[ident][0]})",
            "use a broader tag, or keep it only if more entries will follow",
            "warning",
        )
        for ident in sorted(users)
        if len(users[ident]) == 1
    }


def validate(raw: RawContent, today: datetime.date) -> Checked:
    """Check content whose entry files are parsed already (``load_content``, or entries
    a caller made itself): for callers outside the core that read front matter."""
    vocabulary, problems = read_vocabulary(raw)
    file_checks = [check_entry(entry, vocabulary, today) for entry in raw.entries]
    across = check_across(vocabulary, file_checks)
    return checked([*raw.problems, *problems], across, raw.files)
