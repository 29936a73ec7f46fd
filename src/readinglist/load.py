"""Read ``content/`` into raw entries and vocabularies, keeping line numbers.

The only module that reads content. It turns bytes into plain Python data
(dicts, lists, strings, numbers, dates) with the line of every key and list
item, and reports what stops a file from being read at all: size, encoding,
links that lead outside the content folder, front matter that is missing or
unclosed, YAML that does not parse or that asks for more than plain data.
What the data *means* is checked by ``validate``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from readinglist.errors import Problem

# The C loader parses an order of magnitude faster than the pure-Python one;
# construction (where we hook in) stays in Python either way.
_BaseLoader: type[yaml.SafeLoader]
try:
    _BaseLoader = yaml.CSafeLoader  # type: ignore[assignment]
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _BaseLoader = yaml.SafeLoader

MAX_ENTRY_BYTES = 100_000
"""An entry is a few fields and a short summary; anything larger is a mistake or an attack."""
MAX_VOCABULARY_BYTES = 2_000_000

ENTRIES_DIR = "entries"
TAGS_FILE = "tags.yml"
COMPANIES_FILE = "companies.yml"


class LineDict(dict[Any, Any]):
    """A YAML mapping that remembers the line of each key (1-based)."""

    def __init__(self, line: int = 1) -> None:
        super().__init__()
        self.key_lines: dict[Any, int] = {}
        self.line = line


class LineList(list[Any]):
    """A YAML sequence that remembers the line of each item (1-based)."""

    def __init__(self, line: int = 1) -> None:
        super().__init__()
        self.item_lines: list[int] = []
        self.line = line


class _YamlProblem(Exception):
    """Raised inside the loader for input we refuse; carries a 0-based line."""

    def __init__(self, line: int, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.line, self.message, self.hint = line, message, hint


class _Loader(_BaseLoader):  # type: ignore[valid-type,misc]
    """Safe loading that records lines, refuses duplicate keys and refuses aliases."""

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        # A node met a second time is an alias. Plain entries never need one,
        # and refusing them rules out exponential "billion laughs" expansion.
        if node in self.constructed_objects or node in self.recursive_objects:
            raise _YamlProblem(
                node.start_mark.line,
                "anchors and aliases (&name, *name) are not allowed",
                "write the value out in full",
            )
        return super().construct_object(node, deep=deep)


def _construct_map(loader: _Loader, node: yaml.MappingNode) -> Iterator[LineDict]:
    data = LineDict(node.start_mark.line + 1)
    yield data
    for key_node, value_node in node.value:
        if key_node.tag == "tag:yaml.org,2002:merge":
            raise _YamlProblem(key_node.start_mark.line, "merge keys (<<) are not allowed")
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str):
            raise _YamlProblem(
                key_node.start_mark.line,
                f"key {key!r} is not text",
                "keys are plain words such as title or url",
            )
        if key in data:
            raise _YamlProblem(
                key_node.start_mark.line,
                f"duplicate key '{key}' (first on line {data.key_lines[key]})",
                "keep one of them",
            )
        data[key] = loader.construct_object(value_node, deep=True)
        data.key_lines[key] = key_node.start_mark.line + 1


def _construct_seq(loader: _Loader, node: yaml.SequenceNode) -> Iterator[LineList]:
    data = LineList(node.start_mark.line + 1)
    yield data
    for item in node.value:
        data.append(loader.construct_object(item, deep=True))
        data.item_lines.append(item.start_mark.line + 1)


def _construct_timestamp(loader: _Loader, node: yaml.ScalarNode) -> str:
    # Dates stay text: ``validate`` parses them, so an impossible date such as
    # 2023-02-30 becomes a problem on its line instead of a constructor crash.
    return str(loader.construct_scalar(node))


_Loader.add_constructor("tag:yaml.org,2002:map", _construct_map)
_Loader.add_constructor("tag:yaml.org,2002:seq", _construct_seq)
_Loader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)


def parse_yaml(text: str, path: str, first_line: int, field: str) -> tuple[Any, list[Problem]]:
    """Parse one YAML document safely; ``first_line`` is where ``text`` starts in the file.

    Padding with newlines makes every recorded line a line of the file itself.
    """
    loader = _Loader("\n" * (first_line - 1) + text)
    last_line = first_line + text.count("\n")
    try:
        return loader.get_single_data(), []
    except _YamlProblem as exc:
        return None, [Problem(path, exc.line + 1, field, exc.message, exc.hint)]
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        if exc.context_mark and (mark is None or mark.line + 1 > last_line):
            mark = exc.context_mark  # the error surfaced at the end; point where it began
        line = mark.line + 1 if mark else first_line
        return None, [Problem(path, line, field, _yaml_message(exc), _yaml_hint(exc))]
    except (yaml.YAMLError, RecursionError, ValueError, OverflowError) as exc:
        # RecursionError comes from absurd nesting; the others from constructors.
        return None, [Problem(path, first_line, field, f"YAML cannot be read: {exc}")]
    finally:
        loader.dispose()


def _yaml_message(exc: yaml.MarkedYAMLError) -> str:
    problem = exc.problem or "syntax error"
    if "could not determine a constructor for the tag" in problem:
        tag = problem.rsplit(" ", 1)[-1].replace("tag:yaml.org,2002:", "!!")
        return f"the YAML tag {tag} is not allowed"
    message = f"YAML {problem}"
    return f"{message} {exc.context}" if exc.context else message


def _yaml_hint(exc: yaml.MarkedYAMLError) -> str:
    problem = exc.problem or ""
    if "could not determine a constructor" in problem:
        return "only plain values are allowed: text, numbers, dates and lists"
    if "mapping values are not allowed" in problem:
        return "a value that contains ': ' must be quoted"
    if "found character '\\t'" in problem:
        return "indent with spaces, not tabs"
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
    return text.replace("\r\n", "\n").replace("\r", "\n"), []


def split_front_matter(text: str, path: str) -> tuple[str, str, int, list[Problem]]:
    """Return (front matter, body, closing line) or problems for missing or unclosed markers."""
    if not text.strip():
        return "", "", 0, [Problem(path, 1, "file", "is empty", "start from an existing entry")]
    first, _, rest = text.partition("\n")
    if first.rstrip() != "---":
        return (
            "",
            "",
            0,
            [
                Problem(
                    path,
                    1,
                    "front matter",
                    "missing: the file must start with a line of three dashes (---)",
                    "did you forget to add `---` before `title:`?",
                )
            ],
        )
    lines = rest.split("\n")
    for index, line in enumerate(lines):
        if line.rstrip() in ("---", "..."):
            return "\n".join(lines[:index]), "\n".join(lines[index + 1 :]), index + 2, []
    return (
        "",
        "",
        0,
        [
            Problem(
                path,
                1,
                "front matter",
                "is never closed: no line of three dashes (---) after the fields",
                "add `---` on its own line after the last field",
            )
        ],
    )


def parse_entry(data: bytes, path: str, slug: str) -> tuple[RawEntry | None, list[Problem]]:
    """Parse one entry file's bytes; pure, so tests and the property test can call it."""
    if len(data) > MAX_ENTRY_BYTES:
        return None, [
            Problem(
                path,
                1,
                "file",
                f"is {len(data):,} bytes; an entry is at most {MAX_ENTRY_BYTES:,}",
                "keep the summary to a short paragraph",
            )
        ]
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
        return None, [
            Problem(
                path,
                2,
                "front matter",
                f"must be `key: value` lines, not a {_yaml_type(fields)}",
                "write one field per line, such as `title: ...`",
            )
        ]
    return RawEntry(path, slug, fields, body, closing + 1, closing), []


