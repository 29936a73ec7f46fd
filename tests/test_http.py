"""The budget's pure parts: which addresses are not public, and what server text may be shown."""

from __future__ import annotations

import ipaddress

import pytest

from readinglist.http import has_controls, non_public, printable


@pytest.mark.parametrize(
    ("address", "kind"),
    [
        ("93.184.215.14", ""),
        ("2606:2800:21f:cb07:6820:80da:af6b:8b2c", ""),
        ("127.0.0.1", "loopback"),
        ("127.8.9.10", "loopback"),
        ("::1", "loopback"),
        ("169.254.169.254", "link-local"),
        ("fe80::1", "link-local"),
        ("::ffff:169.254.169.254", "link-local"),
        ("::ffff:127.0.0.1", "loopback"),
        ("10.0.0.1", "private"),
        ("192.168.1.1", "private"),
        ("fd00::1", "private"),
        ("100.64.0.1", "non-public"),
        ("0.0.0.0", "unspecified"),
        ("224.0.0.1", "multicast"),
    ],
)
def test_every_kind_of_non_public_address_is_named(address: str, kind: str) -> None:
    assert non_public(ipaddress.ip_address(address)) == kind


def test_server_text_is_shown_on_one_line_without_controls_and_cut() -> None:
    text = "\x1b]0;title\x07\x1b[31m Red\u202e\ufffe\n\tline\x9b"
    assert printable(text) == "]0;title[31m Red line"
    assert has_controls(text) and not has_controls("https://example.org/a b")
    assert printable("x" * 500, 10) == "x" * 9 + "…"
