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

from readinglist.catalog.model import FIELD_NAMES, Catalog, Entry, PublicationDate, Tag
from readinglist.cli import main
from readinglist.config import SiteConfig
from readinglist.site.exports import (
    CSV_COLUMNS,
    ENTRY_FIELDS,
    catalog_csv,
    catalog_document,
    catalog_json,
    catalog_markdown,
    entry_document,
    github_anchor,
)
from readinglist.site.markup import render_markdown
from readinglist.site.render import render_site

FIXTURE = Path(__file__).parent / "fixtures" / "content"
TODAY = datetime.date(2026, 11, 24)


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
        "- [MLOps](#mlops) (6)",
        "- [Monitoring](#monitoring) (2)",
        "- [Real-time ML](#real-time-ml) (2)",
    ]
    assert "7 entries in 4 tags" in text


def test_markdown_lists_entries_newest_first_within_a_tag(catalog: Catalog) -> None:
    lines = _section(catalog_markdown(catalog), "MLOps")
    titles = [line[3 : line.index("](")] for line in lines]
    assert titles == [
        "Data Distribution Shifts and Monitoring",
        "Real-time machine learning: challenges and solutions",
        "Scaling Machine Learning Productivity at LinkedIn",
        "Meet Michelangelo, Uber's Machine Learning Platform",
        "Hidden Technical Debt in Machine Learning Systems",
        "Full Stack Deep Learning",
    ]
    assert lines[2] == (
        "- [Scaling Machine Learning Productivity at LinkedIn]"
        "(https://engineering.linkedin.com/blog/2019/01/scaling-machine-learning-productivity-at-linkedin)"
        " (2019-01, LinkedIn, article)"
        " - LinkedIn's Pro-ML programme: one toolchain from features to monitoring."
    )
    # Each date as precisely as it is known; an undated entry shows none.
    assert lines[4].endswith("(2015, paper)")
    assert "(course) - A course on building" in lines[5]


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
        date=PublicationDate(2020, 1, 1),
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


def test_the_site_carries_catalog_json(catalog: Catalog) -> None:
    site = render_site(catalog, SiteConfig())
    assert site["catalog.json"].decode() == catalog_json(catalog)
    assert json.loads(site["catalog.json"]) == catalog_document(catalog)


def test_entry_fields_are_the_file_name_the_front_matter_and_the_summary(
    catalog: Catalog,
) -> None:
    assert ENTRY_FIELDS[1:-1] == FIELD_NAMES
    assert (ENTRY_FIELDS[0], ENTRY_FIELDS[-1]) == ("slug", "summary")
    assert CSV_COLUMNS == ENTRY_FIELDS
    michelangelo = entry_document(catalog.by_slug["michelangelo"])
    assert tuple(michelangelo) == ENTRY_FIELDS
    assert michelangelo["date"] == "2017-09-05"
    assert michelangelo["tags"] == ["mlops", "feature-store"]
    undated = entry_document(dataclasses.replace(catalog.entries[0], added=None, company=None))
    assert undated["added"] is None
    assert undated["company"] is None


def test_catalog_json_has_one_item_a_line(catalog: Catalog) -> None:
    first, *lines = catalog_json(catalog).splitlines()
    assert first == '{"version": 2,'
    items = [json.loads(line.rstrip(",")) for line in lines if line.startswith("{")]
    document = catalog_document(catalog)
    assert items == [*document["entries"], *document["tags"], *document["companies"]]


def test_each_export_writes_a_date_to_its_precision_and_none_as_empty(catalog: Catalog) -> None:
    expected = {
        "michelangelo": "2017-09-05",
        "scaling-ml-productivity-linkedin": "2019-01",
        "hidden-technical-debt": "2015",
        "full-stack-deep-learning": None,
    }
    documents = {e["slug"]: e for e in catalog_document(catalog)["entries"]}
    assert {slug: documents[slug]["date"] for slug in expected} == expected
    rows = {r["slug"]: r for r in csv.DictReader(io.StringIO(catalog_csv(catalog), newline=""))}
    assert {slug: rows[slug]["date"] for slug in expected} == {
        slug: date or "" for slug, date in expected.items()
    }
