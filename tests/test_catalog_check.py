# ruff: noqa: E501 - the expected messages are quoted whole, as a contributor reads them
"""check: every rule the checker enforces, each with its exact message.

Each broken entry in ``tests/fixtures/invalid/entries/`` is checked alone inside
a copy of the shared fixture catalog; each folder in
``tests/fixtures/invalid/overlays/`` is laid over such a copy. The problems that
come back are compared line for line with what a contributor would read, and
are the same when the files are shared out among processes.
"""

from __future__ import annotations

import datetime
import shutil
from pathlib import Path

import pytest

from readinglist.build import checking
from readinglist.build.checking import CheckMemory, check_folder
from readinglist.catalog.check import (
    Checked,
    check_content,
    near_duplicate_titles,
    titles_checked,
    validate,
)
from readinglist.catalog.model import PublicationDate
from readinglist.catalog.read import load_content

FIXTURES = Path(__file__).parent / "fixtures"
INVALID = FIXTURES / "invalid"
TODAY = datetime.date(2026, 11, 24)
ALREADY_THERE = (
    "content/entries/hidden-technical-debt.md:9: warning: summary: is missing"
    " (write a sentence or two in your own words below the closing ---)"
)
"""The one warning the shared fixture catalog has on its own."""


def check_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, extra: Path | None) -> Checked:
    """The fixture catalog copied to ``content/``, ``extra`` added, checked from tmp_path."""
    content = tmp_path / "content"
    shutil.copytree(FIXTURES / "content", content)
    if extra is not None and extra.is_dir():
        shutil.copytree(extra, content, dirs_exist_ok=True)
    elif extra is not None:
        shutil.copy(extra, content / "entries" / extra.name)
    monkeypatch.chdir(tmp_path)
    raw = load_content("content")
    result = validate(raw, TODAY)
    assert result.files == raw.files
    # Checked from the bytes, as the command line does: the same catalog and problems.
    assert check_content("content", TODAY) == result
    # Shared out among processes, the files give the same catalog and problems.
    monkeypatch.setattr(checking, "PARALLEL_ENTRY_FILES", 1)
    for workers in (2, 3):
        assert check_folder("content", TODAY, workers=workers) == result
    # With the near-duplicate titles left for later, then looked for: the same.
    later = check_folder("content", TODAY, workers=2, titles=False)
    assert later.title_lines is not None
    warnings = near_duplicate_titles(later.catalog.entries, later.title_lines)
    assert titles_checked(later, warnings) == result
    # Checked again with what the first check remembered: the same again.
    memory = CheckMemory()
    for _ in range(2):
        assert check_folder("content", TODAY, memory=memory) == result
    return result


def new_lines(result: Checked) -> list[str]:
    return [p.format() for p in result.problems if p.format() != ALREADY_THERE]


