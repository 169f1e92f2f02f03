"""What every service shares: the permission gate, validated saves and the audit log."""

import datetime
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction

from governance import public_cache, repository_sync
from governance.models import (
    AuditEvent,
)
from governance.services.webhooks import site_link, webhook_event_queue


def require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def actor_label(actor) -> str:
    return actor.get_username() if actor is not None else "system"


def audit_label(target: models.Model) -> str:
    """What the audit log calls `target`. Operators read the log in the admin and may not read
    private text, so a label carries ids and public words only: a model says what those are in
    its `audit_label()`, and any other model is "<verbose name> #<pk>"."""
    own_label = getattr(target, "audit_label", None)
    if callable(own_label):
        return own_label()[:300]
    return f"{target._meta.verbose_name} #{target.pk}"[:300]


# Audit verbs that change who maintains what, as the public roster shows it.
ROSTER_SUBJECTS = frozenset({"role", "module", "taxonomy", "roster"})


def audit_record(*, actor, verb: str, target: models.Model, data: dict | None = None) -> AuditEvent:
    # Every state change passes here, so no service can forget to refresh the public pages or
    # to tell the webhooks that the roster changed.
    if public_cache.shows_on_public_pages(verb):
        public_cache.public_pages_changed()
    if repository_sync.alters_repository_files(verb):
        repository_sync.mark_due()
    event = AuditEvent.objects.create(
        actor=actor,
        actor_label=actor_label(actor),
        verb=verb,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        target_label=audit_label(target),
        data=data or {},
    )
    if verb.split(".", 1)[0] in ROSTER_SUBJECTS:
        # The verb and the public roster's address only: the audit data may be private.
        webhook_event_queue(
            event_type="roster.changed",
            event_key=f"roster.changed:{event.pk}",
            data={"change": verb, "roster_url": site_link("/")},
            text=f"The maintainer roster changed ({verb}): {site_link('/')}",
        )
    return event


def jsonable(value: Any) -> Any:
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def save_validated(instance: models.Model) -> None:
    """Validate the fields, then save; the database enforces the constraints.

    Asking the database before every save whether a constraint holds would cost a query or two
    per constraint (a conditional unique constraint builds an expression per field to check its
    condition), on every save, for a rare refusal that the database makes anyway. The same goes
    for a unique field's value, and for a related row that the instance holds as read from the
    database. So a refused save is explained afterwards: a unique field or constraint that the
    instance violates is reported as validation would have reported it (on its field, with its
    message), and any other violation, a race included, as a ValidationError with the
    constraint's own message."""
    instance.full_clean(
        exclude=_rows_read_from_the_database(instance),
        validate_unique=False,
        validate_constraints=False,
    )
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError as error:
        if errors := _unique_errors(instance):
            raise ValidationError(errors) from None
        raise _constraint_error(instance, error) from None


def _rows_read_from_the_database(instance: models.Model) -> list[str]:
    """The instance's foreign keys that hold a row read from the database, with no condition on
    the rows they may point to: validating one would only ask whether that row exists."""
    return [
        field.name
        for field in instance._meta.concrete_fields
        if field.many_to_one or field.one_to_one
        if field.is_cached(instance)
        and (related := field.get_cached_value(instance)) is not None
        and not related._state.adding
        and related.pk is not None
        and related.pk == getattr(instance, field.attname)
        and not field.get_limit_choices_to()
        and not field.validators
    ]


def _unique_errors(instance: models.Model) -> dict[str, list]:
    """What validation would have said of each unique field and unique constraint the instance
    violates, all of them together, as full_clean() says it."""
    errors: dict[str, list] = {}
    try:
        instance.validate_unique()
    except ValidationError as refused:
        errors = refused.update_error_dict(errors)
    for constraint in instance._meta.constraints:
        if not isinstance(constraint, models.UniqueConstraint):
            continue
        try:
            constraint.validate(type(instance), instance)
        except ValidationError as error:
            # Where Model.validate_constraints would put it, so that forms show it the same way.
            one_field = error.code == "unique" and len(constraint.fields) == 1
            key = constraint.fields[0] if one_field else NON_FIELD_ERRORS
            errors.setdefault(key, []).extend(error.error_list)
    return errors


def _violated_constraint_name(error: IntegrityError) -> str:
    """PostgreSQL names the constraint in the error's diagnostics; SQLite in its message."""
    diagnostics = getattr(error.__cause__, "diag", None)
    if name := getattr(diagnostics, "constraint_name", None):
        return name
    message = str(error)
    for prefix in ("CHECK constraint failed: ", "UNIQUE constraint failed: "):
        if message.startswith(prefix):
            return message.removeprefix(prefix).strip()
    return ""


def _constraint_error(instance: models.Model, error: IntegrityError) -> ValidationError:
    name = _violated_constraint_name(error)
    for constraint in instance._meta.constraints:
        if constraint.name == name:
            message = constraint.get_violation_error_message()
            return ValidationError(
                {NON_FIELD_ERRORS: [ValidationError(message, code="constraint")]}
            )
    return ValidationError(f"This change conflicts with an existing record ({error}).")


def apply_changes(instance: models.Model, data: dict, allowed: Sequence[str]) -> dict:
    unknown = set(data) - set(allowed)
    if unknown:
        raise ValidationError(f"These fields cannot be changed here: {', '.join(sorted(unknown))}.")
    changes = {}
    for name, value in data.items():
        old = getattr(instance, name)
        if old != value:
            changes[name] = {"from": jsonable(old), "to": jsonable(value)}
            setattr(instance, name, value)
    return changes


def clean_text(value: str, *, field: str, limit: int, required: bool = True) -> str:
    """Text a person typed, trimmed and bounded; a clear error names the field otherwise."""
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({field: "This cannot be empty."})
    if len(value) > limit:
        raise ValidationError({field: f"Keep this under {limit:,} characters ({len(value):,})."})
    if "\x00" in value:
        raise ValidationError({field: "This text contains a NUL character."})
    return value
