"""Characters that text from outside must not carry, their names, and text without them.

Control characters and non-characters break formats (XML 1.0 forbids most C0
characters even escaped) and terminals (ESC starts an escape sequence);
bidirectional controls make text read in another order than it is written. The
checker names them in content, the site leaves them out of every file it
writes, and problems show them escaped.
"""

from __future__ import annotations

import re
import unicodedata

# fmt: off
_C0 = (
    "NUL", "SOH", "STX", "ETX", "EOT", "ENQ", "ACK", "BEL", "BS", "HT", "LF",
    "VT", "FF", "CR", "SO", "SI", "DLE", "DC1", "DC2", "DC3", "DC4", "NAK",
    "SYN", "ETB", "CAN", "EM", "SUB", "ESC", "FS", "GS", "RS", "US",
)
_C1 = (
    "PAD", "HOP", "BPH", "NBH", "IND", "NEL", "SSA", "ESA", "HTS", "HTJ", "VTS",
    "PLD", "PLU", "RI", "SS2", "SS3", "DCS", "PU1", "PU2", "STS", "CCH", "MW",
    "SPA", "EPA", "SOS", "SGC", "SCI", "CSI", "ST", "OSC", "PM", "APC",
)
# fmt: on
_CONTROL_NAMES = {**dict(enumerate(_C0)), 0x7F: "DEL", **dict(enumerate(_C1, 0x80))}
"""The control characters have no Unicode names; these are their standard abbreviations."""

_NONCHARACTERS = "\ufdd0-\ufdef" + "".join(
    f"{chr(plane + 0xFFFE)}-{chr(plane + 0xFFFF)}" for plane in range(0, 0x110000, 0x10000)
)
_NOT_TEXT = "\x7f-\x9f\ud800-\udfff" + _NONCHARACTERS
_FORBIDDEN = "\x00-\x08\x0b-\x1f" + _NOT_TEXT
_BIDI = "\u202a-\u202e\u2066-\u2069"

FORBIDDEN_RE = re.compile(f"[{_FORBIDDEN}]")
"""Control characters but tab and newline, surrogates and non-characters: never text."""
BIDI_RE = re.compile(f"[{_BIDI}]")
"""The bidirectional embeddings, overrides and isolates: text shown in another order."""
UNSAFE_RE = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f{_NOT_TEXT}{_BIDI}]")
"""What no output file keeps: the forbidden characters but carriage return, which CSV
ends its lines with, and the bidirectional controls."""

# The same, fast: a class that lists the last two code points of each plane one by one
# makes a search 10 to 25 times slower than one range from the first of them to the
# end, past nearly every character in use; what that range finds is looked at again.
_FAST = "\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff\U0001fffe-\U0010ffff" + _BIDI
SUSPECT_RE = re.compile(f"[\x00-\x08\x0b-\x1f{_FAST}]")
"""What :data:`FORBIDDEN_RE` or :data:`BIDI_RE` may find, searched for in one pass:
0.4 µs for a title, where the two take 9 µs."""
_OUTPUT_RE = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f{_FAST}]")


def is_bidi(character: str) -> bool:
    return BIDI_RE.match(character) is not None


def is_suspect(character: str) -> bool:
    """Whether a character :data:`SUSPECT_RE` found is one it looks for."""
    return FORBIDDEN_RE.match(character) is not None or is_bidi(character)


def character_name(character: str) -> str:
    """``U+001B ESC``, ``U+202E RIGHT-TO-LEFT OVERRIDE``, ``U+FFFE (a non-character)``."""
    code = ord(character)
    name = _CONTROL_NAMES.get(code) or unicodedata.name(character, "")
    if not name:
        name = "(a surrogate)" if 0xD800 <= code <= 0xDFFF else "(a non-character)"
    return f"U+{code:04X} {name}"


def _dropped(match: re.Match[str]) -> str:
    return "" if is_suspect(match.group()) else match.group()


def safe_text(text: str) -> str:
    """``text`` without the characters no output file keeps (:data:`UNSAFE_RE`)."""
    return _OUTPUT_RE.sub(_dropped, text) if _OUTPUT_RE.search(text) else text


_C0_BYTES = tuple(bytes([code]) for code in (*range(0x20), 0x7F) if chr(code) not in "\t\n\r")
"""The control characters of one byte each, looked for one by one: a search for one
byte reads 12 MB in 0.2 ms, and, unlike deleting them all to compare lengths, makes
no copy of the text."""
_MULTIBYTE_RES = tuple(
    (pattern[:1], re.compile(pattern))
    for pattern in (
        b"\xc2[\x80-\x9f]",  # C1
        b"\xe2\x80[\xaa-\xae]",  # bidirectional embeddings and overrides
        b"\xe2\x81[\xa6-\xa9]",  # bidirectional isolates
        b"\xef\xb7[\x90-\xaf]",  # U+FDD0 to U+FDEF
        b"\xbf[\xbe\xbf]",  # the two last of each plane, and a few characters besides
    )
)
"""Where the characters UNSAFE_RE finds can be in UTF-8, each searched for by its
first bytes, as fast as the bytes can be read; each with its first byte, which a
search for one byte finds twenty times faster still (most text has none of them)."""


def safe_bytes(text: str) -> bytes:
    """``safe_text(text)`` as UTF-8, without a regular expression over the text unless
    its bytes hold something that may need dropping: a search of each character over
    the 34 MB of a 3,000-entry site takes 0.26 s, this 0.02 s. (The 12 MB of exports
    at 10,000 entries, written after every save in ``serve``: 0.006 s.)"""
    try:
        data = text.encode()
    except UnicodeEncodeError:  # a surrogate
        return safe_text(text).encode()
    if not any(byte in data for byte in _C0_BYTES) and not any(
        lead in data and pattern.search(data) for lead, pattern in _MULTIBYTE_RES
    ):
        return data
    return safe_text(text).encode()
