"""After the vote: decisions, feedback, announcements, withdrawal, and the notifications that go
out only once a transaction commits.
"""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from governance import permissions
from governance.models import (
    Notification,
    NotificationChannel,
    Role,
    RoleKind,
    RoleStatus,
)
from nominations import services
from nominations.models import (
    Announcement,
    BallotChoice,
    Feedback,
    NominationKind,
    NominationStatus,
    Outcome,
)
from nominations.services import voting as voting_services
from tests.nominations.conftest import (
    TO_NOMINATORS,
    TO_NOMINEE,
    VOTING_DAYS,
    fresh,
)
from tests.nominations.helpers import (
    recipients,
    reloaded,
    snapshot,
    usernames,
)

pytestmark = pytest.mark.django_db


# Decisions ----------------------------------------------------------------------------------------


def test_it_refuses_to_accept_a_failed_vote(build):
    nomination = build.closed(passed=False)
    before = snapshot()

    with pytest.raises(ValidationError, match="did not pass"):
        services.nomination_decide(
            actor=build.core2, nomination=nomination, outcome=Outcome.ACCEPTED, reasons="Anyway."
        )

    assert snapshot() == before


def test_it_refuses_to_decline_a_passed_vote_that_the_lead_does_not_confirm(build):
    nomination = build.closed(passed=True)

    with pytest.raises(ValidationError, match="follows the vote"):
        services.nomination_decide(
            actor=build.lead, nomination=nomination, outcome=Outcome.DECLINED, reasons="No."
        )

    assert fresh(nomination).status == NominationStatus.CLOSED


def test_it_refuses_a_decision_before_the_close(build):
    nomination = build.voting()
    before = snapshot()

    with pytest.raises(services.NominationError, match="follows the close"):
        services.nomination_decide(
            actor=build.core1, nomination=nomination, outcome=Outcome.DECLINED, reasons="No."
        )

    assert snapshot() == before


@pytest.mark.parametrize("name", ["core2", "core3", "core4"])
def test_it_lets_only_the_lead_confirm_a_core_maintainer_nomination(build, persona, name):
    nomination = build.closed(passed=True, kind=NominationKind.CORE_MAINTAINER)
    before = snapshot()

    with pytest.raises(PermissionDenied, match="lead core maintainer confirms"):
        services.nomination_decide(
            actor=persona(name), nomination=nomination, outcome=Outcome.ACCEPTED, reasons="Yes."
        )
    assert snapshot() == before

    services.nomination_decide(
        actor=build.lead, nomination=nomination, outcome=Outcome.ACCEPTED, reasons="Confirmed."
    )
    assert fresh(nomination).outcome == Outcome.ACCEPTED


def test_it_refuses_the_decision_to_whoever_opened_the_vote(build):
    nomination = build.closed(passed=True)
    before = snapshot()

    with pytest.raises(PermissionDenied, match="You started this vote"):
        services.nomination_decide(
            actor=build.core1, nomination=nomination, outcome=Outcome.ACCEPTED, reasons="Yes."
        )
    assert snapshot() == before

    services.nomination_decide(
        actor=build.core2, nomination=nomination, outcome=Outcome.ACCEPTED, reasons="Yes."
    )
    assert fresh(nomination).voting_opened_by == build.core1


def test_it_keeps_the_lead_from_opening_a_vote_the_lead_confirms(build):
    nomination = build.opened(kind=NominationKind.CORE_MAINTAINER)
    before = snapshot()

    with pytest.raises(services.NominationError, match="another core maintainer starts"):
        services.voting_open(actor=build.lead, nomination=nomination)

    assert snapshot() == before


def test_it_lets_the_lead_decline_a_passed_core_maintainer_vote(build):
    nomination = build.closed(passed=True, kind=NominationKind.CORE_MAINTAINER)

    services.nomination_decide(
        actor=build.lead, nomination=nomination, outcome=Outcome.DECLINED, reasons="Not yet."
    )

    nomination = fresh(nomination)
    assert (nomination.status, nomination.outcome) == (NominationStatus.DECIDED, Outcome.DECLINED)
    assert not Announcement.objects.exists()


