"""``readinglist new --fetch``: the title and day a page gives, read from a server on
127.0.0.1."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from authoring_cli import fixture_content, run_cli
from readinglist.authoring.fetch import PageFacts, fetch_page_facts, page_facts


@pytest.fixture
def content(tmp_path: Path) -> Path:
    return fixture_content(tmp_path)


PAGES: dict[str, tuple[int, str, bytes]] = {
    "/og": (
        200,
        "text/html; charset=utf-8",
        b"<html><head><title>Site | Principles</title>"
        b'<meta property="og:title" content="MLOps  Principles">'
        b'<meta property="article:published_time" content="2022-01-10T08:00:00+00:00">'
        b"</head><body>x</body></html>",
    ),
    "/plain": (200, "text/html", b"<title>\n  Only a title &amp; more\n</title>"),
    "/gone": (404, "text/html", b"not here"),
    "/pdf": (200, "application/pdf", b"%PDF-1.4"),
}


class _Pages(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        status, content_type, body = PAGES[self.path]
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Pages)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_fetch_reads_opengraph_title_and_publication_day(server: str) -> None:
    assert fetch_page_facts(f"{server}/og") == (PageFacts("MLOps Principles", "2022-01-10"), None)


def test_fetch_falls_back_to_the_html_title(server: str) -> None:
    assert fetch_page_facts(f"{server}/plain") == (PageFacts("Only a title & more", ""), None)


@pytest.mark.parametrize(
    ("path", "why"),
    [
        ("/gone", "the server answered HTTP 404"),
        ("/pdf", "it is application/pdf, not an HTML page"),
    ],
)
def test_fetch_problems_are_plain_warnings(server: str, path: str, why: str) -> None:
    facts, problem = fetch_page_facts(f"{server}{path}")
    assert facts == PageFacts()
    assert problem is not None
    assert problem.format() == (
        f"{server}{path}:1: warning: fetch: could not read the page: {why}"
        " (fill in the title and date yourself)"
    )


def test_fetch_of_a_closed_port_is_a_message_not_a_traceback(content: Path) -> None:
    with http.server.HTTPServer(("127.0.0.1", 0), _Pages) as closed:
        port = closed.server_address[1]
    result = run_cli("new", f"http://127.0.0.1:{port}/x", "--fetch", "--content", str(content))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert f"http://127.0.0.1:{port}/x:1: warning: fetch: could not read the page:" in (
        result.stderr
    )


def test_fetch_prefills_the_command_without_a_terminal(server: str, content: Path) -> None:
    # 127.0.0.1 is no address for an entry, so the checker refuses the URL after the
    # fetch; what matters here is that the page's facts reach the contributor.
    result = run_cli("new", f"{server}/og", "--fetch", "--content", str(content))
    assert "title from the page: MLOps Principles\n" in result.stderr
    assert "date from the page: 2022-01-10\n" in result.stderr


def test_page_facts_ignore_a_date_that_is_not_one() -> None:
    html = '<meta name="article:published_time" content="yesterday"><title>T</title>'
    assert page_facts(html) == PageFacts("T", "")
