"""errors: how a problem reads in each format, and how problems are ordered and counted."""

from __future__ import annotations

import json

from readinglist.problems import (
    Problem,
    format_github,
    format_json,
    format_text,
    sort_problems,
    summary_line,
)

DATE = Problem(
    "content/entries/x.md", 4, "date", "'2023-02-30' is not a calendar date", "use YYYY-MM-DD"
)
SUMMARY = Problem("content/entries/x.md", 9, "summary", "is missing", "", "warning")
TAGS = Problem("content/entries/a.md", 5, "tags", "'featur-store' is not in the tag vocabulary")


def test_a_problem_reads_path_line_field_message_hint() -> None:
    assert DATE.format() == (
        "content/entries/x.md:4: date: '2023-02-30' is not a calendar date (use YYYY-MM-DD)"
    )
    assert TAGS.format() == (
        "content/entries/a.md:5: tags: 'featur-store' is not in the tag vocabulary"
    )
    assert SUMMARY.format() == "content/entries/x.md:9: warning: summary: is missing"


def test_problems_sort_by_file_then_line_and_repeat_once() -> None:
    assert sort_problems([SUMMARY, DATE, TAGS, DATE]) == [TAGS, DATE, SUMMARY]
    later = Problem("content/entries/x.md", 10, "date", "z")
    assert sort_problems([later, SUMMARY]) == [SUMMARY, later]


def test_the_summary_line_counts_files_errors_and_warnings() -> None:
    assert summary_line([], 1) == "checked 1 file: no problems"
    assert summary_line([DATE, TAGS, SUMMARY], 8) == "checked 8 files: 2 errors, 1 warning"
    assert summary_line([SUMMARY], 2) == "checked 2 files: 0 errors, 1 warning"


def test_text_format_is_one_line_per_problem_then_the_summary() -> None:
    assert format_text([TAGS, DATE], 3) == (
        "content/entries/a.md:5: tags: 'featur-store' is not in the tag vocabulary\n"
        "content/entries/x.md:4: date: '2023-02-30' is not a calendar date (use YYYY-MM-DD)\n"
        "checked 3 files: 2 errors, 0 warnings\n"
    )


def test_github_format_is_annotations_with_escaped_properties() -> None:
    awkward = Problem("content/entries/a,b.md", 2, "title", "50% done\nreally", "x: y")
    assert format_github([DATE, SUMMARY, awkward], 3).splitlines() == [
        "::error file=content/entries/x.md,line=4,title=date::date: '2023-02-30' is not a"
        " calendar date (use YYYY-MM-DD)",
        "::warning file=content/entries/x.md,line=9,title=summary::summary: is missing",
        "::error file=content/entries/a%2Cb.md,line=2,title=title::title: 50%25 done%0Areally"
        " (x: y)",
        "checked 3 files: 2 errors, 1 warning",
    ]


def test_json_format_holds_counts_and_every_field() -> None:
    document = json.loads(format_json([DATE, SUMMARY], 2))
    assert document == {
        "files": 2,
        "errors": 1,
        "warnings": 1,
        "problems": [
            {
                "path": "content/entries/x.md",
                "line": 4,
                "field": "date",
                "message": "'2023-02-30' is not a calendar date",
                "hint": "use YYYY-MM-DD",
                "severity": "error",
            },
            {
                "path": "content/entries/x.md",
                "line": 9,
                "field": "summary",
                "message": "is missing",
                "hint": "",
                "severity": "warning",
            },
        ],
    }


def test_line_breaks_and_escape_codes_from_content_stay_on_one_line() -> None:
    problem = Problem("content/entries/x.md", 3, "ti\ntle", "'\x1b[31mred' is odd", "a\tb")
    assert problem.format() == ("content/entries/x.md:3: ti\\ntle: '\\x1b[31mred' is odd (a\\tb)")
