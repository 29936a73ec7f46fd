"""The folder beside the live site is listed whole before a rebuild writes into it.

The listing is made by another interpreter while the build checks and plans
(or in the build's own process, with one worker): the two find the same, and
whatever anyone did to the folder since its build, the next build ends with the
site a fresh build makes. One limit is shared with git's index and not tested as
a promise: a file rewritten to the same size within the same clock tick as its
recorded stamp looks unchanged.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from builds import build_fixture, files_under
from readinglist.build import listing, output, tree
from readinglist.build.listing import UNUSABLE, Lister, list_tree

ENTRY = "entries/michelangelo"


def odd_tree(root: Path) -> None:
    """A folder holding every kind of thing a listing meets."""
    (root / "a" / "b").mkdir(parents=True)
    (root / "a" / "b" / "page.html").write_text("page")
    (root / "a" / "empty").mkdir()
    (root / "top.html").write_text("top")
    (root / "link.html").symlink_to(root / "top.html")
    (root / "folder-link").symlink_to(root / "a")
    (root / os.fsdecode(b"caf\xe9.html")).write_text("a name that is not UTF-8")
    with socket.socket(socket.AF_UNIX) as bound:
        bound.bind(str(root / "a" / "socket"))


def test_a_listing_names_every_file_and_folder_and_follows_no_symlink(tmp_path: Path) -> None:
    odd_tree(tmp_path)
    files, folders = list_tree(str(tmp_path))
    page = (tmp_path / "a" / "b" / "page.html").stat()
    assert files == {
        "a/b/page.html": (page.st_size, page.st_mtime_ns),
        "top.html": (3, (tmp_path / "top.html").stat().st_mtime_ns),
        "link.html": UNUSABLE,
        "folder-link": UNUSABLE,
        "a/socket": UNUSABLE,
        "caf\udce9.html": (24, (tmp_path / "caf\udce9.html").stat().st_mtime_ns),
    }
    assert sorted(folders) == ["", "a", "a/b", "a/empty"]


def test_a_missing_or_unreadable_folder_holds_nothing(tmp_path: Path) -> None:
    assert list_tree(str(tmp_path / "missing")) == ({}, [])
    (tmp_path / "file").write_text("not a folder")
    assert list_tree(str(tmp_path / "file")) == ({}, [])


def test_the_other_interpreter_lists_what_this_process_lists(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    odd_tree(tmp_path)
    here = list_tree(str(tmp_path))

    def not_here(root: str) -> listing.Listing:
        raise AssertionError("listed in this process")

    monkeypatch.setattr(listing, "list_tree", not_here)
    with Lister(str(tmp_path), beside=True) as beside:
        files, folders = beside.result()
    assert files == here[0]
    assert sorted(folders) == sorted(here[1])


@pytest.mark.parametrize(
    "interpreter",
    ["/nonexistent/python", "/bin/false", "/bin/echo"],
    ids=["cannot start", "fails", "sends nonsense"],
)
def test_when_the_other_interpreter_gives_nothing_usable_the_folder_is_listed_here(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, interpreter: str
) -> None:
    odd_tree(tmp_path)
    monkeypatch.setattr(sys, "executable", interpreter)
    with Lister(str(tmp_path), beside=True) as beside:
        assert beside.result() == list_tree(str(tmp_path))


def test_a_listing_nobody_asks_for_is_stopped_when_the_build_ends(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    slow = tmp_path / "slow-python"
    slow.write_text("#!/bin/sh\nexec sleep 30\n")
    slow.chmod(slow.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setattr(sys, "executable", str(slow))
    started: list[subprocess.Popen[bytes]] = []
    real = subprocess.Popen

    def spy(*args: object, **kwargs: object) -> subprocess.Popen[bytes]:
        child: subprocess.Popen[bytes] = real(*args, **kwargs)  # type: ignore[call-overload]
        started.append(child)
        return child

    monkeypatch.setattr(subprocess, "Popen", spy)
    begun = time.monotonic()
    with Lister(str(tmp_path), beside=True):
        pass
    assert time.monotonic() - begun < 5
    assert [child.returncode for child in started] == [-9]


def test_the_listing_script_ends_when_its_parent_has_already_ended(tmp_path: Path) -> None:
    (tmp_path / "x.html").write_text("x")
    script = Path(tree.__file__)
    ended = subprocess.run(
        [sys.executable, "-I", "-S", str(script), "1", str(tmp_path)],
        capture_output=True,
        check=False,
    )
    assert (ended.returncode, ended.stdout, ended.stderr) == (1, b"", b"")


# Whatever is done to the folder beside the live site, the next build puts it right.


def fresh_site(content: Path, tmp_path: Path) -> dict[str, bytes]:
    build_fixture(content, tmp_path / "fresh", None)
    return files_under(tmp_path / "fresh")


def built_twice(content: Path, tmp_path: Path) -> tuple[Path, Path, Path]:
    """Two builds: both folders are built and recorded."""
    out, cache = tmp_path / "site", tmp_path / "cache"
    for _ in range(2):
        assert build_fixture(content, out, cache).ok
    return out, cache, output.next_folder(out)


def rebuilt_twice(content: Path, out: Path, cache: Path, tmp_path: Path) -> None:
    """Both folders are built again, and each time the live site is a fresh build's."""
    want = fresh_site(content, tmp_path)
    for workers in (2, 1):  # listed beside the build, then in its process
        assert build_fixture(content, out, cache, workers=workers).ok
        assert files_under(out) == want
        assert not any(p.is_symlink() for p in out.rglob("*"))


