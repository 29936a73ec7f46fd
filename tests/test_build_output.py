"""What the engine trusts and what it survives: tampered folders, damaged caches, a full disk,
two builds at once and a killed build. After each, the site is one complete, correct build."""

from __future__ import annotations

import errno
import marshal
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from builds import build_fixture, files_under
from readinglist.build import output, pipeline
from readinglist.build.listing import Stamp
from readinglist.build.state import FORMAT
from readinglist.cli import main

REPO = Path(__file__).parent.parent


def fresh_site(content: Path, tmp_path: Path, name: str = "fresh") -> dict[str, bytes]:
    build_fixture(content, tmp_path / name, None)
    return files_under(tmp_path / name)


def edit_summary(content: Path, words: str = "One more sentence.") -> None:
    entry = content / "entries" / "michelangelo.md"
    entry.write_text(entry.read_text() + words + "\n")


# The output folders are looked at, never trusted from memory.


def test_an_emptied_site_is_written_again_in_full(content: Path, tmp_path: Path) -> None:
    out, cache = tmp_path / "site", tmp_path / "cache"
    build_fixture(content, out, cache)
    build_fixture(content, out, cache)
    for child in out.iterdir():
        if child.is_dir():
            for path in sorted(child.rglob("*"), reverse=True):
                path.unlink() if path.is_file() else path.rmdir()
            child.rmdir()
        else:
            child.unlink()
    edit_summary(content)
    build_fixture(content, out, cache)
    build_fixture(content, out, cache)
    assert files_under(out) == fresh_site(content, tmp_path)


def test_a_removed_page_comes_back_at_the_next_build(content: Path, tmp_path: Path) -> None:
    out, cache = tmp_path / "site", tmp_path / "cache"
    for _ in range(3):
        build_fixture(content, out, cache)
    (out / "index.html").unlink()
    build_fixture(content, out, cache)
    assert files_under(out) == fresh_site(content, tmp_path)


def test_a_changed_or_strange_file_beside_the_site_never_reaches_it(
    content: Path, tmp_path: Path
) -> None:
    out, cache = tmp_path / "site", tmp_path / "cache"
    build_fixture(content, out, cache)
    build_fixture(content, out, cache)
    beside = output.next_folder(out)
    with (beside / "entries" / "michelangelo" / "index.html").open("ab") as page:
        page.write(b"!")
    (beside / "stray.html").write_text("not ours")
    (beside / "tags" / "mlops" / "index.html").unlink()
    (beside / "tags" / "mlops" / "index.html").mkdir()
    for _ in range(2):
        build_fixture(content, out, cache)
        assert files_under(out) == fresh_site(content, tmp_path)


def test_what_stands_in_a_page_s_way_beside_the_site_is_removed_never_written_through(
    content: Path, tmp_path: Path
) -> None:
    out, cache = tmp_path / "site", tmp_path / "cache"
    for _ in range(3):
        build_fixture(content, out, cache)
    beside = output.next_folder(out)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    for name in ("index.html", "page.html"):
        (elsewhere / name).write_text("not the site's")
    shutil.rmtree(beside / "entries" / "michelangelo")
    (beside / "entries" / "michelangelo").symlink_to(elsewhere)
    shutil.rmtree(beside / "tags" / "mlops")
    (beside / "tags" / "mlops").write_text("a file where a folder was")
    (beside / "index.html").unlink()
    (beside / "index.html").symlink_to(elsewhere / "page.html")
    for _ in range(2):
        result = build_fixture(content, out, cache)
        assert result.ok, result.failure
        assert files_under(out) == fresh_site(content, tmp_path)
        assert not any(path.is_symlink() for path in out.rglob("*"))
    assert {p.read_text() for p in elsewhere.iterdir()} == {"not the site's"}


