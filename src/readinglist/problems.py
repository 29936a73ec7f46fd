"""Problems found in content, as values, and the ways they are printed.

Every stage returns problems instead of raising or printing; only the CLI turns
them into output and an exit code. Pure: reads and writes nothing.
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Literal

Severity = Literal["error", "warning"]

MAX_SHOWN = 500
"""Characters of one problem a terminal is shown; the rest are counted. A problem's own
words are far shorter: only text quoted from outside (a 2 MB title) comes near it."""


def _escape(code: int) -> str:
    if code <= 0xFF:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


# Text from outside (content, file names, pages) can put line breaks, terminal escape
# codes, right-to-left overrides or bytes no terminal can print (surrogates from a file
# name that is not UTF-8) into what a problem quotes; printed as written, they would
# break the one-line format or the terminal, so they are shown escaped: \n, \x1b, \u202e.
_SHOWN_ESCAPED = (
    *range(0x20),
    *range(0x7F, 0xA0),
    0x061C,
    0x200E,
    0x200F,
    *range(0x2028, 0x202F),
    *range(0x2066, 0x206A),
    *range(0xD800, 0xE000),
    *range(0xFDD0, 0xFDF0),
    *(plane + last for plane in range(0, 0x110000, 0x10000) for last in (0xFFFE, 0xFFFF)),
)
_ESCAPES = {code: _escape(code) for code in _SHOWN_ESCAPED} | {
    0x0A: "\\n",
    0x0D: "\\r",
    0x09: "\\t",
}


def _utf16(code: int) -> tuple[int, ...]:
    """The UTF-16 code units of a code point: what a JSON escape names."""
    if code <= 0xFFFF:
        return (code,)
    return 0xD800 + ((code - 0x10000) >> 10), 0xDC00 + ((code - 0x10000) & 0x3FF)


_JSON_ESCAPES = {
    code: "".join(f"\\u{unit:04x}" for unit in _utf16(code))
    for code in _SHOWN_ESCAPED
    if code >= 0x7F
}
"""The same characters as JSON escapes them, for those ``json.dumps`` leaves as they are."""


_GITHUB_ESCAPES = {code: text for code, text in _ESCAPES.items() if code not in (0x0A, 0x0D)}
"""For annotations, which escape line breaks their own way and show them."""


def shown(text: str, limit: int = MAX_SHOWN, escapes: Mapping[int, str] = _ESCAPES) -> str:
    """Text from outside as a terminal may be shown it: on one line, every control
    character escaped, and cut after ``limit`` characters."""
    if len(text) <= limit:
        return text.translate(escapes)
    return f"{text[:limit].translate(escapes)}... ({len(text) - limit:,} more characters)"


_MARKDOWN_ESCAPES = {ord(c): "\\" + c for c in "\\`*_[]|#"}
"""Characters Markdown reads as syntax, each escaped with a backslash."""


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with one place in the content."""

    path: str
    """The file, as the user named it (``content/entries/x.md``)."""
    line: int
    """1-based line of the offending key or value; 1 when the whole file is at fault."""
    field: str
    """The front-matter key, or a pseudo-field such as ``front matter`` or ``file``."""
    message: str
    """What is wrong, in words a first-time contributor understands."""
    hint: str = ""
    """How to fix it, when there is something useful to say."""
    severity: Severity = "error"
    """Errors always fail a check; warnings fail only with ``--strict``."""

    def format(self) -> str:
        """``path:line: field: message (hint)``; warnings say so after the location."""
        where = f"{self.path}:{self.line}: "
        if self.severity == "warning":
            where += "warning: "
        text = f"{where}{self.field}: {self.message}"
        text = f"{text} ({self.hint})" if self.hint else text
        return shown(text)


def sort_problems(problems: Iterable[Problem]) -> list[Problem]:
    """By file, then line; duplicates (the same words at the same place) once."""
    return sorted(set(problems))


def count(problems: Sequence[Problem], severity: Severity) -> int:
    return sum(1 for p in problems if p.severity == severity)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def summary_line(problems: Sequence[Problem], files: int) -> str:
    """The one line printed after the problems: what was checked and what was found."""
    errors, warnings = count(problems, "error"), count(problems, "warning")
    checked = f"checked {_plural(files, 'file')}"
    if not errors and not warnings:
        return f"{checked}: no problems"
    return f"{checked}: {_plural(errors, 'error')}, {_plural(warnings, 'warning')}"


def format_text(problems: Sequence[Problem], files: int) -> str:
    lines = [p.format() for p in problems]
    lines.append(summary_line(problems, files))
    return "\n".join(lines) + "\n"


def _escape_github_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_github_property(text: str) -> str:
    return _escape_github_data(text).replace(":", "%3A").replace(",", "%2C")


def format_github(problems: Sequence[Problem], files: int) -> str:
    """Workflow commands that GitHub shows as annotations on the pull request's lines."""
    lines = []
    for p in problems:
        message = f"{p.field}: {p.message}" + (f" ({p.hint})" if p.hint else "")
        message = shown(message, escapes=_GITHUB_ESCAPES)
        lines.append(
            f"::{p.severity} file={_escape_github_property(shown(p.path))},line={p.line},"
            f"title={_escape_github_property(shown(p.field))}::{_escape_github_data(message)}"
        )
    lines.append(summary_line(problems, files))
    return "\n".join(lines) + "\n"


def markdown_text(text: str) -> str:
    """Text shown as itself in Markdown, on one line: no HTML, no emphasis, no links.

    Entities rather than backslashes for ``<>&``: every Markdown dialect reads them as text.
    """
    # One pass over the text, rather than a regular expression's substitution: a
    # list of 10,000 entries escapes 30,000 texts.
    return html.escape(" ".join(text.split()), quote=False).translate(_MARKDOWN_ESCAPES)


def format_markdown(problems: Sequence[Problem], files: int) -> str:
    """A report for people, such as a CI job summary: each problem in plain words."""
    lines = [f"### Catalog check: {summary_line(problems, files)}", ""]
    if not problems:
        lines.append("Every entry is valid.")
    for p in problems:
        kind = "Warning" if p.severity == "warning" else "Error"
        hint = f" ({markdown_text(shown(p.hint))})" if p.hint else ""
        lines.append(
            f"- **{kind}** in {markdown_text(shown(p.path))}, line {p.line}, field"
            f" {markdown_text(shown(p.field))}: {markdown_text(shown(p.message))}{hint}"
        )
    return "\n".join(lines) + "\n"


def format_json(problems: Sequence[Problem], files: int) -> str:
    document = {
        "files": files,
        "errors": count(problems, "error"),
        "warnings": count(problems, "warning"),
        "problems": [asdict(p) for p in problems],
    }
    # Exactly the data, but with nothing a terminal acts on: json.dumps escapes C0
    # characters itself, and these the same way.
    return json.dumps(document, indent=2, ensure_ascii=False).translate(_JSON_ESCAPES) + "\n"
