"""YAML text to plain data that remembers the line of every key and list item.

Plain data only (dicts, lists, strings, numbers, booleans; dates stay text):
anything more (tags, anchors, merge keys, deep nesting, several documents) is
refused with a problem on its line, and so is YAML that does not parse.
"""

from __future__ import annotations

import re
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.events import (
    AliasEvent,
    DocumentEndEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)
from yaml.nodes import ScalarNode
from yaml.resolver import Resolver

from readinglist.problems import Problem

# libyaml's parser is an order of magnitude faster than the pure-Python one.
# Only its events are used: building data from them here, without PyYAML's
# composer and constructor, is faster still, never recurses (the C composer
# crashes the interpreter on input nested tens of thousands deep), and lets
# every refusal name its line.
Parser: Any
try:
    from yaml._yaml import CParser as Parser
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml.parser import Parser as _PyParser
    from yaml.reader import Reader as _Reader
    from yaml.scanner import Scanner as _Scanner

    class Parser(_Reader, _Scanner, _PyParser):  # type: ignore[no-redef]
        def __init__(self, stream: str) -> None:
            _Reader.__init__(self, stream)
            _Scanner.__init__(self)
            _PyParser.__init__(self)


MAX_DEPTH = 10
"""Front matter needs two levels and the vocabularies three; more is a mistake or an attack."""

_YAML = "tag:yaml.org,2002:"
_STR = _YAML + "str"
TIMESTAMP = _YAML + "timestamp"
_MAP = _YAML + "map"
_SEQ = _YAML + "seq"
IMPLICIT_TAGS: dict[str, list[tuple[str, re.Pattern[str]]]] = Resolver.yaml_implicit_resolvers
# Plain values, converted the way YAML 1.1 reads them. Timestamps stay text:
# the field checks parse dates, so 2023-02-30 is a problem on its line, not a crash.
_SCALAR_TAGS = ("str", "int", "float", "bool", "null", "timestamp")


class LineDict(dict[Any, Any]):
    """A YAML mapping that remembers the line of each key (1-based)."""

    __slots__ = ("key_lines", "line")  # no per-instance __dict__: one of these per entry

    def __init__(self, line: int = 1) -> None:
        super().__init__()
        self.key_lines: dict[Any, int] = {}
        self.line = line


class LineList(list[Any]):
    """A YAML sequence that remembers the line of each item (1-based)."""

    __slots__ = ("item_lines", "line")

    def __init__(self, line: int = 1) -> None:
        super().__init__()
        self.item_lines: list[int] = []
        self.line = line


