"""Every file and folder below a folder, listed by this file alone, with its stamps.

Run as a script (``python -I -S tree.py PARENT ROOT``), it is the interpreter
beside a build that lists the build's output folder (see
:mod:`readinglist.build.listing`): it imports only what starting it costs
least, so it is listing 12 ms after it is started instead of 22 ms.
"""

from __future__ import annotations

import marshal
import os
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


def _main(parent: int, root: str) -> None:
    """As the other interpreter: list ``root`` and send the listing to standard output.

    It ends with the build that started it, however that ends: with its parent
    (Linux), on Ctrl-C, or at the write nobody reads any more; without a word.
    """
    # The C module behind signal, which typeshed leaves out: signal's own import (its
    # enums) would take a third of the time this interpreter needs to start listing.
    import _signal  # type: ignore[import-not-found]

    _signal.signal(_signal.SIGINT, _signal.SIG_DFL)
    _signal.signal(_signal.SIGPIPE, _signal.SIG_DFL)
    try:
        import ctypes

        ctypes.CDLL(None).prctl(_PR_SET_PDEATHSIG, _signal.SIGKILL)
    except (OSError, AttributeError, ImportError):
        pass
    if os.getppid() != parent:
        sys.exit(1)
    sys.stdout.buffer.write(marshal.dumps(list_tree(root)))


if __name__ == "__main__":
    _main(int(sys.argv[1]), sys.argv[2])
