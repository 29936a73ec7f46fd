"""A function run in a forked process, its result sent back through a pipe.

Forking shares the parent's memory (a catalog, compiled templates) with no
pickling: only the result travels, so it must be picklable. Linux and macOS
fork; the callers use this only to spread work over cores, never for safety.

A bare ``os.fork`` and a pipe, rather than :mod:`multiprocessing`, whose import
and process start took 7 ms of a 0.3 s rebuild after one edit.
"""

from __future__ import annotations

import os
import pickle
import sys
from collections.abc import Callable
from typing import Generic, NoReturn, TypeVar

T = TypeVar("T")


class ForkFailed(RuntimeError):
    """The forked process died or raised before sending its result."""


class Forked(Generic[T]):
    """``target(*args)`` computing in a forked process; ``result()`` waits for its value.

    Should this process end without asking for the result, it does not wait for the
    forked one, which ends once its result is in the pipe, or once writing it fails
    because nobody is left to read it.
    """

    def __init__(self, target: Callable[..., T], *args: object) -> None:
        receive, send = os.pipe()
        # Output buffered now would otherwise be written by both processes.
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            os.close(receive)
            _send_result(send, target, args)  # never returns
        os.close(send)
        self._pid = pid
        self._receive = receive

    def result(self) -> T:
        with os.fdopen(self._receive, "rb") as pipe:
            data = pipe.read()
        _, status = os.waitpid(self._pid, 0)
        code = os.waitstatus_to_exitcode(status)
        if code != 0 or not data:
            raise ForkFailed(f"a forked process failed (exit code {code})")
        sent: tuple[T] = pickle.loads(data)
        return sent[0]


def _send_result(send: int, target: Callable[..., object], args: tuple[object, ...]) -> NoReturn:
    """Run in the forked process: send ``target(*args)``, then exit at once, running
    none of the parent's exit handlers."""
    code = 1
    try:
        data = pickle.dumps((target(*args),), protocol=pickle.HIGHEST_PROTOCOL)
        with os.fdopen(send, "wb") as pipe:
            pipe.write(data)
        code = 0
    except BaseException:  # whatever it is, the parent's code must not go on here
        import traceback

        traceback.print_exc()
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code)
