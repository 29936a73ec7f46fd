"""The authoring commands ``new``, ``import`` and ``docs``: their options and what they print."""

from __future__ import annotations

import argparse
import datetime
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from readinglist.cli.arguments import Commands, add_content, day

if TYPE_CHECKING:
    from readinglist.authoring import new


def add_new(commands: Commands) -> None:
    parser = commands.add_parser(
        "new",
        help="start a new entry file from a URL",
        description=(
            "Create content/entries/<slug>.md for URL with valid front matter (added set to"
            " today) and an empty summary for you to write, then print its path. Refuses a URL"
            " the catalog already lists and never overwrites a file. In a terminal it asks for"
            " whatever the options leave out; otherwise missing title, date or tags is an error."
        ),
    )
    parser.add_argument("url", metavar="URL", help="the resource's address, http(s)")
    parser.add_argument("--title", default="", help="the resource's own title")
    parser.add_argument(
        "--date", default="", help="when it was published: 2019, Mar 2019, 2019-03 or 2019-03-22"
    )
    parser.add_argument(
        "--tags",
        default="",
        help="comma-separated tags from content/tags.yml (aliases work), e.g. mlops,monitoring",
    )
    parser.add_argument(
        "--company", default="", help="the organisation behind it, from content/companies.yml"
    )
    parser.add_argument(
        "--kind", default="", help="what it is: article (default), paper, talk, video..."
    )
    parser.add_argument(
        "--fetch",
        action="store_true",
        help="read the page's title and publication date to offer as answers",
    )
    add_content(parser)
    parser.set_defaults(run=run_new)


def _ask_in_terminal(question: new.Question) -> str:
    for problem in question.problems:
        sys.stderr.write(problem.format() + "\n")
    default = f" [{question.default}]" if question.default else ""
    sys.stderr.write(f"  ({question.help})\n")
    return input(f"{question.field}{default}: ")


def run_new(args: argparse.Namespace) -> int:
    from readinglist.authoring import fetch, new

    facts = fetch.PageFacts()
    if args.fetch:
        facts, problem = fetch.fetch_page_facts(args.url)
        if problem is not None:
            sys.stderr.write(problem.format() + "\n")
        for name, value in (("title", facts.title), ("date", facts.date)):
            if value:
                sys.stderr.write(f"{name} from the page: {value}\n")
    draft = new.Draft(args.url, args.title, args.date, args.tags, args.company, args.kind)
    ask = _ask_in_terminal if sys.stdin.isatty() else None
    try:
        planned = new.plan_entry(args.content, draft, datetime.date.today(), ask, facts)
    except EOFError:
        sys.stderr.write("\nstopped: nothing was written\n")
        return 1
    entry = new.create_entry(planned)
    for problem in entry.problems:
        sys.stderr.write(problem.format() + "\n")
    if not entry.ok or any(p.field == "file" for p in entry.problems):
        sys.stderr.write("nothing was written\n")
        return 1
    sys.stdout.write(entry.path + "\n")
    sys.stderr.write(
        "next: write a sentence or two on why it is worth reading below the closing ---,"
        " then run readinglist check\n"
    )
    return 0


def add_import(commands: Commands) -> None:
    parser = commands.add_parser(
        "import",
        help="turn an awesome-list style Markdown file into entry files",
        description=(
            "Create one entry per link of FILE (a heading or bullet [Title](url), optionally"
            " followed by Date:, Tags: and Company: lines), with tags and companies mapped"
            " through the vocabularies. Reports as SOURCE:LINE: field: message everything it"
            " could not map: unknown tags and companies are dropped, items without a date or"
            " already listed are skipped. Never overwrites a file. Exit 1 when FILE or the"
            " vocabulary cannot be read or an entry cannot be written."
        ),
    )
    parser.add_argument("file", metavar="FILE.md", help="the Markdown list to import")
    add_content(parser)
    parser.add_argument(
        "--added",
        type=day,
        default=None,
        help="the day the entries join the list, YYYY-MM-DD (default: today)",
    )
    parser.add_argument(
        "--dry-run", action="store_true", help="report what would be written; write nothing"
    )
    parser.set_defaults(run=run_import)


def run_import(args: argparse.Namespace) -> int:
    from readinglist.authoring import importer

    today = datetime.date.today()
    result = importer.import_list(
        args.file, args.content, args.added or today, today, dry_run=args.dry_run
    )
    sys.stdout.write(importer.report_text(result, dry_run=args.dry_run))
    return 1 if result.failed else 0


def add_docs(commands: Commands) -> None:
    parser = commands.add_parser(
        "docs",
        help="regenerate the field reference in CONTRIBUTING.md",
        description=(
            "Rewrite the field reference table in CONTRIBUTING.md (between its marker"
            " comments) from the model's field definitions. With --check, change nothing"
            " and exit 1 when the file is out of date."
        ),
    )
    parser.add_argument(
        "--file", default="CONTRIBUTING.md", help="the file to update (default: CONTRIBUTING.md)"
    )
    parser.add_argument(
        "--check", action="store_true", help="only report whether the file is up to date"
    )
    parser.set_defaults(run=run_docs)


def run_docs(args: argparse.Namespace) -> int:
    from readinglist.authoring import reference

    path = Path(args.file)
    try:
        current = path.read_text(encoding="utf-8")
    except OSError as exc:
        sys.stderr.write(f"{path}: cannot be read: {exc.strerror or exc}\n")
        return 1
    updated = reference.with_field_reference(current)
    if updated is None:
        sys.stderr.write(
            f"{path}:1: file: has no field reference markers (put the lines"
            f" {reference.REFERENCE_START} and {reference.REFERENCE_END} where the table goes)\n"
        )
        return 1
    if updated == current:
        sys.stderr.write(f"{path} is up to date\n")
        return 0
    if args.check:
        sys.stderr.write(f"{path} is out of date: run readinglist docs\n")
        return 1
    path.write_text(updated, encoding="utf-8")
    sys.stderr.write(f"updated the field reference in {path}\n")
    return 0
