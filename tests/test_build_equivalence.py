"""Rebuilding after any edit gives the site a fresh build gives, byte for byte.

A state machine edits a copy of the fixture catalog and of the default templates
the ways people do (a field of an entry, an entry added, removed or renamed, the
vocabularies, the templates and the stylesheet), tampers with the output folders,
and sometimes breaks an entry and later fixes it. After every step it builds
twice: in one process with a kept :class:`BuildState`, as ``readinglist serve``
does, and into a second output folder as a new ``readinglist build`` process does
(no state, only the cache folder the last build left). Both must report what a
fresh build of the same content reports and, when the catalog is valid, leave the
site a fresh build makes; when it is not, the live site must stay as it was.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml
from hypothesis import note, seed, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)

from builds import FIXTURE, TODAY, files_under
from readinglist.build.output import next_folder
from readinglist.build.pipeline import BuildResult, build_site
from readinglist.build.state import BuildState
from readinglist.catalog.model import FIELD_NAMES, KINDS
from readinglist.catalog.vocabulary import lookup_key
from readinglist.config import SiteConfig
from readinglist.problems import Problem
from readinglist.site.render import DEFAULT_TEMPLATES

CONFIG = SiteConfig(page_size=3, feed_size=4, related_count=2)
"""Small pages and feeds: with a handful of entries an edit still moves entries between
pages, in and out of feeds and related lists."""

SHOW_EVERY_FIELD = (
    '<p class="all">{{ e.slug }} | {{ e.title }} | {{ e.url }} | {{ e.host }}'
    " | {% if e.date %}{{ e.date.iso }} {{ e.date.text }} {{ e.date.atom }}{% endif %}"
    " | {{ e.year }} | {{ e.kind }}"
    " | {% if e.company %}{{ e.company.id }} {{ e.company.name }}{% endif %}"
    " | {% for t in e.tags %}{{ t.id }}={{ t.name }};{% endfor %}"
    " | {{ e.authors|join(', ') }}"
    " | {% if e.added %}{{ e.added.iso }} {{ e.added.text }} {{ e.added.atom }}{% endif %}"
    " | {{ e.body }}</p>\n"
)
"""Every field of an entry's view, for list items: what a list page shows follows it."""
SHOW_THE_WHOLE_VIEW = "<!-- {{ e }} -->\n"
"""The view as Python writes it: every field, those added later too."""

RELATED_AS_SHOWN = '<span class="meta">{{ r.date.text }}</span>'
RELATED_EVERY_FIELD = (
    RELATED_AS_SHOWN + ' <span class="all">{{ r.authors|join(", ") }} {{ r.kind }}'
    " {% if r.company %}{{ r.company.name }}{% endif %}"
    " {% for t in r.tags %}{{ t.name }};{% endfor %} {{ r.host }}"
    " {% if r.added %}{{ r.added.iso }}{% endif %}</span>"
)
"""The related entries of an entry page showing more of each related entry."""

