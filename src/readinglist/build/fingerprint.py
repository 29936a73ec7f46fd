"""What a page is rendered from, as one digest: a page whose digest is unchanged is not rendered.

The digest is taken over everything the page's template receives (its context,
walked value by value) and the site's version (the templates, the code, the
settings), never over a list of fields kept by hand: when a template starts to
show another field of an entry, that field is already in the digest, because it
is in the view the template is given. A value of a kind this module does not
know is refused with ``TypeError`` rather than guessed at.
"""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from markupsafe import Markup

Memo = dict[int, bytes]
"""Digests of the dataclass instances met so far, by ``id``: views are shared by many
pages, so each is walked once. Valid only while those objects are alive."""


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
    digest = hashlib.blake2b(digest_size=16)
    digest.update(f"{version}\0{template}\0".encode())
    _feed(digest, context, memo)
    return digest.hexdigest()


def _feed(digest: Any, value: Any, memo: Memo) -> None:
    kind = type(value)
    if kind is str or kind is Markup:
        # Markup and plain text render differently (escaped or not): the kind counts.
        text = value.encode("utf-8", "surrogatepass")
        digest.update(b"M" if kind is Markup else b"s")
        digest.update(len(text).to_bytes(8, "little"))
        digest.update(text)
    elif value is None or kind in (bool, int, float):
        digest.update(f"{kind.__name__}:{value!r};".encode())
    elif kind in (tuple, list):
        digest.update(b"[%d;" % len(value))
        for item in value:
            _feed(digest, item, memo)
    elif isinstance(value, Mapping):
        digest.update(b"{%d;" % len(value))
        for key, item in value.items():
            _feed(digest, key, memo)
            _feed(digest, item, memo)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        digest.update(_instance(value, memo))
    elif isinstance(value, datetime.date):
        digest.update(f"{kind.__name__}:{value.isoformat()};".encode())
    elif isinstance(value, (frozenset, set)):
        digest.update(b"<%d;" % len(value))
        for item in sorted(value, key=repr):
            _feed(digest, item, memo)
    else:
        raise TypeError(f"a page's context holds a {kind.__name__}, which cannot be fingerprinted")


def _instance(value: Any, memo: Memo) -> bytes:
    known = memo.get(id(value))
    if known is None:
        digest = hashlib.blake2b(digest_size=16)
        digest.update(type(value).__qualname__.encode() + b"(")
        for field in dataclasses.fields(value):
            digest.update(field.name.encode() + b"=")
            _feed(digest, getattr(value, field.name), memo)
        known = memo[id(value)] = digest.digest()
    return known
