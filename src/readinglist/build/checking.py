"""The engine's check of a content folder: the core's stages, made fast for large
folders and for ``readinglist serve``, which checks again after every edit.

Everything here is speed machinery around :mod:`readinglist.catalog.check`; the
answer is always the one :func:`readinglist.catalog.check.check_content` gives.
The figures below were measured on the 10,000 entries ``bench/generate.py``
writes, on two cores.
"""

from __future__ import annotations

import contextlib
import datetime
import gc
import io
import os
import pickle
from collections.abc import Iterator, MutableMapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from readinglist.build.workers import Forked
from readinglist.catalog.check import Checked, checked
from readinglist.catalog.fields import FileCheck, check_entry_file
from readinglist.catalog.read import ENTRIES_DIR, read_content
from readinglist.catalog.titles import similar_titles, title_keys
from readinglist.catalog.vocabulary import Vocabulary, read_vocabulary
from readinglist.problems import Problem

PARALLEL_ENTRY_FILES = 2000
"""Fewer entry files than this are read and checked in one process: forking costs more.

With two idle cores, two processes read and check 10,000 entry files in about
0.24 s instead of 0.41 s; the checks across entries and the title search
(about 0.2 s) stay in one process, and sending the checks back costs 0.05 s.
On a machine whose cores are busy, a second process gains nothing."""
MEMORY_FORMAT = "readinglist check memory 2"
"""Written first in a saved memory; a file without it is some other file. Raised when the
checked data changes shape (2: an entry's date is a PublicationDate or None)."""

FileKey = tuple[str, bytes]
"""An entry file's path and the SHA-256 of its bytes."""


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while a catalog is read, checked or built.

    Reading makes hundreds of thousands of small dicts and lists, none of them
    in a cycle, so reference counting frees them all; but each batch of new
    objects sets off a collection that walks every live one: checking 10,000
    entries in one process takes 0.58 s paused and 0.68 s not. The collector is
    restored afterwards.

    Everything made while paused is then moved to the oldest generation, which
    only a full collection walks: left in the youngest, the first allocation
    after the pause would walk all of it at once (about 0.08 s for 10,000
    entries). Objects another caller froze stay frozen: the move needs
    ``gc.freeze`` and ``gc.unfreeze``, so it is skipped while anything is frozen.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if gc.get_freeze_count() == 0:
            gc.freeze()
            gc.unfreeze()
        if was_enabled:
            gc.enable()


@dataclass
class TitleMemory:
    """The last answer of :func:`similar_titles`, and which titles hold each blocking key.

    Two titles are compared only when they share a blocking key, and whether they
    are alike depends on those two alone. So when a few titles change in place,
    only they and the titles sharing a key with them are compared again; the other
    pairs stand. A list of another length is compared afresh. Unchanged titles
    cost nothing. For 10,000 titles, one edited title is looked for again in
    under 0.001 s instead of the 0.13 s of a fresh search.
    """

    titles: tuple[str, ...] = ()
    pairs: set[tuple[int, int]] = field(default_factory=set)
    holders: MutableMapping[str, tuple[int, ...]] = field(default_factory=dict)
    """Each blocking key (as :func:`title_keys` gives it), and the titles holding it,
    by position."""

    MOST_CHANGED = 20
    """More changed titles than this are compared afresh."""

    def similar(self, titles: Sequence[str]) -> list[tuple[int, int]]:
        titles = tuple(titles)
        if titles == self.titles:
            return sorted(self.pairs)
        changed = (
            [i for i, (old, new) in enumerate(zip(self.titles, titles, strict=True)) if old != new]
            if len(titles) == len(self.titles)
            else None
        )
        if changed is None or len(changed) > self.MOST_CHANGED:
            self._afresh(titles)
        else:
            if not self.holders:  # a memory read from disk keeps no holders
                self.holders = _holders(self.titles)
            self._again(titles, changed)
        self.titles = titles
        return sorted(self.pairs)

    def _afresh(self, titles: tuple[str, ...]) -> None:
        self.pairs = set(similar_titles(titles))
        self.holders = _holders(titles)

    def _again(self, titles: tuple[str, ...], changed: list[int]) -> None:
        holders = self.holders
        for position in changed:
            for key in title_keys(self.titles[position]):
                held = tuple(p for p in holders.get(key, ()) if p != position)
                if held:
                    holders[key] = held
                else:
                    holders.pop(key, None)
        moved = set(changed)
        near = set(moved)
        for position in changed:
            for key in title_keys(titles[position]):
                held = holders.get(key, ())
                near.update(held)
                holders[key] = tuple(sorted({*held, position}))
        group = sorted(near)
        found = {
            (group[a], group[b])
            for a, b in similar_titles([titles[position] for position in group])
            if group[a] in moved or group[b] in moved
        }
        self.pairs = {pair for pair in self.pairs if not moved & set(pair)} | found


