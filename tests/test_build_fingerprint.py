"""A page's fingerprint follows every value its template receives, and nothing else."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from markupsafe import Markup

from readinglist.build.fingerprint import Memo, page_fingerprint, planned_fingerprint, site_version


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


def planned(item: tuple[object, ...], known: dict[int, bytes], plan: str = "entry") -> str:
    return planned_fingerprint("v1", plan, item, Memo(digests=dict(known)))


@given(st.lists(st.integers(0, 3), min_size=1, max_size=4), st.data())
def test_items_of_known_views_share_a_fingerprint_exactly_when_they_show_the_same(
    shape: list[int], data: st.DataObject
) -> None:
    """An item is a view and tuples of views (an entry's own, its related entries'); each
    view stands in by its digest, and tuples of any length are told apart."""
    pool = [View(str(n), (), (), Markup("")) for n in range(3)]
    known = {id(view): bytes([n]) * 16 for n, view in enumerate(pool)}
    pick = st.sampled_from(pool)

    def item_of(sizes: list[int]) -> tuple[object, ...]:
        return tuple(
            data.draw(pick) if size == 0 else tuple(data.draw(pick) for _ in range(size))
            for size in sizes
        )

    other_shape = data.draw(st.lists(st.integers(0, 3), min_size=1, max_size=4))
    first, second = item_of(shape), item_of(other_shape)
    assert (planned(first, known) == planned(second, known)) == (first == second)
    a, b = pool[0], pool[1]
    alike = [((a, b),), ((a,), (b,)), (a, (b,)), (a, b), ((a, b), ()), ((a,), (b,), ())]
    assert len({planned(item, known) for item in alike}) == len(alike)


def test_an_item_with_other_values_is_digested_whole() -> None:
    view = View("Title", ("Ann",), (), Markup("<p>x</p>"))
    known = {id(view): b"d" * 16}
    assert planned((view, "a"), known) == planned((view, "a"), known)
    assert planned((view, "a"), known) != planned((view, "b"), known)
    assert planned((view, 1), known) != planned((view, "1"), known)
    unknown = View("Title", ("Bo",), (), Markup("<p>x</p>"))
    assert planned((view,), known) != planned((unknown,), known)
    assert planned((unknown,), known) == planned((dataclasses.replace(unknown),), known)
    assert planned((view,), known) != planned((view,), known, plan="other")
    assert planned((view,), known) != planned_fingerprint(
        "v2", "entry", (view,), Memo(digests=dict(known))
    )


def test_equal_contexts_share_a_fingerprint_however_they_share_objects() -> None:
    """A build in serve and one in a new process make equal values as different objects."""
    one = "".join(["MLOps", " at scale"])
    other = "".join(["MLOps at", " scale"])
    assert one == other and one is not other
    view = View(one, (), (Term("mlops", one),), Markup(""))
    twin = View(other, (), (Term("mlops", other),), Markup(""))
    shared = fingerprint({"title": one, "heading": one, "entries": (view, view)})
    apart = fingerprint({"title": one, "heading": other, "entries": (view, twin)})
    assert shared == apart
