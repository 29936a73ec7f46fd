"""``readinglist import``: an awesome-list Markdown file to entry files, and its report.

The golden test imports tests/fixtures/seeds/awesome-mlops-articles.md into a
fresh content folder holding the vocabularies of tests/fixtures/import/ and
compares every written entry file, and the printed report, with
tests/golden/import/. After an intended change, regenerate the golden files and
review them in ``git diff``::

    READINGLIST_REGENERATE=1 .venv/bin/pytest tests/test_authoring_importer.py
"""

from __future__ import annotations

import datetime
import difflib
import os
import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from authoring_cli import VOCABULARY, import_content
from readinglist.authoring.importer import ImportResult, import_list, plan_import
from readinglist.catalog.read import load_content, parse_entry
from readinglist.cli import main

HERE = Path(__file__).parent
SEED = HERE / "fixtures" / "seeds" / "awesome-mlops-articles.md"
GOLDEN = HERE / "golden" / "import"
TODAY = datetime.date(2026, 11, 24)
ADDED = datetime.date(2026, 11, 20)
SOURCE = "list.md"


@pytest.fixture
def content(tmp_path: Path) -> Path:
    return import_content(tmp_path)


def plan(text: str, content: Path) -> ImportResult:
    return plan_import(text, SOURCE, load_content(content), ADDED, TODAY)


def report_lines(result: ImportResult) -> list[str]:
    return [p.format() for p in result.problems]


# Mapping items: each report message, exactly.


def test_a_clean_item_becomes_an_entry_with_canonical_tags_and_company(content: Path) -> None:
    text = (
        "## [Deployment for Free](https://multithreaded.stitchfix.com/blog/deploy/)\n"
        "Date: Jul 19, 2022<BR>\n"
        "Tags: MLOps, In-House case, Use case<BR>\n"
        "Company: Stitch<BR>\n"
    )
    result = plan(text, content)
    assert result.problems == ()
    assert [e.path for e in result.entries] == [str(content / "entries/deployment-for-free.md")]
    assert result.entries[0].text == (
        "---\n"
        "title: Deployment for Free\n"
        "url: https://multithreaded.stitchfix.com/blog/deploy/\n"
        "date: 2022-07-19\n"
        "tags: [mlops, case-study]\n"
        "company: Stitch Fix\n"
        "kind: article\n"
        "added: 2026-11-20\n"
        "---\n"
    )


@pytest.mark.parametrize(
    ("given", "written"),
    [("2019", "2019"), ("Mar 2019", "2019-03"), ("March 2019", "2019-03"), ("2019-03", "2019-03")],
)
def test_a_year_or_a_month_is_imported_as_written_never_given_a_day(
    content: Path, given: str, written: str
) -> None:
    text = (
        "## [Deployment for Free](https://multithreaded.stitchfix.com/blog/deploy/)\n"
        f"Date: {given}<BR>\nTags: MLOps<BR>\n"
    )
    result = plan(text, content)
    assert result.problems == ()
    assert f"\ndate: {written}\n" in result.entries[0].text


def test_unknown_tags_and_companies_are_dropped_and_reported(content: Path) -> None:
    text = (
        "## [Alpa](https://acme.dev/alpa)\n"
        "Date: Mar 22, 2023<BR>\n"
        "Tags: Ray, Alpa, Monitorin<BR>\n"
        "Company: Acme Labs<BR>\n"
    )
    result = plan(text, content)
    assert len(result.entries) == 1
    assert "tags: [ray]\n" in result.entries[0].text
    assert "company" not in result.entries[0].text
    assert report_lines(result) == [
        "list.md:3: warning: tags: 'Alpa' is not in the tag vocabulary; dropped"
        f" (add it to {content}/tags.yml, or as an alias of a tag, to keep it)",
        "list.md:3: warning: tags: 'Monitorin' is not in the tag vocabulary; dropped"
        f" (did you mean 'monitoring'? add it to {content}/tags.yml, or as an alias of a tag,"
        " to keep it)",
        f"list.md:4: warning: company: 'Acme Labs' is not in {content}/companies.yml; dropped"
        " (add it there to keep it)",
    ]


