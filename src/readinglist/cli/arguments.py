"""Argument types and options that several commands share, with their usage errors."""

from __future__ import annotations

import argparse
import datetime
from typing import TypeAlias

Commands: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"
"""What each command's ``add`` function adds its parser to."""

DEFAULT_CONTENT = "content"


def add_content(parser: argparse.ArgumentParser) -> None:
    """The ``--content`` option every command that reads the catalog takes."""
    parser.add_argument(
        "--content", default=DEFAULT_CONTENT, help="content folder (default: content)"
    )


def day(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a day in YYYY-MM-DD form") from None


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number of 1 or more")
    return value


def _number(text: str, low: float, low_allowed: bool) -> float:
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not (value > low or (low_allowed and value == low)) or value == float("inf"):
        bound = f"of {low:g} or more" if low_allowed else f"above {low:g}"
        raise argparse.ArgumentTypeError(f"'{text}' is not a number {bound}")
    return value


def non_negative(text: str) -> float:
    return _number(text, 0, low_allowed=True)


def positive(text: str) -> float:
    return _number(text, 0, low_allowed=False)
