"""Runs over several nights: a failure is reported only once it is confirmed."""

from __future__ import annotations

import datetime
from pathlib import Path

from linkserver import SETTINGS, T0, CaseServer, FakeClock, targets
from readinglist.links.check import check_links
from readinglist.links.report import LinkResult

pytest_plugins = ["linkserver"]


def test_dead_only_after_failing_runs_a_day_apart(server: CaseServer, tmp_path: Path) -> None:
    cache = str(tmp_path / "links.json")
    fake = FakeClock()
    wanted = targets(server, "/404")

    def run(after: datetime.timedelta) -> LinkResult:
        fake.current = T0 + after
        report = check_links(wanted, cache, SETTINGS, clock=fake.clock)
        return report.results[0]

    first = run(datetime.timedelta(0))
    assert (first.verdict, first.observed, first.failing_runs) == ("unconfirmed", "dead", 1)
    assert first.suggestion == ""
    second = run(datetime.timedelta(hours=23))  # a second bad run the same night
    assert (second.verdict, second.failing_runs) == ("unconfirmed", 2)
    third = run(datetime.timedelta(hours=24))
    assert (third.verdict, third.failing_runs) == ("dead", 3)
    assert third.suggestion == f"https://web.archive.org/web/*/{server.base}/404"
    assert server.log.count("/404") == 6  # HEAD then GET, every run: failures are not cached
