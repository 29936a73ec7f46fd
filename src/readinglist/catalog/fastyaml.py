"""Front matter of plain ``key: value`` lines read directly, without libyaml.

Nearly every entry is written this way, and reading it directly is several
times faster than building the same data from libyaml's events. Anything else
raises :class:`Unsure` and is left to :func:`readinglist.catalog.yamllines.build_data`.
"""

from __future__ import annotations

import re
from typing import Any

from readinglist.catalog.model import FIELD_NAMES
from readinglist.catalog.yamllines import (
    IMPLICIT_TAGS,
    TIMESTAMP,
    LineDict,
    LineList,
    YamlProblem,
    convert_scalar,
)

# Keys YAML 1.1 reads as booleans or null; the fast path leaves them to libyaml.
_NOT_TEXT_KEYS = frozenset(("yes", "no", "true", "false", "on", "off", "null"))
# The entry fields pass the fast path's key checks; knowing them skips three calls a line.
_PLAIN_KEYS = frozenset(
    key
    for key in FIELD_NAMES
    if key.isidentifier() and key.isascii() and key.lower() not in _NOT_TEXT_KEYS
)
# Characters that make a value more than plain text, where the fast path hands over.
_INDICATORS = frozenset("-?:,[]{}#&*!|>'\"%@`")
_FLOW_UNSAFE_RE = re.compile(r"[\[\]{}#:'\"\t]")
_ISO_DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class Unsure(Exception):
    """Raised by the fast path for anything it does not read exactly as YAML would."""


def _plain(value: str) -> Any:
    """An unquoted scalar's value, converted as YAML 1.1 would; Unsure for anything unusual."""
    resolvers = IMPLICIT_TAGS.get(value[:1])
    if not resolvers or _ISO_DATE_RE.fullmatch(value):
        # Most text: no implicit type starts with this character. Dates are
        # timestamps, which stay text; matching them first skips three patterns.
        return value
    for tag, pattern in resolvers:
        if pattern.match(value):
            if tag == TIMESTAMP:
                return value
            try:
                return convert_scalar(tag, value, 0)
            except YamlProblem as exc:
                raise Unsure from exc
    return value


def _simple_value(text: str, line: int) -> Any:
    """A value that starts with a YAML indicator: quoted without escapes, or a flat [list]."""
    first = text[0]
    if first == "[":
        if text[-1] != "]" or _FLOW_UNSAFE_RE.search(text, 1, len(text) - 1):
            raise Unsure
        items = LineList(line)
        inner = text[1:-1]
        if not inner.strip(" "):
            return items
        for raw_item in inner.split(","):
            item = raw_item.strip(" ")
            if not item or not item[0].isalnum():
                raise Unsure
            items.append(_plain(item) if item[0] in IMPLICIT_TAGS else item)
        items.item_lines.extend([line] * len(items))
        return items
    if first == '"' or first == "'":
        if len(text) < 2 or text[-1] != first or first in text[1:-1] or "\\" in text:
            raise Unsure
        return text[1:-1]
    raise Unsure


def parse_plain(text: str, first_line: int) -> LineDict:
    """Front matter of plain ``key: value`` lines, read without libyaml.

    Nearly every entry is written this way, and reading it directly is several
    times faster than building the same data from libyaml's events. Anything
    else (indentation, block lists, escapes, comments after values, anchors,
    tags, duplicate keys) raises Unsure and is left to ``build_data``; the property
    tests check that both give the same data whenever this one answers.
    """
    if not text.replace("\n", "").isprintable():
        raise Unsure
    fields: LineDict | None = None
    number = first_line - 1
    for line in text.split("\n"):
        number += 1
        if not line or line[0] == "#":
            continue  # blank lines and whole-line comments mean nothing to YAML
        key, separator, value = line.partition(": ")
        if not separator:
            if line[-1] != ":":
                raise Unsure
            key, value = line[:-1], ""
        if fields is None:
            fields = LineDict(number)
        if key in fields:
            raise Unsure
        if key not in _PLAIN_KEYS and (
            not (key.isidentifier() and key.isascii()) or key.lower() in _NOT_TEXT_KEYS
        ):
            raise Unsure
        value = value.strip(" ")
        if not value:
            fields[key] = None
        elif value[0] in _INDICATORS:
            fields[key] = _simple_value(value, number)
        elif ": " in value or " #" in value or value[-1] == ":":
            raise Unsure
        elif value[0] in IMPLICIT_TAGS:
            fields[key] = _plain(value)
        else:
            fields[key] = value
        fields.key_lines[key] = number
    if fields is None:
        raise Unsure
    return fields
