"""Entry URLs: slugs from titles, checking that a URL is one, the one normal form that
tells when two URLs name the same resource, and finding entries that do.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from typing import TypeVar
from urllib.parse import SplitResult, parse_qsl, urlencode, urlsplit, urlunsplit

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_SLUG_LENGTH = 80
MAX_URL_LENGTH = 2000
_HOST_RE = re.compile(
    r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,62}$"
)
_PLACEHOLDER_HOSTS = {"example.com", "example.org", "example.net", "localhost"}
# https://host/path#fragment with a lower-case host: no user, port or query.
_SIMPLE_URL_RE = re.compile(r"https?://([a-z0-9.-]+)(/[^?#\s]*)?(?:#\S*)?")
_SPACE_RE = re.compile(r"\s")
_TRACKING_PARAMS = {"fbclid", "gclid", "mc_cid", "mc_eid", "ref", "ref_src", "source", "si"}
_TWITTER_HOSTS = {"x.com", "mobile.twitter.com", "mobile.x.com"}
# New (2101.00001) and old (cs/0112017) identifiers, with an optional version and .pdf.
_ARXIV_RE = re.compile(r"^/(?:abs|pdf|html)/(?P<id>.+?)(?:v\d+)?(?:\.pdf)?$")

T = TypeVar("T")


def slugify(text: str, max_length: int = MAX_SLUG_LENGTH) -> str:
    """``Rules of ML: a Guide!`` to ``rules-of-ml-a-guide``; ASCII, hyphens, no edge hyphens."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if len(slug) > max_length:
        slug = slug[:max_length].rsplit("-", 1)[0]
    return slug


def normalise_url(url: str) -> str:
    """The form two URLs share when they name the same resource.

    Scheme, host case, ``www.``, default ports, a trailing slash, the fragment
    and tracking parameters (``utm_*``, ``fbclid``...) do not matter; arXiv
    ``abs``/``pdf``/version forms name one paper; twitter.com and x.com are one site.
    """
    try:
        return _normalise_parts(urlsplit(url.strip()))
    except ValueError:
        return url.strip().lower()


def _normalise_parts(parts: SplitResult) -> str:
    """``normalise_url`` of a URL already split; raises ValueError for a malformed port."""
    host = (parts.hostname or "").removeprefix("www.")
    port = parts.port
    if host in _TWITTER_HOSTS:
        host = "twitter.com"
    if port and port not in (80, 443):
        host = f"{host}:{port}"
    path = parts.path.rstrip("/")
    if (host == "arxiv.org" or host.endswith(".arxiv.org")) and (match := _ARXIV_RE.match(path)):
        host, path = "arxiv.org", f"/abs/{match['id']}"
    query = ""
    # A tweet is its path; its query (?s=20, ?t=...) only says how it was shared.
    if parts.query and host != "twitter.com":
        query = urlencode(
            sorted(
                (k, v)
                for k, v in parse_qsl(parts.query, keep_blank_values=True)
                if not k.lower().startswith("utm_") and k.lower() not in _TRACKING_PARAMS
            )
        )
    return urlunsplit(("https", host, path, query, ""))


def url_problem(value: str) -> tuple[str, str]:
    """(problem, hint) for a URL that is not absolute http(s), or ("", "") when it is fine."""
    problem, hint, _ = check_url(value)
    return problem, hint


def check_url(value: str, fast: bool = True) -> tuple[str, str, str | None]:
    """(problem, hint, normalised URL): ``url_problem``, and ``normalise_url`` when it is fine.

    Most URLs are ``https://host/path`` with a lower-case host and no query;
    those are checked without ``urlsplit``, which is most of the cost of a
    URL. ``fast=False`` takes the general path for everything, for the tests
    that compare the two.
    """
    if len(value) > MAX_URL_LENGTH:
        return f"is {len(value)} characters; at most {MAX_URL_LENGTH}", "", None
    simple = _SIMPLE_URL_RE.fullmatch(value) if fast else None
    if simple is not None and _HOST_RE.match(host := simple[1]):
        if host.removeprefix("www.") in _PLACEHOLDER_HOSTS:
            return f"'{value}' is a placeholder", "use the real address", None
        return "", "", _normalise_simple(host, simple[2] or "")
    if _SPACE_RE.search(value):
        return "contains spaces", "encode spaces as %20 or remove them", None
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError for a malformed port
    except ValueError:
        return f"'{value}' is not a valid URL", "check the host and port", None
    if not parts.scheme:
        return f"'{value}' is not absolute", f"write https://{value.lstrip('/')}", None
    if parts.scheme.lower() not in ("http", "https"):
        return f"must use http or https, not '{parts.scheme}'", "link to a web page", None
    host = (parts.hostname or "").rstrip(".")
    if not host:
        return f"'{value}' has no host", "write it as https://host/path", None
    if host.removeprefix("www.") in _PLACEHOLDER_HOSTS:
        return f"'{value}' is a placeholder", "use the real address", None
    if not _HOST_RE.match(host) and not _HOST_RE.match(_ascii_host(host)):
        return f"host '{host}' is not a valid domain name", "check for typos in the address", None
    return "", "", _normalise_parts(parts)


def _normalise_simple(host: str, path: str) -> str:
    """``_normalise_parts`` for a URL with no port, query or user: host and path alone."""
    host = host.removeprefix("www.")
    if host in _TWITTER_HOSTS:
        host = "twitter.com"
    path = path.rstrip("/")
    if (host == "arxiv.org" or host.endswith(".arxiv.org")) and (match := _ARXIV_RE.match(path)):
        host, path = "arxiv.org", f"/abs/{match['id']}"
    return f"https://{host}{path}"


def _ascii_host(host: str) -> str:
    """An internationalised host (bücher.de) in the ASCII form DNS uses, or "" if it has none."""
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        return ""


def duplicate_urls(
    items: Iterable[tuple[T, str]], key: Callable[[str], str] = normalise_url
) -> list[tuple[T, ...]]:
    """Groups of items whose URLs name one resource, each in the order given, by first item.

    ``items`` are (anything, URL) pairs; ``key`` is how a URL is normalised, for a caller
    whose URLs are normalised already.
    """
    groups: dict[str, list[T]] = {}
    for item, url in items:
        groups.setdefault(key(url), []).append(item)
    return [tuple(group) for group in groups.values() if len(group) > 1]
