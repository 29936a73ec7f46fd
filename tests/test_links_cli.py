"""A missing content folder is a usage error; the weekly workflow remembers, and fails when dead."""

from __future__ import annotations

import datetime
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from linkserver import CaseServer, catalog, run_cli
from readinglist.config import DEFAULT_LINKS_CACHE
from readinglist.links.cache import write_cache
from readinglist.links.policy import CacheRecord

pytest_plugins = ["linkserver"]


# The weekly workflow.

ROOT = Path(__file__).parent.parent


def test_weekly_workflow_keeps_memory_and_fails_on_a_dead_link(
    server: CaseServer, tmp_path: Path
) -> None:
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "links.yml").read_text())
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true
    assert triggers["schedule"][0]["cron"].split()[2:] == ["*", "*", "1"]  # Mondays
    assert workflow["permissions"] == {"contents": "read"}
    steps = workflow["jobs"]["links"]["steps"]
    uses = {s["uses"].split("@")[0]: s for s in steps if "uses" in s}
    assert uses["actions/cache/restore"]["with"]["path"] == DEFAULT_LINKS_CACHE
    saved = uses["actions/cache/save"]
    assert (saved["if"], saved["with"]["path"]) == ("always()", DEFAULT_LINKS_CACHE)
    report = uses["actions/upload-artifact"]
    assert (report["if"], report["with"]["path"]) == ("always()", "links-report.txt")
    (check,) = [s for s in steps if s.get("name") == "Check every entry's link"]

    # Run the step as the runner does, in a checkout whose one entry failed two days ago.
    catalog(tmp_path, {"gone": f"{server.base}/404"})
    earlier = datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=2)
    failed = CacheRecord("dead", earlier, failures=(earlier,))
    write_cache(str(tmp_path / DEFAULT_LINKS_CACHE), {f"{server.base}/404": failed})
    bin_dir = Path(sys.executable).parent
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "NO_PROXY": "*"}
    done = subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", check["run"]],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert done.returncode == 1, done.stderr
    text = (tmp_path / "links-report.txt").read_text(encoding="utf-8")
    assert "content/entries/gone.md:3: url: is dead: 404 Not Found" in text
    remembered = json.loads((tmp_path / DEFAULT_LINKS_CACHE).read_text(encoding="utf-8"))
    assert len(remembered["urls"][f"{server.base}/404"]["failures"]) == 2


def test_cli_without_a_content_folder_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run_cli(capsys, tmp_path / "nowhere")
    assert (code, out) == (2, "")
    assert f"{tmp_path / 'nowhere' / 'entries'}:1: folder: is missing" in err
