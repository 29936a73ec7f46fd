"""Properties that hold for any input: bad content gives problems, never an exception.

Hypothesis writes the inputs: arbitrary bytes, arbitrary front-matter mappings
dumped as YAML, and near-YAML text built from the characters that trip parsers.
Fast paths are also checked against the general code or the plain definition
they stand in for.
"""

from __future__ import annotations

import dataclasses
import datetime
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from readinglist.catalog.characters import UNSAFE_RE, safe_bytes, safe_text
from readinglist.catalog.check import validate
from readinglist.catalog.fastyaml import Unsure, parse_plain
from readinglist.catalog.frontmatter import parse_entry
from readinglist.catalog.model import (
    FIELD_NAMES,
    KINDS,
    UNDATED_KINDS,
    Catalog,
    Entry,
    PublicationDate,
    Tag,
)
from readinglist.catalog.order import newest_first, newly_added
from readinglist.catalog.read import RawContent, load_content
from readinglist.catalog.urls import check_url
from readinglist.catalog.yamllines import LineDict, LineList, Parser, build_data
from readinglist.problems import Problem

FIXTURES = Path(__file__).parent / "fixtures"
TODAY = datetime.date(2026, 11, 24)
PATH = "content/entries/generated.md"
EXAMPLES = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

VOCABULARY = load_content(FIXTURES / "content")
"""The fixture catalog's tags and companies, read once; each example adds one entry to it."""

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    st.text(max_size=30),
    st.dates().map(datetime.date.isoformat),
    st.from_regex(r"[0-9]{4}-[0-9]{2}-[0-9]{2}( [0-9:]{8})?", fullmatch=True),
    st.from_regex(r"[0-9]{1,5}([-/.][0-9]{1,2}){0,2}", fullmatch=True),  # partial, or nearly
    st.sampled_from(["mlops", "Uber", "no", "on", "TODO", "https://example.com", "2023-02-30"]),
)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=8) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
keys = st.sampled_from(FIELD_NAMES) | st.text(min_size=1, max_size=12)


def check_one(data: bytes) -> tuple[list[Problem], bool]:
    """Parse and validate one entry file's bytes inside the fixture catalog."""
    entry, problems = parse_entry(data, PATH, "generated")
    raw = dataclasses.replace(
        VOCABULARY, entries=(entry,) if entry else (), problems=tuple(problems)
    )
    result = validate(raw, TODAY)
    in_catalog = "generated" in result.catalog.by_slug
    return [p for p in result.problems if p.path == PATH], in_catalog


def assert_clean(problems: list[Problem], in_catalog: bool) -> None:
    for problem in problems:
        assert problem.line >= 1
        assert problem.field and problem.message
        assert "\n" not in problem.format()
    has_error = any(p.severity == "error" for p in problems)
    assert in_catalog != has_error  # valid entries are in the catalog, broken ones are not


@EXAMPLES
@given(st.binary(max_size=600))
def test_arbitrary_bytes_give_problems_never_an_exception(data: bytes) -> None:
    assert_clean(*check_one(data))


@EXAMPLES
@given(st.binary(max_size=300))
def test_arbitrary_bytes_after_an_opening_line_give_problems(data: bytes) -> None:
    assert_clean(*check_one(b"---\n" + data + b"\n---\n"))


@EXAMPLES
@given(st.dictionaries(keys, values, max_size=10), st.text(max_size=80))
def test_arbitrary_front_matter_gives_an_entry_or_problems(
    fields: dict[str, Any], body: str
) -> None:
    front = yaml.safe_dump(fields, allow_unicode=True, default_flow_style=None)
    problems, in_catalog = check_one(f"---\n{front}---\n{body}".encode())
    assert_clean(problems, in_catalog)


