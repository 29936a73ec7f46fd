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
import marshal
import os
import subprocess
import sys

from readinglist.build import tree
from readinglist.build.tree import UNUSABLE, Listing, Stamp, list_tree

__all__ = ["UNUSABLE", "Lister", "Listing", "Stamp", "list_tree"]


class Lister:
    """The listing of one folder, begun now: by another interpreter when ``beside``,
    else in this process when asked for."""

    def __init__(self, root: str, beside: bool) -> None:
        self._root = root
        self._child: subprocess.Popen[bytes] | None = None
        if beside:
            with contextlib.suppress(OSError, ValueError):
                self._child = subprocess.Popen(
                    [sys.executable, "-I", "-S", tree.__file__, str(os.getpid()), root],
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
