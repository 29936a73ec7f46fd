"""How a link is judged, in plain functions over data that do no I/O.

How an HTTP answer, a network error or a redirect chain is classified, when to
retry and how long to wait, which URLs need a request, what the cache
remembers across runs, and when a failure counts as confirmed. The time is
passed in, so tests need neither real waiting nor a real day.
"""

from __future__ import annotations

import datetime
import email.utils
import socket
import ssl
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urljoin, urlsplit

from readinglist.config import LinkPolicy, LinkSettings
from readinglist.http import has_controls, printable

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
    "error": "a redirect loop or out to a private address, an answer over budget, confirmed",
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


# Which URLs can be checked.


def checkable(url: str) -> bool:
    """An absolute http(s) URL with a host; anything else is for ``readinglist check``."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a malformed port
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)


# Classifying answers.


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
    status: int,
    retry_after: str | None,
    attempt: int,
    settings: LinkSettings,
    now: datetime.datetime,
) -> float | None:
    """Seconds to wait before attempt ``attempt + 1``, or None when the answer stands.

    A timeout is never retried: it spends the URL's whole deadline. A
    ``Retry-After`` is honoured as given: when it asks for longer than
    ``max_retry_after`` we stop rather than come back early.
    """
    if attempt >= settings.retries:
        return None
    if status != 429 and status < 500:
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
    if has_controls(target):
        # Bytes from a stranger's server, headed for a terminal and maybe an entry.
        return Observation("error", f"redirect to '{printable(target)}', with control characters")
    if not checkable(target):
        return Observation(
            "error", f"redirect to '{printable(target)}', which is not an http(s) URL"
        )
    if target in seen:
        loop = " -> ".join([*seen[seen.index(target) :], target])
        return Observation("error", f"redirect loop: {loop}")
    return target


# Memory across runs.


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
