"""The GitHub Actions workflows and the pre-commit hook run what they claim to.

Each ``readinglist`` step of a workflow is run here as the runner would run it
(bash, from a checkout, with the same environment variables) against a copy of
the fixture catalog in a git repository whose ``origin/main`` is the base.
"""

from __future__ import annotations

import http.server
import os
import re
import shutil
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
import yaml

from readinglist.problems import Problem, format_markdown

ROOT = Path(__file__).parent.parent
WORKFLOWS = ROOT / ".github" / "workflows"
FIXTURE = Path(__file__).parent / "fixtures" / "content"
VENV_BIN = Path(sys.executable).parent


def load_workflow(name: str) -> dict[Any, Any]:
    data = yaml.safe_load((WORKFLOWS / name).read_text())
    assert isinstance(data, dict)
    return data


def triggers(workflow: dict[Any, Any]) -> Any:
    # YAML 1.1 reads the bare key `on` as true.
    return workflow.get("on", workflow.get(True))


def step(workflow: str, job: str, name: str) -> dict[str, Any]:
    for candidate in load_workflow(workflow)["jobs"][job]["steps"]:
        if candidate.get("name") == name:
            assert isinstance(candidate, dict)
            return candidate
    raise AssertionError(f"{workflow}: job {job} has no step named {name!r}")


def git(repo: Path, *args: str) -> str:
    result = subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@t", *args],
        cwd=repo,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    """A clone as actions/checkout leaves it: content/ committed, origin/main the base."""
    repo = tmp_path / "repo"
    shutil.copytree(FIXTURE, repo / "content")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "content")
    git(repo, "commit", "-q", "-m", "base")
    git(repo, "update-ref", "refs/remotes/origin/main", "HEAD")
    git(repo, "checkout", "-q", "-b", "pull-request")
    return repo


