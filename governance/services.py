"""Every state change of the roster, the audit log and the outbox.

Each service is keyword-only and atomic, takes `actor=` (a user, or None for the system itself),
asks `governance.permissions` before it acts, writes an audit event, and queues notifications to
be sent once the transaction commits.
"""

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.formats import date_format

from governance import permissions
from governance.celery import app as celery_app
from governance.models import (
    AuditEvent,
    Module,
    ModuleGroup,
    ModuleStatus,
    Notification,
    NotificationChannel,
    Person,
    Role,
    RoleKind,
    RoleStatus,
    TaxonomyChange,
    TaxonomyOperation,
    TaxonomyRevision,
)

PERSON_FIELDS = ("full_name", "github", "email", "affiliation", "user")
MODULE_FIELDS = ("name", "slug", "description", "group", "includes", "path_patterns")


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def _actor_label(actor) -> str:
    return actor.get_username() if actor is not None else "system"


def audit_record(*, actor, verb: str, target: models.Model, data: dict | None = None) -> AuditEvent:
    return AuditEvent.objects.create(
        actor=actor,
        actor_label=_actor_label(actor),
        verb=verb,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        target_label=str(target)[:300],
        data=data or {},
    )


def _jsonable(value: Any) -> Any:
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def _save_validated(instance: models.Model) -> None:
    """Validate against model and database rules, then save; a race that slips past validation
    still meets the constraint, and comes back as the same kind of error."""
    instance.full_clean()
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError as error:
        raise ValidationError(f"This change conflicts with an existing record ({error}).") from None


def _apply_changes(instance: models.Model, data: dict, allowed: Sequence[str]) -> dict:
    unknown = set(data) - set(allowed)
    if unknown:
        raise ValidationError(f"These fields cannot be changed here: {', '.join(sorted(unknown))}.")
    changes = {}
    for name, value in data.items():
        old = getattr(instance, name)
        if old != value:
            changes[name] = {"from": _jsonable(old), "to": _jsonable(value)}
            setattr(instance, name, value)
    return changes


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
    _require(permissions.can_manage_roster(actor), "You may not add people to the roster.")
    person = Person(
        full_name=full_name.strip(),
        github=github.strip(),
        email=email.strip(),
        affiliation=affiliation.strip(),
        user=user,
    )
    _save_validated(person)
    audit_record(actor=actor, verb="person.created", target=person, data={"github": person.github})
    return person


@transaction.atomic
def person_update(*, actor, person: Person, data: dict) -> Person:
    _require(permissions.can_manage_roster(actor), "You may not change people on the roster.")
    person = Person.objects.select_for_update().get(pk=person.pk)
    changes = _apply_changes(person, data, PERSON_FIELDS)
    if changes:
        _save_validated(person)
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
    description: str = "",
    includes: str = "",
    path_patterns: str = "",
) -> Module:
    _require(permissions.can_manage_roster(actor), "You may not add modules.")
    module = Module(
        name=name.strip(),
        slug=slug,
        group=group,
        description=description,
        includes=includes.strip(),
        path_patterns=path_patterns,
    )
    _save_validated(module)
    audit_record(actor=actor, verb="module.created", target=module, data={"slug": module.slug})
    return module


@transaction.atomic
def module_update(*, actor, module: Module, data: dict) -> Module:
    _require(permissions.can_change_module(actor, module), "You may not change this module.")
    module = Module.objects.select_for_update().get(pk=module.pk)
    if module.status != ModuleStatus.ACTIVE:
        raise ValidationError("A retired module is history; it cannot be changed.")
    restricted = {"name", "slug", "group"} & set(data)
    if restricted and not permissions.can_manage_roster(actor):
        raise PermissionDenied("Renaming or regrouping a module is a taxonomy revision.")
    changes = _apply_changes(module, data, MODULE_FIELDS)
    if changes:
        _save_validated(module)
        audit_record(actor=actor, verb="module.updated", target=module, data=changes)
    return module


# Roles ----------------------------------------------------------------------------------------


