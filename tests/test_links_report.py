"""The reports through the command line: text with a summary table, GitHub annotations, JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from linkserver import CaseServer, catalog, run_cli

pytest_plugins = ["linkserver"]


def test_cli_text_report_table_and_exit_codes(
    server: CaseServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    content = catalog(
        tmp_path,
        {"fine": f"{server.base}/ok", "gone": f"{server.base}/410", "old": f"{server.base}/308/a"},
    )
    code, out, err = run_cli(capsys, content)
    gone = content / "entries" / "gone.md"
    old = content / "entries" / "old.md"
    assert code == 0  # one failing run is not enough
    assert f"{gone}:3: warning: url: failed 1 run (dead: 410 Gone)" in out
    assert f"{old}:3: warning: url: moved permanently to {server.base}/final" in out
    assert "requesting 3 URLs" in err
    assert f"] dead: {server.base}/410" in err

    code, out, _ = run_cli(capsys, content, "--confirm-runs", "1")
    assert code == 1
    assert (
        f"{gone}:3: url: is dead: 410 Gone (find an archived copy:"
        f" https://web.archive.org/web/*/{server.base}/410)"
    ) in out
    table = out[out.index("verdict") :].splitlines()
    assert table[0].split() == ["verdict", "links", "meaning"]
    counts = {line.split()[0]: int(line.split()[1]) for line in table[1:]}
    assert counts["ok"] == 1 and counts["moved"] == 1 and counts["dead"] == 1
    assert counts["total"] == 3
    assert table[-1].split()[2:] == ["2", "requested", "this", "run"]  # OK came from the cache


def test_cli_github_annotations_on_the_url_line(
    server: CaseServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    content = catalog(tmp_path, {"gone": f"{server.base}/404", "fine": f"{server.base}/ok"})
    gone = content / "entries" / "gone.md"
    gone.write_text(
        gone.read_text(encoding="utf-8").replace("title: gone\n", "title: gone\nauthors: [A]\n"),
        encoding="utf-8",
    )
    code, out, _ = run_cli(capsys, content, "--format", "github", "--confirm-runs", "1")
    assert code == 1
    assert out.splitlines()[0] == (
        f"::error file={gone},line=4,title=url::url: is dead: 404 Not Found"
        f" (find an archived copy: https://web.archive.org/web/*/{server.base}/404)"
    )


def test_cli_json_report(
    server: CaseServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    content = catalog(tmp_path, {"fine": f"{server.base}/ok", "blocked": f"{server.base}/403"})
    code, out, _ = run_cli(capsys, content, "--format", "json")
    document = json.loads(out)
    assert code == 0  # a bot wall is not link rot
    assert {r["url"]: r["verdict"] for r in document["links"]} == {
        f"{server.base}/ok": "ok",
        f"{server.base}/403": "unverifiable",
    }
    assert document["counts"]["unverifiable"] == 1
    assert (document["requested"], document["failed"]) == (2, False)