def run_step(
    spec: dict[str, Any], cwd: Path, expressions: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run a step's ``run`` script with bash -e, as the runner does, its ``env`` filled in."""
    env = {**os.environ, "PATH": f"{VENV_BIN}{os.pathsep}{os.environ['PATH']}"}
    env["GITHUB_STEP_SUMMARY"] = str(cwd / "step-summary.md")
    for key, value in spec.get("env", {}).items():
        env[key] = re.sub(
            r"\$\{\{\s*([^}]+?)\s*\}\}", lambda m: (expressions or {})[m[1]], str(value)
        )
    return subprocess.run(
        ["bash", "-e", "-c", spec["run"]],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def starts_a_line(text: str, start: str) -> bool:
    """Whether a line of ``text`` starts so; the checker's hints may be reworded."""
    return any(line.startswith(start) for line in text.splitlines())


def break_an_entry(repo: Path) -> None:
    entry = repo / "content" / "entries" / "michelangelo.md"
    entry.write_text(entry.read_text().replace("date: 2017-09-05", "date: 2017-09-31"))
    git(repo, "commit", "-q", "-am", "a broken date")


# What runs, and when.


def test_ci_runs_on_pull_requests_and_pages_on_pushes_to_main() -> None:
    assert set(triggers(load_workflow("ci.yml"))) == {"pull_request"}
    assert triggers(load_workflow("pages.yml"))["push"] == {"branches": ["main"]}


def test_ci_runs_make_test() -> None:
    steps = load_workflow("ci.yml")["jobs"]["test"]["steps"]
    assert {"run": "make test"} in steps


def test_permissions_are_least_privilege() -> None:
    ci = load_workflow("ci.yml")
    assert ci["permissions"] == {"contents": "read"}
    assert all("permissions" not in job for job in ci["jobs"].values())
    pages = load_workflow("pages.yml")
    assert pages["permissions"] == {}
    assert pages["jobs"]["build"]["permissions"] == {"contents": "read"}
    assert pages["jobs"]["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}


def test_pages_deploys_with_the_official_actions() -> None:
    jobs = load_workflow("pages.yml")["jobs"]
    uses = [s.get("uses", "") for job in jobs.values() for s in job["steps"]]
    assert any(u.startswith("actions/upload-pages-artifact@") for u in uses)
    assert any(u.startswith("actions/deploy-pages@") for u in uses)
    assert jobs["deploy"]["needs"] == "build"
    assert jobs["deploy"]["environment"]["name"] == "github-pages"


def test_actionlint_finds_nothing_wrong() -> None:
    result = subprocess.run(
        [str(VENV_BIN / "actionlint"), "-no-color"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_drift_runs_the_suite_weekly_on_the_newest_allowed_versions() -> None:
    drift = load_workflow("drift.yml")
    assert "schedule" in triggers(drift)
    runs = [s.get("run", "") for s in drift["jobs"]["newest"]["steps"]]
    assert any(run.startswith("make drift") for run in runs)
    report = drift["jobs"]["report"]
    assert report["needs"] == "newest"
    assert report["permissions"] == {"issues": "write"}
    assert re.search(
        r"^drift:.*\n(\t.*\n)*\t\$\(UV\) lock --upgrade", (ROOT / "Makefile").read_text(), re.M
    )


def dependabot_schema_check(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(VENV_BIN / "check-jsonschema"), "--builtin-schema", "vendor.dependabot", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )


def test_dependabot_updates_the_locks_and_its_config_is_valid(tmp_path: Path) -> None:
    config = ROOT / ".github" / "dependabot.yml"
    result = dependabot_schema_check(config)
    assert result.returncode == 0, result.stdout + result.stderr
    ecosystems = {u["package-ecosystem"] for u in yaml.safe_load(config.read_text())["updates"]}
    assert {"uv", "npm", "github-actions"} <= ecosystems
    broken = tmp_path / "dependabot.yml"
    broken.write_text(config.read_text().replace("interval: weekly", "interval: fortnightly"))
    assert dependabot_schema_check(broken).returncode == 1


# The catalog check, as annotations and as a job summary.

CHECK = ("ci.yml", "check", "Check every entry (problems become annotations)")
SUMMARY = ("ci.yml", "check", "List the problems in the job summary")


def test_check_steps_pass_a_valid_catalog(checkout: Path) -> None:
    result = run_step(step(*CHECK), checkout)
    assert result.returncode == 0, result.stdout
    assert result.stdout.splitlines()[-1] == "checked 9 files: 0 errors, 1 warning"
    assert run_step(step(*SUMMARY), checkout).returncode == 0
    summary = (checkout / "step-summary.md").read_text()
    assert summary.startswith("### Catalog check: checked 9 files: 0 errors, 1 warning\n")


def test_check_steps_annotate_a_broken_entry_and_list_it_in_plain_words(checkout: Path) -> None:
    break_an_entry(checkout)
    result = run_step(step(*CHECK), checkout)
    assert result.returncode == 1
    assert starts_a_line(
        result.stdout,
        "::error file=content/entries/michelangelo.md,line=4,title=date::"
        "date: '2017-09-31' is not a calendar date (",
    )
    summary_step = step(*SUMMARY)
    assert summary_step["if"] == "always()"
    assert run_step(summary_step, checkout).returncode == 0
    assert starts_a_line(
        (checkout / "step-summary.md").read_text(),
        "- **Error** in content/entries/michelangelo.md, line 4, field date:"
        " '2017-09-31' is not a calendar date (",
    )


# The pre-commit hook.


def hook() -> dict[str, Any]:
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text())
    (repo,) = config["repos"]
    assert repo["repo"] == "local"
    (spec,) = repo["hooks"]
    assert isinstance(spec, dict)
    return spec


def test_pre_commit_hook_runs_for_content_only() -> None:
    files = re.compile(hook()["files"])
    assert files.search("content/entries/new-entry.md")
    assert files.search("content/tags.yml")
    assert not files.search("src/readinglist/cli.py")


def test_pre_commit_hook_stops_a_broken_entry(checkout: Path) -> None:
    (checkout / ".venv").symlink_to(VENV_BIN.parent)
    spec = hook()
    ok = subprocess.run(spec["entry"], shell=True, cwd=checkout, capture_output=True, text=True)
    assert ok.returncode == 0, ok.stdout
    break_an_entry(checkout)
    broken = subprocess.run(spec["entry"], shell=True, cwd=checkout, capture_output=True, text=True)
    assert broken.returncode == 1
    assert starts_a_line(
        broken.stdout, "content/entries/michelangelo.md:4: date: '2017-09-31' is not a calendar"
    )


# The site: a preview on pull requests, the Pages build on main.


def test_preview_build_makes_the_site_the_artifact_uploads(checkout: Path) -> None:
    build = step("ci.yml", "preview", "Build the site")
    result = run_step(build, checkout)
    assert result.returncode == 0, result.stderr
    upload = next(
        s
        for s in load_workflow("ci.yml")["jobs"]["preview"]["steps"]
        if s.get("uses", "").startswith("actions/upload-artifact@")
    )
    site = checkout / upload["with"]["path"]
    assert (site / "index.html").is_file()
    assert (site / "list.md").read_text().startswith("# readinglist\n")


def test_pages_build_links_everything_under_the_pages_address(checkout: Path) -> None:
    build = step("pages.yml", "build", "Build the site for the Pages address")
    base = "https://example.github.io/readinglist"
    result = run_step(build, checkout, {"steps.pages.outputs.base_url": base})
    assert result.returncode == 0, result.stderr
    upload = next(
        s
        for s in load_workflow("pages.yml")["jobs"]["build"]["steps"]
        if s.get("uses", "").startswith("actions/upload-pages-artifact@")
    )
    home = (checkout / upload["with"]["path"] / "index.html").read_text()
    assert f'<link rel="canonical" href="{base}/">' in home
    assert 'href="/readinglist/tags/' in home
    assert 'href="/tags/' not in home


# Links: only what the pull request touches.

LINKS = ("ci.yml", "links", "Check the links of the entries this pull request changes")


class _Gone(http.server.BaseHTTPRequestHandler):
    def do_HEAD(self) -> None:
        self.send_response(404)
        self.end_headers()

    do_GET = do_HEAD

    def log_message(self, format: str, *args: object) -> None:
        pass


def test_links_step_ignores_entries_the_pull_request_does_not_touch(checkout: Path) -> None:
    # Every fixture URL is out of reach here: checking any of them would fail the step.
    result = run_step(step(*LINKS), checkout)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "::error" not in result.stdout


def test_links_step_fails_for_a_dead_link_the_pull_request_adds(checkout: Path) -> None:
    with http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Gone) as server:
        threading.Thread(target=server.serve_forever, daemon=True).start()
        entry = checkout / "content" / "entries" / "michelangelo.md"
        dead = f"http://127.0.0.1:{server.server_address[1]}/gone"
        old = "url: https://www.uber.com/blog/michelangelo-machine-learning-platform/"
        entry.write_text(entry.read_text().replace(old, f"url: {dead}"))
        git(checkout, "commit", "-q", "-am", "a dead link")
        result = run_step(step(*LINKS), checkout)
        server.shutdown()
    assert result.returncode == 1, result.stdout + result.stderr
    assert starts_a_line(result.stdout, "::error file=content/entries/michelangelo.md,line=3,")


def test_summary_shows_contributors_words_as_text() -> None:
    hostile = Problem(
        "content/entries/x.md", 2, "title", "'<img src=x onerror=alert(1)> *bold* [a](b)' is odd"
    )
    text = format_markdown([hostile], 3)
    assert text.splitlines() == [
        "### Catalog check: checked 3 files: 1 error, 0 warnings",
        "",
        "- **Error** in content/entries/x.md, line 2, field title:"
        " '&lt;img src=x onerror=alert(1)&gt; \\*bold\\* \\[a\\](b)' is odd",
    ]
    assert format_markdown([], 3).splitlines()[-1] == "Every entry is valid."
