"""The world the access matrix walks: one object of every kind the URLconf names, each built
through the services as the personas would, with a canary planted in every private text.

| object                   | what it is                                                      |
|--------------------------|-----------------------------------------------------------------|
| nominations[state]       | draft, open, voting, closed, declined, announced, withdrawn     |
| evidence                 | core1's entry on the open nomination                            |
| pending/rejected_request | two nomination requests by the nominator                        |
| named_request            | a pending request by the nominator that names core1 (@PRaman)   |
| published_meeting        | `canary_meeting` of the meetings tests (published, redactions)  |
| draft_meeting            | draft minutes with a private agenda item                        |
| proposal                 | a draft taxonomy proposal                                       |

Which canary each persona may read is `READABLE`; the public and staff may read none of them
outside the admin, which only staff reach. The tests in world/ start from it.
"""

from dataclasses import dataclass, field
from http.cookies import SimpleCookie

from django.test import Client
from django.test.client import ClientHandler

from governance import services as governance_services
from governance.models import Module, Notification, NotificationChannel, TaxonomyProposal
from meetings import services as meeting_services
from meetings.models import (
    ActionItem,
    AgendaItem,
    DecisionOutcome,
    Meeting,
    MeetingDecision,
    Visibility,
)
from nominations import services as nomination_services
from nominations.models import (
    BallotChoice,
    Criterion,
    EvidenceEntry,
    Nomination,
    NominationKind,
    NominationRequest,
    Outcome,
)
from tests.meetings.conftest import CANARIES as MEETING_CANARIES
from tests.meetings.conftest import new_meeting
from tests.nominations.conftest import Build, build, clock, fresh  # noqa: F401  (fixtures)

PERSONAS = (
    "anonymous",
    "outsider",
    "nominee",
    "nominator",
    "maintainer",
    "core1",
    "lead",
    "staff",
)
CORE_PERSONAS = frozenset({"core1", "lead"})


def canary(label: str) -> str:
    # Upper-case letters only, so no template filter, slug or escaping can disguise it.
    return f"QZLEAK{label.upper()}ZQ"


RATIONALE = canary("rationale")
EVIDENCE = canary("evidence")
BALLOT = canary("ballot")
REASONS = canary("reasons")
TO_NOMINEE = canary("tonominee")
TO_NOMINATORS = canary("tonominators")
WITHDRAWN = canary("withdrawn")
REQUEST = canary("request")
TRIAGE = canary("triage")
NAMED_REQUEST = canary("namedrequest")
PROPOSAL = canary("proposal")
DRAFT_MINUTES = canary("draftminutes")
DRAFT_PRIVATE_ITEM = canary("draftprivateitem")
NOMINATION_CANARIES = frozenset(
    {
        RATIONALE,
        EVIDENCE,
        BALLOT,
        REASONS,
        TO_NOMINEE,
        TO_NOMINATORS,
        WITHDRAWN,
        REQUEST,
        TRIAGE,
        NAMED_REQUEST,
    }
)
ALL_CANARIES = frozenset(
    {*NOMINATION_CANARIES, PROPOSAL, DRAFT_MINUTES, DRAFT_PRIVATE_ITEM, *MEETING_CANARIES}
)
# What the policy lets each persona read (DESIGN.md, "The permission policy").
READABLE = {
    "anonymous": frozenset(),
    "outsider": frozenset(),
    "staff": frozenset(),
    "nominee": frozenset({TO_NOMINEE}),
    # The requester reads the name they gave in their own requests.
    "nominator": frozenset({TO_NOMINATORS, TRIAGE, NAMED_REQUEST}),
    # Invited into the evidence threads of the module's nominations: the thread only.
    "maintainer": frozenset({RATIONALE, EVIDENCE}),
    # Never a word of the request that names them, as of a nomination that does.
    "core1": ALL_CANARIES - {NAMED_REQUEST},
    "lead": ALL_CANARIES,
    # A core maintainer (core2) whose own emails and inbox may carry what core maintainers read;
    # their pages wait for the second factor (test_two_factor_gate.py).
    "unenrolled": ALL_CANARIES,
}


def leaked_canaries(persona: str, text: str) -> set[str]:
    return {found for found in ALL_CANARIES - READABLE[persona] if found in text}


@dataclass
class World:
    module: Module
    nominations: dict[str, Nomination]
    evidence: EvidenceEntry
    pending_request: NominationRequest
    rejected_request: NominationRequest
    named_request: NominationRequest
    published_meeting: Meeting
    draft_meeting: Meeting
    proposal: TaxonomyProposal
    users: dict = field(default_factory=dict)
    sent_mail: list = field(default_factory=list)
    # What built the world, for a test that adds to it through the services as the personas.
    builder: Build | None = None

    def reloaded(self) -> "World":
        def again(instance):
            return type(instance).objects.get(pk=instance.pk)

        return World(
            module=again(self.module),
            nominations={state: again(n) for state, n in self.nominations.items()},
            evidence=again(self.evidence),
            pending_request=again(self.pending_request),
            rejected_request=again(self.rejected_request),
            named_request=again(self.named_request),
            published_meeting=again(self.published_meeting),
            draft_meeting=again(self.draft_meeting),
            proposal=again(self.proposal),
            users={persona: again(user) for persona, user in self.users.items()},
            sent_mail=self.sent_mail,
            builder=self.builder,
        )

    def user(self, persona: str):
        return self.users.get(persona)

    @property
    def meetings(self) -> list[Meeting]:
        return [self.published_meeting, self.draft_meeting]

    def items(self, meeting: Meeting) -> list[AgendaItem]:
        return list(AgendaItem.objects.filter(meeting=meeting).order_by("pk"))

    def decisions(self, meeting: Meeting) -> list[MeetingDecision]:
        return list(MeetingDecision.objects.filter(agenda_item__meeting=meeting).order_by("pk"))

    def action_items(self) -> list[ActionItem]:
        return list(ActionItem.objects.order_by("pk"))


