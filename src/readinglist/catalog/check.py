"""Raw content to a typed :class:`Catalog`, plus every problem found on the way.

Pure: reads no files and keeps going after each problem, so a contributor sees
all of them in one run. An entry with an error is left out of the catalog;
warnings (likely duplicates, single-use tags, missing summaries) do not stop it.
"""

from __future__ import annotations

import calendar
import copy
import dataclasses
import datetime
import difflib
import os
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping, MutableMapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import SplitResult, parse_qsl, urlencode, urlsplit, urlunsplit

from readinglist.build.workers import Forked
from readinglist.catalog.model import (
    FIELD_NAMES,
    KINDS,
    MAX_TAGS,
    Catalog,
    Company,
    Entry,
    Tag,
)
from readinglist.catalog.read import (
    COMPANIES_FILE,
    ENTRIES_DIR,
    TAGS_FILE,
    LineDict,
    LineList,
    RawContent,
    RawEntry,
    collector_paused,
    load_content,
)
from readinglist.problems import Problem, Severity, sort_problems

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_SLUG_LENGTH = 80
MAX_TITLE_LENGTH = 300
MAX_URL_LENGTH = 2000
MAX_LIST_ITEMS = 50
EARLIEST_YEAR = 1800
NEAR_DUPLICATE_NAME = 0.9
"""Tag or company names at least this similar (difflib ratio) are probably one thing."""
NEAR_DUPLICATE_TITLE = 0.92
"""Titles at least this similar are probably the same work."""
SHORT_KEY = 24
"""Names up to this long are also compared when they differ by one character."""
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_HOST_RE = re.compile(
    r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,62}$"
)
_PLACEHOLDER_TEXT = {"todo", "tbd", "fixme", "xxx", "title", "untitled", "lorem ipsum", "..."}
# Upper case only: "Todo lists in production" is a title, "TODO: title" is not.
_PLACEHOLDER_MARKER_RE = re.compile(r"(?:TODO|TBD|FIXME|XXX)\b")
_PLACEHOLDER_HOSTS = {"example.com", "example.org", "example.net", "localhost"}
# https://host/path#fragment with a lower-case host: no user, port or query.
_SIMPLE_URL_RE = re.compile(r"https?://([a-z0-9.-]+)(/[^?#\s]*)?(?:#\S*)?")
_SPACE_RE = re.compile(r"\s")
_TRACKING_PARAMS = {"fbclid", "gclid", "mc_cid", "mc_eid", "ref", "ref_src", "source", "si"}
_WORD_RE = re.compile(r"[^\W_]+")
_TITLE_STOPWORDS = {"a", "an", "the", "of", "and", "for", "to", "in", "on", "at", "with"}
_TWITTER_HOSTS = {"x.com", "mobile.twitter.com", "mobile.x.com"}
# New (2101.00001) and old (cs/0112017) identifiers, with an optional version and .pdf.
_ARXIV_RE = re.compile(r"^/(?:abs|pdf|html)/(?P<id>.+?)(?:v\d+)?(?:\.pdf)?$")


@dataclass(frozen=True)
class Vocabularies:
    """The vocabularies as checking an entry file needs them; plain data, which a
    build keeps for the next one while ``tags.yml`` and ``companies.yml`` are unchanged."""

    tags: dict[str, Tag]
    companies: dict[str, Company]
    tag_lookup: dict[str, str]
    """The id each name, alias and id stands for, by :func:`lookup_key`."""
    company_lookup: dict[str, str]
    tags_read: bool
    """Whether ``tags.yml`` could be read: entries' tags are checked only then."""
    companies_read: bool


@dataclass(frozen=True)
class Validated:
    """The catalog of every entry without errors, and all problems, sorted."""

    catalog: Catalog
    problems: tuple[Problem, ...]
    title_lines: Mapping[str, int] = dataclasses.field(default_factory=dict)
    """The line of each catalog entry's title, by path: for :func:`near_duplicate_titles`
    when the caller looks for them itself."""
    url_keys: Mapping[str, str] = dataclasses.field(default_factory=dict)
    """Each catalog entry's URL normalised, by path: two entries with the same one are
    the same resource."""
    vocabularies: Vocabularies | None = None
    """What the entries were checked against."""

    @property
    def ok(self) -> bool:
        return not any(p.severity == "error" for p in self.problems)


@dataclass(frozen=True)
class EntryChecks:
    """Some entry files checked one by one, before the checks across entries.

    Plain data: a forked process checks a share of the files and sends this back.
    """

    entries: tuple[Entry, ...]
    """The entries without errors, in file order."""
    problems: tuple[Problem, ...]
    """What reading and checking these files found; nothing about the vocabularies."""
    url_keys: dict[str, str]
    """Each valid URL normalised, by file."""
    tag_users: dict[str, list[str]]
    """The files that use each tag, in file order."""
    lines: dict[str, tuple[int, int]]
    """The lines of each entry's title and URL, by path, for problems found later."""
    files: int = 0
    """How many entry files these are, valid or not."""


PARALLEL_ENTRY_FILES = 2000
"""Fewer entry files than this are read and checked in one process: forking costs more."""


# Helpers shared with the importer and ``readinglist new``.


