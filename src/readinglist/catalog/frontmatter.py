"""One entry file's bytes to its front matter as plain data with lines, and its body.

Decoding, the ``---`` markers and the YAML; what stops a file from being read
at all is a problem here. What the fields *mean* is checked in ``fields``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import yaml

from readinglist.catalog.fastyaml import Unsure, parse_plain
from readinglist.catalog.yamllines import (
    LineDict,
    Parser,
    YamlProblem,
    build_data,
    code_point,
    marked_error_problem,
)
from readinglist.problems import Problem

MAX_ENTRY_BYTES = 100_000
"""An entry is a few fields and a short summary; anything larger is a mistake or an attack."""
_CLOSING_RE = re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.MULTILINE)


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


def parse_yaml(text: str, path: str, first_line: int, field: str) -> tuple[Any, list[Problem]]:
    """Parse one YAML document safely; ``first_line`` is where ``text`` starts in the file.

    Padding with newlines makes every recorded line a line of the file itself.
    """
    try:
        return parse_plain(text, first_line), []
    except Unsure:
        pass
    padded = "\n" * (first_line - 1) + text
    last_line = first_line + text.count("\n")
    try:
        return build_data(Parser(padded)), []
    except YamlProblem as exc:
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
                f"holds the character {code_point(exc.character)}, which YAML does not allow",
                "remove it",
            )
        ]
    except yaml.YAMLError as exc:  # pragma: no cover - every parser error carries a mark
        return None, [Problem(path, first_line, field, f"YAML cannot be read: {exc}")]


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
        return None, [too_big(path, len(data), MAX_ENTRY_BYTES)]
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


def too_big(path: str, size: int, limit: int) -> Problem:
    """The problem for a file larger than ``limit`` bytes."""
    hint = "keep the summary to a short paragraph" if limit == MAX_ENTRY_BYTES else ""
    return Problem(path, 1, "file", f"is {size:,} bytes; the limit is {limit:,}", hint)
