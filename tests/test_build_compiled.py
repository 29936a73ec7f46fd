"""Compiled templates kept in the cache: a new process compiles none it had, and
anything unusable is compiled again."""

from __future__ import annotations

import importlib.util
import marshal
import shutil
from pathlib import Path
from typing import Any

import pytest
from jinja2 import Environment

from builds import build_fixture, files_under
from readinglist.build import compiled
from readinglist.build.state import FORMAT, BuildState, Cache
from readinglist.site.render import DEFAULT_TEMPLATES


@pytest.fixture
def compiles(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The name of every template compiled from now on, in any environment."""
    names: list[str] = []
    real = Environment.compile

    def counted(self: Environment, source: str, name: str | None = None, *args: Any) -> Any:
        names.append(name or "")
        return real(self, source, name, *args)

    monkeypatch.setattr(Environment, "compile", counted)
    return names


def edit(content: Path, old: str, new: str) -> None:
    entry = content / "entries" / "hidden-technical-debt.md"
    entry.write_text(entry.read_text().replace(old, new, 1))


def test_a_new_process_compiles_none_of_the_templates_the_last_one_compiled(
    content: Path, tmp_path: Path, compiles: list[str]
) -> None:
    out, cache = tmp_path / "site", tmp_path / "cache"
    build_fixture(content, out, cache)
    assert "entry.html" in compiles
    compiles.clear()
    edit(content, "title: ", "title: The ")
    again = build_fixture(content, out, cache)
    assert again.rendered > 0
    assert compiles == []
    build_fixture(content, tmp_path / "fresh", None)
    assert files_under(out) == files_under(tmp_path / "fresh")


def test_changed_templates_are_compiled_again(
    content: Path, tmp_path: Path, compiles: list[str]
) -> None:
    templates = tmp_path / "templates"
    shutil.copytree(DEFAULT_TEMPLATES, templates)
    out, cache = tmp_path / "site", tmp_path / "cache"
    build_fixture(content, out, cache, templates=templates)
    item = templates / "_item.html"
    item.write_text(item.read_text().replace("{{ e.title }}", "{{ e.title }} (shown)", 1))
    compiles.clear()
    build_fixture(content, out, cache, templates=templates)
    assert "_item.html" in compiles
    assert "(shown)</a>" in (out / "index.html").read_text()


def _damaged(path: Path, form: str) -> None:
    cache = Cache(path.parent.parent, [])
    stored = cache.read(path.name)
    assert isinstance(stored, tuple)
    version, kept = stored
    if form == "bytes":
        path.write_bytes(b"\x00not marshal")
    elif form == "folder":
        path.unlink()
        path.mkdir()
    elif form == "shape":
        path.write_bytes(marshal.dumps((FORMAT, (version, ["entry.html"]))))
    elif form == "code":
        kept = {key: (checksum, b"\xffnot code") for key, (checksum, _) in kept.items()}
        path.write_bytes(marshal.dumps((FORMAT, (version, kept))))
    else:  # code that is no code object
        kept = {key: (checksum, marshal.dumps(7)) for key, (checksum, _) in kept.items()}
        path.write_bytes(marshal.dumps((FORMAT, (version, kept))))


@pytest.mark.parametrize("form", ["bytes", "folder", "shape", "code", "number"])
def test_unusable_compiled_templates_are_compiled_again(
    content: Path, tmp_path: Path, compiles: list[str], form: str
) -> None:
    out, cache = tmp_path / "site", tmp_path / "cache"
    build_fixture(content, out, cache)
    _damaged(cache / "build" / compiled.NAME, form)
    edit(content, "title: ", "title: The ")
    compiles.clear()
    again = build_fixture(content, out, cache)
    assert again.ok
    assert "entry.html" in compiles
    build_fixture(content, tmp_path / "fresh", None)
    assert files_under(out) == files_under(tmp_path / "fresh")
    if form in ("bytes", "folder"):
        assert again.notes and all(compiled.NAME in note for note in again.notes)
    else:
        assert again.notes == ()


def test_another_python_s_code_is_not_loaded(
    content: Path, tmp_path: Path, compiles: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    out, cache = tmp_path / "site", tmp_path / "cache"
    build_fixture(content, out, cache)
    monkeypatch.setattr(importlib.util, "MAGIC_NUMBER", b"\x00\x00\r\n")
    edit(content, "title: ", "title: The ")
    compiles.clear()
    build_fixture(content, out, cache)
    assert "entry.html" in compiles


def test_compiling_writes_nothing_until_the_build_saves_what_it_compiled(
    tmp_path: Path,
) -> None:
    cache = Cache(tmp_path, [])
    templates = compiled.CompiledTemplates(cache, "one version")
    environment = Environment(bytecode_cache=templates)
    bucket = templates.get_bucket(environment, "page.html", None, "{{ 1 }}")
    bucket.code = compile("1", "page.html", "exec")
    templates.dump_bytecode(bucket)  # all a worker process does: it never saves
    assert not (tmp_path / "build" / compiled.NAME).exists()
    templates.save()
    assert compiled.CompiledTemplates(cache, "one version").kept.keys() == {bucket.key}


def test_a_build_writes_its_compiled_templates_once(
    content: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    written: list[str] = []
    real = Cache.write

    def counted(self: Cache, name: str, data: Any) -> None:
        written.append(name)
        real(self, name, data)

    monkeypatch.setattr(Cache, "write", counted)
    build_fixture(content, tmp_path / "site", tmp_path / "cache")
    assert written.count(compiled.NAME) == 1


def test_a_template_compiled_by_a_later_build_in_serve_is_written_with_its_notes(
    content: Path, tmp_path: Path, compiles: list[str]
) -> None:
    out, cache, state = tmp_path / "site", tmp_path / "cache", BuildState()
    build_fixture(content, out, cache, state=state)
    environment = state.renderer[1]
    environment.cache.clear()  # as if no template had been used yet in this process
    environment.bytecode_cache.kept.clear()
    stored = cache / "build" / compiled.NAME
    stored.unlink()
    stored.mkdir()  # a folder where the file should be: it cannot be written
    edit(content, "title: ", "title: The ")
    compiles.clear()
    again = build_fixture(content, out, cache, state=state)
    assert "entry.html" in compiles
    assert again.notes == (f"the cache file {stored} cannot be written (is a directory); not kept",)