def slugify(text: str, max_length: int = MAX_SLUG_LENGTH) -> str:
    """``Rules of ML: a Guide!`` to ``rules-of-ml-a-guide``; ASCII, hyphens, no edge hyphens."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if len(slug) > max_length:
        slug = slug[:max_length].rsplit("-", 1)[0]
    return slug


def lookup_key(text: str) -> str:
    """How names are compared: case, spaces, hyphens and underscores do not matter."""
    return re.sub(r"[\s_\-]+", " ", text.strip().lower())


def name_lookup(named: Mapping[str, Tag] | Mapping[str, Company]) -> dict[str, str]:
    """The lookup key of every id, display name and alias, to its id."""
    table: dict[str, str] = {}
    for item in named.values():
        for name in (item.id, item.name, *item.aliases):
            table.setdefault(lookup_key(name), item.id)
    return table


def normalise_url(url: str) -> str:
    """The form two URLs share when they name the same resource.

    Scheme, host case, ``www.``, default ports, a trailing slash, the fragment
    and tracking parameters (``utm_*``, ``fbclid``...) do not matter; arXiv
    ``abs``/``pdf``/version forms name one paper; twitter.com and x.com are one site.
    """
    try:
        return _normalise_parts(urlsplit(url.strip()))
    except ValueError:
        return url.strip().lower()


def _normalise_parts(parts: SplitResult) -> str:
    """``normalise_url`` of a URL already split; raises ValueError for a malformed port."""
    host = (parts.hostname or "").removeprefix("www.")
    port = parts.port
    if host in _TWITTER_HOSTS:
        host = "twitter.com"
    if port and port not in (80, 443):
        host = f"{host}:{port}"
    path = parts.path.rstrip("/")
    if (host == "arxiv.org" or host.endswith(".arxiv.org")) and (match := _ARXIV_RE.match(path)):
        host, path = "arxiv.org", f"/abs/{match['id']}"
    query = ""
    # A tweet is its path; its query (?s=20, ?t=...) only says how it was shared.
    if parts.query and host != "twitter.com":
        query = urlencode(
            sorted(
                (k, v)
                for k, v in parse_qsl(parts.query, keep_blank_values=True)
                if not k.lower().startswith("utm_") and k.lower() not in _TRACKING_PARAMS
            )
        )
    return urlunsplit(("https", host, path, query, ""))


def normalise_title(title: str) -> str:
    """Lowercase words without accents, punctuation or little words, for comparing titles."""
    text = title
    if not text.isascii():
        text = "".join(
            c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)
        )
    words = _WORD_RE.findall(text.casefold())
    return " ".join(w for w in words if w not in _TITLE_STOPWORDS)


def _numbers(text: str) -> list[str]:
    return [word for word in text.split() if word.isdigit()]


def _blocking_keys(text: str) -> dict[str | tuple[str, ...], tuple[str, int] | None]:
    """Keys two texts share when they differ in at most one word, or (short) one character.

    Each word key maps to the word left out to make it and its place ("" and
    -1 for none), the character keys to None; the left-out words bound the
    similarity without difflib.
    """
    words = text.split()
    if not words:
        return {}
    compact = "".join(words)
    keys: dict[str | tuple[str, ...], tuple[str, int] | None] = {compact: None}
    if len(compact) <= SHORT_KEY:
        keys.update(dict.fromkeys(compact[:i] + compact[i + 1 :] for i in range(len(compact))))
    if len(words) > 1:
        # Word keys are tuples, so they never meet the character keys, which are text.
        whole = tuple(words)
        keys[whole] = ("", -1)
        for i in range(len(whole)):
            keys.setdefault(whole[:i] + whole[i + 1 :], (whole[i], i))
    return keys


def _shared_letters(a: str, b: str) -> int:
    """How many letters two words have in common, as multisets."""
    return sum(min(a.count(c), b.count(c)) for c in set(a))


def _common_subsequence(a: str, b: str) -> int:
    """The length of the longest common subsequence of two (short) words."""
    row = [0] * (len(b) + 1)
    for char in a:
        diagonal = 0
        for j, other in enumerate(b, 1):
            above = row[j]
            if char == other:
                row[j] = diagonal + 1
            elif row[j - 1] > above:
                row[j] = row[j - 1]
            diagonal = above
    return row[-1]


def similar_pairs(
    texts: Sequence[str], threshold: float, apart: Callable[[str, str], bool] | None = None
) -> list[tuple[int, int]]:
    """Index pairs (earlier, later) of texts whose difflib ratio is at least ``threshold``.

    ``apart(a, b)``, when given, names pairs that are never similar however
    alike they are; it is asked before difflib, which costs more.

    Texts are compared with runs of spaces made one. Comparing every pair is
    quadratic, too slow for a large catalog. Only candidates are compared: texts
    equal but for spaces, for one word (added, removed or changed) or, when
    short, for one character; that is how near duplicates come about (a typo, a
    plural, ``Part 1``, ``MLOps`` against ``ML Ops``). Each pair is reported once,
    in index order.
    """
    texts = [" ".join(text.split()) for text in texts]
    # difflib's ratio depends on which text comes first, so texts are compared
    # in sorted order: the answer never depends on how the files are named.
    order = sorted(range(len(texts)), key=texts.__getitem__)
    # Nearly every key belongs to one text only: the first member of each key is
    # kept on its own, and a bucket made only for keys that a second text shares.
    first_members: dict[str | tuple[str, ...], tuple[int, tuple[str, int] | None]] = {}
    buckets: dict[str | tuple[str, ...], list[tuple[int, tuple[str, int] | None]]] = {}
    for position, index in enumerate(order):
        for key, left_out in _blocking_keys(texts[index]).items():
            member = (position, left_out)
            earliest = first_members.setdefault(key, member)
            if earliest is not member:
                bucket = buckets.get(key)
                if bucket is None:
                    buckets[key] = [earliest, member]
                else:
                    bucket.append(member)
    ordered = [texts[index] for index in order]
    earlier: dict[int, set[int]] = {}
    letters: dict[tuple[str, str], int] = {}
    subsequences: dict[tuple[str, str], int] = {}
    for members in buckets.values():
        for place in range(1, len(members)):
            second, second_out = members[place]
            b_length = len(ordered[second])
            for first, first_out in members[:place]:
                if first_out and second_out and first_out[0] and second_out[0]:
                    # One word changed: ``needed`` is how many of its letters
                    # difflib would have to match to reach the threshold.
                    a_length = len(ordered[first])
                    unchanged = a_length - len(first_out[0])
                    needed = threshold * (a_length + b_length) / 2 - unchanged
                    if needed > min(len(first_out[0]), len(second_out[0])):
                        continue
                    if needed > 0:
                        # Two texts equal but for one word share every other letter.
                        # The letters the two words share bound what difflib can
                        # match; when the word is in the same place, so does their
                        # longest common subsequence (equal prefixes and suffixes
                        # always belong to one), which is tighter and dearer.
                        words = (first_out[0], second_out[0])
                        shared = letters.get(words)
                        if shared is None:
                            shared = letters[words] = _shared_letters(*words)
                        if shared < needed:
                            continue
                        if first_out[1] == second_out[1]:
                            common = subsequences.get(words)
                            if common is None:
                                common = subsequences[words] = _common_subsequence(*words)
                            if common < needed:
                                continue
                earlier.setdefault(second, set()).add(first)
    pairs = []
    # One matcher per later text: difflib indexes its second sequence once.
    matcher = difflib.SequenceMatcher(None, autojunk=False)
    for second in sorted(earlier):
        b = ordered[second]
        indexed = False
        for first in sorted(earlier[second]):
            a = ordered[first]
            if apart is not None and apart(a, b):
                continue
            if a != b:
                # The length bound is difflib's real_quick_ratio, without its call.
                if 2 * min(len(a), len(b)) < threshold * (len(a) + len(b)):
                    continue
                if not indexed:
                    matcher.set_seq2(b)
                    indexed = True
                matcher.set_seq1(a)
                if matcher.quick_ratio() < threshold or matcher.ratio() < threshold:
                    continue
            pairs.append((min(order[first], order[second]), max(order[first], order[second])))
    return sorted(pairs)


def similar_titles(titles: Sequence[str]) -> list[tuple[int, int]]:
    """Index pairs (earlier, later) of titles that probably name the same work.

    Titles are compared without case, accents, punctuation or little words;
    titles that differ in a number (Part 1 and Part 2, the 2022 and 2023
    editions) are different works however alike the rest is.
    """
    normalised = [normalise_title(title) for title in titles]
    return similar_pairs(normalised, NEAR_DUPLICATE_TITLE, _numbers_differ)


def near_duplicate_titles(
    entries: Iterable[Entry],
    title_lines: Mapping[str, int],
    similar: Callable[[Sequence[str]], list[tuple[int, int]]] = similar_titles,
) -> list[Problem]:
    """A warning on each entry whose title is very like that of an entry before it (by path)."""
    ordered = sorted(entries, key=lambda e: e.path)
    return [
        Problem(
            ordered[second].path,
            title_lines[ordered[second].path],
            "title",
            f"is very like the title of {ordered[first].path}",
            "if it is the same work, keep one entry",
            "warning",
        )
        for first, second in similar([entry.title for entry in ordered])
    ]


def _numbers_differ(first: str, second: str) -> bool:
    return _numbers(first) != _numbers(second)


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """``did you mean 'x'?`` for the closest choice, or ``""`` when none is close."""
    close = _closest(word, choices)
    return f"did you mean '{close}'?" if close else ""


def _closest(word: str, choices: Iterable[str]) -> str:
    lowered = {c.lower(): c for c in choices}
    close = difflib.get_close_matches(word.lower(), list(lowered), n=1, cutoff=0.6)
    return lowered[close[0]] if close else ""


def _describe_type(value: Any) -> str:
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


def _is_placeholder(text: str) -> bool:
    """Text left from a template: ``TODO``, ``TBD: title``, ``Lorem ipsum...``."""
    lowered = text.lower()
    return (
        lowered in _PLACEHOLDER_TEXT
        or lowered.startswith("lorem ipsum")
        or _PLACEHOLDER_MARKER_RE.match(text) is not None
    )


def _line_of(fields: LineDict, key: str) -> int:
    return fields.key_lines.get(key, fields.line)


class _Checker:
    """Collects problems for one content folder; no state outlives ``validate``."""

    def __init__(self, raw: RawContent, today: datetime.date) -> None:
        self.raw = raw
        self.today = today
        self.problems: list[Problem] = list(raw.problems)
        self.tag_lookup: dict[str, str] = {}
        self.tag_lines: dict[str, int] = {}
        self.company_lookup: dict[str, str] = {}
        self.url_keys: dict[str, str] = {}
        """Each valid URL normalised, by file, for finding one resource listed twice."""
        self.tag_users: dict[str, list[str]] = {}
        """The files that use each tag, those with other errors too: an error elsewhere in
        an entry should not make its tags look rare."""
        self.lookup_keys: dict[str, str] = {}
        """lookup_key of each tag and company name met; a few names recur in every entry."""
        self.lines: dict[str, tuple[int, int]] = {}
        """The lines of each valid entry's title and URL, by path."""
        self.similar_titles: Callable[[Sequence[str]], list[tuple[int, int]]] | None = (
            similar_titles
        )
        """Finds near-duplicate titles; None leaves them to the caller."""
        self.similar_names = True
        """Whether to look for near-duplicate names in the vocabularies."""
        self.tag_vocabulary: dict[str, Tag] = {}
        self.company_vocabulary: dict[str, Company] = {}
        self.tags_read = isinstance(raw.tags, LineDict)
        self.companies_read = not self.unreadable(raw.companies_path)

    @classmethod
    def knowing(cls, raw: RawContent, today: datetime.date, known: Vocabularies) -> _Checker:
        """A checker of ``raw``'s entry files against vocabularies checked before."""
        checker = cls(raw, today)
        checker.tag_vocabulary, checker.company_vocabulary = known.tags, known.companies
        checker.tag_lookup, checker.company_lookup = known.tag_lookup, known.company_lookup
        checker.tags_read, checker.companies_read = known.tags_read, known.companies_read
        return checker

    def vocabularies(self) -> Vocabularies:
        """What this checker checks entries against, once it has read the vocabularies."""
        return Vocabularies(
            self.tag_vocabulary,
            self.company_vocabulary,
            self.tag_lookup,
            self.company_lookup,
            self.tags_read,
            self.companies_read,
        )

    def lookup_key(self, name: str) -> str:
        key = self.lookup_keys.get(name)
        if key is None:
            key = self.lookup_keys[name] = lookup_key(name)
        return key

    def add(
        self,
        path: str,
        line: int,
        field: str,
        message: str,
        hint: str = "",
        severity: Severity = "error",
    ) -> None:
        self.problems.append(Problem(path, line, field, message, hint, severity))

    # Vocabularies.

    def vocabulary(
        self, data: Any, path: str, kind: str
    ) -> tuple[dict[str, LineDict], dict[str, str]]:
        """Read ``tags.yml`` or ``companies.yml`` into (id -> fields, lookup key -> id)."""
        items: dict[str, LineDict] = {}
        lookup: dict[str, str] = {}
        if data is None:
            return items, lookup
        if not isinstance(data, LineDict):
            self.add(path, 1, kind, "must map each id to its fields", "see CONTRIBUTING.md")
            return items, lookup
        for ident, fields in data.items():
            line = data.key_lines[ident]
            if not SLUG_RE.match(ident):
                self.add(path, line, ident, f"{kind} id is not a slug", f"use '{slugify(ident)}'")
                continue
            if not isinstance(fields, LineDict):
                self.add(path, line, ident, "must have name and description fields")
                continue
            items[ident] = fields
            names = [ident]
            if isinstance(fields.get("name"), str):
                names.append(fields["name"])
            aliases = fields.get("aliases", [])
            if isinstance(aliases, list):
                names += [a for a in aliases if isinstance(a, str)]
            for name in names:
                key = lookup_key(name)
                other = lookup.get(key)
                if other is not None and other != ident:
                    self.add(
                        path,
                        line,
                        ident,
                        f"'{name}' also names {kind} '{other}'",
                        "each name or alias may belong to one id only",
                    )
                lookup.setdefault(key, ident)
        return items, lookup

    def text_field(self, path: str, fields: LineDict, key: str, required: bool) -> str | None:
        value = fields.get(key)
        if type(value) is str and (stripped := value.strip()):
            return stripped  # the common case, without looking up a line no problem needs
        line = _line_of(fields, key)
        if value is None:
            if key in fields:
                self.add(path, line, key, "is empty", "give a value or remove the line")
            elif required:
                self.add(path, line, key, "is required", f"add `{key}: ...`")
            return None
        if not isinstance(value, str):
            self.add(
                path, line, key, f"must be text, not {_describe_type(value)}", "put it in quotes"
            )
            return None
        if not value.strip():
            self.add(path, line, key, "is empty", "give a value or remove the line")
            return None
        return value.strip()

    def unreadable(self, path: str) -> bool:
        """Whether loading already reported ``path`` as a file that could not be read."""
        return any(p.path == path for p in self.raw.problems)

    def tags_vocabulary(self) -> dict[str, Tag]:
        path = self.raw.tags_path
        if self.raw.tags is None and not self.unreadable(path):
            self.add(path, 1, "file", "is empty", "list each tag with a name and a description")
        items, self.tag_lookup = self.vocabulary(self.raw.tags, path, "tag")
        self.tag_lines = {ident: self.raw.tags.key_lines[ident] for ident in items}
        tags: dict[str, Tag] = {}
        for ident, fields in items.items():
            before = len(self.problems)
            self.unknown_keys(path, fields, ("name", "description", "aliases"))
            name = self.text_field(path, fields, "name", required=True)
            description = self.text_field(path, fields, "description", required=True)
            aliases = self.string_list(path, fields, "aliases")
            self.qualify(before, ident, self.tag_lines[ident])
            if name and description:
                tags[ident] = Tag(ident, name, description, aliases)
        self.near_duplicates(path, {i: t.name for i, t in tags.items()}, self.tag_lines, "tag")
        self.tag_vocabulary = tags
        return tags

    def companies_vocabulary(self) -> dict[str, Company]:
        path = self.raw.companies_path
        items, self.company_lookup = self.vocabulary(self.raw.companies, path, "company")
        lines = self.raw.companies.key_lines if isinstance(self.raw.companies, LineDict) else {}
        companies: dict[str, Company] = {}
        for ident, fields in items.items():
            before = len(self.problems)
            self.unknown_keys(path, fields, ("name", "homepage", "aliases"))
            name = self.text_field(path, fields, "name", required=True)
            homepage = ""
            if "homepage" in fields:
                found = self.url(path, fields, "homepage")
                homepage = found[0] if found else ""
            aliases = self.string_list(path, fields, "aliases")
            self.qualify(before, ident, lines[ident])
            if name:
                companies[ident] = Company(ident, name, homepage, aliases)
        self.near_duplicates(path, {i: c.name for i, c in companies.items()}, lines, "company")
        self.company_vocabulary = companies
        return companies

    def qualify(self, before: int, ident: str, line: int) -> None:
        """Name the tag or company in the problems found since ``before``.

        The field checks are shared with entries, where ``description: is required``
        is enough; in a vocabulary it must say whose description, and point at the id.
        """
        for index in range(before, len(self.problems)):
            problem = self.problems[index]
            self.problems[index] = dataclasses.replace(
                problem,
                field=f"{ident}.{problem.field}",
                line=line if problem.message == "is required" else problem.line,
            )

    def near_duplicates(
        self, path: str, names: Mapping[str, str], lines: Mapping[str, int], kind: str
    ) -> None:
        if not self.similar_names:
            return
        # In file order, so the warning lands on the later one, usually the newcomer.
        idents = sorted(names, key=lambda ident: (lines.get(ident, 0), ident))
        keys = [lookup_key(names[ident]) for ident in idents]
        for first, second in similar_pairs(keys, NEAR_DUPLICATE_NAME):
            self.add(
                path,
                lines.get(idents[second], 1),
                idents[second],
                f"is very close to {kind} '{idents[first]}'",
                f"merge them and keep the other spelling as an alias of '{idents[first]}'",
                "warning",
            )

    # Entry fields.

    def unknown_keys(self, path: str, fields: LineDict, allowed: tuple[str, ...]) -> set[str]:
        """Report keys that are not fields; return the fields they were probably meant as."""
        meant = set()
        for key in fields:
            if key not in allowed:
                close = _closest(key, allowed)
                hint = f"did you mean '{close}'?" if close else "allowed: " + ", ".join(allowed)
                self.add(path, fields.key_lines[key], key, "is not a known field", hint)
                meant.add(close)
        return meant

    def string_list(self, path: str, fields: LineDict, key: str) -> tuple[str, ...]:
        return tuple(item for item, _ in self.located_list(path, fields, key))

    def located_list(self, path: str, fields: LineDict, key: str) -> list[tuple[str, int]]:
        """The text items of a list field with their lines; a problem for anything else."""
        value = fields.get(key)
        if value is None:
            if key in fields:
                self.add(
                    path, _line_of(fields, key), key, "is empty", "give a list or remove the line"
                )
            return []
        if not isinstance(value, LineList):
            line = _line_of(fields, key)
            hint = f"write {key}: [{value}]" if isinstance(value, str) else f"write {key}: [a, b]"
            self.add(path, line, key, f"must be a list, not {_describe_type(value)}", hint)
            return []
        if len(value) > MAX_LIST_ITEMS:
            line = _line_of(fields, key)
            self.add(path, line, key, f"has {len(value)} items; at most {MAX_LIST_ITEMS}")
            return []
        items: list[tuple[str, int]] = []
        for item, item_line in zip(value, value.item_lines, strict=True):
            if type(item) is str and (stripped := item.strip()):
                items.append((stripped, item_line))  # the common case first
            elif item is None:
                self.add(path, item_line, key, "has an empty item", "remove it")
            elif not isinstance(item, str):
                self.add(
                    path,
                    item_line,
                    key,
                    f"item must be text, not {_describe_type(item)}",
                    "put it in quotes",
                )
            elif not item.strip():
                self.add(path, item_line, key, "has an empty item", "remove it")
            else:
                items.append((item.strip(), item_line))
        return items

    def url(self, path: str, fields: LineDict, key: str) -> tuple[str, str] | None:
        """The URL as written and normalised, when it is one."""
        value = self.text_field(path, fields, key, required=True)
        if value is None:
            return None
        problem, hint, normalised = _check_url(value)
        if normalised is None:
            self.add(path, _line_of(fields, key), key, problem, hint)
            return None
        return value, normalised

    def date(self, path: str, fields: LineDict, key: str, required: bool) -> datetime.date | None:
        value = fields.get(key)
        if type(value) is str and _DATE_RE.match(value):
            # The common case: a date already in YYYY-MM-DD form, within range.
            try:
                parsed = datetime.date.fromisoformat(value)
            except ValueError:
                pass  # the general path below says why
            else:
                if parsed <= self.today and parsed.year >= EARLIEST_YEAR:
                    return parsed
        line = _line_of(fields, key)
        if value is None:
            if key in fields:
                self.add(path, line, key, "is empty", "use YYYY-MM-DD")
            elif required:
                self.add(path, line, key, "is required", f"add `{key}: YYYY-MM-DD`")
            return None
        if not isinstance(value, str):
            self.add(
                path, line, key, f"must be a date, not {_describe_type(value)}", "use YYYY-MM-DD"
            )
            return None
        text = value.strip()
        if not _DATE_RE.match(text):
            self.add(
                path, line, key, f"'{text}' is not a date in YYYY-MM-DD form", _date_hint(text)
            )
            return None
        try:
            parsed = datetime.date.fromisoformat(text)
        except ValueError:
            self.add(path, line, key, f"'{text}' is not a calendar date", _calendar_hint(text))
            return None
        if parsed > self.today:
            self.add(
                path,
                line,
                key,
                f"'{text}' is in the future",
                "use the day it was published" if key == "date" else "use today's date",
            )
            return None
        if parsed.year < EARLIEST_YEAR:
            self.add(path, line, key, f"'{text}' is before {EARLIEST_YEAR}", "check the year")
            return None
        return parsed

    def tags(self, path: str, fields: LineDict) -> tuple[str, ...]:
        if "tags" not in fields:
            self.add(path, fields.line, "tags", "is required", "add `tags: [mlops]`")
            return ()
        items = self.located_list(path, fields, "tags")
        value = fields["tags"]
        if isinstance(value, LineList) and not value:
            line = _line_of(fields, "tags")
            self.add(path, line, "tags", "is empty", "name at least one tag from content/tags.yml")
            return ()
        if len(items) > MAX_TAGS:
            self.add(
                path,
                _line_of(fields, "tags"),
                "tags",
                f"has {len(items)} tags; at most {MAX_TAGS}",
                "keep the most specific ones",
            )
        if not self.tags_read:
            return ()  # tags.yml could not be read: that is the one problem to report
        resolved: list[str] = []
        for name, item_line in items:
            ident = self.tag_lookup.get(self.lookup_key(name))
            if ident is None:
                hint = did_you_mean(name, self.tag_lookup_names()) or (
                    "pick a tag from content/tags.yml, or add a new one there with a description"
                )
                self.add(path, item_line, "tags", f"'{name}' is not in the tag vocabulary", hint)
            elif ident in resolved:
                self.add(path, item_line, "tags", f"'{name}' repeats tag '{ident}'", "remove it")
            else:
                resolved.append(ident)
                self.tag_users.setdefault(ident, []).append(path)
        return tuple(resolved)

    def tag_lookup_names(self) -> list[str]:
        return sorted(set(self.tag_lookup.values()))

    def company(self, path: str, fields: LineDict) -> str | None:
        name = self.text_field(path, fields, "company", required=False)
        if name is None or not self.companies_read:
            return None  # companies.yml could not be read: that is the one problem to report
        ident = self.company_lookup.get(self.lookup_key(name))
        if ident is None:
            hint = did_you_mean(name, sorted(set(self.company_lookup.values()))) or (
                "add it to content/companies.yml"
            )
            self.add(
                path,
                _line_of(fields, "company"),
                "company",
                f"'{name}' is not in {self.raw.companies_path}",
                hint,
            )
        return ident

    def kind(self, path: str, fields: LineDict) -> str | None:
        if "kind" not in fields:
            return KINDS[0]
        value = self.text_field(path, fields, "kind", required=False)
        if value is None:
            return None
        if value.lower() not in KINDS:
            hint = did_you_mean(value, KINDS) or "one of " + ", ".join(KINDS)
            self.add(path, _line_of(fields, "kind"), "kind", f"'{value}' is not a kind", hint)
            return None
        return value.lower()

    def authors(self, path: str, fields: LineDict) -> tuple[str, ...]:
        names = []
        for name, line in self.located_list(path, fields, "authors"):
            if _is_placeholder(name):
                hint = "name the authors, or remove the line"
                self.add(path, line, "authors", f"'{name}' is a placeholder", hint)
            else:
                names.append(name)
        return tuple(names)

    def title(self, path: str, fields: LineDict) -> str | None:
        title = self.text_field(path, fields, "title", required=True)
        if title is None:
            return None
        if "\n" in title:
            problem, hint = "must be one line", "join the lines"
        elif len(title) > MAX_TITLE_LENGTH:
            problem, hint = f"is {len(title)} characters; at most {MAX_TITLE_LENGTH}", ""
        elif _is_placeholder(title):
            problem, hint = f"'{title}' is a placeholder", "use the resource's own title"
        else:
            return title  # the common case, without looking up a line no problem needs
        self.add(path, _line_of(fields, "title"), "title", problem, hint)
        return None

    def entry(self, raw: RawEntry) -> Entry | None:
        path, fields = raw.path, raw.fields
        before = len(self.problems)
        if not SLUG_RE.match(raw.slug) or len(raw.slug) > MAX_SLUG_LENGTH:
            suggestion = slugify(raw.slug) or "a-short-title"
            self.add(
                path,
                1,
                "file",
                f"name '{raw.slug}.md' is not a slug",
                f"rename it to {suggestion}.md: lowercase letters, digits and hyphens",
            )
        meant = self.unknown_keys(path, fields, FIELD_NAMES)
        title = self.title(path, fields)
        found = self.url(path, fields, "url")
        url = None
        if found is not None:
            url, self.url_keys[path] = found
        date = self.date(path, fields, "date", required=True)
        tags = self.tags(path, fields)
        company = self.company(path, fields)
        kind = self.kind(path, fields)
        authors = self.authors(path, fields)
        added = self.date(path, fields, "added", required=False)
        summary = raw.body.strip()
        if not summary:
            self.add(
                path,
                raw.closing_line,
                "summary",
                "is missing",
                "write a sentence or two in your own words below the closing ---",
                "warning",
            )
        elif _is_placeholder(summary):
            self.add(
                path,
                raw.body_line + len(raw.body) - len(raw.body.lstrip("\n")),
                "summary",
                "is a placeholder",
                "write the summary or leave it empty",
            )
        if meant:
            # "titel: did you mean 'title'?" already says what to do; "title: is
            # required" on top of it would be the same mistake reported twice.
            self.problems[before:] = [
                p
                for p in self.problems[before:]
                if not (p.message == "is required" and p.field in meant)
            ]
        if len(self.problems) > before and any(
            p.severity == "error" for p in self.problems[before:]
        ):
            return None
        if title is None or url is None or date is None or kind is None:
            return None  # unreachable: each of these adds an error when it is None
        self.lines[path] = (_line_of(fields, "title"), _line_of(fields, "url"))
        return Entry(
            slug=raw.slug,
            title=title,
            url=url,
            date=date,
            tags=tags,
            company=company,
            kind=kind,
            authors=authors,
            added=added,
            summary=summary,
            path=path,
        )

    # Across entries.

    def entries(self, raws: Iterable[RawEntry]) -> EntryChecks:
        """Check entry files one by one; the problems are those of these files only."""
        before = len(self.problems)
        entries = tuple(e for e in (self.entry(r) for r in raws) if e is not None)
        return EntryChecks(
            entries,
            tuple(self.problems[before:]),
            self.url_keys,
            self.tag_users,
            self.lines,
        )

    def merge(self, more: EntryChecks) -> None:
        """Take in entry files checked elsewhere, which come after those checked here."""
        self.problems += more.problems
        self.url_keys.update(more.url_keys)
        self.lines.update(more.lines)
        for ident, users in more.tag_users.items():
            self.tag_users.setdefault(ident, []).extend(users)

    def across_entries(self, checked: list[Entry]) -> Validated:
        """The checks across entries, then the catalog of what passed."""
        self.single_use_tags()
        entries = self.duplicate_urls(checked)
        title_lines = {entry.path: self.lines[entry.path][0] for entry in entries}
        url_keys = {entry.path: self.url_keys[entry.path] for entry in entries}
        if self.similar_titles is not None:
            self.problems += near_duplicate_titles(entries, title_lines, self.similar_titles)
        catalog = Catalog.build(entries, self.tag_vocabulary, self.company_vocabulary)
        problems = tuple(sort_problems(self.problems))
        return Validated(catalog, problems, title_lines, url_keys, self.vocabularies())

    def for_entries(self, raw: RawContent) -> _Checker:
        """A checker with this one's vocabularies and no entries checked yet."""
        other = copy.copy(self)
        other.raw = raw
        other.problems = list(self.problems)
        other.url_keys, other.tag_users, other.lines = {}, {}, {}
        return other

    def duplicate_urls(self, entries: list[Entry]) -> list[Entry]:
        seen: dict[str, Entry] = {}
        kept: list[Entry] = []
        for entry in entries:
            key = self.url_keys[entry.path]
            first = seen.get(key)
            if first is None:
                seen[key] = entry
                kept.append(entry)
                continue
            line = self.lines[entry.path][1]
            self.add(
                entry.path,
                line,
                "url",
                f"same resource as {first.path}",
                "keep one entry; move anything worth keeping into it",
            )
        return kept

    def single_use_tags(self) -> None:
        users = self.tag_users
        for ident in sorted(users):
            if len(users[ident]) == 1:
                self.add(
                    self.raw.tags_path,
                    self.tag_lines.get(ident, 1),
                    ident,
                    f"is used by one entry only ({users[ident][0]})",
                    "use a broader tag, or keep it only if more entries will follow",
                    "warning",
                )