@pytest.mark.parametrize(
    "obstacle",
    ["nothing", "file above", "dangling link above", "folder", "link", "file"],
)
def test_a_file_is_written_in_place_of_whatever_stands_in_its_way(
    tmp_path: Path, obstacle: str
) -> None:
    tree, elsewhere = tmp_path / "tree", tmp_path / "elsewhere"
    (elsewhere / "b").mkdir(parents=True)
    (elsewhere / "b" / "page.html").write_text("not the site's")
    tree.mkdir()
    if obstacle != "nothing":
        (tree / "a").mkdir()
    if obstacle == "file above":
        (tree / "a" / "b").write_text("a file where a folder should be")
    elif obstacle == "dangling link above":
        (tree / "a" / "b").symlink_to(tmp_path / "gone")
    elif obstacle == "folder":
        (tree / "a" / "b" / "page.html" / "inside").mkdir(parents=True)
    elif obstacle == "link":
        (tree / "a" / "b").mkdir()
        (tree / "a" / "b" / "page.html").symlink_to(elsewhere / "b" / "page.html")
    elif obstacle == "file":
        (tree / "a" / "b").mkdir()
        (tree / "a" / "b" / "page.html").write_text("an old page")
    stamp = output.write_file(tree, "a/b/page.html", b"the page")
    assert (tree / "a" / "b" / "page.html").read_bytes() == b"the page"
    assert stamp == output.stamp_of((tree / "a" / "b" / "page.html").lstat())
    assert not any(path.is_symlink() for path in tree.rglob("*"))
    assert (elsewhere / "b" / "page.html").read_text() == "not the site's"
    assert not (tmp_path / "gone").exists()


# A damaged cache is set aside with a warning.


