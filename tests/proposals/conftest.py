"""Proposals, built through the services as the personas: core1 proposes, core2 opens the
vote, and (four eyes) core3 records the decision. The electorate is the lead and core1..core4.
"""

import datetime

import pytest
from django.utils import timezone

from nominations import services
from nominations.models import BallotChoice, Nomination, ProposalKind
from tests.nominations.conftest import (  # noqa: F401  (fixtures shared with the nominations)
    build,
    client_for,
    clock,
    fresh,
)

CANARY_PROPOSAL_TITLE = "CANARY-PROPOSAL-TITLE-7f3a"
CANARY_PROPOSAL_TEXT = "CANARY-PROPOSAL-TEXT-91bd"
CANARY_OBJECTION = "CANARY-OBJECTION-c2e8"
PUBLIC_OUTCOME = "Referred to an RFC."


class Proposals:
    def __init__(self, builder) -> None:
        self.build = builder

    def made(self, *, kind: str = ProposalKind.MOTION, **kwargs) -> Nomination:
        kwargs.setdefault(
            "title", f"Refer the packaging question to an RFC {CANARY_PROPOSAL_TITLE}"
        )
        kwargs.setdefault(
            "text", f"The question needs a written design first. {CANARY_PROPOSAL_TEXT}"
        )
        proposal = services.proposal_create(actor=self.build.core1, kind=kind, **kwargs)
        return fresh(proposal.vote)

    def voting(self, **kwargs) -> Nomination:
        vote = self.made(**kwargs)
        services.voting_open(
            actor=self.build.core2,
            nomination=vote,
            deadline=timezone.now() + datetime.timedelta(days=7),
        )
        return fresh(vote)

    def closed(self, votes: dict | None = None, **kwargs) -> Nomination:
        vote = self.voting(**kwargs)
        b = self.build
        votes = votes or {
            b.lead: BallotChoice.APPROVE,
            b.core1: BallotChoice.APPROVE,
            b.core3: BallotChoice.APPROVE,
        }
        b.vote(vote, votes)
        return b.close(vote)

    def decided(self, *, outcome: str = "accepted", **kwargs) -> Nomination:
        vote = self.closed(**kwargs)
        services.proposal_decide(
            actor=self.build.core3,
            vote=vote,
            outcome=outcome,
            reasons="The vote decided it.",
            public_outcome=PUBLIC_OUTCOME,
        )
        return fresh(vote)


@pytest.fixture
def proposals(build) -> Proposals:  # noqa: F811  (the fixture imported above)
    return Proposals(build)
