"""Link health: which entries point at dead, moved or blocked pages.

The policy is plain functions over data: how an HTTP answer or a network error
is classified, when to retry and how long to wait, what the cache remembers
across runs, when a failure counts as confirmed, and how results become
``Problem``s and reports. The I/O around it is thin: ``check_urls`` asks the
servers (asyncio and httpx, at most a few requests to one host at a time with a
pause between them), ``read_cache``/``write_cache`` keep ``.cache/links.json``,
and ``changed_entry_names`` asks git. The clock and sleep are passed in, so
tests need neither real waiting nor a real day. Prints nothing.
"""

from __future__ import annotations

import asyncio
import datetime
import email.utils
import json
import os
import socket
import ssl
import subprocess
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import urljoin, urlsplit

if TYPE_CHECKING:
    import httpx

from readinglist.catalog.read import ENTRIES_DIR, RawContent
from readinglist.config import LinkPolicy, LinkSettings
from readinglist.problems import Problem, Severity

Verdict = Literal["ok", "moved", "dead", "unreachable", "error", "unverifiable", "unconfirmed"]

VERDICTS: tuple[Verdict, ...] = (
    "ok",
    "moved",
    "dead",
    "unreachable",
    "error",
    "unverifiable",
    "unconfirmed",
)
"""Every verdict, in the order reports list them."""

VERDICT_MEANINGS: Mapping[Verdict, str] = {
    "ok": "answers with a page",
    "moved": "permanent redirect: update the entry's url",
    "dead": "404 Not Found or 410 Gone, confirmed across runs",
    "unreachable": "no answer (DNS, TLS, connection, timeout, 5xx), confirmed across runs",
    "error": "redirect loop, too many redirects or an unexpected answer, confirmed",
    "unverifiable": "the site refuses automated checks (401, 403, 429, 451): check by hand",
    "unconfirmed": "failed, but not yet in enough runs far enough apart",
}

FAILING: frozenset[Verdict] = frozenset({"dead", "unreachable", "error"})
"""Observed verdicts that start or extend a failing streak."""
FAILS_RUN: frozenset[Verdict] = frozenset({"dead", "unreachable"})
"""Reported verdicts that make ``readinglist links`` exit 1."""

PERMANENT_REDIRECTS = frozenset({301, 308})
REDIRECTS = frozenset({301, 302, 303, 307, 308})
HEAD_REFUSED = frozenset({400, 403, 404, 405, 410, 501})
"""HEAD answers that send us to GET: refusals (403, 405, 501), and, because some
servers mishandle HEAD, any answer that would call a page dead or broken."""
DEAD_STATUSES = frozenset({404, 410})
BLOCKED_STATUSES = frozenset({401, 403, 429, 451})
RETRY_AFTER_STATUSES = frozenset({429, 503})

WAYBACK_LOOKUP = "https://web.archive.org/web/*/{url}"
CACHE_VERSION = 1


@dataclass(frozen=True)
class Clock:
    """Time as the checker sees it; tests pass their own."""

    now: Callable[[], datetime.datetime]
    """Wall-clock time, timezone-aware: stamps runs in the cache."""
    monotonic: Callable[[], float]
    """Seconds for pacing requests to a host."""
    sleep: Callable[[float], Awaitable[None]]


def _utc_now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


SYSTEM_CLOCK = Clock(_utc_now, time.monotonic, asyncio.sleep)


@dataclass(frozen=True)
class Observation:
    """What asking for one URL found in this run."""

    verdict: Verdict
    detail: str
    status: int | None = None
    """The last HTTP status seen, if any answer came."""
    final_url: str = ""
    """Where the redirects ended."""
    new_url: str = ""
    """For ``moved``: the address to write in the entry."""


@dataclass(frozen=True)
class CacheRecord:
    """What the cache remembers about one URL."""

    verdict: Verdict
    """The last observed verdict (never ``unconfirmed``)."""
    checked: datetime.datetime
    detail: str = ""
    status: int | None = None
    new_url: str = ""
    last_ok: datetime.datetime | None = None
    failures: tuple[datetime.datetime, ...] = ()
    """When each run of the current failing streak happened, oldest first."""


