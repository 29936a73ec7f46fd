"""What every request readinglist sends may cost, and where its redirects may go.

Both HTTP clients, ``new --fetch`` (authoring) and the link checker (links),
hold to one :class:`~readinglist.config.HttpBudget` through this module. It
stands at the top of the package, beside ``config``, because those two parts
may not import each other and the catalog sends nothing; it imports only
``config``. httpx does the HTTP: this module adds a response hook for the
header cap, a bounded reader of the raw body, the check of a redirect's
addresses, and the cleaning of server text before anyone sees it.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import unicodedata
import zlib
from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from readinglist.config import HttpBudget

if TYPE_CHECKING:
    import httpx

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], Awaitable[Sequence[Address]]]
"""The addresses of a host and port, as a connection to it would use them."""

ACCEPT_ENCODING = "gzip, deflate"
"""The codings the bounded reader inflates; httpx would offer brotli and zstd too."""
SHOWN_CHARACTERS = 200
"""Text from a server is cut to this many characters before it is shown or written."""
_BIDI_CONTROLS = frozenset(range(0x202A, 0x202F)) | frozenset(range(0x2066, 0x206A))


class Refused(Exception):
    """An answer the budget does not allow; the message says why, for a verdict."""


def printable(text: str, limit: int = SHOWN_CHARACTERS) -> str:
    """``text`` from a server, safe to show: one line, no control or bidi characters, cut."""
    kept = (c for c in text if _printable(c))
    line = " ".join("".join(kept).split())
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


def has_controls(text: str) -> bool:
    """Whether ``text`` holds a character :func:`printable` would drop or fold."""
    return any(c in "\t\n\r" or not _printable(c) for c in text)


def _printable(char: str) -> bool:
    code = ord(char)
    if char in "\t\n\r":
        return True  # whitespace, folded into spaces
    if unicodedata.category(char) in ("Cc", "Cs") or code in _BIDI_CONTROLS:
        return False
    return not (0xFDD0 <= code <= 0xFDEF or code & 0xFFFE == 0xFFFE)


# Where a redirect may go.


async def host_addresses(host: str, port: int) -> tuple[Address, ...]:
    """Every address the system resolver gives ``host``; a literal address as it is."""
    try:
        return (ipaddress.ip_address(host.strip("[]")),)
    except ValueError:
        pass
    found = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return tuple(
        dict.fromkeys(ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in found)
    )


def non_public(address: Address) -> str:
    """What kind of address this is when it is not on the public internet; empty if it is."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    kinds = (
        ("loopback", address.is_loopback),
        ("link-local", address.is_link_local),
        # 0.0.0.0 reaches this machine on Linux; Python counts it private too.
        ("unspecified", address.is_unspecified),
        ("multicast", address.is_multicast),
        ("private", address.is_private),
        ("non-public", not address.is_global),
    )
    return next((kind for kind, matches in kinds if matches), "")


async def _addresses(url: str, resolve: Resolver | None) -> Sequence[Address]:
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    # Looked up when called, not bound at import: tests give a start a public address.
    return await (resolve or host_addresses)(parts.hostname or "", port)


async def redirect_refusal(start: str, target: str, resolve: Resolver | None = None) -> str:
    """Why a chain that began at ``start`` may not go on to ``target``; empty when it may.

    A chain may not leave for a loopback, private, link-local or otherwise
    non-public address, every address the host resolves to checked, unless it
    began at one itself (a preview on 127.0.0.1 redirecting within itself).
    A host that does not resolve is left for the request to report.
    """
    try:
        if any(non_public(a) for a in await _addresses(start, resolve)):
            return ""
        addresses = await _addresses(target, resolve)
    except (OSError, ValueError):
        return ""
    for address in addresses:
        kind = non_public(address)
        if kind:
            host = urlsplit(target).hostname
            where = "" if str(address) == host else f" ({address})"
            return (
                f"the redirect to {printable(target)} is refused: {host} is a {kind} address{where}"
            )
    return ""


# What an answer may be.


def header_hook(budget: HttpBudget) -> Callable[[httpx.Response], Awaitable[None]]:
    """A response event hook that refuses headers larger than the budget allows."""

    async def check(response: httpx.Response) -> None:
        size = len(response.reason_phrase) + 15
        size += sum(len(name) + len(value) + 4 for name, value in response.headers.raw)
        if size > budget.max_header_bytes:
            raise Refused(header_refusal(budget))

    return check


def header_refusal(budget: HttpBudget) -> str:
    return f"its headers are larger than {budget.max_header_bytes // 1024} KiB"


def protocol_refusal(exc: Exception, budget: HttpBudget) -> str:
    """The reason for h11's own refusal of headers past 100 KiB; empty for other errors."""
    return header_refusal(budget) if "Receive buffer too long" in str(exc) else ""


def deadline_refusal(budget: HttpBudget) -> str:
    return f"no complete answer within {budget.deadline:g} s"


async def read_body(response: httpx.Response, budget: HttpBudget) -> bytes:
    """At most ``max_body_bytes`` of the decoded body, inflated no further than that.

    httpx's own decoders inflate each chunk whole, and one 64 KiB chunk of a
    gzip bomb is 64 MB; here each chunk is inflated only as far as the cap.
    A body in more than one coding (``gzip, gzip``) is refused unread.
    """
    codings = [c.strip().lower() for c in response.headers.get("content-encoding", "").split(",")]
    codings = [c for c in codings if c and c != "identity"]
    if len(codings) > 1:
        raise Refused(f"it is sent with nested content encodings ({', '.join(codings)})")
    if codings and codings[0] not in ("gzip", "x-gzip", "deflate"):
        raise Refused(f"it is sent in an encoding not asked for ({printable(codings[0], 40)})")
    # 47: a gzip or a zlib header, whichever the body has.
    inflater = zlib.decompressobj(47) if codings else None
    body = bytearray()
    async for chunk in response.aiter_raw():
        room = budget.max_body_bytes - len(body)
        if room <= 0:
            break
        try:
            body += inflater.decompress(chunk, room) if inflater else chunk[:room]
        except zlib.error as exc:
            raise Refused(f"its {codings[0]} body cannot be decoded ({exc})") from exc
    return bytes(body[: budget.max_body_bytes])
