"""Requests, drafting, evidence: everything before the vote."""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables

from governance import permissions
from governance import services as governance_services
from governance.models import (
    Module,
    ModuleStatus,
    Person,
    Role,
    RoleKind,
    RoleStatus,
    validate_github_handle,
)
from governance.selectors import core_maintainer_users
from governance.services import audit_record, notification_queue
from governance.services.base import require, save_validated
from nominations.errors import NominationError
from nominations.models import (
    ENDING_KINDS,
    GRANTING_KINDS,
    MODULE_KINDS,
    Criterion,
    EvidenceEntry,
    EvidenceRevision,
    Nomination,
    NominationRequest,
    NominationStatus,
    RequestStatus,
)
from nominations.services.common import (
    EVIDENCE_PERMISSIONS,
    clean_text,
    invited_users,
    locked,
    notify,
    touch,
)
from nominations.services.consent import consent_ask
from nominations.voting_rules import policy_for_nomination

# Intake ---------------------------------------------------------------------------------------


@sensitive_variables()
@transaction.atomic
def nomination_request_submit(
    *,
    actor,
    nominee_name: str,
    nominee_github: str,
    kind: str,
    module: Module | None,
    rationale: str,
) -> NominationRequest:
    require(permissions.can_submit_nomination_request(actor), "Sign in to request a nomination.")
    request = NominationRequest(
        requester=actor,
        nominee_name=clean_text(nominee_name, field="nominee_name", limit=200),
        nominee_github=_valid_handle(nominee_github),
        kind=kind,
        module=module if kind in MODULE_KINDS else None,
        rationale=clean_text(rationale, field="rationale"),
    )
    if kind in MODULE_KINDS and (module is None or module.status != ModuleStatus.ACTIVE):
        raise ValidationError({"module": "Choose the active module this nomination is for."})
    if kind in ENDING_KINDS:
        raise ValidationError(
            {"kind": "Moves to emeritus and removals are raised by the core team."}
        )
    save_validated(request)
    audit_record(actor=actor, verb="nomination_request.submitted", target=request)
    notification_queue(
        event_key=f"nomination-request:{request.pk}",
        recipients=core_maintainer_users(),
        subject="A new nomination request is waiting for triage",
        body=f"{actor.get_username()} asked the core maintainers to consider a nomination.",
        url="/nominations/",
    )
    return request


def _valid_handle(handle: str) -> str:
    handle = handle.strip()
    try:
        validate_github_handle(handle)
    except ValidationError as error:
        raise ValidationError({"nominee_github": error.messages}) from None
    return handle


def _pending_request(request: NominationRequest) -> NominationRequest:
    request = NominationRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != RequestStatus.PENDING:
        raise NominationError("This request has already been triaged.")
    return request


@sensitive_variables()
@transaction.atomic
def nomination_request_take_up(*, actor, request: NominationRequest) -> Nomination:
    require(
        permissions.can_triage_request(actor, request),
        "Only core maintainers triage requests, and none about themselves.",
    )
    request = _pending_request(request)
    nominee = Person.objects.filter(github__iexact=request.nominee_github).first()
    if nominee is None:
        nominee = governance_services.person_create(
            actor=actor, full_name=request.nominee_name, github=request.nominee_github
        )
    nomination = nomination_create(
        actor=actor,
        nominee=nominee,
        kind=request.kind,
        module=request.module,
        nominators=[request.requester],
        rationale=request.rationale,
        request=request,
    )
    request.status = RequestStatus.TAKEN_UP
    request.triaged_by = actor
    request.triaged_at = timezone.now()
    request.save(update_fields=["status", "triaged_by", "triaged_at"])
    audit_record(actor=actor, verb="nomination_request.taken_up", target=request)
    notification_queue(
        event_key=f"nomination-request-triaged:{request.pk}",
        recipients=[request.requester],
        subject="Your nomination request was taken up",
        body="The core maintainers took up your nomination request and will gather evidence.",
        url="/nominations/",
    )
    return nomination


@sensitive_variables()
@transaction.atomic
def nomination_request_reject(
    *, actor, request: NominationRequest, reason: str = "", spam: bool = False
) -> NominationRequest:
    require(
        permissions.can_triage_request(actor, request),
        "Only core maintainers triage requests, and none about themselves.",
    )
    request = _pending_request(request)
    request.status = RequestStatus.SPAM if spam else RequestStatus.REJECTED
    request.triage_reason = "" if spam else clean_text(reason, field="reason", limit=5_000)
    request.triaged_by = actor
    request.triaged_at = timezone.now()
    request.save(update_fields=["status", "triage_reason", "triaged_by", "triaged_at"])
    audit_record(actor=actor, verb=f"nomination_request.{request.status}", target=request)
    if not spam:
        notification_queue(
            event_key=f"nomination-request-triaged:{request.pk}",
            recipients=[request.requester],
            subject="Your nomination request was not taken up",
            body="The core maintainers gave a reason; it is on your nominations page.",
            url="/nominations/",
        )
    return request


# Drafting and evidence ------------------------------------------------------------------------