class YamlProblem(Exception):
    """Raised while building data for input we refuse; carries a 1-based line."""

    def __init__(self, line: int, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.line, self.message, self.hint = line, message, hint


def _tag_name(tag: str) -> str:
    return tag.replace(_YAML, "!!")


def convert_scalar(tag: str, value: str, line: int) -> Any:
    """A scalar's value for a tag other than str or timestamp."""
    if tag.removeprefix(_YAML) not in _SCALAR_TAGS:
        if tag == _YAML + "merge":
            raise YamlProblem(line, "merge keys (<<) are not allowed", "write the fields out")
        raise YamlProblem(
            line,
            f"the YAML tag {_tag_name(tag)} is not allowed",
            "only plain values are allowed: text, numbers, dates and lists",
        )
    node = ScalarNode(tag, value)
    constructor = SafeConstructor()
    try:
        return constructor.yaml_constructors[tag](constructor, node)
    except (ValueError, OverflowError, yaml.YAMLError) as exc:
        raise YamlProblem(
            line, f"'{value[:40]}' cannot be read as {_tag_name(tag)}: {exc}"
        ) from exc


TOO_DEEP = (f"values are nested more than {MAX_DEPTH} levels deep", "flatten them")


def build_data(parser: Any) -> Any:
    """Plain data from the events of one YAML document; iterative, so depth costs no stack."""
    get_event = parser.get_event
    get_event()  # the stream starts
    if isinstance(get_event(), StreamEndEvent):
        return None
    root: Any = None
    containers: list[Any] = []
    # For each open mapping: the key waiting for its value, or None when a key comes next.
    keys: list[str | None] = []
    while True:
        event = get_event()
        kind = type(event)
        line = event.start_mark.line + 1
        value: Any
        if kind is ScalarEvent:
            value = _scalar(event, line)
        elif kind is MappingStartEvent or kind is SequenceStartEvent:
            value = _container(event, kind is MappingStartEvent, len(containers), line)
        elif kind is MappingEndEvent or kind is SequenceEndEvent:
            containers.pop()
            if kind is MappingEndEvent:
                keys.pop()
            continue
        elif kind is DocumentEndEvent:
            _end_of_stream(get_event())
            return root
        else:
            _refuse_event(event, line)
        if not containers:
            root = value
        else:
            _place(containers[-1], keys, value, event, line)
        if kind is not ScalarEvent:
            containers.append(value)
            if kind is MappingStartEvent:
                keys.append(None)


def _scalar(event: ScalarEvent, line: int) -> Any:
    """A scalar's value, resolved the way YAML 1.1 reads an untagged one."""
    tag = event.tag
    value: Any = event.value
    if tag is None or tag == "!":
        tag = _STR
        if event.implicit[0]:
            for candidate, pattern in IMPLICIT_TAGS.get(value[:1], ()):
                if pattern.match(value):
                    tag = candidate
                    break
    if tag != _STR and tag != TIMESTAMP:
        value = convert_scalar(tag, value, line)
    return value


def _container(event: Any, mapping: bool, depth: int, line: int) -> LineDict | LineList:
    """A new, empty mapping or list; a problem for a tag or for nesting too deep."""
    if event.tag not in (None, "!", _MAP if mapping else _SEQ):
        raise YamlProblem(
            line,
            f"the YAML tag {_tag_name(event.tag)} is not allowed",
            "only plain values are allowed: text, numbers, dates and lists",
        )
    if depth >= MAX_DEPTH:
        raise YamlProblem(line, *TOO_DEEP)
    return LineDict(line) if mapping else LineList(line)


def _end_of_stream(end: Any) -> None:
    if not isinstance(end, StreamEndEvent):
        raise YamlProblem(
            end.start_mark.line + 1,
            "holds more than one YAML document",
            "remove the extra --- line",
        )


def _refuse_event(event: Any, line: int) -> None:
    if isinstance(event, AliasEvent):
        # Plain entries never need an alias; refusing them rules out
        # exponential "billion laughs" expansion.
        raise YamlProblem(
            line,
            "anchors and aliases (&name, *name) are not allowed",
            "write the value out in full",
        )
    # libyaml emits no other event inside a document
    raise YamlProblem(line, f"unexpected YAML {type(event).__name__}")  # pragma: no cover


def _place(parent: Any, keys: list[str | None], value: Any, event: Any, line: int) -> None:
    """Put ``value`` in the open list, or in the open mapping as a key or a key's value."""
    if type(parent) is LineList:
        parent.append(value)
        parent.item_lines.append(line)
        return
    key = keys[-1]
    if key is not None:
        parent[key] = value
        keys[-1] = None
    elif type(value) is str:
        if value in parent:
            raise YamlProblem(
                line,
                f"duplicate key '{value}' (first on line {parent.key_lines[value]})",
                "keep one of them",
            )
        parent.key_lines[value] = line
        keys[-1] = value
    else:
        written = event.value if type(event) is ScalarEvent else "a list or mapping"
        raise YamlProblem(
            line,
            f"key '{written}' is not text",
            "keys are plain words such as title or url",
        )


def marked_error_problem(
    exc: yaml.MarkedYAMLError, path: str, field: str, first_line: int, last_line: int
) -> Problem:
    """The problem for an error PyYAML raised, on the line where it began."""
    mark = exc.problem_mark
    if exc.context_mark and (
        mark is None or mark.line + 1 > last_line or _unclosed(exc.context or "")
    ):
        mark = exc.context_mark  # the error surfaced later; point where it began
    line = mark.line + 1 if mark else first_line
    if "maximum nesting depth" in (exc.problem or ""):
        # libyaml (in PyYAML 6.0.4 and later) has a depth limit of its own,
        # and may reach it before this module's: the same words either way.
        return Problem(path, line, field, *TOO_DEEP)
    return Problem(path, line, field, _yaml_message(exc), _yaml_hint(exc))


def code_point(character: int | str) -> str:
    """U+0007 for a control character, whether libyaml gives it as a number or text."""
    code = character if isinstance(character, int) else ord(character[:1] or "\0")
    return f"U+{code:04X}"


def _unclosed(context: str) -> bool:
    """Errors inside a quote or bracket are found where the text ends, not where it went wrong."""
    return context.startswith(("while scanning a quoted", "while parsing a flow"))


def _yaml_message(exc: yaml.MarkedYAMLError) -> str:
    problem = exc.problem or "syntax error"
    message = f"YAML {problem}"
    return f"{message} {exc.context}" if exc.context else message


def _yaml_hint(exc: yaml.MarkedYAMLError) -> str:
    problem, context = exc.problem or "", exc.context or ""
    if "mapping values are not allowed" in problem:
        return "a value that contains ': ' must be quoted"
    if "found character '\\t'" in problem or "tab character" in problem:
        return "indent with spaces, not tabs"
    if context.startswith("while scanning a quoted"):
        return "close the quote, or remove it"
    if context.startswith("while parsing a flow sequence"):
        return "close the list with ]"
    if context.startswith("while parsing a flow mapping"):
        return "close the mapping with }"
    if "found character that cannot start any token" in problem:
        return "a value that starts with @, ` or % must be quoted"
    return "check the quoting and indentation on this line"
