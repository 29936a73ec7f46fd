"""What a page is rendered from, as one digest: a page whose digest is unchanged is not rendered.

The digest is taken over everything the page's template receives (its whole
context), or what the page was planned from (:func:`planned_fingerprint`), and
the site's version (the templates, the code, the settings), never over a list of
fields kept by hand: when a template starts to show another field of an entry,
that field is already in the digest, because it is in the view the template is
given. A dataclass instance in it stands in by its own digest, which a caller
may give (an entry's view, by what it is made from). A value that cannot be
written down whole (a function, say) is refused with ``TypeError`` rather than
guessed at.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import hashlib
import io
import operator
import pickle
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from readinglist.site.markup import installed


@dataclasses.dataclass
class Memo:
    """What one build's fingerprinting has worked out so far.

    Valid only while the pages it was used on are alive: digests are kept by ``id``.
    """

    digests: dict[int, bytes] = dataclasses.field(default_factory=dict)
    """Each dataclass instance's digest: a view is shown by many pages, and is large.
    Given for the entries' views, digested by what each is made from (see
    :func:`readinglist.build.entrywise.views`)."""
    earlier: Mapping[object, bytes] = dataclasses.field(default_factory=dict)
    """Digests an earlier build worked out, by the (frozen, hashable) instance itself:
    an equal instance has the same digest, without being pickled again."""
    keep: bool = True
    """Whether to keep ``kept``: hashing every instance for it is a sixth of the work,
    for nothing when no build follows in this process."""
    kept: dict[object, bytes] = dataclasses.field(default_factory=dict)
    """The hashable instances digested in this build, for the next one's ``earlier``."""
    reducers: _Reducers = dataclasses.field(init=False)
    """How the pickler writes each type it does not write itself (see :class:`_Reducers`)."""

    def __post_init__(self) -> None:
        self.reducers = _Reducers(self)


RENDERED_WITH = ("jinja2", "markupsafe")
"""What writes a page's bytes from its context, besides the templates and the code."""


def site_version(templates: Path, code: Path, settings: object) -> str:
    """Changes whenever a template, the generator's code, the settings or the installed
    version of what renders pages (:data:`RENDERED_WITH`) change."""
    digest = hashlib.sha256(installed(RENDERED_WITH).encode())
    for root, pattern in ((templates, "*"), (code, "*.py")):
        for path in sorted(root.rglob(pattern)):
            if path.is_file():
                digest.update(f"{root.name}/{path.relative_to(root)}\0".encode())
                digest.update(path.read_bytes() + b"\0")
    digest.update(repr(settings).encode())
    return digest.hexdigest()[:32]


def page_fingerprint(version: str, template: str, context: Mapping[str, Any], memo: Memo) -> str:
    """The digest of one page: the site's version, its template and its whole context."""
    stream = io.BytesIO()
    stream.write(f"{version}\0{template}\0".encode())
    try:
        _Pickler(stream, memo).dump(context)
    except (pickle.PicklingError, TypeError, AttributeError) as exc:
        raise TypeError(f"the context of a {template} page cannot be fingerprinted: {exc}") from exc
    return _hash(stream.getbuffer()).hex()


def planned_fingerprint(version: str, plan: str, item: tuple[Any, ...], memo: Memo) -> str:
    """The digest of a page that the function named ``plan`` planned from ``item`` alone
    (as :class:`~readinglist.site.section.EachPage` plans an entry's page): equal
    items give equal pages.

    An item of instances whose digests are known, or of tuples of them (an entry's
    view and those of its related entries), is digested from those digests alone:
    10,000 entries' pages in 0.02 s, against 0.1 s for their contexts.
    """
    head = f"{version}\0{plan}\0".encode()
    known = memo.digests
    parts = [head]
    for value in item:
        if id(value) in known:
            parts += (b"v", known[id(value)])
        elif type(value) is tuple and all(id(one) in known for one in value):
            parts.append(b"t%d:" % len(value))
            parts += [known[id(one)] for one in value]
        else:
            # Some other value: the item is pickled whole, each instance in it standing
            # in by its digest.
            stream = io.BytesIO()
            stream.write(head + b"p")
            _Pickler(stream, memo).dump(item)
            return _hash(stream.getbuffer()).hex()
    return _hash(memoryview(b"".join(parts))).hex()


