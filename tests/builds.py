"""Helpers for the tests that build the fixture catalog on disk and compare the results."""

from __future__ import annotations

import datetime
from pathlib import Path

from readinglist.build.pipeline import BuildResult, build_site
from readinglist.config import SiteConfig

FIXTURE = Path(__file__).parent / "fixtures" / "content"
TODAY = datetime.date(2026, 11, 24)


def files_under(root: Path) -> dict[str, bytes]:
    """Every file below ``root``, by its path relative to it."""
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def build_fixture(content: Path, out: Path, cache: Path | None, **options: object) -> BuildResult:
    """``build_site`` as the tests call it: today fixed, no search index."""
    return build_site(
        content,
        out,
        SiteConfig(),
        today=TODAY,
        cache_dir=cache,
        search=False,
        **options,  # type: ignore[arg-type]
    )
