"""Site build speed and memory on synthetic catalogs, against a naive build in the same run.

    .venv/bin/python bench/bench_build.py [--sizes 1000,10000,100000] [--runs 3]
                                          [--large-runs 1] [--work bench/out]
                                          [--against REVISION] [--skip-sizes]

For each size, ``bench/generate.py`` writes a corpus once (kept under
``--work``). Every build is ``readinglist build --no-search`` in a fresh process:

- **cold**: no cache of any kind, no previous site, two rendering processes;
- **baseline**: the same with ``--workers 1``, the naive single-process build;
- **warm edit** (10,000 entries, or the middle size): a build, a second build (so
  the previous site sits beside the live one), then in turn one entry's summary
  edited and a timed rebuild, its title edited and a timed rebuild. Each starts
  from what the last build kept in the cache folder, parses and checks only the
  edited file and renders only the pages whose inputs changed: a summary is on
  the entry's page, its feeds and the exports; a title also in lists and on the
  pages of related entries;
- **warm edit in one process**: the same, rebuilt by ``build_site`` in this
  process with a ``BuildState``, as ``readinglist serve`` rebuilds after a save;
- **against** a commit (``--against REVISION``): cold builds of that commit's code
  (checked out under ``--work``) and of this one, in turn, and their median ratio.

Printed per size: the median wall time, pages per second, the peak memory (the
largest process's maximum resident set, as ``/usr/bin/time`` reports it, and the
peak of the summed proportional set size of the whole process tree, sampled every
100 ms, which counts memory the forked workers share once), the ratio to the
baseline, and how time per entry grows with size. Also the time spent loading and
validating (in this process), the floor every build pays before rendering.
"""

from __future__ import annotations

import argparse
import compileall
import contextlib
import datetime
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from readinglist.build.pipeline import BuildResult, build_site
from readinglist.build.state import BuildState
from readinglist.catalog.check import check_content
from readinglist.config import SiteConfig

REPO = Path(__file__).resolve().parent.parent
GENERATOR = REPO / "bench" / "generate.py"
SAMPLE_SECONDS = 0.1
"""Between samples of memory: sampling often slows the process measured (see measure)."""


@dataclass(frozen=True)
class Run:
    seconds: float
    max_rss_mib: float
    """The largest single process's peak resident set."""
    tree_pss_mib: float
    """Peak of the process tree's summed proportional set size (sampled)."""
    output: str


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    found = [int(child) for child in text.split()]
    return found + [grandchild for child in found for grandchild in _children(child)]