def _holders(titles: Sequence[str]) -> dict[str, tuple[int, ...]]:
    """Each blocking key, and the positions of the titles holding it."""
    holders: dict[str, list[int]] = {}
    for position, title in enumerate(titles):
        for key in title_keys(title):
            holders.setdefault(key, []).append(position)
    return {key: tuple(held) for key, held in holders.items()}


@dataclass
class CheckMemory:
    """What checking a folder leaves for checking it again: each entry file's check,
    by its path and the SHA-256 of its bytes, for one vocabulary and one day; and
    the near-duplicate titles found.

    ``readinglist serve`` checks the folder after every edit: with this memory an
    unchanged file is read but neither parsed nor checked again. For 10,000
    entries, a check after one edit takes 0.20 s instead of 0.76 s.
    """

    vocabulary: Vocabulary | None = None
    today: datetime.date | None = None
    files: dict[FileKey, FileCheck] = field(default_factory=dict)
    titles: TitleMemory = field(default_factory=TitleMemory)

    def checks_for(self, vocabulary: Vocabulary, today: datetime.date) -> dict[FileKey, FileCheck]:
        """The file checks made against this vocabulary on this day; none if either changed."""
        if self.vocabulary != vocabulary or self.today != today:
            self.vocabulary, self.today, self.files = vocabulary, today, {}
        return self.files

    def save(self, path: str | os.PathLike[str]) -> bool:
        """Keep the memory in ``path`` for the next process; False if it cannot be written.

        For 10,000 entries the file is about 8 MB, written in 0.08 s; a new process
        that loads it checks the folder in 0.32 s, load included, instead of 0.58 s.
        Written beside, then moved into place, so a reader never sees half a file.
        """
        target = Path(path)
        partial = target.with_name(f".{target.name}.partial")
        state = (self.vocabulary, self.today, self.files, self.titles.titles, self.titles.pairs)
        try:
            with partial.open("wb") as out:
                pickle.dump(MEMORY_FORMAT, out, protocol=pickle.HIGHEST_PROTOCOL)
                pickle.dump(state, out, protocol=pickle.HIGHEST_PROTOCOL)
            partial.replace(target)
        except OSError:
            return False
        return True

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> CheckMemory:
        """The memory saved in ``path``; an empty one if the file is missing, unreadable,
        damaged or not a memory. Never raises."""
        try:
            data = Path(path).read_bytes()
            stream = io.BytesIO(data)
            if _PlainUnpickler(stream).load() != MEMORY_FORMAT:
                return cls()
            vocabulary, today, files, titles, pairs = _PlainUnpickler(stream).load()
            memory = cls(vocabulary, today, dict(files))
            if isinstance(titles, tuple) and isinstance(pairs, set):
                memory.titles.titles, memory.titles.pairs = titles, pairs
        except Exception:  # damaged data raises nearly anything while being unpickled
            return cls()
        if not _well_formed(memory):
            return cls()
        return memory


def _well_formed(memory: CheckMemory) -> bool:
    return (
        (memory.vocabulary is None or isinstance(memory.vocabulary, Vocabulary))
        and (memory.today is None or isinstance(memory.today, datetime.date))
        and all(isinstance(check, FileCheck) for check in memory.files.values())
    )


