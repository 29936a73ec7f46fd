"""Work in a forked process: its result comes back, its failure is an exception."""

from __future__ import annotations

import os

import pytest

from readinglist.build.workers import Forked, ForkFailed


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
