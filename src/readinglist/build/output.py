"""The output folders: one build at a time, files written beside the live site, one atomic swap.

The live site (``site/``) is never written to. A build writes into a second
folder beside it (``.site.next/``), which holds the build before the last one,
and then exchanges the two in one step: a reader, a failed build or a killed one
never sees a half-written site. What the second folder holds is never trusted
from memory alone: every file is looked at (its size and modification time)
and any file that is missing, changed or unknown is written again or removed;
what stands in a page's way (a symlink, a file where its folder should be) is
removed first, never written through.

Looking means listing the whole folder (see :mod:`readinglist.build.listing`,
which does it beside the build's other work), so nothing about it is trusted
from an earlier look. One limit is shared with git's index: a file rewritten to
the same size within the same clock tick as its recorded stamp looks unchanged.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import os
import shutil
import stat
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from readinglist.build.listing import Stamp

_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


@dataclass(frozen=True)
class Manifest:
    """An output folder as the build that wrote it left it: for every file by relative
    path, what it was rendered from and its stamp once written. Two plain mappings
    with the same keys, so that comparing them with another build's fingerprints
    and with what is on disk is done in C."""

    prints: Mapping[str, str]
    stamps: Mapping[str, Stamp]


NO_MANIFEST = Manifest({}, {})
"""What is known of a folder with no manifest: nothing."""


@dataclass(frozen=True)
class Survey:
    """What an output folder holds, as :mod:`readinglist.build.listing` found it."""

    files: dict[str, Stamp]
    """Every file by relative path, anything not a regular file with
    :data:`~readinglist.build.listing.UNUSABLE`."""
    folders: list[str]
    """Every folder by relative path, ``""`` the top one."""


class OutputBusy(Exception):
    """Another build holds the output folder's lock."""


def next_folder(live: Path) -> Path:
    """Where the next build is written: ``.site.next`` beside ``site``."""
    return live.with_name(f".{live.name}.next")


@contextlib.contextmanager
def locked(live: Path, waiting: Callable[[str], None] | None = None) -> Iterator[None]:
    """Hold the output folder's lock for one build; a second build waits for the first.

    The lock is the kernel's (``flock``) on ``.site.lock`` beside the folder, so it
    is let go when its process ends, however it ends: a killed build never leaves
    a lock behind. ``waiting`` hears once that another build holds it.
    """
    live.parent.mkdir(parents=True, exist_ok=True)
    path = live.with_name(f".{live.name}.lock")
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if waiting is not None:
                waiting(f"waiting for another build of {live} to finish")
            fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)


def stamp_of(info: os.stat_result) -> Stamp:
    return (info.st_size, info.st_mtime_ns)


def folders_holding(files: Iterable[str]) -> set[str]:
    """Every folder holding some of ``files`` (``""`` the top one), and those above it."""
    folders = {""}
    for path in files:
        folder = path.rpartition("/")[0]
        while folder not in folders:
            folders.add(folder)
            folder = folder.rpartition("/")[0]
    return folders


_WRITING = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC | os.O_NOFOLLOW


def write_file(tree: Path, path: str, data: bytes) -> Stamp:
    """Write one file of the folder being built; its stamp. What stands in its way (a
    folder, a symlink, a file or a broken symlink where its folder should be) is
    removed, never followed. A symlink to a folder, where a folder should be, is
    the caller's to remove first, as the build does with all it finds beside the
    live site that no page makes."""
    # Paths as strings: pathlib's objects, made for each of 12,000 files, took a cold
    # build at 10,000 entries 0.1 s.
    root = os.fspath(tree)
    target = f"{root}/{path}"
    try:
        descriptor = os.open(target, _WRITING, 0o644)
    except (FileNotFoundError, NotADirectoryError):
        _make_folder(root, target.rpartition("/")[0])
        descriptor = os.open(target, _WRITING, 0o644)
    except IsADirectoryError:
        shutil.rmtree(target)
        descriptor = os.open(target, _WRITING, 0o644)
    except OSError as exc:
        if exc.errno != errno.ELOOP:
            raise
        Path(target).unlink()  # a symlink
        descriptor = os.open(target, _WRITING, 0o644)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(descriptor, view) :]
        return stamp_of(os.fstat(descriptor))
    finally:
        os.close(descriptor)


def _make_folder(tree: str, folder: str) -> None:
    """Make ``folder`` below ``tree``, removing a file or symlink that stands in its way.

    Made for 10,000 entry pages, each a folder of its own, this is part of every
    cold build: one ``mkdir`` a folder while nothing stands in the way.
    """
    try:
        os.mkdir(folder)  # noqa: PTH102 (a string, as above)
    except FileNotFoundError:  # a level above is missing too
        if folder == tree:
            raise
        _make_folder(tree, folder.rpartition("/")[0])
        os.mkdir(folder)  # noqa: PTH102
    except OSError:  # something is there already, or a file where a level above should be
        _clear_way(Path(tree), Path(folder))


def _clear_way(tree: Path, folder: Path) -> None:
    """Make ``folder`` below ``tree``, removing each file or symlink in its way, level by
    level from the top."""
    below = tree
    for part in folder.relative_to(tree).parts:
        below = below / part
        try:
            info = below.lstat()
        except FileNotFoundError:
            break
        if not stat.S_ISDIR(info.st_mode):  # a file, or a symlink, even to a folder
            below.unlink()
            break
    folder.mkdir(parents=True, exist_ok=True)


def copy_file(source: Path, tree: Path, path: str) -> Stamp:
    """Copy a file of the live site, known to be right, into the folder being built."""
    return write_file(tree, path, (source / path).read_bytes())


def remove_stale(tree: Path, stale: list[str]) -> None:
    """Remove files no page makes any more, and the folders they leave empty."""
    for path in stale:
        target = tree / path
        if target.is_dir() and not target.is_symlink():
            shutil.rmtree(target, ignore_errors=True)
        else:
            target.unlink(missing_ok=True)
    parents = sorted({(tree / p).parent for p in stale}, key=lambda p: len(p.parts), reverse=True)
    for parent in parents:
        while parent != tree:
            try:
                parent.rmdir()
            except OSError:
                break
            parent = parent.parent


def fresh_folder(tree: Path) -> None:
    """Empty ``tree`` (or make it): its contents are unknown."""
    if tree.is_symlink() or tree.is_file():
        tree.unlink()
    shutil.rmtree(tree, ignore_errors=True)
    tree.mkdir(parents=True)


def swap(live: Path, built: Path) -> None:
    """Make ``built`` the live site in one step; the old live site takes its place."""
    if not live.exists() and not live.is_symlink():
        built.rename(live)
        return
    libc = ctypes.CDLL(None, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is not None:
        status = renameat2(
            _AT_FDCWD, os.fsencode(built), _AT_FDCWD, os.fsencode(live), _RENAME_EXCHANGE
        )
        if status == 0:
            return
        code = ctypes.get_errno()
        if code not in (errno.ENOSYS, errno.EINVAL):
            raise OSError(code, os.strerror(code), str(live))
    # Without renameat2 (not Linux): three renames, with a moment where no site is there.
    parked = live.with_name(live.name + ".swap")
    live.rename(parked)
    built.rename(live)
    parked.rename(built)
