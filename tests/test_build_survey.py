"""The survey of the folder beside the live site trusts a folder's stamp, never more.

A folder whose stamp (times, inode, device) is as its build left it is not listed
again, only its files looked at; anything done to a folder since must still end
with the site a fresh build makes. Stamps taken too soon after a change are not
kept: on a file system with whole-second times, a change in the same second
leaves them equal. One limit is shared with the files' own stamps and not tested
as a promise: a file rewritten to the same size within the same clock tick as its
recorded stamp looks unchanged.
"""

from __future__ import annotations

import marshal
import os
import shutil
import time
from pathlib import Path

import pytest

from builds import build_fixture, files_under
from readinglist.build import output
from readinglist.build.state import FOLDER, FORMAT, BuildState, Cache, folder_id, load_manifest

ENTRY = "entries/michelangelo"


def fresh_site(content: Path, tmp_path: Path) -> dict[str, bytes]:
    build_fixture(content, tmp_path / "fresh", None)
    return files_under(tmp_path / "fresh")


@pytest.fixture
def later(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every survey happens as if long after the last change: every stamp is kept."""
    monkeypatch.setattr(output, "now_ns", lambda: time.time_ns() + 10 * 10**9)


def settled(content: Path, tmp_path: Path) -> tuple[Path, Path, Path]:
    """Four builds: the folder beside the live site now carries every folder's stamp."""
    out, cache = tmp_path / "site", tmp_path / "cache"
    for _ in range(4):
        assert build_fixture(content, out, cache).ok
    return out, cache, output.next_folder(out)


def manifest_of(tree: Path, cache: Path) -> output.Manifest:
    return load_manifest(Cache(cache, []), BuildState(), folder_id(tree))


def listed_by(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The folders the surveys from now on list."""
    listed: list[str] = []
    real = output._list

    def spy(folder: str, prefix: str, found: dict[str, output.Stamp]) -> list[str] | None:
        listed.append(prefix)
        return real(folder, prefix, found)

    monkeypatch.setattr(output, "_list", spy)
    return listed


def rebuilt_twice(content: Path, out: Path, cache: Path, tmp_path: Path) -> None:
    """Both folders are built again, and each time the live site is a fresh build's."""
    want = fresh_site(content, tmp_path)
    for _ in range(2):
        assert build_fixture(content, out, cache).ok
        assert files_under(out) == want
        assert not any(p.is_symlink() for p in out.rglob("*"))


# The stamps spare the listing, and nothing else.


def test_unchanged_folders_are_not_listed_and_the_survey_finds_what_a_listing_finds(
    content: Path, tmp_path: Path, later: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, cache, beside = settled(content, tmp_path)
    manifest = manifest_of(beside, cache)
    assert len(manifest.folders) > 20
    assert all(folder[0] is not None for path, folder in manifest.folders.items() if path)
    listed = listed_by(monkeypatch)
    found = output.survey(beside, manifest.folders)
    assert set(listed) <= {""}  # the swap itself changes the top folder's change time
    everything = output.survey(beside, {})
    assert found.files == everything.files
    assert found.files.keys() == manifest.files.keys()


def test_a_folder_changed_just_before_the_survey_gets_no_stamp(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "x.html").write_text("x")
    found = output.survey(tmp_path, {})
    assert found.folders == {"": None, "a": None}
    assert found.files.keys() == {"a/x.html"}


def test_a_change_in_the_same_second_as_the_stamp_is_still_found(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As on a file system with whole-second times: the stray's folder keeps its stamp."""
    real = output.folder_stamp

    def whole_seconds(info: os.stat_result) -> output.FolderStamp:
        mtime, ctime, inode, device = real(info)
        return (mtime // 10**9 * 10**9, ctime // 10**9 * 10**9, inode, device)

    monkeypatch.setattr(output, "folder_stamp", whole_seconds)
    while not 0.05 < time.time() % 1 < 0.5:  # early in a second: all of it fits
        time.sleep(0.05)
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "x.html").write_text("x")
    known = output.folders_of(
        output.layout(["a/x.html"]), ["a/x.html"], output.survey(tmp_path, {})
    )
    (tmp_path / "a" / "stray.html").write_text("not ours")
    assert int(time.time()) == (tmp_path / "a").stat().st_mtime_ns // 10**9
    assert "a/stray.html" in output.survey(tmp_path, known).files


def test_a_stray_file_added_right_after_a_build_is_removed_by_the_next(
    content: Path, tmp_path: Path
) -> None:
    out, cache, beside = settled(content, tmp_path)
    (beside / ENTRY / "stray.html").write_text("not ours")
    (beside / "stray.html").write_text("not ours")
    rebuilt_twice(content, out, cache, tmp_path)
    assert not (beside / ENTRY / "stray.html").exists()


# Whatever is done to a folder whose stamp was kept.


def test_a_stray_file_or_folder_in_a_stamped_folder_is_removed(
    content: Path, tmp_path: Path, later: None
) -> None:
    out, cache, beside = settled(content, tmp_path)
    (beside / ENTRY / "stray.html").write_text("not ours")
    (beside / ENTRY / "more" / "deeper").mkdir(parents=True)
    (beside / ENTRY / "more" / "deeper" / "index.html").write_text("not ours")
    (beside / "tags" / "empty").mkdir()
    rebuilt_twice(content, out, cache, tmp_path)
    assert not (beside / ENTRY / "more").exists()
    assert not (beside / "tags" / "empty").exists()


def test_a_folder_replaced_by_a_file_or_a_file_by_a_folder_is_put_right(
    content: Path, tmp_path: Path, later: None
) -> None:
    out, cache, beside = settled(content, tmp_path)
    shutil.rmtree(beside / ENTRY)
    (beside / ENTRY).write_text("a file where a folder was")
    shutil.rmtree(beside / "tags")
    (beside / "tags").write_text("a file where a folder of folders was")
    (beside / "index.html").unlink()
    (beside / "index.html").mkdir()
    (beside / "index.html" / "index.html").write_text("a folder where a file was")
    rebuilt_twice(content, out, cache, tmp_path)


def test_symlinks_in_place_of_a_file_or_a_folder_are_replaced(
    content: Path, tmp_path: Path, later: None
) -> None:
    out, cache, beside = settled(content, tmp_path)
    elsewhere = tmp_path / "elsewhere"
    shutil.copytree(beside / ENTRY, elsewhere)
    shutil.rmtree(beside / ENTRY)
    (beside / ENTRY).symlink_to(elsewhere)
    page = beside / "tags" / "mlops" / "index.html"
    page.unlink()
    page.symlink_to(elsewhere / "index.html")
    rebuilt_twice(content, out, cache, tmp_path)


def test_a_vanished_folder_is_written_again(content: Path, tmp_path: Path, later: None) -> None:
    out, cache, beside = settled(content, tmp_path)
    shutil.rmtree(beside / ENTRY)
    shutil.rmtree(beside / "entries")
    rebuilt_twice(content, out, cache, tmp_path)


def test_a_stray_is_found_though_its_folder_s_modification_time_is_put_back(
    content: Path, tmp_path: Path, later: None
) -> None:
    out, cache, beside = settled(content, tmp_path)
    folder = beside / ENTRY
    before = folder.stat()
    (folder / "stray.html").write_text("not ours")
    os.utime(folder, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert (
        "entries/michelangelo/stray.html"
        in output.survey(beside, manifest_of(beside, cache).folders).files
    )
    rebuilt_twice(content, out, cache, tmp_path)


def test_a_folder_put_in_place_of_another_with_its_times_is_listed(
    content: Path, tmp_path: Path, later: None
) -> None:
    out, cache, beside = settled(content, tmp_path)
    folder = beside / ENTRY
    copy = tmp_path / "copy"
    shutil.copytree(folder, copy)
    (copy / "stray.html").write_text("not ours")
    shutil.copystat(folder, copy)
    parent = folder.parent.stat()
    shutil.rmtree(folder)
    copy.rename(folder)
    os.utime(folder.parent, ns=(parent.st_atime_ns, parent.st_mtime_ns))
    assert (
        "entries/michelangelo/stray.html"
        in output.survey(beside, manifest_of(beside, cache).folders).files
    )
    rebuilt_twice(content, out, cache, tmp_path)


# A record that cannot be used means a full survey, never a traceback.


def test_damaged_folder_stamps_mean_a_full_survey_and_an_old_record_a_full_build(
    content: Path, tmp_path: Path, later: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    out, cache, beside = settled(content, tmp_path)
    manifest = manifest_of(beside, cache)
    stored = cache / FOLDER / f"folder-{folder_id(beside)}.marshal"
    rows = {path: (r.fingerprint, *r.stamp) for path, r in manifest.files.items()}
    stamps = [folder[0] for folder in manifest.folders.values()]  # no longer by folder
    with stored.open("wb") as damaged:
        marshal.dump((FORMAT, (rows, stamps)), damaged)
    (beside / ENTRY / "stray.html").write_text("not ours")
    read = manifest_of(beside, cache)
    assert read.files == manifest.files
    assert read.folders.keys() == manifest.folders.keys()
    assert all(folder[0] is None for folder in read.folders.values())
    listed = listed_by(monkeypatch)
    result = build_fixture(content, out, cache)
    assert result.ok and any("damaged" in note for note in result.notes)
    assert len(listed) == len(manifest.folders)
    rebuilt_twice(content, out, cache, tmp_path)
    stored = cache / FOLDER / f"folder-{folder_id(beside)}.marshal"  # three swaps later
    with stored.open("wb") as old:  # as the last version kept it: no folders
        marshal.dump((FORMAT.replace("state 2", "state 1"), rows), old)
    (beside / ENTRY / "stray.html").write_text("not ours")
    assert manifest_of(beside, cache) == output.Manifest({}, {})
    result = build_fixture(content, out, cache)
    assert result.ok and not result.notes
    rebuilt_twice(content, out, cache, tmp_path)
