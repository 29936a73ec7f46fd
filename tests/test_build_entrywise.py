"""entrywise: each entry's view, kept while what it is made from is unchanged, and that
as a digest that stands for the view in any process."""

from __future__ import annotations

import datetime
import shutil
from pathlib import Path

import pytest

from readinglist.build.checking import CheckMemory, check_folder
from readinglist.build.entrywise import views
from readinglist.build.state import BuildState
from readinglist.catalog.model import Catalog

FIXTURES = Path(__file__).parent / "fixtures" / "content"
TODAY = datetime.date(2026, 11, 24)


@pytest.fixture
def checked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Catalog, CheckMemory]:
    shutil.copytree(FIXTURES, tmp_path / "content")
    monkeypatch.chdir(tmp_path)
    memory = CheckMemory()
    return check_folder(Path("content"), TODAY, memory=memory).catalog, memory


@pytest.mark.parametrize("process", ["same process", "new process"])
def test_a_view_follows_its_summary_s_plain_text_as_well_as_its_html(
    checked: tuple[Catalog, CheckMemory], process: str
) -> None:
    """Plain text is worked out apart from the HTML (by another markupsafe, say)."""
    catalog, memory = checked
    state = BuildState(again=process == "same process", checks=memory)
    each = ["<p>Kept <em>once</em></p>" for _ in catalog.entries]
    first, first_keys = views(catalog, each, ["Kept once" for _ in catalog.entries], state)
    second, second_keys = views(catalog, each, ["Kept, once" for _ in catalog.entries], state)
    assert {view.description for view in first.values()} == {"Kept once"}
    assert {view.description for view in second.values()} == {"Kept, once"}
    assert len(first_keys) == len(catalog.entries)
    assert not set(first_keys.values()) & set(second_keys.values())
    third, third_keys = views(catalog, each, ["Kept, once" for _ in catalog.entries], state)
    assert third_keys == second_keys
    if process == "same process":
        assert all(third[slug] is second[slug] for slug in second)
