"""The vote: the frozen electorate and recusal, the ballot ledger, closing, quorum and threshold.
Each refusal is checked for what it leaves behind: nothing stored, nothing queued.
"""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from governance import permissions
from governance import services as governance_services
from governance.models import (
    AuditEvent,
    NotificationChannel,
    Role,
    RoleKind,
)
from nominations import services
from nominations.models import (
    Ballot,
    BallotChoice,
    Elector,
    Nomination,
    NominationKind,
    NominationStatus,
    Tally,
)
from nominations.voting_rules import POLICIES, Count, quorum_met, threshold_met
from tests.nominations.conftest import (
    VOTING_DAYS,
    close_due_votes,
    fresh,
)
from tests.nominations.helpers import (
    OUTSIDE_THE_CORE_TEAM,
    live_ballots,
    recipients,
    reloaded,
    snapshot,
    usernames,
)

pytestmark = pytest.mark.django_db


# The electorate ----------------------------------------------------------------------------------


def test_it_freezes_the_electorate_when_voting_opens(build):
    nomination = build.voting()
    governance_services.role_grant(
        actor=build.lead, person=build.nominator.person, kind=RoleKind.CORE_MAINTAINER
    )
    newcomer = reloaded(build.nominator)
    assert permissions.is_core_maintainer(newcomer)

    with pytest.raises(PermissionDenied, match="not in the electorate"):
        services.ballot_cast(actor=newcomer, nomination=nomination, choice=BallotChoice.APPROVE)

    assert not Ballot.objects.exists()
    assert usernames(e.user for e in nomination.electors.all()) == usernames(build.electorate)
    assert recipients(f"nomination-voting:{nomination.pk}") == usernames(build.electorate)


def test_it_always_recuses_the_nominee(build):
    nomination = build.voting(nominee=build.core2.person)

    elector = nomination.electors.get(user=build.core2)
    with pytest.raises(PermissionDenied):
        services.ballot_cast(actor=build.core2, nomination=nomination, choice=BallotChoice.APPROVE)

    assert elector.recused
    assert elector.recusal_reason
    assert "core2" not in recipients(f"nomination-voting:{nomination.pk}")
    assert not Ballot.objects.exists()


def test_it_recuses_a_voter_who_recuses_themselves_with_a_reason(build):
    nomination = build.voting()

    elector = services.elector_recuse(
        actor=build.core3, nomination=nomination, reason="Same team as the nominee."
    )

    with pytest.raises(PermissionDenied):
        services.ballot_cast(actor=build.core3, nomination=nomination, choice=BallotChoice.APPROVE)
    assert (elector.recused, elector.recusal_reason) == (True, "Same team as the nominee.")
    assert "core3" not in usernames(permissions.users_granted("nominations.vote", nomination))
    event = AuditEvent.objects.get(verb="nomination.elector_recused")
    assert (event.actor, event.target_id) == (build.core3, str(nomination.pk))
    build.vote(
        nomination, {user: BallotChoice.APPROVE for user in build.electorate if user != build.core3}
    )
    nomination = fresh(nomination)
    assert nomination.status == NominationStatus.CLOSED  # everyone else voted
    assert nomination.tally.electorate == 5  # the recused still count


def test_it_refuses_a_recusal_after_voting(build):
    nomination = build.voting()
    build.vote(nomination, {build.core3: BallotChoice.DECLINE})
    before = snapshot()

    with pytest.raises(services.NominationError, match="before voting"):
        services.elector_recuse(actor=build.core3, nomination=nomination, reason="Conflict.")

    assert snapshot() == before
    assert permissions.can_vote(reloaded(build.core3), nomination)


@pytest.mark.parametrize("reason", ["", "   "])
def test_it_refuses_a_recusal_without_a_reason(build, reason):
    nomination = build.voting()
    before = snapshot()

    with pytest.raises(ValidationError):
        services.elector_recuse(actor=build.core3, nomination=nomination, reason=reason)

    assert snapshot() == before