def test_items_without_a_usable_date_are_skipped_never_dated(content: Path) -> None:
    text = (
        "## [No date](https://acme.dev/1)\n"
        "Tags: Ray<BR>\n"
        "## [Odd date](https://acme.dev/2)\n"
        "Date: sometime in 2023<BR>\n"
        "Tags: Ray<BR>\n"
        "## [Future](https://acme.dev/3)\n"
        "Date: 2099-01-01<BR>\n"
        "Tags: Ray<BR>\n"
    )
    result = plan(text, content)
    assert result.entries == ()
    assert report_lines(result) == [
        "list.md:1: date: is missing; item skipped (add a Date: line; dates are never guessed)",
        "list.md:4: date: 'sometime in 2023' is not a date; item skipped"
        " (write Date: 2023, Mar 2023, 2023-03, Mar 22, 2023 or 2023-03-22)",
        "list.md:6: date: '2099-01-01' is in the future; item skipped"
        " (use the day it was published)",
    ]


def test_a_resource_already_listed_or_given_twice_is_skipped_naming_the_first(
    content: Path,
) -> None:
    text = (
        "## [Shifts](http://www.huyenchip.com/2022/02/07/data-distribution-shifts-and-"
        "monitoring.html?utm_source=x)\n"
        "Date: Feb 7, 2022<BR>\n"
        "Tags: Drift<BR>\n"
        "## [Best Practices for ML Engineering](https://developers.google.com/rules-of-ml)\n"
        "Date: Sep 12, 2022<BR>\n"
        "Tags: Principles<BR>\n"
        "## [Rules of Machine Learning](https://developers.google.com/rules-of-ml/)\n"
        "Date: Sep 12, 2022<BR>\n"
        "Tags: Principles<BR>\n"
    )
    result = plan(text, content)
    assert [e.source_line for e in result.entries] == [4]
    existing = content / "entries" / "data-distribution-shifts-and-monitoring.md"
    assert report_lines(result) == [
        f"list.md:1: url: same resource as {existing}; item skipped (improve that entry instead)",
        "list.md:7: url: same resource as line 4 (Best Practices for ML Engineering);"
        " item skipped (each resource appears once)",
    ]


def test_items_the_checker_would_refuse_are_skipped(content: Path) -> None:
    text = (
        "- [No tags](https://acme.dev/1)\n"
        "  Date: Jan 1, 2023\n"
        "- [Unknown tags](https://acme.dev/2)\n"
        "  Date: Jan 1, 2023\n"
        "  Tags: Quilting\n"
        "- [Relative](/docs/page)\n"
        "  Date: Jan 1, 2023\n"
        "  Tags: Ray\n"
        "- [](https://acme.dev/4)\n"
        "  Date: Jan 1, 2023\n"
        "  Tags: Ray\n"
        "- [TODO](https://acme.dev/5)\n"
        "  Date: Jan 1, 2023\n"
        "  Tags: Ray\n"
    )
    result = plan(text, content)
    assert result.entries == ()
    assert report_lines(result) == [
        "list.md:1: tags: are missing; item skipped (an entry needs at least one tag)",
        f"list.md:5: warning: tags: 'Quilting' is not in the tag vocabulary; dropped"
        f" (add it to {content}/tags.yml, or as an alias of a tag, to keep it)",
        "list.md:5: tags: none is in the tag vocabulary; item skipped"
        " (an entry needs at least one tag)",
        "list.md:6: url: '/docs/page' is not absolute; item skipped (write https://docs/page)",
        "list.md:9: title: the link has no text; item skipped (write [Title](url))",
        "list.md:12: title: 'TODO' is a placeholder; item skipped (use the resource's own title)",
    ]


def test_more_than_six_tags_keeps_the_first_six(content: Path) -> None:
    text = (
        "- [Many](https://acme.dev/many)\n"
        "  Date: Jan 1, 2023\n"
        "  Tags: Ray, Kubernetes, Security, Surveys, Data, APIs, Trends, LLMs\n"
    )
    result = plan(text, content)
    assert "tags: [ray, kubernetes, security, surveys, data, apis]\n" in result.entries[0].text
    assert report_lines(result) == [
        "list.md:3: warning: tags: more than 6 tags; dropped 'trends', 'llms'",
    ]