LinkCache = Mapping[str, CacheRecord]


@dataclass(frozen=True)
class LinkTarget:
    """One entry's URL and where it is written."""

    url: str
    path: str
    line: int
    """The line of the entry's ``url:`` key."""


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


# Which URLs to check.


def checkable(url: str) -> bool:
    """An absolute http(s) URL with a host; anything else is for ``readinglist check``."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a malformed port
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def link_targets(raw: RawContent, only: Iterable[str] | None = None) -> list[LinkTarget]:
    """Every entry's URL with the line of its ``url:`` key, by path.

    Read from the raw entries, so an entry with an unrelated error still gets its
    link checked. ``only`` limits it to entry file names (``x.md``).
    """
    names = None if only is None else set(only)
    targets = []
    for entry in raw.entries:
        if names is not None and Path(entry.path).name not in names:
            continue
        url = entry.fields.get("url")
        if isinstance(url, str) and checkable(url.strip()):
            line = entry.fields.key_lines.get("url", entry.fields.line)
            targets.append(LinkTarget(url.strip(), entry.path, line))
    return sorted(targets, key=lambda t: (t.path, t.line))


def changed_entry_names(content_dir: str, ref: str) -> tuple[frozenset[str], list[Problem]]:
    """Entry file names changed since ``ref`` (``git diff``), plus new untracked ones."""
    entries_dir = str(Path(content_dir) / ENTRIES_DIR)
    if ref.startswith("-"):
        return frozenset(), [Problem(entries_dir, 1, "--only-changed", f"'{ref}' is not a ref")]
    commands = (
        # -z: names as they are, never quoted or escaped.
        [
            "git",
            "-C",
            entries_dir,
            "diff",
            "-z",
            "--name-only",
            "--relative",
            "--diff-filter=d",
            ref,
        ],
        ["git", "-C", entries_dir, "ls-files", "-z", "--others", "--exclude-standard"],
    )
    names: set[str] = set()
    for command in commands:
        try:
            done = subprocess.run(
                [*command, "--", "."], capture_output=True, text=True, check=False
            )
        except OSError as exc:
            return frozenset(), [Problem(entries_dir, 1, "--only-changed", f"git: {exc}")]
        if done.returncode != 0:
            message = done.stderr.strip().splitlines()[0] if done.stderr.strip() else "failed"
            return frozenset(), [
                Problem(
                    entries_dir,
                    1,
                    "--only-changed",
                    f"git cannot compare with '{ref}': {message}",
                    "fetch the ref first, e.g. git fetch origin main",
                )
            ]
        names.update(n for n in done.stdout.split("\0") if n.endswith(".md") and "/" not in n)
    return frozenset(names), []


# Classifying answers (pure).


def classify_status(status: int, reason: str) -> tuple[Verdict, str]:
    """The verdict for the answer a redirect chain ended on."""
    words = f"{status} {reason}".strip()
    if 200 <= status < 400:
        return "ok", words
    if status in DEAD_STATUSES:
        return "dead", words
    if status in BLOCKED_STATUSES:
        return "unverifiable", f"{words}: the site refuses automated checks"
    if status >= 500:
        return "unreachable", f"{words}: the server keeps failing"
    return "error", f"the server answered {words}"


def classify_chain(
    url: str, hops: Sequence[tuple[str, int]], final_url: str, status: int, reason: str
) -> Observation:
    """An answer after redirects ``hops`` ((from URL, status) pairs).

    Moved means the chain starts with permanent redirects; the new address is
    where they lead, so a later temporary hop (often a login or a locale page)
    is not written into the entry.
    """
    verdict, detail = classify_status(status, reason)
    new_url = ""
    for index, (_, hop_status) in enumerate(hops):
        if hop_status not in PERMANENT_REDIRECTS:
            break
        new_url = hops[index + 1][0] if index + 1 < len(hops) else final_url
    if verdict == "ok" and new_url and new_url != url:
        return Observation("moved", f"moved permanently to {new_url}", status, final_url, new_url)
    if hops and verdict != "ok":
        detail = f"{detail} at {final_url}"
    return Observation(verdict, detail, status, final_url)


def _causes(exc: BaseException) -> Iterable[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def classify_exception(exc: BaseException) -> Observation:
    """A request that got no HTTP answer: TLS, DNS, refused, closed, timed out."""
    # httpx is imported where it is used, so every other command starts faster.
    import httpx

    for cause in _causes(exc):
        if isinstance(cause, ssl.SSLCertVerificationError):
            return Observation("unreachable", f"TLS certificate not valid: {cause.verify_message}")
        if isinstance(cause, ssl.SSLError):
            return Observation("unreachable", f"TLS error: {cause.reason or cause}")
        if isinstance(cause, socket.gaierror):
            return Observation("unreachable", "DNS: the host name does not resolve")
        if isinstance(cause, ConnectionRefusedError):
            return Observation("unreachable", "connection refused")
    if isinstance(exc, httpx.TimeoutException):
        return Observation("unreachable", "timed out")
    if isinstance(exc, httpx.RemoteProtocolError):
        return Observation("unreachable", "the server closed the connection without answering")
    if isinstance(exc, httpx.UnsupportedProtocol | httpx.InvalidURL | ValueError):
        return Observation("error", f"cannot be requested: {exc}")
    return Observation("unreachable", f"{type(exc).__name__}: {exc}".rstrip(": "))


def retry_after_seconds(value: str | None, now: datetime.datetime) -> float | None:
    """A ``Retry-After`` header (seconds, or an HTTP date) as seconds from ``now``."""
    if not value:
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=datetime.UTC)
    return max(0.0, (when - now).total_seconds())


def retry_delay(
    status: int | None,
    retry_after: str | None,
    attempt: int,
    settings: LinkSettings,
    now: datetime.datetime,
) -> float | None:
    """Seconds to wait before attempt ``attempt + 1``, or None when the answer stands.

    ``status`` None means the request timed out. A ``Retry-After`` is honoured
    as given: when it asks for longer than ``max_retry_after`` we stop rather
    than come back early.
    """
    if attempt >= settings.retries:
        return None
    if status is not None and status != 429 and status < 500:
        return None
    backoff = settings.backoff * 2.0**attempt
    if status in RETRY_AFTER_STATUSES:
        asked = retry_after_seconds(retry_after, now)
        if asked is not None:
            return asked if asked <= settings.max_retry_after else None
    return backoff


def redirect_target(current: str, location: str | None, seen: Sequence[str]) -> str | Observation:
    """The next URL of a redirect, or the error that ends the chain."""
    if not location:
        return Observation("error", f"redirect without a Location at {current}")
    target = urljoin(current, location.strip())
    if not checkable(target):
        return Observation("error", f"redirect to '{target}', which is not an http(s) URL")
    if target in seen:
        loop = " -> ".join([*seen[seen.index(target) :], target])
        return Observation("error", f"redirect loop: {loop}")
    return target


# Asking the servers (I/O).


class _Hosts:
    """Each host's request slots and its own HTTP client, and a cap on requests in flight.

    A slot's ready time travels through the host's queue: taking one waits for
    a free slot, then sleeps until it has rested ``pause``; giving it back
    stamps when it may be used next. No slot is held while resting, so the last
    request to a host costs no trailing pause. A client per host keeps each
    connection pool as small as the per-host limit: httpcore's pool does work
    in proportion to all its connections on every request, which one shared
    pool over many hosts turns quadratic. A host's client is closed as soon as
    no request wants the host, so a catalog of many hosts never holds a socket
    open per host.
    """

    def __init__(self, settings: LinkSettings, clock: Clock) -> None:
        import httpx

        self.settings = settings
        self.clock = clock
        self.per_host = max(1, settings.per_host)
        self.slots: dict[str, asyncio.Queue[float]] = {}
        self.clients: dict[str, httpx.AsyncClient] = {}
        self.wanted: dict[str, int] = {}
        """Requests waiting for or holding a slot, per host."""
        self.in_flight = asyncio.Semaphore(settings.total)
        # Loading the CA bundle is the slow part of making a client: do it once.
        self.tls = httpx.create_ssl_context(trust_env=settings.trust_env)

    def _slots(self, host: str) -> asyncio.Queue[float]:
        slots = self.slots.get(host)
        if slots is None:
            slots = self.slots[host] = asyncio.Queue()
            for _ in range(self.per_host):
                slots.put_nowait(0.0)
        return slots

    def _client(self, host: str) -> httpx.AsyncClient:
        import httpx

        client = self.clients.get(host)
        if client is None:
            client = self.clients[host] = httpx.AsyncClient(
                follow_redirects=False,
                timeout=httpx.Timeout(self.settings.timeout),
                limits=httpx.Limits(
                    max_connections=self.per_host, max_keepalive_connections=self.per_host
                ),
                headers={"User-Agent": self.settings.user_agent},
                trust_env=self.settings.trust_env,
                verify=self.tls,
            )
        return client

    async def send(self, method: str, url: str) -> tuple[int, str, httpx.Headers]:
        host = (urlsplit(url).hostname or "").lower()
        slots = self._slots(host)
        self.wanted[host] = self.wanted.get(host, 0) + 1
        try:
            ready = await slots.get()
            try:
                wait = ready - self.clock.monotonic()
                if wait > 0:
                    await self.clock.sleep(wait)
                async with self.in_flight:
                    return await _send(self._client(host), method, url)
            finally:
                slots.put_nowait(self.clock.monotonic() + self.settings.pause)
        finally:
            self.wanted[host] -= 1
            if not self.wanted[host] and host in self.clients:
                await self.clients.pop(host).aclose()

    async def aclose(self) -> None:
        while self.clients:
            await self.clients.popitem()[1].aclose()


async def _send(client: httpx.AsyncClient, method: str, url: str) -> tuple[int, str, httpx.Headers]:
    if method == "HEAD":
        # No body to read, so the connection goes back to the pool for reuse.
        response = await client.request(method, url)
        return response.status_code, response.reason_phrase, response.headers
    async with client.stream(method, url) as response:
        # The page is never downloaded: status and headers are the answer.
        return response.status_code, response.reason_phrase, response.headers


async def _ask(
    hosts: _Hosts, url: str, settings: LinkSettings, clock: Clock
) -> tuple[int, str, httpx.Headers] | Observation:
    """One URL, no redirects followed: HEAD, GET when HEAD is refused, retries."""
    import httpx

    method = "HEAD"
    attempt = 0
    while True:
        try:
            status, reason, headers = await hosts.send(method, url)
        except httpx.TimeoutException as exc:
            delay = retry_delay(None, None, attempt, settings, clock.now())
            if delay is None:
                failed = classify_exception(exc)
                return replace(failed, detail=f"{failed.detail} ({attempt + 1} attempts)")
            await clock.sleep(delay)
            attempt += 1
            continue
        except (httpx.HTTPError, httpx.InvalidURL, ValueError) as exc:
            # ValueError: what httpx lets through for a URL it cannot encode.
            return classify_exception(exc)
        if method == "HEAD" and status in HEAD_REFUSED:
            method = "GET"
            continue
        retry_after = headers.get("retry-after")
        delay = retry_delay(status, retry_after, attempt, settings, clock.now())
        if delay is None:
            asked = retry_after_seconds(retry_after, clock.now())
            if status in RETRY_AFTER_STATUSES and asked and asked > settings.max_retry_after:
                reason = f"{reason}, asked to retry after {asked:.0f} s".lstrip(", ")
            elif attempt:
                reason = f"{reason}, {attempt + 1} attempts".lstrip(", ")
            return status, reason, headers
        await clock.sleep(delay)
        attempt += 1


async def _check_one(hosts: _Hosts, url: str, settings: LinkSettings, clock: Clock) -> Observation:
    hops: list[tuple[str, int]] = []
    current = url
    while True:
        answer = await _ask(hosts, current, settings, clock)
        if isinstance(answer, Observation):
            if hops:
                return replace(answer, detail=f"{answer.detail} at {current}", final_url=current)
            return answer
        status, reason, headers = answer
        if status not in REDIRECTS:
            return classify_chain(url, hops, current, status, reason)
        hops.append((current, status))
        if len(hops) > settings.max_redirects:
            return Observation(
                "error", f"more than {settings.max_redirects} redirects", status, current
            )
        target = redirect_target(current, headers.get("location"), [u for u, _ in hops])
        if isinstance(target, Observation):
            return replace(target, status=status, final_url=current)
        current = target


async def check_urls(
    urls: Sequence[str],
    settings: LinkSettings = LinkSettings(),
    clock: Clock = SYSTEM_CLOCK,
    on_result: Callable[[str, Observation], None] | None = None,
) -> dict[str, Observation]:
    """Ask for every URL concurrently, politely; ``on_result`` hears each as it finishes."""
    hosts = _Hosts(settings, clock)

    async def one(url: str) -> tuple[str, Observation]:
        observation = await _check_one(hosts, url, settings, clock)
        if on_result is not None:
            on_result(url, observation)
        return url, observation

    try:
        done = await asyncio.gather(*(one(url) for url in dict.fromkeys(urls)))
    finally:
        await hosts.aclose()
    return dict(done)


# Memory across runs (pure).


def needs_request(record: CacheRecord | None, now: datetime.datetime, policy: LinkPolicy) -> bool:
    """Everything but a URL found OK within ``max_age`` is asked again."""
    if record is None or record.verdict != "ok" or record.last_ok is None:
        return True
    return now - record.last_ok >= policy.max_age


def remember(
    record: CacheRecord | None, observation: Observation, now: datetime.datetime
) -> CacheRecord:
    """The cache record after this run's observation of a URL.

    OK and moved end a failing streak; a failure extends it; unverifiable says
    nothing about the page, so the streak stays as it was.
    """
    last_ok = record.last_ok if record else None
    failures = record.failures if record else ()
    if observation.verdict in ("ok", "moved"):
        last_ok, failures = now, ()
    elif observation.verdict in FAILING:
        failures = (*failures, now)
    return CacheRecord(
        verdict=observation.verdict,
        checked=now,
        detail=observation.detail,
        status=observation.status,
        new_url=observation.new_url,
        last_ok=last_ok,
        failures=failures,
    )


def confirmed(record: CacheRecord, policy: LinkPolicy) -> bool:
    """Failed in enough runs in a row, the first and last far enough apart."""
    failures = record.failures
    if len(failures) < max(1, policy.confirm_runs):
        return False
    # One run has no "apart": with confirm_runs 1 every failure counts at once.
    return policy.confirm_runs <= 1 or failures[-1] - failures[0] >= policy.confirm_gap


def update_cache(
    cache: LinkCache,
    observations: Mapping[str, Observation],
    now: datetime.datetime,
    keep: Iterable[str] | None = None,
) -> dict[str, CacheRecord]:
    """The cache after a run; with ``keep``, URLs no longer in the catalog are dropped."""
    updated = dict(cache)
    for url, observation in observations.items():
        updated[url] = remember(cache.get(url), observation, now)
    if keep is not None:
        wanted = set(keep)
        updated = {url: record for url, record in updated.items() if url in wanted}
    return dict(sorted(updated.items()))


def wayback_url(url: str) -> str:
    return WAYBACK_LOOKUP.format(url=url)


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


# The cache file (I/O, atomic).


def _time(value: Any) -> datetime.datetime:
    if not isinstance(value, str):
        raise ValueError("not a time")
    parsed = datetime.datetime.fromisoformat(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=datetime.UTC)


def _record_from_json(data: Any) -> CacheRecord:
    if not isinstance(data, dict) or data.get("verdict") not in VERDICTS:
        raise ValueError("not a record")
    status = data.get("status")
    return CacheRecord(
        verdict=data["verdict"],
        checked=_time(data.get("checked")),
        detail=str(data.get("detail", "")),
        status=status if isinstance(status, int) else None,
        new_url=str(data.get("new_url", "")),
        last_ok=_time(data["last_ok"]) if data.get("last_ok") else None,
        failures=tuple(_time(t) for t in data.get("failures", [])),
    )


def read_cache(path: str) -> tuple[dict[str, CacheRecord], list[Problem]]:
    """The cache, or an empty one and a warning when it is unreadable (never fatal)."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}, []
    except (OSError, UnicodeDecodeError) as exc:
        return {}, [_cache_problem(path, f"cannot be read: {exc}")]
    try:
        document = json.loads(text)
        urls = document["urls"] if document.get("version") == CACHE_VERSION else None
        if not isinstance(urls, dict):
            raise ValueError("not a link cache")
        return {str(url): _record_from_json(data) for url, data in urls.items()}, []
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        return {}, [_cache_problem(path, f"is not a link cache this version reads ({exc})")]


