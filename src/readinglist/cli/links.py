"""The ``links`` command: its request and confirmation options, progress, report and exit code."""

from __future__ import annotations

import argparse
import datetime
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeAlias

from readinglist.catalog.read import load_content
from readinglist.cli.arguments import Commands, add_content, non_negative, positive, positive_int
from readinglist.config import DEFAULT_LINKS_CACHE, LinkPolicy, LinkSettings
from readinglist.problems import format_github, format_text, shown

if TYPE_CHECKING:
    from readinglist.links.policy import Observation
    from readinglist.links.report import LinkReport
    from readinglist.links.targets import LinkTarget

Check: TypeAlias = (
    "Callable[[Callable[[int], None], Callable[[str, Observation], None]], LinkReport]"
)
"""Runs the link check, given what to call when it starts and after each URL."""


def add_links(commands: Commands) -> None:
    policy = LinkPolicy()
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
    add_content(parser)
    parser.add_argument(
        "--only-changed",
        metavar="REF",
        help="check only entries changed since the git ref REF, e.g. origin/main",
    )
    parser.add_argument(
        "--max-age",
        type=non_negative,
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
    _add_requests(parser, LinkSettings())
    _add_confirmation(parser, policy)
    parser.add_argument(
        "--cache",
        default=DEFAULT_LINKS_CACHE,
        metavar="FILE",
        help=f"where results are remembered (default: {DEFAULT_LINKS_CACHE})",
    )
    parser.set_defaults(run=run_links)


def _add_requests(parser: argparse.ArgumentParser, defaults: LinkSettings) -> None:
    """How many requests, how far apart, and how long to wait for each."""
    parser.add_argument(
        "--concurrency",
        type=positive_int,
        default=defaults.per_host,
        metavar="N",
        help=f"at most N requests at a time to one host (default: {defaults.per_host})",
    )
    parser.add_argument(
        "--pause",
        type=non_negative,
        default=defaults.pause,
        metavar="SECONDS",
        help=f"rest between requests to one host (default: {defaults.pause})",
    )
    parser.add_argument(
        "--timeout",
        type=positive,
        default=defaults.timeout,
        metavar="SECONDS",
        help=(
            "the most one link may take, redirects and retries included"
            f" (default: {defaults.timeout:g})"
        ),
    )


def _add_confirmation(parser: argparse.ArgumentParser, policy: LinkPolicy) -> None:
    """When a failing link is reported rather than left 'unconfirmed'."""
    parser.add_argument(
        "--confirm-runs",
        type=positive_int,
        default=policy.confirm_runs,
        metavar="N",
        help=f"report a failure after N failing runs in a row (default: {policy.confirm_runs})",
    )
    parser.add_argument(
        "--confirm-days",
        type=non_negative,
        default=policy.confirm_gap.days,
        metavar="DAYS",
        help=(
            "...the first and last of them at least DAYS apart"
            f" (default: {policy.confirm_gap.days})"
        ),
    )


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
        sys.stderr.write(f"[{done}/{total}] {observation.verdict}: {shown(url)}\n")

    return start, result


def _with_progress(check: Check) -> LinkReport:
    """A progress bar on a terminal, one line per URL otherwise."""
    if not sys.stderr.isatty():
        return check(*_plain_log())
    from rich.console import Console
    from rich.progress import Progress

    with Progress(console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task("checking links", total=None)
        return check(
            lambda count: progress.update(task, total=count),
            lambda url, observation: progress.advance(task),
        )


def _targets(args: argparse.Namespace) -> tuple[list[LinkTarget], frozenset[str] | None] | None:
    """The links to check and the entries they were limited to; None after a usage problem."""
    from readinglist.links.targets import changed_entry_names, link_targets

    raw = load_content(args.content)
    only = None
    if args.only_changed is not None:
        only, problems = changed_entry_names(args.content, args.only_changed)
        if problems:
            sys.stderr.write("".join(p.format() + "\n" for p in problems))
            return None
    if raw.problems and not raw.entries:
        sys.stderr.write("".join(p.format() + "\n" for p in raw.problems))
        return None
    targets = link_targets(raw, only)
    if raw.problems:
        count = len(raw.problems)
        sys.stderr.write(
            f"links of files that cannot be read are not checked ({count}"
            f" problem{'' if count == 1 else 's'}): run readinglist check\n"
        )
    return targets, only


def run_links(args: argparse.Namespace) -> int:
    from readinglist.links.check import check_links
    from readinglist.links.report import report_json, report_problems, summary_table

    found = _targets(args)
    if found is None:
        return 2
    targets, only = found
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

    report = _with_progress(check)
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
