"""``readinglist export``: the catalog as a Markdown list, JSON and CSV."""

from __future__ import annotations

import csv
import dataclasses
import datetime
import io
import json
import shutil
from pathlib import Path

import pytest

from readinglist.catalog.check import validate
from readinglist.catalog.model import Catalog, Entry, Tag
from readinglist.catalog.read import load_content
from readinglist.cli import main
from readinglist.config import SiteConfig
from readinglist.site.exports import (
    CSV_COLUMNS,
    ExportMemory,
    catalog_csv,
    catalog_document,
    catalog_json,
    catalog_markdown,
    edited_catalog_json,
    edited_catalog_markdown,
    github_anchor,
    markdown_line,
)
from readinglist.site.markup import render_markdown
from readinglist.site.pages import render_site

FIXTURE = Path(__file__).parent / "fixtures" / "content"
TODAY = datetime.date(2026, 11, 24)


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    result = validate(load_content(FIXTURE), TODAY)
    assert result.ok
    return result.catalog


def _section(markdown: str, heading: str) -> list[str]:
    after = markdown.split(f"\n## {heading}\n", 1)[1]
    return [line for line in after.split("\n## ", 1)[0].splitlines() if line.startswith("- ")]


def test_markdown_has_a_section_per_tag_in_name_order_with_contents(catalog: Catalog) -> None:
    text = catalog_markdown(catalog)
    assert text.startswith("# readinglist\n")
    headings = [line[3:] for line in text.splitlines() if line.startswith("## ")]
    assert headings == ["Contents", "Feature store", "MLOps", "Monitoring", "Real-time ML"]
    assert _section(text, "Contents") == [
        "- [Feature store](#feature-store) (2)",
        "- [MLOps](#mlops) (5)",
        "- [Monitoring](#monitoring) (2)",
        "- [Real-time ML](#real-time-ml) (2)",
    ]
    assert "6 entries in 4 tags" in text


def test_markdown_lists_entries_newest_first_within_a_tag(catalog: Catalog) -> None:
    lines = _section(catalog_markdown(catalog), "MLOps")
    titles = [line[3 : line.index("](")] for line in lines]
    assert titles == [
        "Data Distribution Shifts and Monitoring",
        "Real-time machine learning: challenges and solutions",
        "Scaling Machine Learning Productivity at LinkedIn",
        "Meet Michelangelo, Uber's Machine Learning Platform",
        "Hidden Technical Debt in Machine Learning Systems",
    ]
    assert lines[2] == (
        "- [Scaling Machine Learning Productivity at LinkedIn]"
        "(https://engineering.linkedin.com/blog/2019/01/scaling-machine-learning-productivity-at-linkedin)"
        " (2019-01-03, LinkedIn, article)"
        " - LinkedIn's Pro-ML programme: one toolchain from features to monitoring."
    )
    assert lines[4].endswith("(2015-12-07, paper)")


def test_markdown_shows_hostile_text_as_text(catalog: Catalog) -> None:
    text = catalog_markdown(catalog)
    html = render_markdown(text)
    assert "<script" not in html
    assert "javascript:" not in text
    assert "onerror" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    line = _section(text, "Real-time ML")[0]
    assert line.endswith(" - Replies worth reading. a bad link and should all come out harmless.")


def test_github_anchor_matches_githubs_heading_ids() -> None:
    assert github_anchor("Real-time ML") == "real-time-ml"
    assert github_anchor("CI/CD & Testing") == "cicd--testing"


def test_csv_has_one_row_per_entry_newest_first(catalog: Catalog) -> None:
    text = catalog_csv(catalog)
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert [r["slug"] for r in rows] == [e.slug for e in catalog.entries]
    michelangelo = next(r for r in rows if r["slug"] == "michelangelo")
    assert michelangelo["tags"] == "mlops; feature-store"
    assert michelangelo["authors"] == "Jeremy Hermann; Mike Del Balso"
    assert michelangelo["company"] == "uber"
    assert michelangelo["summary"].startswith("How Uber built one platform")
    assert text.endswith("\r\n")


def test_csv_never_starts_a_cell_like_a_formula() -> None:
    entry = Entry(
        slug="formula",
        title='=HYPERLINK("http://evil.test")',
        url="https://example.org/a",
        date=datetime.date(2020, 1, 1),
        tags=("t",),
        summary="+1 for this",
    )
    catalog = Catalog.build([entry], {"t": Tag("t", "T", "d")}, {})
    row = next(csv.DictReader(io.StringIO(catalog_csv(catalog), newline="")))
    assert row["title"] == '\'=HYPERLINK("http://evil.test")'
    assert row["summary"] == "'+1 for this"


