"""``readinglist new``: what a contributor sees when starting an entry."""

from __future__ import annotations

import datetime
import os
import pty
import select
import subprocess
import sys
from pathlib import Path

import pytest

from authoring_cli import fixture_content, run_cli
from readinglist.authoring.fetch import PageFacts
from readinglist.authoring.new import Draft, Question, create_entry, plan_entry
from readinglist.cli import main

TODAY = datetime.date(2026, 11, 24)
URL = "https://ml-ops.org/content/mlops-principles"


@pytest.fixture
def content(tmp_path: Path) -> Path:
    return fixture_content(tmp_path)


def test_new_writes_a_valid_entry_in_field_order(content: Path) -> None:
    result = run_cli(
        "new",
        URL,
        "--title",
        "MLOps Principles: a field guide",
        "--date",
        "2022-01-10",
        "--tags",
        "ML Ops, drift detection",
        "--company",
        "uber engineering",
        "--kind",
        "Article",
        "--content",
        str(content),
    )
    path = content / "entries" / "mlops-principles-a-field-guide.md"
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"{path}\n"
    assert path.read_text() == (
        "---\n"
        "title: 'MLOps Principles: a field guide'\n"
        f"url: {URL}\n"
        "date: 2022-01-10\n"
        "tags: [mlops, monitoring]\n"
        "company: Uber\n"
        "kind: article\n"
        f"added: {datetime.date.today().isoformat()}\n"
        "---\n"
    )
    assert "below the closing ---" in result.stderr
    check = run_cli("check", "--content", str(content))
    assert check.returncode == 0, check.stdout
    assert f"{path}:9: warning: summary: is missing" in check.stdout


def test_new_refuses_a_url_already_listed_and_names_the_entry(content: Path) -> None:
    before = sorted(p.name for p in (content / "entries").iterdir())
    result = run_cli(
        "new",
        "http://www.uber.com/blog/michelangelo-machine-learning-platform?utm_source=x#top",
        "--title",
        "Michelangelo again",
        "--date",
        "2017-09-05",
        "--tags",
        "mlops",
        "--content",
        str(content),
    )
    assert result.returncode == 1
    assert f"{content}/entries/michelangelo.md:3: url: already lists http://www.uber.com" in (
        result.stderr
    )
    assert "improve this entry instead of adding another" in result.stderr
    assert "nothing was written" in result.stderr
    assert sorted(p.name for p in (content / "entries").iterdir()) == before


def test_new_never_overwrites_an_existing_file(content: Path) -> None:
    original = (content / "entries" / "michelangelo.md").read_bytes()
    result = run_cli(
        "new",
        "https://michelangelo.example.org/",
        "--title",
        "Michelangelo",
        "--date",
        "2020-01-01",
        "--tags",
        "mlops",
        "--content",
        str(content),
    )
    assert result.returncode == 1
    assert f"{content}/entries/michelangelo.md:1: file: already exists" in result.stderr
    assert (content / "entries" / "michelangelo.md").read_bytes() == original


def test_new_without_a_terminal_names_every_missing_field(content: Path) -> None:
    # A date is not asked for: a living resource has none, and the checker warns
    # when another kind is left undated.
    result = run_cli("new", URL, "--content", str(content))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    entries = f"{content}/entries"
    assert result.stderr.splitlines() == [
        f"{entries}:1: tags: is required (give --tags a,b with tags from content/tags.yml)",
        f'{entries}:1: title: is required (give --title "...")',
        f"{entries}:2: warning: date: is missing for an article (add `date:` as YYYY, YYYY-MM"
        " or YYYY-MM-DD, as precisely as the resource itself says)",
        "nothing was written",
    ]


def test_new_suggests_the_closest_tag_and_says_how_to_add_one(content: Path) -> None:
    result = run_cli(
        "new",
        URL,
        "--title",
        "MLOps Principles",
        "--date",
        "2022-01-10",
        "--tags",
        "mlopz,Data contracts",
        "--content",
        str(content),
    )
    path = f"{content}/entries/mlops-principles.md"
    assert result.returncode == 1
    assert (
        f"{path}:5: tags: 'mlopz' is not in the tag vocabulary (did you mean 'mlops'?"
        f" a new tag is added on purpose: add `mlopz:` with a name and a description to"
        f" {content}/tags.yml first)"
    ) in result.stderr
    assert "add `data-contracts:` with a name and a description" in result.stderr
    assert not Path(path).exists()


def test_new_reports_field_problems_with_the_checkers_words(content: Path) -> None:
    result = run_cli(
        "new",
        URL,
        "--title",
        "MLOps Principles",
        "--date",
        "2022-02-30",
        "--tags",
        "mlops",
        "--kind",
        "blogpost",
        "--content",
        str(content),
    )
    path = f"{content}/entries/mlops-principles.md"
    assert result.returncode == 1
    assert f"{path}:4: date: '2022-02-30' is not a calendar date (" in (result.stderr)
    assert f"{path}:6: kind: 'blogpost' is not a kind" in result.stderr


def test_new_refuses_a_url_that_is_not_http(content: Path) -> None:
    result = run_cli("new", "ftp://ml-ops.org/x", "--content", str(content))
    assert result.returncode == 1
    assert "url: must use http or https, not 'ftp'" in result.stderr


