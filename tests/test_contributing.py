"""CONTRIBUTING.md and the GitHub templates say what the tools really do."""

from __future__ import annotations

import datetime
import re
import shutil
from pathlib import Path

import pytest
import yaml

from readinglist.authoring.new import (
    REFERENCE_END,
    REFERENCE_START,
    field_reference,
    with_field_reference,
)
from readinglist.catalog.check import validate
from readinglist.catalog.model import FIELDS
from readinglist.catalog.read import load_content
from readinglist.cli import main, make_parser

ROOT = Path(__file__).parent.parent
CONTRIBUTING = ROOT / "CONTRIBUTING.md"


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


def test_the_example_entry_passes_the_checker(tmp_path: Path) -> None:
    example = re.search(r"```markdown\n(---\n.*?)```", CONTRIBUTING.read_text(), re.DOTALL)
    assert example is not None
    content = tmp_path / "content"
    (content / "entries").mkdir(parents=True)
    for name in ("tags.yml", "companies.yml"):
        shutil.copy(ROOT / "content" / name, content / name)
    (content / "entries" / "rules-of-machine-learning.md").write_text(example[1])
    result = validate(load_content(content), datetime.date(2026, 11, 24))
    assert [p for p in result.problems if p.severity == "error"] == []
    assert [e.slug for e in result.catalog.entries] == ["rules-of-machine-learning"]


def test_every_command_is_named_in_contributing() -> None:
    named = set(re.findall(r"`(\w+)`", CONTRIBUTING.read_text().split("## Everything", 1)[1]))
    subparsers = make_parser()._subparsers
    assert subparsers is not None
    (action,) = subparsers._group_actions
    assert isinstance(action.choices, dict)
    assert set(action.choices) <= named


def test_pull_request_template_is_a_short_checklist() -> None:
    text = (ROOT / ".github" / "PULL_REQUEST_TEMPLATE.md").read_text()
    items = [line for line in text.splitlines() if line.startswith("- [ ] ")]
    assert 3 <= len(items) <= 7
    assert any("readinglist check" in item for item in items)


def test_suggest_a_resource_form_asks_for_title_url_and_why() -> None:
    form = yaml.safe_load(
        (ROOT / ".github" / "ISSUE_TEMPLATE" / "suggest-resource.yml").read_text()
    )
    assert form["name"] == "Suggest a resource"
    fields = {item["id"]: item for item in form["body"] if "id" in item}
    for ident, kind in (("title", "input"), ("url", "input"), ("why", "textarea")):
        assert fields[ident]["type"] == kind
        assert fields[ident]["validations"]["required"] is True
