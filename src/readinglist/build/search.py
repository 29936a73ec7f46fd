"""The search index: Pagefind run over the finished site, then put in one canonical order.

``index_site(tree)`` writes Pagefind's bundle to ``tree/pagefind/`` and returns a
problem, never an exception, when Pagefind cannot run or fails.

Why more than running Pagefind. Pagefind 1.5.2 (the version in uv.lock, and the
newest released) writes its filter indexes in an order that changes from run to
run: ``build_indexes`` in ``pagefind/src/index/mod.rs`` collects them in a
``hashbrown::HashMap`` of filter name to a ``HashMap`` of value to pages, whose
iteration order is seeded afresh in every process, and encodes both maps in that
order (its own comment there: "TODO: Change filter indexes to BTree to give them
a stable hash"). So the values inside each ``filter/*.pf_filter`` come out
shuffled, the file's name (a hash of its bytes) changes with them, and so do the
list of filters in ``pagefind.<hash>.pf_meta``, that file's name, and the hash
``pagefind-entry.json`` gives for it. The meta file's list of sorts (once a site
has two sort keys) and the entry file's languages (once it has two languages)
come from hash maps too. Fragments and word indexes are already stable. No
option or environment variable controls the order, and Pagefind's Python API
(``pagefind.index.PagefindIndex``) drives the same indexer, so it cannot either.
Upstream sorts these maps since commit 0b56369 ("completion of deterministic
output", August 2026), which is not yet in a release.

So the bundle is rewritten in a canonical order: each filter's values sorted,
the meta file's filters and sorts sorted by name, every rewritten file named by
the hash of its bytes as Pagefind names it, and the entry file's languages
sorted. This is safe because the order carries no meaning: Pagefind's reader
(``pagefind_web/src/filter_index.rs`` and ``metadata.rs``) loads filter values,
filter chunks and sorts into ``BTreeMap``\\ s, whatever order they were written in.
A file is rewritten only when decoding and re-encoding it gives back exactly
Pagefind's bytes, so a future Pagefind that writes something this module does
not understand is left as it wrote it, with a warning that the index is then
not byte-stable.

The run is also kept free of outside influence: the bundle folder is emptied
first (Pagefind never deletes a file, so an old build's would stay), Pagefind
runs in an empty working directory (it reads ``pagefind.yml`` and friends from
there), and ``PAGEFIND_*`` settings in the environment are not passed on, apart
from ``PAGEFIND_BINARY_PATH``, which only says where the program is.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib
from pathlib import Path
from typing import TypeAlias

from readinglist.problems import Problem

SEARCH_DIR = "pagefind"
"""The bundle's folder inside the site; the search page loads ``pagefind/pagefind.js``."""

_SIGNATURE = b"pagefind_dcd"
"""What every decompressed Pagefind data file starts with."""
_KEPT_VARIABLE = "PAGEFIND_BINARY_PATH"
"""Read by the ``pagefind`` wrapper to find the program; it changes no output."""
_FIELD = "search"
_INSTALL_HINT = "install it with pip install 'pagefind[bin]', or build with --no-search"

Cbor: TypeAlias = "int | str | list[Cbor]"
"""The part of CBOR Pagefind's filter and meta files use: unsigned integers, text, arrays."""


class _Unexpected(ValueError):
    """A file is not what Pagefind 1.x writes; it is then left as it is."""


def index_site(tree: Path) -> Problem | None:
    """Index the finished site in ``tree`` into ``tree/pagefind/``, the same bytes for the same
    pages; a problem when Pagefind cannot run or fails, or (a warning) when its output could
    not be put in canonical order."""
    bundle = tree / SEARCH_DIR
    try:
        if bundle.is_dir() and not bundle.is_symlink():
            shutil.rmtree(bundle)
        else:
            bundle.unlink(missing_ok=True)
    except OSError as exc:
        return Problem(str(tree), 1, _FIELD, f"the old search index could not be removed: {exc}")
    problem = _run_pagefind(tree)
    if problem is not None:
        return problem
    try:
        canonicalise(bundle)
    except _Unexpected as exc:
        return Problem(
            str(bundle),
            1,
            _FIELD,
            f"the search index works but is not byte-stable: {exc}",
            "use the Pagefind version in uv.lock",
            severity="warning",
        )
    except OSError as exc:
        return Problem(str(bundle), 1, _FIELD, f"the search index could not be rewritten: {exc}")
    return None


