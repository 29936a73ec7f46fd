"""Asking the servers: every case of the local server, the per-host limit and the pause."""

from __future__ import annotations

import asyncio
import itertools
from dataclasses import replace

from linkserver import SETTINGS, CaseServer, FakeClock
from readinglist.config import LinkSettings
from readinglist.links.http import check_urls

pytest_plugins = ["linkserver"]

# What each case of the server is found to be: (path, verdict, words in the detail).
CASES = [
    ("/ok", "ok", "200 OK"),
    ("/301/a", "moved", "moved permanently to {base}/final"),
    ("/308/a", "moved", "moved permanently to {base}/final"),
    ("/302", "ok", "200 OK"),
    ("/mixed", "moved", "moved permanently to {base}/mixed/new"),
    ("/moved-then-404", "dead", "404 Not Found at {base}/404"),
    ("/404", "dead", "404 Not Found"),
    ("/410", "dead", "410 Gone"),
    ("/head-405", "ok", "200 OK"),
    ("/429-once", "ok", "200 OK"),
    ("/429-always", "unverifiable", "429 Too Many Requests, 2 attempts"),
    ("/429-long", "unverifiable", "asked to retry after 3600 s"),
    ("/503-once", "ok", "200 OK"),
    ("/500", "unreachable", "500 Internal Server Error, 2 attempts"),
    ("/slow", "unreachable", "timed out: no complete answer within 0.8 s"),
    ("/loop/a", "error", "redirect loop: {base}/loop/a -> {base}/loop/b -> {base}/loop/a"),
    ("/chain/1", "error", "more than 5 redirects"),
    ("/no-location", "error", "redirect without a Location"),
    ("/close", "unreachable", "the server closed the connection without answering"),
    ("/401", "unverifiable", "401 Unauthorized: the site refuses automated checks"),
    ("/403", "unverifiable", "403 Forbidden: the site refuses automated checks"),
    ("/400", "error", "the server answered 400 Bad Request"),
]


def test_each_case_gets_its_verdict(server: CaseServer) -> None:
    fake = FakeClock()
    urls = [server.base + path for path, _, _ in CASES]
    urls.append(server.base.replace("http:", "https:") + "/ok")  # TLS to a plain-HTTP port
    # Short enough for a quick test, long enough for every case but /slow to answer in.
    settings = replace(SETTINGS, timeout=0.8)
    found = asyncio.run(check_urls(urls, settings, fake.clock))
    got = {url.removeprefix(server.base): (o.verdict, o.detail) for url, o in found.items()}
    for path, verdict, words in CASES:
        assert got[path][0] == verdict, path
        assert words.format(base=server.base) in got[path][1], path
    tls = found[server.base.replace("http:", "https:") + "/ok"]
    assert (tls.verdict, tls.detail.split(":")[0]) == ("unreachable", "TLS error")
    assert found[server.base + "/301/a"].new_url == server.base + "/final"
    assert found[server.base + "/302"].new_url == ""
    # Retry-After was honoured to the second; a request for an hour was not retried at all.
    assert 1.0 in fake.slept
    assert server.log.count("/429-long") == 1
    assert server.log.count("/503-once") == 2
    # A URL httpx cannot even encode is one link's error, not a crash of the run.
    bad = asyncio.run(check_urls([server.base + "/a\x01b"], SETTINGS, fake.clock))
    assert bad[server.base + "/a\x01b"].verdict == "error"
    assert bad[server.base + "/a\x01b"].detail.startswith("cannot be requested: ")
    # HEAD came first, then GET because HEAD was refused.
    methods = [m for m, p, _ in server.log.requests if p == "/head-405"]
    assert methods == ["HEAD", "GET"]


def test_per_host_limit_holds_and_is_what_limits(server: CaseServer) -> None:
    urls = [f"{server.base}/busy?page={n}" for n in range(10)]
    for per_host in (2, 3):
        server.log.peak.clear()
        settings = LinkSettings(per_host=per_host, pause=0.0, trust_env=False)
        found = asyncio.run(check_urls(urls, settings))
        assert {o.verdict for o in found.values()} == {"ok"}
        assert max(server.log.peak.values()) == per_host


def test_a_host_rests_between_requests(server: CaseServer) -> None:
    urls = [f"{server.base}/ok?page={n}" for n in range(4)]
    settings = LinkSettings(per_host=1, pause=0.1, trust_env=False)
    asyncio.run(check_urls(urls, settings))
    starts = [t for _, _, t in server.log.requests]
    gaps = [later - earlier for earlier, later in itertools.pairwise(starts)]
    assert len(starts) == 4
    assert min(gaps) >= 0.09
