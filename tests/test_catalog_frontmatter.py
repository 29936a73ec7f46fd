"""frontmatter: an entry file's bytes to plain data with line numbers, and what stops it."""

from __future__ import annotations

import pytest
import yaml

from readinglist.catalog.frontmatter import (
    MAX_ENTRY_BYTES,
    decode,
    parse_entry,
    parse_yaml,
    split_front_matter,
)
from readinglist.catalog.yamllines import LineDict, LineList, marked_error_problem

ENTRY = (
    b"---\ntitle: Rules of Machine Learning\n"
    b"url: https://developers.google.com/machine-learning/guides/rules-of-ml\n"
    b"date: 2022-09-12\ntags: [mlops, best-practices]\n---\nWhy it is worth reading.\n"
)


def problems_of(text: str, first_line: int = 2) -> list[str]:
    return [p.format() for p in parse_yaml(text, "x.md", first_line, "front matter")[1]]


def test_decode_accepts_a_bom_and_any_line_ending() -> None:
    assert decode(b"\xef\xbb\xbfa\r\nb\rc\n", "x.md") == ("a\nb\nc\n", [])


def test_decode_names_the_line_of_a_byte_that_is_not_utf8() -> None:
    text, problems = decode(b"---\ntitle: ok\ntitle: R\xe8gles\n", "x.md")
    assert text is None
    assert [p.format() for p in problems] == [
        "x.md:3: file: is not UTF-8 (byte 0xe8 at offset 22) (save the file as UTF-8)"
    ]
    assert [p.format() for p in decode(b"a\nb\x00", "x.md")[1]] == [
        "x.md:2: file: contains a NUL character (save as plain text)"
    ]


def test_split_front_matter_returns_fields_body_and_closing_line() -> None:
    assert split_front_matter("---\na: 1\nb: 2\n---\nBody\n", "x.md") == (
        "a: 1\nb: 2",
        "Body\n",
        4,
        [],
    )
    assert split_front_matter("---\na: 1\n...\n", "x.md")[2] == 3
    assert split_front_matter("---\n---\n", "x.md")[:3] == ("", "", 2)


def test_the_fields_remember_the_line_of_every_key_and_item() -> None:
    fields, problems = parse_yaml(
        "title: A\n\nauthors:\n  - Ann\n  - Bo\ntags: [x, y]\n", "x.md", 2, "front matter"
    )
    assert problems == []
    assert isinstance(fields, LineDict)
    assert fields.key_lines == {"title": 2, "authors": 4, "tags": 7}
    assert isinstance(fields["authors"], LineList)
    assert fields["authors"].item_lines == [5, 6]
    assert fields["tags"] == ["x", "y"]
    assert fields["tags"].item_lines == [7, 7]