@pytest.mark.parametrize("name", ["maintainer", "nominee", "outsider"])
def test_it_refuses_a_recusal_from_outside_the_electorate(build, persona, name):
    nomination = build.voting()
    before = snapshot()

    with pytest.raises(PermissionDenied):
        services.elector_recuse(actor=persona(name), nomination=nomination, reason="Conflict.")

    assert snapshot() == before


def test_it_lets_nobody_recuse_someone_else_when_voting_opens(build):
    nomination = build.opened()

    with pytest.raises(TypeError, match="recusals"):
        services.voting_open(
            actor=build.core1, nomination=nomination, recusals={build.core3.pk: "Conflict."}
        )

    assert fresh(nomination).status == NominationStatus.OPEN
    assert not Elector.objects.exists()


def test_it_counts_quorum_against_the_whole_electorate_the_recused_included(build):
    nomination = build.voting(
        recused=dict.fromkeys((build.core2, build.core3, build.core4), "Conflict.")
    )

    build.vote(nomination, {build.lead: BallotChoice.APPROVE, build.core1: BallotChoice.APPROVE})

    tally = fresh(nomination).tally  # everyone not recused voted: it closed early
    assert (tally.electorate, tally.approve, tally.quorum_met, tally.passed) == (5, 2, False, False)


def test_it_refuses_to_open_a_vote_below_the_policy_s_floor_of_voters(build):
    for user in (build.core3, build.core4):
        governance_services.role_make_emeritus(
            actor=None, role=Role.objects.get(person=user.person), reason="Stepped back."
        )
    nomination = build.opened(nominee=build.core2.person, kind=NominationKind.CORE_REVIEWER)
    before = snapshot()

    with pytest.raises(services.NominationError, match="at least 3 core maintainers"):
        services.voting_open(actor=build.core1, nomination=nomination)

    assert snapshot() == before
    assert "at least 3" in services.voting_open_refusal(actor=build.core1, nomination=nomination)


@pytest.mark.parametrize(
    "ahead",
    [datetime.timedelta(minutes=1), datetime.timedelta(days=VOTING_DAYS, minutes=-2)],
    ids=["a minute", "under a week"],
)
def test_it_refuses_a_deadline_before_the_policy_s_minimum_duration(build, ahead):
    nomination = build.opened()

    with pytest.raises(ValidationError, match="at least 7 days"):
        services.voting_open(
            actor=build.core1, nomination=nomination, deadline=timezone.now() + ahead
        )

    assert fresh(nomination).status == NominationStatus.OPEN
    assert not Elector.objects.exists()


def test_it_tells_every_core_maintainer_when_a_vote_opens_by_inbox_and_email(build):
    nomination = build.voting(kind=NominationKind.CORE_REVIEWER, nominee=build.core2.person)
    others = usernames(user for user in build.electorate if user != build.core2)

    assert recipients(f"nomination-voting:{nomination.pk}") == others
    assert recipients(f"nomination-voting:{nomination.pk}", NotificationChannel.EMAIL) == others


@pytest.mark.parametrize("kind", [NominationKind.EMERITUS, NominationKind.REMOVAL])
@pytest.mark.parametrize(
    ("approvals", "passed"), [(3, False), (4, True)], ids=["three of five", "four of five"]
)
def test_it_needs_three_quarters_of_all_core_maintainers_to_end_the_lead_s_role(
    build, kind, approvals, passed
):
    role = Role.objects.get(person=build.lead.person, kind=RoleKind.LEAD_CORE_MAINTAINER)
    nomination = build.voting(nominee=build.lead.person, kind=kind, ending_role=role)
    voters = [build.core1, build.core2, build.core3, build.core4]
    choices = [BallotChoice.APPROVE] * approvals + [BallotChoice.DECLINE] * (4 - approvals)

    nomination = build.close(build.vote(nomination, dict(zip(voters, choices, strict=True))))

    assert nomination.electors.get(user=build.lead).recused
    assert (nomination.policy["threshold"], nomination.policy["threshold_of_electorate"]) == (
        [3, 4],
        True,
    )
    assert (nomination.tally.electorate, nomination.tally.passed) == (5, passed)


