"""The nomination services, stage by stage: intake, evidence, the frozen electorate, the ballot
ledger, closing, the quorum and threshold, decisions, feedback and announcements.

Each refusal is checked for what it leaves behind: nothing stored, nothing queued.
"""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from governance import permissions
from governance import services as governance_services
from governance.models import (
    AuditEvent,
    Notification,
    NotificationChannel,
    Person,
    Role,
    RoleKind,
    RoleStatus,
)
from nominations import selectors, services
from nominations.models import (
    Announcement,
    Ballot,
    Choice,
    Criterion,
    Decision,
    Elector,
    EvidenceEntry,
    EvidenceRevision,
    Feedback,
    Nomination,
    NominationKind,
    NominationRequest,
    Outcome,
    RequestStatus,
    Status,
    Tally,
)
from nominations.services import voting as voting_services
from nominations.voting_rules import POLICIES, Count, quorum_met, threshold_met
from tests.nominations.conftest import (
    TO_NOMINATORS,
    TO_NOMINEE,
    VOTING_DAYS,
    close_due_votes,
    fresh,
)

pytestmark = pytest.mark.django_db

OUTSIDE_THE_CORE_TEAM = ("maintainer", "nominator", "nominee", "outsider", "staff")


@pytest.fixture
def persona(request):
    """The persona's user, or AnonymousUser for "anonymous"."""

    def get(name: str):
        return AnonymousUser() if name == "anonymous" else request.getfixturevalue(name)

    return get


def snapshot() -> dict:
    """Everything a refused or failed nomination service must leave as it was."""
    return {
        "nominations": list(
            Nomination.objects.order_by("pk").values_list("pk", "status", "outcome", "updated_at")
        ),
        "requests": list(NominationRequest.objects.order_by("pk").values_list("pk", "status")),
        "evidence": list(EvidenceEntry.objects.order_by("pk").values_list("pk", "body")),
        "revisions": EvidenceRevision.objects.count(),
        "electors": Elector.objects.count(),
        "ballots": list(Ballot.objects.order_by("pk").values_list("pk", "superseded_at")),
        "tallies": Tally.objects.count(),
        "decisions": Decision.objects.count(),
        "feedback": list(Feedback.objects.values_list("pk", "released_at", "to_nominee")),
        "announcements": list(Announcement.objects.values_list("pk", "released_at")),
        "roles": list(Role.objects.order_by("pk").values_list("pk", "status")),
        "people": Person.objects.count(),
        "audit": AuditEvent.objects.count(),
        "notifications": Notification.objects.count(),
    }


def recipients(event_key: str, channel: str = NotificationChannel.INBOX) -> set[str]:
    return set(
        Notification.objects.filter(event_key=event_key, channel=channel).values_list(
            "recipient__username", flat=True
        )
    )


def usernames(users) -> set[str]:
    return {user.username for user in users}


def live_ballots(nomination: Nomination) -> list[tuple[str, str]]:
    return list(
        Ballot.objects.filter(nomination=nomination, superseded_at__isnull=True)
        .order_by("sequence")
        .values_list("voter__username", "choice")
    )


def reloaded(user):
    """The user as the next request would load it (no per-object role cache)."""
    return type(user).objects.get(pk=user.pk)


# The whole life of a nomination ----------------------------------------------------------------