class _PlainUnpickler(pickle.Unpickler):
    """Unpickles the catalog's plain data and nothing else: a foreign file cannot
    make it import or call anything."""

    ALLOWED = frozenset(
        {
            ("datetime", "date"),
            ("builtins", "set"),
            ("builtins", "frozenset"),
            ("readinglist.problems", "Problem"),
            ("readinglist.catalog.model", "Entry"),
            ("readinglist.catalog.model", "PublicationDate"),
            ("readinglist.catalog.model", "Tag"),
            ("readinglist.catalog.model", "Company"),
            ("readinglist.catalog.fields", "FileCheck"),
            ("readinglist.catalog.vocabulary", "Vocabulary"),
            ("readinglist.catalog.vocabulary", "Lookup"),
        }
    )

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) not in self.ALLOWED:
            raise pickle.UnpicklingError(f"{module}.{name} is not plain data")
        return super().find_class(module, name)


@dataclass(frozen=True)
class _Share:
    """One process's share of the entry files, read and checked."""

    checks: list[tuple[FileKey | None, FileCheck]]
    problems: tuple[Problem, ...]
    """What reading these files and their folder found."""
    files: int


def check_folder(
    content: str | os.PathLike[str],
    today: datetime.date,
    *,
    memory: CheckMemory | None = None,
    workers: int = 1,
) -> Checked:
    """Read and check a content folder, as :func:`~readinglist.catalog.check.check_content`.

    With ``memory``, files whose bytes it has seen are not parsed or checked again,
    and it is left holding this check. With ``workers`` above one and enough entry
    files, the files are shared out among that many processes, which read and check
    their share; the checks across entries run here, once everything is in.
    """
    with collector_paused():
        return _check_folder(str(content), today, memory, workers)


def _check_folder(
    content: str, today: datetime.date, memory: CheckMemory | None, workers: int
) -> Checked:
    head = read_content(content, entries=False)
    vocabulary, problems = read_vocabulary(head)
    problems = [*head.problems, *problems]
    parts = _parts(content, workers)
    # The vocabulary goes to the other processes with their memory, never pickled.
    others = [
        Forked(_check_share, content, (k, parts), vocabulary, today, memory)
        for k in range(1, parts)
    ]
    shares = [_check_share(content, (0, parts), vocabulary, today, memory)]
    shares += [other.result() for other in others]
    file_checks = [check for share in shares for _, check in share.checks]
    if memory is not None:
        memory.files = {key: check for share in shares for key, check in share.checks if key}
    # Each share reports a problem with the entries folder itself: sorting keeps one.
    problems += [p for share in shares for p in share.problems]
    files = 2 + sum(share.files for share in shares)
    similar = memory.titles.similar if memory is not None else similar_titles
    return checked(vocabulary, problems, file_checks, files, similar)


def _parts(content: str, workers: int) -> int:
    """How many processes to check the folder in."""
    if workers <= 1:
        return 1
    try:
        count = sum(1 for _ in os.scandir(Path(content) / ENTRIES_DIR))
    except OSError:
        count = 0
    return workers if count >= PARALLEL_ENTRY_FILES else 1


def _file_key(path: str, data: bytes) -> FileKey:
    # Imported only for a memory: starting OpenSSL would cost a check without one 2 ms.
    from hashlib import sha256

    return (path, sha256(data).digest())


def _check_share(
    content: str,
    share: tuple[int, int],
    vocabulary: Vocabulary,
    today: datetime.date,
    memory: CheckMemory | None,
) -> _Share:
    """Read and check one share of the entry files, each taken from ``memory`` when it
    has their bytes. Run in a forked process for every share but the first."""
    raw = read_content(content, share, vocabularies=False)
    known = memory.checks_for(vocabulary, today) if memory is not None else None
    checks: list[tuple[FileKey | None, FileCheck]] = []
    for entry_file in raw.entry_files:
        path, data = entry_file.path, entry_file.data
        key = _file_key(path, data) if known is not None else None
        check = known.get(key) if known is not None and key is not None else None
        if check is None:
            check = check_entry_file(path, entry_file.slug, data, vocabulary, today)
        checks.append((key, check))
    return _Share(checks, raw.problems, raw.files - 2)