def test_it_grants_each_voter_a_vote_on_this_nomination_only(build):
    nomination = build.voting()
    other = build.opened(nominee=build.person("Lin Chen", "lchen"))

    assert usernames(permissions.users_granted("nominations.vote", nomination)) == usernames(
        build.electorate
    )
    assert permissions.users_granted("nominations.vote", other) == []


# Casting ------------------------------------------------------------------------------------------


def test_it_keeps_only_the_latest_ballot_live_and_appends_each_cast(build):
    nomination = build.voting()

    for choice in (BallotChoice.APPROVE, BallotChoice.DECLINE, BallotChoice.ABSTAIN):
        services.ballot_cast(actor=build.core1, nomination=nomination, choice=choice)

    ledger = list(
        Ballot.objects.filter(nomination=nomination)
        .order_by("sequence")
        .values_list("sequence", "choice", "superseded_at")
    )
    assert [(seq, choice) for seq, choice, _ in ledger] == [
        (1, BallotChoice.APPROVE),
        (2, BallotChoice.DECLINE),
        (3, BallotChoice.ABSTAIN),
    ]
    assert [superseded is None for *_, superseded in ledger] == [False, False, True]
    assert live_ballots(nomination) == [("core1", BallotChoice.ABSTAIN)]


def test_it_counts_a_changed_comment_as_a_new_cast(build):
    nomination = build.voting()

    services.ballot_cast(actor=build.core1, nomination=nomination, choice=BallotChoice.APPROVE)
    services.ballot_cast(
        actor=build.core1, nomination=nomination, choice=BallotChoice.APPROVE, comment="Overdue."
    )

    assert Ballot.objects.filter(nomination=nomination).count() == 2
    assert Ballot.objects.get(nomination=nomination, superseded_at__isnull=True).comment == (
        "Overdue."
    )


def test_it_changes_nothing_on_a_double_submitted_vote(build):
    nomination = build.voting()
    first = services.ballot_cast(
        actor=build.core1, nomination=nomination, choice=BallotChoice.APPROVE, comment="Yes."
    )
    before = snapshot()

    again = services.ballot_cast(
        actor=build.core1, nomination=nomination, choice=BallotChoice.APPROVE, comment=" Yes. "
    )

    assert again.pk == first.pk
    assert snapshot() == before


def test_it_refuses_a_vote_after_the_close(build):
    nomination = build.closed(passed=True)
    before = snapshot()

    with pytest.raises(services.NominationError, match="closed; your vote was not recorded"):
        services.ballot_cast(actor=build.core1, nomination=nomination, choice=BallotChoice.DECLINE)

    assert snapshot() == before


def test_it_refuses_a_vote_after_the_deadline_before_the_scan_closes_it(build, clock):
    nomination = build.voting()
    services.ballot_cast(actor=build.core2, nomination=nomination, choice=BallotChoice.APPROVE)
    clock.pass_deadline(nomination)
    before = snapshot()

    with pytest.raises(services.NominationError, match="deadline has passed"):
        services.ballot_cast(actor=build.core1, nomination=nomination, choice=BallotChoice.APPROVE)

    assert snapshot() == before
    assert fresh(nomination).status == NominationStatus.VOTING


def test_it_refuses_a_vote_on_a_withdrawn_nomination(build):
    nomination = build.voting()
    services.nomination_withdraw(actor=build.lead, nomination=nomination, reason="Stepped back.")
    before = snapshot()

    with pytest.raises(services.NominationError):
        services.ballot_cast(actor=build.core1, nomination=nomination, choice=BallotChoice.APPROVE)

    assert snapshot() == before


@pytest.mark.parametrize("name", [*OUTSIDE_THE_CORE_TEAM, "anonymous"])
def test_it_refuses_a_vote_from_outside_the_electorate(persona, build, name):
    nomination = build.voting()
    before = snapshot()

    with pytest.raises(PermissionDenied):
        services.ballot_cast(
            actor=persona(name), nomination=nomination, choice=BallotChoice.APPROVE
        )

    assert snapshot() == before


