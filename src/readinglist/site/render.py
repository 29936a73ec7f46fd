"""Pages to bytes: the Jinja environment, one page's bytes, and a whole site in one process.

Jinja lives here, with autoescaping on and undefined variables as errors:
content is data and never becomes a template, so a title such as
``{{ 7*7 }}`` is shown as written. A template sees its page's context, the
settings and the link helpers, nothing else. Every internal link starts with
the configured base path. Reads the templates; writes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, MutableMapping
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, nodes
from jinja2.compiler import CodeGenerator, Frame
from markupsafe import Markup, escape

from readinglist.catalog.characters import safe_bytes
from readinglist.catalog.model import Catalog
from readinglist.config import SiteConfig
from readinglist.site.exports import catalog_json, catalog_markdown
from readinglist.site.markup import body_key, render_bodies
from readinglist.site.pages import COPIED_FILES, EXPORTS, plan_site
from readinglist.site.section import Page
from readinglist.site.views import EntryView

# The summaries' rendering lives with the Markdown it renders; named here too, as what
# a caller renders a site with.
__all__ = [
    "COPIED_FILES",
    "DEFAULT_TEMPLATES",
    "body_key",
    "make_environment",
    "read_copied_files",
    "render_bodies",
    "render_page",
    "render_site",
]

DEFAULT_TEMPLATES = Path(__file__).resolve().parent / "templates"
"""The templates and the stylesheet, shipped inside the package."""


_HTML_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&#34;", "'": "&#39;"})
"""What markupsafe's ``escape`` replaces, with what."""


def escape_text(value: object) -> str:
    """``value`` as markupsafe's ``escape`` writes it into a page, as a plain string.

    Nearly every value a page shows is a plain string with nothing to escape: it is
    given back as it is, without the ``Markup`` object ``escape`` makes of it.
    """
    if value.__class__ is str:
        if "&" in value or "<" in value or ">" in value or '"' in value or "'" in value:
            return value.translate(_HTML_ESCAPES)
        return value
    return escape(value)


class _PlainTextOutput(CodeGenerator):
    """Compiles ``{{ value }}`` to :func:`escape_text` where Jinja would call ``escape``.

    A page of the 10,000-entry synthetic site shows about a hundred values; making a
    ``Markup`` object of each was a fifth of rendering the site (1.86 -> 1.55 s).
    Where autoescaping can change at run time, or with a ``finalize``, Jinja's own.
    The method overridden is where Jinja 3 decides how a value is written; should a
    later Jinja rename it, ``test_render`` fails rather than the speed going unseen.
    """

    def _output_child_pre(
        self, node: nodes.Expr, frame: Frame, finalize: CodeGenerator._FinalizeInfo
    ) -> None:
        context = frame.eval_ctx
        if context.autoescape and not context.volatile and finalize.src is None:
            self.write("environment.escape_text(")  # ``environment`` is a local there
        else:
            super()._output_child_pre(node, frame, finalize)


class _SiteEnvironment(Environment):
    """Jinja as the site renders with it: values escaped as plain text, plain globals."""

    code_generator_class = _PlainTextOutput
    escape_text = staticmethod(escape_text)

    def make_globals(self, d: MutableMapping[str, Any] | None) -> MutableMapping[str, Any]:
        """A template's globals as one plain dict, not Jinja's ``ChainMap``.

        Every render copies them into its context: a ``ChainMap`` key by key, in Python,
        which took 29,000 renders of the synthetic site 0.2 s. The site's globals are
        all set before any template is loaded, as Jinja asks, so nothing is missed.
        """
        return {**self.globals, **(d or {})}


def make_environment(templates: Path, config: SiteConfig) -> Environment:
    """Jinja with autoescaping, strict undefined variables and the site's link helpers.

    It renders pages of one site: each entry's fragments are kept for as long as the
    environment lives, by the identity of the entry's view.
    """
    env = _SiteEnvironment(
        loader=FileSystemLoader(str(templates)),
        autoescape=True,
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        # The templates of one site do not change under it: never ask the disk again.
        auto_reload=False,
    )
    prefix = config.origin + config.base_path

    def absolute(url: str) -> str:
        return prefix + url

    env.globals.update(base=config.base_path, absolute=absolute, config=config)
    env.globals.update(_entry_joiners(env))
    return env


def _entry_joiners(env: Environment) -> dict[str, object]:
    """``entry_items`` and ``feed_entries``: an entry list's items, and a feed's entries."""
    # An entry shows the same way in every list and feed it is in: each of its
    # fragments is rendered once and reused, which takes rendering the 10,000-entry
    # synthetic site from 3.1 s to 1.7 s. Views are frozen and shared by every page of a
    # plan, so one is known by its identity; it is kept with its fragments, so its id is
    # never another view's, and a view of another plan is another object.
    rendered: dict[int, tuple[EntryView, dict[tuple[str, ...], str]]] = {}

    def fragment(name: str, e: EntryView, **values: str) -> str:
        made = rendered.get(id(e))
        if made is None or made[0] is not e:
            made = rendered[id(e)] = (e, {})
        key = (name, *values.values())  # a template is always given the same names
        html = made[1].get(key)
        if html is None:
            html = made[1][key] = env.get_template(name).render(e=e, **values)
        return html

    # Lists and feeds are joined here rather than looped over in their templates:
    # they hold most of a site's items, and a template pays for every step of a loop.
    def entry_items(views: Iterable[EntryView]) -> Markup:
        return Markup("".join([fragment("_item.html", e) + "\n" for e in views]))

    def feed_entries(items: Iterable[tuple[EntryView, str]]) -> Markup:
        return Markup("".join([fragment("_feed_entry.xml", e, updated=when) for e, when in items]))

    return {"entry_items": entry_items, "feed_entries": feed_entries}


def read_copied_files(templates: Path) -> dict[str, bytes]:
    """The files published as they are, by name."""
    return {name: (templates / name).read_bytes() for name in COPIED_FILES}


def render_page(environment: Environment, page: Page, copied: Mapping[str, bytes]) -> bytes:
    """The bytes of one output file; ``copied`` is what :func:`read_copied_files` gives.

    Whatever the content holds, no file has a control character, non-character or
    bidirectional control in it (:func:`safe_bytes`): the checker refuses them, and
    this keeps every format whole for content that never went through it.
    """
    if page.template in copied:
        return copied[page.template]
    return safe_bytes(_page_text(environment, page))


def _page_text(environment: Environment, page: Page) -> str:
    context = page.context
    if "text" in context and page.template in (*EXPORTS, "robots.txt"):
        return str(context["text"])
    if page.template == "catalog.json":
        return catalog_json(context["catalog"])
    if page.template == "list.md":
        bodies: Mapping[str, str] = context["bodies"]
        return catalog_markdown(
            context["catalog"], context["config"], body=lambda entry: bodies[entry.slug]
        )
    return environment.get_template(page.template).render(context)


def render_site(
    catalog: Catalog,
    config: SiteConfig,
    bodies: Mapping[str, str] | None = None,
    templates: Path = DEFAULT_TEMPLATES,
) -> dict[str, bytes]:
    """The whole site in one process: ``{relative output path: bytes}``."""
    if bodies is None:
        bodies = render_bodies(e.summary for e in catalog.entries)
    environment = make_environment(templates, config)
    copied = read_copied_files(templates)
    return {
        page.path: render_page(environment, page, copied)
        for page in plan_site(catalog, config, bodies)
    }
