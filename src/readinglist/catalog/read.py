"""Read ``content/`` into raw entries and vocabularies, keeping line numbers.

The only module that reads content. It turns bytes into plain Python data
(dicts, lists, strings, numbers, booleans; dates stay text) with the line of
every key and list item, and reports what stops a file from being read at all:
size, encoding, links that lead outside the content folder, front matter that
is missing or unclosed, YAML that does not parse or that asks for more than
plain data. What the data *means* is checked by ``validate``.
"""

from __future__ import annotations

import contextlib
import gc
import operator
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
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

from readinglist.catalog.model import FIELD_NAMES
from readinglist.problems import Problem

# libyaml's parser is an order of magnitude faster than the pure-Python one.
# Only its events are used: building data from them here, without PyYAML's
# composer and constructor, is faster still, never recurses (the C composer
# crashes the interpreter on input nested tens of thousands deep), and lets
# every refusal name its line.
_Parser: Any
try:
    from yaml._yaml import CParser as _Parser
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml.parser import Parser as _PyParser
    from yaml.reader import Reader as _Reader
    from yaml.scanner import Scanner as _Scanner

    class _Parser(_Reader, _Scanner, _PyParser):  # type: ignore[no-redef]
        def __init__(self, stream: str) -> None:
            _Reader.__init__(self, stream)
            _Scanner.__init__(self)
            _PyParser.__init__(self)


MAX_ENTRY_BYTES = 100_000
"""An entry is a few fields and a short summary; anything larger is a mistake or an attack."""
MAX_VOCABULARY_BYTES = 2_000_000
MAX_DEPTH = 10
"""Front matter needs two levels and the vocabularies three; more is a mistake or an attack."""

ENTRIES_DIR = "entries"
TAGS_FILE = "tags.yml"
COMPANIES_FILE = "companies.yml"

_YAML = "tag:yaml.org,2002:"
_STR = _YAML + "str"
_TIMESTAMP = _YAML + "timestamp"
_MAP = _YAML + "map"
_SEQ = _YAML + "seq"
_IMPLICIT_TAGS: dict[str, list[tuple[str, re.Pattern[str]]]] = Resolver.yaml_implicit_resolvers
# Plain values, converted the way YAML 1.1 reads them. Timestamps stay text:
# ``validate`` parses dates, so 2023-02-30 is a problem on its line, not a crash.
_SCALAR_TAGS = ("str", "int", "float", "bool", "null", "timestamp")
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
_NAME = operator.attrgetter("name")
_CLOSING_RE = re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.MULTILINE)


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