@pytest.mark.parametrize(
    ("choice", "comment"), [("maybe", ""), ("", ""), (BallotChoice.APPROVE, "x" * 2_001)]
)
def test_it_refuses_a_bad_choice_or_an_oversized_comment(build, choice, comment):
    nomination = build.voting()
    before = snapshot()

    with pytest.raises(ValidationError):
        services.ballot_cast(
            actor=build.core1, nomination=nomination, choice=choice, comment=comment
        )

    assert snapshot() == before


@pytest.mark.parametrize("same_object", [False, True], ids=["next-request", "same-user-object"])
def test_it_stops_a_revoked_core_maintainer_voting_on_the_very_next_call(build, same_object):
    nomination = build.voting()
    services.ballot_cast(actor=build.core2, nomination=nomination, choice=BallotChoice.APPROVE)
    role = Role.objects.get(person=build.core2.person, kind=RoleKind.CORE_MAINTAINER)
    governance_services.role_make_emeritus(actor=build.lead, role=role, reason="Stepped down.")
    voter = build.core2 if same_object else reloaded(build.core2)

    with pytest.raises(PermissionDenied):
        services.ballot_cast(actor=voter, nomination=nomination, choice=BallotChoice.DECLINE)

    assert live_ballots(nomination) == [("core2", BallotChoice.APPROVE)]


def core_maintainer_after_the_vote_opened(username: str):
    user = get_user_model().objects.create_user(username=username, email=f"{username}@example.org")
    person = governance_services.person_create(
        actor=None, full_name=username.title(), github=username, user=user
    )
    governance_services.role_grant(actor=None, person=person, kind=RoleKind.CORE_MAINTAINER)
    return user


def test_it_reads_the_right_to_vote_in_the_cast_query_as_the_policy_answers_it(build):
    """`permissions.vote_right`, the cast's SQL for `permissions.can_vote`, agrees with it for
    every kind of user: an elector, one whose role was revoked, one made inactive, a grant held
    through a group, a core maintainer with no grant, and people with no role."""
    nomination = build.voting()
    revoked, inactive = build.core2, build.core3
    role = Role.objects.get(person=revoked.person, kind=RoleKind.CORE_MAINTAINER)
    governance_services.role_make_emeritus(actor=build.lead, role=role, reason="Stepped down.")
    inactive.is_active = False
    inactive.save(update_fields=["is_active"])
    by_group = core_maintainer_after_the_vote_opened("bygroup")
    group = Group.objects.create(name="Voters through a group")
    by_group.groups.add(group)
    permissions.grant_object_permission("nominations.vote", group, nomination)
    no_grant = core_maintainer_after_the_vote_opened("nogrant")
    users = [build.core1, revoked, inactive, by_group, no_grant, build.nominator, build.nominee]

    def in_sql(user) -> bool:
        return (
            Nomination.objects.filter(pk=nomination.pk)
            .annotate(right=permissions.vote_right(user, Nomination))
            .values_list("right", flat=True)
            .get()
        )

    answers = {
        user.username: (in_sql(user), permissions.can_vote(reloaded(user), nomination))
        for user in users
    }

    assert all(sql == policy for sql, policy in answers.values()), answers
    assert {name for name, (right, _) in answers.items() if right} == {"core1", "bygroup"}


def test_it_refuses_the_cast_of_an_elector_whose_account_was_deactivated(build):
    nomination = build.voting()
    build.core3.is_active = False
    build.core3.save(update_fields=["is_active"])

    with pytest.raises(PermissionDenied):
        services.ballot_cast(actor=build.core3, nomination=nomination, choice=BallotChoice.APPROVE)

    assert not Ballot.objects.filter(nomination=nomination, voter=build.core3).exists()


# Closing ------------------------------------------------------------------------------------------