def _cache_problem(path: str, message: str) -> Problem:
    return Problem(path, 1, "cache", message, "starting afresh; it is rewritten", "warning")


def _record_to_json(record: CacheRecord) -> dict[str, Any]:
    data = asdict(record)
    data["checked"] = record.checked.isoformat()
    data["last_ok"] = record.last_ok.isoformat() if record.last_ok else None
    data["failures"] = [t.isoformat() for t in record.failures]
    return data


def write_cache(path: str, cache: LinkCache) -> list[Problem]:
    """Write through a temporary file and ``os.replace``, so a crash never leaves half a file."""
    target = Path(path)
    document = {
        "version": CACHE_VERSION,
        "urls": {url: _record_to_json(cache[url]) for url in sorted(cache)},
    }
    temporary = ""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(
            dir=target.parent, prefix=f".{target.name}.", suffix=".tmp"
        )
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            json.dump(document, handle, indent=1, ensure_ascii=False)
            handle.write("\n")
            handle.flush()
            os.fsync(handle.fileno())
        Path(temporary).replace(target)  # os.replace: atomic on one file system
    except OSError as exc:
        if temporary:
            Path(temporary).unlink(missing_ok=True)
        return [_cache_problem(path, f"cannot be written: {exc}")]
    return []


# One run.


