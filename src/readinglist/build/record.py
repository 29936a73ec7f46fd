"""The build record: what a build leaves in the cache for the next ``readinglist build``.

A build in a new process knows nothing of the last one but what the cache
holds. The record holds what the last build found in every entry file (by the
file's signature), the problems, the near-duplicate titles, each entry's
fingerprint and related entries, and the compiled templates, as plain data in
``marshal`` format, which loads many times faster than JSON or pickle.

With it, a build after a few entries were edited in place reads and checks
only the edited files and plans only the files that show them, as long as
nothing else changed: not the code, the templates, the settings, the
vocabularies, the day, the set of entry files, nor where the edited entries are
listed (their dates, tags, company, kind and the day they were added). Anything
else, or any problem in an edited file, and :func:`recheck` answers None: the
caller builds in full.
"""

from __future__ import annotations

import datetime
import hashlib
import marshal
import sys
import zlib
from collections.abc import Iterable, Iterator, Mapping, MutableMapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2

from readinglist.build.workers import Forked, ForkFailed
from readinglist.catalog.check import (
    PARALLEL_ENTRY_FILES,
    EntryChecks,
    Signature,
    TitleMemory,
    Validated,
    Vocabularies,
    check_some_entries,
    near_duplicate_titles,
    path_signature,
    unchanged_files,
)
from readinglist.catalog.model import Catalog, Company, Entry, Tag
from readinglist.catalog.read import COMPANIES_FILE, TAGS_FILE
from readinglist.config import SiteConfig
from readinglist.problems import Problem, sort_problems
from readinglist.site.pages import Edited, RenderMemory, listed_fields

RECORD_FILE = "record.marshal"
CHANGES_FILE = "record-changes.marshal"
"""What changed since the full record: read and written with it."""
SIGNATURES_FILE = "signatures.marshal"
"""Every entry file's signature and the vocabularies: what a second process needs to
check the edited files."""
TITLES_FILE = "titles.marshal"
"""Near-duplicate titles' memory, read only when a title changed."""
FORMAT = 3
MOST_CHANGED = 200
"""More edited files than this are built in full, where they are read by two processes."""

DAMAGED = (KeyError, IndexError, TypeError, ValueError, AttributeError, EOFError)
"""What reading a damaged record or one of another version raises: a full build follows,
which writes it again."""

EntryRow = tuple[Any, ...]
"""An :class:`Entry` as plain data, dates as ordinals (``added`` 0 when absent)."""


def entry_row(entry: Entry) -> EntryRow:
    return (
        entry.slug,
        entry.title,
        entry.url,
        entry.date.toordinal(),
        entry.tags,
        entry.company,
        entry.kind,
        entry.authors,
        entry.added.toordinal() if entry.added else 0,
        entry.summary,
        entry.path,
    )


def row_entry(row: EntryRow) -> Entry:
    # A record holds ten thousand entries: filling each one's __dict__ takes half the
    # time of the frozen dataclass's __init__, which sets every field through
    # object.__setattr__. The fields are the ones entry_row wrote, checked when written.
    entry: Entry = object.__new__(Entry)
    from_ordinal = datetime.date.fromordinal
    vars(entry).update(
        slug=row[0],
        title=row[1],
        url=row[2],
        date=from_ordinal(row[3]),
        tags=row[4],
        company=row[5],
        kind=row[6],
        authors=row[7],
        added=from_ordinal(row[8]) if row[8] else None,
        summary=row[9],
        path=row[10],
    )
    return entry


VocabulariesRow = tuple[Any, ...]
""":class:`Vocabularies` as plain data."""


def vocabularies_row(vocabularies: Vocabularies) -> VocabulariesRow:
    return (
        {ident: (t.name, t.description, t.aliases) for ident, t in vocabularies.tags.items()},
        {ident: (c.name, c.homepage, c.aliases) for ident, c in vocabularies.companies.items()},
        vocabularies.tag_lookup,
        vocabularies.company_lookup,
        vocabularies.tags_read,
        vocabularies.companies_read,
    )


def row_vocabularies(row: VocabulariesRow) -> Vocabularies:
    tags, companies, tag_lookup, company_lookup, tags_read, companies_read = row
    return Vocabularies(
        {ident: Tag(ident, *fields) for ident, fields in tags.items()},
        {ident: Company(ident, *fields) for ident, fields in companies.items()},
        tag_lookup,
        company_lookup,
        tags_read,
        companies_read,
    )


