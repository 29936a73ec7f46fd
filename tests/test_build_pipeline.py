"""Building a site on disk: all or nothing, deterministic, incremental and atomic."""

from __future__ import annotations

import marshal
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from markupsafe import escape

from builds import TODAY, build_fixture, files_under
from readinglist.build import entrywise, fingerprint, pipeline, reuse
from readinglist.build import memory as check_memory
from readinglist.build.memory import CheckMemory
from readinglist.build.state import FORMAT, BuildState
from readinglist.catalog.check import check_content
from readinglist.catalog.model import Entry
from readinglist.cli import main
from readinglist.config import SiteConfig
from readinglist.site import exports, render
from readinglist.site.exports import EntryRows
from readinglist.site.render import DEFAULT_TEMPLATES, render_site


def fresh_site(content: Path, tmp_path: Path, name: str = "fresh") -> dict[str, bytes]:
    """What a build from scratch makes of ``content``."""
    build_fixture(content, tmp_path / name, None)
    return files_under(tmp_path / name)


def test_a_build_writes_the_rendered_site(content: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    result = build_fixture(content, out, tmp_path / "cache")
    assert result.ok
    written = files_under(out)
    assert written == render_site(check_content(content, TODAY).catalog, SiteConfig())
    assert result.files == len(written)
    assert result.pages == sum(1 for path in written if path.endswith(".html"))
    assert result.written == result.files


def test_two_builds_are_byte_identical(content: Path, tmp_path: Path) -> None:
    build_fixture(content, tmp_path / "one", None)
    build_fixture(content, tmp_path / "two", tmp_path / "cache", workers=1)
    assert files_under(tmp_path / "one") == files_under(tmp_path / "two")


def test_nothing_is_written_while_the_catalog_has_an_error(content: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    (content / "entries" / "broken.md").write_text(
        "---\ntitle: Broken\nurl: https://broken.example.org/\ndate: 2023-02-30\n"
        "tags: [mlops]\n---\n",
        encoding="utf-8",
    )
    result = build_fixture(content, out, tmp_path / "cache")
    assert not result.ok
    assert any("broken.md:4: date:" in p.format() for p in result.problems)
    assert not out.exists()
    assert not (tmp_path / ".site.next").exists()


def test_a_failed_build_leaves_the_previous_site_exactly_as_it_was(
    content: Path, tmp_path: Path
) -> None:
    out = tmp_path / "site"
    build_fixture(content, out, tmp_path / "cache")
    before = files_under(out)
    entry = content / "entries" / "michelangelo.md"
    entry.write_text(entry.read_text().replace("date: 2017-09-05", "date: 2017-13-05"))
    assert not build_fixture(content, out, tmp_path / "cache").ok
    assert files_under(out) == before


def test_an_interrupted_build_leaves_the_previous_site_and_the_next_one_recovers(
    content: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out, cache = tmp_path / "site", tmp_path / "cache"
    build_fixture(content, out, cache)
    build_fixture(content, out, cache)  # now a previous site sits beside the live one
    before = files_under(out)
    entry = content / "entries" / "michelangelo.md"
    entry.write_text(entry.read_text().replace("Meet Michelangelo", "Meet Michelangelo again"))
    calls = 0
    real_render_page = render.render_page

    def render_then_fail(*args: object) -> bytes:
        nonlocal calls
        calls += 1
        if calls > 3:
            raise KeyboardInterrupt
        return real_render_page(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(pipeline, "render_page", render_then_fail)
    with pytest.raises(KeyboardInterrupt):
        build_fixture(content, out, cache, workers=1)
    assert calls > 3
    assert files_under(out) == before
    monkeypatch.setattr(pipeline, "render_page", real_render_page)
    build_fixture(content, out, cache)
    assert files_under(out) == fresh_site(content, tmp_path)
    assert "Meet Michelangelo again" in (out / "entries/michelangelo/index.html").read_text()


def test_a_rebuild_after_one_edit_renders_only_what_depends_on_it(
    content: Path, tmp_path: Path
) -> None:
    out, cache = tmp_path / "site", tmp_path / "cache"
    first = build_fixture(content, out, cache)
    build_fixture(content, out, cache)
    again = build_fixture(content, out, cache)
    assert (again.rendered, again.written) == (0, 0)
    before = files_under(out)

    entry = content / "entries" / "hidden-technical-debt.md"
    entry.write_text(entry.read_text() + "The classic paper on what ML systems cost to keep.\n")
    edited = build_fixture(content, out, cache)
    after = files_under(out)
    changed = sorted(path for path in after if after[path] != before.get(path))
    assert 0 < edited.rendered < first.rendered / 2
    assert "entries/hidden-technical-debt/index.html" in changed
    assert "tags/mlops/feed.xml" in changed
    assert "companies/uber/index.html" not in changed
    assert len(changed) <= edited.rendered
    assert after == fresh_site(content, tmp_path)


def test_a_save_in_serve_plans_again_only_the_sections_it_touches(
    content: Path, tmp_path: Path
) -> None:
    out, state = tmp_path / "site", BuildState()
    build_fixture(content, out, tmp_path / "cache", state=state)
    before = {key: kept[2] for key, kept in state.sections.items()}
    entries = {page.path: page for page in before["entries/"]}
    entry = content / "entries" / "hidden-technical-debt.md"
    entry.write_text(entry.read_text().replace("Hidden Technical Debt", "Hidden Debt", 1))
    build_fixture(content, out, tmp_path / "cache", state=state)
    after = {key: kept[2] for key, kept in state.sections.items()}
    planned = {key for key in after if after[key] is not before[key]}
    # The entry shows on its own page, the home page, its tag's, year's and kind's
    # lists, What's new and the exports, and on the pages of its related entries.
    assert {"tags/mlops/", "", "new/", "catalog.json", "entries/"} <= planned
    assert "companies/uber/" not in planned and "tags/monitoring/" not in planned
    pages = {page.path: page for page in after["entries/"]}
    edited = "entries/hidden-technical-debt/index.html"
    assert "Hidden Debt" in pages[edited].context["page_title"]
    kept = [path for path in pages if pages[path] is entries[path]]
    assert edited not in kept and 0 < len(kept) < len(pages)
    assert files_under(out) == fresh_site(content, tmp_path)


def test_pages_unchanged_since_the_live_build_are_copied_by_every_process(
    content: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(reuse, "PARALLEL", 1)  # copies and renders shared out
    out, cache = tmp_path / "site", tmp_path / "cache"
    first = build_fixture(content, out, cache, workers=2)
    entry = content / "entries" / "hidden-technical-debt.md"
    entry.write_text(entry.read_text() + "The classic paper on what ML systems cost to keep.\n")
    edited = build_fixture(content, out, cache, workers=2)
    # The folder beside the live site was new: all it holds was copied or rendered.
    assert 0 < edited.rendered < edited.written == first.files
    assert files_under(out) == fresh_site(content, tmp_path)


def test_a_list_item_that_starts_showing_authors_follows_an_authors_edit(
    content: Path, tmp_path: Path
) -> None:
    """A theme change that shows another field: what a list depends on follows the template."""
    templates = tmp_path / "templates"
    shutil.copytree(DEFAULT_TEMPLATES, templates)
    item = templates / "_item.html"
    item.write_text(item.read_text() + "{{ e.authors | join(', ') }}\n")
    out, cache, state = tmp_path / "site", tmp_path / "cache", BuildState()
    for memory in (state, None):
        build_fixture(content, out, cache, templates=templates, state=memory)
    entry = content / "entries" / "michelangelo.md"
    entry.write_text(entry.read_text().replace("Jeremy Hermann", "Jeremy Hermann-Smith"))
    for number, memory in enumerate((state, None)):
        build_fixture(content, out, cache, templates=templates, state=memory)
        fresh = tmp_path / f"fresh-{number}"
        build_fixture(content, fresh, None, templates=templates)
        assert "Jeremy Hermann-Smith" in (out / "index.html").read_text()
        assert files_under(out) == files_under(fresh)


def test_builds_in_one_process_give_the_site_a_fresh_build_gives(
    content: Path, tmp_path: Path
) -> None:
    out, state = tmp_path / "site", BuildState()
    entry = content / "entries" / "hidden-technical-debt.md"
    added = content / "entries" / "hidden-technical-debt-again.md"
    tags = content / "tags.yml"
    text, vocabulary = entry.read_text(), tags.read_text()
    edits = [
        (entry, text + "The classic paper on what ML systems cost to keep.\n"),
        (entry, text.replace("title:", "titel:", 1)),
        (entry, text.replace("tags: [", "tags: [monitoring, ", 1)),
        # Shown on the pages of the entries it is related to.
        (entry, text.replace("Hidden Technical Debt", "Hidden Debt", 1)),
        # Shown by every entry tagged with it.
        (tags, vocabulary.replace("name: MLOps", "name: ML operations")),
        (added, text.replace("2015/file", "2016/file").replace("Hidden", "Unseen")),
        (added, None),
        (entry, text),
    ]
    for number, (path, edit) in enumerate(edits):
        if edit is None:
            path.unlink()
        else:
            path.write_text(edit)
        remembered = build_fixture(content, out, tmp_path / "cache", state=state)
        fresh = build_fixture(content, tmp_path / f"fresh-{number}", None)
        assert remembered.problems == fresh.problems
        if fresh.ok:
            assert files_under(out) == files_under(tmp_path / f"fresh-{number}")


@pytest.mark.parametrize("package", ["jinja2", "markupsafe"])
def test_an_upgrade_of_what_renders_pages_renders_every_page_again(
    content: Path, tmp_path: Path, installed: Callable[[str], Path], package: str
) -> None:
    """Another Jinja or markupsafe may write other bytes from the same context."""
    origin = installed(package)
    out, cache = tmp_path / "site", tmp_path / "cache"
    first = build_fixture(content, out, cache)
    assert build_fixture(content, out, cache).rendered == 0
    origin.write_text("# another version, longer\n")
    assert build_fixture(content, out, cache).rendered == first.rendered


def test_templates_are_compiled_again_only_when_they_change(content: Path, tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    shutil.copytree(DEFAULT_TEMPLATES, templates)
    out, state = tmp_path / "site", BuildState()
    build_fixture(content, out, tmp_path / "cache", state=state, templates=templates)
    entry = content / "entries" / "hidden-technical-debt.md"
    entry.write_text(entry.read_text().replace("title: ", "title: The ", 1))
    build_fixture(content, out, tmp_path / "cache", state=state, templates=templates)
    compiled: list[str] = []
    real = state.renderer[1].compile

    def counted(source: str, *args: object, **kwargs: object) -> object:
        compiled.append(source)
        return real(source, *args, **kwargs)

    state.renderer[1].compile = counted
    entry.write_text(entry.read_text().replace("title: The ", "title: A ", 1))
    build_fixture(content, out, tmp_path / "cache", state=state, templates=templates)
    assert compiled == []
    item = templates / "_item.html"
    item.write_text(item.read_text().replace("{{ e.title }}", "{{ e.title }} ({{ e.kind }})", 1))
    build_fixture(content, out, tmp_path / "cache", state=state, templates=templates)
    build_fixture(content, tmp_path / "fresh", None, templates=templates)
    assert files_under(out) == files_under(tmp_path / "fresh")
    newest = check_content(content, TODAY).catalog.entries[0]
    assert f"{escape(newest.title)} ({newest.kind})</a>" in (out / "index.html").read_text()


@pytest.mark.parametrize("workers", [1, 2])
def test_a_build_reports_what_the_check_reports(
    content: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, workers: int
) -> None:
    monkeypatch.setattr(reuse, "PARALLEL", 1)
    entry = content / "entries" / "hidden-technical-debt.md"
    twin = re.sub(r"(?m)^url: .*$", "url: https://papers.test/twin", entry.read_text())
    (content / "entries" / "hidden-technical-debt-twin.md").write_text(twin)
    checked = check_content(content, TODAY).problems
    assert any("is very like the title" in p.message for p in checked)
    built = build_fixture(content, tmp_path / "site", None, workers=workers)
    assert (built.ok, built.problems) == (True, checked)
    (content / "entries" / "broken.md").write_text("---\ntitle: Broken\n---\n")
    checked = check_content(content, TODAY).problems
    failed = build_fixture(content, tmp_path / "site", None, workers=workers)
    assert (failed.ok, failed.problems) == (False, checked)


def test_a_removed_entry_leaves_no_page_behind(content: Path, tmp_path: Path) -> None:
    out, cache = tmp_path / "site", tmp_path / "cache"
    build_fixture(content, out, cache)
    build_fixture(content, out, cache)
    (content / "entries" / "hidden-technical-debt.md").unlink()
    build_fixture(content, out, cache)
    assert not (out / "entries" / "hidden-technical-debt").exists()
    assert not (out / "kinds" / "paper").exists()
    assert files_under(out) == fresh_site(content, tmp_path)


def test_rendering_in_two_processes_gives_the_same_site(
    content: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(reuse, "PARALLEL", 1)
    build_fixture(content, tmp_path / "two", tmp_path / "cache", workers=2)
    build_fixture(content, tmp_path / "one", None, workers=1)
    assert files_under(tmp_path / "two") == files_under(tmp_path / "one")


def test_rendered_summaries_are_kept_and_used_again(
    content: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    build_fixture(content, tmp_path / "site", cache)
    rendered: list[str] = []
    real = render.render_bodies

    def counting(texts: list[str]) -> dict[str, str]:
        rendered.extend(texts)
        return real(texts)

    monkeypatch.setattr(reuse, "render_bodies", counting)
    build_fixture(content, tmp_path / "again", cache)
    assert rendered == []
    entry = content / "entries" / "michelangelo.md"
    entry.write_text(entry.read_text() + "One more **sentence**.\n")
    build_fixture(content, tmp_path / "again", cache)
    assert len(rendered) == 1
    assert "One more **sentence**." in rendered[0]


def counting_rows(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The slugs of the entries whose export lines are made from now on."""
    made: list[str] = []
    real = exports.entry_rows

    def counting(entry: Entry, *inputs: Any) -> EntryRows:
        made.append(entry.slug)
        return real(entry, *inputs)

    monkeypatch.setattr(reuse, "entry_rows", counting)
    return made


@pytest.mark.parametrize("process", ["same process", "new process"])
def test_export_lines_are_kept_for_the_next_build_by_what_they_are_made_from(
    content: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, process: str
) -> None:
    out, cache = tmp_path / "site", tmp_path / "cache"
    state = BuildState() if process == "same process" else None
    made = counting_rows(monkeypatch)
    build_fixture(content, out, cache, state=state)
    assert len(made) == 7
    build_fixture(content, out, cache, state=state)
    assert len(made) == 7  # nothing changed: none made
    entry = content / "entries" / "michelangelo.md"
    entry.write_text(entry.read_text().replace("Meet", "Meeting", 1))
    stored = cache / "build" / "rows.marshal"
    before = stored.read_bytes()
    build_fixture(content, out, cache, state=state)
    assert made[7:] == ["michelangelo"]
    assert files_under(out) == fresh_site(content, tmp_path)
    if state is None:
        # One line made again costs less than writing them all: they are kept as they were.
        assert stored.read_bytes() == before
        build_fixture(content, out, cache)
        assert made[7:] == ["michelangelo", "michelangelo"]
        del made[8:]
    companies = content / "companies.yml"
    companies.write_text(companies.read_text().replace("name: Uber", "name: Uber Technologies"))
    build_fixture(content, out, cache, state=state)
    assert len(made) == 15  # another vocabulary: every line made again
    assert "Uber Technologies" in (out / "list.md").read_text()
    assert files_under(out) == fresh_site(content, tmp_path)


def test_export_lines_are_written_back_once_many_were_made_again(
    content: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(reuse, "PARALLEL", 2)
    out, cache = tmp_path / "site", tmp_path / "cache"
    build_fixture(content, out, cache)
    for name in ("michelangelo", "hidden-technical-debt"):
        entry = content / "entries" / f"{name}.md"
        entry.write_text(entry.read_text().replace("title: ", "title: The ", 1))
    build_fixture(content, out, cache)
    made = counting_rows(monkeypatch)
    build_fixture(content, out, cache)
    assert made == []
    assert files_under(out) == fresh_site(content, tmp_path)


def _damaged(damage: str, version: str, kept: dict[Any, Any]) -> bytes | None:
    """A cache file's bytes, damaged as ``damage`` says; None for a folder in its place."""
    if damage == "a folder":
        return None
    if damage == "bytes":
        return b"not marshal data"
    if damage == "another version":
        return marshal.dumps((FORMAT, ("another version", kept)))
    if damage == "html alone":  # as summaries were kept before their plain text was
        kept = {key: html for key, (html, _) in kept.items()}
    else:
        kept = {**kept, next(iter(kept)): ("one string",)}
    return marshal.dumps((FORMAT, (version, kept)))


@pytest.mark.parametrize(
    ("name", "damage"),
    [
        ("rows.marshal", "bytes"),
        ("rows.marshal", "a folder"),
        ("rows.marshal", "another version"),
        ("rows.marshal", "another shape"),
        ("summaries.marshal", "html alone"),
        ("summaries.marshal", "another shape"),
    ],
)
def test_damaged_lines_or_summaries_in_the_cache_cost_only_the_speed(
    content: Path, tmp_path: Path, name: str, damage: str
) -> None:
    out, cache = tmp_path / "site", tmp_path / "cache"
    build_fixture(content, out, cache)
    stored = cache / "build" / name
    version, kept = marshal.loads(stored.read_bytes())[1]
    data = _damaged(damage, version, kept)
    stored.unlink()
    if data is None:
        stored.mkdir()
    else:
        stored.write_bytes(data)
    entry = content / "entries" / "michelangelo.md"
    entry.write_text(entry.read_text().replace("Meet", "Meeting", 1))
    assert build_fixture(content, out, cache).ok
    assert files_under(out) == fresh_site(content, tmp_path)


def test_a_new_process_digests_no_view_and_finds_the_fingerprints_serve_found(
    content: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each view stands in by what it is made from, in serve as in a new process."""
    out, cache = tmp_path / "site", tmp_path / "cache"
    state = BuildState()
    build_fixture(content, out, cache, state=state)
    entry = content / "entries" / "michelangelo.md"
    entry.write_text(entry.read_text().replace("Meet", "Meeting", 1))
    assert build_fixture(content, out, cache, state=state).rendered > 0
    digested: list[str] = []
    real = fingerprint._digest

    def counting(memo: fingerprint.Memo, obj: object) -> bytes:
        digested.append(type(obj).__name__)
        return real(memo, obj)

    monkeypatch.setattr(fingerprint, "_digest", counting)
    # The folder beside the live site, a build behind, gets its changed pages copied.
    assert build_fixture(content, out, cache).rendered == 0
    again = build_fixture(content, out, cache)
    assert (again.rendered, again.written) == (0, 0)
    assert digested and "EntryView" not in digested
    assert files_under(out) == fresh_site(content, tmp_path)


def test_the_build_command_reports_pages_time_and_where_to_look(
    content: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "site"
    code = main(
        [
            "build",
            "--content",
            str(content),
            "--out",
            str(out),
            "--cache",
            str(tmp_path / "cache"),
            "--base-url",
            "/readinglist/",
            "--no-search",
        ]
    )
    printed = capsys.readouterr().out
    assert code == 0
    assert printed.startswith("built 36 pages (")
    assert f"python3 -m http.server -d {out} 8000, then open http://127.0.0.1:8000/" in printed
    assert 'href="/readinglist/tags/"' in (out / "index.html").read_text()


def test_the_build_command_prints_problems_and_fails(
    content: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    entry = content / "entries" / "michelangelo.md"
    entry.write_text(entry.read_text().replace("kind: article", "kind: articel"))
    code = main(["build", "--content", str(content), "--out", str(tmp_path / "site"), "--no-cache"])
    err = capsys.readouterr().err
    assert code == 1
    assert "michelangelo.md:7: kind: 'articel' is not a kind (did you mean 'article'?)" in err
    assert "nothing was written" in err
    assert not (tmp_path / "site").exists()


def test_the_search_index_is_built_last_into_the_site(content: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    result = pipeline.build_site(
        content, out, SiteConfig(), today=TODAY, cache_dir=None, search=True
    )
    assert result.ok
    assert (out / "pagefind" / "pagefind.js").is_file()
    assert (out / "pagefind" / "pagefind-entry.json").is_file()
    # Search is optional: a build without it removes a stale index.
    build_fixture(content, out, None)
    build_fixture(content, out, None)
    assert not (out / "pagefind").exists()


def test_two_builds_with_the_search_index_are_byte_identical(content: Path, tmp_path: Path) -> None:
    """What the README claims: the same content gives the same bytes, every file."""
    for name in ("one", "two"):
        result = pipeline.build_site(
            content, tmp_path / name, SiteConfig(), today=TODAY, cache_dir=None, search=True
        )
        assert result.ok
    one, two = files_under(tmp_path / "one"), files_under(tmp_path / "two")
    assert any(path.startswith("pagefind/filter/") for path in one)
    assert one == two


def _children() -> set[int]:
    """This process's child processes, as the kernel lists them."""
    found: set[int] = set()
    for task in Path("/proc/self/task").iterdir():
        found.update(int(pid) for pid in (task / "children").read_text().split())
    return found


@pytest.mark.parametrize("failing", ["views", "rows"])
def test_a_build_that_fails_while_a_helper_works_leaves_no_process_behind(
    content: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failing: str
) -> None:
    """As serve would be left, whose process lives on after a build that raised."""
    monkeypatch.setattr(reuse, "PARALLEL", 1)  # related entries worked out beside
    before = _children()

    def broken(*args: object) -> None:
        raise RuntimeError("a fault in readinglist")

    monkeypatch.setattr(entrywise if failing == "views" else reuse, failing, broken)
    with pytest.raises(RuntimeError, match="a fault in readinglist"):
        build_fixture(content, tmp_path / "site", tmp_path / "cache", workers=2)
    assert _children() <= before


@pytest.mark.parametrize("parallel", [1, 10_000], ids=["beside the build", "in its process"])
def test_the_checker_s_memory_is_written_for_the_next_process_or_a_warning_says_why_not(
    content: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, parallel: int
) -> None:
    monkeypatch.setattr(reuse, "PARALLEL", parallel)
    before = _children()
    cache = tmp_path / "cache"
    built = build_fixture(content, tmp_path / "site", cache, workers=2)
    assert built.ok and not built.notes
    memory = CheckMemory.load(cache / "build" / "checks.pickle")
    assert len(memory.files) == len(list((content / "entries").iterdir()))
    stored = cache / "build" / "checks.pickle"
    stored.unlink()
    stored.mkdir()  # a folder where the file should be: it cannot be written
    again = build_fixture(content, tmp_path / "site", cache, workers=2)
    assert again.ok
    assert again.notes == (f"the cache file {stored} cannot be written; not kept",)
    assert _children() <= before


def test_a_memory_that_spared_opening_all_but_a_few_files_is_not_written_again(
    content: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(reuse, "MEMORY_REWRITTEN_SHARE", 3)  # of nine files, two are few
    monkeypatch.setattr(check_memory, "RACY_NS", 0)  # every file written before a check settled
    out, cache = tmp_path / "site", tmp_path / "cache"
    build_fixture(content, out, cache)
    stored = cache / "build" / "checks.pickle"
    saved = stored.read_bytes()
    entries = sorted((content / "entries").iterdir())
    entries[0].write_text(entries[0].read_text().replace("title: ", "title: The ", 1))
    assert build_fixture(content, out, cache).rendered > 0
    assert stored.read_bytes() == saved
    assert files_under(out) == fresh_site(content, tmp_path)
    for entry in entries[1:4]:  # with the first, four files to open: not few
        entry.write_text(entry.read_text().replace("title: ", "title: The ", 1))
    assert build_fixture(content, out, cache).rendered > 0
    assert stored.read_bytes() != saved
    assert files_under(out) == fresh_site(content, tmp_path, "fresh again")
