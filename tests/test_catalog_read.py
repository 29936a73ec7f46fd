"""read: a content folder to plain data, and everything that stops a file being read."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from readinglist.catalog.frontmatter import MAX_ENTRY_BYTES
from readinglist.catalog.read import load_content, read_content
from readinglist.catalog.yamllines import LineDict

FIXTURES = Path(__file__).parent / "fixtures"
ENTRY = (
    b"---\ntitle: Rules of Machine Learning\n"
    b"url: https://developers.google.com/machine-learning/guides/rules-of-ml\n"
    b"date: 2022-09-12\ntags: [mlops, best-practices]\n---\nWhy it is worth reading.\n"
)


@pytest.fixture
def content(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(FIXTURES / "content", tmp_path / "content")
    monkeypatch.chdir(tmp_path)
    return Path("content")


def test_load_content_reads_every_entry_and_both_vocabularies(content: Path) -> None:
    raw = load_content(content)
    assert raw.problems == ()
    assert len(raw.entries) == 7
    assert raw.files == 9
    assert raw.tags_path == "content/tags.yml"
    assert isinstance(raw.tags, LineDict)
    assert raw.tags.key_lines["mlops"] == 2
    assert [e.slug for e in raw.entries][:2] == [
        "data-distribution-shifts",
        "full-stack-deep-learning",
    ]


def test_files_that_are_not_entries_are_reported_one_line_each(
    content: Path, tmp_path: Path
) -> None:
    entries = content / "entries"
    outside = tmp_path / "outside.md"
    outside.write_bytes(ENTRY)
    (entries / "linked.md").symlink_to(outside)
    (entries / "inside-link.md").symlink_to(Path("michelangelo.md"))
    (entries / "drafts").mkdir()
    (entries / "notes.txt").write_text("notes")
    (entries / ".hidden.md").write_text("not read")
    (entries / "huge.md").write_bytes(ENTRY + b"x" * MAX_ENTRY_BYTES)
    os.mkfifo(entries / "pipe.md")
    raw = load_content(content)
    assert [p.format() for p in raw.problems] == [
        "content/entries/drafts:1: file: is a folder (entries are files directly in entries/)",
        f"content/entries/huge.md:1: file: is {MAX_ENTRY_BYTES + len(ENTRY):,} bytes;"
        " the limit is 100,000 (keep the summary to a short paragraph)",
        "content/entries/linked.md:1: file: links outside the content folder"
        " (commit a real file instead)",
        "content/entries/notes.txt:1: file: is not an entry (entry files end in .md)",
        "content/entries/pipe.md:1: file: is not a regular file (commit a real file)",
    ]
    assert "inside-link" in [e.slug for e in raw.entries]
    assert raw.files == 2 + 7 + 6


def test_a_vocabulary_or_entries_folder_linking_outside_is_refused(
    content: Path, tmp_path: Path
) -> None:
    elsewhere = tmp_path / "elsewhere"
    shutil.move(content / "entries", elsewhere)
    (content / "entries").symlink_to(elsewhere)
    shutil.move(content / "tags.yml", tmp_path / "tags.yml")
    (content / "tags.yml").symlink_to(tmp_path / "tags.yml")
    raw = load_content(content)
    assert [p.format() for p in raw.problems] == [
        "content/tags.yml:1: file: links outside the content folder (commit a real file instead)",
        "content/entries:1: file: links outside the content folder (commit a real file instead)",
    ]
    assert raw.entries == ()


def test_a_missing_folder_is_reported_not_raised(tmp_path: Path) -> None:
    raw = load_content(tmp_path / "nowhere")
    assert [p.field + ": " + p.message for p in raw.problems] == [
        "file: is missing",
        "folder: is missing",
    ]


def test_read_content_keeps_each_entry_file_as_bytes_unparsed(content: Path) -> None:
    (content / "entries" / "broken.md").write_bytes(b"no front matter\n")
    raw = read_content(content)
    assert raw.problems == ()  # reading is not parsing: the broken file is read fine
    assert raw.entries == ()
    assert raw.files == 2 + 8
    broken = next(f for f in raw.entry_files if f.slug == "broken")
    assert (broken.path, broken.data) == ("content/entries/broken.md", b"no front matter\n")
    assert [f.path for f in raw.entry_files] == sorted(f.path for f in raw.entry_files)
    assert isinstance(raw.tags, LineDict)


def test_a_share_reads_one_run_of_the_entry_files(content: Path) -> None:
    every = read_content(content).entry_files
    shares = [read_content(content, (k, 3), vocabularies=False) for k in range(3)]
    assert tuple(f for share in shares for f in share.entry_files) == every
    assert all(share.tags is None and share.problems == () for share in shares)
