"""The nominations' invariants live in the database: each test builds a valid state through
the services, then attempts the forbidden row directly and expects the database to refuse it."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from governance import services as governance_services
from nominations import services
from nominations.models import (
    GENESIS_HASH,
    Ballot,
    BallotChoice,
    Elector,
    Nomination,
    NominationKind,
    NominationStatus,
    Outcome,
)

pytestmark = pytest.mark.django_db


def refused(write) -> bool:
    """Whether the database refuses `write` (run in a savepoint, so the test can go on)."""
    try:
        with transaction.atomic():
            write()
    except IntegrityError:
        return True
    return False


# One live nomination per person and role -----------------------------------------------------


def test_it_refuses_a_second_live_nomination_for_the_same_module_role(build):
    first = build.draft()

    assert refused(
        lambda: Nomination.objects.create(
            nominee=first.nominee,
            kind=NominationKind.MODULE_MAINTAINER,
            module=build.module,
            rationale="Again.",
        )
    )
    with pytest.raises(ValidationError, match="already has a live nomination"):
        build.draft()
    assert Nomination.objects.filter(nominee=first.nominee).count() == 1


def test_it_refuses_a_second_live_nomination_for_the_same_project_role(build):
    first = build.draft(kind=NominationKind.CORE_MAINTAINER)

    assert refused(
        lambda: Nomination.objects.create(
            nominee=first.nominee, kind=NominationKind.CORE_MAINTAINER, rationale="Again."
        )
    )
    with pytest.raises(ValidationError, match="already has a live nomination"):
        build.draft(kind=NominationKind.CORE_MAINTAINER)
    assert Nomination.objects.filter(nominee=first.nominee).count() == 1


@pytest.mark.parametrize(
    "status",
    [
        NominationStatus.DRAFT,
        NominationStatus.OPEN,
        NominationStatus.VOTING,
        NominationStatus.CLOSED,
    ],
    ids=str,
)
def test_it_counts_every_undecided_status_as_live(build, status):
    nomination = {
        NominationStatus.DRAFT: build.draft,
        NominationStatus.OPEN: build.opened,
        NominationStatus.VOTING: build.voting,
        NominationStatus.CLOSED: lambda: build.closed(passed=True),
    }[status]()
    assert nomination.status == status

    with pytest.raises(ValidationError, match="already has a live nomination"):
        build.draft()


def test_it_allows_a_new_nomination_once_the_last_was_decided_or_withdrawn(build):
    declined = build.decided(outcome=Outcome.DECLINED)
    again = build.draft()
    services.nomination_withdraw(actor=build.core1, nomination=again, reason="Too early.")

    third = build.draft()

    assert {declined.status, Nomination.objects.get(pk=again.pk).status, third.status} == {
        NominationStatus.DECIDED,
        NominationStatus.WITHDRAWN,
        NominationStatus.DRAFT,
    }


def test_it_allows_the_same_person_for_another_module_or_role(build):
    other = governance_services.module_create(actor=None, name="Sparse", slug="sparse")

    build.draft()
    build.draft(module=other)
    build.draft(kind=NominationKind.MODULE_REVIEWER)
    build.draft(kind=NominationKind.CORE_MAINTAINER)

    assert Nomination.objects.filter(nominee=build.nominee.person).count() == 4


# Outcome if and only if decided ----------------------------------------------------------------


def test_it_refuses_a_decided_nomination_without_an_outcome(build):
    nomination = build.closed(passed=True)

    assert refused(
        lambda: Nomination.objects.filter(pk=nomination.pk).update(status=NominationStatus.DECIDED)
    )
    assert Nomination.objects.get(pk=nomination.pk).status == NominationStatus.CLOSED


def test_it_refuses_an_outcome_on_a_nomination_not_decided(build):
    nomination = build.closed(passed=True)

    assert refused(
        lambda: Nomination.objects.filter(pk=nomination.pk).update(outcome=Outcome.ACCEPTED)
    )
    assert Nomination.objects.get(pk=nomination.pk).outcome == ""


def test_it_stores_the_outcome_with_the_decision(build):
    nomination = build.decided(outcome=Outcome.ACCEPTED)

    assert (nomination.status, nomination.outcome) == (NominationStatus.DECIDED, Outcome.ACCEPTED)
    assert refused(lambda: Nomination.objects.filter(pk=nomination.pk).update(outcome=""))


# The ballot ledger -----------------------------------------------------------------------------


def test_it_refuses_a_second_live_ballot_for_the_same_voter(build):
    nomination = build.voting()
    ballot = services.ballot_cast(
        actor=build.core1, nomination=nomination, choice=BallotChoice.APPROVE
    )

    def second_live_ballot():
        Ballot.objects.create(
            nomination=nomination,
            voter=build.core1,
            sequence=ballot.sequence + 1,
            choice=BallotChoice.DECLINE,
            previous_hash=ballot.entry_hash,
            entry_hash="f" * 64,
        )

    assert refused(second_live_ballot)
    assert Ballot.objects.filter(nomination=nomination, voter=build.core1).count() == 1


def test_it_keeps_superseded_ballots_beside_the_live_one(build):
    nomination = build.voting()
    services.ballot_cast(actor=build.core1, nomination=nomination, choice=BallotChoice.APPROVE)
    services.ballot_cast(actor=build.core1, nomination=nomination, choice=BallotChoice.DECLINE)

    ballots = Ballot.objects.filter(nomination=nomination, voter=build.core1).order_by("sequence")

    assert [(b.choice, b.superseded_at is None) for b in ballots] == [
        (BallotChoice.APPROVE, False),
        (BallotChoice.DECLINE, True),
    ]


def test_it_refuses_a_repeated_ballot_sequence(build):
    nomination = build.voting()
    ballot = services.ballot_cast(
        actor=build.core1, nomination=nomination, choice=BallotChoice.APPROVE
    )

    def same_sequence():
        Ballot.objects.create(
            nomination=nomination,
            voter=build.core2,
            sequence=ballot.sequence,
            choice=BallotChoice.APPROVE,
            previous_hash=GENESIS_HASH,
            entry_hash="e" * 64,
        )

    assert refused(same_sequence)
    assert Ballot.objects.filter(nomination=nomination).count() == 1


def test_it_refuses_a_ballot_choice_outside_the_three(build):
    nomination = build.voting()
    ballot = services.ballot_cast(
        actor=build.core1, nomination=nomination, choice=BallotChoice.APPROVE
    )

    assert refused(lambda: Ballot.objects.filter(pk=ballot.pk).update(choice="maybe"))


def test_it_refuses_voting_without_a_deadline(build):
    nomination = build.draft()

    assert refused(
        lambda: Nomination.objects.filter(pk=nomination.pk).update(
            status=NominationStatus.VOTING, voting_opened_at=timezone.now()
        )
    )


def test_it_refuses_to_await_the_vote_of_a_recused_elector(build):
    nomination = build.voting(nominee=build.core2.person)
    recused = Elector.objects.filter(nomination=nomination, user=build.core2)

    assert refused(lambda: recused.update(awaiting_vote=True))
    assert recused.get().awaiting_vote is False