def _hash(data: memoryview) -> bytes:
    """128 bits of SHA-256: with the processor's SHA instructions, hashing the 12 MB of
    exports takes 7 ms, where BLAKE2b took 13 ms."""
    return hashlib.sha256(data).digest()[:16]


def _digested(digest: bytes) -> None:
    """What a dataclass instance is pickled as inside another value: never called."""


class _Reducers(dict[type, Callable[[Any], Any]]):
    """The pickler's dispatch table: each dataclass instance (an entry's view) stands in
    by its digest, worked out once per object; any other type is written as pickle
    writes it. Filled in as types are met.

    Pickle looks a type up here only for values it does not write itself (strings,
    numbers, tuples, dicts and functions it does), and in C: asking a Python method
    about every such value (``reducer_override``) took a third of fingerprinting.
    Different values never pickle alike, so no change is missed.
    """

    def __init__(self, memo: Memo) -> None:
        super().__init__()
        self.memo = memo
        self.getters: dict[type, Callable[[Any], tuple[Any, ...]]] = {}

    def __missing__(self, kind: type) -> Callable[[Any], Any]:
        if dataclasses.is_dataclass(kind):
            reducer: Callable[[Any], Any] = functools.partial(_stand_in, self.memo)
        else:
            reducer = _as_pickle_would
        self[kind] = reducer
        return reducer

    def fields_of(self, obj: Any) -> tuple[Any, ...]:
        """A dataclass instance's field values, in order."""
        getter = self.getters.get(type(obj))
        if getter is None:
            getter = self.getters[type(obj)] = _fields_getter(type(obj))
        return getter(obj)


def _fields_getter(kind: type) -> Callable[[Any], tuple[Any, ...]]:
    names = [field.name for field in dataclasses.fields(kind)]
    if len(names) > 1:
        return operator.attrgetter(*names)  # in C, a tuple for two names or more
    return lambda value: tuple(getattr(value, name) for name in names)


def _as_pickle_would(obj: Any) -> Any:
    return obj.__reduce_ex__(pickle.HIGHEST_PROTOCOL)


def _stand_in(memo: Memo, obj: Any) -> tuple[Callable[[bytes], None], tuple[bytes]]:
    digest = memo.digests.get(id(obj))
    if digest is None:
        digest = _digest(memo, obj)
    return _digested, (digest,)


def _digest(memo: Memo, obj: Any) -> bytes:
    """The digest of a dataclass instance: its type and its fields' values, each dataclass
    among them standing in by its own digest."""
    digest = None
    if memo.earlier:
        with contextlib.suppress(TypeError):  # unhashable: nothing to look it up by
            digest = memo.earlier.get(obj)
    if digest is None:
        kind = type(obj)
        state = (kind.__module__, kind.__qualname__, *memo.reducers.fields_of(obj))
        stream = io.BytesIO()
        _Pickler(stream, memo).dump(state)
        digest = _hash(stream.getbuffer())
    memo.digests[id(obj)] = digest
    if memo.keep:
        with contextlib.suppress(TypeError):
            memo.kept[obj] = digest
    return digest


class _Pickler(pickle.Pickler):
    """Pickles a context in C (walking it in Python took three times as long), each
    dataclass instance in it standing in by its digest (see :class:`_Reducers`)."""

    def __init__(self, stream: io.BytesIO, memo: Memo) -> None:
        super().__init__(stream, protocol=pickle.HIGHEST_PROTOCOL)
        # Without pickle's own memo, equal values pickle alike however they share objects.
        self.fast = True
        # But the function a stand-in names is in it from the start, so each stand-in
        # refers to it in two bytes: writing its module and name out took two thirds
        # of fingerprinting a list page (17 against 5 µs for 20 entries).
        self.memo = {id(_digested): (0, _digested)}
        self.dispatch_table = memo.reducers
