"""A function run in a forked process, its result sent back through a pipe.

Forking shares the parent's memory (a catalog, its pages, compiled templates)
with no pickling: only the result travels, so it must be picklable. The engine
uses this to spread work over the machine's cores (a cold build of 10,000
entries renders in about half the time with two processes): dealt out at once
(:func:`spread`), or taken as it goes from both ends of a list (:func:`share_out`).

A forked process never outlives the build that started it: it is killed when
its parent ends, however the parent ends, and it leaves an interrupted or
abandoned build quietly, without a traceback.
"""

from __future__ import annotations

import contextlib
import ctypes
import mmap
import os
import pickle
import signal
import struct
import sys
from collections.abc import Callable
from typing import Generic, NoReturn, TypeVar

T = TypeVar("T")
_PR_SET_PDEATHSIG = 1


class ForkFailed(RuntimeError):
    """The forked process died or raised before sending its result."""


class Forked(Generic[T]):
    """``target(*args)`` computing in a forked process; ``result()`` waits for its value.

    Should this process end without asking for the result, the forked one is killed.
    """

    def __init__(self, target: Callable[..., T], *args: object) -> None:
        receive, send = os.pipe()
        # Output buffered now would otherwise be written by both processes.
        sys.stdout.flush()
        sys.stderr.flush()
        parent = os.getpid()
        pid = os.fork()
        if pid == 0:
            os.close(receive)
            _child(parent, send, target, args)  # never returns
        os.close(send)
        self._pid = pid
        self._receive = receive

    @property
    def pid(self) -> int:
        return self._pid

    def result(self) -> T:
        with os.fdopen(self._receive, "rb") as pipe:
            data = pipe.read()
        _, status = os.waitpid(self._pid, 0)
        code = os.waitstatus_to_exitcode(status)
        if code != 0 or not data:
            raise ForkFailed(f"a forked process failed (exit code {code})")
        sent: tuple[T] = pickle.loads(data)
        return sent[0]

    def cancel(self) -> None:
        """Stop the forked process and wait for it to end."""
        with contextlib.suppress(OSError):
            os.close(self._receive)
        with contextlib.suppress(ProcessLookupError):
            os.kill(self._pid, signal.SIGKILL)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(self._pid, 0)


def _child(
    parent: int, send: int, target: Callable[..., object], args: tuple[object, ...]
) -> NoReturn:
    """Run in the forked process: send ``target(*args)``, then exit at once, running
    none of the parent's exit handlers."""
    code = 1
    try:
        # Ctrl-C reaches every process of the terminal's group: the parent answers
        # it, and this process ends with it (below), without a word of its own.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        _die_with(parent)
        data = pickle.dumps((target(*args),), protocol=pickle.HIGHEST_PROTOCOL)
        with os.fdopen(send, "wb") as pipe:
            pipe.write(data)
        code = 0
    except (KeyboardInterrupt, BrokenPipeError, SystemExit):
        pass  # the build was stopped or nobody waits for this result: nothing to say
    except BaseException:  # a fault in readinglist itself: say where, for the report
        import traceback

        traceback.print_exc()
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        except OSError:
            pass
        finally:
            os._exit(code)


def _die_with(parent: int) -> None:
    """Have the kernel kill this process when its parent ends (Linux); elsewhere the
    closed pipe ends it at its next write."""
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the parent ended before the line above took effect
        os._exit(1)


X = TypeVar("X")


def spread(work: Callable[[list[X]], list[T]], items: list[X], workers: int, least: int) -> list[T]:
    """``work(items)``, the items dealt out over ``workers`` processes, this one included.

    Fewer than ``least`` items stay in this process: forking would cost more than it
    saves. Items are dealt in turn, so each process gets a like mix of small and
    large ones. Results come back grouped by process, not in the items' order.
    """
    shares = workers if workers > 1 and len(items) >= least else 1
    parts = [items[k::shares] for k in range(shares)]
    return _gathered([Forked(work, part) for part in parts[1:]], lambda: work(parts[0]))


def _gathered(helpers: list[Forked[list[T]]], here: Callable[[], list[T]]) -> list[T]:
    """What ``here()`` gives in this process, then what each helper gives; should
    anything fail, the helpers still running are stopped."""
    try:
        done = here()
        for helper in helpers:
            done.extend(helper.result())
    except BaseException:
        for helper in helpers:
            helper.cancel()
        raise
    return done


class _Ends:
    """The part of a list not taken yet, shared by forked processes: ``[front, back)``.

    Two counters in memory the processes share, and a pipe holding one byte as
    the lock: whoever reads the byte holds the lock until it writes it back.
    """

    def __init__(self, count: int) -> None:
        self._counters = mmap.mmap(-1, 16)
        self._counters[:] = struct.pack("qq", 0, count)
        self._take, self._give = os.pipe()
        os.write(self._give, b"!")

    def take(self, size: int, from_back: bool) -> range:
        """The next ``size`` positions or fewer, from the front or the back; empty at the end."""
        os.read(self._take, 1)
        try:
            front, back = struct.unpack("qq", self._counters[:])
            if from_back:
                taken = range(max(front, back - size), back)
                back = taken.start
            else:
                taken = range(front, min(back, front + size))
                front = taken.stop
            self._counters[:] = struct.pack("qq", front, back)
        finally:
            os.write(self._give, b"!")
        return taken

    def close(self) -> None:
        os.close(self._take)
        os.close(self._give)
        self._counters.close()


def share_out(
    work: Callable[[list[X]], list[T]], items: list[X], workers: int, least: int, size: int = 50
) -> list[T]:
    """``work(items)``, over ``workers`` processes that take ``size`` items at a time as
    they go: the others from the front of ``items``, this one from the back, until
    they meet.

    So no process waits while another has much left, and what is last in
    ``items`` is done by this process alone: a build puts there the pages that
    share rendered fragments (lists, feeds), each then rendered once, not once per
    process. Fewer than ``least`` items stay in this process.
    """
    if workers <= 1 or len(items) < least:
        return work(items)
    ends = _Ends(len(items))

    def taking(from_back: bool) -> list[T]:
        done: list[T] = []
        while taken := ends.take(size, from_back):
            done.extend(work(items[taken.start : taken.stop]))
        return done

    try:
        return _gathered([Forked(taking, False) for _ in range(workers - 1)], lambda: taking(True))
    finally:
        ends.close()