def _calendar_hint(text: str) -> str:
    """Why a YYYY-MM-DD date that does not exist is wrong: the month, or the month's length."""
    year, month, _ = (int(part) for part in text.split("-"))
    if year < 1:
        return "there is no year 0000"
    if not 1 <= month <= 12:
        return "the month must be 01 to 12"
    days = calendar.monthrange(year, month)[1]
    return f"{year:04d}-{month:02d} has {days} days"


def _date_hint(text: str) -> str:
    """The date written as YYYY-MM-DD, when it can be read in another common form."""
    if _DATE_RE.match(text[:10]):
        return f"write {text[:10]}"  # a date with a time after it
    patterns = ("%Y-%m-%d", "%b %d, %Y", "%B %d, %Y", "%d/%m/%Y", "%Y/%m/%d", "%d %B %Y")
    for pattern in (*patterns, "%d %b %Y"):
        try:
            parsed = datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
        return f"write {parsed.isoformat()}"
    return "use YYYY-MM-DD"


def url_problem(value: str) -> tuple[str, str]:
    """(problem, hint) for a URL that is not absolute http(s), or ("", "") when it is fine."""
    problem, hint, _ = _check_url(value)
    return problem, hint


def _check_url(value: str, fast: bool = True) -> tuple[str, str, str | None]:
    """(problem, hint, normalised URL): ``url_problem``, and ``normalise_url`` when it is fine.

    Most URLs are ``https://host/path`` with a lower-case host and no query;
    those are checked without ``urlsplit``, which is most of the cost of a
    URL. ``fast=False`` takes the general path for everything, for the tests
    that compare the two.
    """
    if len(value) > MAX_URL_LENGTH:
        return f"is {len(value)} characters; at most {MAX_URL_LENGTH}", "", None
    simple = _SIMPLE_URL_RE.fullmatch(value) if fast else None
    if simple is not None and _HOST_RE.match(host := simple[1]):
        if host.removeprefix("www.") in _PLACEHOLDER_HOSTS:
            return f"'{value}' is a placeholder", "use the real address", None
        return "", "", _normalise_simple(host, simple[2] or "")
    if _SPACE_RE.search(value):
        return "contains spaces", "encode spaces as %20 or remove them", None
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError for a malformed port
    except ValueError:
        return f"'{value}' is not a valid URL", "check the host and port", None
    if not parts.scheme:
        return f"'{value}' is not absolute", f"write https://{value.lstrip('/')}", None
    if parts.scheme.lower() not in ("http", "https"):
        return f"must use http or https, not '{parts.scheme}'", "link to a web page", None
    host = (parts.hostname or "").rstrip(".")
    if not host:
        return f"'{value}' has no host", "write it as https://host/path", None
    if host.removeprefix("www.") in _PLACEHOLDER_HOSTS:
        return f"'{value}' is a placeholder", "use the real address", None
    if not _HOST_RE.match(host) and not _HOST_RE.match(_ascii_host(host)):
        return f"host '{host}' is not a valid domain name", "check for typos in the address", None
    return "", "", _normalise_parts(parts)


