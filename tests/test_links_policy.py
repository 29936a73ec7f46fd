"""The pure policy: confirmation across runs, Retry-After dates, errors that got no answer."""

from __future__ import annotations

import datetime
import socket

import httpx

from linkserver import T0
from readinglist.config import LinkPolicy
from readinglist.links.policy import (
    Observation,
    classify_exception,
    confirmed,
    remember,
    retry_after_seconds,
)


def test_a_good_run_ends_the_streak_and_unverifiable_leaves_it() -> None:
    dead = Observation("dead", "404 Not Found", 404)
    blocked = Observation("unverifiable", "403 Forbidden", 403)
    ok = Observation("ok", "200 OK", 200)
    policy = LinkPolicy()
    day = datetime.timedelta(days=1)
    record = remember(None, dead, T0)
    record = remember(record, blocked, T0 + day / 2)
    assert record.failures == (T0,)
    record = remember(record, dead, T0 + day)
    assert confirmed(record, policy)
    record = remember(record, ok, T0 + 2 * day)
    assert (record.failures, record.last_ok) == ((), T0 + 2 * day)
    assert not confirmed(remember(record, dead, T0 + 3 * day), policy)
    strict = LinkPolicy(confirm_runs=3, confirm_gap=2 * day)
    streak = remember(remember(None, dead, T0), dead, T0 + 2 * day)
    assert not confirmed(streak, strict)
    assert confirmed(remember(streak, dead, T0 + 3 * day), strict)


def test_retry_after_as_a_date_and_exceptions_without_an_answer() -> None:
    now = datetime.datetime(2026, 11, 2, 3, 0, 0, tzinfo=datetime.UTC)
    assert retry_after_seconds("Mon, 02 Nov 2026 03:00:30 GMT", now) == 30.0
    assert retry_after_seconds("soon", now) is None
    dns = httpx.ConnectError("[Errno -2] Name or service not known")
    dns.__cause__ = socket.gaierror(-2, "Name or service not known")
    assert classify_exception(dns) == Observation(
        "unreachable", "DNS: the host name does not resolve"
    )
    refused = httpx.ConnectError("All connection attempts failed")
    refused.__cause__ = ConnectionRefusedError(111, "Connect call failed")
    assert classify_exception(refused).detail == "connection refused"
