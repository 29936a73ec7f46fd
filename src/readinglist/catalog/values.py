"""Checks of one YAML value that entries and vocabularies share: text, lists, known keys, URLs.

Each check appends what it finds to the caller's list of problems and returns
the value it could read, or None.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from typing import Any

from readinglist.catalog.characters import SUSPECT_RE, character_name, is_bidi, is_suspect
from readinglist.catalog.urls import check_url
from readinglist.catalog.yamllines import LineDict, LineList
from readinglist.problems import Problem

MAX_LIST_ITEMS = 50


def closest(word: str, choices: Iterable[str]) -> str:
    """The choice closest to ``word`` (case aside), or ``""`` when none is close."""
    lowered = {c.lower(): c for c in choices}
    close = difflib.get_close_matches(word.lower(), list(lowered), n=1, cutoff=0.6)
    return lowered[close[0]] if close else ""


def describe_type(value: Any) -> str:
    """Name what YAML made of a value, in a contributor's words."""
    if isinstance(value, bool):
        word = "true" if value else "false"
        return f"{word}: YAML reads an unquoted yes, no, on or off as {word}"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a set of key: value pairs"
    if value is None:
        return "empty"
    if isinstance(value, str):
        return "text"
    return f"a {type(value).__name__}"


def line_of(fields: LineDict, key: str) -> int:
    return fields.key_lines.get(key, fields.line)


def text_field(
    out: list[Problem], path: str, fields: LineDict, key: str, required: bool
) -> str | None:
    """The field's text, stripped; a problem when it is missing, empty or not text."""
    value = fields.get(key)
    if type(value) is str and (stripped := value.strip()):
        if plain(value):
            return stripped  # the common case, without looking up a line no problem needs
        return stripped if characters(out, path, line_of(fields, key), key, value) else None
    line = line_of(fields, key)
    if value is None:
        if key in fields:
            out.append(Problem(path, line, key, "is empty", "give a value or remove the line"))
        elif required:
            out.append(Problem(path, line, key, "is required", f"add `{key}: ...`"))
        return None
    if not isinstance(value, str):
        message = f"must be text, not {describe_type(value)}"
        out.append(Problem(path, line, key, message, "put it in quotes"))
        return None
    if not value.strip():
        out.append(Problem(path, line, key, "is empty", "give a value or remove the line"))
        return None
    return value.strip()


def plain(text: str) -> bool:
    """Whether text surely holds none of the characters :func:`characters` reports: the
    fast look every field gets; a few rare characters make it say no for text that does."""
    return SUSPECT_RE.search(text) is None


def characters(out: list[Problem], path: str, line: int, field: str, text: str) -> bool:
    """Whether text is text: an error for each control character (but tab and newline),
    surrogate or non-character in it, a warning for each bidirectional control; ``line``
    is where the text starts, and a character is reported on its own line."""
    found: set[str] = set()
    for match in SUSPECT_RE.finditer(text):
        character = match.group()
        if character in found or not is_suspect(character):
            continue
        found.add(character)
        where = line + text.count("\n", 0, match.start())
        name = character_name(character)
        if is_bidi(character):
            message = f"holds the bidirectional control {name}"
            hint = "it can make the text read in another order than it is written; remove it"
            out.append(Problem(path, where, field, message, hint, "warning"))
        else:
            code = ord(character)
            kind = "control character" if code < 0xA0 else "non-character"
            kind = "surrogate" if 0xD800 <= code <= 0xDFFF else kind
            hint = "remove it: it breaks feeds and terminals"
            out.append(Problem(path, where, field, f"holds the {kind} {name}", hint))
    return all(is_bidi(character) for character in found)


def unknown_keys(
    out: list[Problem], path: str, fields: LineDict, allowed: tuple[str, ...]
) -> set[str]:
    """Report keys that are not fields; return the fields they were probably meant as."""
    meant = set()
    for key in fields:
        if key not in allowed:
            close = closest(key, allowed)
            hint = f"did you mean '{close}'?" if close else "allowed: " + ", ".join(allowed)
            out.append(Problem(path, fields.key_lines[key], key, "is not a known field", hint))
            meant.add(close)
    return meant


def string_list(out: list[Problem], path: str, fields: LineDict, key: str) -> tuple[str, ...]:
    return tuple(item for item, _ in located_list(out, path, fields, key))


def located_list(
    out: list[Problem], path: str, fields: LineDict, key: str
) -> list[tuple[str, int]]:
    """The text items of a list field with their lines; a problem for anything else."""
    value = fields.get(key)
    if value is None:
        if key in fields:
            line = line_of(fields, key)
            out.append(Problem(path, line, key, "is empty", "give a list or remove the line"))
        return []
    if not isinstance(value, LineList):
        line = line_of(fields, key)
        hint = f"write {key}: [{value}]" if isinstance(value, str) else f"write {key}: [a, b]"
        out.append(Problem(path, line, key, f"must be a list, not {describe_type(value)}", hint))
        return []
    if len(value) > MAX_LIST_ITEMS:
        line = line_of(fields, key)
        out.append(Problem(path, line, key, f"has {len(value)} items; at most {MAX_LIST_ITEMS}"))
        return []
    items: list[tuple[str, int]] = []
    for item, item_line in zip(value, value.item_lines, strict=True):
        if type(item) is str and (stripped := item.strip()):
            if plain(item) or characters(out, path, item_line, key, item):
                items.append((stripped, item_line))  # the common case first
        elif item is None or (isinstance(item, str) and not item.strip()):
            out.append(Problem(path, item_line, key, "has an empty item", "remove it"))
        elif not isinstance(item, str):
            message = f"item must be text, not {describe_type(item)}"
            out.append(Problem(path, item_line, key, message, "put it in quotes"))
        else:
            items.append((item.strip(), item_line))
    return items


def url_field(out: list[Problem], path: str, fields: LineDict, key: str) -> tuple[str, str] | None:
    """The URL as written and normalised, when it is one."""
    value = text_field(out, path, fields, key, required=True)
    if value is None:
        return None
    problem, hint, normalised = check_url(value)
    if normalised is None:
        out.append(Problem(path, line_of(fields, key), key, problem, hint))
        return None
    return value, normalised