def _normalise_simple(host: str, path: str) -> str:
    """``_normalise_parts`` for a URL with no port, query or user: host and path alone."""
    host = host.removeprefix("www.")
    if host in _TWITTER_HOSTS:
        host = "twitter.com"
    path = path.rstrip("/")
    if (host == "arxiv.org" or host.endswith(".arxiv.org")) and (match := _ARXIV_RE.match(path)):
        host, path = "arxiv.org", f"/abs/{match['id']}"
    return f"https://{host}{path}"


def _ascii_host(host: str) -> str:
    """An internationalised host (bücher.de) in the ASCII form DNS uses, or "" if it has none."""
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        return ""


def validate(
    raw: RawContent,
    today: datetime.date,
    checked_elsewhere: Iterable[EntryChecks] = (),
    titles: Callable[[Sequence[str]], list[tuple[int, int]]] | None = similar_titles,
) -> Validated:
    """Check everything read from a content folder; ``today`` bounds dates (pure).

    ``checked_elsewhere`` are the entry files after ``raw``'s, read and checked by
    :func:`check_entries` in other processes; they are asked for once ``raw``'s own
    entries are checked. ``titles`` finds near-duplicate titles (a caller may remember
    its answers); None leaves them to the caller (see :func:`near_duplicate_titles`).
    """
    with collector_paused():
        return _validate(raw, today, checked_elsewhere, titles)


