"""The beat scans when beat runs late (a worker was down, beat was paused): a late scan does
what an on-time one would have done, once, and no more. Runs twice in a row are covered through
the worker in test_celery.py."""

import pytest

from governance.models import AuditEvent, Notification, NotificationChannel
from nominations import services
from nominations.models import Ballot, BallotChoice, NominationStatus, Tally
from tests.nominations.conftest import close_due_votes, fresh

pytestmark = pytest.mark.django_db


def test_it_closes_once_with_the_votes_cast_before_the_deadline_when_the_scan_is_days_late(
    build, clock
):
    nomination = build.voting()
    build.vote(nomination, {build.core1: BallotChoice.APPROVE, build.core2: BallotChoice.DECLINE})
    clock.pass_deadline(nomination)
    clock.advance(days=3)  # beat was down for three days
    with pytest.raises(services.NominationError, match="deadline has passed"):
        services.ballot_cast(actor=build.core3, nomination=nomination, choice=BallotChoice.APPROVE)

    assert close_due_votes() == 1
    assert close_due_votes() == 0

    tally = fresh(nomination).tally
    assert (tally.approve, tally.decline, tally.abstain, tally.electorate) == (1, 1, 0, 5)
    assert Ballot.objects.filter(nomination=nomination).count() == 2
    assert Tally.objects.filter(nomination=nomination).count() == 1
    assert AuditEvent.objects.filter(verb="nomination.voting_closed").count() == 1
    closed = Notification.objects.filter(
        event_key=f"nomination-closed:{nomination.pk}", channel=NotificationChannel.INBOX
    )
    assert closed.count() == len(build.electorate)  # one message each, not one per scan


def test_it_sends_no_reminder_when_the_scan_runs_after_the_deadline(build, clock):
    nomination = build.voting()
    clock.pass_deadline(nomination)  # the whole reminder window passed while beat was down

    assert services.voting_remind_due() == 0

    assert fresh(nomination).reminded_at is None
    assert not Notification.objects.filter(
        event_key=f"nomination-reminder:{nomination.pk}"
    ).exists()


def test_it_reminds_once_when_a_late_scan_runs_twice_inside_the_window(build, clock):
    nomination = build.voting()
    clock.pass_deadline(nomination)
    clock.advance(minutes=-30)  # half an hour left: late in the window, still inside it

    assert services.voting_remind_due() == 1
    assert services.voting_remind_due() == 0

    reminders = Notification.objects.filter(
        event_key=f"nomination-reminder:{nomination.pk}", channel=NotificationChannel.INBOX
    )
    assert reminders.count() == len(build.electorate)
    assert fresh(nomination).status == NominationStatus.VOTING
