"""Nominations in every state, built through the services as the personas.

The electorate is the lead and core1..core4: five voters, so that a vote can pass, fail, miss
its quorum or split on abstentions. The `nominator` persona nominated every nomination here; the
`nominee` persona is the nominee of the one in voting and of the declined one (the two are for
different roles, so both can exist at once). `maintainer` maintains `module` and is invited into
the evidence thread of every nomination to it.

| fixture               | status   | nominee                | kind                 |
|-----------------------|----------|------------------------|----------------------|
| draft_nomination      | draft    | Kwame Asante (no user) | module maintainer    |
| open_nomination       | open     | Lin Chen (no user)     | module maintainer    |
| voting_nomination     | voting   | nominee persona        | module reviewer      |
| passed_nomination     | closed   | Daniel Park (no user)  | module maintainer    |
| failed_nomination     | closed   | Sofia Rossi (no user)  | module maintainer    |
| declined_nomination   | decided  | nominee persona        | module maintainer    |
| announced_nomination  | decided  | Mei Tanaka (no user)   | module maintainer    |

Time passing is the one thing no service does: the `clock` fixture moves
`django.utils.timezone.now` forward (for every thread), so deadlines pass without writing to a
nomination.
"""

import datetime
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client
from django.test.client import ClientHandler
from django.utils import timezone

from governance import services as governance_services
from governance.models import Module, Person
from nominations import selectors, services
from nominations.models import (
    BallotChoice,
    Criterion,
    EvidenceEntry,
    Nomination,
    NominationKind,
    NominationRequest,
    NominationStatus,
    Outcome,
)
from tests.conftest import login

_real_now = timezone.now

RATIONALE = "Reviews most changes to the module and keeps its tests green."
CORE_EVIDENCE = "About 120 reviews in the module since January, many on design."
MAINTAINER_EVIDENCE = "The module's maintainers support this nomination."
DECISION_REASONS = "The vote decided it."
TO_NOMINEE = "Thank you for your reviews; take on design reviews next."
TO_NOMINATORS = "Well argued; bring it back in two quarters."
VOTING_DAYS = 7  # the policies' minimum

# lead, core1, core2, core3, core4
PASSING_VOTES = (
    BallotChoice.APPROVE,
    BallotChoice.APPROVE,
    BallotChoice.APPROVE,
    BallotChoice.DECLINE,
    BallotChoice.ABSTAIN,
)
FAILING_VOTES = (
    BallotChoice.DECLINE,
    BallotChoice.DECLINE,
    BallotChoice.APPROVE,
    BallotChoice.DECLINE,
    BallotChoice.ABSTAIN,
)


class Clock:
    """`clock.advance(days=3)`: from now on, `timezone.now()` answers three days later."""

    def __init__(self) -> None:
        self.offset = datetime.timedelta(0)

    def now(self) -> datetime.datetime:
        return _real_now() + self.offset

    def advance(self, **kwargs) -> None:
        self.offset += datetime.timedelta(**kwargs)

    def pass_deadline(self, nomination: Nomination) -> None:
        """Move time to one minute after the nomination's voting deadline."""
        self.offset += nomination.voting_deadline - self.now() + datetime.timedelta(minutes=1)


@pytest.fixture
def clock(monkeypatch) -> Clock:
    clock = Clock()
    monkeypatch.setattr(timezone, "now", clock.now)
    return clock


_HANDLER = ClientHandler(enforce_csrf_checks=False)


@pytest.fixture
def client_for(request):
    """As the root `client_for` (a fresh client, signed in as the persona), but every client
    shares one request handler: loading the middleware makes WhiteNoise scan the static files,
    about 0.1 s a client, which the hundreds of clients these tests make cannot afford."""

    def make(persona: str) -> Client:
        client = Client()
        client.handler = _HANDLER
        if persona != "anonymous":
            login(client, request.getfixturevalue(persona))
        return client

    return make


def close_due_votes() -> int:
    """What the beat scan and the closes it queues do, run here one after another."""
    return sum(
        services.voting_close_expired(nomination_id=pk) for pk in selectors.votes_past_deadline()
    )