@EXAMPLES
@given(
    st.fixed_dictionaries(
        {
            "title": st.text(
                st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")),
                min_size=1,
                max_size=40,
            ),
            "url": st.just("https://developers.google.com/machine-learning/guides/rules-of-ml"),
            "date": st.dates(max_value=TODAY).map(datetime.date.isoformat),
            "tags": st.lists(st.sampled_from(["mlops", "ML Ops", "feature-store"]), min_size=1),
        }
    )
)
def test_well_formed_front_matter_round_trips_through_yaml(fields: dict[str, Any]) -> None:
    front = yaml.safe_dump(fields, allow_unicode=True)
    entry, problems = parse_entry(f"---\n{front}---\nA summary.\n".encode(), PATH, "generated")
    assert problems == []
    assert entry is not None
    assert entry.fields == fields


# Lines made of the pieces that decide how YAML reads a line.
pieces = st.sampled_from(
    [
        "title",
        "tags",
        "url",
        "on",
        "yes",
        "null",
        "Null",
        "x_1",
        "-",
        "?",
        ":",
        ": ",
        " ",
        "  ",
        "#",
        " #",
        "'",
        '"',
        "\\",
        "[",
        "]",
        "{",
        "}",
        ",",
        ", ",
        "&a",
        "*a",
        "!!str",
        "!",
        "|",
        ">",
        "%",
        "@",
        "`",
        "~",
        "0",
        "1",
        "1:30",
        "0x1F",
        "1_0",
        "1e3",
        ".inf",
        "2023-02-30",
        "2022-09-12",
        "no",
        "On",
        "mlops",
        "ML Ops",
        "é",
        "\u00a0",
        "\t",
        "http://a.b/c",
        "=",
        "<<",
    ]
)
lines = st.lists(pieces, min_size=1, max_size=8).map("".join)


def same_data(a: Any, b: Any) -> bool:
    """Equal values of equal types, and the same lines for every key and item."""
    if type(a) is not type(b):
        return False
    if isinstance(a, LineDict):
        return (
            a.line == b.line
            and a.key_lines == b.key_lines
            and list(a) == list(b)
            and all(same_data(a[k], b[k]) for k in a)
        )
    if isinstance(a, LineList):
        return (
            a.item_lines == b.item_lines
            and len(a) == len(b)
            and all(same_data(x, y) for x, y in zip(a, b, strict=True))
        )
    return bool(a == b) or (a != a and b != b)  # NaN equals NaN here


@settings(max_examples=400, deadline=None)
@given(st.lists(st.tuples(keys, lines), min_size=1, max_size=6))
def test_the_fast_path_reads_front_matter_exactly_as_libyaml(
    items: list[tuple[str, str]],
) -> None:
    text = "\n".join(f"{key}: {value}" for key, value in items)
    try:
        fast = parse_plain(text, 2)
    except Unsure:
        return
    slow = build_data(Parser("\n" + text))
    assert same_data(fast, slow), (text, dict(fast), slow)


url_parts = st.sampled_from(
    [
        "http://",
        "https://",
        "HTTPS://",
        "ftp://",
        "www.",
        "uber",
        "example",
        ".com",
        ".org",
        "x.com",
        "arxiv.org",
        "/abs/1706.03762",
        "v2",
        ".pdf",
        "/",
        "//",
        "?",
        "&",
        "=",
        "utm_source",
        "fbclid",
        "#",
        "frag",
        ":443",
        ":8080",
        ":x",
        "@",
        " ",
        "..",
        "-",
        "\u00fc",
        "A",
        "%20",
        "twitter.com",
        "/status/1",
    ]
)


@settings(max_examples=400, deadline=None)
@given(st.lists(url_parts, min_size=1, max_size=10).map("".join))
def test_the_fast_url_check_agrees_with_urlsplit(url: str) -> None:
    assert check_url(url) == check_url(url, fast=False)


def test_raw_content_type_is_what_validate_takes() -> None:
    assert isinstance(VOCABULARY, RawContent)
    assert VOCABULARY.problems == ()


@st.composite
def publication_dates(draw: st.DrawFn) -> PublicationDate:
    """Any date the checker takes: a year, a month or a day, from 1800 to TODAY."""
    day = draw(st.dates(min_value=datetime.date(1800, 1, 1), max_value=TODAY))
    precision = draw(st.sampled_from(["year", "month", "day"]))
    if precision == "year":
        return PublicationDate(day.year)
    return PublicationDate(day.year, day.month, day.day if precision == "day" else None)


