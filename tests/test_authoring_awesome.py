"""awesome: an awesome-list's links, the lines under each, and what their dates and
URLs make plain."""

from __future__ import annotations

import pytest

from readinglist.authoring.awesome import guess_kind, parse_date, parse_list
from readinglist.catalog.model import PublicationDate

SOURCE = "list.md"


def test_headings_bullets_and_numbered_items_are_links_with_their_fields() -> None:
    text = (
        "# My list\n"
        "Intro with [a link](https://example.org/intro) in prose.\n"
        "## [First](https://acme.dev/1)\n"
        "Date: Mar 22, 2023<BR>\n"
        "Tags: MLOps, Feature store<br/>\n"
        "Company: anyscale<BR>\n"
        "\n"
        "- [Second](<https://acme.dev/2>)\n"
        "  - Date: 2023-01-05\n"
        "1. [Third  title](https://en.wikipedia.org/wiki/Ops_(disambiguation))\n"
    )
    items, problems = parse_list(text, SOURCE)
    assert problems == []
    assert [(i.title, i.url, i.line) for i in items] == [
        ("First", "https://acme.dev/1", 3),
        ("Second", "https://acme.dev/2", 8),
        ("Third title", "https://en.wikipedia.org/wiki/Ops_(disambiguation)", 10),
    ]
    first = items[0]
    assert (first.date, first.date_line) == ("Mar 22, 2023", 4)
    assert first.tags == (("MLOps", 5), ("Feature store", 5))
    assert (first.company, first.company_line) == ("anyscale", 6)
    assert items[1].date == "2023-01-05"


def test_fields_before_any_link_and_repeated_fields_are_reported() -> None:
    text = "Date: Jan 1, 2023\n- [A](https://acme.dev/)\nDate: Jan 2, 2023\nDate: Jan 3, 2023\n"
    items, problems = parse_list(text, SOURCE)
    assert items[0].date == "Jan 2, 2023"
    assert [p.format() for p in problems] == [
        "list.md:1: warning: date: comes before any link; ignored",
        "list.md:4: warning: date: is given twice for one item; the one on line 3 is kept",
    ]


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("Mar 22, 2023", PublicationDate(2023, 3, 22)),
        ("March 2,2023", PublicationDate(2023, 3, 2)),
        ("22 Mar 2023", PublicationDate(2023, 3, 22)),
        ("2023-03-22", PublicationDate(2023, 3, 22)),
        ("2019", PublicationDate(2019)),
        ("Mar 2019", PublicationDate(2019, 3)),
        ("March 2019", PublicationDate(2019, 3)),
        ("2019-03", PublicationDate(2019, 3)),
        ("Feb 30, 2023", None),
        ("19", None),
        ("2019/03", None),
        ("soon", None),
    ],
)
def test_dates_in_the_forms_lists_use_keep_what_they_say(
    text: str, day: PublicationDate | None
) -> None:
    assert parse_date(text) == day


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("https://twitter.com/simonw/status/1576680930680262658", "thread"),
        ("https://x.com/simonw/status/1576680930680262658", "thread"),
        ("https://twitter.com/simonw", "article"),
        ("https://github.com/eugeneyan/applied-ml", "repository"),
        ("https://github.com/eugeneyan", "article"),
        ("https://arxiv.org/abs/2205.02302", "paper"),
        ("https://proceedings.neurips.cc/paper/2015/file/x-Paper.pdf", "paper"),
        ("https://example.org/report.PDF", "paper"),
        ("https://www.youtube.com/playlist?list=PLoROMvodv4rNiJRchCzutFw5ItR_Z27CM", "video"),
        ("https://discord.com/blog/how-discord-stores-trillions-of-messages", "article"),
        ("https://[broken/", "article"),
    ],
)
def test_kind_is_guessed_only_where_the_url_makes_it_obvious(url: str, kind: str) -> None:
    assert guess_kind(url) == kind
