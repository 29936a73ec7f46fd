"""The ``export`` command: write the valid catalog as Markdown, JSON or CSV to a file or stdout."""

from __future__ import annotations

import argparse
import datetime
import sys
from collections.abc import Callable
from pathlib import Path

from readinglist.build.checking import check_folder
from readinglist.catalog.characters import safe_text
from readinglist.cli.arguments import Commands, add_content
from readinglist.problems import format_text

EXPORT_FORMATS = ("markdown", "json", "csv")


def add_export(commands: Commands) -> None:
    parser = commands.add_parser(
        "export",
        help="write the catalog as a Markdown list, JSON or CSV",
        description=(
            "Write the whole catalog in another form: markdown is an awesome-list style list"
            " grouped by tag (newest first within a tag), json is the catalog.json the site"
            " publishes, csv has one row per entry. The catalog must be valid."
        ),
    )
    parser.add_argument(
        "--format", choices=EXPORT_FORMATS, default="markdown", help="default: markdown"
    )
    parser.add_argument("--out", metavar="FILE", help="write to FILE instead of standard output")
    add_content(parser)
    parser.set_defaults(run=run_export)


def run_export(args: argparse.Namespace) -> int:
    result = check_folder(args.content, datetime.date.today(), workers=2)
    files = result.files
    if not result.ok:
        errors = [p for p in result.problems if p.severity == "error"]
        sys.stderr.write(format_text(errors, files))
        sys.stderr.write("nothing was exported: fix the errors first\n")
        return 1
    from readinglist.site import exports as export

    exporters: dict[str, Callable[..., str]] = {
        "markdown": export.catalog_markdown,
        "json": export.catalog_json,
        "csv": export.catalog_csv,
    }
    # As the site's own files: nothing a terminal or spreadsheet would act on.
    text = safe_text(exporters[args.format](result.catalog))
    if args.out is None:
        sys.stdout.write(text)
        return 0
    out = Path(args.out)
    partial = out.with_name(f".{out.name}.partial")
    try:
        partial.write_text(text, encoding="utf-8", newline="")
        partial.replace(out)
    except OSError as exc:
        sys.stderr.write(f"{out}: cannot be written: {exc.strerror or exc}\n")
        return 1
    sys.stderr.write(f"wrote {out}\n")
    return 0
