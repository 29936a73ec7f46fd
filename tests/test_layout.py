"""The layout rule: each module imports only from modules before it in ORDER.

Imports flow one way, from the command line down to the errors it reports, so
a module can be read (and tested) knowing only what comes before it. A new
module has to be placed in ORDER, or this test fails.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).parent.parent / "src" / "readinglist"
ORDER = (
    "forked",
    "errors",
    "model",
    "markup",
    "config",
    "load",
    "validate",
    "importer",
    "links",
    "export",
    "render",
    "record",
    "build",
    "new",
    "serve",
    "cli",
)
"""Every module, each allowed to import only those before it (as in README.md)."""
FIRST = "__init__"
"""The package itself: imports no module of its own (so any module may read __version__)."""
LAST = "__main__"
"""``python -m readinglist``: may import any module."""


def imported_modules(path: Path) -> set[str]:
    """The readinglist modules a file imports, anywhere in it, by their short names."""
    modules: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("readinglist."):
                    modules.add(alias.name.split(".")[1])
        elif isinstance(node, ast.ImportFrom):
            source = node.module or ""
            if node.level == 0 and not (
                source == "readinglist" or source.startswith("readinglist.")
            ):
                continue
            parts = source.split(".") if source else []
            parts = parts[1:] if node.level == 0 else parts
            if parts:
                modules.add(parts[0])
            else:  # from readinglist import x: x may be a module or a name such as __version__
                modules.update(a.name for a in node.names if a.name in ORDER)
    return modules


def rank(module: str) -> int:
    if module == FIRST:
        return -1
    if module == LAST:
        return len(ORDER)
    return ORDER.index(module)


SOURCES = sorted(PACKAGE.glob("*.py"))


def test_every_module_is_placed_in_the_order() -> None:
    unknown = {p.stem for p in SOURCES} - set(ORDER) - {FIRST, LAST}
    assert not unknown, f"add {sorted(unknown)} to ORDER in tests/test_layout.py and README.md"


@pytest.mark.parametrize("path", SOURCES, ids=[p.stem for p in SOURCES])
def test_imports_flow_one_way(path: Path) -> None:
    if path.stem not in (*ORDER, FIRST, LAST):
        pytest.fail(f"{path.stem} is not in ORDER")
    later = sorted(m for m in imported_modules(path) if rank(m) >= rank(path.stem))
    assert later == [], f"{path.stem} imports {later}, which come after it"


def test_the_import_reader_sees_every_form(tmp_path: Path) -> None:
    source = tmp_path / "sample.py"
    source.write_text(
        "import readinglist.load\n"
        "from readinglist.errors import Problem\n"
        "from readinglist import __version__, build\n"
        "from . import model\n"
        "from .validate import validate\n"
        "import json\n"
        "def later():\n    from readinglist import cli\n"
    )
    assert imported_modules(source) == {"load", "errors", "build", "model", "validate", "cli"}
