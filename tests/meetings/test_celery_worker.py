"""The review-window scan through a real Celery worker (a thread of this process) and a real
broker: Redis when REDIS_URL is set, else kombu's in-memory transport. No eager mode, no mocks.
The worker has its own database connection, so this test commits for real."""

import datetime

import pytest
from django.utils import timezone

import meetings.tasks  # noqa: F401  (registers the task with the Celery app)
from governance.celery import app as celery_app
from meetings import services, tasks
from meetings.models import MeetingStatus, MinutesVersion, ReviewRound
from tests.conftest import purge_test_queue
from tests.meetings.conftest import add_public_item, new_meeting
from tests.support.worker import running_worker, wait_for, worker_idle

pytestmark = pytest.mark.django_db(transaction=True)


def test_it_publishes_when_the_review_window_ends_through_the_worker(
    celery_broker, lead, core1, core2
):
    celery_app.conf.broker_url = celery_broker
    purge_test_queue()
    meeting = new_meeting(core1)
    add_public_item(core1, meeting)
    services.minutes_submit(actor=core1, meeting=meeting)
    # Pretend the window ended a second ago; time passing has no service.
    ReviewRound.objects.filter(meeting=meeting).update(
        submitted_at=timezone.now() - datetime.timedelta(days=8),
        closes_at=timezone.now() - datetime.timedelta(seconds=1),
    )

    with running_worker():
        # Two scans in a row, as beat does when one is slow, still publish one version.
        tasks.minutes_publish_due.delay()
        tasks.minutes_publish_due.delay()
        assert wait_for(lambda: MinutesVersion.objects.filter(meeting=meeting).exists())
        assert wait_for(worker_idle)

    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.PUBLISHED
    assert MinutesVersion.objects.filter(meeting=meeting).count() == 1
