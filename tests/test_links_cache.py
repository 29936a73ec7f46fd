"""The cache file: it spares requests, is written atomically, and a damaged one is a warning."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

from linkserver import SETTINGS, T0, CaseServer, FakeClock, targets
from readinglist.links.cache import CACHE_VERSION
from readinglist.links.check import check_links

pytest_plugins = ["linkserver"]


def test_cache_spares_a_second_request(server: CaseServer, tmp_path: Path) -> None:
    cache = str(tmp_path / ".cache" / "links.json")
    fake = FakeClock()
    first = check_links(targets(server, "/ok", "/301/a"), cache, SETTINGS, clock=fake.clock)
    asked = len(server.log.requests)
    fake.current = T0 + datetime.timedelta(days=6)
    second = check_links(targets(server, "/ok"), cache, SETTINGS, clock=fake.clock)
    assert [r.verdict for r in first.results] == ["ok", "moved"]
    assert (second.requested, second.results[0].verdict) == (0, "ok")
    assert second.results[0].requested is False
    assert len(server.log.requests) == asked  # no request at all
    # Past --max-age it is asked again; the moved URL left the catalog and the cache.
    fake.current = T0 + datetime.timedelta(days=7)
    third = check_links(targets(server, "/ok"), cache, SETTINGS, clock=fake.clock)
    assert third.requested == 1
    saved = json.loads(Path(cache).read_text(encoding="utf-8"))
    assert list(saved["urls"]) == [server.base + "/ok"]
    assert saved["urls"][server.base + "/ok"]["last_ok"] == fake.current.isoformat()
    assert [p.name for p in Path(cache).parent.iterdir()] == ["links.json"]  # no temp left


def test_an_unreadable_cache_is_a_warning_and_is_rewritten(
    server: CaseServer, tmp_path: Path
) -> None:
    cache = tmp_path / "links.json"
    cache.write_text("{not json", encoding="utf-8")
    report = check_links(targets(server, "/ok"), str(cache), SETTINGS, clock=FakeClock().clock)
    assert [p.format().split(": ")[1] for p in report.problems] == ["warning"]
    assert report.problems[0].hint == "starting afresh; it is rewritten"
    assert json.loads(cache.read_text(encoding="utf-8"))["version"] == CACHE_VERSION
