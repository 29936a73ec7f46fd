"""The command line: the only module that prints or exits.

Each subcommand is a pair: ``_add_<name>`` declares its arguments and help,
``_run_<name>`` calls the library and turns its result into output and an exit
code (0 success, 1 problems found, 2 usage). Library code never prints.
"""

from __future__ import annotations

import argparse
import datetime
import os
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from readinglist import __version__
from readinglist.build.checking import check_folder
from readinglist.catalog.read import load_content
from readinglist.config import DEFAULT_LINKS_CACHE, LinkPolicy, LinkSettings, SiteConfig
from readinglist.problems import (
    Problem,
    format_github,
    format_json,
    format_markdown,
    format_text,
)

if TYPE_CHECKING:
    from readinglist import serve
    from readinglist.authoring import new
    from readinglist.links.policy import Observation
    from readinglist.links.report import LinkReport

# The commands import what only they need (jinja2, markdown, httpx, rich,
# watchfiles) inside their _run_ function, so `readinglist check` starts fast.

DEFAULT_CONTENT = "content"
FORMATTERS: dict[str, Callable[[Sequence[Problem], int], str]] = {
    "text": format_text,
    "github": format_github,
    "json": format_json,
    "markdown": format_markdown,
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
        help=(
            "text for people, github for pull-request annotations, markdown for a CI job"
            " summary, json for tools"
        ),
    )
    parser.set_defaults(run=_run_check)


def failed(problems: Sequence[Problem], strict: bool) -> bool:
    return any(p.severity == "error" or strict for p in problems)


def _run_check(args: argparse.Namespace) -> int:
    result = check_folder(args.content, datetime.date.today(), workers=2)
    files = result.files
    sys.stdout.write(FORMATTERS[args.format](result.problems, files))
    return 1 if failed(result.problems, args.strict) else 0


