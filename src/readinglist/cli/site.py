"""The site commands ``build`` and ``serve``: their options and what they print as they run."""

from __future__ import annotations

import argparse
import datetime
import sys
import time
from typing import TYPE_CHECKING

from readinglist.cli.arguments import Commands, add_content, positive_int
from readinglist.config import SiteConfig
from readinglist.problems import format_text, shown

if TYPE_CHECKING:
    from readinglist import serve


def add_build(commands: Commands) -> None:
    parser = commands.add_parser(
        "build",
        help="build the static site from the catalog",
        description=(
            "Check the catalog, then render it into a static site. Nothing is written unless"
            " the catalog has no errors; the new site replaces the old one in one step, so a"
            " failed build leaves the previous site as it was. Exit 0 on success, 1 on errors."
        ),
    )
    add_content(parser)
    parser.add_argument("--out", default="site", help="output folder (default: site)")
    parser.add_argument(
        "--base-url",
        default="/",
        help=(
            "where the site is served: / (default), a path prefix such as /readinglist/,"
            " or an absolute URL such as https://example.github.io/readinglist/"
        ),
    )
    parser.add_argument(
        "--no-search", action="store_true", help="skip the Pagefind search index (faster)"
    )
    parser.add_argument(
        "--cache",
        default=".cache",
        help="folder for rendered summaries and page manifests (default: .cache)",
    )
    parser.add_argument(
        "--no-cache", action="store_true", help="render and write everything from scratch"
    )
    parser.add_argument(
        "--workers", type=positive_int, default=2, help="rendering processes (default: 2)"
    )
    parser.set_defaults(run=run_build)


def _say_waiting(message: str) -> None:
    sys.stderr.write(message + "\n")
    sys.stderr.flush()


def run_build(args: argparse.Namespace) -> int:
    from readinglist.build import pipeline as build

    started = time.perf_counter()
    result = build.build_site(
        args.content,
        args.out,
        SiteConfig(base_url=args.base_url),
        today=datetime.date.today(),
        cache_dir=None if args.no_cache else args.cache,
        workers=args.workers,
        search=not args.no_search,
        waiting=_say_waiting,
    )
    for note in result.notes:
        sys.stderr.write(f"warning: {note}\n")
    if result.failure:
        sys.stderr.write(f"error: {result.failure}\n")
        return 1
    shown = [p for p in result.problems if p.severity == "error" or not result.ok]
    if shown:
        sys.stderr.write(format_text(shown, result.checked_files))
    if not result.ok:
        sys.stderr.write("nothing was written: fix the errors first\n")
        return 1
    seconds = time.perf_counter() - started
    sys.stdout.write(
        f"built {result.pages} pages ({result.files} files; {result.rendered} rendered,"
        f" {result.written} written) in {seconds:.2f} s\n"
        # Links are site-absolute, so the site is browsed over HTTP, not from file://.
        f"to browse it: python3 -m http.server -d {result.out} 8000, then open"
        " http://127.0.0.1:8000/ (or readinglist serve, which also rebuilds on edits)\n"
    )
    return 0


def add_serve(commands: Commands) -> None:
    parser = commands.add_parser(
        "serve",
        help="preview the site, rebuilt and reloaded as you edit",
        description=(
            "Build the site, serve it on 127.0.0.1 and rebuild it whenever anything in the"
            " content folder or the templates (the stylesheet included) changes; open pages"
            " reload by themselves. When a change makes the catalog invalid, the problems show"
            " here and over the page, and the last good site stays served. Ctrl-C stops."
        ),
    )
    parser.add_argument(
        "--port", type=int, default=8000, help="port on 127.0.0.1 (default: 8000; 0 picks one)"
    )
    add_content(parser)
    parser.add_argument("--out", default="site", help="output folder (default: site)")
    parser.add_argument(
        "--no-search", action="store_true", help="skip the Pagefind index for faster rebuilds"
    )
    parser.set_defaults(run=run_serve)


def _report_serving(event: serve.ServeEvent) -> None:
    result = event.result
    if event.kind == "serving":
        sys.stdout.write(f"serving {event.url} (Ctrl-C stops)\n")
    elif result is not None:
        for path in event.changed:
            sys.stdout.write(f"changed: {shown(str(path))}\n")
        for note in result.notes:
            sys.stdout.write(f"warning: {note}\n")
        if event.kind == "built":
            again = "rebuilt" if event.changed else "built"
            sys.stdout.write(
                f"{again} {result.pages} pages in {event.seconds:.2f} s"
                + (": open pages reload\n" if event.changed else "\n")
            )
        else:
            errors = [p for p in result.problems if p.severity == "error"]
            if errors:
                sys.stdout.write(format_text(errors, result.checked_files))
            if result.failure:
                sys.stdout.write(f"error: {result.failure}\n")
            sys.stdout.write("not rebuilt: the last good site is still served\n")
    sys.stdout.flush()


def run_serve(args: argparse.Namespace) -> int:
    from readinglist import serve

    try:
        serve.serve_site(
            args.content,
            args.out,
            _report_serving,
            port=args.port,
            search=not args.no_search,
        )
    except OSError as exc:
        sys.stderr.write(f"cannot serve on 127.0.0.1:{args.port}: {exc.strerror or exc}\n")
        return 1
    except KeyboardInterrupt:
        sys.stdout.write("stopped\n")
    return 0