def test_it_takes_a_nomination_from_request_to_an_announced_maintainer(build, client):
    request = services.nomination_request_submit(
        actor=build.nominator,
        nominee_name="Grace Mensah",
        nominee_github="gmensah",
        kind=NominationKind.MODULE_MAINTAINER,
        module=build.module,
        rationale="Reviews most of the module's changes.",
    )
    nomination = services.nomination_request_take_up(actor=build.core1, request=request)
    services.nomination_open(actor=build.core1, nomination=nomination)
    services.evidence_invite(actor=build.core1, nomination=nomination, users=[build.maintainer])
    services.evidence_add(
        actor=build.maintainer,
        nomination=nomination,
        criterion=Criterion.MODULE_SUPPORT,
        body="We support this.",
    )
    services.voting_open(actor=build.core1, nomination=nomination)
    for voter in build.electorate:
        services.ballot_cast(actor=voter, nomination=nomination, choice=Choice.APPROVE)
    services.nomination_decide(
        actor=build.core2, nomination=nomination, outcome=Outcome.ACCEPTED, reasons="Unanimous."
    )
    services.feedback_save(
        actor=build.core2, nomination=nomination, to_nominee="Welcome.", to_nominators="Thanks."
    )
    services.feedback_release(actor=build.core2, nomination=nomination)
    services.announcement_release(actor=build.lead, nomination=nomination)

    nomination = fresh(nomination)
    assert (nomination.status, nomination.outcome) == (Status.DECIDED, Outcome.ACCEPTED)
    assert nomination.tally.approve == 5
    assert nomination.tally.passed
    assert Role.objects.filter(
        person=nomination.nominee,
        kind=RoleKind.MODULE_MAINTAINER,
        module=build.module,
        status=RoleStatus.ACTIVE,
    ).exists()
    assert "Grace Mensah" in client.get(build.module.get_absolute_url()).content.decode()
    verbs = list(
        AuditEvent.objects.filter(verb__regex=r"^(nomination|ballot|feedback|announcement)")
        .order_by("pk")
        .values_list("verb", flat=True)
    )
    assert verbs == [
        "nomination_request.submitted",
        "nomination.created",
        "nomination_request.taken_up",
        "nomination.opened",
        "nomination.evidence_invited",
        "nomination.voting_opened",
        *["ballot.cast"] * 5,
        "nomination.voting_closed",
        "nomination.decided",
        "feedback.saved",
        "feedback.released",
        "announcement.released",
    ]


# Intake ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["outsider", "nominator", "maintainer", "core1"])
def test_it_accepts_a_request_from_any_signed_in_person(persona, build, name):
    requester = persona(name)

    request = services.nomination_request_submit(
        actor=requester,
        nominee_name="Grace Mensah",
        nominee_github="gmensah",
        kind=NominationKind.CORE_REVIEWER,
        module=None,
        rationale="Reviews across the code base.",
    )

    assert (request.requester, request.status) == (requester, RequestStatus.PENDING)
    assert recipients(f"nomination-request:{request.pk}") == usernames(build.electorate)


def test_it_accepts_a_self_nomination(build):
    request = services.nomination_request_submit(
        actor=build.nominee,
        nominee_name=build.nominee.person.full_name,
        nominee_github=build.nominee.person.github,
        kind=NominationKind.MODULE_REVIEWER,
        module=build.module,
        rationale="I review most of the module's changes.",
    )

    nomination = services.nomination_request_take_up(actor=build.core1, request=request)

    assert nomination.nominee == build.nominee.person  # the existing person, not a new one
    assert list(nomination.nominators.all()) == [build.nominee]
    assert nomination.status == Status.DRAFT


def test_it_refuses_a_request_from_the_anonymous_user(build):
    before = snapshot()

    with pytest.raises(PermissionDenied):
        services.nomination_request_submit(
            actor=AnonymousUser(),
            nominee_name="Grace Mensah",
            nominee_github="gmensah",
            kind=NominationKind.CORE_REVIEWER,
            module=None,
            rationale="Reviews.",
        )

    assert snapshot() == before


@pytest.mark.parametrize("kind", [NominationKind.EMERITUS, NominationKind.REMOVAL])
def test_it_refuses_a_request_to_end_a_role(build, outsider, kind):
    before = snapshot()

    with pytest.raises(ValidationError, match="raised by the core team"):
        services.nomination_request_submit(
            actor=outsider,
            nominee_name="Hana Sato",
            nominee_github="hsato",
            kind=kind,
            module=None,
            rationale="Inactive.",
        )

    assert snapshot() == before


@pytest.mark.parametrize("handle", ["not a handle!", "-leading", "a" * 40, ""])
def test_it_refuses_a_request_for_an_impossible_github_handle(build, handle):
    """The form checks the handle; the service must too, or the request can never be taken
    up (person_create refuses the handle) and only waits to be rejected."""
    before = snapshot()

    with pytest.raises(ValidationError):
        services.nomination_request_submit(
            actor=build.nominator,
            nominee_name="Grace Mensah",
            nominee_github=handle,
            kind=NominationKind.CORE_REVIEWER,
            module=None,
            rationale="Reviews.",
        )

    assert snapshot() == before


