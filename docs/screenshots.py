"""Screenshots of the real site for the docs: the home page and a tag page, on a desktop and
on a 320 px phone screen, taken in headless Chromium.

Builds ``content/`` into a temporary folder, serves it on 127.0.0.1 and saves PNGs into
``docs/``. Run from the repository root:

    .venv/bin/python docs/screenshots.py [--tag mlops]
"""

from __future__ import annotations

import argparse
import functools
import http.server
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any

from playwright.sync_api import ViewportSize, sync_playwright

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
VIEWS: dict[str, ViewportSize] = {
    "desktop": {"width": 1280, "height": 900},
    "phone": {"width": 320, "height": 640},
}


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """Nothing: the script says what it saved."""


def take(content: Path, out: Path, tag: str) -> list[Path]:
    """Build ``content``, serve it and save ``home-<view>.png`` and ``tag-<view>.png``."""
    saved: list[Path] = []
    with tempfile.TemporaryDirectory() as temporary:
        site = Path(temporary) / "site"
        handler = functools.partial(_QuietHandler, directory=str(site))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        url = f"http://127.0.0.1:{server.server_address[1]}/"
        try:
            build = [sys.executable, "-m", "readinglist", "build", "--no-search"]
            where = ["--content", str(content), "--out", str(site), "--base-url", url]
            cache = ["--cache", str(Path(temporary) / "cache")]
            built = subprocess.run(
                [*build, *where, *cache], capture_output=True, text=True, check=False, cwd=REPO
            )
            if built.returncode != 0:
                raise SystemExit(f"readinglist build failed:\n{built.stdout}{built.stderr}")
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
                )
                for view, viewport in VIEWS.items():
                    context = browser.new_context(viewport=viewport, color_scheme="light")
                    page = context.new_page()
                    for name, path in (("home", ""), ("tag", f"tags/{tag}/")):
                        response = page.goto(url + path)
                        if response is None or response.status != 200:
                            raise SystemExit(f"{url + path} did not load")
                        target = out / f"{name}-{view}.png"
                        page.screenshot(path=str(target))
                        saved.append(target)
                    context.close()
                browser.close()
        finally:
            server.shutdown()
            server.server_close()
    return saved


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--content", type=Path, default=REPO / "content")
    parser.add_argument("--out", type=Path, default=REPO / "docs")
    parser.add_argument("--tag", default="mlops", help="the tag page to show")
    args = parser.parse_args()
    for path in take(args.content, args.out, args.tag):
        print(path.relative_to(REPO) if path.is_relative_to(REPO) else path)


if __name__ == "__main__":
    main()
