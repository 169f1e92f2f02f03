"""Dates and motions in the forms minutes write them."""

import datetime

import pytest

from meetings import minutes_phrases as phrases
from meetings.minutes_dates import find_date


@pytest.mark.parametrize(
    ("text", "day_first", "expected"),
    [
        ("## 2023-08-01", False, datetime.date(2023, 8, 1)),
        ("Triage Aug 1 2023", False, datetime.date(2023, 8, 1)),
        ("Board meeting, August 1st, 2023", False, datetime.date(2023, 8, 1)),
        ("Board meeting — September 30, 2022", False, datetime.date(2022, 9, 30)),
        ("Call on 1 August 2023", False, datetime.date(2023, 8, 1)),
        ("Core Maintainers Meeting October 2022", False, datetime.date(2022, 10, 1)),
        ("Release team 30/9/24", False, datetime.date(2024, 9, 30)),  # 30 is no month
        ("Release team 1/9/24", False, datetime.date(2024, 1, 9)),
        ("Release team 1/9/24", True, datetime.date(2024, 9, 1)),
        ("Release team 30.9.2024", True, datetime.date(2024, 9, 30)),
        ("Sept. 3, 2024 sync", False, datetime.date(2024, 9, 3)),
        ("2023-02-30 is no day", False, None),
        ("no date here", False, None),
    ],
)
def test_it_reads_the_dates_minutes_write(text, day_first, expected):
    assert find_date(text, day_first=day_first) == expected


@pytest.mark.parametrize(
    ("text", "mover", "seconder"),
    [
        ("Dee Person moved to approve the minutes. Eli Nohandle seconded.", "Dee Person",
         "Eli Nohandle"),
        ("Motion by Ada Example, seconded by Ben Sample, to adopt the policy; carried.",
         "Ada Example", "Ben Sample"),
        ("Ben Sample moved that the budget be renewed; carried unanimously.", "Ben Sample", ""),
        ("Motion: renew the contract. Moved: Ada Example. Seconded: Ben Sample. Carried.",
         "Ada Example", "Ben Sample"),
    ],
)  # fmt: skip
def test_it_reads_who_moved_and_who_seconded(text, mover, seconder):
    motion = phrases.motion(text)

    assert (motion.mover, motion.seconder) == (mover, seconder)


@pytest.mark.parametrize(
    "text",
    [
        "The team moved to GitHub Actions last month, and the build passed.",
        "We moved the slow jobs to nightly.",
    ],
)
def test_it_reads_no_motion_in_prose_that_only_says_moved(text):
    assert phrases.motion(text) is None