def test_a_stray_file_or_folder_is_removed(content: Path, tmp_path: Path) -> None:
    out, cache, beside = built_twice(content, tmp_path)
    (beside / ENTRY / "stray.html").write_text("not ours")
    (beside / "stray.html").write_text("not ours")
    (beside / ENTRY / "more" / "deeper").mkdir(parents=True)
    (beside / ENTRY / "more" / "deeper" / "index.html").write_text("not ours")
    (beside / "tags" / "empty").mkdir()
    rebuilt_twice(content, out, cache, tmp_path)
    assert not (beside / ENTRY / "more").exists()
    assert not (beside / "tags" / "empty").exists()


def test_a_folder_replaced_by_a_file_or_a_file_by_a_folder_is_put_right(
    content: Path, tmp_path: Path
) -> None:
    out, cache, beside = built_twice(content, tmp_path)
    shutil.rmtree(beside / ENTRY)
    (beside / ENTRY).write_text("a file where a folder was")
    shutil.rmtree(beside / "tags")
    (beside / "tags").write_text("a file where a folder of folders was")
    (beside / "index.html").unlink()
    (beside / "index.html").mkdir()
    (beside / "index.html" / "index.html").write_text("a folder where a file was")
    rebuilt_twice(content, out, cache, tmp_path)


def test_symlinks_in_place_of_a_file_or_a_folder_are_replaced(
    content: Path, tmp_path: Path
) -> None:
    out, cache, beside = built_twice(content, tmp_path)
    elsewhere = tmp_path / "elsewhere"
    shutil.copytree(beside / ENTRY, elsewhere)
    (elsewhere / "index.html").write_text("someone else's")
    shutil.rmtree(beside / ENTRY)
    (beside / ENTRY).symlink_to(elsewhere)
    page = beside / "tags" / "mlops" / "index.html"
    page.unlink()
    page.symlink_to(elsewhere / "index.html")
    rebuilt_twice(content, out, cache, tmp_path)
    assert (elsewhere / "index.html").read_text() == "someone else's"


def test_a_vanished_folder_is_written_again(content: Path, tmp_path: Path) -> None:
    out, cache, beside = built_twice(content, tmp_path)
    shutil.rmtree(beside / "entries")
    rebuilt_twice(content, out, cache, tmp_path)


def test_a_stray_is_found_though_its_folder_s_times_are_put_back(
    content: Path, tmp_path: Path
) -> None:
    out, cache, beside = built_twice(content, tmp_path)
    folder = beside / ENTRY
    before = folder.stat()
    (folder / "stray.html").write_text("not ours")
    os.utime(folder, ns=(before.st_atime_ns, before.st_mtime_ns))
    rebuilt_twice(content, out, cache, tmp_path)


def _alive(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie has ended)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM, signal.SIGKILL])
def test_a_listing_ends_with_the_build_that_started_it(
    tmp_path: Path, stop: signal.Signals
) -> None:
    """Even one stuck sending a listing nobody reads, however the build ends."""
    tree = tmp_path / "tree"
    tree.mkdir()
    for number in range(3000):  # a listing far larger than a pipe holds
        (tree / f"page-{number:04}.html").write_text("x")
    build = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys\n"
            "from readinglist.build.listing import Lister\n"
            "listing = Lister(sys.argv[1], beside=True)\n"
            "print('listing', flush=True)\n"
            "try:\n"
            "    sys.stdin.read()\n"
            "except KeyboardInterrupt:\n"
            "    pass\n",
            str(tree),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    assert build.stdout is not None and build.stdout.readline() == "listing\n"
    children = Path(f"/proc/{build.pid}/task/{build.pid}/children").read_text().split()
    assert len(children) == 1
    lister = int(children[0])
    os.killpg(build.pid, stop) if stop == signal.SIGINT else build.send_signal(stop)
    build.communicate(timeout=30)
    deadline = time.monotonic() + 10
    while _alive(lister) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert not _alive(lister)


@pytest.mark.parametrize("target", ["the live site", "a folder elsewhere"])
def test_a_symlink_in_place_of_the_folder_itself_is_replaced(
    content: Path, tmp_path: Path, target: str
) -> None:
    out, cache, beside = built_twice(content, tmp_path)
    elsewhere = tmp_path / "elsewhere"
    shutil.copytree(out, elsewhere)
    (elsewhere / "index.html").write_text("someone else's")
    shutil.rmtree(beside)
    beside.symlink_to(out.name if target == "the live site" else elsewhere)
    rebuilt_twice(content, out, cache, tmp_path)
    assert not out.is_symlink() and not beside.is_symlink()
    assert (elsewhere / "index.html").read_text() == "someone else's"
