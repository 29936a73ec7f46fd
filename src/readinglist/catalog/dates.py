"""Check an entry's ``date``: a year, a month or a day, or none for a living resource.

Each value that is not a publication date gets one problem on the ``date`` line,
with a hint that says how to write what was meant, where that can be known
without guessing.
"""

from __future__ import annotations

import calendar
import datetime
import re

from readinglist.catalog.model import UNDATED_KINDS, PublicationDate
from readinglist.catalog.values import describe_type, line_of
from readinglist.catalog.yamllines import LineDict
from readinglist.problems import Problem

EARLIEST_YEAR = 1800
FORMS = "YYYY, YYYY-MM or YYYY-MM-DD"
_FORM_RE = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$")
_DAY_WITH_TIME_RE = re.compile(r"^(\d{4}-\d{2}-\d{2})[T ]\d")
_OTHER_FORMS = (
    ("%Y-%m-%d", "%Y-%m-%d"),
    ("%Y/%m/%d", "%Y-%m-%d"),
    ("%Y/%m", "%Y-%m"),
    ("%Y.%m.%d", "%Y-%m-%d"),
    ("%Y.%m", "%Y-%m"),
    ("%b %d, %Y", "%Y-%m-%d"),
    ("%B %d, %Y", "%Y-%m-%d"),
    ("%d %b %Y", "%Y-%m-%d"),
    ("%d %B %Y", "%Y-%m-%d"),
    ("%b %Y", "%Y-%m"),
    ("%B %Y", "%Y-%m"),
    ("%m/%Y", "%Y-%m"),
)
"""Forms a date is often written in, read without guessing, and how it is written here.
A form like 03/04/2015 is left out: which part is the month cannot be known."""


def publication_date(
    out: list[Problem], path: str, fields: LineDict, kind: str | None, today: datetime.date
) -> PublicationDate | None:
    """The entry's publication date, or None: undated, or with a problem added to ``out``."""
    value = fields.get("date")
    if type(value) is str and _FORM_RE.match(value):
        # The common case: a date already written in one of the three forms, within range.
        try:
            parsed = PublicationDate.fromisoformat(value)
        except ValueError:
            pass  # the general path below says why
        else:
            if parsed.first_day() <= today and parsed.year >= EARLIEST_YEAR:
                return parsed
    line = line_of(fields, "date")
    if value is None:
        if "date" in fields:
            hint = f"write {FORMS}, or remove the line for a living resource"
            out.append(Problem(path, line, "date", "is empty", hint))
        elif "added" not in fields:
            # Feeds and the order of undated entries need a day: the one it joined the list.
            hint = "add `added: YYYY-MM-DD`, the day it joined the list"
            out.append(
                Problem(path, fields.line, "added", "is required for an undated entry", hint)
            )
        if "date" not in fields and kind is not None and kind not in UNDATED_KINDS:
            hint = f"add `date:` as {FORMS}, as precisely as the resource itself says"
            article = "an" if kind[0] in "aeiou" else "a"
            out.append(
                Problem(path, line, "date", f"is missing for {article} {kind}", hint, "warning")
            )
        return None
    if isinstance(value, int) and not isinstance(value, bool) and 1000 <= value <= 9999:
        value = str(value)  # `date: 2015` unquoted: YAML reads a year as a number
    found = _parse(value, today)
    if isinstance(found, PublicationDate):
        return found
    out.append(Problem(path, line, "date", *found))
    return None


def _parse(value: object, today: datetime.date) -> PublicationDate | tuple[str, str]:
    """The date ``value`` is, or (message, hint) saying why it is none."""
    if not isinstance(value, str):
        return _not_text(value)
    text = value.strip()
    if not text:
        return "is empty", f"write {FORMS}, or remove the line for a living resource"
    if not _FORM_RE.match(text):
        return f"'{text}' is not a date in {FORMS} form", _form_hint(text)
    try:
        parsed = PublicationDate.fromisoformat(text)
    except ValueError:
        return f"'{text}' is not a calendar date", calendar_hint(text)
    if parsed.first_day() > today:
        what = {"year": "year", "month": "month", "day": "day"}[parsed.precision]
        return f"'{text}' is in the future", f"use the {what} it was published"
    if parsed.year < EARLIEST_YEAR:
        return f"'{text}' is before {EARLIEST_YEAR}", "check the year"
    return parsed


def _not_text(value: object) -> tuple[str, str]:
    """Why a value YAML read as something other than text is no date."""
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value} is not a year", "write the year in four digits, as the resource gives it"
    # `date: 2015.10` is the number 2015.1 to YAML: the month cannot be read back from it.
    return f"must be a date, not {describe_type(value)}", f"write {FORMS}"


def calendar_hint(text: str) -> str:
    """Why a date in the right form does not exist: the year, the month, or the month's length."""
    numbers = [int(part) for part in text.split("-")]
    if numbers[0] < 1:
        return "there is no year 0000"
    if not 1 <= numbers[1] <= 12:
        return "the month must be 01 to 12"
    days = calendar.monthrange(numbers[0], numbers[1])[1]
    return f"{numbers[0]:04d}-{numbers[1]:02d} has {days} days"


def _form_hint(text: str) -> str:
    """The date written in one of the three forms, when another common form says it exactly."""
    with_time = _DAY_WITH_TIME_RE.match(text)
    if with_time:
        return f"write {with_time[1]}: the day, without the time"
    cleaned = " ".join(text.replace(",", ", ").split()).replace(" ,", ",")
    for pattern, form in _OTHER_FORMS:
        try:
            parsed = datetime.datetime.strptime(cleaned, pattern)
        except ValueError:
            continue
        return f"write {parsed.strftime(form)}"
    if re.fullmatch(r"\d{1,2}/\d{1,2}/\d{4}", text):
        return "write YYYY-MM-DD: which number is the month cannot be told"
    if re.fullmatch(r"\d{1,3}", text):
        return "write the year in four digits, as the resource gives it"
    return f"write {FORMS}"
