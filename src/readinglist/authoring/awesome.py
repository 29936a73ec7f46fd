"""An awesome-list in Markdown read into its links, each with the ``Date:``, ``Tags:``
and ``Company:`` lines under it as written, and what its dates and URLs make plain.

A list is written as one link per heading or bullet (``## [Title](url)``,
``- [Title](url)``, ``1. [Title](url)``). Only :func:`read_list` touches the disk.
"""

from __future__ import annotations

import datetime
import os
import re
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import urlsplit

from readinglist.catalog.model import Precision, PublicationDate
from readinglist.catalog.read import decode
from readinglist.problems import Problem

MAX_LIST_BYTES = 10_000_000
"""A list of links is text; anything larger is not one."""

_LINK_LINE_RE = re.compile(
    r"^\s{0,3}(?:#{1,6}\s+|[-*+]\s+|\d{1,9}[.)]\s+)"
    r"\[(?P<title>[^\]]*)\]"
    r"\(\s*(?P<url><[^>]*>|[^\s()]*(?:\([^\s()]*\)[^\s()]*)*)(?:\s+\"[^\"]*\")?\s*\)"
)
_META_LINE_RE = re.compile(
    r"^\s*(?:[-*+]\s+)?(?P<key>date|tags|company)\s*:\s*(?P<value>.*?)\s*(?:<br\s*/?>\s*)*$",
    re.IGNORECASE,
)
_DATE_FORMATS: tuple[tuple[str, Precision], ...] = (
    ("%Y-%m-%d", "day"),
    ("%b %d, %Y", "day"),
    ("%B %d, %Y", "day"),
    ("%d %b %Y", "day"),
    ("%d %B %Y", "day"),
    ("%Y-%m", "month"),
    ("%b %Y", "month"),
    ("%B %Y", "month"),
)
"""Forms lists and contributors write dates in, and how much each one says."""
_YEAR_RE = re.compile(r"\d{4}")
_PAPER_HOSTS = {"arxiv.org", "openreview.net", "proceedings.neurips.cc", "ieeexplore.ieee.org"}
_THREAD_HOSTS = {"twitter.com", "x.com", "mobile.twitter.com", "mobile.x.com"}
_VIDEO_HOSTS = {"youtube.com", "m.youtube.com", "youtu.be"}


@dataclass(frozen=True)
class ListItem:
    """One link of the list and the ``Key: value`` lines under it, as written."""

    title: str
    url: str
    line: int
    """The line of the link itself."""
    date: str = ""
    date_line: int = 0
    tags: tuple[tuple[str, int], ...] = ()
    """Each tag name with its line."""
    company: str = ""
    company_line: int = 0


def read_list(path: str | os.PathLike[str]) -> tuple[str | None, list[Problem]]:
    """The list's text with ``\\n`` line endings, or the problem that stops it being read."""
    display = str(path)
    try:
        if Path(path).stat().st_size > MAX_LIST_BYTES:
            return None, [Problem(display, 1, "file", f"is larger than {MAX_LIST_BYTES:,} bytes")]
        data = Path(path).read_bytes()
    except OSError as exc:
        return None, [Problem(display, 1, "file", f"cannot be read: {exc.strerror or exc}")]
    return decode(data, display)


def parse_list(text: str, source: str) -> tuple[list[ListItem], list[Problem]]:
    """Every link line and the ``Date:``/``Tags:``/``Company:`` lines that follow it."""
    items: list[ListItem] = []
    problems: list[Problem] = []
    for number, line in enumerate(text.split("\n"), start=1):
        link = _LINK_LINE_RE.match(line)
        if link:
            url = link["url"].strip().removeprefix("<").removesuffix(">").strip()
            items.append(ListItem(" ".join(link["title"].split()), url, number))
            continue
        meta = _META_LINE_RE.match(line)
        if not meta:
            continue
        key = meta["key"].lower()
        if not items:
            problems.append(
                Problem(source, number, key, "comes before any link; ignored", "", "warning")
            )
            continue
        item = items[-1]
        if (key == "date" and item.date_line) or (key == "company" and item.company_line):
            first = item.date_line if key == "date" else item.company_line
            problems.append(
                Problem(
                    source,
                    number,
                    key,
                    f"is given twice for one item; the one on line {first} is kept",
                    "",
                    "warning",
                )
            )
        elif key == "date":
            items[-1] = replace(item, date=meta["value"], date_line=number)
        elif key == "company":
            items[-1] = replace(item, company=meta["value"], company_line=number)
        else:
            names = tuple((n.strip(), number) for n in meta["value"].split(",") if n.strip())
            items[-1] = replace(item, tags=item.tags + names)
    return items, problems


def parse_date(text: str) -> PublicationDate | None:
    """``2023``, ``Mar 2023``, ``March 2023``, ``2023-03``, ``Mar 22, 2023``, ``22 Mar 2023``
    or ``2023-03-22``, to the precision written: a missing day or month is never filled in."""
    cleaned = " ".join(text.replace(",", ", ").split()).replace(" ,", ",")
    if _YEAR_RE.fullmatch(cleaned):
        return PublicationDate(int(cleaned))
    for pattern, precision in _DATE_FORMATS:
        try:
            parsed = datetime.datetime.strptime(cleaned, pattern)
        except ValueError:
            continue
        # strptime fills in the first day of the month; only what was written is kept.
        return PublicationDate(
            parsed.year, parsed.month, parsed.day if precision == "day" else None
        )
    return None


def guess_kind(url: str) -> str:
    """The kind a URL makes obvious (a tweet, a repository, a paper, a video); else article."""
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower().removeprefix("www.")
    except ValueError:
        return "article"
    segments = [s for s in parts.path.split("/") if s]
    if host in _THREAD_HOSTS and "status" in segments:
        return "thread"
    if host == "github.com" and len(segments) >= 2:
        return "repository"
    if host in _PAPER_HOSTS or parts.path.lower().endswith(".pdf"):
        return "paper"
    if host == "dl.acm.org" and segments[:1] == ["doi"]:
        return "paper"
    if host in _VIDEO_HOSTS:
        return "video"
    return "article"