ENTRY_RULES: list[tuple[str, list[str]]] = [
    (
        "Bad_File_Name.md",
        [
            "content/entries/Bad_File_Name.md:1: file: name 'Bad_File_Name.md' is not a slug (rename it to bad-file-name.md: lowercase letters, digits and hyphens)",
        ],
    ),
    (
        "authors-not-list.md",
        [
            "content/entries/authors-not-list.md:6: authors: must be a list, not text (write authors: [Martin Zinkevich])",
        ],
    ),
    (
        "authors-placeholder.md",
        [
            "content/entries/authors-placeholder.md:6: authors: 'TODO' is a placeholder (name the authors, or remove the line)",
        ],
    ),
    (
        "company-unknown.md",
        [
            "content/entries/company-unknown.md:6: company: 'Linkedn' is not in content/companies.yml (did you mean 'linkedin'?)",
        ],
    ),
    (
        "date-format.md",
        [
            "content/entries/date-format.md:4: date: 'Mar 22, 2023' is not a date in YYYY, YYYY-MM or YYYY-MM-DD form (write 2023-03-22)",
        ],
    ),
    (
        "date-future.md",
        [
            "content/entries/date-future.md:4: date: '2999-01-01' is in the future (use the day it was published)",
        ],
    ),
    (
        "date-impossible.md",
        [
            "content/entries/date-impossible.md:4: date: '2023-02-30' is not a calendar date (2023-02 has 28 days)",
        ],
    ),
    (
        "date-missing.md",
        [
            "content/entries/date-missing.md:2: added: is required for an undated entry (add `added: YYYY-MM-DD`, the day it joined the list)",
            "content/entries/date-missing.md:2: warning: date: is missing for an article (add `date:` as YYYY, YYYY-MM or YYYY-MM-DD, as precisely as the resource itself says)",
        ],
    ),
    (
        "date-missing-paper.md",
        [
            "content/entries/date-missing-paper.md:2: warning: date: is missing for a paper (add `date:` as YYYY, YYYY-MM or YYYY-MM-DD, as precisely as the resource itself says)",
        ],
    ),
    (
        "date-month-13.md",
        [
            "content/entries/date-month-13.md:4: date: '2015-13' is not a calendar date (the month must be 01 to 12)",
        ],
    ),
    (
        "date-two-digits.md",
        [
            "content/entries/date-two-digits.md:4: date: 15 is not a year (write the year in four digits, as the resource gives it)",
        ],
    ),
    (
        "date-slash.md",
        [
            "content/entries/date-slash.md:4: date: '2015/12' is not a date in YYYY, YYYY-MM or YYYY-MM-DD form (write 2015-12)",
        ],
    ),
    (
        "date-future-year.md",
        [
            "content/entries/date-future-year.md:4: date: '2999' is in the future (use the year it was published)",
        ],
    ),
    (
        "date-number.md",
        [
            "content/entries/date-number.md:4: date: must be a date, not the number 2015.1 (write YYYY, YYYY-MM or YYYY-MM-DD)",
        ],
    ),
    (
        "date-with-time.md",
        [
            "content/entries/date-with-time.md:4: date: '2022-09-12 10:30:00' is not a date in YYYY, YYYY-MM or YYYY-MM-DD form (write 2022-09-12: the day, without the time)",
            "content/entries/date-with-time.md:6: added: '2027-01-01' is in the future (use today's date)",
        ],
    ),
    (
        "duplicate-key.md",
        [
            "content/entries/duplicate-key.md:5: front matter: duplicate key 'title' (first on line 2) (keep one of them)",
        ],
    ),
    (
        "empty.md",
        [
            "content/entries/empty.md:1: file: is empty (start from an existing entry)",
        ],
    ),
    (
        "key-not-text.md",
        [
            "content/entries/key-not-text.md:6: front matter: key 'on' is not text (keys are plain words such as title or url)",
        ],
    ),
    (
        "kind-unknown.md",
        [
            "content/entries/kind-unknown.md:6: kind: 'artcle' is not a kind (did you mean 'article'?)",
        ],
    ),
    (
        "misspelled-required-key.md",
        [
            "content/entries/misspelled-required-key.md:2: titel: is not a known field (did you mean 'title'?)",
        ],
    ),
    (
        "missing-front-matter.md",
        [
            "content/entries/missing-front-matter.md:1: front matter: missing: the file must start with a line of three dashes (---) (did you forget to add `---` before `title:`?)",
        ],
    ),
    (
        "near-duplicate-title.md",
        [
            "content/entries/near-duplicate-title.md:2: warning: title: is very like the title of content/entries/michelangelo.md (if it is the same work, keep one entry)",
        ],
    ),
    (
        "not-utf8.md",
        [
            "content/entries/not-utf8.md:2: file: is not UTF-8 (byte 0xe8 at offset 12) (save the file as UTF-8)",
        ],
    ),
    (
        "summary-missing.md",
        [
            "content/entries/summary-missing.md:6: warning: summary: is missing (write a sentence or two in your own words below the closing ---)",
        ],
    ),
    (
        "summary-placeholder.md",
        [
            "content/entries/summary-placeholder.md:7: summary: is a placeholder (write the summary or leave it empty)",
        ],
    ),
    (
        "tag-unknown.md",
        [
            "content/entries/tag-unknown.md:5: tags: 'featur-store' is not in the tag vocabulary (did you mean 'feature-store'?)",
        ],
    ),
    (
        "tags-empty.md",
        [
            "content/entries/tags-empty.md:5: tags: is empty (name at least one tag from content/tags.yml)",
        ],
    ),
    (
        "tags-not-list.md",
        [
            "content/entries/tags-not-list.md:5: tags: must be a list, not text (write tags: [mlops])",
        ],
    ),
    (
        "tags-yes-no-on.md",
        [
            "content/entries/tags-yes-no-on.md:7: tags: item must be text, not false: YAML reads an unquoted yes, no, on or off as false (put it in quotes)",
            "content/entries/tags-yes-no-on.md:8: tags: item must be text, not true: YAML reads an unquoted yes, no, on or off as true (put it in quotes)",
        ],
    ),
    (
        "title-blank.md",
        [
            "content/entries/title-blank.md:2: title: is empty (give a value or remove the line)",
        ],
    ),
    (
        "title-empty.md",
        [
            "content/entries/title-empty.md:2: title: is empty (give a value or remove the line)",
        ],
    ),
    (
        "title-not-text.md",
        [
            "content/entries/title-not-text.md:2: title: must be text, not a list (put it in quotes)",
        ],
    ),
    (
        "title-number.md",
        [
            "content/entries/title-number.md:2: title: must be text, not the number 1984 (put it in quotes)",
        ],
    ),
    (
        "title-placeholder.md",
        [
            "content/entries/title-placeholder.md:2: title: 'TODO' is a placeholder (use the resource's own title)",
        ],
    ),
    (
        "title-todo-marker.md",
        [
            "content/entries/title-todo-marker.md:2: title: 'TODO: the real title' is a placeholder (use the resource's own title)",
        ],
    ),
    (
        "uber-michelangelo-copy.md",
        [
            "content/entries/uber-michelangelo-copy.md:3: url: same resource as content/entries/michelangelo.md (keep one entry; move anything worth keeping into it)",
        ],
    ),
    (
        "unclosed-front-matter.md",
        [
            "content/entries/unclosed-front-matter.md:1: front matter: is never closed: no line of three dashes (---) after the fields (add `---` on its own line after the last field)",
        ],
    ),
    (
        "unknown-key.md",
        [
            "content/entries/unknown-key.md:6: author: is not a known field (did you mean 'authors'?)",
        ],
    ),
    (
        "url-bad-port.md",
        [
            "content/entries/url-bad-port.md:3: url: 'https://developers.google.com:http/rules-of-ml' is not a valid URL (check the host and port)",
        ],
    ),
    (
        "url-malformed.md",
        [
            "content/entries/url-malformed.md:3: url: host 'developers..google.com' is not a valid domain name (check for typos in the address)",
        ],
    ),
    (
        "url-missing.md",
        [
            "content/entries/url-missing.md:2: url: is required (add `url: ...`)",
        ],
    ),
    (
        "url-placeholder.md",
        [
            "content/entries/url-placeholder.md:3: url: 'https://example.com/rules-of-ml' is a placeholder (use the real address)",
        ],
    ),
    (
        "url-relative.md",
        [
            "content/entries/url-relative.md:3: url: 'developers.google.com/machine-learning/guides/rules-of-ml' is not absolute (write https://developers.google.com/machine-learning/guides/rules-of-ml)",
        ],
    ),
    (
        "url-scheme.md",
        [
            "content/entries/url-scheme.md:3: url: must use http or https, not 'ftp' (link to a web page)",
        ],
    ),
    (
        "url-spaces.md",
        [
            "content/entries/url-spaces.md:3: url: contains spaces (encode spaces as %20 or remove them)",
        ],
    ),
    (
        "yaml-alias.md",
        [
            "content/entries/yaml-alias.md:6: front matter: anchors and aliases (&name, *name) are not allowed (write the value out in full)",
        ],
    ),
    (
        "yaml-binary-tag.md",
        [
            "content/entries/yaml-binary-tag.md:2: front matter: the YAML tag !!binary is not allowed (only plain values are allowed: text, numbers, dates and lists)",
        ],
    ),
    (
        "yaml-deep-nesting.md",
        [
            "content/entries/yaml-deep-nesting.md:5: front matter: values are nested more than 10 levels deep (flatten them)",
        ],
    ),
    (
        "yaml-python-tag.md",
        [
            "content/entries/yaml-python-tag.md:2: front matter: the YAML tag !!python/object/apply:os.system is not allowed (only plain values are allowed: text, numbers, dates and lists)",
        ],
    ),
    (
        "yaml-syntax-error.md",
        [
            "content/entries/yaml-syntax-error.md:2: front matter: YAML mapping values are not allowed in this context (a value that contains ': ' must be quoted)",
        ],
    ),
    (
        "yaml-unclosed-list.md",
        [
            "content/entries/yaml-unclosed-list.md:4: front matter: YAML did not find expected ',' or ']' while parsing a flow sequence (close the list with ])",
        ],
    ),
    (
        "yaml-unclosed-quote.md",
        [
            "content/entries/yaml-unclosed-quote.md:2: front matter: YAML found unexpected end of stream while scanning a quoted scalar (close the quote, or remove it)",
        ],
    ),
]

