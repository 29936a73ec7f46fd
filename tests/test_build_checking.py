"""checking: the engine's check gives the core's answer, only faster.

A memory re-checks exactly the files whose bytes changed, opens no settled file
whose stat data is unchanged yet sees a file written in the tick it was read in,
survives a new process through a file, and any damage to that file costs only
the speed; the collector pause leaves the collector as it found it.
"""

from __future__ import annotations

import dataclasses
import datetime
import gc
import os
import pickle
import random
import re
import shutil
import time
import weakref
from pathlib import Path
from typing import Any

import pytest

from readinglist.build import checking
from readinglist.build import memory as check_memory
from readinglist.build.checking import CheckMemory, TitleMemory, check_folder, collector_paused
from readinglist.catalog import check, fields, frontmatter, read, vocabulary
from readinglist.catalog.check import Checked, check_content
from readinglist.catalog.frontmatter import MAX_ENTRY_BYTES
from readinglist.catalog.titles import similar_titles

FIXTURES = Path(__file__).parent / "fixtures"
TODAY = datetime.date(2026, 11, 24)


@pytest.fixture
def content(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(FIXTURES / "content", tmp_path / "content")
    monkeypatch.chdir(tmp_path)
    return Path("content")


def counting_checks(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The paths of the entry files checked from now on."""
    checked: list[str] = []
    real = fields.check_entry_file

    def counted(path: str, *args: object) -> object:
        checked.append(path)
        return real(path, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(checking, "check_entry_file", counted)
    return checked


def counting_reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The paths of the files in entries/ opened (or refused) from now on."""
    opened: list[str] = []
    real = read.read_entry

    def counted(item: os.DirEntry[str], real_root: Path) -> object:
        opened.append(item.path)
        return real(item, real_root)

    monkeypatch.setattr(checking, "read_entry", counted)
    return opened


def test_a_file_edited_right_after_a_check_keeping_its_size_is_seen(
    content: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Written in the clock tick it was read in, a file keeps its times too. Kernels with
    # multigrain timestamps hide this (a file whose times were looked at gets a fine time
    # on its next write), so here the file clock does not tick during the whole test.
    tick = time.time_ns() + 60 * 10**9
    real = check_memory.stamp

    def coarse(info: os.stat_result) -> check_memory.Stamp:
        mode, size, mtime, ctime, inode, device = real(info)
        return (mode, size, max(mtime, tick), max(ctime, tick), inode, device)

    monkeypatch.setattr(checking, "stamp", coarse)
    opened = counting_reads(monkeypatch)
    memory = CheckMemory()
    check_folder(content, TODAY, memory=memory)
    edited = content / "entries" / "michelangelo.md"
    text = edited.read_text()
    edited.write_text(text.replace("Meet", "Meat", 1))
    again = check_folder(content, TODAY, memory=memory)
    assert again.catalog.by_slug["michelangelo"].title.startswith("Meat")
    assert len(opened) == 14  # nothing trusted by its stamp
    saved = tmp_path / "check.memory"
    assert memory.save(saved)
    edited.write_text(text)
    loaded = CheckMemory.load(saved)
    assert check_folder(content, TODAY, memory=loaded) == check_content(content, TODAY)


def test_a_settled_file_is_opened_again_only_when_its_stat_data_changed(
    content: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(check_memory, "RACY_NS", 0)  # every file written before a check settled
    opened, parsed = counting_reads(monkeypatch), counting_checks(monkeypatch)
    memory = CheckMemory()
    first = check_folder(content, TODAY, memory=memory)
    assert len(opened) == 7 and len(memory.stamps) == 7
    assert check_folder(content, TODAY, memory=memory) == first
    assert len(opened) == 7  # nothing changed: nothing opened
    entries = content / "entries"
    grown = entries / "michelangelo.md"
    grown.write_text(grown.read_text().replace("Meet", "Meeting", 1))
    # Saved the way many editors save: a new file moved over the old one, same size.
    replaced = entries / "hidden-technical-debt.md"
    (entries / ".new").write_text(replaced.read_text().replace("title: ", "title: X", 1)[:-1])
    (entries / ".new").replace(replaced)
    (entries / "uber-realtime-thread.md").rename(entries / "uber-realtime.md")
    (entries / "full-stack-deep-learning.md").unlink()
    assert check_folder(content, TODAY, memory=memory) == check_content(content, TODAY)
    assert sorted(opened[7:]) == sorted(map(str, [grown, replaced, entries / "uber-realtime.md"]))
    assert parsed[7:] == opened[7:]
    saved = tmp_path / "check.memory"
    assert memory.save(saved)
    loaded = CheckMemory.load(saved)
    assert check_folder(content, TODAY, memory=loaded) == check_content(content, TODAY)
    assert len(opened) == 10  # a new process opens no more than this one
    check_folder(content, TODAY + datetime.timedelta(days=1), memory=loaded)
    assert len(opened) == 16  # another day: every file checked again


@pytest.mark.parametrize("workers", [1, 2])
def test_a_remembered_file_turned_into_no_entry_gives_the_problems_of_a_fresh_check(
    content: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, workers: int
) -> None:
    monkeypatch.setattr(check_memory, "RACY_NS", 0)
    monkeypatch.setattr(checking, "PARALLEL_ENTRY_FILES", 1)
    entries = content / "entries"
    outside = tmp_path / "outside.md"
    outside.write_bytes((entries / "michelangelo.md").read_bytes())
    memory = CheckMemory()

    def same_as_fresh() -> Checked:
        remembered = check_folder(content, TODAY, memory=memory, workers=workers)
        assert remembered == check_content(content, TODAY)
        return remembered

    assert same_as_fresh().ok
    (entries / "michelangelo.md").unlink()
    (entries / "michelangelo.md").mkdir()
    (entries / "hidden-technical-debt.md").unlink()
    (entries / "hidden-technical-debt.md").symlink_to(outside)
    (entries / "uber-realtime-thread.md").unlink()
    os.mkfifo(entries / "uber-realtime-thread.md")
    with (entries / "full-stack-deep-learning.md").open("ab") as grown:
        huge = grown.tell() + MAX_ENTRY_BYTES
        grown.write(b"x" * MAX_ENTRY_BYTES)
    (entries / "real-time-ml-challenges.md").write_bytes(b"\xff\xfe not text")
    (entries / "data-distribution-shifts.md").rename(entries / "data-distribution-shifts.txt")
    found = [p.message for p in same_as_fresh().problems if p.field == "file"]
    assert [message.split(" (")[0] for message in found] == [
        "is not an entry",
        f"is {huge:,} bytes; the limit is {MAX_ENTRY_BYTES:,}",
        "links outside the content folder",
        "is a folder",
        "is not UTF-8",
        "is not a regular file",
    ]
    assert same_as_fresh() == check_content(content, TODAY)
    shutil.rmtree(entries)
    assert not same_as_fresh().ok


def test_a_link_whose_target_moved_out_of_the_folder_is_refused_though_nothing_changed(
    content: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(check_memory, "RACY_NS", 0)
    (content / "drafts").mkdir()
    (content / "entries" / "michelangelo.md").rename(content / "drafts" / "michelangelo.md")
    (content / "entries" / "michelangelo.md").symlink_to(Path("../drafts/michelangelo.md"))
    memory = CheckMemory()
    assert check_folder(content, TODAY, memory=memory).ok
    # The file itself keeps every byte and its stat data; only the way to it changes.
    (content / "drafts").rename(tmp_path / "drafts")
    (content / "drafts").symlink_to(tmp_path / "drafts")
    found = check_folder(content, TODAY, memory=memory)
    assert found == check_content(content, TODAY)
    assert [p.message for p in found.problems if p.path.endswith("michelangelo.md")] == [
        "links outside the content folder"
    ]


def test_only_an_edited_file_is_parsed_and_checked_again(
    content: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    checked = counting_checks(monkeypatch)
    memory = CheckMemory()
    first = check_folder(content, TODAY, memory=memory)
    assert len(checked) == 7
    assert check_folder(content, TODAY, memory=memory) == first
    assert len(checked) == 7  # nothing changed: nothing parsed
    edited = content / "entries" / "michelangelo.md"
    edited.write_text(edited.read_text().replace("title: ", "title: The ", 1))
    again = check_folder(content, TODAY, memory=memory)
    assert checked[7:] == [str(edited)]
    assert again == check_content(content, TODAY)
    assert again.catalog.by_slug["michelangelo"].title.startswith("The ")


def test_another_day_or_vocabulary_checks_every_file_again(
    content: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    checked = counting_checks(monkeypatch)
    memory = CheckMemory()
    check_folder(content, TODAY, memory=memory)
    check_folder(content, TODAY + datetime.timedelta(days=1), memory=memory)
    assert len(checked) == 14
    tags = content / "tags.yml"
    tags.write_text(tags.read_text().replace("name: Monitoring", "name: Watching"))
    assert check_folder(content, TODAY, memory=memory) == check_content(content, TODAY)
    assert len(checked) == 21


def test_vocabularies_are_made_again_only_when_their_files_read_otherwise(
    content: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    made: list[object] = []
    real = vocabulary.read_vocabulary

    def counted(raw: read.RawContent) -> object:
        made.append(raw)
        return real(raw)

    monkeypatch.setattr(checking, "read_vocabulary", counted)
    parsed: list[str] = []
    real_parse = frontmatter.parse_yaml

    def parse_counted(text: str, path: str, *args: Any) -> Any:
        parsed.append(path)
        return real_parse(text, path, *args)

    monkeypatch.setattr(read, "parse_yaml", parse_counted)
    memory = CheckMemory()
    for _ in range(3):
        assert check_folder(content, TODAY, memory=memory) == check_content(content, TODAY)
    assert len(made) == 1
    assert len(parsed) == 2 + 3 * 2  # in the memory's first check, and each check_content
    del parsed[:]
    assert check_folder(content, TODAY, memory=memory).ok
    assert parsed == []  # the files' bytes are all that is read
    # A line added above moves every tag a line down: the problems must say so.
    tags = content / "tags.yml"
    tags.write_text("# the topics\n" + tags.read_text().replace("name: Monitoring", "name: "))
    fresh = check_content(content, TODAY)
    assert any(p.path == str(tags) for p in fresh.problems)
    assert check_folder(content, TODAY, memory=memory) == fresh
    tags.write_text("\n" + tags.read_text())
    assert check_folder(content, TODAY, memory=memory) == check_content(content, TODAY)
    assert len(made) == 3


@pytest.mark.parametrize(
    "damage",
    ["companies.yml is not YAML: [", "a link outside", "no tags.yml"],
)
def test_problems_in_reading_the_vocabularies_are_reported_by_every_check(
    content: Path, tmp_path: Path, damage: str
) -> None:
    if damage == "a link outside":
        (tmp_path / "elsewhere.yml").write_text("mlops:\n  name: MLOps\n")
        (content / "companies.yml").unlink()
        (content / "companies.yml").symlink_to(tmp_path / "elsewhere.yml")
    elif damage == "no tags.yml":
        (content / "tags.yml").unlink()
    else:
        (content / "companies.yml").write_text(damage)
    fresh = check_content(content, TODAY)
    assert not fresh.ok
    memory = CheckMemory()
    assert check_folder(content, TODAY, memory=memory) == fresh
    assert check_folder(content, TODAY, memory=memory) == fresh
    saved = tmp_path / "check.memory"
    assert memory.save(saved)
    assert check_folder(content, TODAY, memory=CheckMemory.load(saved)) == fresh


def test_a_saved_memory_serves_the_next_process(
    content: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    memory = CheckMemory()
    first = check_folder(content, TODAY, memory=memory)
    saved = tmp_path / "check.memory"
    assert memory.save(saved)
    checked = counting_checks(monkeypatch)
    loaded = CheckMemory.load(saved)
    assert check_folder(content, TODAY, memory=loaded) == first
    assert checked == []
    edited = content / "entries" / "michelangelo.md"
    edited.write_text(edited.read_text().replace("title: ", "title: The ", 1))
    assert check_folder(content, TODAY, memory=loaded) == check_content(content, TODAY)
    assert checked == [str(edited)]


@pytest.mark.parametrize(
    "damage",
    [
        None,
        {"x": (99,)},
        {"x": (-1,)},
        {"x": ("0",)},
        {"x": (True,)},
        {"x": ([0],)},
        {"x": [0]},
        {1: (0,)},
        ["not", "a", "dict"],
    ],
)
def test_a_saved_memory_keeps_the_titles_blocking_keys_unless_they_are_damaged(
    content: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, damage: object
) -> None:
    memory = CheckMemory()
    check_folder(content, TODAY, memory=memory)
    saved = tmp_path / "check.memory"
    assert memory.save(saved)
    if damage is not None:
        stream = saved.read_bytes()
        form = pickle.dumps(check_memory.MEMORY_FORMAT, protocol=pickle.HIGHEST_PROTOCOL)
        state = pickle.loads(stream[len(form) :])
        holders = 7  # the titles' blocking keys, in the saved state
        saved.write_bytes(form + pickle.dumps((*state[:holders], damage, *state[holders + 1 :])))
    made: list[int] = []
    real = check_memory._holders

    def counted(titles: list[str]) -> dict[str, tuple[int, ...]]:
        made.append(len(titles))
        return real(titles)

    monkeypatch.setattr(check_memory, "_holders", counted)
    loaded = CheckMemory.load(saved)
    assert loaded.files == memory.files
    # A title made like another's: found from the blocking keys, kept or worked out again.
    edited = content / "entries" / "michelangelo.md"
    other = check_content(content, TODAY).catalog.entries[0]
    edited.write_text(re.sub(r"(?m)^title: .*$", f"title: {other.title}!", edited.read_text()))
    fresh = check_content(content, TODAY)
    assert any("is very like the title" in p.message for p in fresh.problems)
    assert check_folder(content, TODAY, memory=loaded) == fresh
    assert made == ([] if damage is None else [len(memory.titles.titles)])


class _Call:
    """Something a foreign pickle might ask to be called while it is read."""

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (os.remove, ("never",))


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"not a pickle at all",
        pickle.dumps({"some": "other data"}),
        pickle.dumps(check_memory.MEMORY_FORMAT) + b"\x80\x05truncated",
        pickle.dumps(check_memory.MEMORY_FORMAT)
        + pickle.dumps((None, None, {1: 2}, {}, (), set(), None, {})),
        pickle.dumps(check_memory.MEMORY_FORMAT)
        + pickle.dumps((None, None, {}, {"content/entries/a.md": "stamp"}, (), set(), None, {})),
        pickle.dumps(check_memory.MEMORY_FORMAT)
        + pickle.dumps((None, None, {}, {"content/entries/a.md": ((1,),)}, (), set(), None, {})),
        pickle.dumps(check_memory.MEMORY_FORMAT)
        + pickle.dumps(
            (None, None, {}, {"content/entries/a.md": ((1,), "hash")}, (), set(), None, {})
        ),
        pickle.dumps(check_memory.MEMORY_FORMAT)
        + pickle.dumps((None, None, {}, [("content/entries/a.md", 1)], (), set(), None, {})),
        pickle.dumps(check_memory.MEMORY_FORMAT)
        + pickle.dumps((None, None, {}, {}, (), set(), (b"read", "no vocabulary", ()), {})),
        pickle.dumps("readinglist check memory 2") + pickle.dumps((None, None, {}, (), set())),
        pickle.dumps(check_memory.MEMORY_FORMAT) + pickle.dumps(_Call()),
        pickle.dumps(_Call()),
    ],
)
def test_a_damaged_or_foreign_memory_file_gives_an_empty_memory(
    content: Path, tmp_path: Path, data: bytes
) -> None:
    saved = tmp_path / "check.memory"
    saved.write_bytes(data)
    memory = CheckMemory.load(saved)
    assert memory.files == {} and memory.stamps == {} and memory.vocabulary is None
    assert check_folder(content, TODAY, memory=memory) == check_content(content, TODAY)


def test_a_missing_or_unreadable_memory_file_gives_an_empty_memory(tmp_path: Path) -> None:
    assert CheckMemory.load(tmp_path / "nowhere").files == {}
    assert CheckMemory.load(tmp_path).files == {}  # a folder
    assert not CheckMemory().save(tmp_path / "no" / "such" / "folder" / "memory")


def test_shared_out_among_processes_with_a_memory_the_answer_is_the_same(
    content: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(checking, "PARALLEL_ENTRY_FILES", 1)
    memory = CheckMemory()
    fresh = check_content(content, TODAY)
    assert check_folder(content, TODAY, memory=memory, workers=2) == fresh
    assert len(memory.files) == 7  # the forked process's checks are remembered too
    assert check_folder(content, TODAY, memory=memory, workers=3) == fresh


def test_a_check_that_remembers_sees_every_kind_of_change(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    content = tmp_path / "content"
    shutil.copytree(FIXTURES / "content", content)
    monkeypatch.chdir(tmp_path)
    memory = CheckMemory()
    entries = Path("content/entries")
    first = sorted(entries.iterdir())[0]

    def same_as_fresh() -> Checked:
        remembered = check_folder("content", TODAY, memory=memory)
        assert remembered == check_content("content", TODAY)
        return remembered

    def rewrite(path: Path, text: str) -> None:
        # The same size and times as before: only the bytes tell the edit.
        info = path.stat()
        path.write_text(text)
        os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))

    same_as_fresh()
    text = first.read_text()
    rewrite(first, text.replace("title:", "titel:", 1))
    assert any(p.field == "titel" for p in same_as_fresh().problems)
    rewrite(first, text.replace("date:", "date: 2999-01-01\nold_date:", 1))
    assert any("future" in p.message for p in same_as_fresh().problems)
    rewrite(first, text)
    assert same_as_fresh().ok
    (entries / "copy-of-first.md").write_text(text)
    assert any("same resource" in p.message for p in same_as_fresh().problems)
    (entries / "copy-of-first.md").unlink()
    assert same_as_fresh().ok
    tags = Path("content/tags.yml")
    rewrite(
        tags,
        tags.read_text().replace(
            "\nmonitoring:\n  name: Monitoring", "\nobservability:\n  name: Observability"
        ),
    )
    assert any("'monitoring' is not in" in p.message for p in same_as_fresh().problems)
    assert {path for path, _ in memory.files} == {str(path) for path in entries.iterdir()}


def test_remembered_near_duplicate_titles_match_a_fresh_search() -> None:
    words = ["feature", "stores", "store", "at", "Uber", "Lyft", "scaling", "ML", "MLOps", "ML Ops"]
    words += ["monitoring", "drift", "Part 1", "Part 2", "the", "a", "guide", "guides", "2022"]
    rng = random.Random(7)

    def title() -> str:
        return " ".join(rng.choice(words) for _ in range(rng.randint(2, 5)))

    memory = TitleMemory()
    titles = [title() for _ in range(80)]
    for step in range(60):
        if step % 15 == 14:
            titles.append(title())  # another length: searched afresh
        else:
            for _ in range(rng.randint(1, 3)):
                titles[rng.randrange(len(titles))] = title()
        assert memory.similar(titles) == similar_titles(titles), step
    assert memory.pairs  # the word list makes near duplicates


class _Node:
    """Something that can sit in a reference cycle, which only the collector frees."""

    def __init__(self) -> None:
        self.other: _Node | None = None


def test_a_cycle_made_while_the_collector_is_paused_is_still_collected() -> None:
    with collector_paused():
        assert not gc.isenabled()
        node = _Node()
        node.other = _Node()
        node.other.other = node
        alive = weakref.ref(node)
    assert gc.isenabled()
    del node
    assert alive() is not None  # a cycle outlives its last name until a collection
    gc.collect()
    assert alive() is None


def test_objects_another_caller_froze_stay_frozen() -> None:
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        with collector_paused():
            made = [[index] for index in range(100)]
        assert gc.get_freeze_count() == frozen
        assert len(made) == 100
    finally:
        gc.unfreeze()


def test_the_collector_stays_off_if_it_was_off() -> None:
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def _sources(checked: Checked, memory: CheckMemory) -> dict[str, bytes]:
    """Each entry's source, by slug."""
    found = memory.sources(checked.catalog.entries)
    return {entry.slug: found[id(entry)] for entry in checked.catalog.entries}


@pytest.mark.parametrize("racy", [0, check_memory.RACY_NS], ids=["settled", "just written"])
def test_an_entry_s_source_changes_with_its_file_its_vocabulary_or_the_day_alone(
    content: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, racy: int
) -> None:
    monkeypatch.setattr(check_memory, "RACY_NS", racy)
    memory = CheckMemory()
    first = _sources(check_folder(content, TODAY, memory=memory), memory)
    assert len(first) == 7 and len(set(first.values())) == 7
    assert _sources(check_folder(content, TODAY, memory=memory), memory) == first
    saved = tmp_path / "check.memory"
    assert memory.save(saved)
    loaded = CheckMemory.load(saved)  # as a new process finds it
    assert _sources(check_folder(content, TODAY, memory=loaded), loaded) == first

    edited = content / "entries" / "michelangelo.md"
    edited.write_text(edited.read_text().replace("Meet", "Meat", 1))
    again = _sources(check_folder(content, TODAY, memory=memory), memory)
    assert {slug for slug in first if again[slug] != first[slug]} == {"michelangelo"}

    tags = content / "tags.yml"
    tags.write_text(tags.read_text().replace("name: Monitoring", "name: Model monitoring"))
    renamed = _sources(check_folder(content, TODAY, memory=memory), memory)
    assert not set(renamed.values()) & set(again.values())
    tomorrow = TODAY + datetime.timedelta(days=1)
    later = _sources(check_folder(content, tomorrow, memory=memory), memory)
    assert not set(later.values()) & set(renamed.values())


def test_an_entry_has_no_source_before_a_check_with_a_memory(content: Path) -> None:
    checked = check_folder(content, TODAY)
    assert CheckMemory().sources(checked.catalog.entries) == {}


def test_a_loaded_memory_checks_across_entries_from_where_the_saved_one_left_off(
    content: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    memory = CheckMemory()
    check_folder(content, TODAY, memory=memory)
    saved = tmp_path / "check.memory"
    assert memory.save(saved)
    afresh: list[int] = []
    real = check.check_across

    def counted(*args: Any) -> Any:
        afresh.append(1)
        return real(*args)

    edited = content / "entries" / "michelangelo.md"
    edited.write_text(edited.read_text().replace("title: ", "title: The ", 1))
    fresh = check_content(content, TODAY)
    monkeypatch.setattr(check, "check_across", counted)
    monkeypatch.setattr(check, "AFRESH", 1)  # the fixture's seven files: one edit is few
    assert check_folder(content, TODAY, memory=CheckMemory.load(saved)) == fresh
    assert afresh == []


@pytest.mark.parametrize("damage", ["fewer checks", "other checks", "no catalog", "not one"])
def test_what_a_saved_memory_found_across_entries_is_left_out_unless_it_fits(
    content: Path, tmp_path: Path, damage: str
) -> None:
    memory = CheckMemory()
    check_folder(content, TODAY, memory=memory)
    across = memory.across
    assert across is not None
    if damage == "fewer checks":
        memory.across = dataclasses.replace(across, checks=across.checks[1:])
    elif damage == "other checks":
        others = [dataclasses.replace(one) for one in across.checks]
        memory.across = dataclasses.replace(across, checks=others)
    elif damage == "no catalog":
        memory.across = dataclasses.replace(across, catalog=None)  # type: ignore[arg-type]
    else:
        memory.across = ("not", "across")  # type: ignore[assignment]
    saved = tmp_path / "check.memory"
    assert memory.save(saved)
    loaded = CheckMemory.load(saved)
    assert loaded.files and loaded.across is None
    assert check_folder(content, TODAY, memory=loaded) == check_content(content, TODAY)
