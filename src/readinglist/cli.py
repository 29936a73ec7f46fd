"""The command line: the only module that prints or exits.

Each subcommand is a pair: ``_add_<name>`` declares its arguments and help,
``_run_<name>`` calls the library and turns its result into output and an exit
code (0 success, 1 problems found, 2 usage). Library code never prints.
"""

from __future__ import annotations

import argparse
import datetime
import sys
from collections.abc import Callable, Sequence

from readinglist import __version__
from readinglist.errors import Problem, format_github, format_json, format_text
from readinglist.load import load_content
from readinglist.validate import validate

DEFAULT_CONTENT = "content"
FORMATTERS: dict[str, Callable[[Sequence[Problem], int], str]] = {
    "text": format_text,
    "github": format_github,
    "json": format_json,
}


def _add_check(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "check",
        help="validate every entry and report all problems",
        description=(
            "Validate every entry, tags.yml and companies.yml, and report every problem"
            " as PATH:LINE: field: message. Exit 0 when valid, 1 when not."
        ),
    )
    parser.add_argument(
        "--content", default=DEFAULT_CONTENT, help="content folder (default: content)"
    )
    parser.add_argument(
        "--strict",
        action="store_true",
        help="fail on warnings too (likely duplicates, single-use tags...)",
    )
    parser.add_argument(
        "--format",
        choices=sorted(FORMATTERS),
        default="text",
        help="text for people, github for pull-request annotations, json for tools",
    )
    parser.set_defaults(run=_run_check)


def failed(problems: Sequence[Problem], strict: bool) -> bool:
    return any(p.severity == "error" or strict for p in problems)


def _run_check(args: argparse.Namespace) -> int:
    raw = load_content(args.content)
    result = validate(raw, datetime.date.today())
    sys.stdout.write(FORMATTERS[args.format](result.problems, raw.files))
    return 1 if failed(result.problems, args.strict) else 0


COMMANDS: tuple[Callable[[argparse._SubParsersAction[argparse.ArgumentParser]], None], ...] = (
    _add_check,
)


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="readinglist",
        description="Check, build and maintain the readinglist catalog and site.",
    )
    parser.add_argument("--version", action="version", version=f"readinglist {__version__}")
    commands = parser.add_subparsers(title="commands", metavar="COMMAND", required=True)
    for add in COMMANDS:
        add(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = make_parser().parse_args(argv)
    try:
        code: int = args.run(args)
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        return 130
    return code