def test_it_refuses_a_module_request_without_a_module(build):
    with pytest.raises(ValidationError, match="active module"):
        services.nomination_request_submit(
            actor=build.nominator,
            nominee_name="Grace Mensah",
            nominee_github="gmensah",
            kind=NominationKind.MODULE_MAINTAINER,
            module=None,
            rationale="Reviews.",
        )

    assert not NominationRequest.objects.exists()


def make_request(build, **overrides) -> NominationRequest:
    values = {
        "actor": build.nominator,
        "nominee_name": "Grace Mensah",
        "nominee_github": "gmensah",
        "kind": NominationKind.MODULE_MAINTAINER,
        "module": build.module,
        "rationale": "Reviews most of the module's changes.",
    }
    return services.nomination_request_submit(**{**values, **overrides})


def test_it_takes_up_a_request_as_a_draft_with_a_new_person(build):
    request = make_request(build)

    nomination = services.nomination_request_take_up(actor=build.core1, request=request)

    person = Person.objects.get(github="gmensah")
    assert person.full_name == "Grace Mensah"
    assert person.user is None
    assert (nomination.nominee, nomination.status, nomination.request) == (
        person,
        Status.DRAFT,
        request,
    )
    assert list(nomination.nominators.all()) == [build.nominator]
    request.refresh_from_db()
    assert (request.status, request.triaged_by) == (RequestStatus.TAKEN_UP, build.core1)
    assert recipients(f"nomination-request-triaged:{request.pk}") == {"nominator"}


def test_it_rejects_a_request_with_a_reason_the_requester_sees(build):
    request = make_request(build)

    services.nomination_request_reject(
        actor=build.core1, request=request, reason="Ask again after a quarter of reviews."
    )

    request.refresh_from_db()
    assert (request.status, request.triage_reason) == (
        RequestStatus.REJECTED,
        "Ask again after a quarter of reviews.",
    )
    assert recipients(f"nomination-request-triaged:{request.pk}") == {"nominator"}
    assert [r.triage_reason for r in selectors.dashboard_for(build.nominator).my_requests] == [
        "Ask again after a quarter of reviews."
    ]
    assert not Nomination.objects.exists()


def test_it_refuses_a_rejection_without_a_reason(build):
    request = make_request(build)

    with pytest.raises(ValidationError):
        services.nomination_request_reject(actor=build.core1, request=request, reason="  ")

    request.refresh_from_db()
    assert request.status == RequestStatus.PENDING


def test_it_rejects_spam_in_one_click_without_notifying_anyone(build, outsider):
    request = make_request(build, actor=outsider)
    notifications = Notification.objects.count()

    services.nomination_request_reject(actor=build.core1, request=request, spam=True)

    request.refresh_from_db()
    assert (request.status, request.triage_reason) == (RequestStatus.SPAM, "")
    assert Notification.objects.count() == notifications
    assert not Nomination.objects.exists()


def test_it_refuses_to_triage_a_request_twice(build):
    request = make_request(build)
    services.nomination_request_reject(actor=build.core1, request=request, reason="Not yet.")
    before = snapshot()

    with pytest.raises(services.NominationError, match="already been triaged"):
        services.nomination_request_take_up(actor=build.core2, request=request)

    assert snapshot() == before


@pytest.mark.parametrize("name", OUTSIDE_THE_CORE_TEAM)
def test_it_lets_only_core_maintainers_triage(persona, build, name):
    request = make_request(build)
    before = snapshot()

    with pytest.raises(PermissionDenied):
        services.nomination_request_take_up(actor=persona(name), request=request)
    with pytest.raises(PermissionDenied):
        services.nomination_request_reject(actor=persona(name), request=request, spam=True)

    assert snapshot() == before


# Managing: only core maintainers -----------------------------------------------------------------


