"""Time each beat scan, twice: the first run does the work that is due, the second is the idle
scan that beat repeats. The close scan only queues one task per due vote; those closes run
between its two runs, one by one as a worker runs them, and are timed too. The scans change the
database (votes close, reminders go out), so run this on a copy of the seeded bench database,
made fresh for each measurement:

    createdb -T gov_bench gov_bench_scans
    DATABASE_URL=.../gov_bench_scans manage.py shell -c "from bench.beat_scans import main; main()"
"""

import datetime
import time

from django.db.models import F
from django.urls import reverse

from governance import tasks as governance_tasks
from governance.celery import app as celery_app
from meetings import tasks as meeting_tasks
from nominations import selectors
from nominations import tasks as nomination_tasks
from nominations.models import Nomination, NominationStatus

# The task bodies, called in this process as a worker would run them (broker publishes included).
SCANS = {
    "voting_close_due": nomination_tasks.voting_close_due,
    "voting_remind_due": nomination_tasks.voting_remind_due,
    "notifications_sweep": governance_tasks.notifications_sweep,
    "minutes_publish_due": meeting_tasks.minutes_publish_due,
}


def time_queued_closes(due: list[int]) -> str:
    """The closes the close scan queued, run here as the worker would: each its own task."""
    timings = []
    for pk in due:
        started = time.perf_counter()
        nomination_tasks.voting_close_expired(pk)
        timings.append((time.perf_counter() - started) * 1000)
    if not timings:
        return "no close queued"
    return f"{len(timings)} closes: mean {sum(timings) / len(timings):.1f} ms, max {max(timings):.1f} ms"


def main(*, hours_later: int = 40) -> None:
    """`hours_later`: run the scans as if that much time had passed since the seed, by moving
    every open vote's deadline earlier (the copy only): some votes are then past their deadline
    and some within a day of it, so the first run closes and reminds as a busy tick would."""
    # A beat worker is long-lived: warm what a fresh process does once (imports, the URL
    # resolver, the broker connection) so the first timed run measures the scan, not start-up.
    for scan in SCANS.values():
        scan()
    reverse("nominations:dashboard")
    celery_app.connection_for_write().ensure_connection()
    Nomination.objects.filter(status=NominationStatus.VOTING).update(
        voting_deadline=F("voting_deadline") - datetime.timedelta(hours=hours_later)
    )
    for name, scan in SCANS.items():
        due = selectors.votes_past_deadline() if name == "voting_close_due" else []
        timings, results = [], []
        for run in range(2):
            started = time.perf_counter()
            results.append(scan())
            timings.append((time.perf_counter() - started) * 1000)
            if run == 0 and name == "voting_close_due":
                closes = time_queued_closes(due)
        print(f"{name:22} {timings[0]:8.1f} ms {timings[1]:8.1f} ms   results {results}")
        if name == "voting_close_due":
            print(f"{'  the closes it queued':22} {closes}")
    # No worker runs here: drop what the scans queued, so a later worker on this broker does
    # not run it.
    celery_app.control.purge()
