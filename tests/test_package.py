"""The package is whole: a wheel, installed outside the checkout, builds the site.

The wheel is built with uv and installed into a new virtualenv in a temporary
folder. Its dependencies are not downloaded again (tests use no network): a
``.pth`` line puts the locked environment's site-packages after the new
venv's own, where the editable checkout is not on the path, so ``readinglist``
can only come from the wheel.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

from builds import files_under

ROOT = Path(__file__).parent.parent
FIXTURE = Path(__file__).parent / "fixtures" / "content"
UV = Path(sys.executable).parent / "uv"


def run(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    done = subprocess.run(
        [str(arg) for arg in args], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, f"{args[0]} {args[1]}: {done.stdout}{done.stderr}"
    return done


def outside_the_source(folder: str, names: list[str]) -> set[str]:
    """Hidden files, and at the top the built site and the test tools."""
    top = {"site", "node_modules", "build", "dist"} if Path(folder) == ROOT else set()
    return {name for name in names if name.startswith(".") or name in top}


def test_a_wheel_installed_outside_the_checkout_builds_the_same_site(tmp_path: Path) -> None:
    shutil.copytree(ROOT, tmp_path / "source", ignore=outside_the_source)
    run(
        UV, "build", "--wheel", "--offline", "--out-dir", tmp_path / "dist", cwd=tmp_path / "source"
    )
    wheel = next((tmp_path / "dist").glob("readinglist-*.whl"))

    venv = tmp_path / "venv"
    run(UV, "venv", "--offline", "--python", sys.executable, venv, cwd=tmp_path)
    python = venv / "bin" / "python"
    run(UV, "pip", "install", "--offline", "--no-deps", "--python", python, wheel, cwd=tmp_path)
    purelib = run(
        python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))", cwd=tmp_path
    )
    locked = sysconfig.get_path("purelib")
    (Path(purelib.stdout.strip()) / "locked-dependencies.pth").write_text(locked + "\n")

    where = run(python, "-c", "import readinglist; print(readinglist.__file__)", cwd=tmp_path)
    assert where.stdout.startswith(str(venv))

    args = ("build", "--content", FIXTURE, "--no-search", "--no-cache", "--out")
    from_wheel = run(venv / "bin" / "readinglist", *args, tmp_path / "wheel-site", cwd=tmp_path)
    assert "built" in from_wheel.stdout.lower()
    run(sys.executable, "-m", "readinglist", *args, tmp_path / "checkout-site", cwd=tmp_path)

    built = files_under(tmp_path / "wheel-site")
    assert "style.css" in built
    assert "index.html" in built
    assert built == files_under(tmp_path / "checkout-site")
