"""Measure ``readinglist check`` on synthetic catalogs of 1,000, 10,000 and 100,000 entries.

    python bench/bench_check.py                 # 1k and 10k, 5 repeats each
    python bench/bench_check.py --with-100k     # and 100k (a few minutes)

For each size it writes a catalog with bench/generate.py (kept in --work
between runs), then reports medians of:

- check in process: ``check_folder`` (the engine's check, in one process), wall
  and CPU seconds, entries per second;
- check end to end: ``python -m readinglist check`` in a subprocess, wall seconds,
  and the start-up alone (``python -m readinglist --version``: the interpreter
  and every module the command line imports);
- peak memory of a fresh process that checks the catalog (resident set size),
  less that of a process that only imported readinglist;
- two baselines on the same front matter, already in memory: libyaml's
  ``CSafeLoader`` alone, and PyYAML's pure-Python ``SafeLoader`` alone, with
  the ratio of check time to each.

The target is a check of 10,000 entries in under 1.0 s on one core.
"""

from __future__ import annotations

import argparse
import datetime
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import yaml

from readinglist.build.checking import check_folder
from readinglist.catalog.frontmatter import split_front_matter

HERE = Path(__file__).resolve().parent
TARGET_ENTRIES = 10_000
TARGET_SECONDS = 1.0
TODAY = datetime.date(2026, 11, 24)
MEMORY_SCRIPT = """
import datetime, resource, sys
from readinglist.build.checking import check_folder
if sys.argv[1] != "-":
    result = check_folder(sys.argv[1], datetime.date(2026, 11, 24))
    assert result.ok, result.problems[:3]
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


@dataclass(frozen=True)
class Timing:
    """Median wall and CPU seconds over the repeats."""

    wall: float
    cpu: float


@dataclass(frozen=True)
class Row:
    entries: int
    check: Timing
    cli: float
    peak_mb: float
    c_parse: Timing
    pure_parse: Timing | None


def measure(action: Callable[[], object], repeats: int) -> Timing:
    walls, cpus = [], []
    for _ in range(repeats):
        wall, cpu = time.perf_counter(), time.process_time()
        action()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return Timing(statistics.median(walls), statistics.median(cpus))


def catalog(work: Path, entries: int, seed: int) -> Path:
    """The synthetic catalog of this size, written once and reused."""
    folder = work / f"content-{entries}-seed{seed}"
    done = folder / ".complete"
    if not done.exists():
        if folder.exists():
            sys.exit(f"{folder} is incomplete: remove it and run again")
        subprocess.run(
            [
                sys.executable,
                str(HERE / "generate.py"),
                "--entries",
                str(entries),
                "--out",
                str(folder),
                "--seed",
                str(seed),
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        done.touch()
    return folder


def front_matters(folder: Path) -> list[str]:
    texts = []
    for path in sorted((folder / "entries").iterdir()):
        front, _, _, problems = split_front_matter(path.read_text(encoding="utf-8"), str(path))
        if not problems:
            texts.append(front)
    return texts


def check_in_process(folder: Path) -> None:
    result = check_folder(folder, TODAY)
    if not result.ok:
        sys.exit(f"{folder} does not check clean: {result.problems[0].format()}")


def peak_rss_mb(folder: Path | None) -> float:
    """Peak resident set size of a fresh interpreter that checks ``folder`` (None: only imports)."""
    output = subprocess.run(
        [sys.executable, "-c", MEMORY_SCRIPT, str(folder) if folder else "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return int(output) / 1024  # ru_maxrss is in KiB on Linux


def cli_seconds(arguments: list[str], repeats: int) -> float:
    walls = []
    for _ in range(repeats):
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "readinglist", *arguments], check=True, stdout=subprocess.DEVNULL
        )
        walls.append(time.perf_counter() - start)
    return statistics.median(walls)


def parse_all(texts: list[str], loader: type[yaml.SafeLoader] | type[yaml.CSafeLoader]) -> None:
    for text in texts:
        yaml.load(text, Loader=loader)


def bench(entries: int, args: argparse.Namespace, import_mb: float) -> Row:
    folder = catalog(args.work, entries, args.seed)
    texts = front_matters(folder)
    check = measure(lambda: check_in_process(folder), args.repeats)
    c_parse = measure(lambda: parse_all(texts, yaml.CSafeLoader), args.repeats)
    # The pure-Python loader is slow enough that one run says what it needs to.
    pure = None
    if entries <= args.pure_limit:
        pure = measure(lambda: parse_all(texts, yaml.SafeLoader), 1)
    cli = cli_seconds(["check", "--content", str(folder)], args.repeats)
    peak = peak_rss_mb(folder) - import_mb
    return Row(entries, check, cli, peak, c_parse, pure)


def report(rows: list[Row], repeats: int, startup: float) -> str:
    header = (
        f"{'entries':>8} {'check s':>8} {'cpu s':>7} {'entries/s':>10} {'cli s':>7}"
        f" {'peak MB':>8} {'MB/1k':>6} {'C parse s':>10} {'ratio':>6}"
        f" {'py parse s':>11} {'ratio':>6}"
    )
    lines = [
        f"medians of {repeats} runs; ratio = check s / parse s of the same front matter",
        header,
    ]
    for row in rows:
        pure = (
            f"{row.pure_parse.wall:>11.3f} {row.check.wall / row.pure_parse.wall:>6.2f}"
            if (row.pure_parse)
            else f"{'-':>11} {'-':>6}"
        )
        lines.append(
            f"{row.entries:>8,} {row.check.wall:>8.3f} {row.check.cpu:>7.3f}"
            f" {row.entries / row.check.wall:>10,.0f} {row.cli:>7.3f}"
            f" {row.peak_mb:>8.1f} {row.peak_mb / row.entries * 1000:>6.2f}"
            f" {row.c_parse.wall:>10.3f} {row.check.wall / row.c_parse.wall:>6.2f} {pure}"
        )
    lines.append(f"start-up of the command line alone: {startup:.3f} s")
    for row in rows:
        if row.entries == TARGET_ENTRIES:
            # CPU time is what one core spends; on a shared machine wall time
            # also counts the time other processes held the core.
            verdict = "met" if row.check.cpu < TARGET_SECONDS else "NOT met"
            lines.append(
                f"target: check of {TARGET_ENTRIES:,} entries under {TARGET_SECONDS} s of one"
                f" core: {verdict} ({row.check.cpu:.3f} s CPU, {row.check.wall:.3f} s wall in"
                f" process; {row.cli:.3f} s wall end to end)"
            )
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description="Benchmark readinglist check.")
    parser.add_argument("--with-100k", action="store_true", help="also measure 100,000 entries")
    parser.add_argument("--repeats", type=int, default=5, help="runs per measurement (median)")
    parser.add_argument("--seed", type=int, default=1, help="seed for the synthetic catalogs")
    parser.add_argument(
        "--work", type=Path, default=Path("/tmp/readinglist-bench"), help="where catalogs live"
    )
    parser.add_argument(
        "--pure-limit",
        type=int,
        default=100_000,
        help="largest size to parse with the pure-Python loader too (default: all)",
    )
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    sizes = [1_000, 10_000] + ([100_000] if args.with_100k else [])
    import_mb = peak_rss_mb(None)
    rows = []
    for entries in sizes:
        rows.append(bench(entries, args, import_mb))
        sys.stderr.write(f"measured {entries:,} entries\n")
    sys.stdout.write(f"python {sys.version.split()[0]}, libyaml {yaml.__with_libyaml__}\n")
    startup = cli_seconds(["--version"], args.repeats)
    sys.stdout.write(report(rows, args.repeats, startup))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
