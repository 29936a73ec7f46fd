"""fields: one entry file checked against a vocabulary, to a FileCheck of plain data."""

from __future__ import annotations

import dataclasses
import datetime
import pickle

import pytest

from readinglist.catalog.fields import FileCheck, check_entry_file
from readinglist.catalog.model import Company, PublicationDate, Tag
from readinglist.catalog.vocabulary import Vocabulary

TODAY = datetime.date(2026, 11, 24)
VOCABULARY = Vocabulary.of(
    {
        "mlops": Tag("mlops", "MLOps", "Running ML in production.", ("ML Ops",)),
        "monitoring": Tag("monitoring", "Monitoring", "Watching models."),
    },
    {"uber": Company("uber", "Uber", aliases=("Uber Engineering",))},
)
ENTRY = (
    b"---\ntitle: Meet Michelangelo\n"
    b"url: https://www.uber.com/blog/michelangelo/\n"
    b"date: 2017-09-05\ntags: [ML Ops, monitoring]\ncompany: Uber Engineering\n"
    b"---\nHow Uber built one platform.\n"
)


def test_a_valid_file_gives_its_entry_and_what_the_checks_across_entries_need() -> None:
    check = check_entry_file("e/michelangelo.md", "michelangelo", ENTRY, VOCABULARY, TODAY)
    assert check.problems == ()
    assert check.entry is not None
    assert check.entry.tags == ("mlops", "monitoring")
    assert check.entry.company == "uber"
    assert check.entry.date == PublicationDate(2017, 9, 5)
    assert check.url_key == "https://uber.com/blog/michelangelo"
    assert check.tags == ("mlops", "monitoring")
    assert (check.title_line, check.url_line) == (2, 3)


def test_a_file_with_an_error_has_no_entry_but_still_counts_its_tags() -> None:
    data = ENTRY.replace(b"date: 2017-09-05", b"date: 2999-01-01")
    check = check_entry_file("e/michelangelo.md", "michelangelo", data, VOCABULARY, TODAY)
    assert check.entry is None
    assert [p.format() for p in check.problems] == [
        "e/michelangelo.md:4: date: '2999-01-01' is in the future (use the day it was published)"
    ]
    assert check.tags == ("mlops", "monitoring")


def test_a_file_that_cannot_be_read_has_only_that_problem() -> None:
    check = check_entry_file("e/x.md", "x", b"\xff\xfe", VOCABULARY, TODAY)
    assert check == FileCheck("e/x.md", None, check.problems)
    assert [p.field for p in check.problems] == ["file"]


def test_a_file_check_is_frozen_plain_data() -> None:
    check = check_entry_file("e/michelangelo.md", "michelangelo", ENTRY, VOCABULARY, TODAY)
    assert pickle.loads(pickle.dumps(check)) == check
    with pytest.raises(dataclasses.FrozenInstanceError):
        check.path = "elsewhere"  # type: ignore[misc]
