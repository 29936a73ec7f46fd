"""What a page is rendered from, as one digest: a page whose digest is unchanged is not rendered.

The digest is taken over everything the page's template receives (its whole
context) and the site's version (the templates, the code, the
settings), never over a list of fields kept by hand: when a template starts to
show another field of an entry, that field is already in the digest, because it
is in the view the template is given. A value that cannot be written down whole
(a function, say) is refused with ``TypeError`` rather than guessed at.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import io
import pickle
from collections.abc import Mapping
from pathlib import Path
from typing import Any


@dataclasses.dataclass
class Memo:
    """What one build's fingerprinting has worked out so far.

    Valid only while the pages it was used on are alive: digests are kept by ``id``.
    """

    digests: dict[int, bytes] = dataclasses.field(default_factory=dict)
    """Each dataclass instance's digest: a view is shown by many pages, and is large."""
    kinds: dict[type, bool] = dataclasses.field(default_factory=dict)
    """Whether a type's instances stand in by their digest: dataclasses do."""
    earlier: Mapping[object, bytes] = dataclasses.field(default_factory=dict)
    """Digests an earlier build worked out, by the (frozen, hashable) instance itself:
    an equal instance has the same digest, without being pickled again."""
    keep: bool = True
    """Whether to keep ``kept``: hashing every instance for it is a sixth of the work,
    for nothing when no build follows in this process."""
    kept: dict[object, bytes] = dataclasses.field(default_factory=dict)
    """The hashable instances digested in this build, for the next one's ``earlier``."""


def site_version(templates: Path, code: Path, settings: object) -> str:
    """Changes whenever a template, the generator's code or the settings change."""
    digest = hashlib.blake2b(digest_size=16)
    for root, pattern in ((templates, "*"), (code, "*.py")):
        for path in sorted(root.rglob(pattern)):
            if path.is_file():
                digest.update(f"{root.name}/{path.relative_to(root)}\0".encode())
                digest.update(path.read_bytes() + b"\0")
    digest.update(repr(settings).encode())
    return digest.hexdigest()


def page_fingerprint(version: str, template: str, context: Mapping[str, Any], memo: Memo) -> str:
    """The digest of one page: the site's version, its template and its whole context."""
    stream = io.BytesIO()
    stream.write(f"{version}\0{template}\0".encode())
    try:
        _Pickler(stream, memo).dump(context)
    except (pickle.PicklingError, TypeError, AttributeError) as exc:
        raise TypeError(f"the context of a {template} page cannot be fingerprinted: {exc}") from exc
    return hashlib.blake2b(stream.getbuffer(), digest_size=16).hexdigest()


def _digested(digest: bytes) -> None:
    """What a dataclass instance is pickled as inside another value: never called."""


class _Pickler(pickle.Pickler):
    """Pickles a context (in C, which walking it in Python took three times as long),
    standing in for each dataclass instance (an entry's view) its digest, worked
    out once per object: a view is shown by many pages, and is large.

    ``reducer_override`` is asked only about values of other than the built-in
    types (pickle writes strings, numbers, tuples and dicts itself), so a page of
    10,000 strings costs no call into Python; asking about every value, as
    ``persistent_id`` does, made fingerprinting three times slower. Different
    values never pickle alike, so no change is missed.
    """

    def __init__(self, stream: io.BytesIO, memo: Memo, whole: object = None) -> None:
        super().__init__(stream, protocol=pickle.HIGHEST_PROTOCOL)
        self.whole = whole
        """The instance being pickled for its own digest: the one not stood in for."""
        # Without pickle's own memo, equal values pickle alike however they share objects.
        self.fast = True
        self.seen = memo

    def reducer_override(self, obj: Any) -> Any:
        # Called for every value of a type pickle does not write itself, including
        # the stand-in's own function: the common answers cost one lookup each.
        memo = self.seen
        kind = type(obj)
        is_view = memo.kinds.get(kind)
        if is_view is None:
            is_view = memo.kinds[kind] = dataclasses.is_dataclass(kind)
        if not is_view or obj is self.whole:
            return NotImplemented
        digest = memo.digests.get(id(obj))
        if digest is None:
            digest = self._digest(obj)
        return _digested, (digest,)

    def _digest(self, obj: Any) -> bytes:
        memo = self.seen
        digest = None
        if memo.earlier:
            with contextlib.suppress(TypeError):  # unhashable: nothing to look it up by
                digest = memo.earlier.get(obj)
        if digest is None:
            stream = io.BytesIO()
            _Pickler(stream, memo, obj).dump(obj)
            digest = hashlib.blake2b(stream.getbuffer(), digest_size=16).digest()
        memo.digests[id(obj)] = digest
        if memo.keep:
            with contextlib.suppress(TypeError):
                memo.kept[obj] = digest
        return digest
