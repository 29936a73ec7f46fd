"""Summaries become safe HTML: what a reader's browser would receive."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from readinglist.site.markup import (
    body_key,
    markdown_renderer,
    plain_text,
    render_bodies,
    render_markdown,
    renderer_version,
    sanitise,
)


def test_markdown_becomes_html() -> None:
    html = render_markdown("A **shared** feature store, in *one* place.")
    assert html == "<p>A <strong>shared</strong> feature store, in <em>one</em> place.</p>"


@pytest.mark.parametrize(
    "source",
    [
        '<script>alert("x")</script>',
        "<SCRIPT SRC=https://evil.example/x.js></SCRIPT>",
        '<img src=x onerror="alert(1)">',
        '<iframe src="https://evil.example/"></iframe>',
        "<style>body{display:none}</style>",
        '<object data="x.swf"></object>',
        '<svg onload="alert(1)"></svg>',
        '<form action="https://evil.example/"><input name=x></form>',
    ],
)
def test_dangerous_elements_are_gone(source: str) -> None:
    html = render_markdown(f"Before {source} after.")
    lowered = html.lower()
    for word in ("<script", "<img", "<iframe", "<style", "<object", "<svg", "<form", "<input"):
        assert word not in lowered
    assert "alert" not in lowered
    assert "onerror" not in lowered and "onload" not in lowered
    assert "Before" in html and "after." in html


@pytest.mark.parametrize(
    "link",
    [
        "[x](javascript:alert(1))",
        "[x](JaVaScRiPt:alert(1))",
        "[x](data:text/html;base64,PHNjcmlwdD4=)",
        '<a href="javascript:alert(1)">x</a>',
        '<a href="  javascript:alert(1)">x</a>',
        '<a href="vbscript:msgbox(1)">x</a>',
    ],
)
def test_dangerous_links_become_plain_text(link: str) -> None:
    html = render_markdown(link)
    assert html == "<p>x</p>"


def test_event_handlers_are_removed_and_text_kept() -> None:
    html = render_markdown('<p onclick="steal()" onmouseover="x()">kept text</p>')
    assert "onclick" not in html and "onmouseover" not in html
    assert "kept text" in html


def test_external_links_open_safely() -> None:
    html = render_markdown("See [the paper](https://arxiv.org/abs/2209.09125).")
    assert (
        '<a href="https://arxiv.org/abs/2209.09125" rel="noopener noreferrer">the paper</a>' in html
    )


def test_a_contributors_rel_and_target_are_replaced() -> None:
    html = render_markdown('<a href="https://a.example.org/" rel="opener" target="_top">x</a>')
    assert 'rel="noopener noreferrer"' in html
    assert "opener" not in html.replace("noopener", "")
    assert "target" not in html


def test_headings_never_compete_with_the_page_title() -> None:
    html = render_markdown("# Big\n\n## Smaller\n\nText")
    assert "<h1" not in html and "<h2" not in html
    assert "<h3>Big</h3>" in html and "<h4>Smaller</h4>" in html


def test_template_syntax_is_left_as_text() -> None:
    assert render_markdown("{{ 7*7 }} {% if x %}") == "<p>{{ 7*7 }} {% if x %}</p>"


def test_sanitise_keeps_allowed_markup() -> None:
    fragment = "<ul><li><code>x</code></li></ul><blockquote><p>q</p></blockquote>"
    assert sanitise(fragment) == fragment


def test_a_reused_renderer_forgets_the_previous_text() -> None:
    render = markdown_renderer()
    render("[ref]: https://a.example.org/\n\nfirst")
    assert render("[link][ref]") == "<p>[link][ref]</p>"


def test_summaries_are_rendered_once_each_by_the_hash_of_their_markdown() -> None:
    bodies = render_bodies(["One *summary*.", "", "One *summary*.", "Another."])
    assert bodies == {
        body_key("One *summary*."): "<p>One <em>summary</em>.</p>",
        body_key("Another."): "<p>Another.</p>",
    }
    assert body_key("a") != body_key("b")
    assert render_bodies(["", ""]) == {}


@pytest.mark.parametrize("package", ["markdown", "nh3", "markupsafe"])
def test_the_renderer_s_version_follows_each_package_summaries_are_made_with(
    package: str, installed: Callable[[str], Path]
) -> None:
    """Markdown and nh3 make a summary's HTML, markupsafe its plain text: kept summaries
    are made again when any of them is upgraded."""
    origin = installed(package)
    before = renderer_version()
    origin.write_text("# another version, longer\n")
    assert renderer_version() != before


def test_plain_text_is_a_summary_without_its_tags() -> None:
    assert plain_text("<p>Built <em>once</em> &amp; kept</p>") == "Built once & kept"
    assert plain_text("") == ""