def _where(entry: Entry) -> tuple[object, ...]:
    """What decides where an entry is listed, and which entries are related to it."""
    return (entry.slug, entry.date, entry.tags, entry.company, entry.kind, entry.added)


def basis(
    content: Path, out: Path, config: SiteConfig, today: datetime.date, templates: Path
) -> str:
    """Changes when anything but the entry files does: then a record is of no use."""
    digest = hashlib.blake2b(digest_size=16)
    here = Path(__file__).resolve().parent.parent
    code = [*sorted(here.rglob("*.py")), *sorted(p for p in templates.iterdir() if p.is_file())]
    for path in code:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    vocabularies = [path_signature(content / name) for name in (TAGS_FILE, COMPANIES_FILE)]
    # The compiled templates in a record are Python code made by this Jinja.
    parts = (FORMAT, sys.version, jinja2.__version__, repr(config), today.toordinal())
    places = (str(content.resolve()), str(out.resolve()))
    digest.update(repr((*parts, *places, vocabularies)).encode())
    return digest.hexdigest()


@dataclass
class Record:
    """One build's record, as plain data."""

    basis: str
    token: str
    """The token in the manifest of the site folder this record describes."""
    entries: dict[str, EntryRow]
    """Every entry of the catalog, by path."""
    url_keys: dict[str, str]
    title_lines: dict[str, int]
    fingerprints: dict[str, tuple[str, str]]
    """Each entry's fingerprint and listed fingerprint, by path."""
    problems: list[tuple[Any, ...]]
    """Every problem but near-duplicate titles, as :class:`Problem` fields."""
    title_pairs: list[tuple[int, int]]
    """Near-duplicate titles, by position among the entries sorted by path."""
    related: dict[str, tuple[str, ...]]
    templates: dict[str, tuple[str, Any]]
    checked_files: int
    bodies_file: Signature | None = None
    """The rendered-summary cache file as the build left it: while it is unchanged, it
    holds every summary the record's entries have."""
    base: str = ""
    """The token of the full record on disk this one was read from, if any."""
    edited: set[str] = field(default_factory=set)
    """The paths whose fields above are newer than that full record: saved apart, so a
    build after an edit writes a few lines instead of the whole record."""


PER_FILE = ("entries", "url_keys", "title_lines", "fingerprints")
"""The fields of :class:`Record` that hold something for each file."""
WHOLE: tuple[str, ...] = ("basis", "token", "problems", "title_pairs", "templates")
WHOLE += ("checked_files", "bodies_file")
"""The fields saved with the changes; ``related`` is not: an edit kept in a change
leaves every entry where it was listed."""
MOST_EDITED = 500
"""Past this many edited files, the whole record is saved again."""


