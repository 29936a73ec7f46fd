"""The search index: the same pages always give the same bytes, the index holds the pages and
filters it should, and a Pagefind that cannot run or fails gives a problem, not an exception.

These run the real Pagefind from the environment (``pagefind[bin]``), on a small folder of
HTML pages written here; no network."""

from __future__ import annotations

import json
import shutil
import stat
import zlib
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from readinglist.build import search
from readinglist.build.search import SEARCH_DIR, Cbor, canonicalise, index_site

TAGS = [f"tag-{n:02d}" for n in range(12)]
KINDS = ["article", "paper", "talk", "thread"]
COMPANIES = ["lyft", "netflix", "uber", "zillow", "airbnb"]
PAGES = 16


def _page(n: int) -> str:
    tags = "".join(
        f'<li data-pagefind-filter="tag">{TAGS[(n * 5 + k) % len(TAGS)]}</li>' for k in range(3)
    )
    return (
        '<!doctype html><html lang="en"><head><title>Page</title></head><body>'
        f'<article data-pagefind-body><h1 data-pagefind-meta="title">Entry number {n}</h1>'
        f'<p data-pagefind-filter="year:{2010 + n % 7}">Feature stores and model serving, '
        f"part {n}, with word{n} in it.</p>"
        f'<p data-pagefind-filter="kind">{KINDS[n % len(KINDS)]}</p>'
        f'<p data-pagefind-filter="company:{COMPANIES[n % len(COMPANIES)]}">A company</p>'
        f'<time data-pagefind-sort="date:2020-01-{n + 1:02d}">day</time>'
        f"<ul>{tags}</ul></article></body></html>"
    )


def _site(root: Path) -> Path:
    """A finished site of ``PAGES`` entry pages, each with four filters and a sort key."""
    for n in range(PAGES):
        page = root / "entries" / f"e{n:02d}" / "index.html"
        page.parent.mkdir(parents=True)
        page.write_text(_page(n), encoding="utf-8")
    (root / "style.css").write_text("body {}\n", encoding="utf-8")
    return root


