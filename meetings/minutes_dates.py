"""Dates as minutes write them in titles and headings: "2023-08-01", "Aug 1 2023", "August 1st,
2023", "1 August 2023", "October 2022" (the 1st of the month) and "30/9/24" or "9/30/24".

Numeric dates are read month first unless `day_first` is set; a first number above 12 is a day
whatever the setting. Each pattern starts with a bounded token and uses possessive quantifiers,
so a search is linear in the text.
"""

import datetime
import re

MONTHS = (
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december",
)  # fmt: skip
_MONTH = "(?P<month>" + "|".join([*MONTHS, *(month[:3] for month in MONTHS), "sept"]) + r")\.?+"
_ORDINAL = r"(?:st|nd|rd|th)?+"

_ISO = re.compile(r"\b(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})\b")
_MONTH_DAY_YEAR = re.compile(
    rf"\b{_MONTH}[ \t]++(?P<day>\d{{1,2}}){_ORDINAL},?+[ \t]++(?P<year>\d{{4}})\b", re.IGNORECASE
)
_DAY_MONTH_YEAR = re.compile(
    rf"\b(?P<day>\d{{1,2}}){_ORDINAL}[ \t]++(?:of[ \t]++)?{_MONTH},?+[ \t]++(?P<year>\d{{4}})\b",
    re.IGNORECASE,
)
_MONTH_YEAR = re.compile(rf"\b{_MONTH},?+[ \t]++(?P<year>\d{{4}})\b", re.IGNORECASE)
_NUMERIC = re.compile(r"\b(?P<first>\d{1,2})[/.](?P<second>\d{1,2})[/.](?P<year>\d{4}|\d{2})\b")


def _month_number(name: str) -> int:
    prefix = name.lower()[:3]
    return next(number for number, month in enumerate(MONTHS, start=1) if month[:3] == prefix)


def _year(text: str) -> int:
    year = int(text)
    return year + 2000 if len(text) == 2 else year


def _valid(year: int, month: int, day: int) -> datetime.date | None:
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


def find_date(text: str, *, day_first: bool = False) -> datetime.date | None:
    """The first date written in `text`, in the first form that matches, or None."""
    if match := _ISO.search(text):
        return _valid(int(match["year"]), int(match["month"]), int(match["day"]))
    for pattern in (_MONTH_DAY_YEAR, _DAY_MONTH_YEAR):
        if match := pattern.search(text):
            return _valid(int(match["year"]), _month_number(match["month"]), int(match["day"]))
    if match := _NUMERIC.search(text):
        first, second = int(match["first"]), int(match["second"])
        day, month = (first, second) if day_first or first > 12 else (second, first)
        return _valid(_year(match["year"]), month, day)
    if match := _MONTH_YEAR.search(text):
        return _valid(int(match["year"]), _month_number(match["month"]), 1)
    return None
