"""Hostile content met by ``readinglist check``: bytes that break formats or terminals,
and vocabularies large enough to make a quadratic check crawl."""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import pytest

from readinglist.cli import main

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def content(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The shared fixture catalog, copied to ``content/`` in the working folder."""
    shutil.copytree(FIXTURES / "content", tmp_path / "content")
    monkeypatch.chdir(tmp_path)
    return Path("content")


def check(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, list[str]]:
    code = main(["check", "--content", "content", *argv])
    return code, capsys.readouterr().out.splitlines()


def similar_tags(count: int, name: str) -> str:
    return "".join(
        f"similar-{i}:\n  name: {name.format(i=i)}\n  description: One of many.\n"
        for i in range(count)
    )


@pytest.mark.parametrize("name", ["Machine learning {i}", "Online store {i}", "Tag {i:04d}"])
def test_a_thousand_similar_tags_are_checked_fast_and_warned_of_as_one_group(
    content: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    tags = content / "tags.yml"
    tags.write_text(tags.read_text() + similar_tags(1000, name))
    started = time.perf_counter()
    _, lines = check(capsys)
    seconds = time.perf_counter() - started
    similar = [line for line in lines if "very similar names" in line or "very close to" in line]
    # Before: 4 to 10 s here, and for "Machine learning" 290,619 warnings, one a pair.
    assert seconds < 3  # about 0.3 s; the margin is for a busy machine
    if name == "Tag {i:04d}":
        assert similar == []  # Tag 0001 and Tag 0002 are not alike enough
        return
    assert len(similar) == 1
    assert similar[0].startswith("content/tags.yml:")
    assert (
        ": warning: similar-999: is one of 1000 tags with very similar names: 'similar-0',"
        in (similar[0])
    )
    assert "'similar-4' and 994 more (merge those that name one thing" in similar[0]


def test_two_close_names_keep_the_warning_that_names_the_other(
    content: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tags = content / "tags.yml"
    tags.write_text(tags.read_text() + similar_tags(2, "Model registry {i}"))
    _, lines = check(capsys)
    assert [line for line in lines if "very" in line] == [
        f"content/tags.yml:{len(tags.read_text().splitlines()) - 2}: warning: similar-1:"
        " is very close to tag 'similar-0'"
        " (merge them and keep the other spelling as an alias of 'similar-0')"
    ]


ENTRY = """---
title: {title}
url: https://blog.acme.dev/hostile
date: 2022-02-07
tags: [mlops, Drift detection]
authors: [{author}]
---
{summary}
"""


def write_entry(content: Path, title: str, author: str = "Ann", summary: str = "Fine.") -> str:
    path = content / "entries" / "hostile.md"
    path.write_bytes(ENTRY.format(title=title, author=author, summary=summary).encode())
    return "content/entries/hostile.md"


@pytest.mark.parametrize(
    ("title", "author", "expected"),
    [
        ('"\\e[31mRed"', "Ann", "2: title: holds the control character U+001B ESC"),
        ("Bell", '"A\\x07nn"', "6: authors: holds the control character U+0007 BEL"),
        ('"Not \\uFFFE text"', "Ann", "2: title: holds the non-character U+FFFE (a non-character)"),
        ('"Not \\uFFFF text"', "Ann", "2: title: holds the non-character U+FFFF (a non-character)"),
        ('"A \\x85 NEL"', "Ann", "2: title: holds the control character U+0085 NEL"),
        ('"A \\0 NUL"', "Ann", "2: title: holds the control character U+0000 NUL"),
    ],
)
def test_control_characters_and_non_characters_in_a_field_are_errors_that_name_them(
    content: Path, capsys: pytest.CaptureFixture[str], title: str, author: str, expected: str
) -> None:
    path = write_entry(content, title, author)
    code, lines = check(capsys)
    assert code == 1
    found = [line for line in lines if line.startswith(path)]
    assert found == [f"{path}:{expected} (remove it: it breaks feeds and terminals)"]


def test_a_bidirectional_control_is_a_warning(
    content: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_entry(content, '"Evil \\u202Etxt.exe"')
    code, lines = check(capsys)
    assert code == 0
    assert [line for line in lines if line.startswith(path)] == [
        f"{path}:2: warning: title: holds the bidirectional control"
        " U+202E RIGHT-TO-LEFT OVERRIDE (it can make the text read in another order than it"
        " is written; remove it)"
    ]
    assert main(["check", "--content", "content", "--strict"]) == 1


def test_each_character_is_named_once_in_a_vocabulary_too(
    content: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tags = content / "tags.yml"
    tags.write_text(tags.read_text() + 'odd:\n  name: Odd\n  description: "\\e[1mBold\\e[0m \\a"\n')
    lines = [line for line in check(capsys)[1] if line.startswith("content/tags.yml")]
    assert [line.split(": ", 1)[1] for line in lines if "odd." in line] == [
        "odd.description: holds the control character U+0007 BEL (remove it: it breaks feeds"
        " and terminals)",
        "odd.description: holds the control character U+001B ESC (remove it: it breaks feeds"
        " and terminals)",
    ]


def test_a_file_name_reaches_the_terminal_escaped_in_every_format(
    content: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    entries = content / "entries"
    (entries / "data-distribution-shifts.md").rename(entries / "evil\u202egnp.md")
    _, lines = check(capsys)
    assert [line for line in lines if "evil" in line] == [
        "content/entries/evil\\u202egnp.md:1: file: name 'evil\\u202egnp.md' is not a slug"
        " (rename it to evilgnp.md: lowercase letters, digits and hyphens)"
    ]
    for form in ("github", "markdown", "json"):
        out = "\n".join(check(capsys, "--format", form)[1])
        assert "\u202e" not in out and "u202egnp" in out
    document = json.loads("\n".join(check(capsys, "--format", "json")[1]))
    assert document["problems"][0]["path"] == "content/entries/evil\u202egnp.md"


def test_text_quoted_from_content_is_shown_escaped_and_cut(
    content: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_entry(content, '"Fine"')
    entry = content / "entries" / "hostile.md"
    huge = "\u202eowned " + "x" * 60_000
    entry.write_text(entry.read_text().replace("tags: [", f'tags: ["{huge}", '))
    _, lines = check(capsys)
    (line,) = [line for line in lines if line.startswith(f"{path}:5: tags: '")]
    assert line.startswith(f"{path}:5: tags: '\\u202eowned xxx")
    assert line.endswith(" more characters)") and "xxx... (59," in line
    assert all(len(line) < 600 for line in lines)
    assert "\u202e" not in "\n".join(lines)


def test_a_character_in_a_summary_is_named_on_its_own_line(
    content: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_entry(
        content, "Fine", summary="First line.\nA \x0c form feed and \u2066 an isolate."
    )
    code, lines = check(capsys)
    assert code == 1
    assert [line for line in lines if line.startswith(path)] == [
        f"{path}:9: warning: summary: holds the bidirectional control U+2066 LEFT-TO-RIGHT"
        " ISOLATE (it can make the text read in another order than it is written; remove it)",
        f"{path}:9: summary: holds the control character U+000C FF"
        " (remove it: it breaks feeds and terminals)",
    ]
