"""Removal nominations raised in one step from the inactive maintainers' report."""

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import transaction
from django.views.decorators.debug import sensitive_variables

from governance import permissions
from governance.models import Role
from governance.services import audit_record
from governance.services.base import require
from governance.services.roster import roles_locked_active
from nominations.models import LIVE_STATUSES, Nomination, NominationKind
from nominations.services.common import (
    clean_text,
)
from nominations.services.intake import nomination_create

MAX_ROLES = 200


@dataclass
class RemovalBatch:
    created: list[Nomination] = field(default_factory=list)
    already_nominated: list[Role] = field(default_factory=list)


@sensitive_variables()
@transaction.atomic
def nominations_for_inactive(*, actor, roles: Sequence[Role], rationale: str) -> RemovalBatch:
    """Draft one removal nomination for each role, with the same rationale. A role that already
    has a live removal or emeritus nomination is reported, not nominated twice."""
    require(
        permissions.can_open_removal_nominations(actor),
        "Only core maintainers open removal nominations.",
    )
    rationale = clean_text(rationale, field="rationale")
    locked = roles_locked_active(roles, limit=MAX_ROLES)
    live = Nomination.objects.filter(
        nominee__in={role.person_id for role in locked},
        kind__in=[NominationKind.REMOVAL, NominationKind.EMERITUS],
        status__in=LIVE_STATUSES,
    )
    pending_roles = {nomination.ending_role_id for nomination in live}
    # One live removal per person and module: a maintainer who is also a reviewer there gets one.
    pending_places = {
        (nomination.nominee_id, nomination.module_id)
        for nomination in live
        if nomination.kind == NominationKind.REMOVAL
    }
    batch = RemovalBatch()
    for role in locked:
        place = (role.person_id, role.module_id)
        if role.pk in pending_roles or place in pending_places:
            batch.already_nominated.append(role)
            continue
        pending_places.add(place)
        batch.created.append(
            nomination_create(
                actor=actor,
                nominee=role.person,
                kind=NominationKind.REMOVAL,
                rationale=rationale,
                nominators=[actor],
                ending_role=role,
            )
        )
    for nomination in batch.created:
        audit_record(
            actor=actor,
            verb="nomination.raised_for_inactivity",
            target=nomination,
            data={"role": nomination.ending_role_id},
        )
    return batch