def _add_new(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
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
    parser.add_argument("--date", default="", help="publication day, YYYY-MM-DD")
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
    parser.add_argument(
        "--content", default=DEFAULT_CONTENT, help="content folder (default: content)"
    )
    parser.set_defaults(run=_run_new)


def _ask_in_terminal(question: new.Question) -> str:
    for problem in question.problems:
        sys.stderr.write(problem.format() + "\n")
    default = f" [{question.default}]" if question.default else ""
    sys.stderr.write(f"  ({question.help})\n")
    return input(f"{question.field}{default}: ")


def _run_new(args: argparse.Namespace) -> int:
    from readinglist.authoring import new

    facts = new.PageFacts()
    if args.fetch:
        facts, problem = new.fetch_page_facts(args.url)
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


def _day(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a day in YYYY-MM-DD form") from None


def _add_import(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
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
    parser.add_argument(
        "--content", default=DEFAULT_CONTENT, help="content folder (default: content)"
    )
    parser.add_argument(
        "--added",
        type=_day,
        default=None,
        help="the day the entries join the list, YYYY-MM-DD (default: today)",
    )
    parser.add_argument(
        "--dry-run", action="store_true", help="report what would be written; write nothing"
    )
    parser.set_defaults(run=_run_import)


def _run_import(args: argparse.Namespace) -> int:
    from readinglist.authoring import importer

    today = datetime.date.today()
    result = importer.import_list(
        args.file, args.content, args.added or today, today, dry_run=args.dry_run
    )
    sys.stdout.write(importer.report_text(result, dry_run=args.dry_run))
    return 1 if result.failed else 0


EXPORT_FORMATS = ("markdown", "json", "csv")


def _add_export(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
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
    parser.add_argument(
        "--content", default=DEFAULT_CONTENT, help="content folder (default: content)"
    )
    parser.set_defaults(run=_run_export)


def _run_export(args: argparse.Namespace) -> int:
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
    text = exporters[args.format](result.catalog)
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


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number of 1 or more")
    return value


def _number(text: str, low: float, low_allowed: bool) -> float:
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not (value > low or (low_allowed and value == low)) or value == float("inf"):
        bound = f"of {low:g} or more" if low_allowed else f"above {low:g}"
        raise argparse.ArgumentTypeError(f"'{text}' is not a number {bound}")
    return value


def _non_negative(text: str) -> float:
    return _number(text, 0, low_allowed=True)


def _positive(text: str) -> float:
    return _number(text, 0, low_allowed=False)


def _add_links(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    defaults, policy = LinkSettings(), LinkPolicy()
    parser = commands.add_parser(
        "links",
        help="find dead, moved and blocked links",
        description=(
            "Request every entry's URL (HEAD, then GET when HEAD is refused) a few at a time"
            " per host, and report each that is moved (update it), dead, unreachable, broken"
            " by redirects, or unverifiable (a bot wall, never called dead), as"
            " PATH:LINE: url: message, then a summary table. A failure is reported only once"
            " it repeats in runs a day or more apart; until then it is 'unconfirmed'."
            f" Remembers results in {DEFAULT_LINKS_CACHE}. Exit 1 when a link is dead or"
            " unreachable, 0 otherwise, 2 when the options or git fail."
        ),
    )
    parser.add_argument(
        "--content", default=DEFAULT_CONTENT, help="content folder (default: content)"
    )
    parser.add_argument(
        "--only-changed",
        metavar="REF",
        help="check only entries changed since the git ref REF, e.g. origin/main",
    )
    parser.add_argument(
        "--max-age",
        type=_non_negative,
        default=policy.max_age.days,
        metavar="DAYS",
        help=f"do not request again a URL found OK within DAYS (default: {policy.max_age.days})",
    )
    parser.add_argument(
        "--format",
        choices=("text", "json", "github"),
        default="text",
        help="text for people, github for pull-request annotations, json for tools",
    )
    parser.add_argument(
        "--concurrency",
        type=_positive_int,
        default=defaults.per_host,
        metavar="N",
        help=f"at most N requests at a time to one host (default: {defaults.per_host})",
    )
    parser.add_argument(
        "--pause",
        type=_non_negative,
        default=defaults.pause,
        metavar="SECONDS",
        help=f"rest between requests to one host (default: {defaults.pause})",
    )
    parser.add_argument(
        "--timeout",
        type=_positive,
        default=defaults.timeout,
        metavar="SECONDS",
        help=f"give up on a silent server after SECONDS (default: {defaults.timeout:g})",
    )
    parser.add_argument(
        "--confirm-runs",
        type=_positive_int,
        default=policy.confirm_runs,
        metavar="N",
        help=f"report a failure after N failing runs in a row (default: {policy.confirm_runs})",
    )
    parser.add_argument(
        "--confirm-days",
        type=_non_negative,
        default=policy.confirm_gap.days,
        metavar="DAYS",
        help=(
            "...the first and last of them at least DAYS apart"
            f" (default: {policy.confirm_gap.days})"
        ),
    )
    parser.add_argument(
        "--cache",
        default=DEFAULT_LINKS_CACHE,
        metavar="FILE",
        help=f"where results are remembered (default: {DEFAULT_LINKS_CACHE})",
    )
    parser.set_defaults(run=_run_links)


def _plain_log() -> tuple[Callable[[int], None], Callable[[str, Observation], None]]:
    """One line per URL on standard error, for logs and pipes."""
    total = done = 0

    def start(count: int) -> None:
        nonlocal total
        total = count
        sys.stderr.write(f"requesting {count} URLs\n")

    def result(url: str, observation: Observation) -> None:
        nonlocal done
        done += 1
        sys.stderr.write(f"[{done}/{total}] {observation.verdict}: {url}\n")

    return start, result


def _run_links(args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.progress import Progress

    from readinglist.links.check import check_links
    from readinglist.links.report import report_json, report_problems, summary_table
    from readinglist.links.targets import changed_entry_names, link_targets

    raw = load_content(args.content)
    only = None
    if args.only_changed is not None:
        only, problems = changed_entry_names(args.content, args.only_changed)
        if problems:
            sys.stderr.write("".join(p.format() + "\n" for p in problems))
            return 2
    if raw.problems and not raw.entries:
        sys.stderr.write("".join(p.format() + "\n" for p in raw.problems))
        return 2
    targets = link_targets(raw, only)
    if raw.problems:
        count = len(raw.problems)
        sys.stderr.write(
            f"links of files that cannot be read are not checked ({count}"
            f" problem{'' if count == 1 else 's'}): run readinglist check\n"
        )
    settings = LinkSettings(per_host=args.concurrency, pause=args.pause, timeout=args.timeout)
    policy = LinkPolicy(
        max_age=datetime.timedelta(days=args.max_age),
        confirm_runs=args.confirm_runs,
        confirm_gap=datetime.timedelta(days=args.confirm_days),
    )

    def check(
        on_start: Callable[[int], None], on_result: Callable[[str, Observation], None]
    ) -> LinkReport:
        return check_links(
            targets,
            args.cache,
            settings,
            policy,
            on_result=on_result,
            whole_catalog=only is None,
            on_start=on_start,
        )

    if sys.stderr.isatty():
        with Progress(console=Console(stderr=True), transient=True) as progress:
            task = progress.add_task("checking links", total=None)
            report = check(
                lambda count: progress.update(task, total=count),
                lambda url, observation: progress.advance(task),
            )
    else:
        report = check(*_plain_log())
    problems = report_problems(report, policy)
    if args.format == "json":
        sys.stdout.write(report_json(report))
    elif args.format == "github":
        sys.stdout.write(format_github(problems, len(report.results)))
        sys.stdout.write(summary_table(report))
    else:
        sys.stdout.write(format_text(problems, len(report.results)))
        sys.stdout.write(summary_table(report))
    return 1 if report.failed else 0


def _add_docs(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
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
    parser.set_defaults(run=_run_docs)


def _run_docs(args: argparse.Namespace) -> int:
    from readinglist.authoring import new

    path = Path(args.file)
    try:
        current = path.read_text(encoding="utf-8")
    except OSError as exc:
        sys.stderr.write(f"{path}: cannot be read: {exc.strerror or exc}\n")
        return 1
    updated = new.with_field_reference(current)
    if updated is None:
        sys.stderr.write(
            f"{path}:1: file: has no field reference markers (put the lines"
            f" {new.REFERENCE_START} and {new.REFERENCE_END} where the table goes)\n"
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


def _add_build(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "build",
        help="build the static site from the catalog",
        description=(
            "Check the catalog, then render it into a static site. Nothing is written unless"
            " the catalog has no errors; the new site replaces the old one in one step, so a"
            " failed build leaves the previous site as it was. Exit 0 on success, 1 on errors."
        ),
    )
    parser.add_argument(
        "--content", default=DEFAULT_CONTENT, help="content folder (default: content)"
    )
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
        "--workers", type=_positive_int, default=2, help="rendering processes (default: 2)"
    )
    parser.set_defaults(run=_run_build)


def _say_waiting(message: str) -> None:
    sys.stderr.write(message + "\n")
    sys.stderr.flush()


def _run_build(args: argparse.Namespace) -> int:
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


def _add_serve(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
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
    parser.add_argument(
        "--content", default=DEFAULT_CONTENT, help="content folder (default: content)"
    )
    parser.add_argument("--out", default="site", help="output folder (default: site)")
    parser.add_argument(
        "--no-search", action="store_true", help="skip the Pagefind index for faster rebuilds"
    )
    parser.set_defaults(run=_run_serve)


def _report_serving(event: serve.ServeEvent) -> None:
    result = event.result
    if event.kind == "serving":
        sys.stdout.write(f"serving {event.url} (Ctrl-C stops)\n")
    elif result is not None:
        for path in event.changed:
            sys.stdout.write(f"changed: {path}\n")
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


def _run_serve(args: argparse.Namespace) -> int:
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


COMMANDS: tuple[Callable[[argparse._SubParsersAction[argparse.ArgumentParser]], None], ...] = (
    _add_check,
    _add_new,
    _add_import,
    _add_export,
    _add_links,
    _add_docs,
    _add_build,
    _add_serve,
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


def run() -> None:
    """The ``readinglist`` command: :func:`main`, then exit at once.

    Exiting this way skips tearing down the interpreter, which frees every object
    one by one and took a tenth of a rebuild after one edit; the operating system
    takes the memory back whole. Every file is closed by then and the output is
    flushed here; an exception still ends in the usual traceback and exit, and so
    does a run under a profiler or a tracer (cProfile, coverage, a debugger), which
    writes what it found at exit.
    """
    code = main()
    if sys.getprofile() is not None or sys.gettrace() is not None:
        sys.exit(code)
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BrokenPipeError:
        code = code or 1  # a reader that stopped early, such as head
    os._exit(code)
