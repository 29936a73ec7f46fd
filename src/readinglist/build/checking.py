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
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from readinglist.build.memory import CheckMemory, FileKey, TitleMemory
from readinglist.build.workers import Forked
from readinglist.catalog.check import Checked, checked
from readinglist.catalog.fields import FileCheck, check_entry_file
from readinglist.catalog.read import ENTRIES_DIR, read_content
from readinglist.catalog.titles import similar_titles
from readinglist.catalog.vocabulary import Vocabulary, read_vocabulary
from readinglist.problems import Problem

__all__ = ["PARALLEL_ENTRY_FILES", "CheckMemory", "TitleMemory", "check_folder", "collector_paused"]

PARALLEL_ENTRY_FILES = 2000
"""Fewer entry files than this are read and checked in one process: forking costs more.

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