def test_asks_in_order_offers_page_facts_and_asks_again_when_refused(content: Path) -> None:
    answers = iter(["", "", "mlopz", "feature stores, mlops", "", "paper"])
    questions: list[Question] = []

    def ask(question: Question) -> str:
        questions.append(question)
        return next(answers)

    facts = PageFacts("MLOps Principles", "2022-01-10")
    planned = plan_entry(content, Draft(URL), TODAY, ask, facts)
    assert planned.ok, planned.problems
    assert [(q.field, q.default) for q in questions] == [
        ("title", "MLOps Principles"),
        ("date", "2022-01-10"),
        ("tags", ""),
        ("tags", ""),
        ("company", ""),
        ("kind", ""),
    ]
    assert [p.message for p in questions[3].problems] == ["'mlopz' is not in the tag vocabulary"]
    assert "feature-store" in questions[2].help
    assert "tags: [feature-store, mlops]\n" in planned.text
    assert "kind: paper\n" in planned.text
    assert "added: 2026-11-24\n" in planned.text
    assert "company" not in planned.text
    written = create_entry(planned)
    assert written.ok
    assert Path(planned.path).read_text() == planned.text


def test_a_refused_option_is_asked_again_in_a_terminal(content: Path) -> None:
    questions: list[Question] = []

    def ask(question: Question) -> str:
        questions.append(question)
        return {"date": "2022-01-10", "company": "", "kind": ""}[question.field]

    draft = Draft(URL, title="MLOps Principles", date="10/01/2022", tags="mlops")
    planned = plan_entry(content, draft, TODAY, ask)
    assert planned.ok
    assert [q.field for q in questions] == ["date", "company", "kind"]
    assert (
        questions[0]
        .problems[0]
        .format()
        .endswith(
            "date: '10/01/2022' is not a date in YYYY, YYYY-MM or YYYY-MM-DD form"
            " (write YYYY-MM-DD: which number is the month cannot be told)"
        )
    )


def _read_until(fd: int, marker: bytes, seen: bytearray) -> None:
    while marker not in seen:
        ready, _, _ = select.select([fd], [], [], 30)
        assert ready, f"no {marker!r} in {bytes(seen)!r}"
        seen += os.read(fd, 4096)


def test_new_asks_for_what_is_missing_in_a_real_terminal(content: Path) -> None:
    leader, follower = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "readinglist", "new", URL, "--content", str(content)],
        stdin=follower,
        stdout=follower,
        stderr=follower,
    )
    os.close(follower)
    seen = bytearray()
    try:
        for prompt, answer in (
            (b"title: ", b"MLOps Principles"),
            (b"date: ", b"2022-01-10"),
            (b"tags: ", b"Feature stores"),
            (b"company: ", b""),
            (b"kind: ", b""),
        ):
            _read_until(leader, prompt, seen)
            os.write(leader, answer + b"\n")
        assert process.wait(timeout=30) == 0
        _read_until(leader, b"below the closing", seen)
    finally:
        process.kill()
        os.close(leader)
    path = content / "entries" / "mlops-principles.md"
    assert str(path).encode() in seen
    assert "tags: [feature-store]\n" in path.read_text()


def test_main_new_has_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["new", "--help"])
    out = capsys.readouterr().out
    for option in ("--title", "--date", "--tags", "--company", "--kind", "--fetch", "--content"):
        assert option in out


def test_new_refuses_a_folder_that_is_not_a_catalog(tmp_path: Path) -> None:
    missing = tmp_path / "contnet"
    result = run_cli(
        "new",
        URL,
        "--title",
        "T",
        "--date",
        "2020-01-01",
        "--tags",
        "mlops",
        "--content",
        str(missing),
    )
    assert result.returncode == 1
    assert f"{missing}/tags.yml:1: file: is missing" in result.stderr
    assert f"{missing}/entries:1: folder: is missing" in result.stderr
    assert not missing.exists()


@pytest.mark.parametrize(
    ("typed", "written"),
    [
        ("2019", "date: 2019\n"),
        ("Mar 2019", "date: 2019-03\n"),
        ("March 2019", "date: 2019-03\n"),
        ("2019-03", "date: 2019-03\n"),
        ("2019-03-22", "date: 2019-03-22\n"),
        ("Mar 22, 2019", "date: 2019-03-22\n"),
    ],
)
def test_new_writes_a_date_to_the_precision_typed_and_never_more(
    content: Path, typed: str, written: str
) -> None:
    def ask(question: Question) -> str:
        return ""

    draft = Draft(URL, title="MLOps Principles", date=typed, tags="mlops", kind="paper")
    planned = plan_entry(content, draft, TODAY, ask)
    assert planned.ok, planned.problems
    assert written in planned.text
    assert create_entry(planned).ok


def test_new_leaves_a_living_resource_undated(content: Path) -> None:
    draft = Draft(URL, title="MLOps Principles", tags="mlops", kind="website")
    planned = plan_entry(content, draft, TODAY, lambda question: "")
    assert planned.ok, planned.problems
    assert "date:" not in planned.text
    assert "added: 2026-11-24\n" in planned.text
