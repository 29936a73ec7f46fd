"""Link health against an HTTP server the tests start on 127.0.0.1; no network."""

from __future__ import annotations

import asyncio
import datetime
import itertools
import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
import yaml

from readinglist import links
from readinglist.catalog.read import load_content
from readinglist.cli import main
from readinglist.config import DEFAULT_LINKS_CACHE, LinkPolicy, LinkSettings

T0 = datetime.datetime(2026, 11, 2, 3, 0, tzinfo=datetime.UTC)

SETTINGS = LinkSettings(
    per_host=2,
    pause=0.0,
    timeout=5.0,  # generous: a loaded machine must not turn a 404 into a timeout
    retries=1,
    backoff=0.01,
    max_retry_after=5.0,
    max_redirects=5,
    trust_env=False,
)

REDIRECTS = {
    "/301/a": (301, "/301/b"),
    "/301/b": (301, "/final"),
    "/308/a": (308, "/308/b"),
    "/308/b": (308, "/final"),
    "/302": (302, "/final"),
    "/mixed": (301, "/mixed/new"),
    "/mixed/new": (302, "/final"),
    "/moved-then-404": (301, "/404"),
    "/loop/a": (302, "/loop/b"),
    "/loop/b": (302, "/loop/a"),
    "/no-location": (302, ""),
}


