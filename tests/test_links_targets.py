"""Which links are checked: the raw entries' URLs with their line, or those git says changed."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from linkserver import CaseServer, catalog, run_cli, write_entry
from readinglist.catalog.read import load_content
from readinglist.links.targets import LinkTarget, link_targets

pytest_plugins = ["linkserver"]


def git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@t", "-C", str(repo), *args],
        check=True,
        capture_output=True,
    )


def test_cli_only_changed_checks_entries_changed_since_a_ref(
    server: CaseServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    content = catalog(tmp_path, {"same": f"{server.base}/404", "edited": f"{server.base}/ok?v=1"})
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-q", "-m", "catalog")
    write_entry(content / "entries", "edited", f"{server.base}/ok?v=2")
    write_entry(content / "entries", "added", f"{server.base}/302")
    code, out, _ = run_cli(capsys, content, "--only-changed", "HEAD", "--format", "json")
    assert code == 0
    assert sorted(r["url"] for r in json.loads(out)["links"]) == [
        f"{server.base}/302",
        f"{server.base}/ok?v=2",
    ]
    assert server.log.count("/404") == 0

    code, _, err = run_cli(capsys, content, "--only-changed", "no-such-ref")
    assert code == 2
    assert f"{content / 'entries'}:1: --only-changed: git cannot compare with 'no-such-ref'" in err


def test_targets_come_from_raw_entries_with_the_url_line(tmp_path: Path) -> None:
    content = catalog(tmp_path, {"a": "https://a.test/x", "b": "not a url"})
    found = link_targets(load_content(content))
    assert found == [LinkTarget("https://a.test/x", str(content / "entries" / "a.md"), 3)]