def read_plain(path: Path) -> Any:
    """What :func:`write_plain` wrote at ``path``; None if nothing readable is there."""
    try:
        return marshal.loads(path.read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        return None


def write_plain(path: Path, data: Any) -> None:
    """Plain data (dicts, lists, tuples, strings, numbers, code) to ``path``, whole or
    not at all."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_bytes(marshal.dumps(data))
    temporary.replace(path)


def load_record(cache: Path, expected_basis: str, token: str) -> Record | None:
    """The record in ``cache`` if it describes the site folder whose manifest holds
    ``token``, on this basis; else None."""
    data = read_plain(cache / RECORD_FILE)
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        return None
    if data.get("basis") != expected_basis:
        return None  # made by other code, settings or vocabularies: of no use, however made
    try:
        base = data["token"]
        changes = read_plain(cache / CHANGES_FILE)
        if isinstance(changes, dict) and changes.get("base") == base:
            edited = set(changes["entries"])
            for name in PER_FILE:
                data[name].update(changes[name])
            data.update({name: changes[name] for name in WHOLE})
        else:
            edited = set()
        if data["token"] != token:
            return None
        del data["format"]
        return Record(**data, base=base, edited=edited)
    except DAMAGED:
        return None


def save_record(cache: Path, record: Record) -> None:
    """Save ``record``: only what changed since the full record it was read from, when
    there is one and few files changed; else whole."""
    base = record.base
    if not base or len(record.edited) > MOST_EDITED:
        data = {name: getattr(record, name) for name in (*PER_FILE, *WHOLE, "related")}
        write_plain(cache / RECORD_FILE, {"format": FORMAT, **data})
        (cache / CHANGES_FILE).unlink(missing_ok=True)
        return
    changes: dict[str, Any] = {name: getattr(record, name) for name in WHOLE}
    for name in PER_FILE:
        values = getattr(record, name)
        changes[name] = {path: values[path] for path in record.edited if path in values}
    write_plain(cache / CHANGES_FILE, {"base": base, **changes})


TITLE_SHARDS = 256
"""The titles' blocking keys are saved in this many parts, each read only when a key
in it is asked for: a changed title has a few dozen keys, the memory 90,000 at
10,000 entries."""


def _title_shard(key: str) -> int:
    return zlib.crc32(key.encode()) % TITLE_SHARDS  # the same in every process, unlike hash()


class SavedHolders(MutableMapping[str, tuple[int, ...]]):
    """:attr:`TitleMemory.holders` as saved, each part read when first asked for."""

    def __init__(self, packed: dict[int, bytes]) -> None:
        self.packed = packed
        self.parts: dict[int, dict[str, tuple[int, ...]]] = {}

    def _part(self, number: int) -> dict[str, tuple[int, ...]]:
        part = self.parts.get(number)
        if part is None:
            stored = self.packed.get(number)
            part = self.parts[number] = marshal.loads(stored) if stored is not None else {}
            if not isinstance(part, dict):
                raise TypeError(f"part {number} of the titles' memory is not a mapping")
        return part

    def __getitem__(self, key: str) -> tuple[int, ...]:
        return self._part(_title_shard(key))[key]

    def __setitem__(self, key: str, value: tuple[int, ...]) -> None:
        self._part(_title_shard(key))[key] = value

    def __delitem__(self, key: str) -> None:
        del self._part(_title_shard(key))[key]

    def __iter__(self) -> Iterator[str]:
        for number in range(TITLE_SHARDS):
            yield from self._part(number)

    def __len__(self) -> int:
        return sum(len(self._part(number)) for number in range(TITLE_SHARDS))

    def pack(self) -> dict[int, bytes]:
        """Every part as saved, those read since as they are now."""
        return {**self.packed, **{n: marshal.dumps(part) for n, part in self.parts.items()}}


def _pack_holders(holders: Mapping[str, tuple[int, ...]]) -> dict[int, bytes]:
    if isinstance(holders, SavedHolders):
        return holders.pack()
    parts: dict[int, dict[str, tuple[int, ...]]] = {}
    for key, held in holders.items():
        parts.setdefault(_title_shard(key), {})[key] = held
    return {number: marshal.dumps(part) for number, part in parts.items()}


def save_titles(cache: Path, memory: TitleMemory) -> None:
    data = (FORMAT, memory.titles, sorted(memory.pairs), _pack_holders(memory.holders))
    write_plain(cache / TITLES_FILE, data)


def load_titles(cache: Path) -> TitleMemory:
    """The saved memory of near-duplicate titles; an empty one (compares afresh) if none."""
    data = read_plain(cache / TITLES_FILE)
    if not isinstance(data, tuple) or len(data) != 4 or data[0] != FORMAT:
        return TitleMemory()
    _, titles, pairs, packed = data
    if not isinstance(titles, tuple) or not isinstance(packed, dict):
        return TitleMemory()
    return TitleMemory(titles, set(pairs), SavedHolders(packed))


def save_signatures(
    cache: Path, token: str, signatures: Mapping[str, Signature], vocabularies: Vocabularies
) -> None:
    """Every entry file's signature when the site folder with ``token`` was built, and
    the vocabularies then: kept apart from the record, for a second process to check
    the edited files while this one loads it."""
    data = (FORMAT, token, dict(signatures), vocabularies_row(vocabularies))
    write_plain(cache / SIGNATURES_FILE, data)


def load_signatures(cache: Path) -> tuple[str, dict[str, Signature], Vocabularies] | None:
    """The token of the site folder the saved signatures are of, the signatures and the
    vocabularies."""
    data = read_plain(cache / SIGNATURES_FILE)
    if not isinstance(data, tuple) or len(data) != 4 or data[0] != FORMAT:
        return None
    try:
        return str(data[1]), dict(data[2]), row_vocabularies(data[3])
    except DAMAGED:
        return None


@dataclass(frozen=True)
class EditedFiles:
    """The entry files changed since a build, checked one by one; plain data."""

    signatures: dict[str, Signature]
    """Their signatures now, by path."""
    checks: EntryChecks


def check_edited(
    content: Path,
    today: datetime.date,
    known: Mapping[str, Signature],
    vocabularies: Vocabularies,
) -> EditedFiles | None:
    """Read and check the entry files whose signatures are not ``known``, against the
    unchanged ``vocabularies``; None when the set of files changed, too many did, or
    one has an error."""
    changed: dict[str, Signature | None] = {}
    keep = unchanged_files(known, changed)
    raw, checks = check_some_entries(content, today, keep, vocabularies)
    signatures: dict[str, Signature] = {}
    for path, found in changed.items():
        if found is None or path not in known:
            return None  # a file that could not be examined, or a new one
        signatures[path] = found
    if (
        # Every other file is known, so the same number of files means the same files.
        len(raw.paths) != len(known)
        or len(changed) > MOST_CHANGED
        or any(p.severity == "error" for p in checks.problems)
    ):
        return None
    return EditedFiles(signatures, checks)


@dataclass(frozen=True)
class Restored:
    """Every entry of a record, and what the record's build made of each."""

    entries: list[Entry]
    """In the record's order, which is the catalog's."""
    rendering: RenderMemory
    """Fingerprints and compiled templates, for the plan."""


def restore(record: Record) -> Restored:
    """The record's entries and memory, made while another process checks the files."""
    entries: list[Entry] = []
    rendering = RenderMemory()
    rendering.templates.compiled.update(record.templates)
    fingerprints = rendering.fingerprints
    recorded_fingerprints = record.fingerprints
    for path, row in record.entries.items():
        entry = row_entry(row)
        entries.append(entry)
        fingerprint, listed = recorded_fingerprints[path]
        fingerprints[path] = (entry, fingerprint, listed)
    return Restored(entries, rendering)


@dataclass(frozen=True)
class Recheck:
    """A folder checked again against a record: what the full check would have given."""

    validated: Validated
    """As a build's check gives it: near-duplicate titles are in ``title_warnings``."""
    title_warnings: list[Problem]
    title_pairs: list[tuple[int, int]]
    edited: Edited
    signatures: dict[str, Signature]
    """The signatures of the files that changed, by path."""
    rendering: RenderMemory
    """Fingerprints and templates of the record, for the plan."""
    titles: TitleMemory | None
    """The titles' memory, when it is to be saved."""


def recheck(
    record: Record,
    restored: Restored,
    edits: EditedFiles,
    vocabularies: Vocabularies,
    cache: Path,
) -> Recheck | None:
    """The check of the content folder, from ``record`` and the files changed since;
    None when more changed than edits in place to what some entries say (see the
    module's notes)."""
    moved = set(edits.signatures)
    checks = edits.checks
    # Apart from near-duplicate titles, a problem found at an entry file's path is
    # about that file alone (a resource listed twice is an error, never recorded).
    problems = [Problem(*fields) for fields in record.problems if fields[0] not in moved]
    problems += checks.problems
    fresh = {entry.path: entry for entry in checks.entries}
    if fresh.keys() != moved:
        return None  # a file that gives no entry now, or did not before
    entries = restored.entries
    rendering = restored.rendering
    url_keys = dict(record.url_keys)
    title_lines = dict(record.title_lines)
    titles_changed = False
    listed: set[str] = set()
    before_edits: dict[str, Entry] = {}
    position = {path: index for index, path in enumerate(record.entries)}
    for path, entry in fresh.items():
        index = position.get(path)
        if index is None:
            return None
        before = entries[index]
        if _where(before) != _where(entry):
            return None
        before_edits[entry.slug] = before
        titles_changed = titles_changed or before.title != entry.title
        if listed_fields(before) != listed_fields(entry):
            listed.add(entry.slug)
        url_keys[path] = checks.url_keys[path]
        title_lines[path] = checks.lines[path][0]
        entries[index] = entry
        del rendering.fingerprints[path]  # made again by the plan
    if len(set(url_keys.values())) != len(url_keys):
        return None  # a resource listed twice: the full check says which
    titles: TitleMemory | None = None
    pairs = record.title_pairs
    if titles_changed:
        memory = load_titles(cache)
        saved = memory.titles
        ordered = [e.title for e in sorted(entries, key=lambda e: e.path)]
        pairs = memory.similar(ordered)
        # Saved again only once it has drifted: until then each build compares again
        # the few titles edited since, which costs less than saving 3 MB.
        drift = sum(old != new for old, new in zip(saved, ordered, strict=False))
        if len(saved) != len(ordered) or drift > TitleMemory.MOST_CHANGED // 2:
            titles = memory
    warnings = near_duplicate_titles(entries, title_lines, lambda _: pairs) if pairs else []
    # Entries edited in place keep their places: the record's order is the catalog's.
    tags, companies = vocabularies.tags, vocabularies.companies
    catalog = Catalog.build(entries, tags, companies, in_order=True)
    problems = sort_problems(problems)
    validated = Validated(catalog, tuple(problems), title_lines, url_keys, vocabularies)
    edited = Edited(frozenset(before_edits), frozenset(listed), before_edits)
    return Recheck(validated, warnings, pairs, edited, edits.signatures, rendering, titles)


@dataclass(frozen=True)
class Started:
    """The entry files being compared with the last build's."""

    token: str
    """The token of the site folder the last build made."""
    known: dict[str, Signature]
    vocabularies: Vocabularies
    checking: Forked[EditedFiles | None] | None
    """The second process that reads and checks the changed files, if one does."""

    def edits(self, content: Path, today: datetime.date) -> EditedFiles | None:
        if self.checking is None:
            return check_edited(content, today, self.known, self.vocabularies)
        try:
            return self.checking.result()
        except ForkFailed:
            return None


def start_recheck(cache: Path, content: Path, today: datetime.date, workers: int) -> Started | None:
    """Start comparing the entry files with the last build's, first thing: with
    ``workers`` above one and a large catalog, a second process reads and checks the
    changed files while this one loads the record (:func:`finish_recheck`)."""
    found = load_signatures(cache)
    if found is None:
        return None
    token, known, vocabularies = found
    checking = None
    if workers > 1 and len(known) >= PARALLEL_ENTRY_FILES:
        checking = Forked(check_edited, content, today, known, vocabularies)
    return Started(token, known, vocabularies, checking)


def finish_recheck(
    started: Started,
    cache: Path,
    content: Path,
    today: datetime.date,
    basis_key: str,
    token: str,
) -> tuple[Record, Recheck, dict[str, Signature]] | None:
    """The last build's record, the check of ``content`` made from it and every entry
    file's signature; None when a full build is needed: when the live site folder,
    whose manifest holds ``token``, is not the one the record describes, the basis
    changed, or more than edits in place did."""
    record = restored = None
    if started.token == token:
        try:
            record = load_record(cache, basis_key, token)
            restored = restore(record) if record is not None else None
        except DAMAGED:
            record, restored = None, None
    if started.checking is None and record is None:
        return None
    edits = started.edits(content, today)  # also when of no use: the process is waited for
    if record is None or restored is None or edits is None:
        return None
    try:
        done = recheck(record, restored, edits, started.vocabularies, cache)
    except DAMAGED:
        return None
    if done is None:
        return None
    return record, done, {**started.known, **edits.signatures}


def make_record(
    basis_key: str,
    token: str,
    validated: Validated,
    title_pairs: list[tuple[int, int]],
    rendering: RenderMemory,
    related: Mapping[str, tuple[str, ...]],
    checked_files: int,
) -> Record:
    """The record of a build that made the site folder with ``token`` from this check
    (near-duplicate titles aside: ``title_pairs``) and plan."""
    return Record(
        basis=basis_key,
        token=token,
        entries={entry.path: entry_row(entry) for entry in validated.catalog.entries},
        url_keys=dict(validated.url_keys),
        title_lines=dict(validated.title_lines),
        fingerprints={
            path: (fp, listed) for path, (_, fp, listed) in rendering.fingerprints.items()
        },
        problems=_problem_rows(validated.problems),
        title_pairs=title_pairs,
        related=dict(related),
        templates=dict(rendering.templates.compiled),
        checked_files=checked_files,
    )


def record_edits(record: Record, token: str, done: Recheck, rendering: RenderMemory) -> None:
    """Bring ``record`` up to a build from ``done``, which made the site folder with
    ``token``."""
    for slug in done.edited.changed:
        entry = done.validated.catalog.by_slug[slug]
        path = entry.path
        record.entries[path] = entry_row(entry)
        record.url_keys[path] = done.validated.url_keys[path]
        record.title_lines[path] = done.validated.title_lines[path]
        record.fingerprints[path] = rendering.fingerprints[path][1:]
    record.edited |= set(done.signatures)
    record.token = token
    record.problems = _problem_rows(done.validated.problems)
    record.title_pairs = done.title_pairs
    record.templates = dict(rendering.templates.compiled)


def _problem_rows(problems: Iterable[Problem]) -> list[tuple[Any, ...]]:
    return [(p.path, p.line, p.field, p.message, p.hint, p.severity) for p in problems]
