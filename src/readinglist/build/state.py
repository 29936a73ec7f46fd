"""What a build keeps for the next one: in memory for ``serve``, in the cache folder otherwise.

What is kept is kept because a user feels it: the rendered summaries
(Markdown is most of a cold build's rendering: a build that finds them renders
10,000 summaries in no time instead of about a second), each output folder's
manifest (what every file was rendered from and its stamp once written, so only
pages whose inputs changed, or whose files were changed since, are rendered and
written), what the checker learnt (so a rebuild reads and checks only the entry
files that changed), and the related entries and the entries' lines in the
exports, which a new process would otherwise work out for every entry (0.1 and
0.2 s at 10,000 entries), and the templates compiled (see
:mod:`readinglist.build.compiled`). Everything on disk is plain data,
written to a temporary file and renamed into place. A cache that is damaged,
from another version, unreadable or not a folder at all is set aside with one
warning, and the build goes on as if there were none.
"""

from __future__ import annotations

import contextlib
import itertools
import marshal
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from readinglist import __version__
from readinglist.build.output import NO_MANIFEST, Manifest

FORMAT = f"readinglist {__version__} build state 4"
"""Stored with every file: a file written by another version is not read."""
FOLDER = "build"
"""Below the cache folder, beside ``links.json``."""


@dataclass
class BuildState:
    """What the last build in this process left for the next one."""

    remember: bool = True
    """Whether anything of this build will be looked at again: not when it runs in a
    process of its own without a cache (``--no-cache``), where every page is
    rendered anyway and fingerprinting them would be work for nobody."""
    again: bool = True
    """Whether another build in this process will start from this state, as in
    ``serve``: a build in a process of its own keeps in memory only what it needs."""
    summaries: dict[str, tuple[str, str]] = field(default_factory=dict)
    """Rendered summaries, as HTML and as plain text, by body key, valid for
    ``summaries_version``."""
    summaries_version: str = ""
    entries: Any = None
    """The last build's entries, against which this build's changes are found (see
    :func:`readinglist.build.entrywise.changes`)."""
    body_keys: Any = None
    """The entries the last body keys were worked out for, and each one's key by the
    entry's ``id``."""
    manifests: dict[str, Manifest] = field(default_factory=dict)
    """Each output folder's manifest, by the folder's identity (see :func:`folder_id`)."""
    related: tuple[str, dict[str, tuple[str, ...]]] | None = None
    """The last related entries and the key of what they were worked out from."""
    related_since: Any = None
    """The entries ``related_from`` was made of, in this process."""
    related_from: Any = None
    """What the last related entries in this process were worked out from: the count
    and :func:`~readinglist.site.related.related_inputs`."""
    checks: Any = None
    """The checker's memory (:class:`readinglist.build.checking.CheckMemory`)."""
    views: Any = None
    """The entries the last build's views were made for, the terms and summaries'
    renderer they were made with, the views by slug and the digests of what each was
    made from by slug: unchanged entries keep one view object from build to build."""
    rows_lines: Any = None
    """The entries the last build's export lines were made for, the site's version,
    the lines by slug and the digests they were kept by (``views``' digests)."""
    rows: dict[bytes, Any] = field(default_factory=dict)
    """The last build's export lines by the digest of what each was made from, for
    ``rows_version``."""
    rows_version: str = ""
    """The site's version the ``rows`` were made for."""
    renderer: Any = None
    """(site version, Jinja environment, copied files) of the last build."""
    digests: dict[Any, bytes] = field(default_factory=dict)
    """The digests of the last build's views and entries, by the instance itself."""
    site: Any = None
    """What every page of the last build was planned with (its settings)."""
    sections: dict[str, Any] = field(default_factory=dict)
    """The last build's sections, by key, as (plan, inputs, pages planned): a section
    whose inputs are equal keeps its pages, the same objects."""
    closing: Any = ()
    """The last build's pages planned from all the others (the sitemap, say)."""
    planned: Any = None
    """Every page of the last build's plan, against which the next plan tells what is
    fresh."""
    pages: dict[str, tuple[Any, str]] = field(default_factory=dict)
    """By path, the last build's page and its fingerprint, for ``pages_version``: a page
    with the same template and an equal context keeps its fingerprint without being
    fingerprinted again. Most are the very same page, kept with its section."""
    prints: dict[str, str] = field(default_factory=dict)
    """The last build's page fingerprints, by path."""
    printed: Any = None
    """The plan's pages the ``prints`` were worked out for."""
    pages_version: str = ""
    """The site's version the ``pages`` were fingerprinted for."""


def folder_id(tree: Path) -> str | None:
    """An output folder's identity, which the swap keeps (a rename keeps the inode)."""
    try:
        info = tree.stat()
    except OSError:
        return None
    return f"{info.st_dev}-{info.st_ino}"


