"""Fixtures: a copy of the fixture catalog's content to edit; and for the site tests, the
fixture catalog built and served at a domain root and under a path prefix, and Debian's
Chromium driven by Playwright.

Each build and the browser start once per test session, and only when a test asks for them.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from importlib.machinery import ModuleSpec, PathFinder
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, sync_playwright

from builds import TODAY
from readinglist.catalog.check import check_content
from readinglist.catalog.model import Catalog
from sitecheck import FIXTURE_CONTENT, ServedSite, build_site, launch_chromium, serve

PREFIX = "/readinglist/"
"""Where a GitHub Pages project site lives: under its repository's name."""


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    """The fixture catalog, checked as on the day the fixtures were written."""
    result = check_content(FIXTURE_CONTENT, TODAY)
    assert result.ok
    return result.catalog


@pytest.fixture
def content(tmp_path: Path) -> Path:
    """A copy of the fixture catalog's content folder, for a test to edit."""
    copy = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, copy)
    return copy


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedSite]:
    """The fixture catalog built for, and served at, the root of a local host."""
    out = tmp_path_factory.mktemp("root") / "site"
    with serve(out) as url:
        build_site(FIXTURE_CONTENT, out, url)
        yield ServedSite(out, url)


@pytest.fixture(scope="session")
def prefixed_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedSite]:
    """The fixture catalog built for, and served under, ``/readinglist/``."""
    out = tmp_path_factory.mktemp("prefixed") / "site"
    with serve(out, PREFIX) as url:
        build_site(FIXTURE_CONTENT, out, url)
        yield ServedSite(out, url)


@pytest.fixture(params=["site", "prefixed_site"])
def any_site(request: pytest.FixtureRequest) -> ServedSite:
    """The fixture catalog served at the root, then under ``/readinglist/``."""
    served: ServedSite = request.getfixturevalue(request.param)
    return served


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Headless Chromium, shared by every browser test; each test opens its own context."""
    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        yield chromium
        chromium.close()


@pytest.fixture
def installed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[[str], Path]:
    """``installed(package)``: the file that tells which version of ``package`` is
    installed, from now on one of this test's, to be rewritten as an upgrade would."""

    def install(package: str) -> Path:
        origin = tmp_path / f"installed-{package}.py"
        origin.write_text("# one version\n")
        real = PathFinder.find_spec

        def find_spec(name: str, *args: Any) -> ModuleSpec | None:
            if name == package:
                return ModuleSpec(name, None, origin=str(origin))
            return real(name, *args)

        monkeypatch.setattr(PathFinder, "find_spec", find_spec)
        return origin

    return install
