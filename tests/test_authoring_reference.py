"""reference: the field reference of CONTRIBUTING.md, made from the model by
``readinglist docs``."""

from __future__ import annotations

from pathlib import Path

import pytest

from readinglist.authoring.reference import (
    REFERENCE_END,
    REFERENCE_START,
    field_reference,
    with_field_reference,
)
from readinglist.catalog.model import FIELDS
from readinglist.cli import main

CONTRIBUTING = Path(__file__).parent.parent / "CONTRIBUTING.md"


def test_the_field_reference_is_in_sync_with_the_model() -> None:
    text = CONTRIBUTING.read_text()
    assert with_field_reference(text) == text, "run: .venv/bin/readinglist docs"
    table = text.split(REFERENCE_START, 1)[1].split(REFERENCE_END, 1)[0]
    assert [line.split("`")[1] for line in table.splitlines() if line.startswith("| `")] == [
        spec.name for spec in FIELDS
    ]


def test_field_reference_has_a_row_per_field_with_its_example() -> None:
    rows = field_reference().splitlines()[2:]
    assert len(rows) == len(FIELDS)
    assert rows[0] == (
        "| `title` | yes | text | The resource's own title, as its author wrote it."
        " | `title: Rules of Machine Learning` |"
    )


def test_docs_command_regenerates_an_outdated_reference(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    outdated = tmp_path / "CONTRIBUTING.md"
    outdated.write_text(f"# Contributing\n\n{REFERENCE_START}\n| old |\n{REFERENCE_END}\n\nEnd.\n")
    assert main(["docs", "--check", "--file", str(outdated)]) == 1
    assert f"{outdated} is out of date: run readinglist docs" in capsys.readouterr().err
    assert main(["docs", "--file", str(outdated)]) == 0
    assert outdated.read_text() == (
        f"# Contributing\n\n{REFERENCE_START}\n\n{field_reference()}\n{REFERENCE_END}\n\nEnd.\n"
    )
    assert main(["docs", "--check", "--file", str(outdated)]) == 0


def test_docs_command_says_where_the_markers_go(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plain = tmp_path / "CONTRIBUTING.md"
    plain.write_text("# Contributing\n")
    assert main(["docs", "--file", str(plain)]) == 1
    assert f"{plain}:1: file: has no field reference markers" in capsys.readouterr().err
    assert plain.read_text() == "# Contributing\n"