@pytest.mark.parametrize("name", [*OUTSIDE_THE_CORE_TEAM, "anonymous"])
def test_it_lets_only_core_maintainers_manage_a_nomination(persona, build, name):
    actor = persona(name)
    draft = build.draft(nominee=build.person("Kwame Asante", "kasante"))
    opened = build.opened(nominee=build.person("Lin Chen", "lchen"))
    closed = build.closed(passed=False, nominee=build.person("Sofia Rossi", "srossi"))
    attempts = [
        lambda: services.nomination_create(
            actor=actor,
            nominee=build.nominee.person,
            kind=NominationKind.CORE_REVIEWER,
            rationale="Reviews.",
        ),
        lambda: services.nomination_open(actor=actor, nomination=draft),
        lambda: services.evidence_invite(actor=actor, nomination=opened, users=[build.maintainer]),
        lambda: services.voting_open(actor=actor, nomination=opened),
        lambda: services.nomination_withdraw(actor=actor, nomination=opened, reason="No."),
        lambda: services.nomination_decide(
            actor=actor, nomination=closed, outcome=Outcome.DECLINED, reasons="No."
        ),
        lambda: services.feedback_save(
            actor=actor, nomination=closed, to_nominee="x", to_nominators="y"
        ),
    ]
    before = snapshot()

    for attempt in attempts:
        with pytest.raises(PermissionDenied):
            attempt()

    assert snapshot() == before


# Evidence ----------------------------------------------------------------------------------------


def test_it_keeps_the_history_of_an_edited_entry(build):
    nomination = build.opened(evidence=False)
    entry = services.evidence_add(
        actor=build.core1, nomination=nomination, criterion=Criterion.TRIAGE, body="First."
    )

    services.evidence_edit(actor=build.core1, entry=entry, criterion=Criterion.TRIAGE, body="Two.")
    services.evidence_edit(
        actor=build.core1, entry=entry, criterion=Criterion.QUALITY, body="Three."
    )

    entry.refresh_from_db()
    assert (entry.body, entry.criterion) == ("Three.", Criterion.QUALITY)
    assert entry.edited_at is not None
    assert list(entry.revisions.values_list("body", "criterion", "replaced_by")) == [
        ("Two.", Criterion.TRIAGE, build.core1.pk),
        ("First.", Criterion.TRIAGE, build.core1.pk),
    ]


@pytest.mark.parametrize("name", ["core2", "lead", "maintainer", "outsider"])
def test_it_lets_only_the_author_edit_an_entry(persona, build, name):
    nomination = build.opened(evidence=False)
    entry = services.evidence_add(
        actor=build.core1, nomination=nomination, criterion=Criterion.TRIAGE, body="Mine."
    )
    before = snapshot()

    with pytest.raises(PermissionDenied):
        services.evidence_edit(
            actor=persona(name), entry=entry, criterion=Criterion.TRIAGE, body="Changed."
        )

    assert snapshot() == before


def test_it_lets_an_invited_maintainer_edit_their_own_entry(build):
    nomination = build.opened(evidence=False)
    entry = services.evidence_add(
        actor=build.maintainer, nomination=nomination, criterion=Criterion.POSITIVE, body="Yes."
    )

    services.evidence_edit(
        actor=build.maintainer, entry=entry, criterion=Criterion.POSITIVE, body="Yes, strongly."
    )

    assert EvidenceEntry.objects.get(pk=entry.pk).body == "Yes, strongly."
    assert entry.revisions.count() == 1


def test_it_ignores_a_double_submitted_entry(build):
    nomination = build.opened(evidence=False)
    first = services.evidence_add(
        actor=build.core1, nomination=nomination, criterion=Criterion.TRIAGE, body="Weekly triage."
    )
    before = snapshot()

    again = services.evidence_add(
        actor=build.core1, nomination=nomination, criterion=Criterion.TRIAGE, body="Weekly triage."
    )

    assert again.pk == first.pk
    assert snapshot() == before


@pytest.mark.parametrize("body", ["", "   ", "x" * 20_001, "nul \x00 byte"])
def test_it_refuses_an_empty_oversized_or_binary_entry(build, body):
    nomination = build.opened(evidence=False)
    before = snapshot()

    with pytest.raises(ValidationError):
        services.evidence_add(
            actor=build.core1, nomination=nomination, criterion=Criterion.TRIAGE, body=body
        )

    assert snapshot() == before