@dataclass
class ServerLog:
    """What the test server saw: every request, and the most at once per host."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    requests: list[tuple[str, str, float]] = field(default_factory=list)
    in_flight: dict[str, int] = field(default_factory=dict)
    peak: dict[str, int] = field(default_factory=dict)
    release: threading.Event = field(default_factory=threading.Event)

    def count(self, path: str) -> int:
        with self.lock:
            return sum(1 for _, p, _ in self.requests if p == path)


class Handler(BaseHTTPRequestHandler):
    server: CaseServer

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the log is the ServerLog."""

    def do_HEAD(self) -> None:
        self.answer()

    def do_GET(self) -> None:
        self.answer()

    def reply(self, status: int, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def answer(self) -> None:
        log, host = self.server.log, self.headers.get("Host", "")
        path = urlsplit(self.path).path
        with log.lock:
            log.requests.append((self.command, path, time.monotonic()))
            seen = sum(1 for _, p, _ in log.requests if p == path)
            log.in_flight[host] = log.in_flight.get(host, 0) + 1
            log.peak[host] = max(log.peak.get(host, 0), log.in_flight[host])
        try:
            self.route(path, seen)
        finally:
            with log.lock:
                log.in_flight[host] -= 1

    def route(self, path: str, seen: int) -> None:
        if path in REDIRECTS:
            status, location = REDIRECTS[path]
            self.reply(status, {"Location": location} if location else {})
        elif path.startswith("/chain/"):
            self.reply(302, {"Location": f"/chain/{int(path.rsplit('/', 1)[1]) + 1}"})
        elif path in ("/404", "/410", "/401", "/403", "/400"):
            self.reply(int(path[1:]))
        elif path == "/head-405":
            self.reply(405 if self.command == "HEAD" else 200)
        elif path == "/429-once":
            self.reply(429, {"Retry-After": "1"}) if seen == 1 else self.reply(200)
        elif path == "/429-always":
            self.reply(429, {"Retry-After": "1"})
        elif path == "/429-long":
            self.reply(429, {"Retry-After": "3600"})
        elif path == "/503-once":
            self.reply(503) if seen == 1 else self.reply(200)
        elif path == "/500":
            self.reply(500)
        elif path == "/slow":
            self.server.log.release.wait(5)  # longer than the client waits
        elif path == "/close":
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
        elif path == "/busy":
            time.sleep(0.05)
            self.reply(200)
        else:
            self.reply(200)


class CaseServer(ThreadingHTTPServer):
    daemon_threads = True
    log: ServerLog

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


@pytest.fixture
def server() -> Iterator[CaseServer]:
    httpd = CaseServer(("127.0.0.1", 0), Handler)
    httpd.log = ServerLog()
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield httpd
    finally:
        httpd.log.release.set()
        httpd.shutdown()
        httpd.server_close()
        thread.join(5)


@pytest.fixture(autouse=True)
def no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    """Proxy settings in the environment must not send local requests elsewhere."""
    monkeypatch.setenv("NO_PROXY", "*")


@dataclass
class FakeClock:
    """A wall clock the test moves, and a sleep that records instead of waiting."""

    current: datetime.datetime = T0
    slept: list[float] = field(default_factory=list)

    def now(self) -> datetime.datetime:
        return self.current

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        await asyncio.sleep(0)

    @property
    def clock(self) -> links.Clock:
        return links.Clock(self.now, time.monotonic, self.sleep)


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
    ("/slow", "unreachable", "timed out (2 attempts)"),
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
    found = asyncio.run(links.check_urls(urls, settings, fake.clock))
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
    bad = asyncio.run(links.check_urls([server.base + "/a\x01b"], SETTINGS, fake.clock))
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
        found = asyncio.run(links.check_urls(urls, settings))
        assert {o.verdict for o in found.values()} == {"ok"}
        assert max(server.log.peak.values()) == per_host


def test_a_host_rests_between_requests(server: CaseServer) -> None:
    urls = [f"{server.base}/ok?page={n}" for n in range(4)]
    settings = LinkSettings(per_host=1, pause=0.1, trust_env=False)
    asyncio.run(links.check_urls(urls, settings))
    starts = [t for _, _, t in server.log.requests]
    gaps = [later - earlier for earlier, later in itertools.pairwise(starts)]
    assert len(starts) == 4
    assert min(gaps) >= 0.09


def targets(server: CaseServer, *paths: str) -> list[links.LinkTarget]:
    return [
        links.LinkTarget(server.base + path, f"content/entries/e{n}.md", 3)
        for n, path in enumerate(paths)
    ]


def test_cache_spares_a_second_request(server: CaseServer, tmp_path: Path) -> None:
    cache = str(tmp_path / ".cache" / "links.json")
    fake = FakeClock()
    first = links.check_links(targets(server, "/ok", "/301/a"), cache, SETTINGS, clock=fake.clock)
    asked = len(server.log.requests)
    fake.current = T0 + datetime.timedelta(days=6)
    second = links.check_links(targets(server, "/ok"), cache, SETTINGS, clock=fake.clock)
    assert [r.verdict for r in first.results] == ["ok", "moved"]
    assert (second.requested, second.results[0].verdict) == (0, "ok")
    assert second.results[0].requested is False
    assert len(server.log.requests) == asked  # no request at all
    # Past --max-age it is asked again; the moved URL left the catalog and the cache.
    fake.current = T0 + datetime.timedelta(days=7)
    third = links.check_links(targets(server, "/ok"), cache, SETTINGS, clock=fake.clock)
    assert third.requested == 1
    saved = json.loads(Path(cache).read_text(encoding="utf-8"))
    assert list(saved["urls"]) == [server.base + "/ok"]
    assert saved["urls"][server.base + "/ok"]["last_ok"] == fake.current.isoformat()
    assert [p.name for p in Path(cache).parent.iterdir()] == ["links.json"]  # no temp left


def test_dead_only_after_failing_runs_a_day_apart(server: CaseServer, tmp_path: Path) -> None:
    cache = str(tmp_path / "links.json")
    fake = FakeClock()
    wanted = targets(server, "/404")

    def run(after: datetime.timedelta) -> links.LinkResult:
        fake.current = T0 + after
        report = links.check_links(wanted, cache, SETTINGS, clock=fake.clock)
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


def test_a_good_run_ends_the_streak_and_unverifiable_leaves_it() -> None:
    dead = links.Observation("dead", "404 Not Found", 404)
    blocked = links.Observation("unverifiable", "403 Forbidden", 403)
    ok = links.Observation("ok", "200 OK", 200)
    policy = LinkPolicy()
    day = datetime.timedelta(days=1)
    record = links.remember(None, dead, T0)
    record = links.remember(record, blocked, T0 + day / 2)
    assert record.failures == (T0,)
    record = links.remember(record, dead, T0 + day)
    assert links.confirmed(record, policy)
    record = links.remember(record, ok, T0 + 2 * day)
    assert (record.failures, record.last_ok) == ((), T0 + 2 * day)
    assert not links.confirmed(links.remember(record, dead, T0 + 3 * day), policy)
    strict = LinkPolicy(confirm_runs=3, confirm_gap=2 * day)
    streak = links.remember(links.remember(None, dead, T0), dead, T0 + 2 * day)
    assert not links.confirmed(streak, strict)
    assert links.confirmed(links.remember(streak, dead, T0 + 3 * day), strict)


def test_retry_after_as_a_date_and_exceptions_without_an_answer() -> None:
    now = datetime.datetime(2026, 11, 2, 3, 0, 0, tzinfo=datetime.UTC)
    assert links.retry_after_seconds("Mon, 02 Nov 2026 03:00:30 GMT", now) == 30.0
    assert links.retry_after_seconds("soon", now) is None
    dns = httpx.ConnectError("[Errno -2] Name or service not known")
    dns.__cause__ = socket.gaierror(-2, "Name or service not known")
    assert links.classify_exception(dns) == links.Observation(
        "unreachable", "DNS: the host name does not resolve"
    )
    refused = httpx.ConnectError("All connection attempts failed")
    refused.__cause__ = ConnectionRefusedError(111, "Connect call failed")
    assert links.classify_exception(refused).detail == "connection refused"


def test_an_unreadable_cache_is_a_warning_and_is_rewritten(
    server: CaseServer, tmp_path: Path
) -> None:
    cache = tmp_path / "links.json"
    cache.write_text("{not json", encoding="utf-8")
    report = links.check_links(
        targets(server, "/ok"), str(cache), SETTINGS, clock=FakeClock().clock
    )
    assert [p.format().split(": ")[1] for p in report.problems] == ["warning"]
    assert report.problems[0].hint == "starting afresh; it is rewritten"
    assert json.loads(cache.read_text(encoding="utf-8"))["version"] == links.CACHE_VERSION


# The command line.

TAGS = "mlops:\n  name: MLOps\n  description: Running machine learning in production.\n"


def write_entry(entries: Path, slug: str, url: str) -> Path:
    path = entries / f"{slug}.md"
    path.write_text(
        f"---\ntitle: {slug}\nurl: {url}\ndate: 2024-01-01\ntags: [mlops]\n---\nWhy read it.\n",
        encoding="utf-8",
    )
    return path


def catalog(tmp_path: Path, urls: dict[str, str]) -> Path:
    content = tmp_path / "content"
    (content / "entries").mkdir(parents=True)
    (content / "tags.yml").write_text(TAGS, encoding="utf-8")
    for slug, url in urls.items():
        write_entry(content / "entries", slug, url)
    return content


def run_cli(
    capsys: pytest.CaptureFixture[str], content: Path, *options: str
) -> tuple[int, str, str]:
    cache = str(content.parent / "links-cache.json")
    base = ["links", "--content", str(content), "--cache", cache, "--pause", "0"]
    code = main([*base, *options])
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_text_report_table_and_exit_codes(
    server: CaseServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    content = catalog(
        tmp_path,
        {"fine": f"{server.base}/ok", "gone": f"{server.base}/410", "old": f"{server.base}/308/a"},
    )
    code, out, err = run_cli(capsys, content)
    gone = content / "entries" / "gone.md"
    old = content / "entries" / "old.md"
    assert code == 0  # one failing run is not enough
    assert f"{gone}:3: warning: url: failed 1 run (dead: 410 Gone)" in out
    assert f"{old}:3: warning: url: moved permanently to {server.base}/final" in out
    assert "requesting 3 URLs" in err
    assert f"] dead: {server.base}/410" in err

    code, out, _ = run_cli(capsys, content, "--confirm-runs", "1")
    assert code == 1
    assert (
        f"{gone}:3: url: is dead: 410 Gone (find an archived copy:"
        f" https://web.archive.org/web/*/{server.base}/410)"
    ) in out
    table = out[out.index("verdict") :].splitlines()
    assert table[0].split() == ["verdict", "links", "meaning"]
    counts = {line.split()[0]: int(line.split()[1]) for line in table[1:]}
    assert counts["ok"] == 1 and counts["moved"] == 1 and counts["dead"] == 1
    assert counts["total"] == 3
    assert table[-1].split()[2:] == ["2", "requested", "this", "run"]  # OK came from the cache


def test_cli_github_annotations_on_the_url_line(
    server: CaseServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    content = catalog(tmp_path, {"gone": f"{server.base}/404", "fine": f"{server.base}/ok"})
    gone = content / "entries" / "gone.md"
    gone.write_text(
        gone.read_text(encoding="utf-8").replace("title: gone\n", "title: gone\nauthors: [A]\n"),
        encoding="utf-8",
    )
    code, out, _ = run_cli(capsys, content, "--format", "github", "--confirm-runs", "1")
    assert code == 1
    assert out.splitlines()[0] == (
        f"::error file={gone},line=4,title=url::url: is dead: 404 Not Found"
        f" (find an archived copy: https://web.archive.org/web/*/{server.base}/404)"
    )


def test_cli_json_report(
    server: CaseServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    content = catalog(tmp_path, {"fine": f"{server.base}/ok", "blocked": f"{server.base}/403"})
    code, out, _ = run_cli(capsys, content, "--format", "json")
    document = json.loads(out)
    assert code == 0  # a bot wall is not link rot
    assert {r["url"]: r["verdict"] for r in document["links"]} == {
        f"{server.base}/ok": "ok",
        f"{server.base}/403": "unverifiable",
    }
    assert document["counts"]["unverifiable"] == 1
    assert (document["requested"], document["failed"]) == (2, False)


def git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@t", "-C", str(repo), *args],
        check=True,
        capture_output=True,
    )


def test_cli_only_changed_checks_entries_changed_since_a_ref(
    server: CaseServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    content = catalog(tmp_path, {"same": f"{server.base}/404", "edited": f"{server.base}/ok?v=1"})
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-q", "-m", "catalog")
    write_entry(content / "entries", "edited", f"{server.base}/ok?v=2")
    write_entry(content / "entries", "added", f"{server.base}/302")
    code, out, _ = run_cli(capsys, content, "--only-changed", "HEAD", "--format", "json")
    assert code == 0
    assert sorted(r["url"] for r in json.loads(out)["links"]) == [
        f"{server.base}/302",
        f"{server.base}/ok?v=2",
    ]
    assert server.log.count("/404") == 0

    code, _, err = run_cli(capsys, content, "--only-changed", "no-such-ref")
    assert code == 2
    assert f"{content / 'entries'}:1: --only-changed: git cannot compare with 'no-such-ref'" in err


def test_targets_come_from_raw_entries_with_the_url_line(tmp_path: Path) -> None:
    content = catalog(tmp_path, {"a": "https://a.test/x", "b": "not a url"})
    found = links.link_targets(load_content(content))
    assert found == [links.LinkTarget("https://a.test/x", str(content / "entries" / "a.md"), 3)]


# The weekly workflow.

ROOT = Path(__file__).parent.parent


def test_weekly_workflow_keeps_memory_and_fails_on_a_dead_link(
    server: CaseServer, tmp_path: Path
) -> None:
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "links.yml").read_text())
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true
    assert triggers["schedule"][0]["cron"].split()[2:] == ["*", "*", "1"]  # Mondays
    assert workflow["permissions"] == {"contents": "read"}
    steps = workflow["jobs"]["links"]["steps"]
    uses = {s["uses"].split("@")[0]: s for s in steps if "uses" in s}
    assert uses["actions/cache/restore"]["with"]["path"] == DEFAULT_LINKS_CACHE
    saved = uses["actions/cache/save"]
    assert (saved["if"], saved["with"]["path"]) == ("always()", DEFAULT_LINKS_CACHE)
    report = uses["actions/upload-artifact"]
    assert (report["if"], report["with"]["path"]) == ("always()", "links-report.txt")
    (check,) = [s for s in steps if s.get("name") == "Check every entry's link"]

    # Run the step as the runner does, in a checkout whose one entry failed two days ago.
    catalog(tmp_path, {"gone": f"{server.base}/404"})
    earlier = datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=2)
    failed = links.CacheRecord("dead", earlier, failures=(earlier,))
    links.write_cache(str(tmp_path / DEFAULT_LINKS_CACHE), {f"{server.base}/404": failed})
    bin_dir = Path(sys.executable).parent
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "NO_PROXY": "*"}
    done = subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", check["run"]],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert done.returncode == 1, done.stderr
    text = (tmp_path / "links-report.txt").read_text(encoding="utf-8")
    assert "content/entries/gone.md:3: url: is dead: 404 Not Found" in text
    remembered = json.loads((tmp_path / DEFAULT_LINKS_CACHE).read_text(encoding="utf-8"))
    assert len(remembered["urls"][f"{server.base}/404"]["failures"]) == 2


def test_cli_without_a_content_folder_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run_cli(capsys, tmp_path / "nowhere")
    assert (code, out) == (2, "")
    assert f"{tmp_path / 'nowhere' / 'entries'}:1: folder: is missing" in err
