"""People, modules and roles: every state change of the roster."""

import datetime
from collections.abc import Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.views.decorators.debug import sensitive_variables

from governance import permissions
from governance.models import (
    DEFAULT_INACTIVITY_MONTHS,
    Module,
    ModuleGroup,
    ModuleStatus,
    Person,
    Role,
    RoleKind,
    RoleStatus,
    TaxonomyRevision,
)
from governance.services.base import apply_changes, audit_record, require, save_validated
from governance.services.notifications import notification_queue

PERSON_FIELDS = ("full_name", "github", "email", "affiliation", "user")
MODULE_FIELDS = (
    "name",
    "slug",
    "description",
    "group",
    "group_name",
    "includes",
    "path_patterns",
    "position",
    "inactivity_months",
)


# People ---------------------------------------------------------------------------------------


@transaction.atomic
def person_create(
    *,
    actor,
    full_name: str,
    github: str = "",
    email: str = "",
    affiliation: str = "",
    user=None,
) -> Person:
    require(permissions.can_manage_roster(actor), "You may not add people to the roster.")
    person = Person(
        full_name=full_name.strip(),
        github=github.strip(),
        email=email.strip(),
        affiliation=affiliation.strip(),
        user=user,
    )
    save_validated(person)
    audit_record(actor=actor, verb="person.created", target=person, data={"github": person.github})
    return person


@transaction.atomic
def person_update(*, actor, person: Person, data: dict) -> Person:
    require(permissions.can_manage_roster(actor), "You may not change people on the roster.")
    person = Person.objects.select_for_update().get(pk=person.pk)
    changes = apply_changes(person, data, PERSON_FIELDS)
    if changes:
        save_validated(person)
        audit_record(actor=actor, verb="person.updated", target=person, data=changes)
    return person


# Modules --------------------------------------------------------------------------------------


@transaction.atomic
def module_create(
    *,
    actor,
    name: str,
    slug: str,
    group: str = ModuleGroup.CORE,
    group_name: str = "",
    description: str = "",
    includes: str = "",
    path_patterns: str = "",
    position: int | None = None,
    inactivity_months: int = DEFAULT_INACTIVITY_MONTHS,
) -> Module:
    require(permissions.can_manage_roster(actor), "You may not add modules.")
    module = Module(
        name=name.strip(),
        slug=slug,
        group=group,
        group_name=group_name.strip(),
        description=description,
        includes=includes.strip(),
        path_patterns=path_patterns,
        position=position,
        inactivity_months=inactivity_months,
    )
    save_validated(module)
    audit_record(actor=actor, verb="module.created", target=module, data={"slug": module.slug})
    return module


@transaction.atomic
def module_update(*, actor, module: Module, data: dict) -> Module:
    require(permissions.can_change_module(actor, module), "You may not change this module.")
    module = Module.objects.select_for_update().get(pk=module.pk)
    if module.status != ModuleStatus.ACTIVE:
        raise ValidationError("A retired module is history; it cannot be changed.")
    if "slug" in data and data["slug"] != module.slug:
        raise ValidationError(
            {
                "slug": "A module's address changes only by renaming it in a taxonomy revision, "
                "which keeps the old address working."
            }
        )
    restricted = {"name", "group"} & set(data)
    if restricted and not permissions.can_manage_roster(actor):
        raise PermissionDenied("Renaming or regrouping a module is a taxonomy revision.")
    changes = apply_changes(module, data, MODULE_FIELDS)
    if changes:
        save_validated(module)
        audit_record(actor=actor, verb="module.updated", target=module, data=changes)
    return module


# Roles ----------------------------------------------------------------------------------------


def _role_title(kind: str, module: Module | None) -> str:
    label = RoleKind(kind).label
    return f"{label} of {module.name}" if module is not None else label


def role_open(*, actor, person: Person, kind: str, module: Module | None, started_on) -> Role:
    """Record a new active role: the step under `role_grant` and revisions, which have
    already asked for permission."""
    role = Role(person=person, kind=kind, module=module, started_on=started_on)
    save_validated(role)
    audit_record(
        actor=actor,
        verb="role.granted",
        target=role,
        data={"person": person.pk, "kind": kind, "module": module.pk if module else None},
    )
    return role


