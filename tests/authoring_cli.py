"""Helpers for the authoring tests: the commands as a contributor runs them, on content
folders made for each test."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).parent
FIXTURE = HERE / "fixtures" / "content"
VOCABULARY = HERE / "fixtures" / "import"

EXISTING = """---
title: Data Distribution Shifts and Monitoring
url: https://huyenchip.com/2022/02/07/data-distribution-shifts-and-monitoring.html
date: 2022-02-07
tags: [monitoring]
---
Why models degrade after deployment.
"""
"""The one entry of the folders :func:`import_content` makes."""


def fixture_content(root: Path) -> Path:
    """A copy of the fixture catalog under ``root``."""
    target = root / "content"
    shutil.copytree(FIXTURE, target)
    return target


def import_content(root: Path) -> Path:
    """A content folder with the import vocabularies and one existing entry."""
    content = root / "content"
    (content / "entries").mkdir(parents=True)
    for name in ("tags.yml", "companies.yml"):
        shutil.copy(VOCABULARY / name, content / name)
    (content / "entries" / "data-distribution-shifts-and-monitoring.md").write_text(EXISTING)
    return content


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    """The command as a contributor runs it, with no terminal on stdin."""
    return subprocess.run(
        [sys.executable, "-m", "readinglist", *args],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        check=False,
        timeout=60,
    )