def check_links(
    targets: Sequence[LinkTarget],
    cache_path: str,
    settings: LinkSettings = LinkSettings(),
    policy: LinkPolicy = LinkPolicy(),
    clock: Clock = SYSTEM_CLOCK,
    on_result: Callable[[str, Observation], None] | None = None,
    whole_catalog: bool = True,
    on_start: Callable[[int], None] | None = None,
) -> LinkReport:
    """Read the cache, ask for what it does not vouch for, remember, report.

    ``whole_catalog`` drops cached URLs no entry uses any more; a partial run
    (``--only-changed``) keeps them. ``on_start`` hears how many URLs will be
    requested, for a progress bar.
    """
    cache, problems = read_cache(cache_path)
    now = clock.now()
    urls = list(dict.fromkeys(t.url for t in targets))
    wanted = [u for u in urls if needs_request(cache.get(u), now, policy)]
    if on_start is not None:
        on_start(len(wanted))
    observations = asyncio.run(check_urls(wanted, settings, clock, on_result)) if wanted else {}
    updated = update_cache(cache, observations, now, urls if whole_catalog else None)
    problems += write_cache(cache_path, updated)
    results = tuple(result_for(t, updated[t.url], t.url in observations, policy) for t in targets)
    return LinkReport(results, len(observations), tuple(problems))


# Reports (pure).


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
