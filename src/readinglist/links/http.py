"""Asking the servers: a few requests to one host at a time, with a pause between them.

The I/O is kept thin: asyncio and httpx send the requests and follow the
redirects, while what an answer means, whether to retry and how long to wait
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
