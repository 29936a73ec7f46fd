"""listed: the resources and file names a content folder already holds."""

from __future__ import annotations

from pathlib import Path

from authoring_cli import import_content
from readinglist.authoring.listed import Listed, already_listed, free_slug, taken_slugs
from readinglist.catalog.read import load_content
from readinglist.catalog.urls import slugify

SHIFTS = "https://huyenchip.com/2022/02/07/data-distribution-shifts-and-monitoring.html"


def test_a_url_in_any_form_finds_the_first_entry_that_lists_it(tmp_path: Path) -> None:
    content = import_content(tmp_path)
    entries = content / "entries"
    (entries / "again.md").write_text(f"---\ntitle: Again\n\nurl: {SHIFTS}/\n---\n")
    (entries / "no-url.md").write_text("---\ntitle: No URL\n---\n")
    found = already_listed(
        load_content(content),
        [
            SHIFTS.replace("https://", "http://www.") + "?utm_source=x#top",
            "https://acme.dev/new",
            SHIFTS,
        ],
    )
    # The folder's entries come in file-name order: again.md is the first to list it.
    first = Listed(str(entries / "again.md"), 4)
    assert found == [first, None, first]


def test_urls_given_twice_are_not_listed_by_each_other(tmp_path: Path) -> None:
    raw = load_content(import_content(tmp_path))
    assert already_listed(raw, ["https://acme.dev/a", "https://acme.dev/a/"]) == [None, None]


def test_taken_slugs_include_files_the_catalog_cannot_read(tmp_path: Path) -> None:
    content = import_content(tmp_path)
    (content / "entries" / "broken.md").write_text("no front matter\n")
    assert taken_slugs(load_content(content)) == {
        "broken",
        "data-distribution-shifts-and-monitoring",
    }


def test_free_slug_numbers_a_taken_name_and_falls_back_to_the_url() -> None:
    assert free_slug("Rules of ML!", "https://acme.dev/r", set()) == ("rules-of-ml", "rules-of-ml")
    taken = {"rules-of-ml", "rules-of-ml-2"}
    assert free_slug("Rules of ML", "https://acme.dev/r", taken) == (
        "rules-of-ml-3",
        "rules-of-ml",
    )
    assert free_slug("!!!", "https://acme.dev/r", set()) == ("acme-dev-r", "acme-dev-r")
    long_title = "word " * 30
    slug, wanted = free_slug(long_title, "https://acme.dev/r", {slugify(long_title)})
    assert slug.endswith("-2")
    assert len(slug) <= 80
    assert wanted == slugify(long_title)
