"""CONTRIBUTING.md and the GitHub templates say what the tools really do."""

from __future__ import annotations

import datetime
import re
import shutil
from pathlib import Path

import yaml

from readinglist.catalog.check import validate
from readinglist.catalog.read import load_content
from readinglist.cli import make_parser

ROOT = Path(__file__).parent.parent
CONTRIBUTING = ROOT / "CONTRIBUTING.md"


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