def _validate(
    raw: RawContent,
    today: datetime.date,
    checked_elsewhere: Iterable[EntryChecks],
    titles: Callable[[Sequence[str]], list[tuple[int, int]]] | None,
) -> Validated:
    checker = _Checker(raw, today)
    checker.similar_titles = titles
    checker.tags_vocabulary()
    checker.companies_vocabulary()
    checked = list(checker.entries(raw.entries).entries)
    for more in checked_elsewhere:
        checker.merge(more)
        checked += more.entries
    return checker.across_entries(checked)


def check_entries(raw: RawContent, today: datetime.date) -> EntryChecks:
    """Check ``raw``'s entry files one by one, for :func:`validate` to take in elsewhere."""
    with collector_paused():
        checker = _Checker(raw, today)
        checker.tags_vocabulary()
        checker.companies_vocabulary()
        return _file_checks(checker, raw)


def check_some_entries(
    content_dir: str | os.PathLike[str],
    today: datetime.date,
    keep: Callable[[os.DirEntry[str]], bool],
    vocabularies: Vocabularies,
) -> tuple[RawContent, EntryChecks]:
    """Read the entry files ``keep`` does not keep, and check them one by one against
    ``vocabularies``: for a caller that has everything else from an earlier check of
    the folder, whose vocabularies are unchanged. The checks across entries are not made.
    """
    with collector_paused():
        raw = load_content(content_dir, keep=keep, vocabularies=False)
        return raw, _file_checks(_Checker.knowing(raw, today, vocabularies), raw)