def _run_pagefind(tree: Path) -> Problem | None:
    site = str(tree.resolve())
    command = [sys.executable, "-m", "pagefind", "--site", site, "--output-subdir", SEARCH_DIR]
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("PAGEFIND_") or name == _KEPT_VARIABLE
    }
    try:
        with tempfile.TemporaryDirectory(prefix="readinglist-pagefind-") as empty:
            completed = subprocess.run(
                command,
                cwd=empty,
                env=environment,
                stdin=subprocess.DEVNULL,
                capture_output=True,
                text=True,
                errors="replace",
                check=False,
            )
    except OSError as exc:
        return Problem(str(tree), 1, _FIELD, f"Pagefind could not start: {exc}", _INSTALL_HINT)
    if completed.returncode != 0:
        lines = (completed.stderr or completed.stdout).strip().splitlines() or ["no output"]
        return Problem(
            str(tree),
            1,
            _FIELD,
            f"Pagefind failed (exit status {completed.returncode}): {lines[-1].strip()}",
            _INSTALL_HINT,
        )
    if not (tree / SEARCH_DIR / "pagefind-entry.json").is_file():
        return Problem(
            str(tree),
            1,
            _FIELD,
            "Pagefind wrote no search index (are there HTML pages in the site?)",
            _INSTALL_HINT,
        )
    return None


def canonicalise(bundle: Path) -> None:
    """Rewrite the filter indexes, meta indexes and entry file of a Pagefind bundle in canonical
    order, renamed by their new hashes. Raises ``_Unexpected``, having changed nothing, when a
    file is not one this module can re-encode byte for byte."""
    entry_path = bundle / "pagefind-entry.json"
    try:
        entry = json.loads(entry_path.read_text(encoding="utf-8"))
        languages: dict[str, dict[str, object]] = entry["languages"]
        metas = {language: languages[language]["hash"] for language in sorted(languages)}
    except (ValueError, KeyError, TypeError) as exc:
        raise _Unexpected(f"pagefind-entry.json is not as expected ({exc!r})") from exc

    # Everything is read and checked first, so a surprise leaves the bundle untouched.
    removed: list[Path] = []
    written: dict[Path, bytes] = {}
    taken: set[str] = set()
    for language, meta_hash in metas.items():
        meta_path = bundle / f"pagefind.{_name(meta_hash)}.pf_meta"
        meta = _read(meta_path)
        if len(meta) < 5:
            raise _Unexpected(f"{meta_path.name} is not a Pagefind meta index")
        removed.append(meta_path)
        new_filters: list[Cbor] = []
        for name, filter_hash in sorted(_pairs(meta[3], meta_path), key=_key):
            filter_path = bundle / "filter" / f"{_name(filter_hash)}.pf_filter"
            index = _read(filter_path)
            if len(index) != 2:
                raise _Unexpected(f"{filter_path.name} is not a Pagefind filter index")
            removed.append(filter_path)
            values: list[Cbor] = [
                [value, pages] for value, pages in sorted(_pairs(index[1], filter_path), key=_key)
            ]
            data = _encode([index[0], values])
            short = _short_name(f"{language}_{_full_hash(data)}", len(language) + 8, taken)
            written[bundle / "filter" / f"{short}.pf_filter"] = _compress(data)
            new_filters.append([name, short])
        meta[3] = new_filters
        sorts: list[Cbor] = [
            [key, pages] for key, pages in sorted(_pairs(meta[4], meta_path), key=_key)
        ]
        meta[4] = sorts
        data = _encode(meta)
        new_hash = f"{language}_{_full_hash(data)[: len(language) + 8]}"
        written[bundle / f"pagefind.{new_hash}.pf_meta"] = _compress(data)
        languages[language]["hash"] = new_hash

    entry["languages"] = {language: languages[language] for language in sorted(languages)}
    text = json.dumps(entry, ensure_ascii=False, separators=(",", ":"))
    for path in removed:
        path.unlink(missing_ok=True)
    for path, content in sorted(written.items()):
        path.write_bytes(content)
    entry_path.write_text(text, encoding="utf-8")


def _read(path: Path) -> list[Cbor]:
    """A Pagefind data file's value, checked to re-encode to exactly the bytes it came from."""
    try:
        raw = zlib.decompress(path.read_bytes(), wbits=47)  # gzip or zlib wrapping
    except (OSError, zlib.error) as exc:
        raise _Unexpected(f"{path.name} could not be read ({exc})") from exc
    if not raw.startswith(_SIGNATURE):
        raise _Unexpected(f"{path.name} lacks Pagefind's signature")
    data = raw[len(_SIGNATURE) :]
    value, end = _decode(data, 0)
    if end != len(data) or _encode(value) != data or not isinstance(value, list):
        raise _Unexpected(f"{path.name} is not in the form this build can re-encode")
    return value