def _files(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def _data(path: Path) -> Cbor:
    raw = zlib.decompress(path.read_bytes(), wbits=47)
    assert raw.startswith(b"pagefind_dcd")
    value, end = search._decode(raw[12:], 0)
    assert end == len(raw) - 12
    return value


def _entry(bundle: Path) -> dict[str, dict[str, dict[str, object]]]:
    entry: dict[str, dict[str, dict[str, object]]] = json.loads(
        (bundle / "pagefind-entry.json").read_text(encoding="utf-8")
    )
    return entry


def _meta(bundle: Path) -> list[Cbor]:
    meta_hash = _entry(bundle)["languages"]["en"]["hash"]
    meta = _data(bundle / f"pagefind.{meta_hash}.pf_meta")
    assert isinstance(meta, list)
    return meta


def _listed(value: Cbor) -> list[tuple[str, Cbor]]:
    """The ``[name, value]`` pairs of a meta file's list of filters or of sorts."""
    assert isinstance(value, list)
    pairs: list[tuple[str, Cbor]] = []
    for item in value:
        assert isinstance(item, list) and len(item) == 2 and isinstance(item[0], str)
        pairs.append((item[0], item[1]))
    return pairs


def _filters(bundle: Path) -> dict[str, dict[str, list[int]]]:
    """Every filter as the reader sees it: name → value → page numbers; checks each file's name
    is the hash of its bytes and its values are in order."""
    found: dict[str, dict[str, list[int]]] = {}
    for name, file_hash in _listed(_meta(bundle)[3]):
        index = _data(bundle / "filter" / f"{file_hash}.pf_filter")
        assert isinstance(index, list) and len(index) == 2 and index[0] == name
        assert file_hash == "en_" + search._full_hash(search._encode(index))[:7]
        values = _listed(index[1])
        assert [value for value, _ in values] == sorted(value for value, _ in values)
        found[name] = {}
        for value, pages in values:
            assert isinstance(pages, list) and all(isinstance(n, int) for n in pages)
            found[name][value] = [n for n in pages if isinstance(n, int)]
    return found


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return _site(tmp_path / "site")


def test_two_indexes_of_the_same_pages_are_the_same_bytes(site: Path, tmp_path: Path) -> None:
    other = tmp_path / "other"
    shutil.copytree(site, other)
    assert index_site(site) is None
    first = _files(site)
    assert index_site(other) is None
    assert _files(other) == first
    # Again in the same folder, over the index just written.
    assert index_site(site) is None
    assert _files(site) == first
    assert any(path.startswith(f"{SEARCH_DIR}/filter/") for path in first)


def test_pagefinds_own_order_does_not_reach_the_output(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pagefind's output in two different orders (as two runs can give) is rewritten to the
    same bytes: every filter's values reversed, and the meta file's filters reversed."""
    monkeypatch.setattr(search, "canonicalise", lambda bundle: None)
    assert index_site(site) is None
    monkeypatch.undo()
    bundle = site / SEARCH_DIR
    shuffled = site.parent / "shuffled"
    shutil.copytree(bundle, shuffled)
    meta_hash = str(_entry(shuffled)["languages"]["en"]["hash"])
    meta = _data(shuffled / f"pagefind.{meta_hash}.pf_meta")
    assert isinstance(meta, list) and isinstance(meta[3], list)
    for pair in meta[3]:
        assert isinstance(pair, list)
        path = shuffled / "filter" / f"{pair[1]}.pf_filter"
        index = _data(path)
        # Pagefind names the file as this module does: the hash of its bytes.
        assert pair[1] == "en_" + search._full_hash(search._encode(index))[:7]
        assert isinstance(index, list) and isinstance(index[1], list)
        index[1].reverse()
        path.write_bytes(search._compress(search._encode(index)))
    meta[3].reverse()
    (shuffled / f"pagefind.{meta_hash}.pf_meta").write_bytes(search._compress(search._encode(meta)))
    assert _files(shuffled) != _files(bundle)
    canonicalise(bundle)
    canonicalise(shuffled)
    assert _files(shuffled) == _files(bundle)


def test_the_index_holds_every_page_and_filter(site: Path) -> None:
    assert index_site(site) is None
    bundle = site / SEARCH_DIR
    entry = _entry(bundle)
    assert list(entry["languages"]) == ["en"]
    assert entry["languages"]["en"]["page_count"] == PAGES
    for name in ("pagefind.js", "pagefind-ui.js", "wasm.en.pagefind"):
        assert (bundle / name).is_file()
    meta = _meta(bundle)
    assert isinstance(meta[1], list) and len(meta[1]) == PAGES
    filters = _filters(bundle)
    assert sorted(filters) == ["company", "kind", "tag", "year"]
    listed = _listed(meta[3])
    assert [name for name, _ in listed] == sorted(filters)
    assert sorted(filters["kind"]) == sorted(KINDS)
    assert sorted(filters["tag"]) == TAGS
    assert sorted(filters["company"]) == sorted(COMPANIES)
    assert sum(len(pages) for pages in filters["kind"].values()) == PAGES
    assert sum(len(pages) for pages in filters["tag"].values()) == 3 * PAGES
    # Every file the meta file names is there, and no other.
    named = {f"filter/{file_hash}.pf_filter" for _, file_hash in listed}
    on_disk = {p for p in _files(bundle) if p.startswith("filter/")}
    assert on_disk == named
    assert [key for key, _ in _listed(meta[4])] == ["date"]


def test_an_old_index_leaves_nothing_behind(site: Path) -> None:
    stale = site / SEARCH_DIR / "filter" / "en_0000000.pf_filter"
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"old")
    (site / SEARCH_DIR / "pagefind.en_0000000000.pf_meta").write_bytes(b"old")
    assert index_site(site) is None
    assert not stale.exists()
    assert not (site / SEARCH_DIR / "pagefind.en_0000000000.pf_meta").exists()


def test_pagefind_settings_in_the_environment_or_directory_change_nothing(
    site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = tmp_path / "other"
    shutil.copytree(site, other)
    assert index_site(site) is None
    monkeypatch.setenv("PAGEFIND_FORCE_LANGUAGE", "fr")
    monkeypatch.setenv("PAGEFIND_EXCLUDE_SELECTORS", "article")
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pagefind.yml").write_text("force_language: de\n", encoding="utf-8")
    assert index_site(other) is None
    assert _files(other) == _files(site)


def _fake_pagefind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, script: str) -> None:
    program = tmp_path / "fake-pagefind"
    program.write_text("#!/bin/sh\n" + script, encoding="utf-8")
    program.chmod(program.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(program))


def test_a_failing_pagefind_gives_a_problem(
    site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fake_pagefind(tmp_path, monkeypatch, 'echo "Error: the index exploded" >&2\nexit 3\n')
    problem = index_site(site)
    assert problem is not None
    assert problem.severity == "error"
    assert problem.field == "search"
    assert "exit status 3" in problem.message
    assert "the index exploded" in problem.message
    assert "pagefind" in problem.hint


def test_a_missing_pagefind_gives_a_problem(
    site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(tmp_path / "no-such-program"))
    problem = index_site(site)
    assert problem is not None
    assert problem.severity == "error"
    assert "Pagefind failed" in problem.message


def test_a_pagefind_that_writes_nothing_gives_a_problem(
    site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fake_pagefind(tmp_path, monkeypatch, "exit 0\n")
    problem = index_site(site)
    assert problem is not None and problem.severity == "error"
    assert "no search index" in problem.message


def test_an_index_in_an_unknown_form_is_left_as_written_with_a_warning(
    site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A map (CBOR major type 5) where Pagefind 1.5 writes an array: not rewritten."""
    meta = tmp_path / "meta"
    meta_bytes = zlib.compress(b"pagefind_dcd\xa0", wbits=31)
    meta.write_bytes(meta_bytes)
    entry = '{"version":"9","languages":{"en":{"hash":"en_1234567890"}}}'
    (tmp_path / "entry.json").write_text(entry, encoding="utf-8")
    _fake_pagefind(
        tmp_path,
        monkeypatch,
        # Called as: pagefind --site SITE --output-subdir pagefind
        'out="$2/pagefind"\nmkdir -p "$out"\n'
        f'cp "{tmp_path / "entry.json"}" "$out/pagefind-entry.json"\n'
        f'cp "{meta}" "$out/pagefind.en_1234567890.pf_meta"\n',
    )
    problem = index_site(site)
    assert problem is not None
    assert problem.severity == "warning"
    assert "not byte-stable" in problem.message
    bundle = site / SEARCH_DIR
    assert (bundle / "pagefind-entry.json").read_text(encoding="utf-8") == entry
    assert (bundle / "pagefind.en_1234567890.pf_meta").read_bytes() == meta_bytes


def test_the_gzip_wrapping_is_fixed_and_readable() -> None:
    data = search._compress(b"\x82dname\x80")
    assert data[:10] == b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
    assert zlib.decompress(data, wbits=31) == b"pagefind_dcd\x82dname\x80"


def test_pagefinds_hash_drops_leading_zeros() -> None:
    # SHA-1 of b"" is da39a3ee 5e6b4b0d 3255bfef 95601890 afd80709: 0d → "d", 07 → "7".
    assert search._full_hash(b"") == "da39a3ee5e6b4bd3255bfef95601890afd879"


_cbor: st.SearchStrategy[Cbor] = st.recursive(
    st.integers(min_value=0, max_value=2**64 - 1) | st.text(),
    lambda inner: st.lists(inner, max_size=5),
    max_leaves=20,
)


@given(_cbor)
def test_cbor_round_trips(value: Cbor) -> None:
    data = search._encode(value)
    assert search._decode(data, 0) == (value, len(data))
