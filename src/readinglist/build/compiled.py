"""Compiled templates kept in the cache folder, so a new process does not compile them again.

Jinja compiles each template to Python code the first time a process renders
with it: the templates one edited entry's pages need take a new process about
0.02 s to compile, and all of them 0.03 s, where loading their code takes
0.002 s. The code is kept for one site version (which names the templates, the
generator's code, the settings and the installed Jinja and markupsafe) and one
version of Python's bytecode, in one file, which a build writes once, after
rendering, when it compiled anything (writing it after each template took a
cold build 15 writes and 5.6 ms); what worker processes compile stays with
them. Anything that cannot be used is compiled again, as if it were not there.
"""

from __future__ import annotations

import importlib.util
import marshal
import types
from typing import Any

from jinja2.bccache import Bucket, BytecodeCache

from readinglist.build.state import Cache

NAME = "templates.marshal"


class CompiledTemplates(BytecodeCache):
    """Jinja's bytecode cache over one file of the cache folder, for one site version."""

    def __init__(self, cache: Cache, version: str) -> None:
        self.cache = cache
        self.version = f"{version} {importlib.util.MAGIC_NUMBER.hex()}"
        self.changed = False
        self.kept: dict[str, tuple[str, bytes]] = _stored(cache, self.version)

    def load_bytecode(self, bucket: Bucket) -> None:
        found = self.kept.get(bucket.key)
        if found is None or found[0] != bucket.checksum:
            return
        try:
            code = marshal.loads(found[1])
        except (EOFError, ValueError, TypeError):
            return
        if isinstance(code, types.CodeType):
            bucket.code = code

    def dump_bytecode(self, bucket: Bucket) -> None:
        if bucket.code is None:
            return
        self.kept[bucket.key] = (bucket.checksum, marshal.dumps(bucket.code))
        self.changed = True

    def save(self) -> None:
        """Write what was compiled since the last save, in the build's cache."""
        if self.changed:
            self.cache.write(NAME, (self.version, self.kept))
            self.changed = False


def _stored(cache: Cache, version: str) -> dict[str, tuple[str, bytes]]:
    stored: Any = cache.read(NAME)
    if not (isinstance(stored, tuple) and len(stored) == 2 and stored[0] == version):
        return {}
    kept = stored[1]
    if not isinstance(kept, dict):
        return {}
    return {
        key: value
        for key, value in kept.items()
        if isinstance(key, str)
        and isinstance(value, tuple)
        and len(value) == 2
        and isinstance(value[0], str)
        and isinstance(value[1], bytes)
    }
