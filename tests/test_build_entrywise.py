"""entrywise: what a build makes for each entry, patched for the entries a save changed,
and what each view is made from as a digest that stands for the view in any process."""

from __future__ import annotations

import dataclasses
import datetime
import shutil
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from readinglist.build.checking import CheckMemory, check_folder
from readinglist.build.entrywise import Summaries, Views, body_keys, changes, views
from readinglist.build.state import BuildState
from readinglist.catalog.model import Catalog, Entry
from readinglist.site.views import EntryView
from test_catalog_order import COMPANIES, EXAMPLES, SLUGS, TAGS, dates, entries_with

FIXTURES = Path(__file__).parent / "fixtures" / "content"
TODAY = datetime.date(2026, 11, 24)


@pytest.fixture
def content(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(FIXTURES, tmp_path / "content")
    monkeypatch.chdir(tmp_path)
    return Path("content")


def _summaries(catalog: Catalog, html: str, text: str, version: str) -> Summaries:
    return Summaries(["k"] * len(catalog.entries), {"k": (html, text)}, version)


def _made(made: Views) -> tuple[dict[str, EntryView], dict[str, bytes]]:
    """The views and their digests by slug, once each digest is found to stand for its view."""
    assert made.stand_ins == {id(made.by_slug[slug]): key for slug, key in made.keys.items()}
    return made.by_slug, made.keys


@pytest.mark.parametrize("process", ["same process", "new process"])
def test_a_view_follows_its_summary_s_plain_text_as_well_as_its_html(
    content: Path, process: str
) -> None:
    """Plain text is worked out apart from the HTML (by another markupsafe, say)."""
    memory = CheckMemory()
    catalog = check_folder(content, TODAY, memory=memory).catalog
    state = BuildState(again=process == "same process", checks=memory)
    html = "<p>Kept <em>once</em></p>"
    first, first_keys = _made(
        views(catalog, _summaries(catalog, html, "Kept once", "1"), state, None)
    )
    summaries = _summaries(catalog, html, "Kept, once", "2")
    second, second_keys = _made(views(catalog, summaries, state, changes(catalog.entries, state)))
    assert {view.description for view in first.values()} == {"Kept once"}
    assert {view.description for view in second.values()} == {"Kept, once"}
    assert len(first_keys) == len(catalog.entries)
    assert not set(first_keys.values()) & set(second_keys.values())
    third, third_keys = _made(views(catalog, summaries, state, changes(catalog.entries, state)))
    assert third_keys == second_keys
    assert third == second
    if process == "same process":
        assert all(third[slug] is second[slug] for slug in second)


def test_changes_name_the_entries_a_save_changed_added_and_removed(content: Path) -> None:
    memory, state = CheckMemory(), BuildState()
    first = check_folder(content, TODAY, memory=memory).catalog
    assert changes(first.entries, state) is None
    entries = content / "entries"
    michelangelo = entries / "michelangelo.md"
    michelangelo.write_text(michelangelo.read_text().replace("Meet", "Meeting"))
    (entries / "michelangelo-again.md").write_text(
        michelangelo.read_text().replace("michelangelo-machine", "michelangelo-again")
    )
    (entries / "uber-realtime-thread.md").unlink()
    second = check_folder(content, TODAY, memory=memory).catalog
    changed = changes(second.entries, state)
    assert changed is not None and changed.since is first.entries
    assert sorted(entry.slug for _, entry in changed.new) == [
        "michelangelo",
        "michelangelo-again",
    ]
    assert all(second.entries[at] is entry for at, entry in changed.new)
    assert sorted(entry.slug for entry in changed.gone) == ["michelangelo", "uber-realtime-thread"]
    unchanged = changes(second.entries, state)
    assert unchanged is not None and not unchanged.new and not unchanged.gone


def test_patched_keys_and_views_equal_those_made_afresh(content: Path) -> None:
    """What a save patches is what a build with nothing kept makes, view for view."""
    memory, kept = CheckMemory(), BuildState(checks=CheckMemory())
    catalog = check_folder(content, TODAY, memory=memory).catalog
    kept.checks = memory

    Made = tuple[dict[str, EntryView], dict[str, bytes]]

    def both(catalog: Catalog) -> tuple[Made, Made]:
        changed = changes(catalog.entries, kept)
        keys = body_keys(catalog.entries, kept, changed)
        summaries = Summaries(keys, {key: (f"<p>{key}</p>", key) for key in keys if key}, "1")
        fresh_state = BuildState(again=False, checks=memory)
        fresh_keys = body_keys(catalog.entries, fresh_state, None)
        assert keys == fresh_keys
        return _made(views(catalog, summaries, kept, changed)), _made(
            views(catalog, summaries, fresh_state, None)
        )

    patched, fresh = both(catalog)
    assert patched == fresh
    michelangelo = content / "entries" / "michelangelo.md"
    michelangelo.write_text(michelangelo.read_text().replace("shared", "common"))
    (content / "entries" / "uber-realtime-thread.md").unlink()
    before = patched[0]
    catalog = check_folder(content, TODAY, memory=memory).catalog
    patched, fresh = both(catalog)
    assert patched == fresh
    after = patched[0]
    assert after["michelangelo"] is not before["michelangelo"]
    assert after["hidden-technical-debt"] is before["hidden-technical-debt"]
    assert "uber-realtime-thread" not in after


@EXAMPLES
@given(st.data())
def test_entries_changed_in_place_leave_every_other_entry_where_it_was(
    data: st.DataObject,
) -> None:
    slugs = data.draw(st.lists(st.sampled_from(SLUGS), unique=True, min_size=1, max_size=12))
    before = Catalog.build(data.draw(entries_with(slugs)), TAGS, COMPANIES)
    gone = data.draw(st.lists(st.sampled_from(before.entries), unique_by=id, min_size=1))
    left = [entry for entry in before.entries if all(entry is not g for g in gone)]
    moved = data.draw(st.booleans())
    if data.draw(st.booleans()):
        # An edit of each: its title, and perhaps its date, which may move it.
        new = [
            dataclasses.replace(e, title=e.title + "!", date=data.draw(dates) if moved else e.date)
            for e in gone
        ]
    else:
        free = sorted(set(SLUGS) - {entry.slug for entry in left})
        new = data.draw(entries_with(data.draw(st.lists(st.sampled_from(free), unique=True))))
    after = Catalog.build([*left, *new], TAGS, COMPANIES)
    state = BuildState()
    changes(before.entries, state)
    changed = changes(after.entries, state)
    assert changed is not None

    def alike(entry: Entry, other: Entry) -> bool:
        return entry.slug == other.slug

    if changed.in_place(alike):
        assert len(after.entries) == len(before.entries)
        for was, now in zip(before.entries, after.entries, strict=True):
            assert now is was or (was in gone and alike(was, now))
    if not moved and len(new) == len(gone) and all(n.title.endswith("!") for n in new):
        assert changed.in_place(alike)  # edits that move nothing are found in place
