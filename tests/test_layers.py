"""The layers: a pure core (catalog, site), one engine (build), and the parts around them.

Every module's imports are read with ``ast``, wherever they stand in it. A part
may import only the parts ALLOWED names for it, and itself: the core knows
nothing of the engine, serve or the command line, and links and authoring know
only the catalog. A new module or subpackage has to be given its place here.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).parent.parent / "src" / "readinglist"
BASE = frozenset({"problems", "config"})
ALLOWED: dict[str, frozenset[str]] = {
    "problems": frozenset(),
    "config": frozenset(),
    # The budget every HTTP client holds to: links and authoring both send requests.
    "http": frozenset({"config"}),
    "catalog": frozenset({"problems"}),
    "site": BASE | {"catalog"},
    "links": BASE | {"catalog", "http"},
    "authoring": BASE | {"catalog", "http"},
    "build": BASE | {"catalog", "site"},
    "serve": BASE | {"catalog", "site", "build"},
    "cli": BASE | {"catalog", "site", "build", "links", "authoring", "serve"},
    "__main__": frozenset({"cli"}),
}
"""What each part may import besides itself and the package's ``__version__``."""


def part_of(path: Path, package: Path = PACKAGE) -> str:
    """``catalog`` for catalog/check.py, ``serve`` for serve.py."""
    relative = path.relative_to(package)
    return relative.parts[0] if len(relative.parts) > 1 else relative.stem


def imported_parts(path: Path, package: Path = PACKAGE) -> set[str]:
    """The parts of readinglist a file imports, anywhere in it."""
    parts: set[str] = set()
    own_package = ["readinglist", *path.relative_to(package).parent.parts]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = own_package[: len(own_package) - node.level + 1] if node.level else []
            source = ".".join([*base, node.module] if node.module else base)
            names = [f"{source}.{alias.name}" for alias in node.names]
        else:
            continue
        for name in names:
            dotted = name.split(".")
            if dotted[0] == "readinglist" and len(dotted) > 1 and dotted[1] != "__version__":
                parts.add(dotted[1])
    return parts


SOURCES = sorted(p for p in PACKAGE.rglob("*.py") if p.name != "__init__.py" or p.parent != PACKAGE)


def test_every_part_has_a_place() -> None:
    unknown = {part_of(p) for p in SOURCES} - set(ALLOWED)
    assert not unknown, f"give {sorted(unknown)} a place in ALLOWED in tests/test_layers.py"


@pytest.mark.parametrize("path", SOURCES, ids=[str(p.relative_to(PACKAGE)) for p in SOURCES])
def test_each_part_imports_only_the_layers_below_it(path: Path) -> None:
    part = part_of(path)
    outside = imported_parts(path) - {part} - ALLOWED[part]
    assert not outside, f"{path.relative_to(PACKAGE)} ({part}) imports {sorted(outside)}"


def test_the_import_reader_sees_every_form(tmp_path: Path) -> None:
    package = tmp_path / "readinglist"
    (package / "site").mkdir(parents=True)
    source = package / "site" / "pages.py"
    source.write_text(
        "import readinglist.catalog.model\n"
        "from readinglist.problems import Problem\n"
        "from readinglist import __version__, build\n"
        "from . import markup\n"
        "from ..links import check\n"
        "import json\n"
        "def later():\n    from readinglist import cli\n"
    )
    found = imported_parts(source, package)
    assert found == {"catalog", "problems", "build", "site", "links", "cli"}


def test_a_core_module_importing_the_engine_is_caught(tmp_path: Path) -> None:
    package = tmp_path / "readinglist"
    (package / "catalog").mkdir(parents=True)
    source = package / "catalog" / "check.py"
    source.write_text("from readinglist.build.pipeline import build_site\n")
    assert part_of(source, package) == "catalog"
    assert imported_parts(source, package) - {"catalog"} - ALLOWED["catalog"] == {"build"}
