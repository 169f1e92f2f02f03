"""Time each beat scan, twice: the first run does the work that is due, the second is the idle
scan that beat repeats. The scans change the database (votes close, reminders go out), so run
this on a copy of the seeded bench database, made fresh for each measurement:

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
from nominations import tasks as nomination_tasks
from nominations.models import Nomination, Status

# The task bodies, called in this process as a worker would run them (broker publishes included).
SCANS = {
    "voting_close_due": nomination_tasks.voting_close_due,
    "voting_remind_due": nomination_tasks.voting_remind_due,
    "notifications_sweep": governance_tasks.notifications_sweep,
    "minutes_publish_due": meeting_tasks.minutes_publish_due,
}


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
    Nomination.objects.filter(status=Status.VOTING).update(
        voting_deadline=F("voting_deadline") - datetime.timedelta(hours=hours_later)
    )
    for name, scan in SCANS.items():
        timings, results = [], []
        for _ in range(2):
            started = time.perf_counter()
            results.append(scan())
            timings.append((time.perf_counter() - started) * 1000)
        print(f"{name:22} {timings[0]:8.1f} ms {timings[1]:8.1f} ms   results {results}")