WORDS = (
    "Feature",
    "stores",
    "in",
    "practice",
    "Monitoring",
    "models",
    "at",
    "scale",
    "Real-time",
    "ML",
    "pipelines",
    "drift",
    "C++",
    "A/B tests",
    "<ML>",
    "&",
    "{{ 6*7 }}",
    "Ünïcödé",
    "Lessons:",
    "#1",
)
HOSTS = ("www.uber.com", "eugeneyan.com", "netflixtechblog.com", "huyenchip.com")
AUTHORS = (
    "Chip Huyen",
    "D. Sculley",
    "Jeremy Hermann-Smith",
    "Zoë Ng",
    "Mike Del Balso",
    "O'Brien, Pat",
)
SUMMARIES = (
    "",
    "A short summary.\n",
    "How one team runs **models** in production, with a [link](https://example.org/).\n",
    "Two paragraphs.\n\nThe second one has `code` and a list:\n\n- one\n- two\n",
    "Careful with <script>alert(1)</script> and {{ 7*7 }}.\n",
)
TAG_NAMES = (
    "ML operations",
    "Feature platforms",
    "Model monitoring",
    "Streaming ML",
    "Machine learning ops",
)
TAG_ALIASES = ("MLOps practice", "Feature platform", "Observability", "Online learning", "Ops")
NEW_TAGS = ("data-quality", "model-serving", "experiment-tracking", "llmops")
COMPANY_NAMES = ("Uber Technologies", "LinkedIn Corporation", "Uber AI", "LinkedIn Engineering")
BREAKAGES: tuple[tuple[str, str | None], ...] = (
    ("date", "2023-02-30"),
    ("added", "2099-01-01"),
    ("kind", "blog"),
    ("tags", "[no-such-tag]"),
    ("url", "not a url"),
    ("title", None),
)
"""Ways to make an entry invalid: a field's text, or None to leave the field out."""
FIELD_VALUES: dict[str, st.SearchStrategy[str | None]] = {
    "title": st.lists(st.sampled_from(WORDS), min_size=1, max_size=5).map(
        lambda words: yaml_text(" ".join(words))
    ),
    "url": st.sampled_from(HOSTS),
    "date": st.none()
    | st.dates(datetime.date(1995, 1, 1), TODAY).flatmap(
        lambda day: st.sampled_from([day.isoformat(), day.isoformat()[:7], str(day.year)])
    ),
    "company": st.none() | st.sampled_from(["uber", "linkedin"]),
    "kind": st.none() | st.sampled_from(KINDS),
    "authors": st.none()
    | st.lists(st.sampled_from(AUTHORS), min_size=1, max_size=3, unique=True).map(
        lambda names: yaml_list(names)
    ),
    "added": st.none() | st.dates(datetime.date(2026, 10, 1), TODAY).map(datetime.date.isoformat),
}
"""New text for a field of an entry, or None to leave the field out; a date is a day, a
month or a year; a company is drawn as its id, then spelt as the id or an alias."""
TEMPLATE_EDITS = (
    "show every field on list items",
    "show the whole view on list items",
    "show more of related entries",
    "change a template",
    "stylesheet",
    "restore",
)
VOCABULARY_EDITS = ("rename tag", "add alias", "add tag", "rename company")
ENTRY_FIELDS = ("title", "url", "date", "summary", "tags", "company", "kind", "authors", "added")
TAMPERING = ("delete", "append", "append beside", "empty")
STEPS = (
    *ENTRY_FIELDS,
    *ENTRY_FIELDS,
    *("add entry", "remove entry", "rename entry"),
    *VOCABULARY_EDITS,
    *TEMPLATE_EDITS,
    *TAMPERING,
    "break or fix an entry",
    "break or fix an entry",
)
"""Every change the machine makes, an entry's fields most often."""


def yaml_text(value: str, *, in_list: bool = False) -> str:
    """``value`` as a YAML scalar: plain where that reads back the same, else quoted."""
    plain = (
        value[:1].isalpha()
        and ": " not in value
        and " #" not in value
        and not value.endswith(":")
        and not (in_list and any(c in value for c in ",[]{}"))
    )
    if plain and yaml.safe_load(value) == value:
        return value
    return json.dumps(value, ensure_ascii=False)


def yaml_list(values: list[str]) -> str:
    return "[" + ", ".join(yaml_text(v, in_list=True) for v in values) + "]"


@dataclass
class EntryFile:
    """An entry as its file holds it: each front-matter value as written, and the body."""

    fields: dict[str, str]
    body: str
    broken: tuple[str, str | None] | None = None
    """A breakage the file currently carries: the field and its bad text (or no field)."""

    def text(self) -> str:
        shown = dict(self.fields)
        if self.broken is not None:
            key, bad = self.broken
            if bad is None:
                shown.pop(key, None)
            else:
                shown[key] = bad
        lines = [f"{key}: {shown[key]}" for key in FIELD_NAMES if key in shown]
        return "---\n" + "\n".join(lines) + "\n---\n" + self.body

    @classmethod
    def parse(cls, text: str) -> EntryFile:
        _, front, body = text.split("---\n", 2)
        pairs = (line.split(": ", 1) for line in front.splitlines())
        return cls(dict(pairs), body)


@dataclass
class Fresh:
    """What a build from scratch made of some content and templates."""

    problems: tuple[Problem, ...]
    ok: bool
    files: dict[str, bytes] = field(default_factory=dict)


FRESH: dict[str, Fresh] = {}
"""Fresh builds by a digest of their inputs, shared by every example: most steps that
tamper with the output, and every example's first step, need no new one."""


def build(
    content: Path,
    out: Path,
    cache: Path | None,
    templates: Path,
    state: BuildState | None,
    config: SiteConfig = CONFIG,
) -> BuildResult:
    return build_site(
        content,
        out,
        config,
        today=TODAY,
        cache_dir=cache,
        search=False,
        templates=templates,
        state=state,
    )