def _yaml_type(value: Any) -> str:
    if isinstance(value, list):
        return "list"
    return "single value"


def _inside(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root)
    except (ValueError, OSError, RuntimeError):
        return False
    return True


def _read_limited(path: Path, display: str, limit: int) -> tuple[bytes | None, list[Problem]]:
    try:
        size = path.stat().st_size
        if size > limit:
            return None, [Problem(display, 1, "file", f"is {size:,} bytes; the limit is {limit:,}")]
        return path.read_bytes(), []
    except OSError as exc:
        return None, [Problem(display, 1, "file", f"cannot be read: {exc.strerror or exc}")]


def _load_vocabulary(root: Path, name: str, required: bool) -> tuple[Any, str, list[Problem]]:
    path = root / name
    display = str(path)
    if not path.exists():
        if required:
            return (
                None,
                display,
                [Problem(display, 1, "file", "is missing", f"create {name}; see CONTRIBUTING.md")],
            )
        return LineDict(), display, []
    if not _inside(path, root.resolve()):
        return None, display, [Problem(display, 1, "file", "links outside the content folder")]
    data, problems = _read_limited(path, display, MAX_VOCABULARY_BYTES)
    if data is None:
        return None, display, problems
    text, problems = decode(data, display)
    if text is None:
        return None, display, problems
    parsed, problems = parse_yaml(text, display, 1, name)
    return parsed, display, problems


def load_content(content_dir: str | os.PathLike[str]) -> RawContent:
    """Read every entry and both vocabularies below ``content_dir``; never raises for bad input."""
    root = Path(content_dir)
    problems: list[Problem] = []
    entries: list[RawEntry] = []
    tags, tags_path, found = _load_vocabulary(root, TAGS_FILE, required=True)
    problems += found
    companies, companies_path, found = _load_vocabulary(root, COMPANIES_FILE, required=False)
    problems += found
    files = 2
    entries_dir = root / ENTRIES_DIR
    if not entries_dir.is_dir():
        problems.append(
            Problem(str(entries_dir), 1, "folder", "is missing", "entries live in content/entries/")
        )
        return RawContent(
            str(root), (), tags, companies, tags_path, companies_path, files, tuple(problems)
        )
    real_root = root.resolve()
    with os.scandir(entries_dir) as scan:
        names = sorted(item.name for item in scan)
    for name in names:
        if name.startswith("."):
            continue
        path = entries_dir / name
        display = str(path)
        files += 1
        if path.is_symlink() and not _inside(path, real_root):
            problems.append(
                Problem(
                    display, 1, "file", "links outside the content folder", "commit a real file"
                )
            )
            continue
        if path.is_dir():
            problems.append(
                Problem(display, 1, "file", "is a folder", "entries are files directly in entries/")
            )
            continue
        if not name.endswith(".md"):
            problems.append(
                Problem(display, 1, "file", "is not an entry", "entry files end in .md")
            )
            continue
        data, found = _read_limited(path, display, MAX_ENTRY_BYTES)
        if data is None:
            problems += found
            continue
        entry, found = parse_entry(data, display, name[: -len(".md")])
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
    )