def _file_checks(checker: _Checker, raw: RawContent) -> EntryChecks:
    """``raw``'s entry files checked one by one, with what reading them found."""
    checked = checker.entries(raw.entries)
    # The vocabularies' problems, and the folder's, are the main process's to report;
    # so are tags.yml and companies.yml, which raw.files counts too.
    shared = _folder_paths(raw)
    unread = tuple(p for p in raw.problems if p.path not in shared)
    return dataclasses.replace(checked, problems=unread + checked.problems, files=raw.files - 2)


def _folder_paths(raw: RawContent) -> set[str]:
    """Where problems about the folder as a whole are reported, not about one entry file."""
    return {raw.tags_path, raw.companies_path, str(Path(raw.root) / ENTRIES_DIR)}


def _check_share(content_dir: str, share: tuple[int, int], today: datetime.date) -> EntryChecks:
    return check_entries(load_content(content_dir, share), today)


Signature = tuple[int, int, int, int]
"""A file's size, inode, and modification and change times: it was not rewritten if equal."""


@dataclass
class CheckMemory:
    """What checking a folder leaves for checking it again in the same process.

    ``readinglist serve`` checks the folder after every edit. A file whose
    signature is unchanged is neither read nor checked again, as long as the
    vocabularies and the day are the same; near-duplicate titles are looked for
    again only when a title changed.
    """

    basis: tuple[object, ...] = ()
    """The vocabularies' signatures and the day the files below were checked against."""
    files: dict[str, tuple[Signature, EntryChecks]] = dataclasses.field(default_factory=dict)
    vocabularies: _Checker | None = None
    """A checker that has checked the vocabularies and nothing else."""
    titles: TitleMemory = dataclasses.field(default_factory=lambda: TitleMemory())