def differences(got: dict[str, bytes], want: dict[str, bytes]) -> list[str]:
    """The files that are missing, extra or different, for a failure message."""
    missing = [f"missing {p}" for p in sorted(want.keys() - got.keys())]
    extra = [f"extra {p}" for p in sorted(got.keys() - want.keys())]
    changed = [f"differs {p}" for p in sorted(want.keys() & got.keys()) if want[p] != got[p]]
    return missing + extra + changed


def inputs_digest(*folders: Path) -> str:
    digest = hashlib.sha256()
    for folder in folders:
        for path, data in files_under(folder).items():
            digest.update(f"{folder.name}/{path}\0{len(data)}\0".encode())
            digest.update(data)
    return digest.hexdigest()


def pick(data: st.DataObject, choices: list[str] | tuple[str, ...], label: str) -> str:
    return data.draw(st.sampled_from(sorted(choices)), label=label)


@seed(3)  # the same examples every run
class BuildEquivalence(RuleBasedStateMachine):
    """Edits, tampering and breakage; after each, two incremental builds and a fresh one."""

    ROOT = Path(tempfile.gettempdir())
    """One folder for every example, emptied at each start: problems name the content
    folder, so fresh builds of the same content compare equal across examples. The test
    sets it to a folder of its own."""

    def __init__(self) -> None:
        super().__init__()
        self.root = BuildEquivalence.ROOT / "machine"
        shutil.rmtree(self.root, ignore_errors=True)
        self.root.mkdir()
        self.content = self.root / "content"
        self.templates = self.root / "templates"
        shutil.copytree(FIXTURE, self.content)
        shutil.copytree(DEFAULT_TEMPLATES, self.templates)
        self.entries = {
            path.stem: EntryFile.parse(path.read_text(encoding="utf-8"))
            for path in sorted((self.content / "entries").glob("*.md"))
        }
        self.tags: dict[str, dict[str, object]] = yaml.safe_load(
            (self.content / "tags.yml").read_text(encoding="utf-8")
        )
        self.companies: dict[str, dict[str, object]] = yaml.safe_load(
            (self.content / "companies.yml").read_text(encoding="utf-8")
        )
        self.state = BuildState()
        self.outputs = {
            "serve": (self.root / "serve" / "site", self.root / "serve-cache"),
            "cli": (self.root / "cli" / "site", self.root / "cli-cache"),
        }
        self.counter = 0
        self.fresh_builds = 0

    def teardown(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)

    # Writing the model back --------------------------------------------------------

    def next_number(self) -> int:
        self.counter += 1
        return self.counter

    def entry_path(self, slug: str) -> Path:
        return self.content / "entries" / f"{slug}.md"

    def write_entry(self, slug: str) -> None:
        self.entry_path(slug).write_text(self.entries[slug].text(), encoding="utf-8")

    def write_tags(self) -> None:
        lines = ["# The tag vocabulary of the test fixture catalog."]
        for ident, tag in self.tags.items():
            lines.append(f"{ident}:")
            for key in ("name", "description"):
                if key in tag:
                    lines.append(f"  {key}: {yaml_text(str(tag[key]))}")
            if tag.get("aliases"):
                lines.append(f"  aliases: {yaml_list(self.aliases(tag))}")
        (self.content / "tags.yml").write_text("\n".join(lines) + "\n", encoding="utf-8")

    def write_companies(self) -> None:
        lines = []
        for ident, company in self.companies.items():
            lines.append(f"{ident}:")
            for key in ("name", "homepage"):
                if key in company:
                    lines.append(f"  {key}: {yaml_text(str(company[key]))}")
            if company.get("aliases"):
                lines.append(f"  aliases: {yaml_list(self.aliases(company))}")
        (self.content / "companies.yml").write_text("\n".join(lines) + "\n", encoding="utf-8")

    @staticmethod
    def aliases(named: dict[str, object]) -> list[str]:
        found = named.get("aliases") or []
        assert isinstance(found, list)
        return [str(a) for a in found]

    def spellings(self, vocabulary: dict[str, dict[str, object]]) -> dict[str, str]:
        """Every lookup key in use (id, name, alias) to the id it stands for."""
        keys: dict[str, str] = {}
        for ident, named in vocabulary.items():
            for spelling in (ident, str(named.get("name", ident)), *self.aliases(named)):
                keys[lookup_key(spelling)] = ident
        return keys

    def unused(self, candidates: tuple[str, ...]) -> list[str]:
        taken = self.spellings(self.tags).keys() | self.spellings(self.companies).keys()
        return [c for c in candidates if lookup_key(c) not in taken]

    def draw_spelling(
        self, data: st.DataObject, vocabulary: dict[str, dict[str, object]], ident: str
    ) -> str:
        """An id or an alias: names change when the vocabulary is edited, these do not."""
        return pick(data, [ident, *self.aliases(vocabulary[ident])], "spelling")

    def entry_tags(self, slug: str) -> list[str]:
        text = self.entries[slug].fields["tags"]
        return [t.strip().strip('"') for t in text.strip("[]").split(",") if t.strip()]

    def draw_entry(self, data: st.DataObject) -> str:
        return pick(data, list(self.entries), "entry")

    def new_entry(self, data: st.DataObject) -> EntryFile:
        number = self.next_number()
        ident = pick(data, list(self.tags), "tag")
        fields = {
            "title": yaml_text(f"A new entry number {number}"),
            "url": f"https://mlops.community/blog/new-{number}",
            "date": data.draw(st.dates(datetime.date(2010, 1, 1), TODAY), label="date").isoformat(),
            "tags": yaml_list([self.draw_spelling(data, self.tags, ident)]),
            "added": TODAY.isoformat(),
        }
        return EntryFile(fields, data.draw(st.sampled_from(SUMMARIES), label="summary"))

    # Editing an entry's fields -------------------------------------------------------

    @rule(data=st.data(), what=st.sampled_from(STEPS))
    def step(self, data: st.DataObject, what: str) -> None:
        """One change: to a field of an entry, an entry file, the vocabularies, a template
        or the output, or an entry broken or fixed. One rule, whose choices say how often
        each kind of change comes (Hypothesis turns whole rules off in some examples)."""
        if what in TAMPERING:
            self.tamper(data, what)
        elif what == "break or fix an entry":
            self.break_or_fix(data)
        elif what in FIELD_VALUES or what in ("tags", "summary"):
            slug = self.draw_entry(data)
            self.edit_field(data, slug, what)
            self.write_entry(slug)
        elif what.endswith(" entry"):
            self.entry_file(data, what.removesuffix(" entry"))
        elif what in VOCABULARY_EDITS:
            self.edit_vocabulary(data, what)
        else:
            self.edit_templates(data, what)

    def edit_field(self, data: st.DataObject, slug: str, what: str) -> None:
        """Change one field of an entry, or its summary."""
        entry = self.entries[slug]
        if what == "summary":
            entry.body = data.draw(st.sampled_from(SUMMARIES), label="summary")
        elif what == "tags":
            self.edit_tags(data, slug)
        else:
            value = data.draw(FIELD_VALUES[what], label=what)
            if what == "company" and value is not None:
                value = yaml_text(self.draw_spelling(data, self.companies, value))
            elif what == "url":
                value = f"https://{value}/posts/{self.next_number()}"
            if value is None:
                entry.fields.pop(what, None)
            else:
                entry.fields[what] = value

    def edit_tags(self, data: st.DataObject, slug: str) -> None:
        """Add a tag, remove one or reorder them."""
        tags = self.entry_tags(slug)
        keys = self.spellings(self.tags)
        present = {keys.get(lookup_key(t)) for t in tags}
        addable = [ident for ident in self.tags if ident not in present]
        ways = ["reorder"] + (["add"] if addable and len(tags) < 6 else [])
        ways += ["remove"] if len(tags) > 1 else []
        how = data.draw(st.sampled_from(ways), label="tags")
        if how == "add":
            ident = pick(data, addable, "tag")
            at = data.draw(st.integers(0, len(tags)), label="at")
            tags.insert(at, self.draw_spelling(data, self.tags, ident))
        elif how == "remove":
            tags.pop(data.draw(st.integers(0, len(tags) - 1), label="at"))
        else:
            tags = data.draw(st.permutations(tags), label="order")
        self.entries[slug].fields["tags"] = yaml_list(tags)

    # Adding, removing and renaming entry files ------------------------------------------

    def entry_file(self, data: st.DataObject, how: str) -> None:
        """A new entry file, one removed, or one renamed to a new slug."""
        if how == "add":
            slug = f"added-{self.next_number()}"
            self.entries[slug] = self.new_entry(data)
            self.write_entry(slug)
            return
        if how == "remove" and len(self.entries) < 2:
            return
        slug = self.draw_entry(data)
        if how == "remove":
            del self.entries[slug]
            self.entry_path(slug).unlink()
        else:
            renamed = f"renamed-{self.next_number()}"
            self.entries[renamed] = self.entries.pop(slug)
            self.entry_path(slug).rename(self.entry_path(renamed))

    # Breaking an entry, and fixing it -------------------------------------------------

    def break_or_fix(self, data: st.DataObject) -> None:
        """Break one entry; once one is broken, fix it instead: one breakage at a time."""
        broken = [slug for slug, entry in self.entries.items() if entry.broken]
        slug = pick(data, broken, "broken entry") if broken else self.draw_entry(data)
        if broken:
            self.entries[slug].broken = None
        else:
            self.entries[slug].broken = data.draw(st.sampled_from(BREAKAGES), label="breakage")
        self.write_entry(slug)

    # Editing the vocabularies -------------------------------------------------------

    def edit_vocabulary(self, data: st.DataObject, how: str) -> None:
        """Rename a tag or a company, give a tag another alias, or add a tag."""
        candidates = {
            "rename tag": TAG_NAMES,
            "add alias": TAG_ALIASES,
            "add tag": NEW_TAGS,
            "rename company": COMPANY_NAMES,
        }
        unused = self.unused(candidates[how])
        if not unused:
            return
        new = pick(data, unused, "new")
        if how == "rename company":
            ident = pick(data, list(self.companies), "company")
            self.companies[ident]["name"] = new
            self.write_companies()
            return
        if how == "add tag":
            words = new.replace("-", " ")
            self.tags[new] = {"name": words.capitalize(), "description": f"All about {words}."}
        else:
            ident = pick(data, list(self.tags), "tag")
            if how == "rename tag":
                self.tags[ident]["name"] = new
            else:
                self.tags[ident]["aliases"] = [*self.aliases(self.tags[ident]), new]
        self.write_tags()

    # Editing the templates ----------------------------------------------------------

    def edit_templates(self, data: st.DataObject, how: str) -> None:
        """Show more of an entry on list items or related entries, change a template or
        the stylesheet, or put a template back as it came."""
        if how == "show every field on list items":
            item = self.templates / "_item.html"
            text = item.read_text(encoding="utf-8")
            if SHOW_EVERY_FIELD not in text:
                head, end, tail = text.rpartition("</li>")
                item.write_text(head + SHOW_EVERY_FIELD + end + tail, encoding="utf-8")
        elif how == "show the whole view on list items":
            item = self.templates / "_item.html"
            text = item.read_text(encoding="utf-8")
            if SHOW_THE_WHOLE_VIEW not in text:
                item.write_text(text + SHOW_THE_WHOLE_VIEW, encoding="utf-8")
        elif how == "show more of related entries":
            page = self.templates / "entry.html"
            text = page.read_text(encoding="utf-8")
            if RELATED_EVERY_FIELD not in text:
                text = text.replace(RELATED_AS_SHOWN, RELATED_EVERY_FIELD)
                page.write_text(text, encoding="utf-8")
        elif how == "stylesheet":
            colour = data.draw(st.sampled_from(["#c00", "#0a0", "navy"]), label="colour")
            with (self.templates / "style.css").open("a", encoding="utf-8") as sheet:
                sheet.write(f".meta {{ color: {colour}; }}\n")
        elif how == "restore":
            name = pick(data, [p.name for p in DEFAULT_TEMPLATES.iterdir()], "template")
            shutil.copyfile(DEFAULT_TEMPLATES / name, self.templates / name)
        else:
            names = [p.name for p in self.templates.iterdir() if p.suffix in (".html", ".xml")]
            name = pick(data, names, "template")
            with (self.templates / name).open("a", encoding="utf-8") as template:
                template.write(f"<!-- edit {self.next_number()} -->\n")

    # Tampering with the output ------------------------------------------------------

    def tamper(self, data: st.DataObject, how: str) -> None:
        """Delete a file of the live site or append a byte to one, there or in the folder
        beside it; or delete everything in the live site."""
        which = data.draw(st.sampled_from(["serve", "cli"]), label="site")
        live = self.outputs[which][0]
        if how == "empty":
            for child in list(live.iterdir()) if live.is_dir() else []:
                if child.is_dir():
                    shutil.rmtree(child)
                else:
                    child.unlink()
            return
        folder = next_folder(live) if how == "append beside" else live
        found = files_under(folder) if folder.is_dir() else {}
        # The files the last build wrote are the ones its successor may take from the
        # live site rather than render; tampering with those is the harder case.
        beside = files_under(next_folder(live)) if how != "append beside" else {}
        recent = [path for path, body in found.items() if beside.get(path) != body]
        prefer_recent = bool(recent) and data.draw(st.booleans(), label="recent")
        choices = sorted(recent if prefer_recent else found)
        if not choices:
            return
        path = folder / pick(data, choices, "file")
        if how == "delete":
            path.unlink()
        else:
            with path.open("ab") as tampered:
                tampered.write(b"x")

    # After every step ---------------------------------------------------------------

    def fresh(self) -> Fresh:
        key = inputs_digest(self.content, self.templates)
        known = FRESH.get(key)
        if known is None:
            self.fresh_builds += 1
            out = self.root / f"fresh-{self.fresh_builds}" / "site"
            result = build(self.content, out, None, self.templates, None)
            known = Fresh(result.problems, result.ok, files_under(out) if result.ok else {})
            assert not result.failure, result.failure
            shutil.rmtree(out.parent)
            FRESH[key] = known
        return known

    @initialize(
        data=st.data(),
        theme=st.sampled_from(
            ["as it came", "show every field on list items", "show the whole view on list items"]
        ),
    )
    def start(self, data: st.DataObject, theme: str) -> None:
        """Most examples start from a theme whose list items show every field of an entry:
        then an edit of any field must reach every list the entry is on."""
        note(f"content {self.content}, templates {self.templates}")
        if theme != "as it came":
            self.edit_templates(data, theme)

    @invariant()
    def rebuilds_equal_a_fresh_build(self) -> None:
        fresh = self.fresh()
        for which, (live, cache) in self.outputs.items():
            before = files_under(live) if live.is_dir() else {}
            memory = self.state if which == "serve" else None
            result = build(self.content, live, cache, self.templates, memory)
            assert not result.failure, f"{which}: {result.failure}"
            assert result.problems == fresh.problems, f"{which}: the problems differ"
            assert result.ok == fresh.ok
            after = files_under(live) if live.is_dir() else {}
            if fresh.ok:
                wrong = differences(after, fresh.files)
                assert not wrong, f"{which} differs from a fresh build: {wrong}"
            else:
                wrong = differences(after, before)
                assert not wrong, f"{which}: a failed build changed the live site: {wrong}"


