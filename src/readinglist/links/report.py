"""Link results as reported: the verdict once confirmed, problems, a summary table, JSON.

Pure: results are built from the cache's records, and reports are returned as
text for the command line to print.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import asdict, dataclass

from readinglist.config import LinkPolicy
from readinglist.links.policy import (
    FAILING,
    FAILS_RUN,
    VERDICT_MEANINGS,
    VERDICTS,
    CacheRecord,
    Verdict,
    confirmed,
    wayback_url,
)
from readinglist.links.targets import LinkTarget
from readinglist.problems import Problem, Severity


@dataclass(frozen=True)
class LinkResult:
    """The verdict on one entry's URL, as reported."""

    url: str
    path: str
    line: int
    verdict: Verdict
    observed: Verdict
    """What the last check found; differs from ``verdict`` while a failure is unconfirmed."""
    detail: str
    status: int | None
    new_url: str
    requested: bool
    """False when a recent OK in the cache made a request needless."""
    failing_runs: int
    suggestion: str
    """For dead and unreachable links: where an archived copy may be found."""


@dataclass(frozen=True)
class LinkReport:
    """One run: a result per entry, in path order."""

    results: tuple[LinkResult, ...]
    requested: int
    """How many distinct URLs were requested in this run."""
    problems: tuple[Problem, ...] = ()
    """Trouble with the cache, not with links."""

    @property
    def failed(self) -> bool:
        return any(r.verdict in FAILS_RUN for r in self.results)

    def counts(self) -> dict[Verdict, int]:
        return {v: sum(1 for r in self.results if r.verdict == v) for v in VERDICTS}


def result_for(
    target: LinkTarget, record: CacheRecord, requested: bool, policy: LinkPolicy
) -> LinkResult:
    """The reported verdict: a failure stays ``unconfirmed`` until ``confirmed``."""
    observed = record.verdict
    verdict: Verdict = observed
    if observed in FAILING and not confirmed(record, policy):
        verdict = "unconfirmed"
    suggestion = wayback_url(target.url) if verdict in FAILS_RUN else ""
    return LinkResult(
        url=target.url,
        path=target.path,
        line=target.line,
        verdict=verdict,
        observed=observed,
        detail=record.detail,
        status=record.status,
        new_url=record.new_url,
        requested=requested,
        failing_runs=len(record.failures),
        suggestion=suggestion,
    )


def result_problem(result: LinkResult, policy: LinkPolicy = LinkPolicy()) -> Problem | None:
    """A reportable result as ``path:line: url: message (hint)``; None for OK."""
    severity: Severity = "error" if result.verdict in FAILS_RUN else "warning"
    hint = ""
    if result.verdict == "ok":
        return None
    if result.verdict == "moved":
        message = f"moved permanently to {result.new_url}"
        hint = "update url: to the new address"
    elif result.verdict == "dead":
        message = f"is dead: {result.detail}"
        hint = f"find an archived copy: {result.suggestion}"
    elif result.verdict == "unreachable":
        message = f"is unreachable: {result.detail}"
        hint = f"if it is gone for good, find an archived copy: {result.suggestion}"
    elif result.verdict == "error":
        message = f"cannot be followed: {result.detail}"
        hint = "open it in a browser and fix url:"
    elif result.verdict == "unverifiable":
        message = f"could not be verified: {result.detail}"
        hint = "check it in a browser; a bot wall is not a dead link"
    else:
        runs = "run" if result.failing_runs == 1 else "runs in a row"
        message = f"failed {result.failing_runs} {runs} ({result.observed}: {result.detail})"
        hint = (
            f"reported as {result.observed} once it fails in {policy.confirm_runs} runs"
            f" at least {_duration(policy.confirm_gap)} apart"
        )
    return Problem(result.path, result.line, "url", message, hint, severity)


def _duration(delta: datetime.timedelta) -> str:
    hours = delta.total_seconds() / 3600
    if hours >= 24 and hours % 24 == 0:
        days = int(hours // 24)
        return "a day" if days == 1 else f"{days} days"
    return f"{hours:g} hours"


def report_problems(report: LinkReport, policy: LinkPolicy = LinkPolicy()) -> list[Problem]:
    found = (result_problem(r, policy) for r in report.results)
    return sorted([*report.problems, *(p for p in found if p is not None)])


def summary_table(report: LinkReport) -> str:
    """Verdict, count and meaning, one row per verdict, then the totals."""
    counts = report.counts()
    rows = [("verdict", "links", "meaning")]
    rows += [(v, str(counts[v]), VERDICT_MEANINGS[v]) for v in VERDICTS]
    rows.append(("total", str(len(report.results)), f"{report.requested} requested this run"))
    width = max(len(r[0]) for r in rows)
    digits = max(len(r[1]) for r in rows)
    lines = [f"{name:<{width}}  {count:>{digits}}  {meaning}" for name, count, meaning in rows]
    return "\n".join(lines) + "\n"


def report_json(report: LinkReport) -> str:
    document = {
        "links": [asdict(r) for r in report.results],
        "counts": report.counts(),
        "requested": report.requested,
        "failed": report.failed,
        "problems": [asdict(p) for p in report.problems],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