def fresh(nomination: Nomination) -> Nomination:
    return Nomination.objects.get(pk=nomination.pk)


@dataclass
class Build:
    """Makes nominations through the services, as the personas would."""

    clock: Clock
    lead: object
    core1: object
    core2: object
    core3: object
    core4: object
    maintainer: object
    nominator: object
    nominee: object
    module: Module

    @property
    def electorate(self) -> list:
        return [self.lead, self.core1, self.core2, self.core3, self.core4]

    def person(self, full_name: str, github: str) -> Person:
        # With an email address, so that feedback released to them reaches them (an invitation).
        return governance_services.person_create(
            actor=None, full_name=full_name, github=github, email=f"{github}@example.org"
        )

    def draft(
        self,
        *,
        nominee: Person | None = None,
        kind: str = NominationKind.MODULE_MAINTAINER,
        module: Module | None = None,
        ending_role=None,
        nominators=None,
        rationale: str = RATIONALE,
    ) -> Nomination:
        if kind in (NominationKind.MODULE_MAINTAINER, NominationKind.MODULE_REVIEWER):
            module = module or self.module
        return services.nomination_create(
            actor=self.core1,
            nominee=nominee or self.nominee.person,
            kind=kind,
            module=module,
            ending_role=ending_role,
            nominators=[self.nominator] if nominators is None else nominators,
            rationale=rationale,
        )

    def opened(self, *, evidence: bool = True, **kwargs) -> Nomination:
        nomination = self.draft(**kwargs)
        services.nomination_open(actor=self.core1, nomination=nomination)
        if nomination.module_id and nomination.kind not in (
            NominationKind.EMERITUS,
            NominationKind.REMOVAL,
        ):
            services.evidence_invite(
                actor=self.core1, nomination=nomination, users=[self.maintainer]
            )
        if evidence:
            services.evidence_add(
                actor=self.core1,
                nomination=nomination,
                criterion=Criterion.CONTRIBUTIONS,
                body=CORE_EVIDENCE,
            )
            if nomination.module_id and nomination.kind in (
                NominationKind.MODULE_MAINTAINER,
                NominationKind.MODULE_REVIEWER,
            ):
                services.evidence_add(
                    actor=self.maintainer,
                    nomination=nomination,
                    criterion=Criterion.MODULE_SUPPORT,
                    body=MAINTAINER_EVIDENCE,
                )
        return fresh(nomination)

    def voting(
        self, *, recused: dict | None = None, days: float = VOTING_DAYS, **kwargs
    ) -> Nomination:
        """Opened by core1; then each of `recused` ({user: reason}) recuses themselves."""
        nomination = self.opened(**kwargs)
        services.voting_open(
            actor=self.core1,
            nomination=nomination,
            deadline=timezone.now() + datetime.timedelta(days=days),
        )
        for user, reason in (recused or {}).items():
            services.elector_recuse(actor=user, nomination=nomination, reason=reason)
        return fresh(nomination)

    def vote(self, nomination: Nomination, votes: dict, comment: str = "") -> Nomination:
        for voter, choice in votes.items():
            services.ballot_cast(actor=voter, nomination=nomination, choice=choice, comment=comment)
        return fresh(nomination)

    def close(self, nomination: Nomination) -> Nomination:
        """Close as the beat scan does once the deadline has passed (unless already closed)."""
        nomination = fresh(nomination)
        if nomination.status == NominationStatus.VOTING:
            self.clock.pass_deadline(nomination)
            close_due_votes()
        return fresh(nomination)

    def closed(self, *, passed: bool, **kwargs) -> Nomination:
        nomination = self.voting(**kwargs)
        choices = PASSING_VOTES if passed else FAILING_VOTES
        self.vote(nomination, dict(zip(self.electorate, choices, strict=True)))
        return self.close(nomination)

    def decided(
        self,
        *,
        outcome: str,
        reasons: str = DECISION_REASONS,
        to_nominee: str = TO_NOMINEE,
        to_nominators: str = TO_NOMINATORS,
        release: bool = True,
        **kwargs,
    ) -> Nomination:
        nomination = self.closed(passed=outcome == Outcome.ACCEPTED, **kwargs)
        # Four eyes: core1 opened the vote, so someone else decides and announces.
        decider = self.lead if nomination.policy.get("lead_confirms") else self.core2
        services.nomination_decide(
            actor=decider, nomination=nomination, outcome=outcome, reasons=reasons
        )
        services.feedback_save(
            actor=self.core1,
            nomination=nomination,
            to_nominee=to_nominee,
            to_nominators=to_nominators,
        )
        if release:
            services.feedback_release(actor=self.core1, nomination=nomination)
            if outcome == Outcome.ACCEPTED:
                services.announcement_release(actor=self.core2, nomination=nomination)
        return fresh(nomination)


