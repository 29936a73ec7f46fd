"""The engine's check of a content folder: the core's stages, made fast for large
folders and for ``readinglist serve``, which checks again after every edit.

Everything here is speed machinery around :mod:`readinglist.catalog.check`; the
answer is always the one :func:`readinglist.catalog.check.check_content` gives.
With a :class:`~readinglist.build.memory.CheckMemory`, only the entry files
changed since the last check are opened, and only they are shared out among
processes: for 10,000 entries, a check after one edit takes about 0.2 s in
``readinglist serve`` instead of 0.4 s, and 0.27 s instead of 0.42 s in a new
process that loads the memory. The figures here were measured on the 10,000
entries ``bench/generate.py`` writes, on two cores (medians of five, on cores
others were using too).
"""

from __future__ import annotations

import contextlib
import datetime
import gc
import os
import pickle
import stat
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from readinglist.build.memory import CheckMemory, FileKey, Stamp, TitleMemory, settled, stamp
from readinglist.build.workers import Forked
from readinglist.catalog.check import (
    Checked,
    Similar,
    check_across,
    check_across_again,
    checked,
)
from readinglist.catalog.fields import FileCheck, check_entry_file
from readinglist.catalog.read import entry_names, read_content, read_entry, read_vocabulary_files
from readinglist.catalog.titles import similar_titles
from readinglist.catalog.vocabulary import Vocabulary, read_vocabulary
from readinglist.problems import Problem

__all__ = ["PARALLEL_ENTRY_FILES", "CheckMemory", "TitleMemory", "check_folder", "collector_paused"]

PARALLEL_ENTRY_FILES = 2000
"""Fewer entry files to read than this (with a memory, those whose stamps changed) are
read and checked in one process: forking costs more.

With two idle cores, two processes read and check 10,000 entry files in about
0.24 s instead of 0.41 s; the checks across entries and the title search
(about 0.2 s) stay in one process, and sending the checks back costs 0.05 s.
On a machine whose cores are busy, a second process gains nothing."""


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


_Read = tuple[FileKey | None, Stamp | None, FileCheck | None]
"""What became of one entry file read: its key (with a memory), its stamp if settled,
and its check, None when the memory has it under that key."""


@dataclass(frozen=True)
class _Share:
    """One process's share of the entry files to read, read and checked."""

    reads: list[_Read | None]
    """For each file of the share, in order; None for a file that is no entry file."""
    problems: tuple[Problem, ...]
    """What reading these files found."""


def check_folder(
    content: str | os.PathLike[str],
    today: datetime.date,
    *,
    memory: CheckMemory | None = None,
    workers: int = 1,
    titles: bool = True,
) -> Checked:
    """Read and check a content folder, as :func:`~readinglist.catalog.check.check_content`.

    With ``memory``, files with the stamp it has for them are not opened, files whose
    bytes it has seen are not parsed or checked again, and it is left holding this
    check. With ``workers`` above one and enough entry files to read, they are shared
    out among that many processes, which read and check their share; the checks
    across entries run here, once everything is in. ``titles=False`` (with no
    memory) leaves the near-duplicate titles for later, as :func:`checked` can.
    """
    with collector_paused():
        return _check_folder(str(content), today, memory, workers, titles)


def _check_folder(
    content: str, today: datetime.date, memory: CheckMemory | None, workers: int, titles: bool
) -> Checked:
    started = time.time_ns()  # before any stamp is taken: see memory.settled
    vocabulary, problems = _vocabulary(content, memory)
    # The rules of read_content, name by name, so its problems are exactly these.
    items, found = entry_names(Path(content), (0, 1))
    problems += found
    if memory is not None:
        memory.checks_for(vocabulary, today)
    reads, todo = _remembered(items, memory)
    job = _Job(Path(content).resolve(), vocabulary, today, memory, started)
    for positions, share in _read_shares(job, todo, workers):
        problems += share.problems
        reads.take(positions, share.reads, memory)
    similar: Similar | None = memory.titles.similar if memory is not None else similar_titles
    if memory is None and not titles:
        similar = None
    file_checks = [check for check in reads.checks if check is not None]
    if memory is None:
        across = check_across(vocabulary, file_checks)
    else:
        memory.files, memory.stamps, memory.opened = reads.files, reads.stamps, len(todo)
        # In serve, a save changes a few files: the checks across entries start from
        # the last ones (0.05 s of a save at 10,000 entries, against 0.008 s).
        across = memory.across = check_across_again(memory.across, vocabulary, file_checks)
    return checked(problems, across, 2 + len(items), similar)


