"""Privacy requests: a person asks the project to forget them.

What goes: the personal data the application holds about them. Their name, GitHub handle, email
and affiliation on the roster; their account's username, names, email and password (the account
is deactivated and signed out everywhere); their recorded repository activity; their lines in the
imported persons_of_interest's layout; their inbox and unsent emails; every permission and object-level grant the account held; their name in the
labels of the audit log.

What stays, because the committee's record must stay countable: nominations of them, the ballots
they cast, the evidence they wrote, decisions and tallies. Those rows keep pointing at the same
person and account rows, which now read "Former maintainer #<id>", so every page that names them
shows that instead, and the hash-chained ballot ledger (which covers the voter's id, not their
name) still verifies on a recount.

What is not rewritten: free text that people wrote (evidence, rationales, feedback, private
meeting notes, the nominee's name typed into a nomination request) is the committee's private
record, seen only by core maintainers and the people it was addressed to; and published minutes
are immutable public snapshots that name maintainers in their public role. Removing a name from
published minutes is done by publishing a corrected version, as any correction is.
"""

from dataclasses import dataclass
from importlib import import_module

from django.apps import apps
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.auth import SESSION_KEY
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from guardian.models import UserObjectPermissionBase

from governance import layouts, permissions
from governance.models import (
    AuditEvent,
    ExportSettings,
    Notification,
    Person,
    PersonActivity,
    RoleStatus,
)
from governance.services.base import audit_record, require, save_validated

# The session stores whose every session is a row of the database (cached_db also keeps a copy
# in the cache, which its own delete removes).
DATABASE_SESSION_ENGINES = frozenset(
    {
        "django.contrib.sessions.backends.db",
        "django.contrib.sessions.backends.cached_db",
        "governance.sessions",
    }
)


def anonymised_name(person: Person) -> str:
    return f"Former maintainer #{person.pk}"


def anonymised_username(user) -> str:
    return f"anonymised-{user.pk}"


@dataclass(frozen=True)
class Anonymisation:
    person: Person
    already_done: bool = False
    grants_removed: int = 0
    notifications_removed: int = 0
    sessions_ended: int = 0


@transaction.atomic
def person_anonymise(*, actor, person: Person) -> Anonymisation:
    """Replace a person's personal data with placeholders and close their account, keeping every
    row that a count or a ledger depends on. Running it again changes nothing."""
    require(permissions.can_anonymise_person(actor), "Only the site's operators anonymise people.")
    # of=("self",): PostgreSQL cannot lock the nullable side of the outer join to the account.
    person = Person.objects.select_for_update(of=("self",)).select_related("user").get(pk=person.pk)
    if person.full_name == anonymised_name(person):
        return Anonymisation(person=person, already_done=True)
    if person.roles.filter(status=RoleStatus.ACTIVE).exists():
        raise ValidationError(
            "This person still holds active roles; move them to emeritus first, so the roster "
            "does not list an anonymous maintainer."
        )
    old_name, old_handle, user = person.full_name, person.github, person.user

    # The handle becomes empty, not a placeholder: any string the check constraint accepts is a
    # handle someone can register on GitHub, and exports would hand them the person's paths.
    person.full_name = anonymised_name(person)
    person.github = ""
    person.email = ""
    person.affiliation = ""
    save_validated(person)
    PersonActivity.objects.filter(person=person).delete()
    _forget_in_imported_layout(full_name=old_name, github=old_handle)

    grants = notifications = sessions = 0
    if user is not None:
        grants, notifications, sessions = _close_account(user)
    _scrub_audit_labels(person=person, user=user)
    audit_record(
        actor=actor,
        verb="person.anonymised",
        target=person,
        data={
            "account": user.pk if user is not None else None,
            "grants_removed": grants,
            "notifications_removed": notifications,
            "sessions_ended": sessions,
        },
    )
    return Anonymisation(
        person=person,
        grants_removed=grants,
        notifications_removed=notifications,
        sessions_ended=sessions,
    )


def _forget_in_imported_layout(*, full_name: str, github: str) -> None:
    """The imported persons_of_interest's lines that name the person go too."""
    settings_row = ExportSettings.objects.select_for_update().filter(pk=ExportSettings.SINGLETON_PK).first()  # fmt: skip
    if settings_row is None or not settings_row.persons_layout:
        return
    layout = layouts.without_person(settings_row.persons_layout, full_name=full_name, github=github)
    if layout != settings_row.persons_layout:
        settings_row.persons_layout = layout
        settings_row.save(update_fields=["persons_layout"])


def _close_account(user) -> tuple[int, int, int]:
    """Deactivate and scrub the account; drop its grants, notifications and sessions. The row
    itself stays: ballots, electors and evidence point at it."""
    user = type(user).objects.select_for_update().get(pk=user.pk)
    user.username = anonymised_username(user)
    user.first_name = user.last_name = user.email = ""
    user.is_active = user.is_staff = user.is_superuser = False
    user.set_unusable_password()  # also voids every session's auth hash
    user.save()
    user.groups.clear()
    user.user_permissions.clear()
    grants = 0
    # guardian's generic table and every direct-foreign-key table, whichever app defines it.
    for model in apps.get_models():
        if issubclass(model, UserObjectPermissionBase):
            grants += model.objects.filter(user=user).delete()[0]
    permissions.forget_cached_access(user)
    notifications = Notification.objects.filter(recipient=user).delete()[0]
    return grants, notifications, _end_sessions(user)


def _end_sessions(user) -> int:
    if settings.SESSION_ENGINE not in DATABASE_SESSION_ENGINES:
        return 0  # other stores end with the auth hash the new password voided
    store = import_module(settings.SESSION_ENGINE).SessionStore
    ended = [
        session.pk
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if session.get_decoded().get(SESSION_KEY) == str(user.pk)
    ]
    for session_key in ended:
        store(session_key).delete()
    return len(ended)


def _scrub_audit_labels(*, person: Person, user) -> None:
    """The audit log (and the admin's history) keeps who did what to which row (ids and verbs);
    the names copied into it are personal data and go. These are the only updates the log ever
    takes. Its target labels name no one (`audit_label`); the actor's label is a username, and
    the data of changes to the person holds the old values."""
    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Person), object_id=str(person.pk)
    ).update(object_repr=str(person), change_message="")
    events = AuditEvent.objects.all()
    if user is not None:
        events.filter(actor=user).update(actor_label=anonymised_username(user))
    events.filter(target_type=Person._meta.label_lower, target_id=str(person.pk)).update(data={})
