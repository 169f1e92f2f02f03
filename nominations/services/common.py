"""Helpers shared by the nomination services: permission, text and locking rules."""

from collections.abc import Iterable

from django.utils import timezone

from governance import permissions
from governance.services import Message, base, notifications_queue
from nominations.models import (
    EVIDENCE_MAX_LENGTH,
    Elector,
    Nomination,
)

VOTE_PERMISSION = "nominations.vote"
EVIDENCE_PERMISSIONS = ("nominations.view_evidence", "nominations.add_evidence")


def clean_text(value: str, *, field: str, limit: int = EVIDENCE_MAX_LENGTH, required: bool = True):
    return base.clean_text(value, field=field, limit=limit, required=required)


def locked(nomination: Nomination) -> Nomination:
    return (
        Nomination.objects.select_for_update(of=("self",))
        .select_related("nominee", "module", "ending_role")
        .get(pk=nomination.pk)
    )


def touch(nomination: Nomination, **fields) -> None:
    for name, value in fields.items():
        setattr(nomination, name, value)
    nomination.updated_at = timezone.now()
    nomination.save(update_fields=[*fields, "updated_at"])


def invited_users(nomination: Nomination) -> list:
    return permissions.users_granted("nominations.view_evidence", nomination)


def revoke_votes(nomination: Nomination) -> None:
    """End the vote for its electors (at the close or a withdrawal): their vote grants go, and
    no one's vote is awaited any more."""
    electors = list(Elector.objects.filter(nomination=nomination).select_related("user"))
    permissions.revoke_object_permission_from_users(
        VOTE_PERMISSION, [elector.user for elector in electors], nomination
    )
    awaited = [elector.pk for elector in electors if elector.awaiting_vote]
    if awaited:
        Elector.objects.filter(pk__in=awaited).update(awaiting_vote=False)


def notify(
    nomination: Nomination,
    event: str,
    recipients: Iterable,
    subject: str,
    body: str,
    *,
    new_event: bool = False,
):
    """Tell the people who work on a nomination; never its nominee, who hears only through the
    feedback and the announcement. `new_event`: see `notifications_queue`'s `new_events`."""
    notify_many([(nomination, event, recipients, subject, body)], new_events=new_event)


def notify_many(
    notices: Iterable[tuple[Nomination, str, Iterable, str, str]], *, new_events: bool = False
) -> None:
    """`notify` for many nominations at once: one insert into the outbox."""
    notifications_queue(
        new_events=new_events,
        messages=[
            Message(
                event_key=f"nomination-{event}:{nomination.pk}",
                recipients=[user for user in recipients if user.pk != nomination.affected_user_id],
                subject=subject,
                body=body,
                url=nomination.get_absolute_url(),
            )
            for nomination, event, recipients, subject, body in notices
        ],
    )
