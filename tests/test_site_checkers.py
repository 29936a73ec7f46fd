"""The checkers the site tests rely on catch what they claim to, on small hand-written sites.

A site test that passes means something only if its checker fails on a broken page: these
tests feed each one a page with a known fault and a page without.
"""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Browser

from sitecheck import (
    ServedSite,
    crawl,
    fetch,
    html_files,
    is_redirect,
    page_address,
    run_axe,
    run_vnu,
    serve,
)

VALID = """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>{title}</title></head>
<body>
<a href="#main">Skip to the list</a>
<header><p>A reading list</p></header>
<main id="main">
<h1>{title}</h1>
{body}
</main>
</body>
</html>
"""


def write_page(out: Path, path: str, title: str, body: str = "") -> None:
    target = out / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(VALID.format(title=title, body=body), encoding="utf-8")


def small_site(out: Path) -> None:
    """A home page linking to one tag page; an old address redirecting there; a 404 page."""
    write_page(out, "index.html", "Home", '<p><a href="tags/mlops/#entries">MLOps</a></p>')
    write_page(out, "tags/mlops/index.html", "MLOps", '<p id="entries"><a href="../../">Home</a>')
    write_page(out, "404.html", "Not found", '<p><a href="/">Home</a></p>')
    (out / "tags" / "ml-ops").mkdir(parents=True)
    (out / "tags" / "ml-ops" / "index.html").write_text(
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Moved</title>'
        '<meta http-equiv="refresh" content="0; url=../mlops/"></head>'
        '<body><p><a href="../mlops/">MLOps</a></p></body></html>',
        encoding="utf-8",
    )


def test_the_server_serves_folders_redirects_and_the_404_page_under_a_prefix(
    tmp_path: Path,
) -> None:
    small_site(tmp_path)
    with serve(tmp_path, "/readinglist/") as url:
        assert url.endswith("/readinglist/")
        assert b"<title>MLOps</title>" in fetch(url + "tags/mlops/").body
        assert fetch(url + "tags/mlops").status == 200  # after the redirect to tags/mlops/
        missing = fetch(url + "no/such/page/")
        assert (missing.status, b"<title>Not found</title>" in missing.body) == (404, True)
        assert fetch(url.removesuffix("readinglist/") + "index.html").status == 404


def test_a_clean_crawl_reaches_every_page_and_finds_nothing_broken(tmp_path: Path) -> None:
    small_site(tmp_path)
    with serve(tmp_path) as url:
        site = ServedSite(tmp_path, url)
        result = crawl(url)
        pages = {page_address(site, f) for f in html_files(tmp_path) if not is_redirect(f)}
    assert result.broken() == []
    assert pages - set(result.pages) == {url + "404.html"}


def test_the_crawl_reports_a_broken_link_a_missing_anchor_and_an_orphan(tmp_path: Path) -> None:
    small_site(tmp_path)
    write_page(
        tmp_path,
        "index.html",
        "Home",
        '<p><a href="tags/mlops/#nowhere">MLOps</a> <a href="tags/gone/">Gone</a></p>',
    )
    write_page(tmp_path, "years/2022/index.html", "2022")
    with serve(tmp_path) as url:
        site = ServedSite(tmp_path, url)
        result = crawl(url)
        pages = {page_address(site, f) for f in html_files(tmp_path) if not is_redirect(f)}
    assert result.broken() == [
        f"{url} -> {url}tags/gone/: HTTP 404",
        f"{url} -> {url}tags/mlops/#nowhere: no element with id 'nowhere'",
    ]
    assert pages - set(result.pages) == {url + "404.html", url + "years/2022/"}


def test_the_crawl_never_leaves_the_local_host(tmp_path: Path) -> None:
    write_page(tmp_path, "index.html", "Home", '<a href="http://example.invalid/">Elsewhere</a>')
    with serve(tmp_path) as url:
        result = crawl(url)
    assert list(result.fetched) == [url]


def test_the_nu_checker_reports_a_misnested_element_and_passes_a_valid_page(
    tmp_path: Path,
) -> None:
    small_site(tmp_path / "good")
    write_page(tmp_path / "bad", "index.html", "Bad", "<div><li>Not in a list</li></div>")
    assert run_vnu(tmp_path / "good") == []
    errors = run_vnu(tmp_path / "bad")
    assert [e["type"] for e in errors] == ["error"]
    assert "“li” not allowed" in errors[0]["message"]


def test_axe_reports_an_image_without_text_and_passes_a_valid_page(
    tmp_path: Path, browser: Browser
) -> None:
    write_page(tmp_path, "index.html", "Good", "<p>Plain text.</p>")
    write_page(tmp_path, "bad.html", "Bad", '<p><img src="chart.svg"></p>')
    (tmp_path / "chart.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>', encoding="utf-8"
    )
    context = browser.new_context()
    page = context.new_page()
    try:
        with serve(tmp_path) as url:
            page.goto(url)
            assert run_axe(page) == []
            page.goto(url + "bad.html")
            assert [v["id"] for v in run_axe(page)] == ["image-alt"]
    finally:
        context.close()