@pytest.mark.parametrize("name", ["nominator", "nominee", "outsider", "staff"])
def test_it_refuses_evidence_from_anyone_not_invited(persona, build, name):
    nomination = build.opened(evidence=False)

    with pytest.raises(PermissionDenied):
        services.evidence_add(
            actor=persona(name), nomination=nomination, criterion=Criterion.POSITIVE, body="Hi."
        )

    assert not EvidenceEntry.objects.exists()


def test_it_refuses_evidence_once_the_nomination_is_decided(build):
    nomination = build.decided(outcome=Outcome.DECLINED)
    before = snapshot()

    with pytest.raises(PermissionDenied):
        services.evidence_add(
            actor=build.core1, nomination=nomination, criterion=Criterion.GENERAL, body="Late."
        )

    assert snapshot() == before


def test_it_invites_only_the_maintainers_of_the_module(build, outsider, core2):
    nomination = build.opened(evidence=False, nominee=build.person("Lin Chen", "lchen"))
    before = snapshot()

    for user in (outsider, build.nominator, core2):
        with pytest.raises(ValidationError, match="Only maintainers of"):
            services.evidence_invite(actor=build.core1, nomination=nomination, users=[user])

    assert snapshot() == before
    assert usernames(permissions.users_granted("nominations.view_evidence", nomination)) == {
        "maintainer"
    }


def test_it_invites_no_one_into_a_nomination_without_a_module(build):
    nomination = build.opened(evidence=False, kind=NominationKind.CORE_MAINTAINER)

    with pytest.raises(services.NominationError):
        services.evidence_invite(actor=build.core1, nomination=nomination, users=[build.maintainer])

    assert permissions.users_granted("nominations.view_evidence", nomination) == []


def test_it_lets_an_invited_maintainer_add_evidence_but_not_vote(build):
    nomination = build.voting(evidence=False)

    services.evidence_add(
        actor=build.maintainer, nomination=nomination, criterion=Criterion.POSITIVE, body="Yes."
    )
    with pytest.raises(PermissionDenied):
        services.ballot_cast(actor=build.maintainer, nomination=nomination, choice=Choice.APPROVE)

    assert EvidenceEntry.objects.filter(author=build.maintainer).count() == 1
    assert not Ballot.objects.exists()


# The electorate ----------------------------------------------------------------------------------


def test_it_freezes_the_electorate_when_voting_opens(build):
    nomination = build.voting()
    governance_services.role_grant(
        actor=build.lead, person=build.nominator.person, kind=RoleKind.CORE_MAINTAINER
    )
    newcomer = reloaded(build.nominator)
    assert permissions.is_core_maintainer(newcomer)

    with pytest.raises(PermissionDenied, match="not in the electorate"):
        services.ballot_cast(actor=newcomer, nomination=nomination, choice=Choice.APPROVE)

    assert not Ballot.objects.exists()
    assert usernames(e.user for e in nomination.electors.all()) == usernames(build.electorate)
    assert recipients(f"nomination-voting:{nomination.pk}") == usernames(build.electorate)


def test_it_always_recuses_the_nominee(build):
    nomination = build.voting(nominee=build.core2.person)

    elector = nomination.electors.get(user=build.core2)
    with pytest.raises(PermissionDenied):
        services.ballot_cast(actor=build.core2, nomination=nomination, choice=Choice.APPROVE)

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
        services.ballot_cast(actor=build.core3, nomination=nomination, choice=Choice.APPROVE)
    assert (elector.recused, elector.recusal_reason) == (True, "Same team as the nominee.")
    assert "core3" not in usernames(permissions.users_granted("nominations.vote", nomination))
    event = AuditEvent.objects.get(verb="nomination.elector_recused")
    assert (event.actor, event.target_id) == (build.core3, str(nomination.pk))
    build.vote(
        nomination, {user: Choice.APPROVE for user in build.electorate if user != build.core3}
    )
    nomination = fresh(nomination)
    assert nomination.status == Status.CLOSED  # everyone else voted
    assert nomination.tally.electorate == 5  # the recused still count


