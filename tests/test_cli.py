"""cli: the check command's output, formats and exit codes, and help for every command."""

from __future__ import annotations

import argparse
import json
import pstats
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from readinglist.cli import main, make_parser

FIXTURES = Path(__file__).parent / "fixtures"
MISSING_SUMMARY = (
    "content/entries/hidden-technical-debt.md:9: warning: summary: is missing"
    " (write a sentence or two in your own words below the closing ---)"
)


@pytest.fixture
def content(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The shared fixture catalog, copied to ``content/`` in the working folder."""
    shutil.copytree(FIXTURES / "content", tmp_path / "content")
    monkeypatch.chdir(tmp_path)
    return Path("content")


@pytest.fixture
def broken(content: Path) -> Path:
    """The fixture catalog with two broken entries added."""
    for name in ("title-number.md", "tags-yes-no-on.md"):
        shutil.copy(FIXTURES / "invalid" / "entries" / name, content / "entries" / name)
    return content


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    return code, capsys.readouterr().out


def test_a_valid_catalog_exits_0_and_warnings_fail_only_with_strict(
    content: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "check", "--content", "content") == (
        0,
        f"{MISSING_SUMMARY}\nchecked 9 files: 0 errors, 1 warning\n",
    )
    code, out = run(capsys, "check", "--content", "content", "--strict")
    assert code == 1
    assert out.endswith("checked 9 files: 0 errors, 1 warning\n")


def test_a_clean_catalog_passes_strict(content: Path, capsys: pytest.CaptureFixture[str]) -> None:
    summary = content / "entries" / "hidden-technical-debt.md"
    summary.write_text(summary.read_text() + "The paper that named ML technical debt.\n")
    assert run(capsys, "check", "--content", "content", "--strict") == (
        0,
        "checked 9 files: no problems\n",
    )


def test_every_problem_is_printed_sorted_then_the_summary(
    broken: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = run(capsys, "check", "--content", "content")
    assert code == 1
    assert out.splitlines() == [
        MISSING_SUMMARY,
        "content/entries/tags-yes-no-on.md:7: tags: item must be text, not false: YAML reads"
        " an unquoted yes, no, on or off as false (put it in quotes)",
        "content/entries/tags-yes-no-on.md:8: tags: item must be text, not true: YAML reads"
        " an unquoted yes, no, on or off as true (put it in quotes)",
        "content/entries/title-number.md:2: title: must be text, not the number 1984"
        " (put it in quotes)",
        "checked 11 files: 3 errors, 1 warning",
    ]


def test_github_format_annotates_each_line(
    broken: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = run(capsys, "check", "--content", "content", "--format", "github")
    assert code == 1
    assert out.splitlines()[0] == (
        "::warning file=content/entries/hidden-technical-debt.md,line=9,title=summary::"
        "summary: is missing (write a sentence or two in your own words below the closing ---)"
    )
    assert out.splitlines()[3] == (
        "::error file=content/entries/title-number.md,line=2,title=title::"
        "title: must be text, not the number 1984 (put it in quotes)"
    )


def test_json_format_is_one_document_for_tools(
    broken: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = run(capsys, "check", "--content", "content", "--format", "json")
    assert code == 1
    document = json.loads(out)
    assert (document["files"], document["errors"], document["warnings"]) == (11, 3, 1)
    assert document["problems"][3] == {
        "path": "content/entries/title-number.md",
        "line": 2,
        "field": "title",
        "message": "must be text, not the number 1984",
        "hint": "put it in quotes",
        "severity": "error",
    }


def test_a_missing_content_folder_is_a_problem_not_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert run(capsys, "check", "--content", "nowhere") == (
        1,
        "nowhere/entries:1: folder: is missing (entries live in content/entries/)\n"
        "nowhere/tags.yml:1: file: is missing (create tags.yml; see CONTRIBUTING.md)\n"
        "checked 2 files: 2 errors, 0 warnings\n",
    )


def test_a_usage_mistake_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["check", "--format", "xml"])
    assert exit_.value.code == 2
    assert "invalid choice: 'xml'" in capsys.readouterr().err


def test_python_dash_m_runs_the_checker_end_to_end(content: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "readinglist", "check", "--content", "content", "--strict"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert result.stdout == f"{MISSING_SUMMARY}\nchecked 9 files: 0 errors, 1 warning\n"
    assert result.stderr == ""


def test_a_run_under_a_profiler_ends_as_python_does_so_the_profile_is_written(
    content: Path, tmp_path: Path
) -> None:
    profile = tmp_path / "check.prof"
    command = [sys.executable, "-m", "cProfile", "-o", str(profile), "-m", "readinglist"]
    result = subprocess.run(
        [*command, "check", "--content", "content"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert "checked 9 files" in result.stdout
    assert pstats.Stats(str(profile)).get_stats_profile().func_profiles


def subcommands() -> dict[str, argparse.ArgumentParser]:
    parser = make_parser()
    actions = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    assert len(actions) == 1
    return dict(actions[0].choices)


def test_every_command_has_help_text_and_described_options() -> None:
    commands = subcommands()
    assert "check" in commands
    helps = {
        action.dest: action.help
        for action in make_parser()._actions
        if isinstance(action, argparse._SubParsersAction)
        for action in action._choices_actions
    }
    for name, parser in commands.items():
        assert helps.get(name), f"{name} has no one-line help"
        assert parser.description, f"{name} has no description"
        for option in parser._actions:
            if not isinstance(option, argparse._HelpAction):
                assert option.help, f"{name} {option.dest} has no help"


@pytest.mark.parametrize("name", sorted(subcommands()))
def test_each_command_prints_its_help_and_exits_0(
    name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_:
        main([name, "--help"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith(f"usage: readinglist {name} ")
    assert "options:" in out