class Cache:
    """The cache folder as the build sees it: plain data in, plain data out, never a raise.

    Every problem becomes one line in ``notes`` and the build carries on without
    what could not be read or written.
    """

    def __init__(self, root: Path | None, notes: list[str]) -> None:
        self.notes = notes
        self.root: Path | None = None
        if root is None:
            return
        if (root.exists() or root.is_symlink()) and not root.is_dir():
            self.note(f"the cache {root} is not a folder; building without it")
            return
        self.root = root / FOLDER

    def note(self, line: str) -> None:
        if line not in self.notes:
            self.notes.append(line)

    def read(self, name: str) -> Any | None:
        """The data stored under ``name``; None when there is none or it cannot be used."""
        if self.root is None:
            return None
        path = self.root / name
        try:
            # Read whole, then unmarshalled: marshal.load on a file reads it piece by
            # piece through Python, 0.04 s for a manifest of 12,000 files, against 0.006 s.
            form, data = marshal.loads(path.read_bytes())
        except FileNotFoundError:
            return None
        except (OSError, EOFError, ValueError, TypeError) as exc:
            self.note(f"the cache file {path} cannot be read ({_why(exc)}); starting afresh")
            return None
        if form != FORMAT:
            return None  # another version's: nothing wrong, just of no use
        return data

    def write(self, name: str, data: Any) -> None:
        """Store ``data`` under ``name``, whole or not at all."""
        if self.root is None:
            return
        path = self.root / name
        temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            with temporary.open("wb") as out:
                marshal.dump((FORMAT, data), out)
            temporary.replace(path)
        except (OSError, ValueError) as exc:
            with contextlib.suppress(OSError):
                temporary.unlink()
            self.note(f"the cache file {path} cannot be written ({_why(exc)}); not kept")

    def forget(self, name: str) -> None:
        """Remove what is stored under ``name``: it no longer describes anything."""
        if self.root is not None:
            try:
                (self.root / name).unlink(missing_ok=True)
            except OSError as exc:
                self.note(f"the cache file {self.root / name} cannot be removed ({_why(exc)})")

    def prune(self, prefix: str, keep: set[str]) -> None:
        """Remove the files named ``prefix...`` but those in ``keep``: folders now gone."""
        if self.root is None:
            return
        with contextlib.suppress(OSError):
            for path in self.root.glob(prefix + "*"):
                if path.name not in keep:
                    path.unlink(missing_ok=True)


def _why(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror.lower()
    return "damaged"


def manifest_name(identity: str) -> str:
    return f"folder-{identity}.marshal"


def load_manifest(cache: Cache, state: BuildState, identity: str | None) -> Manifest:
    """The manifest of the folder ``identity``: from memory, else from the cache; empty
    when there is none (the folder is then emptied and built afresh)."""
    if identity is None:
        return NO_MANIFEST
    known = state.manifests.get(identity)
    if known is not None:
        return known
    stored = cache.read(manifest_name(identity))
    if stored is None:
        return NO_MANIFEST
    if not _well_formed_manifest(stored):
        cache.note(f"the cache's record of {identity} is damaged; starting afresh")
        return NO_MANIFEST
    return Manifest(*stored)


def _well_formed_manifest(stored: object) -> bool:
    """Whether ``stored`` is two mappings of the same paths, one to fingerprints and one
    to stamps: asked of every type at once, in C."""
    if type(stored) is not tuple or len(stored) != 2:
        return False
    prints, stamps = stored
    if type(prints) is not dict or type(stamps) is not dict or prints.keys() != stamps.keys():
        return False
    return (
        set(map(type, prints)) <= {str}
        and set(map(type, prints.values())) <= {str}
        and set(map(type, stamps.values())) <= {tuple}
        and set(map(len, stamps.values())) <= {2}
        and set(map(type, itertools.chain.from_iterable(stamps.values()))) <= {int}
    )


def forget_manifest(cache: Cache, state: BuildState, identity: str) -> None:
    """From now until its new manifest is saved, what the folder holds is unknown."""
    state.manifests.pop(identity, None)
    cache.forget(manifest_name(identity))


def save_manifest(
    cache: Cache, state: BuildState, identity: str, manifest: Manifest, live: str | None
) -> None:
    """Keep the manifest of the folder just built; only it and the live one's are kept."""
    keep = {identity, live}
    state.manifests = {i: m for i, m in state.manifests.items() if i in keep}
    state.manifests[identity] = manifest
    cache.write(manifest_name(identity), (manifest.prints, manifest.stamps))
    cache.prune("folder-", {manifest_name(i) for i in keep if i is not None})
