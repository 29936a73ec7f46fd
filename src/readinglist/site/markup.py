"""Markdown summaries to safe HTML fragments.

The only module that imports the Markdown library and the sanitiser. A summary
is written by contributors, so its HTML is treated as hostile: after Markdown
the fragment goes through ``nh3`` with a short allow-list. No script, style or
iframe, no event handlers, no images (they would load from other hosts), and
links only to ``http``, ``https`` and ``mailto`` (never ``javascript:`` or
``data:``); every link gets ``rel="noopener noreferrer"``. Headings are moved
down two levels so a summary never competes with the page's own ``h1``/``h2``.
Pure: reads and writes nothing.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable
from importlib.machinery import PathFinder
from pathlib import Path

from markupsafe import Markup

from readinglist.catalog.characters import safe_text

# markdown and nh3 are imported where they are used: a large
# build renders the summaries in a second process, and the first never needs them.

ALLOWED_TAGS: frozenset[str] = frozenset(
    {
        "a",
        "abbr",
        "b",
        "blockquote",
        "br",
        "code",
        "dd",
        "del",
        "dl",
        "dt",
        "em",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "i",
        "kbd",
        "li",
        "ol",
        "p",
        "pre",
        "q",
        "s",
        "strong",
        "sub",
        "sup",
        "ul",
    }
)
"""Text-level and block markup a summary may use; anything else is dropped, keeping its text."""
ALLOWED_ATTRIBUTES: dict[str, set[str]] = {"a": {"href", "title"}, "abbr": {"title"}}
ALLOWED_URL_SCHEMES: frozenset[str] = frozenset({"http", "https", "mailto"})
REMOVED_WITH_CONTENT: frozenset[str] = frozenset({"script", "style", "iframe", "object", "embed"})
"""Elements whose text is code, not prose: removed together with what they contain."""
LINK_REL = "noopener noreferrer"

_HEADING_RE = re.compile(r"<(/?)h([1-6])\b", re.IGNORECASE)
HEADING_SHIFT = 2


def _shift_heading(match: re.Match[str]) -> str:
    level = min(6, int(match[2]) + HEADING_SHIFT)
    return f"<{match[1]}h{level}"


_ANCHOR_WITHOUT_HREF_RE = re.compile(r"<a(?![^>]*\shref=)[^>]*>(.*?)</a>", re.DOTALL)


def sanitise(html: str) -> str:
    """Keep only the allow-listed tags, attributes and URL schemes of an HTML fragment.

    A link whose address was refused keeps its text but not the ``a`` element: an
    ``a`` with ``rel`` and no ``href`` is invalid HTML.
    """
    import nh3

    clean = nh3.clean(
        _HEADING_RE.sub(_shift_heading, html),
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(REMOVED_WITH_CONTENT),
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=set(ALLOWED_URL_SCHEMES),
        link_rel=LINK_REL,
        strip_comments=True,
    )
    return _ANCHOR_WITHOUT_HREF_RE.sub(r"\1", clean)


def markdown_renderer() -> Callable[[str], str]:
    """A function from Markdown text to a sanitised HTML fragment.

    It reuses one parser (building one costs more than converting a summary),
    so each process should make its own.
    """
    import markdown

    parser = markdown.Markdown(output_format="html")

    def render(text: str) -> str:
        # Without the characters no output keeps: nh3 cannot take a surrogate at all.
        html = parser.reset().convert(safe_text(text))
        return sanitise(html)

    return render


def body_key(summary: str) -> str:
    """What a rendered summary is found by: a hash of its Markdown."""
    return hashlib.blake2b(summary.encode(errors="surrogatepass"), digest_size=16).hexdigest()


def render_bodies(summaries: Iterable[str]) -> dict[str, str]:
    """Markdown summaries to sanitised HTML, by :func:`body_key`."""
    texts = [text for text in summaries if text]
    if not texts:
        return {}  # without building a parser, which imports Markdown
    render = markdown_renderer()
    return {body_key(text): render(text) for text in texts}


def render_markdown(text: str) -> str:
    """Markdown text to a sanitised HTML fragment; for one-off use."""
    return markdown_renderer()(text)


def plain_text(html: str) -> str:
    """A rendered summary as plain text, as views describe entries by it: its tags taken
    out, its entities read, its spaces collapsed."""
    return Markup(html).striptags()


def renderer_version() -> str:
    """Which Markdown and nh3 make fragments, and which markupsafe makes their plain
    text: another version may make other HTML, or other text."""
    return installed(("markdown", "nh3", "markupsafe"))


def installed(packages: Iterable[str]) -> str:
    """Which versions of ``packages`` are installed, told by their files, which an upgrade
    or a reinstall replaces: a caller that uses none of them never imports them."""
    found = []
    for name in packages:
        spec = PathFinder.find_spec(name)  # sys.path, searched without importing anything
        try:
            if spec is None or not spec.origin:
                raise FileNotFoundError(name)
            info = Path(spec.origin).stat()
        except OSError:
            found.append(f"{name} missing")
            continue
        found.append(f"{name} {spec.origin} {info.st_size} {info.st_mtime_ns}")
    return ", ".join(found)