def test_it_refuses_a_second_decision(build):
    nomination = build.decided(outcome=Outcome.DECLINED)
    before = snapshot()

    with pytest.raises(services.NominationError):
        services.nomination_decide(
            actor=build.core2, nomination=nomination, outcome=Outcome.DECLINED, reasons="Again."
        )

    assert snapshot() == before


# Feedback -----------------------------------------------------------------------------------------


def test_it_releases_feedback_only_after_the_decision(build):
    nomination = build.closed(passed=False)
    services.feedback_save(
        actor=build.core1, nomination=nomination, to_nominee=TO_NOMINEE, to_nominators=TO_NOMINATORS
    )

    with pytest.raises(services.NominationError, match="after the decision"):
        services.feedback_release(actor=build.core1, nomination=nomination)
    assert Feedback.objects.get(nomination=nomination).released_at is None
    assert recipients(f"nomination-feedback:{nomination.pk}") == set()

    services.nomination_decide(
        actor=build.core2, nomination=nomination, outcome=Outcome.DECLINED, reasons="The vote."
    )
    services.feedback_release(actor=build.core2, nomination=nomination)

    assert Feedback.objects.get(nomination=nomination).released_at is not None
    assert recipients(f"nomination-feedback:{nomination.pk}") == {"nominee", "nominator"}
    assert recipients(f"nomination-feedback:{nomination.pk}", NotificationChannel.EMAIL) == {
        "nominee",
        "nominator",
    }


def test_it_keeps_released_feedback_as_released(build):
    nomination = build.decided(outcome=Outcome.DECLINED)
    before = snapshot()

    with pytest.raises(services.NominationError, match="released"):
        services.feedback_save(
            actor=build.core1, nomination=nomination, to_nominee="New.", to_nominators="New."
        )
    again = services.feedback_release(actor=build.core2, nomination=nomination)

    assert again.released_by == build.core1
    assert snapshot() == before


def test_it_refuses_to_release_feedback_never_drafted(build):
    nomination = build.decided(outcome=Outcome.DECLINED, release=False)
    Feedback.objects.filter(nomination=nomination).delete()  # as if never drafted

    with pytest.raises(services.NominationError, match="Draft the feedback"):
        services.feedback_release(actor=build.core1, nomination=nomination)

    assert not Feedback.objects.exists()


# Announcements ------------------------------------------------------------------------------------


def test_it_grants_the_role_only_when_the_announcement_is_released(build, client):
    nomination = build.decided(
        outcome=Outcome.ACCEPTED, release=False, nominee=build.person("Mei Tanaka", "mtanaka")
    )
    module_page = build.module.get_absolute_url()

    assert "Mei Tanaka" not in client.get(module_page).content.decode()
    assert "Mei Tanaka" not in client.get("/announcements/").content.decode()
    assert not Role.objects.filter(person=nomination.nominee).exists()

    services.announcement_release(actor=build.core2, nomination=nomination)

    assert "Mei Tanaka" in client.get(module_page).content.decode()
    assert "Mei Tanaka" in client.get("/announcements/").content.decode()
    role = Role.objects.get(person=nomination.nominee)
    assert (role.kind, role.module, role.status) == (
        RoleKind.MODULE_MAINTAINER,
        build.module,
        RoleStatus.ACTIVE,
    )


def test_it_refuses_the_announcement_to_whoever_opened_the_vote(build):
    nomination = build.decided(
        outcome=Outcome.ACCEPTED, release=False, nominee=build.person("Mei Tanaka", "mtanaka")
    )
    before = snapshot()

    with pytest.raises(PermissionDenied, match="You started this vote"):
        services.announcement_release(actor=build.core1, nomination=nomination)

    assert snapshot() == before
    assert not Role.objects.filter(person=nomination.nominee).exists()


def test_it_announces_once(build):
    nomination = build.decided(
        outcome=Outcome.ACCEPTED, nominee=build.person("Mei Tanaka", "mtanaka")
    )
    before = snapshot()

    again = services.announcement_release(actor=build.lead, nomination=nomination)

    assert again.released_by == build.core2
    assert snapshot() == before


