"""What a check of a content folder leaves for the next one: each entry file's check,
found again by the file's stat data or by its bytes, and the near-duplicate titles.

:mod:`readinglist.build.checking` asks this memory before it opens a file, as git
asks its index: a file with the stat data (:data:`Stamp`) it was read with is not
opened, and a file whose bytes were seen before is not parsed. The memory holds
for one vocabulary and one day; saved to a file it is plain data, and a damaged
file costs only the speed. The figures below were measured on the 10,000 entries
``bench/generate.py`` writes, on two cores others were using too (medians of five).
"""

from __future__ import annotations

import datetime
import hashlib
import io
import os
import pickle
from collections.abc import Iterable, Mapping, MutableMapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from readinglist.catalog.check import Across
from readinglist.catalog.fields import FileCheck
from readinglist.catalog.model import Catalog, Entry
from readinglist.catalog.titles import similar_titles, title_keys
from readinglist.catalog.vocabulary import Vocabulary
from readinglist.problems import Problem

MEMORY_FORMAT = "readinglist check memory 7"
"""Written first in a saved memory; a file without it is some other file. Raised when the
checked data changes shape (2: an entry's date is a PublicationDate or None; 3: each
file's stamp is kept; 4: what the vocabularies were read from is kept; 5: so are the
titles' blocking keys; 6: the vocabularies are kept by their files' bytes, with the
problems of reading them)."""

FileKey = tuple[str, bytes]
"""An entry file's path and the SHA-256 of its bytes."""
Stamp = tuple[int, int, int, int, int, int]
"""An entry file's stat data: mode, size, ``st_mtime_ns``, ``st_ctime_ns``, inode and
device. Writing, replacing, renaming onto or changing the permissions of a file
changes its ctime at least, which, unlike the mtime, cannot be set back."""

RACY_NS = 2_000_000_000
"""A file whose mtime or ctime is less than this before the moment it was read (or
after it) is not trusted by its stamp: it is read and hashed again next time.

File times come from a coarse clock (a tick of a few milliseconds, which can
lag the fine one; a whole second or two on some file systems), so a file
written in the tick it was read in, keeping its size, can keep its stamp too."""


def stamp(info: os.stat_result) -> Stamp:
    """A file's stamp, from its ``lstat``."""
    return (
        info.st_mode,
        info.st_size,
        info.st_mtime_ns,
        info.st_ctime_ns,
        info.st_ino,
        info.st_dev,
    )


def settled(stamped: Stamp, read_at: int) -> bool:
    """Whether a file stamped so, read at ``read_at`` (:func:`time.time_ns`, taken before
    the stamp), would show any later change in its stamp."""
    return max(stamped[2], stamped[3]) < read_at - RACY_NS


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
            if not self.holders:  # none kept, or a damaged record of them
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
    """What checking a folder leaves for checking it again, for one vocabulary and one
    day: each entry file's check by its path and the SHA-256 of its bytes; each
    settled file's stamp and hash, by path; and the near-duplicate titles found.

    ``readinglist serve`` checks the folder after every edit: with this memory an
    unchanged file is neither opened nor parsed again. For 10,000 entries, a check
    after one edit takes about 0.18 s in one process: 0.23 s when every file was
    still read and hashed, 0.68 s with no memory.
    """

    vocabulary: Vocabulary | None = None
    today: datetime.date | None = None
    files: dict[FileKey, FileCheck] = field(default_factory=dict)
    stamps: dict[str, tuple[Stamp, bytes]] = field(default_factory=dict)
    """By path, the stamp a settled file was read with and the SHA-256 of its bytes."""
    titles: TitleMemory = field(default_factory=TitleMemory)
    read: tuple[bytes, Vocabulary, tuple[Problem, ...]] | None = None
    """The vocabulary files as last read (their bytes, pickled), the vocabulary made
    from them and the problems found in reading and in them."""
    opened: int = 0
    """How many entry files the last check opened: those with another stamp than the
    one kept, or none."""
    across: Across | None = None
    """What the checks across entries found in the last check: a new process that loads
    it loads and checks 10,000 entries after one edit in 0.18 s instead of 0.21 s."""

    def vocabulary_of(self, read_from: bytes) -> tuple[Vocabulary, list[Problem]] | None:
        """The vocabulary made from exactly these vocabulary files, and its problems."""
        if self.read is None or read_from != self.read[0]:
            return None
        return self.read[1], list(self.read[2])

    def checks_for(self, vocabulary: Vocabulary, today: datetime.date) -> dict[FileKey, FileCheck]:
        """The file checks made against this vocabulary on this day; none if either changed."""
        if self.vocabulary != vocabulary or self.today != today:
            self.vocabulary, self.today, self.files, self.stamps = vocabulary, today, {}, {}
            self.across = None
        return self.files

    def sources(self, entries: Iterable[Entry]) -> dict[int, bytes]:
        """What each of ``entries`` (of the last check) was made from, by the entry's
        ``id``: the digest of the vocabulary files and the day it was checked against,
        its file's path and the digest of its bytes, end to end.

        The checker makes an entry from these alone (it is what this memory hands a
        check back for), so two entries with one source are equal, in this process
        or in another: what is made from an entry can be known by its source.
        """
        if self.read is None or self.today is None:
            return {}
        epoch = hashlib.sha256(self.read[0] + self.today.isoformat().encode()).digest()
        stamps = self.stamps
        hashes: dict[str, bytes] | None = None  # of the files not stamped, when asked
        sources: dict[int, bytes] = {}
        for entry in entries:
            kept = stamps.get(entry.path)
            if kept is not None:
                digest = kept[1]
            else:
                if hashes is None:
                    hashes = dict(self.files.keys())
                found = hashes.get(entry.path)
                if found is None:
                    continue
                digest = found
            sources[id(entry)] = b"%b%b\0%b" % (epoch, entry.path.encode(), digest)
        return sources

    def save(self, path: str | os.PathLike[str]) -> bool:
        """Keep the memory in ``path`` for the next process; False if it cannot be written.

        For 10,000 entries the file is about 12 MB, written in about 0.15 s; a new
        process that loads it (the collector paused, as in a build) checks the folder
        after one edit and saves it again in about 0.63 s, against 0.75 s when the
        titles' blocking keys were worked out again. Written beside, then moved into
        place, so a reader never sees half a file.
        """
        target = Path(path)
        partial = target.with_name(f".{target.name}.partial")
        titles = self.titles
        state = (
            self.vocabulary,
            self.today,
            self.files,
            self.stamps,
            titles.titles,
            titles.pairs,
            self.read,
            dict(titles.holders),
            self.across,
        )
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
            vocabulary, today, files, stamps, titles, pairs, read, holders, across = (
                _PlainUnpickler(stream).load()
            )
            memory = cls(vocabulary, today, dict(files), dict(stamps), read=read)
            if _well_formed_across(across, memory.files):
                memory.across = across
            if isinstance(titles, tuple) and isinstance(pairs, set):
                memory.titles.titles, memory.titles.pairs = titles, pairs
                if _well_formed_holders(holders, len(titles)):
                    # Worked out again, they would cost a new process 0.2 s at 10,000.
                    memory.titles.holders = holders
        except Exception:  # damaged data raises nearly anything while being unpickled
            return cls()
        if not _well_formed(memory):
            return cls()
        return memory