@pytest.fixture
def build(clock, lead, core1, core2, core3, core4, maintainer, nominator, nominee, module) -> Build:
    return Build(clock, lead, core1, core2, core3, core4, maintainer, nominator, nominee, module)


@pytest.fixture
def draft_nomination(build) -> Nomination:
    return build.draft(nominee=build.person("Kwame Asante", "kasante"))


@pytest.fixture
def open_nomination(build) -> Nomination:
    return build.opened(nominee=build.person("Lin Chen", "lchen"))


@pytest.fixture
def voting_nomination(build) -> Nomination:
    return build.voting(kind=NominationKind.MODULE_REVIEWER)


@pytest.fixture
def passed_nomination(build) -> Nomination:
    return build.closed(passed=True, nominee=build.person("Daniel Park", "dpark"))


@pytest.fixture
def failed_nomination(build) -> Nomination:
    return build.closed(passed=False, nominee=build.person("Sofia Rossi", "srossi"))


@pytest.fixture
def declined_nomination(build) -> Nomination:
    return build.decided(outcome=Outcome.DECLINED)


@pytest.fixture
def announced_nomination(build) -> Nomination:
    return build.decided(outcome=Outcome.ACCEPTED, nominee=build.person("Mei Tanaka", "mtanaka"))


@pytest.fixture
def every_state(
    draft_nomination,
    open_nomination,
    voting_nomination,
    passed_nomination,
    failed_nomination,
    declined_nomination,
    announced_nomination,
) -> dict[str, Nomination]:
    return {
        "draft": draft_nomination,
        "open": open_nomination,
        "voting": voting_nomination,
        "passed": passed_nomination,
        "failed": failed_nomination,
        "declined": declined_nomination,
        "announced": announced_nomination,
    }


@pytest.fixture
def pending_request(build) -> NominationRequest:
    return services.nomination_request_submit(
        actor=build.nominator,
        nominee_name="Grace Mensah",
        nominee_github="gmensah",
        kind=NominationKind.CORE_REVIEWER,
        module=None,
        rationale="Reviews everywhere.",
    )


@pytest.fixture
def persona(request):
    """The persona's user, or AnonymousUser for "anonymous"."""

    def get(name: str):
        return AnonymousUser() if name == "anonymous" else request.getfixturevalue(name)

    return get


@pytest.fixture
def unreleased_nomination(build) -> Nomination:
    """Accepted, with its feedback drafted and neither feedback nor announcement released."""
    return build.decided(
        outcome=Outcome.ACCEPTED, release=False, nominee=build.person("Ravi Iyer", "riyer")
    )


@pytest.fixture
def state(request):
    """`state("voting")`: the nomination fixture of that state, built on first use."""
    return lambda name: request.getfixturevalue(f"{name}_nomination")


@pytest.fixture
def site(build, every_state, unreleased_nomination, pending_request):
    """A nomination in each state, an entry by core1, a pending request, and an accepted
    nomination whose feedback and announcement are not yet released."""
    unreleased = unreleased_nomination
    request = pending_request
    entry = EvidenceEntry.objects.get(nomination=every_state["voting"], author=build.core1)
    return {**every_state, "unreleased": unreleased, "request": request, "entry": entry}