class _YamlProblem(Exception):
    """Raised while building data for input we refuse; carries a 1-based line."""

    def __init__(self, line: int, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.line, self.message, self.hint = line, message, hint


def _tag_name(tag: str) -> str:
    return tag.replace(_YAML, "!!")


def _convert(tag: str, value: str, line: int) -> Any:
    """A scalar's value for a tag other than str or timestamp."""
    if tag.removeprefix(_YAML) not in _SCALAR_TAGS:
        if tag == _YAML + "merge":
            raise _YamlProblem(line, "merge keys (<<) are not allowed", "write the fields out")
        raise _YamlProblem(
            line,
            f"the YAML tag {_tag_name(tag)} is not allowed",
            "only plain values are allowed: text, numbers, dates and lists",
        )
    node = ScalarNode(tag, value)
    constructor = SafeConstructor()
    try:
        return constructor.yaml_constructors[tag](constructor, node)
    except (ValueError, OverflowError, yaml.YAMLError) as exc:
        raise _YamlProblem(
            line, f"'{value[:40]}' cannot be read as {_tag_name(tag)}: {exc}"
        ) from exc


_TOO_DEEP = (f"values are nested more than {MAX_DEPTH} levels deep", "flatten them")


def _build(parser: Any) -> Any:
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
            tag = event.tag
            value = event.value
            if tag is None or tag == "!":
                tag = _STR
                if event.implicit[0]:
                    for candidate, pattern in _IMPLICIT_TAGS.get(value[:1], ()):
                        if pattern.match(value):
                            tag = candidate
                            break
            if tag != _STR and tag != _TIMESTAMP:
                value = _convert(tag, value, line)
        elif kind is MappingStartEvent or kind is SequenceStartEvent:
            if event.tag not in (None, "!", _MAP if kind is MappingStartEvent else _SEQ):
                raise _YamlProblem(
                    line,
                    f"the YAML tag {_tag_name(event.tag)} is not allowed",
                    "only plain values are allowed: text, numbers, dates and lists",
                )
            if len(containers) >= MAX_DEPTH:
                raise _YamlProblem(line, *_TOO_DEEP)
            value = LineDict(line) if kind is MappingStartEvent else LineList(line)
        elif kind is MappingEndEvent or kind is SequenceEndEvent:
            containers.pop()
            if kind is MappingEndEvent:
                keys.pop()
            continue
        elif kind is AliasEvent:
            # Plain entries never need an alias; refusing them rules out
            # exponential "billion laughs" expansion.
            raise _YamlProblem(
                line,
                "anchors and aliases (&name, *name) are not allowed",
                "write the value out in full",
            )
        elif kind is DocumentEndEvent:
            end = get_event()
            if not isinstance(end, StreamEndEvent):
                raise _YamlProblem(
                    end.start_mark.line + 1,
                    "holds more than one YAML document",
                    "remove the extra --- line",
                )
            return root
        else:  # pragma: no cover - libyaml emits no other event inside a document
            raise _YamlProblem(line, f"unexpected YAML {kind.__name__}")
        if not containers:
            root = value
        else:
            parent = containers[-1]
            if type(parent) is LineList:
                parent.append(value)
                parent.item_lines.append(line)
            else:
                key = keys[-1]
                if key is not None:
                    parent[key] = value
                    keys[-1] = None
                elif type(value) is str:
                    if value in parent:
                        raise _YamlProblem(
                            line,
                            f"duplicate key '{value}' (first on line {parent.key_lines[value]})",
                            "keep one of them",
                        )
                    parent.key_lines[value] = line
                    keys[-1] = value
                else:
                    written = event.value if kind is ScalarEvent else "a list or mapping"
                    raise _YamlProblem(
                        line,
                        f"key '{written}' is not text",
                        "keys are plain words such as title or url",
                    )
        if kind is not ScalarEvent:
            containers.append(value)
            if kind is MappingStartEvent:
                keys.append(None)


class _Unsure(Exception):
    """Raised by the fast path for anything it does not read exactly as YAML would."""


def _plain(value: str) -> Any:
    """An unquoted scalar's value, converted as YAML 1.1 would; _Unsure for anything unusual."""
    resolvers = _IMPLICIT_TAGS.get(value[:1])
    if not resolvers or _ISO_DATE_RE.fullmatch(value):
        # Most text: no implicit type starts with this character. Dates are
        # timestamps, which stay text; matching them first skips three patterns.
        return value
    for tag, pattern in resolvers:
        if pattern.match(value):
            if tag == _TIMESTAMP:
                return value
            try:
                return _convert(tag, value, 0)
            except _YamlProblem as exc:
                raise _Unsure from exc
    return value


def _simple_value(text: str, line: int) -> Any:
    """A value that starts with a YAML indicator: quoted without escapes, or a flat [list]."""
    first = text[0]
    if first == "[":
        if text[-1] != "]" or _FLOW_UNSAFE_RE.search(text, 1, len(text) - 1):
            raise _Unsure
        items = LineList(line)
        inner = text[1:-1]
        if not inner.strip(" "):
            return items
        for raw_item in inner.split(","):
            item = raw_item.strip(" ")
            if not item or not item[0].isalnum():
                raise _Unsure
            items.append(_plain(item) if item[0] in _IMPLICIT_TAGS else item)
        items.item_lines.extend([line] * len(items))
        return items
    if first == '"' or first == "'":
        if len(text) < 2 or text[-1] != first or first in text[1:-1] or "\\" in text:
            raise _Unsure
        return text[1:-1]
    raise _Unsure


def _parse_simple(text: str, first_line: int) -> LineDict:
    """Front matter of plain ``key: value`` lines, read without libyaml.

    Nearly every entry is written this way, and reading it directly is several
    times faster than building the same data from libyaml's events. Anything
    else (indentation, block lists, escapes, comments after values, anchors,
    tags, duplicate keys) raises _Unsure and is left to ``_build``; the property
    tests check that both give the same data whenever this one answers.
    """
    if not text.replace("\n", "").isprintable():
        raise _Unsure
    fields: LineDict | None = None
    number = first_line - 1
    for line in text.split("\n"):
        number += 1
        if not line or line[0] == "#":
            continue  # blank lines and whole-line comments mean nothing to YAML
        key, separator, value = line.partition(": ")
        if not separator:
            if line[-1] != ":":
                raise _Unsure
            key, value = line[:-1], ""
        if fields is None:
            fields = LineDict(number)
        if key in fields:
            raise _Unsure
        if key not in _PLAIN_KEYS and (
            not (key.isidentifier() and key.isascii()) or key.lower() in _NOT_TEXT_KEYS
        ):
            raise _Unsure
        value = value.strip(" ")
        if not value:
            fields[key] = None
        elif value[0] in _INDICATORS:
            fields[key] = _simple_value(value, number)
        elif ": " in value or " #" in value or value[-1] == ":":
            raise _Unsure
        elif value[0] in _IMPLICIT_TAGS:
            fields[key] = _plain(value)
        else:
            fields[key] = value
        fields.key_lines[key] = number
    if fields is None:
        raise _Unsure
    return fields


def parse_yaml(text: str, path: str, first_line: int, field: str) -> tuple[Any, list[Problem]]:
    """Parse one YAML document safely; ``first_line`` is where ``text`` starts in the file.

    Padding with newlines makes every recorded line a line of the file itself.
    """
    try:
        return _parse_simple(text, first_line), []
    except _Unsure:
        pass
    padded = "\n" * (first_line - 1) + text
    last_line = first_line + text.count("\n")
    try:
        return _build(_Parser(padded)), []
    except _YamlProblem as exc:
        return None, [Problem(path, exc.line, field, exc.message, exc.hint)]
    except yaml.MarkedYAMLError as exc:
        return None, [marked_error_problem(exc, path, field, first_line, last_line)]
    except yaml.reader.ReaderError as exc:
        line = padded.encode()[: exc.position].count(b"\n") + 1
        return None, [
            Problem(
                path,
                line,
                field,
                f"holds the character {_code_point(exc.character)}, which YAML does not allow",
                "remove it",
            )
        ]
    except yaml.YAMLError as exc:  # pragma: no cover - every parser error carries a mark
        return None, [Problem(path, first_line, field, f"YAML cannot be read: {exc}")]


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
        return Problem(path, line, field, *_TOO_DEEP)
    return Problem(path, line, field, _yaml_message(exc), _yaml_hint(exc))


def _code_point(character: int | str) -> str:
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


@dataclass(frozen=True)
class RawEntry:
    """One entry file as read: its front matter as plain data, its body as text."""

    path: str
    slug: str
    fields: LineDict
    body: str
    body_line: int
    """The line the body starts on."""
    closing_line: int
    """The line of the ``---`` that closes the front matter."""


@dataclass(frozen=True)
class RawContent:
    """Everything read from a content folder, and what stopped any of it from being read."""

    root: str
    entries: tuple[RawEntry, ...]
    tags: Any
    """Parsed ``tags.yml`` (a LineDict when well formed), or None when unreadable."""
    companies: Any
    """Parsed ``companies.yml``, or None when unreadable or absent."""
    tags_path: str
    companies_path: str
    files: int
    """How many files were looked at, for the summary line."""
    problems: tuple[Problem, ...]
    paths: tuple[str, ...] = ()
    """Every name in the entries folder (of this share), read or kept, in name order."""


def decode(data: bytes, path: str) -> tuple[str | None, list[Problem]]:
    """UTF-8 (a BOM is fine) with line endings made ``\\n``; or a problem naming the line."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        return None, [
            Problem(
                path,
                line,
                "file",
                f"is not UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start})",
                "save the file as UTF-8",
            )
        ]
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        return None, [Problem(path, line, "file", "contains a NUL character", "save as plain text")]
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text, []


def split_front_matter(text: str, path: str) -> tuple[str, str, int, list[Problem]]:
    """Return (front matter, body, closing line) or problems for missing or unclosed markers."""
    if not text.strip():
        return "", "", 0, [Problem(path, 1, "file", "is empty", "start from an existing entry")]
    first_end = text.find("\n")
    first = text if first_end < 0 else text[:first_end]
    if first.rstrip() != "---":
        problem = Problem(
            path,
            1,
            "front matter",
            "missing: the file must start with a line of three dashes (---)",
            "did you forget to add `---` before `title:`?",
        )
        return "", "", 0, [problem]
    closing = _CLOSING_RE.search(text, first_end + 1) if first_end >= 0 else None
    if closing is None:
        problem = Problem(
            path,
            1,
            "front matter",
            "is never closed: no line of three dashes (---) after the fields",
            "add `---` on its own line after the last field",
        )
        return "", "", 0, [problem]
    front = text[first_end + 1 : max(first_end + 1, closing.start() - 1)]
    closing_line = text.count("\n", 0, closing.start()) + 1
    return front, text[closing.end() + 1 :], closing_line, []


def parse_entry(data: bytes, path: str, slug: str) -> tuple[RawEntry | None, list[Problem]]:
    """Parse one entry file's bytes; pure, so tests and the property test can call it."""
    if len(data) > MAX_ENTRY_BYTES:
        return None, [_too_big(path, len(data), MAX_ENTRY_BYTES)]
    text, problems = decode(data, path)
    if text is None:
        return None, problems
    front, body, closing, problems = split_front_matter(text, path)
    if problems:
        return None, problems
    fields, problems = parse_yaml(front, path, 2, "front matter")
    if problems:
        return None, problems
    if fields is None:
        fields = LineDict(2)
    if not isinstance(fields, LineDict):
        shape = "list" if isinstance(fields, list) else "single value"
        problem = Problem(
            path,
            2,
            "front matter",
            f"must be `key: value` lines, not a {shape}",
            "write one field per line, such as `title: ...`",
        )
        return None, [problem]
    return RawEntry(path, slug, fields, body, closing + 1, closing), []


def _too_big(path: str, size: int, limit: int) -> Problem:
    hint = "keep the summary to a short paragraph" if limit == MAX_ENTRY_BYTES else ""
    return Problem(path, 1, "file", f"is {size:,} bytes; the limit is {limit:,}", hint)


def _inside(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root)
    except (ValueError, OSError, RuntimeError):
        return False
    return True


def _read_limited(path: str, limit: int) -> tuple[bytes | None, list[Problem]]:
    """The file's bytes, reading at most one byte past ``limit`` (no separate stat)."""
    # os.open and os.read skip the buffered file object, which is most of the
    # cost of reading ten thousand small files.
    try:
        descriptor = os.open(path, os.O_RDONLY)
        try:
            chunks = []
            size = 0
            while size <= limit:
                chunk = os.read(descriptor, limit + 1 - size)
                if not chunk:
                    break
                chunks.append(chunk)
                size += len(chunk)
            if size > limit:
                return None, [_too_big(path, os.fstat(descriptor).st_size, limit)]
        finally:
            os.close(descriptor)
    except OSError as exc:
        return None, [Problem(path, 1, "file", f"cannot be read: {exc.strerror or exc}")]
    return b"".join(chunks), []


def _load_vocabulary(root: Path, name: str, required: bool) -> tuple[Any, str, list[Problem]]:
    path = root / name
    display = str(path)
    if not path.exists() and not path.is_symlink():
        if required:
            problem = Problem(
                display, 1, "file", "is missing", f"create {name}; see CONTRIBUTING.md"
            )
            return None, display, [problem]
        return LineDict(), display, []
    if not _inside(path, root.resolve()):
        return None, display, [_outside(display)]
    data, problems = _read_limited(display, MAX_VOCABULARY_BYTES)
    if data is None:
        return None, display, problems
    text, problems = decode(data, display)
    if text is None:
        return None, display, problems
    parsed, problems = parse_yaml(text, display, 1, name)
    return parsed, display, problems


def _outside(display: str) -> Problem:
    return Problem(
        display, 1, "file", "links outside the content folder", "commit a real file instead"
    )


def _read_entry(item: os.DirEntry[str], real_root: Path) -> tuple[RawEntry | None, list[Problem]]:
    """One name in ``entries/``: the parsed entry, or why it is not one."""
    display = item.path
    # DirEntry answers from the directory listing, so the common case costs no stat call.
    if item.is_symlink() and not _inside(Path(display), real_root):
        return None, [_outside(display)]
    if item.is_dir():
        return None, [
            Problem(display, 1, "file", "is a folder", "entries are files directly in entries/")
        ]
    if not item.name.endswith(".md"):
        return None, [Problem(display, 1, "file", "is not an entry", "entry files end in .md")]
    if not item.is_file():
        return None, [Problem(display, 1, "file", "is not a regular file", "commit a real file")]
    data, problems = _read_limited(display, MAX_ENTRY_BYTES)
    if data is None:
        return None, problems
    return parse_entry(data, display, item.name[: -len(".md")])


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while a catalog is read, checked or built.

    Reading makes hundreds of thousands of small dicts and lists, none of them
    in a cycle, so reference counting frees them all; but each batch of new
    objects sets off a collection that walks every live one, which made checking
    10,000 entries about twice as slow. The collector is restored afterwards.

    Everything made while paused is then moved to the oldest generation, which
    only a full collection walks: left in the youngest, the first allocation
    after the pause would walk all of it at once (about 0.08 s for 10,000
    entries). Objects another caller froze stay frozen: the move needs
    ``gc.freeze`` and ``gc.unfreeze``, so it is skipped while anything is frozen.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if gc.get_freeze_count() == 0:
            gc.freeze()
            gc.unfreeze()
        if was_enabled:
            gc.enable()


def load_content(
    content_dir: str | os.PathLike[str],
    share: tuple[int, int] = (0, 1),
    keep: Callable[[os.DirEntry[str]], bool] | None = None,
    vocabularies: bool = True,
) -> RawContent:
    """Read every entry and both vocabularies below ``content_dir``; never raises for bad input.

    ``share=(k, n)`` reads only the k-th of n consecutive runs of entry files (in name
    order), so n processes can read one folder together; the vocabularies are always read.
    Entry files for which ``keep`` answers true are listed in ``paths`` but not read:
    the caller still has what they held. ``vocabularies=False`` leaves the vocabularies
    unread too, for a caller that has them.
    """
    with collector_paused():
        return _load_content(Path(content_dir), share, keep, vocabularies)


def _load_content(
    root: Path,
    share: tuple[int, int],
    keep: Callable[[os.DirEntry[str]], bool] | None,
    vocabularies: bool,
) -> RawContent:
    problems: list[Problem] = []
    entries: list[RawEntry] = []
    tags = companies = None
    tags_path, companies_path = str(root / TAGS_FILE), str(root / COMPANIES_FILE)
    if vocabularies:
        tags, tags_path, found = _load_vocabulary(root, TAGS_FILE, required=True)
        problems += found
        companies, companies_path, found = _load_vocabulary(root, COMPANIES_FILE, required=False)
        problems += found
    files = 2
    entries_dir = root / ENTRIES_DIR
    real_root = root.resolve()
    items: list[os.DirEntry[str]] = []
    if not entries_dir.is_dir():
        problems.append(
            Problem(str(entries_dir), 1, "folder", "is missing", "entries live in content/entries/")
        )
    elif not _inside(entries_dir, real_root):
        problems.append(_outside(str(entries_dir)))
    else:
        try:
            with os.scandir(entries_dir) as scan:
                items = sorted((i for i in scan if not i.name.startswith(".")), key=_NAME)
            part, parts = share
            items = items[part * len(items) // parts : (part + 1) * len(items) // parts]
        except OSError as exc:
            problems.append(
                Problem(str(entries_dir), 1, "folder", f"cannot be read: {exc.strerror or exc}")
            )
    for item in items:
        files += 1
        if keep is not None and keep(item):
            continue
        entry, found = _read_entry(item, real_root)
        problems += found
        if entry is not None:
            entries.append(entry)
    return RawContent(
        str(root),
        tuple(entries),
        tags,
        companies,
        tags_path,
        companies_path,
        files,
        tuple(problems),
        tuple(item.path for item in items),
    )