def test_values_are_plain_data_and_dates_stay_text() -> None:
    fields, _ = parse_yaml(
        "a: 1984\nb: no\nc:\nd: 2022-09-12\ne: 1.5\nf: 'quoted: yes'\ng: \"x\"\nh: ~\n",
        "x.md",
        2,
        "f",
    )
    assert dict(fields) == {
        "a": 1984,
        "b": False,
        "c": None,
        "d": "2022-09-12",
        "e": 1.5,
        "f": "quoted: yes",
        "g": "x",
        "h": None,
    }


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "title: A\ntitle: B\n",
            "x.md:3: front matter: duplicate key 'title' (first on line 2) (keep one of them)",
        ),
        (
            "a: &x [1, 2]\nb: *x\n",
            "x.md:3: front matter: anchors and aliases (&name, *name) are not allowed"
            " (write the value out in full)",
        ),
        (
            "a: !!set {x, y}\n",
            "x.md:2: front matter: the YAML tag !!set is not allowed"
            " (only plain values are allowed: text, numbers, dates and lists)",
        ),
        (
            "a: !!python/name:os.system\n",
            "x.md:2: front matter: the YAML tag !!python/name:os.system is not allowed"
            " (only plain values are allowed: text, numbers, dates and lists)",
        ),
        (
            "a: !custom x\n",
            "x.md:2: front matter: the YAML tag !custom is not allowed"
            " (only plain values are allowed: text, numbers, dates and lists)",
        ),
        (
            "<<: {a: 1}\n",
            "x.md:2: front matter: merge keys (<<) are not allowed (write the fields out)",
        ),
        (
            "a: [[[[[[[[[[[1]]]]]]]]]]]\n",
            "x.md:2: front matter: values are nested more than 10 levels deep (flatten them)",
        ),
        (
            "title: x\n\tbad: y\n",
            "x.md:3: front matter: YAML found a tab character that violates indentation"
            " while scanning a plain scalar (indent with spaces, not tabs)",
        ),
        (
            "title: a \x07 b\n",
            "x.md:2: front matter: holds the character U+0007, which YAML does not allow"
            " (remove it)",
        ),
        (
            "title: a\nurl: @handle\n",
            "x.md:3: front matter: YAML found character that cannot start any token"
            " while scanning for the next token (a value that starts with @, ` or % must be"
            " quoted)",
        ),
        (
            "a: 1\n---\nb: 2\n",
            "x.md:3: front matter: holds more than one YAML document (remove the extra --- line)",
        ),
        (
            "yes: 1\n",
            "x.md:2: front matter: key 'yes' is not text (keys are plain words such as title"
            " or url)",
        ),
    ],
)
def test_yaml_beyond_plain_data_is_one_problem_on_its_line(text: str, expected: str) -> None:
    assert problems_of(text) == [expected]


def test_nesting_tens_of_thousands_deep_is_refused_not_a_crash() -> None:
    text = "title: " + "[" * 50_000 + "]" * 50_000 + "\n"
    assert problems_of(text) == [
        "x.md:2: front matter: values are nested more than 10 levels deep (flatten them)"
    ]


def test_block_nesting_is_refused_on_the_line_that_goes_too_deep() -> None:
    text = "title:\n" + "".join("  " * depth + "-\n" for depth in range(1, 1200))
    assert problems_of(text) == [
        "x.md:12: front matter: values are nested more than 10 levels deep (flatten them)"
    ]


@pytest.mark.parametrize("context", ["while increasing flow level", "while increasing block level"])
def test_libyamls_nesting_refusal_reads_as_ours(context: str) -> None:
    # The error PyYAML 6.0.4 raises when libyaml's own depth limit is reached.
    mark = yaml.Mark("<unicode string>", 1006, 2, 1006, "", 0)
    error = yaml.scanner.ScannerError(context, mark, "exceeded maximum nesting depth", mark)
    problem = marked_error_problem(error, "x.md", "front matter", 2, 2)
    assert problem.format() == (
        "x.md:3: front matter: values are nested more than 10 levels deep (flatten them)"
    )


def test_parse_entry_reads_fields_body_and_lines() -> None:
    entry, problems = parse_entry(ENTRY, "content/entries/rules.md", "rules")
    assert problems == []
    assert entry is not None
    assert entry.fields["tags"] == ["mlops", "best-practices"]
    assert entry.fields.key_lines["date"] == 4
    assert (entry.body, entry.body_line, entry.closing_line) == ("Why it is worth reading.\n", 7, 6)


def test_parse_entry_refuses_an_absurd_size_and_a_list_for_front_matter() -> None:
    big = ENTRY + b"x" * MAX_ENTRY_BYTES
    assert [p.format() for p in parse_entry(big, "big.md", "big")[1]] == [
        f"big.md:1: file: is {len(big):,} bytes; the limit is 100,000"
        " (keep the summary to a short paragraph)"
    ]
    assert [p.format() for p in parse_entry(b"---\n- a\n- b\n---\n", "l.md", "l")[1]] == [
        "l.md:2: front matter: must be `key: value` lines, not a list"
        " (write one field per line, such as `title: ...`)"
    ]