@dataclass
class TitleMemory:
    """The last answer of :func:`similar_titles`, and which titles hold each blocking key.

    Two titles are compared only when they share a blocking key, and whether they
    are alike depends on those two alone. So when a few titles change in place,
    only they and the titles sharing a key with them are compared again; the other
    pairs stand. A list of another length is compared afresh. Plain data, so a
    build can keep it on disk for the next.
    """

    titles: tuple[str, ...] = ()
    pairs: set[tuple[int, int]] = dataclasses.field(default_factory=set)
    holders: MutableMapping[str, tuple[int, ...]] = dataclasses.field(default_factory=dict)
    """Each blocking key (as :func:`_title_keys` gives it), and the titles holding it,
    by position. Only the keys of changed titles are looked up, so a caller may read
    them from disk as they are asked for."""

    MOST_CHANGED = 20
    """More changed titles than this are compared afresh."""

    def similar(self, titles: Sequence[str]) -> list[tuple[int, int]]:
        titles = tuple(titles)
        if titles == self.titles:
            return sorted(self.pairs)
        changed = (
            [i for i, (old, new) in enumerate(zip(self.titles, titles, strict=True)) if old != new]
            if len(titles) == len(self.titles)
            else None
        )
        if changed is None or len(changed) > self.MOST_CHANGED:
            self._afresh(titles)
        else:
            self._again(titles, changed)
        self.titles = titles
        return sorted(self.pairs)

    def _afresh(self, titles: tuple[str, ...]) -> None:
        self.pairs = set(similar_titles(titles))
        holders: dict[str, list[int]] = {}
        for position, title in enumerate(titles):
            for key in _title_keys(title):
                holders.setdefault(key, []).append(position)
        self.holders = {key: tuple(held) for key, held in holders.items()}

    def _again(self, titles: tuple[str, ...], changed: list[int]) -> None:
        holders = self.holders
        for position in changed:
            for key in _title_keys(self.titles[position]):
                held = tuple(p for p in holders.get(key, ()) if p != position)
                if held:
                    holders[key] = held
                else:
                    holders.pop(key, None)
        moved = set(changed)
        near = set(moved)
        for position in changed:
            for key in _title_keys(titles[position]):
                held = holders.get(key, ())
                near.update(held)
                holders[key] = tuple(sorted({*held, position}))
        group = sorted(near)
        found = {
            (group[a], group[b])
            for a, b in similar_titles([titles[position] for position in group])
            if group[a] in moved or group[b] in moved
        }
        self.pairs = {pair for pair in self.pairs if not moved & set(pair)} | found