def test_it_announces_no_declined_nomination(build):
    nomination = build.decided(outcome=Outcome.DECLINED)

    with pytest.raises(services.NominationError, match="Only accepted"):
        services.announcement_release(actor=build.core2, nomination=nomination)

    assert not Role.objects.filter(person=nomination.nominee).exists()


@pytest.mark.parametrize("kind", [NominationKind.EMERITUS, NominationKind.REMOVAL])
def test_it_ends_the_role_when_the_announcement_is_released(build, kind):
    role = Role.objects.get(person=build.maintainer.person)
    nomination = build.decided(
        outcome=Outcome.ACCEPTED,
        release=False,
        nominee=build.maintainer.person,
        kind=kind,
        ending_role=role,
    )
    assert Role.objects.get(pk=role.pk).status == RoleStatus.ACTIVE

    services.announcement_release(actor=build.core2, nomination=nomination)

    role.refresh_from_db()
    assert role.status == RoleStatus.EMERITUS
    assert role.ended_on == timezone.localdate()
    assert not permissions.active_role_kinds(reloaded(build.maintainer))


# Withdrawal ---------------------------------------------------------------------------------------


def test_it_revokes_the_vote_grants_when_withdrawn(build):
    nomination = build.voting()
    assert permissions.users_granted("nominations.vote", nomination)

    services.nomination_withdraw(actor=build.core2, nomination=nomination, reason="Stepped back.")

    nomination = fresh(nomination)
    assert (nomination.status, nomination.withdrawn_reason) == (
        NominationStatus.WITHDRAWN,
        "Stepped back.",
    )
    assert permissions.users_granted("nominations.vote", nomination) == []
    assert not permissions.can_vote(reloaded(build.core1), nomination)


def test_it_refuses_to_withdraw_a_decided_nomination(build):
    nomination = build.decided(outcome=Outcome.DECLINED)
    before = snapshot()

    with pytest.raises(services.NominationError):
        services.nomination_withdraw(actor=build.core1, nomination=nomination, reason="Oops.")

    assert snapshot() == before


# Notifications and rollbacks ----------------------------------------------------------------------


def test_it_queues_the_voting_emails_only_after_the_commit(
    build, django_capture_on_commit_callbacks
):
    nomination = build.opened()

    with django_capture_on_commit_callbacks() as callbacks:
        services.voting_open(actor=build.core1, nomination=nomination)

    assert len(callbacks) == 1  # one send task for the batch of emails
    assert recipients(f"nomination-voting:{nomination.pk}", NotificationChannel.EMAIL) == (
        usernames(build.electorate)
    )


def test_it_queues_nothing_when_a_vote_is_refused(build, django_capture_on_commit_callbacks):
    nomination = build.voting()

    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(PermissionDenied):
        services.ballot_cast(actor=build.maintainer, nomination=nomination, choice="approve")

    assert callbacks == []


def test_it_reminds_a_tick_s_worth_of_votes_at_a_time_each_once(build, clock, monkeypatch):
    monkeypatch.setattr(voting_services, "REMINDERS_PER_TICK", 2)
    people = [build.person(f"Voter Nominee {n}", f"nominee-{n}") for n in range(3)]
    votes = [
        build.voting(nominee=person, days=VOTING_DAYS + n / 10) for n, person in enumerate(people)
    ]
    build.vote(votes[0], {build.core1: BallotChoice.APPROVE})
    clock.advance(days=VOTING_DAYS - 1, hours=12)  # every deadline is now less than a day away

    assert services.voting_remind_due() == 2  # the two nearest deadlines first
    assert services.voting_remind_due() == 1
    assert services.voting_remind_due() == 0

    for vote in votes:
        assert fresh(vote).reminded_at is not None
    reminded = Notification.objects.filter(
        event_key=f"nomination-reminder:{votes[0].pk}", channel=NotificationChannel.INBOX
    )
    assert set(reminded.values_list("recipient", flat=True)) == {
        user.pk for user in build.electorate if user != build.core1
    }
