"""Asking the servers: a few requests to one host at a time, with a pause between them.

The I/O is kept thin: asyncio and httpx send the requests and follow the
redirects, each URL within its budget (:mod:`readinglist.http`: one deadline
for all its requests, a header cap, no redirect from a public address into a
private one), while what an answer means, whether to retry and how long to wait
are ``policy``'s. The clock and sleep are passed in (``Clock``), so tests need
neither real waiting nor a real day.
"""

from __future__ import annotations

import asyncio
import datetime
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from readinglist.config import LinkSettings
from readinglist.http import (
    Refused,
    Resolver,
    deadline_refusal,
    header_hook,
    printable,
    protocol_refusal,
    redirect_refusal,
)
from readinglist.links.policy import (
    HEAD_REFUSED,
    REDIRECTS,
    RETRY_AFTER_STATUSES,
    Observation,
    classify_chain,
    classify_exception,
    redirect_target,
    retry_after_seconds,
    retry_delay,
)

if TYPE_CHECKING:
    import httpx


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
        self.budget = settings.budget
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
                timeout=httpx.Timeout(self.budget.deadline),
                limits=httpx.Limits(
                    max_connections=self.per_host, max_keepalive_connections=self.per_host
                ),
                headers={"User-Agent": self.settings.user_agent},
                trust_env=self.settings.trust_env,
                verify=self.tls,
                event_hooks={"response": [header_hook(self.budget)]},
            )
        return client

    async def send(
        self, method: str, url: str, seconds: float
    ) -> tuple[tuple[int, str, httpx.Headers], float]:
        """The answer to one request that may take ``seconds``, and the seconds it took.

        The time waiting for the host's slot is not the server's: it is not counted.
        """
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
                    started = self.clock.monotonic()
                    async with asyncio.timeout(seconds):
                        answer = await _send(self._client(host), method, url)
                    return answer, self.clock.monotonic() - started
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
        return response.status_code, printable(response.reason_phrase, 80), response.headers
    async with client.stream(method, url) as response:
        # The page is never downloaded: status and headers are the answer.
        return response.status_code, printable(response.reason_phrase, 80), response.headers


async def _ask(
    hosts: _Hosts, url: str, settings: LinkSettings, clock: Clock, seconds: float
) -> tuple[tuple[int, str, httpx.Headers] | Observation, float]:
    """One URL, no redirects followed: HEAD, GET when HEAD is refused, retries.

    All of it within ``seconds``; returns the answer and the seconds it took,
    pauses between attempts not counted. A timeout spends what was left, so it
    is the URL's verdict: a slow server is confirmed across runs, not retried.
    """
    import httpx

    method = "HEAD"
    attempt = 0
    spent = 0.0
    while True:
        try:
            (status, reason, headers), took = await hosts.send(method, url, seconds - spent)
        except (TimeoutError, httpx.TimeoutException):
            return Observation(
                "unreachable", f"timed out: {deadline_refusal(settings.budget)}"
            ), spent
        except Refused as exc:
            return Observation("error", str(exc)), spent
        except (httpx.HTTPError, httpx.InvalidURL, ValueError) as exc:
            # ValueError: what httpx lets through for a URL it cannot encode.
            refusal = protocol_refusal(exc, settings.budget)
            return (Observation("error", refusal) if refusal else classify_exception(exc)), spent
        spent += took
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
            return (status, reason, headers), spent
        await clock.sleep(delay)
        attempt += 1


async def _check_one(
    hosts: _Hosts, url: str, settings: LinkSettings, clock: Clock, resolve: Resolver | None
) -> Observation:
    """Follow ``url``'s redirects, the whole chain within the budget's one deadline."""
    hops: list[tuple[str, int]] = []
    current = url
    left = settings.budget.deadline
    while True:
        answer, spent = await _ask(hosts, current, settings, clock, left)
        left -= spent
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
        refusal, spent = await _refusal(url, target, left, clock, resolve)
        left -= spent
        if refusal:
            return Observation("error", refusal, status, current)
        current = target


async def _refusal(
    start: str, target: str, seconds: float, clock: Clock, resolve: Resolver | None
) -> tuple[str, float]:
    """Why the chain may not go on to ``target``, looked up within ``seconds``."""
    started = clock.monotonic()
    try:
        async with asyncio.timeout(seconds):
            refusal = await redirect_refusal(start, target, resolve)
    except TimeoutError:
        refusal = f"timed out looking up {urlsplit(target).hostname}"
    return refusal, clock.monotonic() - started


async def check_urls(
    urls: Sequence[str],
    settings: LinkSettings = LinkSettings(),
    clock: Clock = SYSTEM_CLOCK,
    on_result: Callable[[str, Observation], None] | None = None,
    resolve: Resolver | None = None,
) -> dict[str, Observation]:
    """Ask for every URL concurrently, politely; ``on_result`` hears each as it finishes.

    ``resolve`` gives a host's addresses for the redirect check (the system's by default).
    """
    hosts = _Hosts(settings, clock)

    async def one(url: str) -> tuple[str, Observation]:
        observation = await _check_one(hosts, url, settings, clock, resolve)
        if on_result is not None:
            on_result(url, observation)
        return url, observation

    try:
        done = await asyncio.gather(*(one(url) for url in dict.fromkeys(urls)))
    finally:
        await hosts.aclose()
    return dict(done)
