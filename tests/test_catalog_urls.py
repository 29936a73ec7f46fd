"""urls: one normal form for the URLs of one resource, URL problems, slugs, duplicates."""

from __future__ import annotations

import pytest

from readinglist.catalog.urls import duplicate_urls, normalise_url, slugify, url_problem


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("https://www.Uber.com/blog/x/", "http://uber.com/blog/x"),
        ("https://uber.com/blog/x#section", "https://uber.com/blog/x"),
        ("https://uber.com/x?utm_source=t&utm_medium=s&id=3", "https://uber.com/x?id=3"),
        ("https://uber.com/x?fbclid=abc&b=2&a=1", "https://uber.com/x?a=1&b=2"),
        ("https://uber.com:443/x", "https://uber.com/x"),
        ("https://arxiv.org/abs/1706.03762", "https://arxiv.org/pdf/1706.03762v7.pdf"),
        ("https://arxiv.org/abs/1706.03762v2", "https://export.arxiv.org/abs/1706.03762"),
        ("https://arxiv.org/abs/cs/0112017", "https://arxiv.org/pdf/cs/0112017v1"),
        ("https://x.com/a/status/1", "https://twitter.com/a/status/1?s=20"),
    ],
)
def test_urls_of_one_resource_normalise_alike(first: str, second: str) -> None:
    assert normalise_url(first) == normalise_url(second)


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("https://uber.com/blog/x", "https://uber.com/blog/y"),
        ("https://uber.com/Blog", "https://uber.com/blog"),
        ("https://uber.com/x?id=1", "https://uber.com/x?id=2"),
        ("https://arxiv.org/abs/1706.03762", "https://arxiv.org/abs/1706.03763"),
        ("https://uber.com:8080/x", "https://uber.com/x"),
    ],
)
def test_urls_of_different_resources_stay_apart(first: str, second: str) -> None:
    assert normalise_url(first) != normalise_url(second)


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("https://uber.com/blog", ("", "")),
        ("https://bücher.de/", ("", "")),
        ("//uber.com/x", ("'//uber.com/x' is not absolute", "write https://uber.com/x")),
        ("mailto:a@uber.com", ("must use http or https, not 'mailto'", "link to a web page")),
        ("https:///x", ("'https:///x' has no host", "write it as https://host/path")),
        ("https://localhost/x", ("'https://localhost/x' is a placeholder", "use the real address")),
        (
            "https://uber/x",
            ("host 'uber' is not a valid domain name", "check for typos in the address"),
        ),
        ("https://" + "a" * 2000 + ".com", ("is 2012 characters; at most 2000", "")),
    ],
)
def test_url_problem(url: str, problem: tuple[str, str]) -> None:
    assert url_problem(url) == problem


def test_slugify() -> None:
    assert slugify("Rules of ML: a Guide!") == "rules-of-ml-a-guide"
    assert slugify("Café Ünïcode") == "cafe-unicode"
    assert len(slugify("word " * 40)) <= 80


def test_duplicate_urls_groups_the_items_naming_one_resource_in_order() -> None:
    items = [
        ("a.md", "https://uber.com/x"),
        ("b.md", "https://arxiv.org/abs/1706.03762"),
        ("c.md", "http://www.uber.com/x/"),
        ("d.md", "https://example.org/other"),
        ("e.md", "https://arxiv.org/pdf/1706.03762v7.pdf"),
        ("f.md", "https://uber.com/x#part"),
    ]
    assert duplicate_urls(items) == [("a.md", "c.md", "f.md"), ("b.md", "e.md")]
    assert duplicate_urls([("a", "same"), ("b", "same")], key=str) == [("a", "b")]
    assert duplicate_urls([]) == []
