"""Work in forked processes: results come back, failures raise, nothing outlives a build."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from readinglist.build.workers import Forked, ForkFailed, share_out, spread


def _pid_and_total(numbers: list[int]) -> tuple[int, int]:
    return os.getpid(), sum(numbers)


def _fail() -> None:
    raise ValueError("broken on purpose")


def test_the_result_is_computed_in_another_process() -> None:
    pid, total = Forked(_pid_and_total, [1, 2, 3]).result()
    assert total == 6
    assert pid != os.getpid()


def test_a_failing_process_raises_instead_of_returning() -> None:
    with pytest.raises(ForkFailed, match="exit code 1"):
        Forked(_fail).result()


def _squares(numbers: list[int]) -> list[tuple[int, int]]:
    return [(os.getpid(), n * n) for n in numbers]


def test_spread_deals_the_items_over_the_processes_and_gathers_every_result() -> None:
    done = spread(_squares, list(range(10)), workers=3, least=1)
    assert sorted(n for _, n in done) == [n * n for n in range(10)]
    assert len({pid for pid, _ in done}) == 3
    assert os.getpid() in {pid for pid, _ in done}


def test_spread_keeps_small_work_in_this_process() -> None:
    done = spread(_squares, [1, 2], workers=2, least=3)
    assert {pid for pid, _ in done} == {os.getpid()}


def _slow_squares(numbers: list[int]) -> list[tuple[int, int, int]]:
    time.sleep(0.002 * len(numbers))
    return [(os.getpid(), n, n * n) for n in numbers]


@pytest.mark.parametrize("workers", [2, 3])
def test_share_out_gives_this_process_the_back_and_the_others_the_front(workers: int) -> None:
    items = list(range(400))
    done = share_out(_slow_squares, items, workers=workers, least=1, size=10)
    assert sorted((n, square) for _, n, square in done) == [(n, n * n) for n in items]
    mine = sorted(n for pid, n, _ in done if pid == os.getpid())
    theirs = sorted(n for pid, n, _ in done if pid != os.getpid())
    assert mine and theirs
    # Each took chunks as it went, from its own end: they met somewhere in between.
    assert mine == list(range(400 - len(mine), 400))
    assert theirs == list(range(len(theirs)))
    assert len({pid for pid, _, _ in done}) == workers


def test_share_out_keeps_small_work_in_this_process_and_leaks_no_descriptor() -> None:
    assert {pid for pid, _, _ in share_out(_slow_squares, [1, 2], workers=2, least=3)} == {
        os.getpid()
    }
    before = len(list(Path("/proc/self/fd").iterdir()))
    share_out(_slow_squares, list(range(50)), workers=2, least=1, size=5)
    assert len(list(Path("/proc/self/fd").iterdir())) == before


def test_share_out_raises_when_a_helper_fails() -> None:
    with pytest.raises(ForkFailed):
        share_out(_fail_on_big, list(range(100)), workers=2, least=1, size=10)


def _fail_on_big(numbers: list[int]) -> list[int]:
    if os.getpid() != _PARENT:
        raise ValueError("broken on purpose")
    time.sleep(0.05)  # time for the helper to take its first share
    return numbers


_PARENT = os.getpid()


def _interrupted() -> None:
    raise KeyboardInterrupt


def test_an_interrupted_process_fails_without_a_traceback(
    capfd: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(ForkFailed):
        Forked(_interrupted).result()
    assert "Traceback" not in capfd.readouterr().err


def _sleep_forever() -> None:
    time.sleep(600)


def test_a_forked_process_dies_with_its_parent(tmp_path: Path) -> None:
    script = (
        "import os, sys, time\n"
        "from readinglist.build.workers import Forked\n"
        "def wait(): time.sleep(600)\n"
        "helper = Forked(wait)\n"
        "print(helper.pid, flush=True)\n"
        "time.sleep(600)\n"
    )
    parent = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert parent.stdout is not None
    child = int(parent.stdout.readline())
    parent.send_signal(signal.SIGTERM)
    parent.wait(timeout=10)
    deadline = time.monotonic() + 10
    while _alive(child) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(child)


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except OSError:
        return False
    return state != "Z"  # a zombie has ended; only its entry is left for init to reap


def test_cancel_stops_a_forked_process() -> None:
    helper = Forked(_sleep_forever)
    helper.cancel()
    assert not _alive(helper.pid)
