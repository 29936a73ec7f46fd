"""The link cache file, ``.cache/links.json``: what the checker remembers across runs.

A file that cannot be read, or is not a cache this version reads, is a warning
and an empty cache, never a traceback; the file is written atomically, so a
crash never leaves half of one.
"""

from __future__ import annotations

import datetime
import json
import os
import tempfile
from dataclasses import asdict
from pathlib import Path
from typing import Any

from readinglist.links.policy import VERDICTS, CacheRecord, LinkCache
from readinglist.problems import Problem

CACHE_VERSION = 1


def _time(value: Any) -> datetime.datetime:
    if not isinstance(value, str):
        raise ValueError("not a time")
    parsed = datetime.datetime.fromisoformat(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=datetime.UTC)


def _record_from_json(data: Any) -> CacheRecord:
    if not isinstance(data, dict) or data.get("verdict") not in VERDICTS:
        raise ValueError("not a record")
    status = data.get("status")
    return CacheRecord(
        verdict=data["verdict"],
        checked=_time(data.get("checked")),
        detail=str(data.get("detail", "")),
        status=status if isinstance(status, int) else None,
        new_url=str(data.get("new_url", "")),
        last_ok=_time(data["last_ok"]) if data.get("last_ok") else None,
        failures=tuple(_time(t) for t in data.get("failures", [])),
    )


def read_cache(path: str) -> tuple[dict[str, CacheRecord], list[Problem]]:
    """The cache, or an empty one and a warning when it is unreadable (never fatal)."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}, []
    except (OSError, UnicodeDecodeError) as exc:
        return {}, [_cache_problem(path, f"cannot be read: {exc}")]
    try:
        document = json.loads(text)
        urls = document["urls"] if document.get("version") == CACHE_VERSION else None
        if not isinstance(urls, dict):
            raise ValueError("not a link cache")
        return {str(url): _record_from_json(data) for url, data in urls.items()}, []
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        return {}, [_cache_problem(path, f"is not a link cache this version reads ({exc})")]


def _cache_problem(path: str, message: str) -> Problem:
    return Problem(path, 1, "cache", message, "starting afresh; it is rewritten", "warning")


def _record_to_json(record: CacheRecord) -> dict[str, Any]:
    data = asdict(record)
    data["checked"] = record.checked.isoformat()
    data["last_ok"] = record.last_ok.isoformat() if record.last_ok else None
    data["failures"] = [t.isoformat() for t in record.failures]
    return data


def write_cache(path: str, cache: LinkCache) -> list[Problem]:
    """Write through a temporary file and ``os.replace``, so a crash never leaves half a file."""
    target = Path(path)
    document = {
        "version": CACHE_VERSION,
        "urls": {url: _record_to_json(cache[url]) for url in sorted(cache)},
    }
    temporary = ""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(
            dir=target.parent, prefix=f".{target.name}.", suffix=".tmp"
        )
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            json.dump(document, handle, indent=1, ensure_ascii=False)
            handle.write("\n")
            handle.flush()
            os.fsync(handle.fileno())
        Path(temporary).replace(target)  # os.replace: atomic on one file system
    except OSError as exc:
        if temporary:
            Path(temporary).unlink(missing_ok=True)
        return [_cache_problem(path, f"cannot be written: {exc}")]
    return []
