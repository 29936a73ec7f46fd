"""writer: entry files with their fields in reference order, never over another file."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from authoring_cli import EXISTING, import_content
from readinglist.authoring.writer import format_entry, write_entry_file
from readinglist.catalog.check import validate
from readinglist.catalog.read import load_content

TODAY = datetime.date(2026, 11, 24)


@pytest.fixture
def content(tmp_path: Path) -> Path:
    return import_content(tmp_path)


def test_format_entry_writes_fields_in_reference_order_and_reads_back(content: Path) -> None:
    text = format_entry(
        {
            "added": TODAY,
            "authors": ["D. Sculley", "Jean-François Crespo"],
            "kind": "paper",
            "company": "",
            "tags": ["mlops"],
            "date": datetime.date(2015, 12, 7),
            "url": "https://acme.dev/debt",
            "title": "Debt: a 'hidden' cost #1",
        },
        "  A summary.  \n",
    )
    assert text == (
        "---\n"
        "title: 'Debt: a ''hidden'' cost #1'\n"
        "url: https://acme.dev/debt\n"
        "date: 2015-12-07\n"
        "tags: [mlops]\n"
        "kind: paper\n"
        "authors: [D. Sculley, Jean-François Crespo]\n"
        "added: 2026-11-24\n"
        "---\n"
        "A summary.\n"
    )
    path = content / "entries" / "debt.md"
    assert write_entry_file(path, text) is None
    problems = validate(load_content(content), TODAY).problems
    assert [p for p in problems if p.path == str(path)] == []


def test_write_entry_file_never_overwrites(content: Path) -> None:
    path = content / "entries" / "data-distribution-shifts-and-monitoring.md"
    problem = write_entry_file(path, "---\ntitle: other\n---\n")
    assert problem is not None
    assert problem.format() == f"{path}:1: file: already exists (nothing was overwritten)"
    assert path.read_text() == EXISTING


def test_format_entry_without_lists_writes_one_field_per_line() -> None:
    text = format_entry(
        {"title": "Plain", "url": "https://acme.dev/plain", "date": datetime.date(2020, 1, 2)}
    )
    assert text == "---\ntitle: Plain\nurl: https://acme.dev/plain\ndate: 2020-01-02\n---\n"