def test_a_taken_file_name_gets_a_suffix(content: Path) -> None:
    text = (
        "- [Data Distribution Shifts and Monitoring](https://other.dev/shifts)\n"
        "  Date: Jan 1, 2023\n"
        "  Tags: Drift\n"
        "- [Data distribution shifts and monitoring!](https://third.dev/shifts)\n"
        "  Date: Jan 1, 2023\n"
        "  Tags: Drift\n"
    )
    result = plan(text, content)
    assert [Path(e.path).name for e in result.entries] == [
        "data-distribution-shifts-and-monitoring-2.md",
        "data-distribution-shifts-and-monitoring-3.md",
    ]
    assert report_lines(result) == [
        "list.md:1: warning: file: data-distribution-shifts-and-monitoring.md is taken;"
        " writing data-distribution-shifts-and-monitoring-2.md",
        "list.md:4: warning: file: data-distribution-shifts-and-monitoring.md is taken;"
        " writing data-distribution-shifts-and-monitoring-3.md",
    ]


def test_a_broken_vocabulary_stops_the_import(content: Path) -> None:
    (content / "tags.yml").write_text("mlops: [unclosed\n")
    result = plan("- [A](https://acme.dev/)\n  Date: Jan 1, 2023\n  Tags: MLOps\n", content)
    assert result.failed
    assert result.entries == ()
    assert [p.path for p in result.problems] == [str(content / "tags.yml")]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.text(max_size=60),
            st.builds(lambda t, u: f"- [{t}]({u})", st.text(max_size=20), st.text(max_size=30)),
            st.builds(
                lambda k, v: f"{k}: {v}<BR>",
                st.sampled_from(["Date", "Tags", "Company", "date"]),
                st.text(max_size=30),
            ),
        ),
        max_size=12,
    )
)
def test_any_text_gives_entries_and_problems_never_an_exception(lines: list[str]) -> None:
    result = plan_import("\n".join(lines), SOURCE, load_content(VOCABULARY), ADDED, TODAY)
    for entry in result.entries:
        parsed, problems = parse_entry(entry.text.encode(), entry.path, Path(entry.path).stem)
        assert parsed is not None, problems
    for problem in result.problems:
        assert problem.format().startswith(f"{SOURCE}:")


def test_import_leaves_a_file_with_the_same_name_alone(content: Path, tmp_path: Path) -> None:
    source = tmp_path / "list.md"
    source.write_text("- [Fresh](https://acme.dev/fresh)\n  Date: Jan 1, 2023\n  Tags: Ray\n")
    # Not an entry the catalog can read, so only the file system knows the name is taken.
    taken = content / "entries" / "fresh.md"
    taken.write_text("mine\n")
    result = import_list(source, content, ADDED, TODAY)
    assert taken.read_text() == "mine\n"
    assert result.written == (str(content / "entries" / "fresh-2.md"),)


# The command line.


