"""The nomination services from a request to the evidence: intake, triage, who manages, the evidence
thread. Each refusal is checked for what it leaves behind: nothing stored, nothing queued.
"""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError

from governance import permissions
from governance.models import (
    AuditEvent,
    Notification,
    Person,
    Role,
    RoleKind,
    RoleStatus,
)
from nominations import dashboard_selectors, services
from nominations.models import (
    Ballot,
    BallotChoice,
    Criterion,
    EvidenceEntry,
    Nomination,
    NominationKind,
    NominationRequest,
    NominationStatus,
    Outcome,
    RequestStatus,
)
from tests.nominations.conftest import (
    fresh,
)
from tests.nominations.helpers import (
    OUTSIDE_THE_CORE_TEAM,
    recipients,
    snapshot,
    usernames,
)

pytestmark = pytest.mark.django_db


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
        services.ballot_cast(actor=voter, nomination=nomination, choice=BallotChoice.APPROVE)
    services.nomination_decide(
        actor=build.core2, nomination=nomination, outcome=Outcome.ACCEPTED, reasons="Unanimous."
    )
    services.feedback_save(
        actor=build.core2, nomination=nomination, to_nominee="Welcome.", to_nominators="Thanks."
    )
    # The nominee is new to the roster, with no account or email: a core maintainer says how.
    services.feedback_release(
        actor=build.core2, nomination=nomination, other_channel="By video call."
    )
    services.announcement_release(actor=build.lead, nomination=nomination)

    nomination = fresh(nomination)
    assert (nomination.status, nomination.outcome) == (NominationStatus.DECIDED, Outcome.ACCEPTED)
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
    assert nomination.status == NominationStatus.DRAFT


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
        NominationStatus.DRAFT,
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
    assert [
        r.triage_reason for r in dashboard_selectors.dashboard_for(build.nominator).my_requests
    ] == ["Ask again after a quarter of reviews."]
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
        services.ballot_cast(
            actor=build.maintainer, nomination=nomination, choice=BallotChoice.APPROVE
        )

    assert EvidenceEntry.objects.filter(author=build.maintainer).count() == 1
    assert not Ballot.objects.exists()