@sensitive_variables()
@transaction.atomic
def nomination_create(
    *,
    actor,
    nominee: Person,
    kind: str,
    rationale: str,
    nominators: Iterable = (),
    module: Module | None = None,
    ending_role: Role | None = None,
    request: NominationRequest | None = None,
) -> Nomination:
    require(permissions.can_manage_nominations(actor), "Only core maintainers draft nominations.")
    if kind in MODULE_KINDS and (module is None or module.status != ModuleStatus.ACTIVE):
        raise ValidationError({"module": "Choose the active module this nomination is for."})
    if kind in ENDING_KINDS:
        if ending_role is None or ending_role.person_id != nominee.pk:
            raise ValidationError({"ending_role": "Choose one of the nominee's active roles."})
        if ending_role.status != RoleStatus.ACTIVE:
            raise ValidationError({"ending_role": "This role has already ended."})
        module = ending_role.module
    elif kind not in MODULE_KINDS:
        module = None
    granted_kind = GRANTING_KINDS.get(kind)
    if (
        granted_kind
        and Role.objects.filter(
            person=nominee, kind=granted_kind, module=module, status=RoleStatus.ACTIVE
        ).exists()
    ):
        raise ValidationError(f"{nominee.full_name} already holds this role.")
    nomination = Nomination(
        nominee=nominee,
        kind=kind,
        module=module,
        ending_role=ending_role if kind in ENDING_KINDS else None,
        rationale=clean_text(rationale, field="rationale"),
        request=request,
        created_by=actor,
    )
    save_validated(nomination)
    nomination.nominators.set([user for user in nominators if user is not None] or [actor])
    audit_record(actor=actor, verb="nomination.created", target=nomination, data={"kind": kind})
    return nomination


@transaction.atomic
def nomination_open(*, actor, nomination: Nomination) -> Nomination:
    require(
        permissions.can_manage_nomination(actor, nomination),
        "Only core maintainers open nominations.",
    )
    nomination = locked(nomination)
    if nomination.status != NominationStatus.DRAFT:
        raise NominationError("Only a draft can be opened for evidence.")
    touch(nomination, status=NominationStatus.OPEN)
    audit_record(actor=actor, verb="nomination.opened", target=nomination)
    notify(
        nomination,
        "opened",
        core_maintainer_users() + invited_users(nomination),
        f"Nomination open for evidence: {nomination.heading}",
        "A nomination is open for evidence. Read it and add what you know.",
    )
    if nomination.nominee.user_id and policy_for_nomination(nomination).nominee_consent:
        consent_ask(nomination)
    return nomination


@transaction.atomic
def evidence_invite(*, actor, nomination: Nomination, users: Iterable) -> list:
    """Invite maintainers of the nominee's module to read and add to the evidence thread."""
    require(
        permissions.can_manage_nomination(actor, nomination),
        "Only core maintainers invite evidence.",
    )
    nomination = locked(nomination)
    if not nomination.is_live:
        raise NominationError("This nomination is no longer gathering evidence.")
    if nomination.module_id is None:
        raise NominationError("Only nominations to a module invite its maintainers.")
    users = list(users)
    maintainers = set(
        Role.objects.filter(
            module=nomination.module,
            kind=RoleKind.MODULE_MAINTAINER,
            status=RoleStatus.ACTIVE,
            person__user__isnull=False,
        ).values_list("person__user", flat=True)
    )
    outside = [user.get_username() for user in users if user.pk not in maintainers]
    if outside:
        raise ValidationError(
            f"Only maintainers of {nomination.module.name} can be invited: {', '.join(outside)}."
        )
    invited = [user for user in users if user.pk != nomination.nominee.user_id]
    for user in invited:
        for perm in EVIDENCE_PERMISSIONS:
            permissions.grant_object_permission(perm, user, nomination)
    audit_record(
        actor=actor,
        verb="nomination.evidence_invited",
        target=nomination,
        data={"users": [user.pk for user in invited]},
    )
    if nomination.status != NominationStatus.DRAFT:
        notify(
            nomination,
            "invited",
            invited,
            f"You are invited to give evidence: {nomination.heading}",
            "The core maintainers ask for your support or testimonial on a nomination to your "
            "module. Only the core maintainers and invited maintainers read the thread.",
        )
    return invited


@sensitive_variables()
@transaction.atomic
def evidence_add(*, actor, nomination: Nomination, criterion: str, body: str) -> EvidenceEntry:
    nomination = locked(nomination)
    require(permissions.can_add_evidence(actor, nomination), "You may not add evidence here.")
    if criterion not in Criterion.values:
        raise ValidationError({"criterion": "Choose one of the criteria."})
    body = clean_text(body, field="body")
    latest = EvidenceEntry.objects.filter(nomination=nomination, author=actor).last()
    if latest is not None and latest.body == body and latest.criterion == criterion:
        return latest
    entry = EvidenceEntry(nomination=nomination, author=actor, criterion=criterion)
    entry.set_body(body)
    entry.save()
    touch(nomination)
    audit_record(actor=actor, verb="evidence.added", target=nomination, data={"entry": entry.pk})
    return entry


@sensitive_variables()
@transaction.atomic
def evidence_edit(*, actor, entry: EvidenceEntry, criterion: str, body: str) -> EvidenceEntry:
    entry = EvidenceEntry.objects.select_for_update().select_related("nomination").get(pk=entry.pk)
    require(permissions.can_edit_evidence(actor, entry), "Only its author may edit this entry.")
    body = clean_text(body, field="body")
    if criterion not in Criterion.values:
        raise ValidationError({"criterion": "Choose one of the criteria."})
    if body == entry.body and criterion == entry.criterion:
        return entry
    EvidenceRevision.objects.create(
        entry=entry, body=entry.body, criterion=entry.criterion, replaced_by=actor
    )
    entry.set_body(body)
    entry.criterion = criterion
    entry.edited_at = timezone.now()
    entry.save(update_fields=["body", "body_html", "criterion", "edited_at"])
    audit_record(
        actor=actor, verb="evidence.edited", target=entry.nomination, data={"entry": entry.pk}
    )
    return entry
