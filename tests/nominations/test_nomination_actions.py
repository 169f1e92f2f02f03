"""`permissions.nomination_actions`: what the nomination page offers each persona at each
status. The nomination is a module maintainer's (secret ballot, no lead confirmation) for the
`nominee` persona; core1 drafts it, invites `maintainer` once it opens, and starts its vote; all
five core maintainers vote it through; core2 decides it, and nothing is released yet."""

from dataclasses import asdict

import pytest
from django.contrib.auth import get_user_model

from governance import permissions
from nominations import selectors, services
from nominations.models import Outcome

pytestmark = pytest.mark.django_db

PERSONAS = ("core1", "lead", "maintainer", "nominee", "outsider")
STATUSES = ("draft", "open", "voting", "closed", "decided")
LIVE = {"draft", "open", "voting", "closed"}
VOTE_STARTED = {"voting", "closed", "decided"}
VOTE_CLOSED = {"closed", "decided"}
OPENER_ANNOUNCE_REFUSAL = (
    "You started this vote, so another core maintainer releases the announcement: no one "
    "person decides for the core maintainers."
)
OPENER_DECIDE_REFUSAL = (
    "You started this vote, so another core maintainer records the decision: no one person "
    "decides for the core maintainers."
)


def nomination_at(build, status: str):
    if status == "draft":
        return build.draft()
    if status == "open":
        return build.opened()
    if status == "voting":
        return build.voting()
    if status == "closed":
        return build.closed(passed=True)
    return build.decided(outcome=Outcome.ACCEPTED, release=False)


def expected_actions(persona: str, status: str) -> dict:
    """The rules as the page states them, written out for one persona and one status."""
    manage = persona in {"core1", "lead"}
    opener = persona == "core1" and status in VOTE_STARTED
    invited = persona == "maintainer" and status != "draft"
    return {
        "manage": manage,
        "manage_live": manage and status in LIVE,
        "see_outcome": manage,
        "see_withdrawal_reason": False,
        # Invited maintainers add evidence until the vote closes, and are told so after it.
        "add_evidence": status in LIVE and (manage or (invited and status not in VOTE_CLOSED)),
        "evidence_closed": invited and status in VOTE_CLOSED,
        "open_for_evidence": manage and status == "draft",
        "invite": manage and status in LIVE,
        # Five core maintainers can vote, more than the three a vote needs.
        "start_vote": manage and status == "open",
        "start_vote_refusal": "",
        "see_vote": manage and status in VOTE_STARTED,
        "vote": manage and status == "voting",
        "recuse": manage and status == "voting",
        # The deadline is a week away.
        "close": False,
        # A secret ballot shows counts after the close only, and never who voted what.
        "see_votes": manage and status in VOTE_CLOSED,
        "see_turnout": manage and status in VOTE_CLOSED,
        "see_who_voted_what": False,
        "decide": manage and not opener and status == "closed",
        "decide_refusal": OPENER_DECIDE_REFUSAL if opener and status == "closed" else "",
        "feedback_section": manage and status in VOTE_CLOSED,
        "draft_feedback": manage and status in VOTE_CLOSED,
        "release_feedback": manage and status == "decided",
        "release_announcement": manage and not opener and status == "decided",
        "announce_refusal": OPENER_ANNOUNCE_REFUSAL if opener else "",
        "withdraw": manage and status in {"draft", "open", "voting"},
    }


@pytest.mark.parametrize("status", STATUSES)
@pytest.mark.parametrize("persona", PERSONAS)
def test_it_offers_each_persona_the_actions_of_each_status(request, build, persona, status):
    nomination = selectors.nomination_for_page(nomination_at(build, status).pk)
    # A fresh user object: nothing remembered from the build's own requests.
    user = get_user_model().objects.get(pk=request.getfixturevalue(persona).pk)
    outcome = selectors.outcome_of(nomination)

    actions = permissions.nomination_actions(
        user,
        nomination,
        has_voted=any(ballot.voter_id == user.pk for ballot in nomination.live_ballots),
        feedback=outcome.feedback,
        announcement=outcome.announcement,
        start_vote_refusal=lambda: services.voting_open_refusal(actor=user, nomination=nomination),
    )

    assert asdict(actions) == expected_actions(persona, status)


def test_it_shows_the_withdrawal_reason_and_offers_nothing_more_once_withdrawn(build):
    withdrawn = build.opened()
    services.nomination_withdraw(actor=build.core1, nomination=withdrawn, reason="Stepped away.")
    nomination = selectors.nomination_for_page(withdrawn.pk)

    actions = permissions.nomination_actions(
        build.lead,
        nomination,
        has_voted=False,
        feedback=None,
        announcement=None,
        start_vote_refusal=lambda: "",
    )

    assert actions.see_withdrawal_reason is True
    assert actions.manage_live is False
    assert actions.add_evidence is False
    assert actions.withdraw is False
