"""A function run in a forked process, its result sent back through a pipe.

Forking shares the parent's memory (a catalog, compiled templates) with no
pickling: only the result travels, so it must be picklable. Linux and macOS
fork; the callers use this only to spread work over cores, never for safety.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Generic, TypeVar

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

T = TypeVar("T")


class ForkFailed(RuntimeError):
    """The forked process died or raised before sending its result."""


class Forked(Generic[T]):
    """``target(*args)`` computing in a forked process; ``result()`` waits for its value."""

    def __init__(self, target: Callable[..., T], *args: object) -> None:
        # Imported here: a build that forks nothing (a small one, or a rebuild after an
        # edit) is spared the import.
        import multiprocessing

        context = multiprocessing.get_context("fork")
        self._receive, send = context.Pipe(duplex=False)
        # Daemonic: should this process fail before asking for the result, it ends the
        # forked one at exit instead of waiting for it, which may wait on the pipe.
        self._process = context.Process(target=_send_result, args=(send, target, args), daemon=True)
        self._process.start()
        send.close()

    def result(self) -> T:
        try:
            sent: tuple[T] | None = self._receive.recv()
        except EOFError:
            sent = None
        self._receive.close()
        self._process.join()
        if sent is None or self._process.exitcode != 0:
            raise ForkFailed(f"a forked process failed (exit code {self._process.exitcode})")
        return sent[0]


def _send_result(conn: Connection, target: Callable[..., Any], args: tuple[object, ...]) -> None:
    conn.send((target(*args),))
    conn.close()