@transaction.atomic
def role_grant(
    *,
    actor,
    person: Person,
    kind: str,
    module: Module | None = None,
    started_on: datetime.date | None = None,
) -> Role:
    require(permissions.can_manage_roster(actor), "You may not grant roles.")
    role = role_open(
        actor=actor,
        person=person,
        kind=kind,
        module=module,
        started_on=started_on or timezone.localdate(),
    )
    title = _role_title(kind, module)
    notification_queue(
        event_key=f"role-granted:{role.pk}",
        recipients=[person.user] if person.user_id else [],
        subject=f"You are now {title}",
        body=(
            f"Welcome, {person.full_name}: from {date_format(role.started_on)} you are {title}.\n"
            "Your roles are listed on your page of the roster."
        ),
        url=person.get_absolute_url(),
    )
    return role


# What the roster says of a role moved to emeritus, whatever reason the core maintainers noted.
EMERITUS_PUBLIC_REASON = "Moved to emeritus."


def role_close(
    *,
    actor,
    role: Role,
    ended_on: datetime.date,
    reason: str,
    public_reason: str,
    verb: str,
    revision: TaxonomyRevision | None = None,
) -> Role:
    """End `role`. `reason` is the core maintainers' own note; `public_reason` is what the
    roster shows, a fixed wording, never text someone typed."""
    if role.status != RoleStatus.ACTIVE:
        raise ValidationError("This role has already ended.")
    role.status = RoleStatus.EMERITUS
    role.ended_on = ended_on
    role.end_reason = reason
    role.public_end_reason = public_reason
    role.ended_by_revision = revision
    save_validated(role)
    audit_record(actor=actor, verb=verb, target=role, data={"public_reason": public_reason})
    return role


@transaction.atomic
def role_make_emeritus(
    *,
    actor,
    role: Role,
    reason: str,
    ended_on: datetime.date | None = None,
    public_reason: str = EMERITUS_PUBLIC_REASON,
) -> Role:
    require(permissions.can_manage_roster(actor), "You may not retire roles.")
    if not reason.strip():
        raise ValidationError("Give the reason for moving this role to emeritus.")
    # of=("self",): PostgreSQL cannot lock the nullable side of the outer join to module.
    role = (
        Role.objects.select_for_update(of=("self",))
        .select_related("person", "module")
        .get(pk=role.pk)
    )
    return role_close(
        actor=actor,
        role=role,
        ended_on=ended_on or timezone.localdate(),
        reason=reason.strip(),
        public_reason=public_reason,
        verb="role.emeritus",
    )


MAX_BULK_ROLES = 500


@sensitive_variables()
@transaction.atomic
def roles_make_emeritus(
    *, actor, roles: Sequence[Role], reason: str, ended_on: datetime.date | None = None
) -> list[Role]:
    """Move every one of `roles` to emeritus, or none: one decision, one transaction. Each role
    gets its own audit event with the reason, as a single move would."""
    require(permissions.can_manage_roster(actor), "You may not retire roles.")
    if not reason.strip():
        raise ValidationError("Give the reason for moving these roles to emeritus.")
    return [
        role_make_emeritus(actor=actor, role=role, reason=reason, ended_on=ended_on)
        for role in roles_locked_active(roles)
    ]


def roles_locked_active(roles: Sequence[Role], *, limit: int = MAX_BULK_ROLES) -> list[Role]:
    """Lock `roles` for a bulk change, in a fixed order, or refuse if any has ended: a bulk
    decision applies to all of them or to none."""
    ids = sorted({role.pk for role in roles})
    if not ids:
        raise ValidationError("Choose at least one role.")
    if len(ids) > limit:
        raise ValidationError(f"Choose at most {limit} roles at once.")
    locked = list(
        Role.objects.select_for_update(of=("self",))
        .select_related("person", "module")
        .filter(pk__in=ids)
        .order_by("pk")
    )
    ended = [role for role in locked if role.status != RoleStatus.ACTIVE]
    if len(locked) != len(ids) or ended:
        names = ", ".join(str(role) for role in ended) or "a role that no longer exists"
        raise ValidationError(f"These roles have already ended: {names}.")
    return locked
