"""The proposal pages: made, voted, decided in the browser by core maintainers; a 404 to everyone
else; the title, the text and the objections never on a public page, in an email to others, or
in the public minutes, which show the decided proposal's public outcome."""

import pytest
from django.core import mail
from django.test import Client

from governance.models import Notification
from meetings import services as meeting_services
from meetings.models import MinutesVersion
from nominations import services
from nominations.models import BallotChoice, Method, NominationStatus, ProposalKind
from tests.conftest import ALL_VIEWERS
from tests.meetings.conftest import new_meeting, publish
from tests.proposals.conftest import (
    CANARY_OBJECTION,
    CANARY_PROPOSAL_TEXT,
    CANARY_PROPOSAL_TITLE,
    PUBLIC_OUTCOME,
)

pytestmark = pytest.mark.django_db

CORE = {"lead", "core1", "core2", "core3", "core4"}
CANARIES = (CANARY_PROPOSAL_TITLE, CANARY_PROPOSAL_TEXT, CANARY_OBJECTION)
PUBLIC_PAGES = ("/", "/meetings/", "/become-a-maintainer/", "/announcements/", "/meetings/feed/")


def test_it_makes_a_proposal_from_the_form(client_for):
    response = client_for("core1").post(
        "/nominations/proposals/new/",
        {"kind": ProposalKind.MOTION, "title": "Adopt RFCs", "text": "Adopt written RFCs."},
    )

    assert response.status_code == 302
    page = client_for("core2").get(response["Location"]).content.decode()
    assert "Adopt RFCs" in page
    assert "Adopt written RFCs." in page
    assert "under the rule as it stands today" in page


@pytest.mark.parametrize("viewer", ALL_VIEWERS)
def test_it_shows_a_proposal_to_core_maintainers_only(client_for, proposals, viewer):
    vote = proposals.voting()

    response = client_for(viewer).get(vote.get_absolute_url())

    if viewer in CORE:
        assert response.status_code == 200
        assert CANARY_PROPOSAL_TITLE in response.content.decode()
    elif viewer == "anonymous":
        assert response.status_code == 302
    else:
        assert response.status_code == 404
        assert not any(canary in response.content.decode() for canary in CANARIES)


def test_it_lists_the_proposal_on_the_dashboard(client_for, proposals):
    vote = proposals.voting()

    content = client_for("core3").get("/nominations/").content.decode()

    assert f'href="{vote.get_absolute_url()}"' in content


def test_it_takes_a_block_with_its_reason_under_consent(build, client_for, proposals):
    services.voting_rule_update(
        actor=None, kind=ProposalKind.MOTION, changes={"method": Method.CONSENT}
    )
    vote = proposals.voting()
    voter = client_for("core1")

    refused = voter.post(f"/nominations/{vote.pk}/vote/", {"choice": BallotChoice.DECLINE})
    blocked = voter.post(
        f"/nominations/{vote.pk}/vote/",
        {"choice": BallotChoice.DECLINE, "comment": CANARY_OBJECTION},
    )

    assert refused.status_code == 400
    assert "A block must give its reason." in refused.content.decode()
    assert blocked.status_code == 302
    assert blocked["Location"] == vote.get_absolute_url()
    page = voter.get(vote.get_absolute_url()).content.decode()
    assert "By consent" in page
    assert "Block (give your reason below)" in page
    build.vote(vote, {build.lead: BallotChoice.APPROVE, build.core3: BallotChoice.ABSTAIN})
    build.close(vote)
    closed = voter.get(vote.get_absolute_url()).content.decode()
    assert "1 consent, 1 block, 1 stand aside, of 5." in closed
    assert "did not pass" in closed


def test_it_decides_in_the_browser_and_refuses_the_opener(build, client_for, proposals):
    vote = proposals.closed()
    form = {"outcome": "accepted", "reasons": "Agreed.", "public_outcome": PUBLIC_OUTCOME}

    opener = client_for("core2").post(f"/nominations/proposals/{vote.pk}/decide/", form)
    decider = client_for("core3").post(f"/nominations/proposals/{vote.pk}/decide/", form)

    assert opener.status_code == 403
    assert decider.status_code == 302
    vote.refresh_from_db()
    assert vote.status == NominationStatus.DECIDED


def test_it_refuses_the_nominations_own_actions_on_a_proposal(client_for, proposals):
    vote = proposals.closed()

    response = client_for("core3").post(
        f"/nominations/{vote.pk}/decide/", {"outcome": "accepted", "reasons": "x"}
    )

    assert response.status_code == 404


def test_it_keeps_every_canary_off_public_pages_emails_and_minutes(build, client_for, proposals):
    vote = proposals.voting()
    build.vote(vote, {build.lead: BallotChoice.APPROVE, build.core3: BallotChoice.APPROVE})
    services.ballot_cast(
        actor=build.core1, nomination=vote, choice=BallotChoice.DECLINE, comment=CANARY_OBJECTION
    )
    vote = build.close(vote)
    services.proposal_decide(
        actor=build.core3,
        vote=vote,
        outcome="accepted",
        reasons=f"Decided. {CANARY_PROPOSAL_TEXT}",
        public_outcome=PUBLIC_OUTCOME,
    )
    meeting = new_meeting(build.core1)
    meeting_services.agenda_item_add(
        actor=build.core1,
        meeting=meeting,
        title="Proposals",
        notes="- Discussed.",
        nominations=[vote],
    )
    meeting = publish(meeting, build.core1, build.lead, build.core2, build.core3)

    version = MinutesVersion.objects.get(meeting=meeting)
    assert f"Motion accepted: {PUBLIC_OUTCOME}" in version.markdown
    public = [Client().get(path).content.decode() for path in PUBLIC_PAGES]
    public.append(Client().get(meeting.get_absolute_url()).content.decode())
    public.append(version.markdown + version.html)
    sent = [message.subject + message.body for message in mail.outbox]
    sent += [n.subject + n.body for n in Notification.objects.filter(channel="email")]
    for text in public + sent:
        for canary in CANARIES:
            assert canary not in text