def test_it_closes_early_once_everyone_has_voted(build):
    nomination = build.voting()

    build.vote(nomination, dict.fromkeys(build.electorate[:-1], BallotChoice.APPROVE))
    assert fresh(nomination).status == NominationStatus.VOTING
    build.vote(nomination, {build.electorate[-1]: BallotChoice.DECLINE})

    nomination = fresh(nomination)
    assert nomination.status == NominationStatus.CLOSED
    assert (nomination.tally.approve, nomination.tally.decline, nomination.tally.passed) == (
        4,
        1,
        True,
    )
    assert recipients(f"nomination-closed:{nomination.pk}") == usernames(build.electorate)
    assert permissions.users_granted("nominations.vote", nomination) == []


@pytest.mark.parametrize("kind", [NominationKind.CORE_MAINTAINER, NominationKind.REMOVAL])
def test_it_does_not_close_early_where_the_policy_forbids_it(build, kind):
    assert not POLICIES[kind].early_close
    if kind == NominationKind.REMOVAL:
        role = Role.objects.get(person=build.maintainer.person)
        nomination = build.voting(nominee=build.maintainer.person, kind=kind, ending_role=role)
    else:
        nomination = build.voting(kind=kind)
    build.vote(nomination, dict.fromkeys(build.electorate, BallotChoice.APPROVE))
    assert fresh(nomination).status == NominationStatus.VOTING

    with pytest.raises(services.NominationError):
        services.voting_close(actor=build.lead, nomination=nomination)

    assert fresh(nomination).status == NominationStatus.VOTING
    assert not Tally.objects.exists()


def test_it_refuses_to_close_before_the_deadline_while_votes_are_missing(build):
    nomination = build.voting()
    build.vote(nomination, {build.core1: BallotChoice.APPROVE})
    before = snapshot()

    with pytest.raises(services.NominationError, match="once everyone has voted"):
        services.voting_close(actor=build.core1, nomination=nomination)

    assert snapshot() == before


def test_it_closes_at_the_deadline_through_the_beat_scan_once(build, clock):
    nomination = build.voting()
    other = build.voting(
        nominee=build.person("Lin Chen", "lchen"),
        kind=NominationKind.CORE_REVIEWER,
        days=VOTING_DAYS + 5,
    )
    build.vote(nomination, {build.core1: BallotChoice.APPROVE, build.core2: BallotChoice.APPROVE})
    clock.pass_deadline(nomination)

    assert close_due_votes() == 1
    assert close_due_votes() == 0

    nomination = fresh(nomination)
    assert nomination.status == NominationStatus.CLOSED
    assert nomination.tally.closed_at == nomination.voting_closed_at
    assert (nomination.tally.approve, nomination.tally.quorum_met) == (2, False)
    assert fresh(other).status == NominationStatus.VOTING
    assert AuditEvent.objects.filter(verb="nomination.voting_closed").count() == 1


def test_it_returns_the_same_tally_when_closed_twice(build):
    nomination = build.closed(passed=True)

    tally = services.voting_close(actor=build.core1, nomination=nomination)

    assert tally == nomination.tally
    assert Tally.objects.count() == 1


def test_it_lets_a_core_maintainer_close_after_the_deadline(build, clock):
    nomination = build.voting()
    build.vote(nomination, {build.core1: BallotChoice.APPROVE, build.core2: BallotChoice.DECLINE})
    clock.pass_deadline(nomination)

    tally = services.voting_close(actor=build.core3, nomination=nomination)

    assert (tally.approve, tally.decline, tally.abstain, tally.electorate) == (1, 1, 0, 5)
    assert fresh(nomination).status == NominationStatus.CLOSED