def _role_title(kind: str, module: Module | None) -> str:
    label = RoleKind(kind).label
    return f"{label} of {module.name}" if module is not None else label


def _role_create(*, actor, person: Person, kind: str, module: Module | None, started_on) -> Role:
    if module is not None and module.status != ModuleStatus.ACTIVE:
        raise ValidationError(f"{module.name} is retired; roles are granted on active modules.")
    role = Role(person=person, kind=kind, module=module, started_on=started_on)
    _save_validated(role)
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
    _require(permissions.can_manage_roster(actor), "You may not grant roles.")
    role = _role_create(
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


def _role_end(
    *,
    actor,
    role: Role,
    ended_on: datetime.date,
    reason: str,
    verb: str,
    revision: TaxonomyRevision | None = None,
) -> Role:
    if role.status != RoleStatus.ACTIVE:
        raise ValidationError("This role has already ended.")
    role.status = RoleStatus.EMERITUS
    role.ended_on = ended_on
    role.end_reason = reason
    role.ended_by_revision = revision
    _save_validated(role)
    audit_record(actor=actor, verb=verb, target=role, data={"reason": reason})
    return role


@transaction.atomic
def role_make_emeritus(
    *, actor, role: Role, reason: str, ended_on: datetime.date | None = None
) -> Role:
    _require(permissions.can_manage_roster(actor), "You may not retire roles.")
    if not reason.strip():
        raise ValidationError("Give the reason for moving this role to emeritus.")
    role = Role.objects.select_for_update().select_related("person", "module").get(pk=role.pk)
    return _role_end(
        actor=actor,
        role=role,
        ended_on=ended_on or timezone.localdate(),
        reason=reason.strip(),
        verb="role.emeritus",
    )


# Taxonomy revisions ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ModuleAdd:
    name: str
    slug: str
    group: str = ModuleGroup.CORE
    includes: str = ""
    description: str = ""
    path_patterns: str = ""


@dataclass(frozen=True)
class ModuleRename:
    module: Module
    name: str
    slug: str = ""
    includes: str | None = None


@dataclass(frozen=True)
class ModuleMerge:
    """Fold `sources` into `into` (an existing module, or one added by the same revision, named
    by slug). The sources retire and their active maintainers and reviewers move across."""

    sources: Sequence[Module]
    into: str


@dataclass(frozen=True)
class ModuleSplit:
    """Divide `source` among `into` (slugs). `assignments` maps a person's pk to the slugs they
    land in; a person it does not name lands in every part."""

    source: Module
    into: Sequence[str]
    assignments: dict[int, Sequence[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class ModuleSunset:
    module: Module


TaxonomyStep = ModuleAdd | ModuleRename | ModuleMerge | ModuleSplit | ModuleSunset


class _Revision:
    """Applies steps in order inside one transaction; any failure rolls back every step."""

    def __init__(self, *, actor, revision: TaxonomyRevision) -> None:
        self.actor = actor
        self.revision = revision
        self.by_slug: dict[str, Module] = {}

    def module(self, slug: str) -> Module:
        if slug not in self.by_slug:
            try:
                self.by_slug[slug] = Module.objects.select_for_update().get(
                    slug=slug, status=ModuleStatus.ACTIVE
                )
            except Module.DoesNotExist:
                raise ValidationError(f"No active module has the slug {slug!r}.") from None
        return self.by_slug[slug]

    def locked(self, module: Module) -> Module:
        return self.module(module.slug)

    def record(self, operation: str, module: Module, **extra) -> None:
        TaxonomyChange.objects.create(
            revision=self.revision, operation=operation, module=module, **extra
        )

    def add(self, step: ModuleAdd) -> None:
        module = Module(
            name=step.name.strip(),
            slug=step.slug,
            group=step.group,
            includes=step.includes.strip(),
            description=step.description,
            path_patterns=step.path_patterns,
        )
        _save_validated(module)
        self.by_slug[module.slug] = module
        self.record(TaxonomyOperation.ADD, module)

    def rename(self, step: ModuleRename) -> None:
        module = self.locked(step.module)
        previous = {
            "previous_name": module.name,
            "previous_slug": module.slug,
            "previous_includes": module.includes,
        }
        module.name = step.name.strip()
        if step.slug and step.slug != module.slug:
            del self.by_slug[module.slug]
            module.slug = step.slug
        if step.includes is not None:
            module.includes = step.includes.strip()
        _save_validated(module)
        self.by_slug[module.slug] = module
        self.record(TaxonomyOperation.RENAME, module, **previous)

    def move_roles(self, source: Module, targets_for: dict[int, list[Module]]) -> None:
        """End each active role of `source` and open the same role in the person's targets."""
        roles = Role.objects.select_for_update().filter(module=source, status=RoleStatus.ACTIVE)
        for role in roles.select_related("person"):
            targets = targets_for.get(role.person_id, targets_for.get(0, []))
            names = ", ".join(target.name for target in targets) or "no successor"
            _role_end(
                actor=self.actor,
                role=role,
                ended_on=self.revision.decided_on,
                reason=f"{source.name} was reorganised into {names} ({self.revision.title}).",
                verb="role.moved",
                revision=self.revision,
            )
            for target in targets:
                already = Role.objects.filter(
                    person=role.person, kind=role.kind, module=target, status=RoleStatus.ACTIVE
                ).exists()
                if not already:
                    _role_create(
                        actor=self.actor,
                        person=role.person,
                        kind=role.kind,
                        module=target,
                        started_on=self.revision.decided_on,
                    )

    def retire(self, module: Module) -> None:
        module.status = ModuleStatus.RETIRED
        module.save(update_fields=["status"])
        del self.by_slug[module.slug]

    def merge(self, step: ModuleMerge) -> None:
        target = self.module(step.into)
        if not step.sources:
            raise ValidationError("A merge needs at least one module to fold in.")
        for source in step.sources:
            source = self.locked(source)
            if source.pk == target.pk:
                raise ValidationError(f"{source.name} cannot be merged into itself.")
            self.move_roles(source, {0: [target]})
            self.retire(source)
            self.record(TaxonomyOperation.MERGE, target, source=source)

    def split(self, step: ModuleSplit) -> None:
        source = self.locked(step.source)
        if len(step.into) < 2:
            raise ValidationError(f"A split of {source.name} needs at least two parts.")
        targets = [self.module(slug) for slug in step.into]
        if source in targets:
            raise ValidationError(f"{source.name} cannot be one of its own parts.")
        by_slug = {target.slug: target for target in targets}
        targets_for: dict[int, list[Module]] = {0: targets}
        for person_id, slugs in step.assignments.items():
            unknown = [slug for slug in slugs if slug not in by_slug]
            if unknown:
                raise ValidationError(f"{', '.join(unknown)} is not a part of this split.")
            targets_for[person_id] = [by_slug[slug] for slug in slugs]
        self.move_roles(source, targets_for)
        self.retire(source)
        for target in targets:
            self.record(TaxonomyOperation.SPLIT, target, source=source)

    def sunset(self, step: ModuleSunset) -> None:
        module = self.locked(step.module)
        if module.group == ModuleGroup.SUNSETTED:
            raise ValidationError(f"{module.name} is already sunsetted.")
        module.group = ModuleGroup.SUNSETTED
        module.save(update_fields=["group"])
        self.record(TaxonomyOperation.SUNSET, module)

    def apply(self, step: TaxonomyStep) -> None:
        handlers = {
            ModuleAdd: self.add,
            ModuleRename: self.rename,
            ModuleMerge: self.merge,
            ModuleSplit: self.split,
            ModuleSunset: self.sunset,
        }
        handler = handlers.get(type(step))
        if handler is None:
            raise ValidationError(f"Unknown taxonomy step: {step!r}.")
        handler(step)


@transaction.atomic
def taxonomy_revise(
    *,
    actor,
    title: str,
    reason: str,
    decided_on: datetime.date,
    steps: Sequence[TaxonomyStep],
) -> TaxonomyRevision:
    """Add, rename, merge, split and sunset modules as one change, carrying maintainers across."""
    _require(permissions.can_manage_roster(actor), "You may not revise the module taxonomy.")
    if not steps:
        raise ValidationError("A taxonomy revision needs at least one step.")
    revision = TaxonomyRevision(
        title=title.strip(), reason=reason.strip(), decided_on=decided_on, created_by=actor
    )
    revision.full_clean()
    revision.save()
    applier = _Revision(actor=actor, revision=revision)
    for step in steps:
        applier.apply(step)
    audit_record(
        actor=actor,
        verb="taxonomy.revised",
        target=revision,
        data={"steps": [type(step).__name__ for step in steps]},
    )
    return revision


# Notifications --------------------------------------------------------------------------------


def notification_queue(
    *, event_key: str, recipients: Iterable, subject: str, body: str, url: str = ""
) -> list[Notification]:
    """Add one inbox entry and one email per recipient for this event, once.

    The inbox entry is delivered by being written. Emails go out after the transaction commits;
    if the transaction rolls back, nothing is queued at all.
    """
    now = timezone.now()
    rows = []
    for user in {user.pk: user for user in recipients if user is not None}.values():
        rows.append(
            Notification(
                event_key=event_key,
                recipient=user,
                channel=NotificationChannel.INBOX,
                subject=subject,
                body=body,
                url=url,
                sent_at=now,
            )
        )
        if user.email:
            rows.append(
                Notification(
                    event_key=event_key,
                    recipient=user,
                    channel=NotificationChannel.EMAIL,
                    subject=subject,
                    body=body,
                    url=url,
                )
            )
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    created = list(
        Notification.objects.filter(
            event_key=event_key, channel=NotificationChannel.EMAIL, sent_at__isnull=True
        ).values_list("pk", flat=True)
    )
    for pk in created:
        # robust: a broker outage must not fail the committed request; the sweeper resends.
        transaction.on_commit(
            lambda pk=pk: celery_app.send_task("governance.tasks.notification_send", args=[pk]),
            robust=True,
        )
    return rows


def notification_send(*, notification_id: int) -> bool:
    """Send one email of the outbox. True if this call sent it; a sent or locked row is skipped.

    The row stays locked while the mail is handed over, so two workers never both send it.
    """
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(skip_locked=True)
            .select_related("recipient")
            .filter(pk=notification_id, sent_at__isnull=True, channel=NotificationChannel.EMAIL)
            .first()
        )
        if notification is None:
            return False
        notification.attempts += 1
        link = f"\n\n{settings.SITE_URL}{notification.url}" if notification.url else ""
        try:
            send_mail(
                subject=notification.subject,
                message=notification.body + link,
                from_email=settings.DEFAULT_FROM_EMAIL,
                recipient_list=[notification.recipient.email],
            )
        except OSError as error:
            notification.last_error = str(error)[:1000]
            notification.save(update_fields=["attempts", "last_error"])
            return False
        notification.sent_at = timezone.now()
        notification.last_error = ""
        notification.save(update_fields=["attempts", "last_error", "sent_at"])
        return True


STUCK_AFTER = datetime.timedelta(minutes=2)
MAX_ATTEMPTS = 10


def notifications_stuck() -> list[int]:
    """Emails that should have gone out by now: queued a while ago and still unsent."""
    return list(
        Notification.objects.filter(
            channel=NotificationChannel.EMAIL,
            sent_at__isnull=True,
            attempts__lt=MAX_ATTEMPTS,
            created_at__lt=timezone.now() - STUCK_AFTER,
        )
        .order_by("created_at")
        .values_list("pk", flat=True)[:500]
    )


@transaction.atomic
def inbox_mark_all_read(*, actor) -> int:
    _require(permissions.can_read_own_inbox(actor), "Sign in to read your inbox.")
    return Notification.objects.filter(
        recipient=actor, channel=NotificationChannel.INBOX, read_at__isnull=True
    ).update(read_at=timezone.now())
