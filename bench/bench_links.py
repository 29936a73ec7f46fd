"""Link checking against a slow local server: how close to the politeness bound, in how much memory.

    .venv/bin/python bench/bench_links.py [--runs 5] [--urls 1000] [--hosts 50]
                                          [--latency 0.02] [--pause SECONDS]

A server process answers every request after ``--latency`` seconds on the
loopback addresses 127.0.0.2 onwards, one per host (Linux routes all of
127.0.0.0/8 to the loopback interface). A catalog of ``--urls`` entries spread
evenly over those hosts is checked with the default settings (per-host limit,
pause) from an empty cache, each run in a fresh process. The baseline is the
lower bound those settings impose: each of a host's slots works through its
share one request after another, resting ``pause`` between them. Printed: the
median time of the check over the runs, its ratio to the bound (target 1.5x
or less) and the peak resident memory of the checking process (target under
100 MB). The server only listens on loopback, serves a bounded number of
requests and stops by itself when the benchmark ends or after two minutes.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import functools
import json
import math
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from readinglist.catalog.read import load_content
from readinglist.config import LinkSettings
from readinglist.links.check import check_links
from readinglist.links.targets import link_targets

SERVER_LIFETIME = 120.0
"""Seconds after which the server stops whatever happens."""
TAGS = "mlops:\n  name: MLOps\n  description: Running machine learning in production.\n"
RESPONSE = b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"


def host_address(index: int) -> str:
    return f"127.0.0.{2 + index}"


# The server process.


@dataclass
class Served:
    latency: float
    limit: int
    count: int = 0
    done: asyncio.Event = field(default_factory=asyncio.Event)


async def answer(
    served: Served, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
) -> None:
    """HTTP/1.1 with keep-alive: every request gets an empty 200 after the latency."""
    try:
        while not served.done.is_set():
            await reader.readuntil(b"\r\n\r\n")
            served.count += 1
            if served.count >= served.limit:
                served.done.set()
            await asyncio.sleep(served.latency)
            writer.write(RESPONSE)
            await writer.drain()
    except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
        pass
    finally:
        writer.close()


async def serve(hosts: int, latency: float, limit: int) -> None:
    served = Served(latency, limit)
    loop = asyncio.get_running_loop()
    # asyncio runs the coroutine as a task of its own and keeps a reference to it.
    handle = functools.partial(answer, served)
    servers = [await asyncio.start_server(handle, host_address(i), 0) for i in range(hosts)]
    ports = [s.sockets[0].getsockname()[1] for s in servers]
    sys.stdout.write(json.dumps(ports) + "\n")
    sys.stdout.flush()

    def watch_parent() -> None:
        sys.stdin.read()  # returns when the benchmark closes the pipe or dies
        loop.call_soon_threadsafe(served.done.set)

    threading.Thread(target=watch_parent, daemon=True).start()
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(served.done.wait(), SERVER_LIFETIME)
    for server in servers:
        server.close()


# One checking run, in its own process so its memory is its own.


def check_once(content: str, cache: str, pause: float) -> None:
    targets = link_targets(load_content(content))
    settings = LinkSettings(pause=pause, trust_env=False)
    started = time.perf_counter()
    report = check_links(targets, cache, settings)
    elapsed = time.perf_counter() - started
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    counts = report.counts()
    sys.stdout.write(
        json.dumps({"elapsed": elapsed, "rss_mb": rss_mb, "ok": counts["ok"], "n": len(targets)})
        + "\n"
    )


# The benchmark.


def write_catalog(folder: Path, urls: Sequence[str]) -> None:
    entries = folder / "entries"
    entries.mkdir(parents=True)
    (folder / "tags.yml").write_text(TAGS, encoding="utf-8")
    for n, url in enumerate(urls):
        (entries / f"page-{n:05d}.md").write_text(
            f"---\ntitle: Page {n}\nurl: {url}\ndate: 2024-01-01\ntags: [mlops]\n---\nWhy.\n",
            encoding="utf-8",
        )


def lower_bound(per_host_counts: Sequence[int], settings: LinkSettings, latency: float) -> float:
    """No schedule can beat this: the busiest slot's requests and rests, one after another."""
    slowest = 0.0
    for count in per_host_counts:
        rounds = math.ceil(count / settings.per_host)
        slowest = max(slowest, rounds * latency + (rounds - 1) * settings.pause)
    in_flight = math.ceil(sum(per_host_counts) / settings.total) * latency
    return max(slowest, in_flight)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--urls", type=int, default=1000)
    parser.add_argument("--hosts", type=int, default=50)
    parser.add_argument("--latency", type=float, default=0.02)
    parser.add_argument("--pause", type=float, default=LinkSettings().pause)
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--check", nargs=2, metavar=("CONTENT", "CACHE"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if not 1 <= args.hosts <= 250 or not 1 <= args.urls <= 100_000 or args.runs < 1:
        parser.error("--hosts 1-250, --urls 1-100000, --runs 1 or more")
    if args.serve:
        asyncio.run(serve(args.hosts, args.latency, args.urls * args.runs * 2))
        return 0
    if args.check:
        check_once(args.check[0], args.check[1], args.pause)
        return 0

    server = subprocess.Popen(
        [sys.executable, __file__, "--serve", "--hosts", str(args.hosts),
         "--urls", str(args.urls), "--runs", str(args.runs), "--latency", str(args.latency)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    try:
        assert server.stdout is not None
        ports = json.loads(server.stdout.readline())
        urls = [
            f"http://{host_address(n % args.hosts)}:{ports[n % args.hosts]}/page-{n}"
            for n in range(args.urls)
        ]
        per_host = [
            sum(1 for n in range(args.urls) if n % args.hosts == h) for h in range(args.hosts)
        ]
        settings = LinkSettings(pause=args.pause)
        bound = lower_bound(per_host, settings, args.latency)
        times, memory = [], []
        with tempfile.TemporaryDirectory() as scratch:
            content = Path(scratch) / "content"
            write_catalog(content, urls)
            for run in range(args.runs):
                cache = str(Path(scratch) / f"cache-{run}.json")  # empty: every URL is requested
                done = subprocess.run(
                    [sys.executable, __file__, "--check", str(content), cache,
                     "--pause", str(args.pause)],
                    capture_output=True, text=True, check=True, timeout=300,
                )  # fmt: skip
                figures = json.loads(done.stdout)
                if figures["ok"] != args.urls:
                    sys.stderr.write(f"run {run + 1}: only {figures['ok']} of {args.urls} OK\n")
                    return 1
                times.append(figures["elapsed"])
                memory.append(figures["rss_mb"])
    finally:
        if server.stdin is not None:
            server.stdin.close()
        server.wait(10)
    median = statistics.median(times)
    print(
        f"{args.urls} URLs over {args.hosts} hosts, {args.latency * 1000:.0f} ms per response,"
        f" {settings.per_host} per host, {settings.pause:g} s pause"
    )
    print(f"lower bound    {bound:7.2f} s")
    print(f"median check   {median:7.2f} s   over {args.runs} runs: "
          + ", ".join(f"{t:.2f}" for t in times))  # fmt: skip
    print(f"ratio          {median / bound:7.2f} x   (target <= 1.5)")
    print(f"peak RSS       {max(memory):7.1f} MB  (target < 100)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
