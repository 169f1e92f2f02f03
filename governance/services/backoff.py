"""When to try an outside service again: exponential backoff, and never sooner than the
service asked (a 429's wait)."""

import datetime

FIRST_WAIT = datetime.timedelta(minutes=1)
LONGEST_WAIT = datetime.timedelta(hours=6)


def retry_delay(attempts: int, *, asked_seconds: float | None = None) -> datetime.timedelta:
    """1, 2, 4, 8 ... minutes after the 1st, 2nd, 3rd, 4th failed attempt, at most 6 hours."""
    wait = min(FIRST_WAIT * 2 ** max(attempts - 1, 0), LONGEST_WAIT)
    if asked_seconds is not None:
        wait = max(wait, datetime.timedelta(seconds=asked_seconds))
    return wait
