"""The build record: a build in a new process starts from what the last one left."""

from __future__ import annotations

import dataclasses
import datetime
import marshal
import os
import random
import re
from pathlib import Path

import pytest

from builds import TODAY, build_fixture, files_under
from readinglist.build import pipeline as build
from readinglist.build import record
from readinglist.catalog import read as load
from readinglist.catalog.check import TitleMemory, similar_titles, validate
from readinglist.catalog.model import Entry
from readinglist.site import pages as render
from readinglist.site.pages import Page, SitePlan


def _edit(path: Path, text: str | None, number: int) -> None:
    if text is None:
        path.unlink()
        return
    path.write_text(text)
    stamp = path.stat().st_mtime_ns + (number + 1) * 10**9  # file times are coarse
    os.utime(path, ns=(stamp, stamp))


def _reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The entry files read from now on."""
    read: list[str] = []
    real = load._read_entry

    def counting(item: os.DirEntry[str], root: Path) -> object:
        read.append(item.name)
        return real(item, root)

    monkeypatch.setattr(load, "_read_entry", counting)
    return read


def test_a_new_build_after_an_edit_reads_and_renders_only_what_changed(
    content: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out, cache = tmp_path / "site", tmp_path / "cache"
    full = build_fixture(content, out, cache)
    assert (cache / record.RECORD_FILE).is_file()
    entry = content / "entries" / "hidden-technical-debt.md"
    _edit(entry, entry.read_text() + "The classic paper on what ML systems cost to keep.\n", 0)
    read = _reads(monkeypatch)
    edited = build_fixture(content, out, cache)
    assert read == ["hidden-technical-debt.md"]
    assert 0 < edited.rendered < full.rendered / 2
    assert (edited.pages, edited.files, edited.checked_files) == (
        full.pages,
        full.files,
        full.checked_files,
    )
    assert (
        "what ML systems cost to keep"
        in (out / "entries/hidden-technical-debt/index.html").read_text()
    )
    build_fixture(content, tmp_path / "fresh", None)
    assert files_under(out) == files_under(tmp_path / "fresh")

    read.clear()
    # The folder swapped out gets the edited pages; after that, nothing is written.
    assert build_fixture(content, out, cache).rendered == 0
    again = build_fixture(content, out, cache)
    assert (read, again.rendered, again.written) == ([], 0, 0)
    assert files_under(out) == files_under(tmp_path / "fresh")


# most_edited 0: every build saves the whole record, else edits are saved apart from it.
# forked: the edited files are checked by a second process while this one loads the record
# (whose reads the test cannot see).
@pytest.mark.parametrize(
    ("most_edited", "forked"), [(0, False), (record.MOST_EDITED, False), (0, True)]
)
def test_builds_from_the_record_give_the_site_and_problems_a_full_build_gives(
    content: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, most_edited: int, forked: bool
) -> None:
    monkeypatch.setattr(record, "MOST_EDITED", most_edited)
    if forked:
        monkeypatch.setattr(record, "PARALLEL_ENTRY_FILES", 1)
    out, cache = tmp_path / "site", tmp_path / "cache"
    entry = content / "entries" / "hidden-technical-debt.md"
    other = content / "entries" / "michelangelo.md"
    added = content / "entries" / "hidden-technical-debt-again.md"
    tags = content / "tags.yml"
    text, other_text, vocabulary = entry.read_text(), other.read_text(), tags.read_text()
    url = (
        "https://proceedings.neurips.cc/paper/2015/file/86df7dcfd896fcaf2674f757a2463eba-Paper.pdf"
    )
    assert url in text
    # (file, its new text or None to remove it, whether only that file is read)
    edits = [
        (entry, text + "The classic paper on what ML systems cost to keep.\n", True),
        # Shown on the pages of the entries it is related to.
        (entry, text.replace("Hidden Technical Debt", "Hidden Debt", 1), True),
        # A title very like another's: a warning on the later file.
        (
            other,
            re.sub("(?m)^title: .*$", "title: Hidden debt in machine learning system", other_text),
            True,
        ),
        (other, other_text, True),
        (entry, text.replace(url, "https://papers.test/hidden-debt"), True),
        # Listed twice: an error, and nothing is written.
        (
            other,
            re.sub(r"(?m)^url: .*$", "url: https://papers.test/hidden-debt", other_text),
            False,
        ),
        (other, other_text, True),
        (entry, text.replace("title:", "titel:", 1), False),
        # Where an entry is listed: every list is planned again.
        (entry, text.replace("tags: [", "tags: [monitoring, ", 1), False),
        (entry, text.replace("date: 2015", "date: 2016", 1), False),
        (tags, vocabulary.replace("name: MLOps", "name: ML operations"), False),
        (added, text.replace("2015/file", "2016/file").replace("Hidden", "Unseen"), False),
        (added, None, False),
        (entry, text, False),
    ]
    build_fixture(content, out, cache)
    read = _reads(monkeypatch)
    for number, (path, edit, alone) in enumerate(edits):
        _edit(path, edit, number)
        read.clear()
        recorded = build_fixture(content, out, cache)
        if not forked:
            assert (read == [path.name]) == alone, number
        fresh = build_fixture(content, tmp_path / f"fresh-{number}", None)
        assert recorded.problems == fresh.problems, number
        if fresh.ok:
            assert files_under(out) == files_under(tmp_path / f"fresh-{number}"), number
    assert not any(p.severity == "error" for p in recorded.problems)


def test_a_record_is_not_used_once_a_build_that_keeps_none_changed_the_site(
    content: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out, cache = tmp_path / "site", tmp_path / "cache"
    build_fixture(content, out, cache)
    entry = content / "entries" / "hidden-technical-debt.md"
    _edit(entry, entry.read_text().replace("Hidden Technical Debt", "Hidden Debt", 1), 0)
    # As readinglist serve builds: from memory, keeping no record of the site it leaves.
    build_fixture(content, out, cache, memory=build.BuildMemory())
    _edit(entry, entry.read_text() + "Edited again.\n", 1)
    read = _reads(monkeypatch)
    build_fixture(content, out, cache)
    assert len(read) == len(list((content / "entries").iterdir()))
    build_fixture(content, tmp_path / "fresh", None)
    assert files_under(out) == files_under(tmp_path / "fresh")


def test_a_record_of_another_site_folder_or_a_damaged_one_is_not_used(
    content: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    build_fixture(content, tmp_path / "site", cache)
    read = _reads(monkeypatch)
    build_fixture(content, tmp_path / "elsewhere", cache)
    assert len(read) == len(list((content / "entries").iterdir()))
    (cache / record.RECORD_FILE).write_bytes(b"not a record")
    read.clear()
    build_fixture(content, tmp_path / "elsewhere", cache)
    assert len(read) == len(list((content / "entries").iterdir()))
    build_fixture(content, tmp_path / "fresh", None)
    assert files_under(tmp_path / "elsewhere") == files_under(tmp_path / "fresh")


def test_a_summary_edit_renders_the_entry_its_feeds_and_the_exports_not_its_lists(
    content: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out, cache = tmp_path / "site", tmp_path / "cache"
    build_fixture(content, out, cache)
    rendered: list[str] = []
    real = render.render_page

    def spying(plan: SitePlan, page: Page) -> bytes:
        rendered.append(page.path)
        return real(plan, page)

    monkeypatch.setattr(build, "render_page", spying)
    # The exports are the last ones with the edited entry's lines replaced, not made
    # again from every entry.
    afresh: list[str] = []
    for name in ("catalog_json", "catalog_markdown"):
        monkeypatch.setattr(render, name, lambda *_, name=name: afresh.append(name))
    entry = content / "entries" / "hidden-technical-debt.md"
    text = entry.read_text()
    _edit(entry, text + "The classic paper on what ML systems cost to keep.\n", 0)
    build_fixture(content, out, cache)
    pages = {path for path in rendered if path.endswith(".html")}
    assert pages == {"entries/hidden-technical-debt/index.html"}
    assert {"catalog.json", "list.md", "feed.xml", "tags/mlops/feed.xml"} <= set(rendered)

    rendered.clear()
    _edit(entry, text.replace("Hidden Technical Debt", "Hidden Debt", 1), 1)
    build_fixture(content, out, cache)
    # Lists show the title, and so do the pages of the entries related to it.
    assert {"index.html", "tags/mlops/index.html", "kinds/paper/index.html"} <= set(rendered)
    assert "entries/michelangelo/index.html" in rendered
    assert afresh == []
    monkeypatch.undo()
    build_fixture(content, tmp_path / "fresh", None)
    assert files_under(out) == files_under(tmp_path / "fresh")


def test_an_entry_comes_back_from_the_record_as_it_was() -> None:
    entry = Entry(
        "hidden-debt",
        "Hidden Technical Debt",
        "https://papers.test/debt",
        datetime.date(2015, 12, 7),
        ("mlops", "technical-debt"),
        "google",
        "paper",
        ("D. Sculley",),
        datetime.date(2026, 11, 3),
        "Maintenance **costs**.",
        "content/entries/hidden-debt.md",
    )
    back = record.row_entry(marshal.loads(marshal.dumps(record.entry_row(entry))))
    assert back == entry
    assert vars(back) == vars(entry)  # every field, none left out
    assert record.row_entry(record.entry_row(dataclasses.replace(entry, added=None))).added is None


def test_vocabularies_come_back_from_the_record_as_they_were(content: Path) -> None:
    vocabularies = validate(load.load_content(content), TODAY).vocabularies
    assert vocabularies is not None and vocabularies.tags and vocabularies.companies
    row = marshal.loads(marshal.dumps(record.vocabularies_row(vocabularies)))
    assert record.row_vocabularies(row) == vocabularies


def test_the_titles_memory_saved_and_read_back_in_parts_matches_a_fresh_search(
    tmp_path: Path,
) -> None:
    words = ["feature", "stores", "store", "at", "Uber", "Lyft", "scaling", "ML", "MLOps"]
    words += ["monitoring", "drift", "Part 1", "Part 2", "the", "a", "guide", "guides"]
    rng = random.Random(11)

    def title() -> str:
        return " ".join(rng.choice(words) for _ in range(rng.randint(2, 5)))

    titles = [title() for _ in range(80)]
    record.save_titles(tmp_path, TitleMemory())
    for step in range(40):
        for _ in range(rng.randint(1, 3)):
            titles[rng.randrange(len(titles))] = title()
        memory = record.load_titles(tmp_path)
        assert memory.similar(titles) == similar_titles(titles), step
        if step % 2:  # as a build saves it: not after every edit
            record.save_titles(tmp_path, memory)
    record.save_titles(tmp_path, memory)
    titles[0] = title()
    memory = record.load_titles(tmp_path)
    assert memory.similar(titles) == similar_titles(titles)
    assert isinstance(memory.holders, record.SavedHolders)
    assert len(memory.holders.parts) < record.TITLE_SHARDS / 4  # read in part
    fresh = TitleMemory()
    fresh.similar(titles)
    assert dict(memory.holders) == fresh.holders


def test_a_build_from_the_record_renders_summaries_the_cache_lost(
    content: Path, tmp_path: Path
) -> None:
    out, cache = tmp_path / "site", tmp_path / "cache"
    build_fixture(content, out, cache)
    (cache / build.BODIES_FILE).unlink()
    entry = content / "entries" / "hidden-technical-debt.md"
    _edit(entry, entry.read_text() + "The classic paper on what ML systems cost to keep.\n", 0)
    build_fixture(content, out, cache)
    build_fixture(content, tmp_path / "fresh", None)
    assert files_under(out) == files_under(tmp_path / "fresh")


@pytest.mark.parametrize(
    "damage",
    [
        "an older changes file, without a field saved now",
        "entries of the wrong shape",
        "fingerprints of the wrong shape",
    ],
)
def test_a_record_damaged_or_of_another_version_gives_a_full_build(
    content: Path, tmp_path: Path, damage: str
) -> None:
    out, cache = tmp_path / "site", tmp_path / "cache"
    build_fixture(content, out, cache)
    entry = content / "entries" / "hidden-technical-debt.md"
    _edit(entry, entry.read_text() + "The classic paper on what ML systems cost to keep.\n", 0)
    build_fixture(content, out, cache)  # saves the edit apart from the record
    changes = record.read_plain(cache / record.CHANGES_FILE)
    whole = record.read_plain(cache / record.RECORD_FILE)
    if damage.startswith("an older"):
        del changes[record.WHOLE[-1]]
    elif damage.startswith("entries"):
        whole["entries"] = {path: row[:3] for path, row in whole["entries"].items()}
    else:
        whole["fingerprints"] = dict.fromkeys(whole["fingerprints"], "")
    record.write_plain(cache / record.CHANGES_FILE, changes)
    record.write_plain(cache / record.RECORD_FILE, whole)
    _edit(entry, entry.read_text().replace("Hidden Technical Debt", "Hidden Debt", 1), 1)
    assert build_fixture(content, out, cache).ok
    build_fixture(content, tmp_path / "fresh", None)
    assert files_under(out) == files_under(tmp_path / "fresh")
