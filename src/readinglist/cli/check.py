"""The ``check`` command: validate the catalog and print its problems in one of four formats."""

from __future__ import annotations

import argparse
import datetime
import sys
from collections.abc import Callable, Sequence

from readinglist.build.checking import check_folder
from readinglist.cli.arguments import Commands, add_content
from readinglist.problems import (
    Problem,
    format_github,
    format_json,
    format_markdown,
    format_text,
)

FORMATTERS: dict[str, Callable[[Sequence[Problem], int], str]] = {
    "text": format_text,
    "github": format_github,
    "json": format_json,
    "markdown": format_markdown,
}


def add_check(commands: Commands) -> None:
    parser = commands.add_parser(
        "check",
        help="validate every entry and report all problems",
        description=(
            "Validate every entry, tags.yml and companies.yml, and report every problem"
            " as PATH:LINE: field: message. Exit 0 when valid, 1 when not."
        ),
    )
    add_content(parser)
    parser.add_argument(
        "--strict",
        action="store_true",
        help="fail on warnings too (likely duplicates, single-use tags...)",
    )
    parser.add_argument(
        "--format",
        choices=sorted(FORMATTERS),
        default="text",
        help=(
            "text for people, github for pull-request annotations, markdown for a CI job"
            " summary, json for tools"
        ),
    )
    parser.set_defaults(run=run_check)


def failed(problems: Sequence[Problem], strict: bool) -> bool:
    return any(p.severity == "error" or strict for p in problems)


def run_check(args: argparse.Namespace) -> int:
    result = check_folder(args.content, datetime.date.today(), workers=2)
    files = result.files
    sys.stdout.write(FORMATTERS[args.format](result.problems, files))
    return 1 if failed(result.problems, args.strict) else 0