def test_export_cli_json_is_the_catalog_json_schema(
    catalog: Catalog, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["export", "--format", "json", "--content", str(FIXTURE)]) == 0
    assert json.loads(capsys.readouterr().out) == catalog_document(catalog)


def test_export_cli_writes_the_file_named_by_out(catalog: Catalog, tmp_path: Path) -> None:
    out = tmp_path / "list.csv"
    assert main(["export", "--format", "csv", "--out", str(out), "--content", str(FIXTURE)]) == 0
    assert out.read_bytes().decode() == catalog_csv(catalog)
    assert [p.name for p in tmp_path.iterdir()] == ["list.csv"]


def test_export_cli_refuses_an_invalid_catalog(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    content = tmp_path / "content"
    shutil.copytree(FIXTURE, content)
    entry = content / "entries" / "michelangelo.md"
    entry.write_text(entry.read_text().replace("date: 2017-09-05", "date: 2017-09-31"))
    out = tmp_path / "list.md"
    assert main(["export", "--out", str(out), "--content", str(content)]) == 1
    err = capsys.readouterr().err
    assert f"{entry}:4: date: '2017-09-31' is not a calendar date (" in err
    assert "nothing was exported" in err
    assert not out.exists()


def test_the_site_carries_the_markdown_list(catalog: Catalog) -> None:
    config = SiteConfig(title="MLOps reading", base_url="/list/")
    site = render_site(catalog, config)
    assert site["list.md"].decode() == catalog_markdown(catalog, config)
    assert site["list.md"].startswith(b"# MLOps reading\n")


def test_exports_that_remember_lines_match_exports_made_afresh(catalog: Catalog) -> None:
    memory = ExportMemory()
    assert catalog_json(catalog, memory) == catalog_json(catalog)
    assert catalog_markdown(catalog, memory=memory) == catalog_markdown(catalog)
    first, *rest = catalog.entries
    edited = dataclasses.replace(first, title="A new title", summary="Now with **more**.")
    renamed = {
        ident: dataclasses.replace(company, name=f"{company.name} Inc.")
        for ident, company in catalog.companies.items()
    }
    changed = Catalog.build([edited, *rest[1:]], catalog.tags, renamed)
    assert catalog_json(changed, memory) == catalog_json(changed)
    assert catalog_markdown(changed, memory=memory) == catalog_markdown(changed)
    assert "A new title" in catalog_json(changed, memory)
    assert set(memory.json_rows) == {e.path for e in changed.entries}


def test_exports_made_from_the_last_ones_match_exports_made_afresh(catalog: Catalog) -> None:
    render = render_markdown
    first, second, *rest = catalog.entries
    edits = [
        (first, dataclasses.replace(first, title="A new title", summary="Now with **more**.")),
        (second, dataclasses.replace(second, url="https://papers.test/moved")),
    ]
    changed = Catalog.build([edits[0][1], edits[1][1], *rest], catalog.tags, catalog.companies)
    previous_json = catalog_json(catalog).encode()
    previous_markdown = catalog_markdown(catalog, render=render).encode()
    assert edited_catalog_json(previous_json, edits) == catalog_json(changed).encode()
    assert (
        edited_catalog_markdown(previous_markdown, changed, edits, render)
        == catalog_markdown(changed, render=render).encode()
    )
    # An entry edited back: its line, as it was, is found again.
    back = [(new, old) for old, new in edits]
    assert edited_catalog_json(catalog_json(changed).encode(), back) == previous_json


def test_exports_not_made_from_last_ones_that_do_not_hold_the_edited_lines(
    catalog: Catalog,
) -> None:
    first = catalog.entries[0]
    edit = [(dataclasses.replace(first, title="Not what it was"), first)]
    assert edited_catalog_json(catalog_json(catalog).encode(), edit) is None
    markdown = catalog_markdown(catalog, render=render_markdown).encode()
    assert edited_catalog_markdown(markdown, catalog, edit, render_markdown) is None
    # Under fewer tags than the entry has: the list was not made from this catalog.
    entry = next(e for e in catalog.entries if len(e.tags) > 1)
    line = "\n" + markdown_line(catalog, entry, render_markdown) + "\n"
    shortened = markdown.replace(line.encode(), b"\n", 1)
    renamed = [(entry, dataclasses.replace(entry, title="Renamed"))]
    assert edited_catalog_markdown(markdown, catalog, renamed, render_markdown) is not None
    assert edited_catalog_markdown(shortened, catalog, renamed, render_markdown) is None