def _title_keys(title: str) -> set[str]:
    """The blocking keys :func:`similar_titles` files a title under, each as one string."""
    keys = _blocking_keys(" ".join(normalise_title(title).split()))
    return {key if isinstance(key, str) else "\x1f".join(key) for key in keys}


def signature(info: os.stat_result) -> Signature:
    """A file's :data:`Signature`, from its ``stat``."""
    return (info.st_size, info.st_ino, info.st_mtime_ns, info.st_ctime_ns)


def unchanged_files(
    known: Mapping[str, Signature], changed: dict[str, Signature | None]
) -> Callable[[os.DirEntry[str]], bool]:
    """A ``keep`` for :func:`load_content`: true for a file whose signature is the one
    ``known``. Every other file's signature goes into ``changed``, None when the file
    cannot be examined."""

    def keep(item: os.DirEntry[str]) -> bool:
        path = item.path
        try:
            found = signature(item.stat(follow_symlinks=False))
        except OSError:
            changed[path] = None
            return False
        if known.get(path) == found:
            return True
        changed[path] = found
        return False

    return keep


def path_signature(path: Path) -> Signature | None:
    """The file's :data:`Signature`; None if it cannot be read."""
    try:
        return signature(path.stat())
    except OSError:
        return None


def _by_file(checks: EntryChecks, paths: Iterable[str]) -> dict[str, EntryChecks]:
    """One EntryChecks per file, for files checked together."""
    users: dict[str, dict[str, list[str]]] = {path: {} for path in paths}
    for ident, using in checks.tag_users.items():
        for path in using:
            users[path][ident] = [path]
    entries = {e.path: (e,) for e in checks.entries}
    problems: dict[str, list[Problem]] = {}
    for problem in checks.problems:
        problems.setdefault(problem.path, []).append(problem)
    return {
        path: EntryChecks(
            entries.get(path, ()),
            tuple(problems.get(path, ())),
            {path: checks.url_keys[path]} if path in checks.url_keys else {},
            users[path],
            {path: checks.lines[path]} if path in checks.lines else {},
            1,
        )
        for path in users
    }


def _validate_again(
    folder: Path, today: datetime.date, memory: CheckMemory, titles: bool
) -> tuple[Validated, int]:
    basis = (
        path_signature(folder / TAGS_FILE),
        path_signature(folder / COMPANIES_FILE),
        today,
    )
    if basis != memory.basis:
        memory.files.clear()
        memory.vocabularies = None
        memory.basis = basis
    known = memory.files
    changed: dict[str, Signature | None] = {}
    keep = unchanged_files({path: found for path, (found, _) in known.items()}, changed)
    # The vocabularies are read again only when they changed: the memory has them.
    raw = load_content(folder, keep=keep, vocabularies=memory.vocabularies is None)
    shared = _folder_paths(raw)
    if memory.vocabularies is None:
        vocabularies = dataclasses.replace(
            raw, entries=(), problems=tuple(p for p in raw.problems if p.path in shared)
        )
        checker = _Checker(vocabularies, today)
        checker.tags_vocabulary()
        checker.companies_vocabulary()
        memory.vocabularies = checker
    checker = memory.vocabularies
    read = [path for path in raw.paths if path in changed]
    fresh = _file_checks(checker.for_entries(raw), raw)
    for path, checks in _by_file(fresh, read).items():
        known[path] = (changed[path] or (0, 0, 0, 0), checks)
    for path in set(known) - set(raw.paths):
        del known[path]
    whole = checker.for_entries(raw)
    whole.similar_titles = memory.titles.similar if titles else None
    checked: list[Entry] = []
    for path in raw.paths:
        checks = known[path][1]
        whole.merge(checks)
        checked += checks.entries
    return whole.across_entries(checked), raw.files


def validate_folder(
    content_dir: str | os.PathLike[str],
    today: datetime.date,
    workers: int = 1,
    memory: CheckMemory | None = None,
    titles: bool = True,
) -> tuple[Validated, int]:
    """Read and check a content folder; the result and how many files were read.

    With ``workers`` above one and enough entry files, the files are shared out
    among that many processes, which read and check their share one by one; the
    checks across entries run here, once everything is in. With ``memory``, the
    files unchanged since the last check of this folder are not read again.
    ``titles=False`` leaves the near-duplicate titles, which are only warnings, to
    the caller (a build looks for them beside other work).
    """
    if memory is not None:
        return _validate_again(Path(content_dir), today, memory, titles)
    folder = str(content_dir)
    try:
        count = sum(1 for _ in (Path(folder) / ENTRIES_DIR).iterdir())
    except OSError:
        count = 0
    parts = workers if workers > 1 and count >= PARALLEL_ENTRY_FILES else 1
    others = [Forked(_check_share, folder, (k, parts), today) for k in range(1, parts)]
    raw = load_content(folder, (0, parts))
    checked: list[EntryChecks] = []

    def collected() -> Iterator[EntryChecks]:
        # Asked for only once this process has checked its own share.
        for other in others:
            checked.append(other.result())
            yield checked[-1]

    validated = validate(raw, today, collected(), similar_titles if titles else None)
    return validated, raw.files + sum(c.files for c in checked)