def test_it_refuses_a_recusal_after_voting(build):
    nomination = build.voting()
    build.vote(nomination, {build.core3: Choice.DECLINE})
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

    assert fresh(nomination).status == Status.OPEN
    assert not Elector.objects.exists()


def test_it_counts_quorum_against_the_whole_electorate_the_recused_included(build):
    nomination = build.voting(
        recused=dict.fromkeys((build.core2, build.core3, build.core4), "Conflict.")
    )

    build.vote(nomination, {build.lead: Choice.APPROVE, build.core1: Choice.APPROVE})

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

    assert fresh(nomination).status == Status.OPEN
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
    choices = [Choice.APPROVE] * approvals + [Choice.DECLINE] * (4 - approvals)

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

    for choice in (Choice.APPROVE, Choice.DECLINE, Choice.ABSTAIN):
        services.ballot_cast(actor=build.core1, nomination=nomination, choice=choice)

    ledger = list(
        Ballot.objects.filter(nomination=nomination)
        .order_by("sequence")
        .values_list("sequence", "choice", "superseded_at")
    )
    assert [(seq, choice) for seq, choice, _ in ledger] == [
        (1, Choice.APPROVE),
        (2, Choice.DECLINE),
        (3, Choice.ABSTAIN),
    ]
    assert [superseded is None for *_, superseded in ledger] == [False, False, True]
    assert live_ballots(nomination) == [("core1", Choice.ABSTAIN)]


def test_it_counts_a_changed_comment_as_a_new_cast(build):
    nomination = build.voting()

    services.ballot_cast(actor=build.core1, nomination=nomination, choice=Choice.APPROVE)
    services.ballot_cast(
        actor=build.core1, nomination=nomination, choice=Choice.APPROVE, comment="Overdue."
    )

    assert Ballot.objects.filter(nomination=nomination).count() == 2
    assert Ballot.objects.get(nomination=nomination, superseded_at__isnull=True).comment == (
        "Overdue."
    )


def test_it_changes_nothing_on_a_double_submitted_vote(build):
    nomination = build.voting()
    first = services.ballot_cast(
        actor=build.core1, nomination=nomination, choice=Choice.APPROVE, comment="Yes."
    )
    before = snapshot()

    again = services.ballot_cast(
        actor=build.core1, nomination=nomination, choice=Choice.APPROVE, comment=" Yes. "
    )

    assert again.pk == first.pk
    assert snapshot() == before


def test_it_refuses_a_vote_after_the_close(build):
    nomination = build.closed(passed=True)
    before = snapshot()

    with pytest.raises(services.NominationError, match="closed; your vote was not recorded"):
        services.ballot_cast(actor=build.core1, nomination=nomination, choice=Choice.DECLINE)

    assert snapshot() == before


def test_it_refuses_a_vote_after_the_deadline_before_the_scan_closes_it(build, clock):
    nomination = build.voting()
    services.ballot_cast(actor=build.core2, nomination=nomination, choice=Choice.APPROVE)
    clock.pass_deadline(nomination)
    before = snapshot()

    with pytest.raises(services.NominationError, match="deadline has passed"):
        services.ballot_cast(actor=build.core1, nomination=nomination, choice=Choice.APPROVE)

    assert snapshot() == before
    assert fresh(nomination).status == Status.VOTING


def test_it_refuses_a_vote_on_a_withdrawn_nomination(build):
    nomination = build.voting()
    services.nomination_withdraw(actor=build.lead, nomination=nomination, reason="Stepped back.")
    before = snapshot()

    with pytest.raises(services.NominationError):
        services.ballot_cast(actor=build.core1, nomination=nomination, choice=Choice.APPROVE)

    assert snapshot() == before


@pytest.mark.parametrize("name", [*OUTSIDE_THE_CORE_TEAM, "anonymous"])
def test_it_refuses_a_vote_from_outside_the_electorate(persona, build, name):
    nomination = build.voting()
    before = snapshot()

    with pytest.raises(PermissionDenied):
        services.ballot_cast(actor=persona(name), nomination=nomination, choice=Choice.APPROVE)

    assert snapshot() == before