OVERLAY_RULES: list[tuple[str, list[str]]] = [
    (
        "alias-claimed-twice",
        [
            "content/tags.yml:18: drift: 'Drift detection' also names tag 'monitoring' (each name or alias may belong to one id only)",
        ],
    ),
    (
        "arxiv-duplicate",
        [
            "content/entries/transformer-paper.md:3: url: same resource as content/entries/attention-is-all-you-need.md (keep one entry; move anything worth keeping into it)",
        ],
    ),
    (
        "companies-yml-empty",
        [
            "content/entries/michelangelo.md:6: company: 'Uber Engineering' is not in content/companies.yml (add it to content/companies.yml)",
            "content/entries/scaling-ml-productivity-linkedin.md:6: company: 'LinkedIn' is not in content/companies.yml (add it to content/companies.yml)",
            "content/entries/uber-realtime-thread.md:6: company: 'Uber' is not in content/companies.yml (add it to content/companies.yml)",
        ],
    ),
    (
        "company-bad-homepage",
        [
            "content/companies.yml:10: netflix.homepage: 'netflixtechblog.com' is not absolute (write https://netflixtechblog.com)",
        ],
    ),
    (
        "near-duplicate-companies",
        [
            "content/companies.yml:9: warning: linked-in: is very close to company 'linkedin' (merge them and keep the other spelling as an alias of 'linkedin')",
        ],
    ),
    (
        "near-duplicate-tags",
        [
            "content/tags.yml:9: warning: feature-stores: is very close to tag 'feature-store' (merge them and keep the other spelling as an alias of 'feature-store')",
        ],
    ),
    (
        "single-use-tag",
        [
            "content/tags.yml:18: warning: llm-ops: is used by one entry only (content/entries/llm-ops-primer.md) (use a broader tag, or keep it only if more entries will follow)",
        ],
    ),
    (
        "tag-id-not-slug",
        [
            "content/tags.yml:18: Model Serving: tag id is not a slug (use 'model-serving')",
        ],
    ),
    (
        "tag-without-description",
        [
            "content/tags.yml:14: real-time-ml.description: is required (add `description: ...`)",
        ],
    ),
    (
        "tags-yml-empty",
        ["content/tags.yml:1: file: is empty (list each tag with a name and a description)"],
    ),
    (
        "tags-yml-syntax-error",
        [
            "content/tags.yml:3: tags.yml: YAML mapping values are not allowed in this context (a value that contains ': ' must be quoted)",
        ],
    ),
    (
        "too-many-tags",
        [
            "content/entries/everything-about-ml.md:5: tags: has 7 tags; at most 6 (keep the most specific ones)",
        ],
    ),
]