def _pairs(value: Cbor, path: Path) -> list[tuple[str, Cbor]]:
    """An array of ``[text, anything]`` arrays (filters, sorts, a filter's values) as tuples;
    the texts are the keys of the maps Pagefind wrote them from, so each is there once."""
    if not isinstance(value, list):
        raise _Unexpected(f"{path.name} has no list where Pagefind writes one")
    pairs: list[tuple[str, Cbor]] = []
    for item in value:
        if not (isinstance(item, list) and len(item) == 2 and isinstance(item[0], str)):
            raise _Unexpected(f"{path.name} has an entry that is not a [name, value] pair")
        pairs.append((item[0], item[1]))
    if len({key for key, _ in pairs}) != len(pairs):
        raise _Unexpected(f"{path.name} names one thing twice")
    return pairs


def _key(pair: tuple[str, Cbor]) -> str:
    """By name, in the order of Rust's strings (as upstream Pagefind now sorts them): the order
    of UTF-8 bytes, which is Python's order of code points."""
    return pair[0]


def _name(value: object) -> str:
    """A file name's hash part as Pagefind writes it: letters, digits, ``_`` and ``-``."""
    if not (
        isinstance(value, str)
        and value.isascii()
        and value.replace("_", "").replace("-", "").isalnum()
    ):
        raise _Unexpected(f"{value!r} is not the name of a Pagefind file")
    return value


def _full_hash(data: bytes) -> str:
    """Pagefind's ``full_hash``: SHA-1, each byte in hex without a leading zero (``{:x?}``)."""
    return "".join(f"{byte:x}" for byte in hashlib.sha1(data).digest())


def _short_name(full: str, length: int, taken: set[str]) -> str:
    """The first ``length`` characters of ``full``, longer while another file has that name."""
    short = full[:length]
    while short in taken and len(short) < len(full):
        short = full[: len(short) + 1]
    taken.add(short)
    return short


def _compress(data: bytes) -> bytes:
    """Pagefind's signature and ``data``, gzipped with a fixed header (no time, no OS)."""
    deflate = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    payload = _SIGNATURE + data
    body = deflate.compress(payload) + deflate.flush()
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
    trailer = struct.pack("<II", zlib.crc32(payload), len(payload) & 0xFFFFFFFF)
    return header + body + trailer


def _decode(data: bytes, at: int) -> tuple[Cbor, int]:
    """One CBOR item at ``at``: unsigned integer, text or definite-length array."""
    if at >= len(data):
        raise _Unexpected("a file ends in the middle of a value")
    major, info = data[at] >> 5, data[at] & 0x1F
    at += 1
    if info < 24:
        argument = info
    elif info <= 27:
        size = 1 << (info - 24)
        if at + size > len(data):
            raise _Unexpected("a file ends in the middle of a value")
        argument = int.from_bytes(data[at : at + size], "big")
        at += size
    else:
        raise _Unexpected(f"an unsupported CBOR head {data[at - 1]:#04x}")
    if major == 0:
        return argument, at
    if major == 3:
        end = at + argument
        if end > len(data):
            raise _Unexpected("a file ends in the middle of a text")
        try:
            return data[at:end].decode("utf-8"), end
        except UnicodeDecodeError as exc:
            raise _Unexpected("a text is not UTF-8") from exc
    if major == 4:
        items: list[Cbor] = []
        for _ in range(argument):
            item, at = _decode(data, at)
            items.append(item)
        return items, at
    raise _Unexpected(f"an unsupported CBOR type {major}")


def _encode(value: Cbor) -> bytes:
    """Canonical CBOR, as minicbor writes it: the shortest head for every length and number."""
    if isinstance(value, int):
        return _head(0, value)
    if isinstance(value, str):
        text = value.encode("utf-8")
        return _head(3, len(text)) + text
    return _head(4, len(value)) + b"".join(_encode(item) for item in value)


def _head(major: int, argument: int) -> bytes:
    if argument < 0:
        raise _Unexpected("a negative number where Pagefind writes none")
    if argument < 24:
        return bytes([major << 5 | argument])
    for info, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if argument < 1 << (8 * size):
            return bytes([major << 5 | info]) + argument.to_bytes(size, "big")
    raise _Unexpected("a number too large for CBOR")
