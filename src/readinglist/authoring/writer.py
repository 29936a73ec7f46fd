"""The entry-file writer every command that creates entries shares: front matter in the
order of ``model.FIELDS``, and a new file that never replaces one already there.
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Mapping, Sequence
from pathlib import Path

import yaml

from readinglist.catalog.model import FIELDS, PublicationDate
from readinglist.problems import Problem

FieldValue = str | datetime.date | PublicationDate | Sequence[str] | None
"""What a front-matter field holds before it is written: text, a day, a publication date
or a list of text."""


def format_entry(fields: Mapping[str, FieldValue], summary: str = "") -> str:
    """An entry file: front matter in the order of ``model.FIELDS``, then the summary.

    Empty values are left out; days are written as ``YYYY-MM-DD``; lists of
    text in brackets; text is quoted only where YAML would read it otherwise.
    """
    lines: list[str] = []
    for spec in FIELDS:
        value = fields.get(spec.name)
        if value is None or (not isinstance(value, datetime.date) and not value):
            continue
        if isinstance(value, PublicationDate):
            # Unquoted, as contributors write it: YAML reads 2019 as a number, which the
            # checker takes as a year.
            lines.append(f"{spec.name}: {value.isoformat()}\n")
        elif isinstance(value, str | datetime.date):
            # One key at a time in block style: a mapping of scalars alone would
            # otherwise come out as a single `{...}` line.
            lines.append(_dump_yaml({spec.name: value}, flow=False))
        else:
            lines.append(f"{spec.name}: {_dump_yaml(list(value), flow=True)}")
    dumped = "".join(lines)
    body = summary.strip()
    return f"---\n{dumped}---\n" + (f"{body}\n" if body else "")


def _dump_yaml(value: object, flow: bool) -> str:
    return yaml.safe_dump(value, allow_unicode=True, default_flow_style=flow, width=10_000)


def write_entry_file(path: str | os.PathLike[str], text: str) -> Problem | None:
    """Create ``path`` holding ``text``; an existing file is a problem and stays untouched."""
    target = Path(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("x", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
    except FileExistsError:
        return Problem(str(path), 1, "file", "already exists", "nothing was overwritten")
    except OSError as exc:
        return Problem(str(path), 1, "file", f"cannot be written: {exc.strerror or exc}")
    return None
