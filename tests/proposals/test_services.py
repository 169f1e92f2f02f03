"""Proposals share the nominations' voting: the frozen electorate and rule, the ledger, the
deadline, the audit and the notifications, and four eyes on the decision."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from governance.models import AuditEvent, Notification, Role, RoleKind, RoleStatus
from nominations import services
from nominations.models import (
    Ballot,
    BallotChoice,
    Elector,
    Method,
    NominationStatus,
    ProposalKind,
    VotingRule,
)
from nominations.voting_rules import current_rules
from tests.proposals.conftest import CANARY_PROPOSAL_TEXT, CANARY_PROPOSAL_TITLE, PUBLIC_OUTCOME

pytestmark = pytest.mark.django_db


def test_it_refuses_a_proposal_from_anyone_but_a_core_maintainer(build):
    with pytest.raises(PermissionDenied):
        services.proposal_create(
            actor=build.maintainer, kind=ProposalKind.MOTION, title="Adopt it", text="Adopt it."
        )


def test_it_votes_on_a_motion_as_on_a_nomination(build, proposals):
    vote = proposals.voting()

    assert vote.status == NominationStatus.VOTING
    assert vote.policy["rule_kind"] == ProposalKind.MOTION
    assert sorted(Elector.objects.filter(nomination=vote).values_list("user", flat=True)) == (
        sorted(user.pk for user in build.electorate)
    )
    build.vote(vote, {build.core1: BallotChoice.APPROVE})
    assert Ballot.objects.get(nomination=vote).entry_hash


def test_it_lets_no_one_who_opened_the_vote_decide_it(build, proposals):
    vote = proposals.closed()

    with pytest.raises(PermissionDenied):
        services.proposal_decide(
            actor=build.core2, vote=vote, outcome="accepted", reasons="Mine.", public_outcome="x"
        )


def test_it_records_the_decision_with_its_public_outcome(proposals):
    vote = proposals.decided()

    assert (vote.status, vote.outcome) == (NominationStatus.DECIDED, "accepted")
    assert vote.proposal.public_outcome == PUBLIC_OUTCOME
    assert AuditEvent.objects.filter(verb="nomination.decided", target_id=str(vote.pk)).exists()


def test_it_keeps_the_title_and_text_out_of_every_email(proposals):
    proposals.decided()

    emails = Notification.objects.filter(channel="email")
    assert emails.exists()
    for email in emails:
        assert CANARY_PROPOSAL_TITLE not in email.subject + email.body
        assert CANARY_PROPOSAL_TEXT not in email.subject + email.body


def test_it_applies_an_accepted_rule_change_to_later_votes_only(build, proposals):
    running = proposals.voting(title="Another motion")
    vote = proposals.decided(
        kind=ProposalKind.RULE_CHANGE,
        rule_kind=ProposalKind.MOTION,
        rule_changes={"method": Method.CONSENT},
    )

    assert current_rules()[ProposalKind.MOTION].method == Method.CONSENT
    assert fresh_policy(running)["method"] == Method.APPROVAL
    event = AuditEvent.objects.get(verb="voting_rule.updated")
    assert (event.actor_label, event.data["proposal"]) == ("core3", vote.pk)


def test_it_refuses_a_rule_change_that_would_leave_an_invalid_rule(proposals):
    with pytest.raises(ValidationError):
        proposals.made(
            kind=ProposalKind.RULE_CHANGE,
            rule_kind=ProposalKind.MOTION,
            rule_changes={"min_voters": 1},
        )


def test_it_changes_no_rule_when_the_rule_change_is_declined(build, proposals):
    failing = {
        build.lead: BallotChoice.DECLINE,
        build.core1: BallotChoice.DECLINE,
        build.core3: BallotChoice.DECLINE,
    }
    proposals.decided(
        outcome="declined",
        votes=failing,
        kind=ProposalKind.RULE_CHANGE,
        rule_kind=ProposalKind.MOTION,
        rule_changes={"method": Method.CONSENT},
    )

    assert VotingRule.objects.get(kind=ProposalKind.MOTION).method == Method.APPROVAL


def test_it_recuses_whoever_an_emeritus_batch_would_move_and_moves_them_if_accepted(
    build, proposals
):
    role = Role.objects.get(person=build.core4.person, kind=RoleKind.CORE_MAINTAINER)

    vote = proposals.voting(kind=ProposalKind.EMERITUS_BATCH, roles=[role])

    elector = Elector.objects.get(nomination=vote, user=build.core4)
    assert elector.recused
    build.vote(
        vote,
        {
            build.lead: BallotChoice.APPROVE,
            build.core1: BallotChoice.APPROVE,
            build.core3: BallotChoice.APPROVE,
        },
    )
    vote = build.close(vote)
    services.proposal_decide(
        actor=build.core3, vote=vote, outcome="accepted", reasons="Inactive.", public_outcome="x"
    )
    role.refresh_from_db()
    assert role.status == RoleStatus.EMERITUS


def fresh_policy(vote) -> dict:
    return type(vote).objects.get(pk=vote.pk).policy


def test_it_puts_an_emeritus_batch_ending_the_lead_under_the_lead_removal_rule(build, proposals):
    role = Role.objects.get(person=build.lead.person, kind=RoleKind.LEAD_CORE_MAINTAINER)

    vote = proposals.voting(kind=ProposalKind.EMERITUS_BATCH, roles=[role])

    assert vote.policy["rule_kind"] == "lead_removal"
    assert (vote.policy["threshold"], vote.policy["threshold_of_electorate"]) == ([3, 4], True)


def test_it_reminds_the_voters_of_a_proposal_who_have_not_voted(build, clock, proposals):
    vote = proposals.voting()
    build.vote(vote, {build.core1: BallotChoice.APPROVE})
    clock.advance(days=6, hours=1)

    assert services.voting_remind_due() == 1

    reminded = Notification.objects.filter(event_key=f"nomination-reminder:{vote.pk}")
    assert {n.recipient for n in reminded} == {build.lead, build.core2, build.core3, build.core4}
    assert all(CANARY_PROPOSAL_TITLE not in n.subject for n in reminded)
