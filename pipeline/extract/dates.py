"""Dates as pages write them: ISO 8601 values of markup, and dates in visible text or URLs.

Parsed dates keep the page's own UTC offset (an aware datetime compares equal to its UTC
instant, and ``.date()`` is the calendar day the page shows: "2025-12-18T21:41-05:00" is the
18th for the reader, the 19th in UTC). A value without an offset is taken as UTC; a date alone
is midnight. Nothing here raises on garbage: an unparseable value is None.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

# Years outside this range are placeholders ("0001-01-01") or typos, not publication dates.
MIN_YEAR, MAX_YEAR = 1990, 2100
_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
_MONTH = r"(?P<month>jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
# "February 9, 2016", "Feb. 9th 2016" / "9 February 2016", "Tue, 25 Nov 2025" / "2016-02-09".
_TEXT_DATES = (
    re.compile(rf"\b{_MONTH}\s+{_DAY},?\s+(?P<year>\d{{4}})(?!\d)", re.I),
    re.compile(rf"\b{_DAY}\s+{_MONTH},?\s+(?P<year>\d{{4}})(?!\d)", re.I),
    re.compile(r"\b(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})\b"),
    # "23.07.2025" is day-first wherever dots are used.
    re.compile(r"\b(?P<day>\d{1,2})\.(?P<month>\d{1,2})\.(?P<year>\d{4})\b"),
)
# "15/12/2025" or "12/15/2025": read month-first (US) unless the first number cannot be a month.
_SLASH_DATE = re.compile(r"\b(?P<a>\d{1,2})/(?P<b>\d{1,2})/(?P<year>\d{4})\b")
# /2016/02/09/ or /2016-02-09/ in a URL path (WordPress permalinks and many news sites).
_URL_DATE = re.compile(r"/(?P<year>(?:19|20)\d{2})[/-](?P<month>\d{1,2})[/-](?P<day>\d{1,2})(?!\d)")


def _aware(parsed: datetime) -> datetime | None:
    if not MIN_YEAR <= parsed.year <= MAX_YEAR:
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def _from_parts(year: str, month: str, day: str) -> datetime | None:
    month_no = _MONTHS.get(month[:3].lower()) if not month.isdigit() else int(month)
    if month_no is None:
        return None
    try:
        return _aware(datetime(int(year), month_no, int(day)))
    except ValueError:
        return None


def parse_date(value: object) -> datetime | None:
    """An ISO 8601 date or datetime, else the first date written in words in ``value``."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    iso = text[:-1] + "+00:00" if text[-1:] in "Zz" else text
    try:
        return _aware(datetime.fromisoformat(iso))
    except ValueError:
        return text_date(text)


def text_date(text: str) -> datetime | None:
    """The first date of a short visible text ("Updated on July 9, 2025 at 5 pm")."""
    for pattern in _TEXT_DATES:
        match = pattern.search(text)
        if match:
            return _from_parts(match["year"], match["month"], match["day"])
    match = _SLASH_DATE.search(text)
    if match:
        a, b = match["a"], match["b"]
        month, day = (b, a) if int(a) > 12 else (a, b)
        return _from_parts(match["year"], month, day)
    return None


def url_date(url: str | None) -> datetime | None:
    match = _URL_DATE.search(url or "")
    return _from_parts(match["year"], match["month"], match["day"]) if match else None