def _pss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def measure(command: Sequence[str], sample: bool = True) -> Run:
    """Run ``command`` under /usr/bin/time, sampling its process tree's memory meanwhile.

    Reading a process's smaps_rollup holds its memory map's lock, which page faults
    wait for: short timings are taken without sampling (``sample=False``).
    """
    with tempfile.NamedTemporaryFile("r", suffix=".time") as report:
        started = time.perf_counter()
        process = subprocess.Popen(
            ["/usr/bin/time", "-f", "%M", "-o", report.name, *command],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        peak = 0
        done = threading.Event()

        def sampling() -> None:
            nonlocal peak
            while not done.is_set():
                tree = [process.pid, *_children(process.pid)]
                peak = max(peak, sum(_pss_kib(pid) for pid in tree))
                done.wait(SAMPLE_SECONDS)

        sampler = threading.Thread(target=sampling, daemon=True)
        if sample:
            sampler.start()
        output, _ = process.communicate()
        seconds = time.perf_counter() - started
        done.set()
        if sample:
            sampler.join()
        if process.returncode != 0:
            raise SystemExit(f"{' '.join(command)} failed:\n{output}")
        max_rss_kib = int(Path(report.name).read_text().split()[-1])
    return Run(seconds, max_rss_kib / 1024, peak / 1024, output.strip())


def build_command(content: Path, out: Path, *extra: str, source: Path = REPO) -> list[str]:
    """``readinglist build`` of the code in ``source`` (a checkout of another commit, for
    the comparison), with this run's Python."""
    return [
        "env",
        f"PYTHONPATH={source / 'src'}",
        sys.executable,
        "-m",
        "readinglist",
        "build",
        "--content",
        str(content),
        "--out",
        str(out),
        "--no-search",
        *extra,
    ]


def corpus(work: Path, size: int) -> Path:
    content = work / f"content-{size}"
    if not (content / "entries").is_dir():
        shutil.rmtree(content, ignore_errors=True)
        subprocess.run(
            [sys.executable, str(GENERATOR), "--entries", str(size), "--out", str(content)],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    return content


RUNS_DIR = "runs"
"""Under --work: every build's output, in a folder of its own, kept until the next run."""
SETTLE_SECONDS = 65


def clear_runs(work: Path) -> None:
    """Remove the last run's output, then wait until ext4 may reuse its inodes.

    ext4 does not reuse an inode for a minute after it was deleted (longer while the
    inode table is not written back), and its allocator scans past each such inode:
    creating files right after deleting tens of thousands costs several times more.
    So nothing is deleted between measurements, and the last run's output goes first.
    """
    runs = work / RUNS_DIR
    if runs.exists():
        shutil.rmtree(runs)
        os.sync()
        print(f"removed the last run's output; waiting {SETTLE_SECONDS} s", file=sys.stderr)
        time.sleep(SETTLE_SECONDS)
    runs.mkdir(parents=True)


def fresh(work: Path, name: str) -> Path:
    """A new folder name under the runs folder: nothing to delete first."""
    return work / RUNS_DIR / f"{name}-{time.time_ns()}"


def settled(run: Callable[[], Run]) -> Run:
    """``run()`` once the writes of earlier runs are on disk: written back while a build
    runs, they slowed it by up to half (this machine's disk is virtual)."""
    os.sync()
    return run()


def cold(content: Path, work: Path, *extra: str, source: Path = REPO) -> Run:
    out = fresh(work, "site")
    command = build_command(content, out, "--no-cache", *extra, source=source)
    return settled(lambda: measure(command))


def checkout(work: Path, revision: str) -> Path:
    """The code of ``revision`` in a worktree under ``work``, for builds to compare with."""
    folder = work / f"baseline-{revision}"
    if not folder.exists():
        subprocess.run(
            ["git", "-C", str(REPO), "worktree", "add", "--detach", str(folder), revision],
            check=True,
            capture_output=True,
        )
    return folder


def against(content: Path, work: Path, revision: str, runs: int) -> None:
    """Cold builds of this code and of ``revision``'s, taken in turn so that both see the
    machine alike; the median ratio of each pair."""
    baseline = checkout(work, revision)
    ratios, ours, theirs = [], [], []
    for _ in range(runs):
        theirs.append(cold(content, work, source=baseline))
        ours.append(cold(content, work))
        ratios.append(ours[-1].seconds / theirs[-1].seconds)
    print(
        f"cold build against {revision}: this {_median(ours, 'seconds'):.2f} s,"
        f" {revision} {_median(theirs, 'seconds'):.2f} s; median ratio"
        f" {statistics.median(ratios):.3f} (target 1.05); peak RSS this"
        f" {_median(ours, 'max_rss_mib'):.0f} MiB,"
        f" {revision} {_median(theirs, 'max_rss_mib'):.0f} MiB"
    )


def _retitle(text: str, number: int) -> str:
    """The entry with a word added to its title (inside its quotes, if quoted)."""
    lines = text.split("\n")
    for index, line in enumerate(lines):
        if line.startswith("title: "):
            value = line.removeprefix("title: ")
            quote = value[:1] if value[:1] in "\"'" else ""
            lines[index] = f"title: {quote}Revised {number} {value[len(quote) :]}"
            break
    return "\n".join(lines)


def warm_edit(content: Path, work: Path, runs: int) -> tuple[list[Run], list[Run], str]:
    """Rebuilds by a new process after a summary edit and after a title edit, in turn."""
    copy = fresh(work, "content-edit")
    shutil.copytree(content, copy)
    out, cache = fresh(work, "site-warm"), fresh(work, "cache-warm")
    command = build_command(copy, out, "--cache", str(cache))
    measure(command)
    measure(command)
    entry = sorted((copy / "entries").iterdir())[len(list((copy / "entries").iterdir())) // 2]
    summaries, titles = [], []
    for number in range(runs):
        with entry.open("a", encoding="utf-8") as file:
            file.write(f"\nEdited for the benchmark, pass {number + 1}.\n")
        summaries.append(settled(lambda: measure(command, sample=False)))
        entry.write_text(_retitle(entry.read_text(encoding="utf-8"), number + 1), encoding="utf-8")
        titles.append(settled(lambda: measure(command, sample=False)))
    return summaries, titles, entry.name


def warm_edit_in_process(content: Path, work: Path, runs: int) -> tuple[list[float], BuildResult]:
    """The same edit, rebuilt by ``build_site`` in this process with a BuildState, as
    ``readinglist serve`` rebuilds: the first two builds fill it."""
    copy = fresh(work, "content-edit-memory")
    shutil.copytree(content, copy)
    out, cache = fresh(work, "site-memory"), fresh(work, "cache-memory")
    state = BuildState()

    def rebuild() -> BuildResult:
        return build_site(
            copy,
            out,
            SiteConfig(),
            today=datetime.date.today(),
            cache_dir=cache,
            search=False,
            state=state,
        )

    rebuild()
    rebuild()
    entry = sorted((copy / "entries").iterdir())[len(list((copy / "entries").iterdir())) // 2]
    seconds = []
    result = None
    for number in range(runs):
        with entry.open("a", encoding="utf-8") as file:
            file.write(f"\nEdited for the benchmark, pass {number + 1}.\n")
        os.sync()  # as settled() does
        started = time.perf_counter()
        result = rebuild()
        seconds.append(time.perf_counter() - started)
    assert result is not None and result.ok
    return seconds, result


def load_and_validate_seconds(content: Path) -> float:
    started = time.perf_counter()
    check_content(content, datetime.date.today())
    return time.perf_counter() - started


def _median(runs: Sequence[Run], field: str) -> float:
    return statistics.median(float(getattr(run, field)) for run in runs)


def _pages(run: Run) -> int:
    # "built N pages (M files; ...)"
    with contextlib.suppress(ValueError, IndexError):
        return int(run.output.split("built ", 1)[1].split(" ", 1)[0])
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument(
        "--sizes", default="1000,10000,100000", help="entry counts, comma-separated"
    )
    parser.add_argument("--runs", type=int, default=3, help="runs per measurement (median)")
    parser.add_argument(
        "--large-runs", type=int, default=1, help="runs for sizes above 10,000 (default 1)"
    )
    parser.add_argument("--work", type=Path, default=REPO / "bench" / "out", help="scratch folder")
    parser.add_argument(
        "--against", metavar="REVISION", help="also compare cold builds with this commit's code"
    )
    parser.add_argument("--skip-sizes", action="store_true", help="only the comparison and edits")
    args = parser.parse_args(argv)
    sizes = [int(size) for size in args.sizes.split(",")]
    args.work.mkdir(parents=True, exist_ok=True)
    clear_runs(args.work)
    # Bytecode for readinglist's modules, which an installed program has: with
    # PYTHONDONTWRITEBYTECODE set, as on CI machines, every run would compile them.
    compileall.compile_dir(REPO / "src", quiet=1)

    print(
        f"{'entries':>8} {'pages':>7} {'cold s':>7} {'pages/s':>8} {'maxRSS':>8} {'treePSS':>8}"
        f" {'naive s':>8} {'ratio':>6} {'load+validate s':>16} {'us/entry':>9}"
    )
    per_entry: dict[int, float] = {}
    for size in [] if args.skip_sizes else sizes:
        content = corpus(args.work, size)
        runs = args.runs if size <= 10_000 else args.large_runs
        ours = [cold(content, args.work) for _ in range(runs)]
        naive = [cold(content, args.work, "--workers", "1") for _ in range(runs)]
        floor = load_and_validate_seconds(content)
        seconds = _median(ours, "seconds")
        pages = _pages(ours[0])
        per_entry[size] = seconds / size * 1e6
        print(
            f"{size:>8} {pages:>7} {seconds:>7.2f} {pages / seconds:>8.0f}"
            f" {_median(ours, 'max_rss_mib'):>7.0f}M {_median(ours, 'tree_pss_mib'):>7.0f}M"
            f" {_median(naive, 'seconds'):>8.2f} {seconds / _median(naive, 'seconds'):>6.2f}"
            f" {floor:>16.2f} {per_entry[size]:>9.0f}",
            flush=True,
        )
    if len(per_entry) > 1:
        first = sizes[0]
        growth = ", ".join(
            f"{size // first}x entries: {per_entry[size] / per_entry[first]:.2f}x time per entry"
            for size in sizes[1:]
        )
        print(f"growth against {first}: {growth}")

    warm_size = 10_000 if 10_000 in sizes else sizes[len(sizes) // 2]
    if args.against:
        against(corpus(args.work, warm_size), args.work, args.against, args.runs)
    summaries, titles, name = warm_edit(corpus(args.work, warm_size), args.work, args.runs)
    for what, edits in (("the summary of", summaries), ("the title of", titles)):
        print(
            f"warm rebuild by a new process after editing {what} {name} at {warm_size}"
            f" entries: median {_median(edits, 'seconds'):.2f} s, target 1.0 s;"
            f" {edits[-1].output.splitlines()[0]}"
        )
    in_process, last = warm_edit_in_process(corpus(args.work, warm_size), args.work, args.runs)
    print(
        f"warm rebuild in one process with memory (as readinglist serve rebuilds) at"
        f" {warm_size} entries: median {statistics.median(in_process):.2f} s, target 0.3 s;"
        f" {last.rendered} rendered, {last.written} written"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