def test_cli_writes_entries_and_reports(
    content: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "list.md"
    source.write_text(
        "- [Fresh](https://acme.dev/fresh)\n  Date: Jan 1, 2023\n  Tags: Ray, Alpa\n"
        "- [Undated](https://acme.dev/undated)\n  Tags: Ray\n"
    )
    code = main(["import", str(source), "--content", str(content), "--added", "2026-11-20"])
    out = capsys.readouterr().out
    written = content / "entries" / "fresh.md"
    assert code == 0
    assert out == (
        f"wrote {written}\n"
        f"{source}:3: warning: tags: 'Alpa' is not in the tag vocabulary; dropped"
        f" (add it to {content}/tags.yml, or as an alias of a tag, to keep it)\n"
        f"{source}:4: date: is missing; item skipped (add a Date: line; dates are never guessed)\n"
        f"{source}: 2 links, 1 written, 1 skipped, 2 problems\n"
    )
    assert "added: 2026-11-20\n" in written.read_text()
    assert main(["check", "--strict", "--content", str(content)]) == 1  # one-use tag warning
    assert "0 errors" in capsys.readouterr().out


def test_cli_dry_run_writes_nothing(
    content: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "list.md"
    source.write_text("- [Fresh](https://acme.dev/fresh)\n  Date: Jan 1, 2023\n  Tags: Ray\n")
    before = sorted(p.name for p in (content / "entries").iterdir())
    assert main(["import", str(source), "--content", str(content), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert out == (
        f"would write {content / 'entries' / 'fresh.md'}\n"
        f"{source}: 1 link, 1 would be written, 0 skipped, 0 problems\n"
    )
    assert sorted(p.name for p in (content / "entries").iterdir()) == before


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (None, "file: cannot be read: No such file or directory"),
        (b"- [A](https://acme.dev/)\n\xff\xfe", "file: is not UTF-8 (byte 0xff at offset 25)"),
    ],
)
def test_cli_exits_1_without_a_traceback_when_the_list_cannot_be_read(
    content: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    data: bytes | None,
    message: str,
) -> None:
    source = tmp_path / "list.md"
    if data is not None:
        source.write_bytes(data)
    assert main(["import", str(source), "--content", str(content)]) == 1
    out = capsys.readouterr().out
    line = 2 if data else 1
    assert out.splitlines()[0].startswith(f"{source}:{line}: {message}")
    assert "Traceback" not in out


def test_cli_exits_1_and_writes_nothing_without_a_vocabulary(
    content: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "list.md"
    source.write_text("- [Fresh](https://acme.dev/fresh)\n  Date: Jan 1, 2023\n  Tags: Ray\n")
    (content / "tags.yml").unlink()
    assert main(["import", str(source), "--content", str(content)]) == 1
    assert capsys.readouterr().out == (
        f"{content}/tags.yml:1: file: is missing (create tags.yml; see CONTRIBUTING.md)\n"
        f"{source}: 1 link, 0 written, 1 skipped, 1 problem\n"
    )
    assert not (content / "entries" / "fresh.md").exists()


def test_cli_refuses_an_added_day_that_is_not_a_date(
    content: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["import", "list.md", "--content", str(content), "--added", "24/11/2026"])
    assert exit_info.value.code == 2
    assert "'24/11/2026' is not a day in YYYY-MM-DD form" in capsys.readouterr().err


# The golden import of the seed list.


def _tree(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): p.read_text(encoding="utf-8")
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_golden_import_of_the_seed_list(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    content = tmp_path / "content"
    (content / "entries").mkdir(parents=True)
    for name in ("tags.yml", "companies.yml"):
        shutil.copy(VOCABULARY / name, content / name)
    shutil.copy(SEED, tmp_path / SEED.name)
    code = main(["import", SEED.name, "--content", "content", "--added", "2026-11-24"])
    actual = _tree(content / "entries")
    actual["report.txt"] = capsys.readouterr().out
    assert code == 0
    if os.environ.get("READINGLIST_REGENERATE"):
        shutil.rmtree(GOLDEN, ignore_errors=True)
        for name, text in actual.items():
            target = GOLDEN / ("entries" if name != "report.txt" else "") / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
    expected = _tree(GOLDEN / "entries")
    expected["report.txt"] = (GOLDEN / "report.txt").read_text(encoding="utf-8")
    differences = []
    for name in sorted(set(actual) | set(expected)):
        if name not in expected:
            differences.append(f"unexpected file: {name}")
        elif name not in actual:
            differences.append(f"missing file: {name}")
        elif actual[name] != expected[name]:
            differences += difflib.unified_diff(
                expected[name].splitlines(),
                actual[name].splitlines(),
                f"golden/{name}",
                f"imported/{name}",
                lineterm="",
            )
    assert not differences, "\n".join(
        [
            *differences,
            "regenerate: READINGLIST_REGENERATE=1"
            " .venv/bin/pytest tests/test_authoring_importer.py",
        ]
    )
