"""Nomination notifications and beat scans through a real Celery worker (a thread of this
process) and a real broker: Redis when REDIS_URL is set, else kombu's in-memory transport. No
eager mode, no mocks. The worker has its own database connection, so these tests commit for
real (`transaction=True`) and on-commit callbacks publish to the broker as in production."""

import time

import pytest
from celery.signals import task_prerun, task_revoked

import nominations.tasks
from governance import tasks as governance_tasks
from governance.celery import app as celery_app
from governance.models import AuditEvent, Notification, NotificationChannel
from nominations import services
from nominations.models import BallotChoice, NominationStatus, Tally
from tests.conftest import purge_test_queue
from tests.nominations.conftest import VOTING_DAYS, fresh
from tests.support.worker import running_worker, wait_for, worker_idle

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def email_backend(settings) -> None:
    # The locmem outbox is a module global, so the worker thread's sends land in mail.outbox.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def start(celery_broker, email_backend):
    """`with start():` runs a worker; the queue is emptied first, so only what the test
    publishes from then on is delivered."""

    def make():
        celery_app.conf.broker_url = celery_broker
        purge_test_queue()
        return running_worker()

    return make


def emails(event_key: str):
    return Notification.objects.filter(event_key=event_key, channel=NotificationChannel.EMAIL)


def all_sent(event_key: str) -> bool:
    rows = emails(event_key)
    return rows.exists() and not rows.filter(sent_at__isnull=True).exists()


def test_it_delivers_the_voting_started_emails_exactly_once(build, start, mailoutbox):
    nomination = build.opened()
    event = f"nomination-voting:{nomination.pk}"

    with start():
        services.voting_open(actor=build.core1, nomination=nomination)
        assert wait_for(lambda: all_sent(event)), "the worker did not send within 10 s"
        assert wait_for(worker_idle)
        # A redelivered task and two sweeps (as beat does when one is slow) send nothing more.
        for pk in emails(event).values_list("pk", flat=True):
            governance_tasks.notification_send.delay(pk)
        governance_tasks.notifications_sweep.delay()
        governance_tasks.notifications_sweep.delay()
        assert wait_for(worker_idle)

    assert sorted(mail.to[0] for mail in mailoutbox) == sorted(u.email for u in build.electorate)
    assert {mail.subject for mail in mailoutbox} == {f"Voting is open: {nomination.heading}"}
    assert set(emails(event).values_list("attempts", flat=True)) == {1}


def test_it_closes_a_due_vote_once_when_the_scan_runs_twice(build, start, clock, mailoutbox):
    nomination = build.voting()
    build.vote(nomination, {build.core1: BallotChoice.APPROVE, build.core2: BallotChoice.APPROVE})
    clock.pass_deadline(nomination)
    event = f"nomination-closed:{nomination.pk}"

    with start():
        nominations.tasks.voting_close_due.delay()
        nominations.tasks.voting_close_due.delay()
        assert wait_for(lambda: fresh(nomination).status == NominationStatus.CLOSED)
        assert wait_for(lambda: all_sent(event))
        assert wait_for(worker_idle)

    assert Tally.objects.filter(nomination=nomination).count() == 1
    assert AuditEvent.objects.filter(verb="nomination.voting_closed").count() == 1
    assert fresh(nomination).tally.approve == 2
    closed = [mail for mail in mailoutbox if mail.subject == f"Voting closed: {nomination.heading}"]
    assert sorted(mail.to[0] for mail in closed) == sorted(u.email for u in build.electorate)


def test_it_drops_a_queued_close_once_the_next_scan_is_due(
    build, celery_broker, email_backend, clock, monkeypatch
):
    """A worker back from an outage meets each close once, from the latest scan: the closes
    that earlier scans queued expired while they waited."""
    monkeypatch.setattr(nominations.tasks, "CLOSE_EXPIRES_SECONDS", 0.2)
    nomination = build.voting()
    clock.pass_deadline(nomination)
    purge_test_queue()
    queued_at = time.time()
    assert nominations.tasks.voting_close_due() == 1  # beat's scan; no worker is up
    # No worker is up while the queued close outlives its expiry (Celery's own wall clock).
    assert wait_for(lambda: time.time() > queued_at + nominations.tasks.CLOSE_EXPIRES_SECONDS)
    dropped, ran = [], []

    def on_revoked(request=None, expired=False, **kwargs):
        if expired:
            dropped.append(request.task)

    def on_prerun(task=None, **kwargs):
        ran.append(task.name)

    task_revoked.connect(on_revoked, weak=False)
    task_prerun.connect(on_prerun, weak=False)
    try:
        with running_worker():
            assert wait_for(lambda: dropped), "the worker did not drop the stale close"
            assert fresh(nomination).status == NominationStatus.VOTING
            nominations.tasks.voting_close_due.delay()  # the next scan
            assert wait_for(lambda: fresh(nomination).status == NominationStatus.CLOSED)
            assert wait_for(worker_idle)
    finally:
        task_revoked.disconnect(on_revoked)
        task_prerun.disconnect(on_prerun)

    assert dropped == ["nominations.tasks.voting_close_expired"]
    assert ran.count("nominations.tasks.voting_close_expired") == 1
    assert Tally.objects.filter(nomination=nomination).count() == 1


def test_it_reminds_only_those_who_have_not_voted_once(build, start, clock, mailoutbox):
    nomination = build.voting()
    build.vote(nomination, {build.core1: BallotChoice.APPROVE, build.core2: BallotChoice.DECLINE})
    clock.advance(days=VOTING_DAYS - 1, hours=1)  # the deadline is now less than a day away
    event = f"nomination-reminder:{nomination.pk}"

    with start():
        nominations.tasks.voting_remind_due.delay()
        nominations.tasks.voting_remind_due.delay()
        assert wait_for(lambda: fresh(nomination).reminded_at is not None)
        assert wait_for(lambda: all_sent(event))
        assert wait_for(worker_idle)

    waiting = {build.lead.email, build.core3.email, build.core4.email}
    assert sorted(mail.to[0] for mail in mailoutbox) == sorted(waiting)
    assert {mail.subject for mail in mailoutbox} == {
        f"Reminder: your vote is needed: {nomination.heading}"
    }
    inbox = Notification.objects.filter(event_key=event, channel=NotificationChannel.INBOX)
    assert set(inbox.values_list("recipient__email", flat=True)) == waiting