# Quorum and threshold -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "count", "quorum", "passes"),
    [
        # half the electorate must cast a ballot; abstentions count towards the quorum
        (NominationKind.MODULE_MAINTAINER, Count(5, 2, 0, 0), False, True),
        (NominationKind.MODULE_MAINTAINER, Count(5, 1, 0, 2), True, True),
        (NominationKind.MODULE_MAINTAINER, Count(4, 1, 1, 0), True, False),  # a tie fails
        (NominationKind.MODULE_MAINTAINER, Count(4, 2, 1, 0), True, True),
        (NominationKind.MODULE_MAINTAINER, Count(4, 0, 0, 4), True, False),  # all abstain
        (NominationKind.MODULE_MAINTAINER, Count(0, 0, 0, 0), False, False),
        (NominationKind.CORE_MAINTAINER, Count(6, 2, 1, 0), True, True),
        # removal needs two thirds of the approve and decline votes
        (NominationKind.REMOVAL, Count(5, 2, 1, 0), True, True),
        (NominationKind.REMOVAL, Count(5, 3, 2, 0), True, False),
        (NominationKind.REMOVAL, Count(6, 4, 2, 3), True, True),
        (NominationKind.REMOVAL, Count(6, 1, 1, 1), True, False),
    ],
)
def test_it_applies_the_quorum_and_threshold_of_each_policy(kind, count, quorum, passes):
    frozen = POLICIES[kind].frozen()

    assert quorum_met(frozen, count) is quorum
    assert threshold_met(frozen, count) is passes


def test_it_fails_a_vote_that_misses_its_quorum(build, clock):
    nomination = build.voting()
    build.vote(nomination, {build.core1: BallotChoice.APPROVE, build.core2: BallotChoice.APPROVE})

    nomination = build.close(nomination)

    assert (nomination.tally.quorum_met, nomination.tally.passed) == (False, False)


def test_it_counts_abstentions_for_the_quorum_but_not_the_threshold(build, clock):
    nomination = build.voting()
    build.vote(
        nomination,
        {
            build.core1: BallotChoice.APPROVE,
            build.core2: BallotChoice.ABSTAIN,
            build.core3: BallotChoice.ABSTAIN,
        },
    )

    nomination = build.close(nomination)

    assert (nomination.tally.quorum_met, nomination.tally.passed) == (True, True)


@pytest.mark.parametrize(
    ("approve", "decline", "passed"),
    [(2, 1, True), (3, 2, False), (4, 1, True), (1, 1, False)],
)
def test_it_removes_a_maintainer_on_two_thirds_only(build, clock, approve, decline, passed):
    role = Role.objects.get(person=build.maintainer.person)
    nomination = build.voting(
        nominee=build.maintainer.person, kind=NominationKind.REMOVAL, ending_role=role
    )
    choices = [BallotChoice.APPROVE] * approve + [BallotChoice.DECLINE] * decline
    build.vote(nomination, dict(zip(build.electorate, choices, strict=False)))

    nomination = build.close(nomination)

    assert (nomination.tally.approve, nomination.tally.decline) == (approve, decline)
    assert nomination.tally.passed is passed


# The votes each elector is awaited on (the dashboard's "Awaiting my vote") -----------------------


def awaited(nomination) -> set[str]:
    return usernames(e.user for e in nomination.electors.filter(awaiting_vote=True))


def test_it_awaits_each_voter_until_they_cast_or_recuse(build):
    nomination = build.voting(nominee=build.core2.person)
    assert awaited(nomination) == usernames(build.electorate) - {"core2"}  # the nominee recused

    services.ballot_cast(actor=build.core1, nomination=nomination, choice=BallotChoice.APPROVE)
    services.ballot_cast(actor=build.core1, nomination=nomination, choice=BallotChoice.DECLINE)
    services.elector_recuse(actor=build.core3, nomination=nomination, reason="Same team.")

    assert awaited(nomination) == usernames(build.electorate) - {"core1", "core2", "core3"}


@pytest.mark.parametrize("end", ["close", "withdraw"])
def test_it_awaits_no_one_once_the_vote_ends(build, end):
    nomination = build.voting()
    if end == "close":
        build.close(nomination)
    else:
        services.nomination_withdraw(actor=build.core1, nomination=nomination, reason="Moved on.")

    assert awaited(nomination) == set()