@pytest.mark.parametrize(("name", "expected"), ENTRY_RULES, ids=[n for n, _ in ENTRY_RULES])
def test_each_broken_entry_gets_exactly_its_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, expected: list[str]
) -> None:
    result = check_copy(tmp_path, monkeypatch, INVALID / "entries" / name)
    assert new_lines(result) == expected


@pytest.mark.parametrize(("name", "expected"), OVERLAY_RULES, ids=[n for n, _ in OVERLAY_RULES])
def test_each_broken_vocabulary_or_pair_gets_exactly_its_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, expected: list[str]
) -> None:
    result = check_copy(tmp_path, monkeypatch, INVALID / "overlays" / name)
    assert new_lines(result) == expected


def test_every_invalid_fixture_has_its_expected_message() -> None:
    assert sorted(p.name for p in (INVALID / "entries").iterdir()) == sorted(
        n for n, _ in ENTRY_RULES
    )
    assert sorted(p.name for p in (INVALID / "overlays").iterdir()) == sorted(
        n for n, _ in OVERLAY_RULES
    )


def test_the_fixture_catalog_is_valid_and_typed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = check_copy(tmp_path, monkeypatch, None)
    assert result.ok
    assert [p.format() for p in result.problems] == [ALREADY_THERE]
    catalog = result.catalog
    assert [e.slug for e in catalog.entries] == [
        "uber-realtime-thread",
        "data-distribution-shifts",
        "real-time-ml-challenges",
        "scaling-ml-productivity-linkedin",
        "michelangelo",
        "hidden-technical-debt",
        "full-stack-deep-learning",
    ]
    # Each precision a date may have, and none: the fixture's site shows them all.
    assert catalog.by_slug["hidden-technical-debt"].date == PublicationDate(2015)
    assert catalog.by_slug["scaling-ml-productivity-linkedin"].date == PublicationDate(2019, 1)
    assert catalog.by_slug["full-stack-deep-learning"].date is None
    assert catalog.undated == (catalog.by_slug["full-stack-deep-learning"],)
    michelangelo = catalog.by_slug["michelangelo"]
    assert michelangelo.company == "uber"  # written as the alias "Uber Engineering"
    assert michelangelo.tags == ("mlops", "feature-store")
    assert michelangelo.date == PublicationDate(2017, 9, 5)
    assert michelangelo.added == datetime.date(2026, 11, 1)
    assert michelangelo.summary.startswith("How Uber built one platform")
    assert catalog.by_slug["data-distribution-shifts"].tags == ("monitoring", "mlops")
    assert catalog.by_slug["scaling-ml-productivity-linkedin"].kind == "article"
    assert catalog.tag_counts() == {
        "feature-store": 2,
        "mlops": 6,
        "monitoring": 2,
        "real-time-ml": 2,
    }