@pytest.mark.parametrize(
    ("choice", "comment"), [("maybe", ""), ("", ""), (Choice.APPROVE, "x" * 2_001)]
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
    services.ballot_cast(actor=build.core2, nomination=nomination, choice=Choice.APPROVE)
    role = Role.objects.get(person=build.core2.person, kind=RoleKind.CORE_MAINTAINER)
    governance_services.role_make_emeritus(actor=build.lead, role=role, reason="Stepped down.")
    voter = build.core2 if same_object else reloaded(build.core2)

    with pytest.raises(PermissionDenied):
        services.ballot_cast(actor=voter, nomination=nomination, choice=Choice.DECLINE)

    assert live_ballots(nomination) == [("core2", Choice.APPROVE)]


# Closing ------------------------------------------------------------------------------------------


def test_it_closes_early_once_everyone_has_voted(build):
    nomination = build.voting()

    build.vote(nomination, dict.fromkeys(build.electorate[:-1], Choice.APPROVE))
    assert fresh(nomination).status == Status.VOTING
    build.vote(nomination, {build.electorate[-1]: Choice.DECLINE})

    nomination = fresh(nomination)
    assert nomination.status == Status.CLOSED
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
    build.vote(nomination, dict.fromkeys(build.electorate, Choice.APPROVE))
    assert fresh(nomination).status == Status.VOTING

    with pytest.raises(services.NominationError):
        services.voting_close(actor=build.lead, nomination=nomination)

    assert fresh(nomination).status == Status.VOTING
    assert not Tally.objects.exists()


def test_it_refuses_to_close_before_the_deadline_while_votes_are_missing(build):
    nomination = build.voting()
    build.vote(nomination, {build.core1: Choice.APPROVE})
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
    build.vote(nomination, {build.core1: Choice.APPROVE, build.core2: Choice.APPROVE})
    clock.pass_deadline(nomination)

    assert close_due_votes() == 1
    assert close_due_votes() == 0

    nomination = fresh(nomination)
    assert nomination.status == Status.CLOSED
    assert nomination.tally.closed_at == nomination.voting_closed_at
    assert (nomination.tally.approve, nomination.tally.quorum_met) == (2, False)
    assert fresh(other).status == Status.VOTING
    assert AuditEvent.objects.filter(verb="nomination.voting_closed").count() == 1


def test_it_returns_the_same_tally_when_closed_twice(build):
    nomination = build.closed(passed=True)

    tally = services.voting_close(actor=build.core1, nomination=nomination)

    assert tally == nomination.tally
    assert Tally.objects.count() == 1


def test_it_lets_a_core_maintainer_close_after_the_deadline(build, clock):
    nomination = build.voting()
    build.vote(nomination, {build.core1: Choice.APPROVE, build.core2: Choice.DECLINE})
    clock.pass_deadline(nomination)

    tally = services.voting_close(actor=build.core3, nomination=nomination)

    assert (tally.approve, tally.decline, tally.abstain, tally.electorate) == (1, 1, 0, 5)
    assert fresh(nomination).status == Status.CLOSED


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
    build.vote(nomination, {build.core1: Choice.APPROVE, build.core2: Choice.APPROVE})

    nomination = build.close(nomination)

    assert (nomination.tally.quorum_met, nomination.tally.passed) == (False, False)


def test_it_counts_abstentions_for_the_quorum_but_not_the_threshold(build, clock):
    nomination = build.voting()
    build.vote(
        nomination,
        {build.core1: Choice.APPROVE, build.core2: Choice.ABSTAIN, build.core3: Choice.ABSTAIN},
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
    choices = [Choice.APPROVE] * approve + [Choice.DECLINE] * decline
    build.vote(nomination, dict(zip(build.electorate, choices, strict=False)))

    nomination = build.close(nomination)

    assert (nomination.tally.approve, nomination.tally.decline) == (approve, decline)
    assert nomination.tally.passed is passed


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

    assert fresh(nomination).status == Status.CLOSED


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
    assert (nomination.status, nomination.outcome) == (Status.DECIDED, Outcome.DECLINED)
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
    assert (nomination.status, nomination.withdrawn_reason) == (Status.WITHDRAWN, "Stepped back.")
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
    build.vote(votes[0], {build.core1: Choice.APPROVE})
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