def _well_formed_holders(holders: object, count: int) -> bool:
    """Whether ``holders`` maps strings to tuples of positions among ``count`` titles.

    Asked of every type at once, in C: a check of each of the 180,000 positions at
    10,000 entries, one by one, took a new process 0.05 s.
    """
    if not isinstance(holders, dict):
        return False
    if not set(map(type, holders)) <= {str} or not set(map(type, holders.values())) <= {tuple}:
        return False
    try:
        positions = set().union(*holders.values())
    except TypeError:  # something unhashable in a tuple
        return False
    return set(map(type, positions)) <= {int} and (
        not positions or (min(positions) >= 0 and max(positions) < count)
    )


def _well_formed_across(across: object, files: Mapping[FileKey, FileCheck]) -> bool:
    """Whether ``across`` is what the checks across entries found in exactly the file
    checks of ``files``, the very objects: anything else is left out, and found again."""
    if not isinstance(across, Across) or not isinstance(across.catalog, Catalog):
        return False
    checks = across.checks
    return (
        isinstance(checks, list)
        and len(checks) == len(files)
        and set(map(id, checks)) == set(map(id, files.values()))
    )


def _well_formed(memory: CheckMemory) -> bool:
    return (
        (memory.vocabulary is None or isinstance(memory.vocabulary, Vocabulary))
        and (memory.today is None or isinstance(memory.today, datetime.date))
        and all(isinstance(check, FileCheck) for check in memory.files.values())
        and all(_well_formed_stamp(kept) for kept in memory.stamps.values())
        and (memory.read is None or _well_formed_read(memory.read))
    )


def _well_formed_read(read: object) -> bool:
    return (
        isinstance(read, tuple)
        and len(read) == 3
        and isinstance(read[0], bytes)
        and isinstance(read[1], Vocabulary)
        and isinstance(read[2], tuple)
        and all(isinstance(problem, Problem) for problem in read[2])
    )


def _well_formed_stamp(kept: object) -> bool:
    return (
        isinstance(kept, tuple)
        and len(kept) == 2
        and isinstance(kept[0], tuple)
        and isinstance(kept[1], bytes)
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
            ("readinglist.catalog.check", "Across"),
            ("readinglist.catalog.model", "Catalog"),
            ("readinglist.catalog.vocabulary", "Vocabulary"),
            ("readinglist.catalog.vocabulary", "Lookup"),
        }
    )

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) not in self.ALLOWED:
            raise pickle.UnpicklingError(f"{module}.{name} is not plain data")
        return super().find_class(module, name)