def test_a_bom_and_crlf_line_endings_are_fine(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    entry = tmp_path / "rules-of-ml.md"
    entry.write_bytes(
        b"\xef\xbb\xbf---\r\ntitle: Rules of Machine Learning\r\n"
        b"url: https://developers.google.com/machine-learning/guides/rules-of-ml\r\n"
        b"date: 2022-09-12\r\ntags: [mlops]\r\n---\r\nWhy it is worth reading.\r\n"
    )
    result = check_copy(tmp_path / "run", monkeypatch, entry)
    assert new_lines(result) == []
    assert result.catalog.by_slug["rules-of-ml"].summary == "Why it is worth reading."


def test_every_problem_is_reported_in_one_run_sorted_by_file_and_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = tmp_path / "broken"
    (broken / "entries").mkdir(parents=True)
    for name in ("title-number.md", "tags-yes-no-on.md", "date-future.md", "unknown-key.md"):
        shutil.copy(INVALID / "entries" / name, broken / "entries" / name)
    result = check_copy(tmp_path / "run", monkeypatch, broken)
    lines = new_lines(result)
    assert [line.split(": ", 1)[0] for line in lines] == [
        "content/entries/date-future.md:4",
        "content/entries/tags-yes-no-on.md:7",
        "content/entries/tags-yes-no-on.md:8",
        "content/entries/title-number.md:2",
        "content/entries/unknown-key.md:6",
    ]
    assert not result.ok


def test_titles_that_differ_in_a_number_are_different_works(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    parts = tmp_path / "parts"
    (parts / "entries").mkdir(parents=True)
    for number in (1, 2):
        (parts / "entries" / f"soon-part-{number}.md").write_text(
            f"---\ntitle: SOON for near real-time data at Coinbase, Part {number}\n"
            f"url: https://www.coinbase.com/blog/soon-part-{number}\n"
            "date: 2023-01-25\ntags: [real-time-ml]\n---\nIngestion at Coinbase.\n"
        )
    assert new_lines(check_copy(tmp_path / "run", monkeypatch, parts)) == []


def test_an_unreadable_vocabulary_is_one_problem_not_one_per_entry(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    content = tmp_path / "content"
    shutil.copytree(FIXTURES / "content", content)
    (content / "tags.yml").unlink()
    (content / "companies.yml").write_text("uber: [unclosed\n")
    monkeypatch.chdir(tmp_path)
    result = validate(load_content("content"), TODAY)
    assert new_lines(result) == [
        "content/companies.yml:1: companies.yml: YAML did not find expected ',' or ']'"
        " while parsing a flow sequence (close the list with ])",
        "content/tags.yml:1: file: is missing (create tags.yml; see CONTRIBUTING.md)",
    ]


def test_values_that_look_ordinary_but_are_not_still_get_their_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    entry = tmp_path / "almost-ordinary.md"
    entry.write_text(
        "---\n"
        'title: "  Rules of Machine Learning, again  "\n'
        "url: https://developers.google.com/machine-learning/guides/rules-of-ml-again\n"
        "date: 1799-12-31\n"
        'tags: ["  mlops  ", "", "nowhere"]\n'
        'authors: ["  Martin Zinkevich  ", TODO]\n'
        'added: "2026-11-01\\n"\n'
        "---\n"
        "TODO\n",
        encoding="utf-8",
    )
    result = check_copy(tmp_path, monkeypatch, entry)
    assert new_lines(result) == [
        "content/entries/almost-ordinary.md:4: date: '1799-12-31' is before 1800 (check the year)",
        "content/entries/almost-ordinary.md:5: tags: 'nowhere' is not in the tag vocabulary"
        " (pick a tag from content/tags.yml, or add a new one there with a description)",
        "content/entries/almost-ordinary.md:5: tags: has an empty item (remove it)",
        "content/entries/almost-ordinary.md:6: authors: 'TODO' is a placeholder"
        " (name the authors, or remove the line)",
        "content/entries/almost-ordinary.md:9: summary: is a placeholder"
        " (write the summary or leave it empty)",
    ]  # padding around text, list items and a date is no problem
