"""Every file and folder below an output folder, listed here or by a fresh interpreter beside.

Before a rebuild writes anything it looks at every file of the folder beside
the live site, since anyone may have changed it. At 10,000 entries that is
12,411 files in 11,856 folders, about 0.2 s on a busy two-core machine. A fresh
Python interpreter running this very file (it needs nothing but the standard
library) lists them on another core while the build checks the content and
plans the pages, so a save in ``serve`` or a rebuild in a new process does not
wait for the listing at all. A fresh interpreter, not a fork: a forked copy of
a process holding a whole catalog makes the parent pay for every page of
memory it touches afterwards, which cost as much as the listing saved.

Anything that goes wrong with the other interpreter (it cannot start, dies,
sends nothing usable) means the folder is listed in this process instead.
"""

from __future__ import annotations

import contextlib
import ctypes
import marshal
import os
import signal
import subprocess
import sys

Stamp = tuple[int, int]
"""A file's size and modification time in nanoseconds."""
UNUSABLE: Stamp = (-1, -1)
"""The stamp of anything but a regular file: never a recorded one."""
Listing = tuple[dict[str, Stamp], list[str]]
"""Every file by relative path with its stamp, and every folder (``""`` the top one)."""

_PR_SET_PDEATHSIG = 1


def list_tree(root: str) -> Listing:
    """Everything below ``root``: what is not a regular file (a folder where a file
    should be, a symlink, a socket) has :data:`UNUSABLE`; symlinks are not followed.
    An unreadable or missing ``root`` holds nothing."""
    files: dict[str, Stamp] = {}
    folders: list[str] = []
    pending = [""]
    while pending:
        folder = pending.pop()
        try:
            with os.scandir(f"{root}/{folder}" if folder else root) as scan:
                items = list(scan)
        except OSError:
            continue  # gone, or not a folder: what should be in it is missing
        folders.append(folder)
        prefix = f"{folder}/" if folder else ""
        for item in items:
            path = prefix + item.name
            try:
                if item.is_dir(follow_symlinks=False):
                    pending.append(path)
                elif item.is_file(follow_symlinks=False):
                    info = item.stat(follow_symlinks=False)
                    files[path] = (info.st_size, info.st_mtime_ns)
                else:
                    files[path] = UNUSABLE
            except OSError:
                files[path] = UNUSABLE
    return files, folders


class Lister:
    """The listing of one folder, begun now: by another interpreter when ``beside``,
    else in this process when asked for."""

    def __init__(self, root: str, beside: bool) -> None:
        self._root = root
        self._child: subprocess.Popen[bytes] | None = None
        if beside:
            with contextlib.suppress(OSError, ValueError):
                self._child = subprocess.Popen(
                    [sys.executable, "-I", "-S", __file__, str(os.getpid()), root],
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.DEVNULL,
                )

    def result(self) -> Listing:
        """The listing; made here if the other interpreter gave none."""
        child, self._child = self._child, None
        if child is not None:
            try:
                listing = _received(child)
            finally:
                _stop(child)
            if listing is not None:
                return listing
        return list_tree(self._root)

    def __enter__(self) -> Lister:
        return self

    def __exit__(self, *exc: object) -> None:
        """Stop the other interpreter, if it is still listing: nobody will ask."""
        child, self._child = self._child, None
        if child is not None:
            _stop(child)


def _received(child: subprocess.Popen[bytes]) -> Listing | None:
    try:
        data, _ = child.communicate()
        files, folders = marshal.loads(data) if child.returncode == 0 else (None, None)
    except (OSError, ValueError, EOFError, TypeError):
        return None
    if type(files) is dict and type(folders) is list:
        return files, folders
    return None


def _stop(child: subprocess.Popen[bytes]) -> None:
    if child.poll() is None:
        with contextlib.suppress(OSError):
            child.kill()
    child.wait()
    if child.stdout is not None:
        child.stdout.close()


def _main(parent: int, root: str) -> None:
    """As the other interpreter: list ``root`` and send the listing to standard output.

    It ends with the build that started it, however that ends: with its parent
    (Linux), on Ctrl-C, or at the write nobody reads any more; without a word.
    """
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:
        sys.exit(1)
    sys.stdout.buffer.write(marshal.dumps(list_tree(root)))


if __name__ == "__main__":
    _main(int(sys.argv[1]), sys.argv[2])