def test_rebuilds_after_any_edits_equal_a_fresh_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(BuildEquivalence, "ROOT", tmp_path)
    FRESH.clear()
    run_state_machine_as_test(
        BuildEquivalence,
        settings=settings(max_examples=16, stateful_step_count=8, deadline=None, database=None),
    )


# A past bug: list pages kept showing the old authors ----------------------------------


@pytest.fixture
def authors_on_list_items(tmp_path: Path) -> Iterator[Path]:
    templates = tmp_path / "templates"
    shutil.copytree(DEFAULT_TEMPLATES, templates)
    item = templates / "_item.html"
    item.write_text(item.read_text() + "<p>{{ e.authors|join(', ') }}</p>\n")
    yield templates


@pytest.mark.parametrize("process", ["same process", "new process"])
def test_list_pages_show_an_entry_s_edited_authors(
    content: Path, tmp_path: Path, authors_on_list_items: Path, process: str
) -> None:
    """Once a list item shows authors, an authors edit reaches every list the entry is on."""
    templates = authors_on_list_items
    out, cache = tmp_path / "site", tmp_path / "cache"
    state = BuildState() if process == "same process" else None
    config = SiteConfig()  # every list on one page
    assert build(content, out, cache, templates, state, config).ok
    entry = content / "entries" / "michelangelo.md"
    entry.write_text(entry.read_text().replace("Jeremy Hermann,", "Jeremy Hermann-Smith,"))
    assert build(content, out, cache, templates, state, config).ok
    assert build(content, tmp_path / "fresh", None, templates, None, config).ok

    lists = [
        "index.html",
        "tags/mlops/index.html",
        "tags/feature-store/index.html",
        "companies/uber/index.html",
        "kinds/article/index.html",
        "years/2017/index.html",
        "new/index.html",
    ]
    site = files_under(out)
    for page in lists:
        assert "Jeremy Hermann-Smith, Mike Del Balso" in (out / page).read_text(), page
    assert differences(site, files_under(tmp_path / "fresh")) == []
