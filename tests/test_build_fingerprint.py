"""A page's fingerprint follows every value its template receives, and nothing else."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from markupsafe import Markup

from readinglist.build.fingerprint import Memo, page_fingerprint, site_version


@dataclasses.dataclass(frozen=True)
class Term:
    id: str
    name: str


@dataclasses.dataclass(frozen=True)
class View:
    title: str
    authors: tuple[str, ...]
    tags: tuple[Term, ...]
    body: Markup


def fingerprint(context: dict[str, object]) -> str:
    return page_fingerprint("v1", "list.html", context, Memo())


views = st.builds(
    View,
    st.text(max_size=8),
    st.tuples(st.text(max_size=5)) | st.just(()),
    st.lists(st.builds(Term, st.text(max_size=3), st.text(max_size=3)), max_size=2).map(tuple),
    st.text(max_size=8).map(Markup),
)


@given(views, views)
def test_two_contexts_share_a_fingerprint_exactly_when_they_are_equal(a: View, b: View) -> None:
    first = fingerprint({"entries": (a, a), "total": 2})
    second = fingerprint({"entries": (b, b), "total": 2})
    assert (first == second) == (a == b)


def test_any_nested_field_changes_the_fingerprint() -> None:
    view = View("Title", ("Ann",), (Term("mlops", "MLOps"),), Markup("<p>x</p>"))
    base = fingerprint({"e": view})
    changed = [
        dataclasses.replace(view, authors=("Ann", "Bo")),
        dataclasses.replace(view, tags=(Term("mlops", "ML operations"),)),
        dataclasses.replace(view, body=Markup("<p>y</p>")),
    ]
    assert all(fingerprint({"e": other}) != base for other in changed)
    assert fingerprint({"e": view, "page": 2}) != base
    # Text and markup render differently: the kind counts, not only the characters.
    assert fingerprint({"x": "<b>"}) != fingerprint({"x": Markup("<b>")})


def test_the_version_and_the_template_are_part_of_it() -> None:
    context = {"title": "x"}
    assert page_fingerprint("v1", "a.html", context, Memo()) != page_fingerprint(
        "v2", "a.html", context, Memo()
    )
    assert page_fingerprint("v1", "a.html", context, Memo()) != page_fingerprint(
        "v1", "b.html", context, Memo()
    )


def test_a_value_that_cannot_be_written_down_is_refused() -> None:
    with pytest.raises(TypeError, match="cannot be fingerprinted"):
        fingerprint({"make": lambda: 1})


def test_the_site_version_follows_templates_code_and_settings(tmp_path: Path) -> None:
    templates, code = tmp_path / "templates", tmp_path / "code"
    templates.mkdir()
    code.mkdir()
    (templates / "_item.html").write_text("{{ e.title }}")
    (code / "pages.py").write_text("X = 1\n")
    first = site_version(templates, code, {"page_size": 100})
    assert site_version(templates, code, {"page_size": 100}) == first
    assert site_version(templates, code, {"page_size": 50}) != first
    (templates / "_item.html").write_text("{{ e.title }} {{ e.authors }}")
    second = site_version(templates, code, {"page_size": 100})
    assert second != first
    (code / "pages.py").write_text("X = 2\n")
    assert site_version(templates, code, {"page_size": 100}) != second