def entry_text(kind: str, date: str | None) -> bytes:
    dated = f"date: {date}\n" if date is not None else ""
    return (
        "---\ntitle: Rules of Machine Learning\n"
        "url: https://developers.google.com/machine-learning/guides/rules-of-ml\n"
        f"{dated}tags: [mlops]\nkind: {kind}\nadded: 2026-11-01\n---\nA summary.\n"
    ).encode()


@EXAMPLES
@given(publication_dates(), st.booleans())
def test_a_date_at_any_precision_is_read_back_exactly(date: PublicationDate, quoted: bool) -> None:
    written = f"'{date.isoformat()}'" if quoted else date.isoformat()
    entry, _ = parse_entry(entry_text("paper", written), PATH, "generated")
    raw = dataclasses.replace(VOCABULARY, entries=(entry,) if entry else ())
    result = validate(raw, TODAY)
    assert [p for p in result.problems if p.path == PATH] == []
    assert result.catalog.by_slug["generated"].date == date
    assert PublicationDate.fromisoformat(date.isoformat()) == date
    assert date.first_day() <= TODAY


@EXAMPLES
@given(st.sampled_from(KINDS))
def test_an_undated_entry_is_valid_and_warned_about_only_when_it_should_have_a_date(
    kind: str,
) -> None:
    problems, in_catalog = check_one(entry_text(kind, None))
    assert in_catalog
    warned = [p for p in problems if p.field == "date"]
    assert [p.severity for p in warned] == ([] if kind in UNDATED_KINDS else ["warning"])


ENTRY = Entry("e", "E", "https://e.test/", None, ("mlops",))
VOCABULARY_TAGS = {"mlops": Tag("mlops", "MLOps", "Running ML in production.")}


DATED_AND_ADDED = st.lists(
    st.tuples(st.none() | publication_dates(), st.none() | st.dates(max_value=TODAY)),
    max_size=12,
).map(
    lambda drawn: [
        dataclasses.replace(ENTRY, slug=f"e{i:02d}", date=date, added=added, path=f"e{i:02d}.md")
        for i, (date, added) in enumerate(drawn)
    ]
)
"""Entries with any mix of dates, of any precision or none, and days added or none."""


@EXAMPLES
@given(DATED_AND_ADDED)
def test_newest_first_is_one_order_for_any_mix_of_precisions_and_undated(
    drawn: list[Entry],
) -> None:
    catalog = Catalog.build(drawn, VOCABULARY_TAGS, {})
    entries = catalog.entries
    assert newest_first(list(reversed(entries))) == entries  # one order, whatever came in
    dated = [e for e in entries if e.date is not None]
    assert entries[: len(dated)] == tuple(dated)  # the undated come last
    keys = [e.date.sort_key for e in dated if e.date is not None]
    assert keys == sorted(keys, reverse=True)
    assert sum(len(v) for v in catalog.by_year.values()) == len(dated)
    assert len(catalog.undated) == len(entries) - len(dated)


@EXAMPLES
@given(DATED_AND_ADDED)
def test_what_s_new_is_by_day_added_then_by_date_then_by_slug_latest_first(
    entries: list[Entry],
) -> None:
    shown = newly_added(entries)
    assert {e.slug for e in shown} == {e.slug for e in entries if e.added}
    keys = [(e.added, e.date.sort_key if e.date else (0, 0, 0), e.slug) for e in shown]
    assert keys == sorted(keys, reverse=True)


_TRICKY = st.sampled_from(
    list("\t\n\r\x00\x1b\x7f\x85\u202e\u2066\ufdd0\ufffe\U0001fffe\U0010ffff\ud800é—“\u00bf\u2028a")
)
"""Characters each of which the output keeps or drops, or whose UTF-8 looks like one."""


@EXAMPLES
@given(st.lists(_TRICKY | st.characters(), max_size=40).map("".join))
def test_safe_bytes_are_the_safe_text_in_utf_8(text: str) -> None:
    assert safe_bytes(text) == safe_text(text).encode()
    assert UNSAFE_RE.search(safe_bytes(text).decode()) is None