def _vocabulary(content: str, memory: CheckMemory | None) -> tuple[Vocabulary, list[Problem]]:
    """The vocabulary of ``content`` and every problem in reading it; from ``memory``
    when the vocabulary files hold exactly what they held when it was made.

    Parsing the files and looking for near-duplicate names among 800 companies
    are most of reading the vocabularies: kept, they spare a rebuild at 10,000
    entries about 0.15 s.
    """
    if memory is None:
        head = read_content(content, entries=False)
        vocabulary, problems = read_vocabulary(head)
        return vocabulary, [*head.problems, *problems]
    files = read_vocabulary_files(content)
    read_from = pickle.dumps(files, protocol=pickle.HIGHEST_PROTOCOL)
    known = memory.vocabulary_of(read_from)
    if known is not None:
        return known
    head = read_content(content, entries=False, read=files)
    vocabulary, problems = read_vocabulary(head)
    problems = [*head.problems, *problems]
    memory.read = (read_from, vocabulary, tuple(problems))
    return vocabulary, problems


@dataclass(frozen=True)
class _Job:
    """What every share needs besides its files: a forked process has it with no pickling."""

    real_root: Path
    vocabulary: Vocabulary
    today: datetime.date
    memory: CheckMemory | None
    started: int
    """When the check began, in :func:`time.time_ns`."""


_Todo = tuple[int, os.DirEntry[str], Stamp | None]
"""An entry file to read: its position in name order, its name, and its stamp."""


@dataclass(frozen=True)
class _Found:
    """Each entry file's check by its position in name order, and what the memory is
    left holding: each check by its file's key, each settled file's stamp and hash."""

    checks: list[FileCheck | None]
    files: dict[FileKey, FileCheck]
    stamps: dict[str, tuple[Stamp, bytes]]

    def take(
        self, positions: Sequence[int], reads: Sequence[_Read | None], memory: CheckMemory | None
    ) -> None:
        """Add the files read at ``positions``: a check left out is the memory's."""
        for position, read in zip(positions, reads, strict=True):
            if read is None:
                continue
            key, stamped, check = read
            if key is not None:
                check = memory.files[key] if check is None and memory is not None else check
                if check is None:
                    continue
                self.files[key] = check
                if stamped is not None:
                    self.stamps[key[0]] = (stamped, key[1])
            self.checks[position] = check


def _remembered(
    items: Sequence[os.DirEntry[str]], memory: CheckMemory | None
) -> tuple[_Found, list[_Todo]]:
    """Each entry file's check, taken from ``memory`` when the file has the stamp it was
    read with; and the files left to read.

    One pass, each file's stamp compared where it is taken: at 10,000 entries the
    stamps themselves (``lstat``) take 0.025 s, and everything else here 0.015 s.
    """
    found = _Found([None] * len(items), {}, {})
    if memory is None:
        return found, [(position, item, None) for position, item in enumerate(items)]
    files, stamps, is_regular = memory.files, memory.stamps, stat.S_ISREG
    todo: list[_Todo] = []
    for position, item in enumerate(items):
        stamped = None
        if not item.is_symlink():  # known from the listing: no system call
            try:
                info = item.stat(follow_symlinks=False)
            except OSError:
                info = None
            if info is not None and is_regular(info.st_mode):
                stamped = stamp(info)
                kept = stamps.get(item.path)
                if kept is not None and kept[0] == stamped:
                    key = (item.path, kept[1])
                    check = files.get(key)
                    if check is not None:
                        found.checks[position] = found.files[key] = check
                        found.stamps[item.path] = kept
                        continue
        todo.append((position, item, stamped))
    return found, todo


def _read_shares(job: _Job, todo: list[_Todo], workers: int) -> list[tuple[list[int], _Share]]:
    """Read and check the files to read, shared out among processes when there are enough;
    each share with the positions of its files."""
    parts = workers if workers > 1 and len(todo) >= PARALLEL_ENTRY_FILES else 1
    runs = [todo[k * len(todo) // parts : (k + 1) * len(todo) // parts] for k in range(parts)]
    # The memory goes to the other processes with the vocabulary, never pickled.
    others = [Forked(_read_share, job, run) for run in runs[1:]]
    shares = [_read_share(job, runs[0])]
    shares += [other.result() for other in others]
    return [
        ([position for position, _, _ in run], share)
        for run, share in zip(runs, shares, strict=True)
    ]


def _file_key(path: str, data: bytes) -> FileKey:
    # Imported only for a memory: starting OpenSSL would cost a check without one 2 ms.
    from hashlib import sha256

    return (path, sha256(data).digest())


def _read_share(job: _Job, run: Sequence[_Todo]) -> _Share:
    """Read and check one share of the files to read, each check taken from the memory
    when it has the file's bytes. Run in a forked process for every share but the first."""
    known = job.memory.files if job.memory is not None else None
    reads: list[_Read | None] = []
    problems: list[Problem] = []
    for _, item, stamped in run:
        entry_file, found = read_entry(item, job.real_root)
        problems += found
        if entry_file is None:
            reads.append(None)
            continue
        path, slug, data = entry_file.path, entry_file.slug, entry_file.data
        key = _file_key(path, data) if known is not None else None
        if known is not None and key in known:
            check = None  # the memory's, not sent back
        else:
            check = check_entry_file(path, slug, data, job.vocabulary, job.today)
        # A file written within the clock's tick of its stamp may keep it: not trusted.
        trusted = stamped if stamped is not None and settled(stamped, job.started) else None
        reads.append((key, trusted, check))
    return _Share(reads, tuple(problems))