def test_a_cache_file_that_became_a_folder_gives_a_full_build_and_a_warning(
    content: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out, cache = tmp_path / "site", tmp_path / "cache"
    build_fixture(content, out, cache)
    for stored in (cache / "build").iterdir():
        stored.unlink()
        stored.mkdir()
    args = ["build", "--content", str(content), "--out", str(out), "--cache", str(cache)]
    assert main([*args, "--no-search"]) == 0
    printed = capsys.readouterr()
    warnings = [line for line in printed.err.splitlines() if line.startswith("warning: ")]
    assert warnings and all("cache" in line for line in warnings)
    assert "Traceback" not in printed.err
    assert files_under(out) == fresh_site(content, tmp_path)


def test_garbage_in_the_cache_gives_a_full_build(content: Path, tmp_path: Path) -> None:
    out, cache = tmp_path / "site", tmp_path / "cache"
    build_fixture(content, out, cache)
    for stored in (cache / "build").iterdir():
        stored.write_bytes(b"\x00garbage" * 100)
    edit_summary(content)
    result = build_fixture(content, out, cache)
    assert result.ok
    assert result.notes
    assert files_under(out) == fresh_site(content, tmp_path)


@pytest.mark.parametrize(
    "record",
    [
        {"index.html": ("fingerprint", 1, 2)},  # one mapping, as records once were
        ({"index.html": "fingerprint"}, {"feed.xml": (1, 2)}),  # not the same files
        ({"index.html": "fingerprint"}, {"index.html": [1, 2]}),  # a stamp not a pair
        ({"index.html": "fingerprint"}, {"index.html": ("1", 2)}),
        ({"index.html": 7}, {"index.html": (1, 2)}),
        ({1: "fingerprint"}, {1: (1, 2)}),
    ],
)
def test_a_damaged_record_of_an_output_folder_gives_a_full_build_and_a_warning(
    content: Path, tmp_path: Path, record: dict[Any, Any] | tuple[dict[Any, Any], ...]
) -> None:
    out, cache = tmp_path / "site", tmp_path / "cache"
    build_fixture(content, out, cache)
    build_fixture(content, out, cache)
    records = sorted((cache / "build").glob("folder-*"))
    assert len(records) == 2
    for stored in records:
        stored.write_bytes(marshal.dumps((FORMAT, record)))
    edit_summary(content)
    result = build_fixture(content, out, cache)
    assert result.ok
    assert result.notes and all("is damaged; starting afresh" in note for note in result.notes)
    assert files_under(out) == fresh_site(content, tmp_path)


def test_a_cache_path_that_is_a_file_means_no_cache_and_one_warning(
    content: Path, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    cache.write_text("not a folder")
    result = build_fixture(content, tmp_path / "site", cache)
    assert result.ok
    assert result.notes == (f"the cache {cache} is not a folder; building without it",)
    assert files_under(tmp_path / "site") == fresh_site(content, tmp_path)


# A full disk.


def test_a_full_disk_is_one_error_line_and_the_next_build_recovers(
    content: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    out, cache = tmp_path / "site", tmp_path / "cache"
    build_fixture(content, out, cache)
    build_fixture(content, out, cache)
    before = files_under(out)
    real_write = output.write_file
    room = 3

    def write_until_full(tree: Path, path: str, data: bytes) -> Stamp:
        nonlocal room
        if room == 0:
            raise OSError(errno.ENOSPC, "No space left on device", str(tree / path))
        room -= 1
        return real_write(tree, path, data)

    monkeypatch.setattr(output, "write_file", write_until_full)
    entry = content / "entries" / "michelangelo.md"
    entry.write_text(entry.read_text().replace("Meet Michelangelo", "Meet Michelangelo again"))
    args = ["build", "--content", str(content), "--out", str(out), "--cache", str(cache)]
    assert main([*args, "--no-search", "--workers", "1"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: no space left on the device while writing ")
    assert err.count("\n") == 1
    assert files_under(out) == before

    monkeypatch.setattr(output, "write_file", real_write)
    assert main([*args, "--no-search"]) == 0
    assert files_under(out) == fresh_site(content, tmp_path)


# Two builds at once.


def test_a_second_build_waits_for_the_first(content: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    heard: list[str] = []
    with output.locked(out):
        builder = threading.Thread(
            target=lambda: build_fixture(content, out, None, waiting=heard.append)
        )
        builder.start()
        deadline = time.monotonic() + 10
        while not heard and time.monotonic() < deadline:
            time.sleep(0.01)
        assert heard == [f"waiting for another build of {out} to finish"]
        assert not out.exists()
    builder.join(timeout=30)
    assert files_under(out) == fresh_site(content, tmp_path)


def test_builds_started_together_leave_one_complete_site(content: Path, tmp_path: Path) -> None:
    changed = tmp_path / "changed"
    shutil.copytree(content, changed)
    edit_summary(changed, "A sentence only the changed copy has.")
    expected = [fresh_site(content, tmp_path, "a"), fresh_site(changed, tmp_path, "b")]
    out, cache = tmp_path / "site", tmp_path / "cache"
    for _ in range(3):
        builds = [
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "readinglist",
                    "build",
                    "--no-search",
                    "--content",
                    str(source),
                    "--out",
                    str(out),
                    "--cache",
                    str(cache),
                ],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for source in (content, changed)
        ]
        for build in builds:
            _, err = build.communicate(timeout=60)
            assert build.returncode == 0, err
            assert "Traceback" not in err
        assert files_under(out) in expected


# A killed build.


def test_a_killed_build_leaves_no_process_and_no_traceback(tmp_path: Path) -> None:
    content = tmp_path / "content"
    subprocess.run(
        [
            sys.executable,
            str(REPO / "bench" / "generate.py"),
            "--entries",
            "3000",
            "--out",
            str(content),
        ],
        check=True,
        capture_output=True,
    )
    out, cache = tmp_path / "site", tmp_path / "cache"
    command = [
        sys.executable,
        "-m",
        "readinglist",
        "build",
        "--no-search",
        "--content",
        str(content),
        "--out",
        str(out),
        "--cache",
        str(cache),
    ]
    for stop in (signal.SIGINT, signal.SIGTERM, signal.SIGKILL):
        build = subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        _wait_until_writing(output.next_folder(out) / "entries", time.time())
        os.killpg(build.pid, stop) if stop == signal.SIGINT else build.send_signal(stop)
        _, err = build.communicate(timeout=60)
        assert "Traceback" not in err
        deadline = time.monotonic() + 10
        while _group_alive(build.pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not _group_alive(build.pid)
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    build_fixture(content, tmp_path / "fresh", None)
    assert files_under(out) == files_under(tmp_path / "fresh")


def _wait_until_writing(folder: Path, since: float) -> None:
    """Until the build has started writing pages (or 30 s have passed)."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if folder.stat().st_mtime > since:
                return
        except OSError:
            pass
        time.sleep(0.01)


def _group_alive(group: int) -> bool:
    """Whether any process of the group is still running (zombies have ended)."""
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == group and fields[0] != "Z":
            return True
    return False


def test_pipeline_failures_name_the_live_site() -> None:
    failure = pipeline._failure(OSError(errno.ENOSPC, "No space", "/x/.site.next/a"), Path("site"))
    assert failure == "no space left on the device while writing /x/.site.next/a; site is as it was"
