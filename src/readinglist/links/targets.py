"""Which links to check: each entry's URL with its line, or only the entries git says changed."""

from __future__ import annotations

import subprocess
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from readinglist.catalog.read import ENTRIES_DIR, RawContent
from readinglist.links.policy import checkable
from readinglist.problems import Problem


@dataclass(frozen=True)
class LinkTarget:
    """One entry's URL and where it is written."""

    url: str
    path: str
    line: int
    """The line of the entry's ``url:`` key."""


def link_targets(raw: RawContent, only: Iterable[str] | None = None) -> list[LinkTarget]:
    """Every entry's URL with the line of its ``url:`` key, by path.

    Read from the raw entries, so an entry with an unrelated error still gets its
    link checked. ``only`` limits it to entry file names (``x.md``).
    """
    names = None if only is None else set(only)
    targets = []
    for entry in raw.entries:
        if names is not None and Path(entry.path).name not in names:
            continue
        url = entry.fields.get("url")
        if isinstance(url, str) and checkable(url.strip()):
            line = entry.fields.key_lines.get("url", entry.fields.line)
            targets.append(LinkTarget(url.strip(), entry.path, line))
    return sorted(targets, key=lambda t: (t.path, t.line))


def changed_entry_names(content_dir: str, ref: str) -> tuple[frozenset[str], list[Problem]]:
    """Entry file names changed since ``ref`` (``git diff``), plus new untracked ones."""
    entries_dir = str(Path(content_dir) / ENTRIES_DIR)
    if ref.startswith("-"):
        return frozenset(), [Problem(entries_dir, 1, "--only-changed", f"'{ref}' is not a ref")]
    commands = (
        # -z: names as they are, never quoted or escaped.
        [
            "git",
            "-C",
            entries_dir,
            "diff",
            "-z",
            "--name-only",
            "--relative",
            "--diff-filter=d",
            ref,
        ],
        ["git", "-C", entries_dir, "ls-files", "-z", "--others", "--exclude-standard"],
    )
    names: set[str] = set()
    for command in commands:
        try:
            done = subprocess.run(
                [*command, "--", "."], capture_output=True, text=True, check=False
            )
        except OSError as exc:
            return frozenset(), [Problem(entries_dir, 1, "--only-changed", f"git: {exc}")]
        if done.returncode != 0:
            message = done.stderr.strip().splitlines()[0] if done.stderr.strip() else "failed"
            return frozenset(), [
                Problem(
                    entries_dir,
                    1,
                    "--only-changed",
                    f"git cannot compare with '{ref}': {message}",
                    "fetch the ref first, e.g. git fetch origin main",
                )
            ]
        names.update(n for n in done.stdout.split("\0") if n.endswith(".md") and "/" not in n)
    return frozenset(names), []