def _nominations(builder: Build) -> dict[str, Nomination]:
    def with_evidence(nomination: Nomination) -> Nomination:
        nomination_services.evidence_add(
            actor=builder.core1, nomination=nomination, criterion=Criterion.QUALITY, body=EVIDENCE
        )
        return fresh(nomination)

    draft = builder.draft(nominee=builder.person("Kwame Asante", "kasante"), rationale=RATIONALE)
    opened = with_evidence(
        builder.opened(nominee=builder.person("Lin Chen", "lchen"), rationale=RATIONALE)
    )
    voting = with_evidence(builder.voting(kind=NominationKind.MODULE_REVIEWER, rationale=RATIONALE))
    builder.vote(voting, {builder.core2: BallotChoice.APPROVE}, comment=BALLOT)
    closed = builder.voting(nominee=builder.person("Daniel Park", "dpark"), rationale=RATIONALE)
    builder.vote(
        closed, dict(zip(builder.electorate, [BallotChoice.APPROVE] * 5, strict=True)), BALLOT
    )
    closed = builder.close(closed)
    declined = builder.decided(
        outcome=Outcome.DECLINED,
        rationale=RATIONALE,
        reasons=REASONS,
        to_nominee=TO_NOMINEE,
        to_nominators=TO_NOMINATORS,
    )
    announced = builder.decided(
        outcome=Outcome.ACCEPTED,
        nominee=builder.person("Mei Tanaka", "mtanaka"),
        rationale=RATIONALE,
        reasons=REASONS,
        to_nominee=TO_NOMINEE,
        to_nominators=TO_NOMINATORS,
    )
    withdrawn = builder.voting(nominee=builder.person("Sofia Rossi", "srossi"), rationale=RATIONALE)
    nomination_services.nomination_withdraw(
        actor=builder.core2, nomination=withdrawn, reason=WITHDRAWN
    )
    return {
        "draft": draft,
        "open": opened,
        "voting": voting,
        "closed": closed,
        "declined": declined,
        "announced": announced,
        "withdrawn": fresh(withdrawn),
    }


def _draft_meeting(builder: Build) -> Meeting:
    meeting = new_meeting(builder.core1, title="Draft meeting", days=-3)
    item = meeting_services.agenda_item_add(
        actor=builder.core1, meeting=meeting, title="Roadmap", notes=f"- {DRAFT_MINUTES}"
    )
    meeting_services.decision_add(
        actor=builder.core1, item=item, outcome=DecisionOutcome.ACCEPTED, text="Agreed."
    )
    meeting_services.agenda_item_add(
        actor=builder.core1,
        meeting=meeting,
        title=f"Private {DRAFT_PRIVATE_ITEM}",
        notes="- Discussed.",
        visibility=Visibility.PRIVATE,
    )
    return meeting


def build_world(builder: Build, published: Meeting, staff, outsider) -> World:
    nominations = _nominations(builder)
    pending = nomination_services.nomination_request_submit(
        actor=builder.nominator,
        nominee_name="Ada Obi",
        nominee_github="aobi",
        kind=NominationKind.CORE_REVIEWER,
        module=None,
        rationale=REQUEST,
    )
    rejected = nomination_services.nomination_request_submit(
        actor=builder.nominator,
        nominee_name="Bo Lind",
        nominee_github="blind",
        kind=NominationKind.CORE_REVIEWER,
        module=None,
        rationale=REQUEST,
    )
    nomination_services.nomination_request_reject(
        actor=builder.core1, request=rejected, reason=TRIAGE
    )
    named = nomination_services.nomination_request_submit(
        actor=builder.nominator,
        nominee_name=f"Priya Raman {NAMED_REQUEST}",
        nominee_github="PRaman",
        kind=NominationKind.MODULE_MAINTAINER,
        module=builder.module,
        rationale=NAMED_REQUEST,
    )
    proposal = governance_services.taxonomy_proposal_create(
        actor=builder.core1, title="Split compilers", reason=PROPOSAL
    )
    world = World(
        module=builder.module,
        nominations=nominations,
        evidence=EvidenceEntry.objects.get(nomination=nominations["open"], body=EVIDENCE),
        pending_request=pending,
        rejected_request=rejected,
        named_request=named,
        published_meeting=published,
        draft_meeting=_draft_meeting(builder),
        proposal=proposal,
        users={
            "outsider": outsider,
            "nominee": builder.nominee,
            "nominator": builder.nominator,
            "maintainer": builder.maintainer,
            "core1": builder.core1,
            "lead": builder.lead,
            "staff": staff,
            # A core maintainer who has not set up an authenticator yet: `signed_in` gives them
            # a password-only session, which reaches only the two-factor setup.
            "unenrolled": builder.core2,
        },
    )
    # Hand every queued email to the mail backend, as the worker would.
    for pk in Notification.objects.filter(channel=NotificationChannel.EMAIL).values_list(
        "pk", flat=True
    ):
        governance_services.notification_send(notification_id=pk)
    return world


# Loading the middleware makes WhiteNoise scan the static files (about 0.1 s); the matrix makes
# thousands of requests, so its clients share one handler per CSRF mode.
HANDLERS = {enforce: ClientHandler(enforce_csrf_checks=enforce) for enforce in (False, True)}


def client_with_cookies(cookies, *, enforce_csrf_checks: bool = False) -> Client:
    client = Client()
    client.handler = HANDLERS[enforce_csrf_checks]
    client.cookies = SimpleCookie(cookies)
    return client
