"""Invitations: an email with a signed, single-use, expiring link, for someone on the roster
who has no account yet, to sign in and read what waits for them. The email carries no private
text: only that something waits, and the link."""

import datetime
import secrets

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from governance import permissions
from governance.celery import app as celery_app
from governance.models import Invitation, Person
from governance.services.base import audit_record
from governance.services.notifications import MAX_ATTEMPTS, STUCK_AFTER

INVITATION_LIFETIME = datetime.timedelta(days=30)
TOKEN_SALT = "governance.invitation"


def invitation_token(invitation: Invitation) -> str:
    return signing.dumps({"id": invitation.pk, "nonce": invitation.nonce}, salt=TOKEN_SALT)


def invitation_from_token(token: str) -> Invitation | None:
    """The invitation a link names while it may still be used: signed by this site, younger
    than its lifetime, its nonce the row's, not used yet. None otherwise. One query."""
    try:
        data = signing.loads(token, salt=TOKEN_SALT, max_age=INVITATION_LIFETIME)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("id"), int):
        return None
    invitation = (
        Invitation.objects.select_related("person")
        .filter(pk=data["id"], accepted_at__isnull=True, expires_at__gt=timezone.now())
        .first()
    )
    if invitation is None or not secrets.compare_digest(invitation.nonce, str(data["nonce"])):
        return None
    return invitation


@transaction.atomic
def invitation_create(*, actor, person: Person, event_key: str, url: str) -> Invitation:
    """Invite `person` by email, once per event; the email goes out after the commit."""
    if not person.email:
        raise PermissionDenied("There is no email address to send an invitation to.")
    now = timezone.now()
    invitation, created = Invitation.objects.get_or_create(
        person=person,
        event_key=event_key,
        defaults={
            "url": url,
            "nonce": secrets.token_urlsafe(32),
            "created_at": now,
            "expires_at": now + INVITATION_LIFETIME,
        },
    )
    if created:
        audit_record(
            actor=actor, verb="invitation.created", target=invitation, data={"event": event_key}
        )
        transaction.on_commit(
            lambda: celery_app.send_task("governance.tasks.invitation_send", args=[invitation.pk]),
            robust=True,
        )
    return invitation


def invitation_send(*, invitation_id: int) -> bool:
    """Email one invitation; True if this call sent it. Locked while the mail is handed over,
    so two workers never both send it."""
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("person")
            .filter(pk=invitation_id, sent_at__isnull=True)
            .first()
        )
        if invitation is None or not invitation.person.email:
            return False
        invitation.attempts += 1
        # Named by its URL name: the accounts app, which serves it, is above this one.
        link = settings.SITE_URL + reverse("invitation_accept", args=[invitation_token(invitation)])
        email = EmailMessage(
            subject=f"Something is waiting for you on {settings.SITE_NAME}",
            body=(
                "The core maintainers have something for you to read. Sign in with your GitHub "
                f"account (@{invitation.person.github}) through this link to read it:\\n\\n"
                f"{link}\\n\\nThe link works once, until "
                f"{invitation.expires_at:%B %-d, %Y}."
            ),
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[invitation.person.email],
        )
        try:
            email.send()
        except OSError as error:
            invitation.last_error = str(error)[:1000]
            invitation.save(update_fields=["attempts", "last_error"])
            return False
        invitation.sent_at = timezone.now()
        invitation.last_error = ""
        invitation.save(update_fields=["attempts", "last_error", "sent_at"])
        return True


@transaction.atomic
def invitation_accept(*, actor, invitation: Invitation) -> Invitation:
    """Spend the invitation: only the person it invites, signed in, and only once."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not permissions.can_accept_invitation(actor, invitation):
        raise PermissionDenied(
            "This invitation is for someone else. Sign in with the GitHub account it names."
        )
    if invitation.accepted_at is not None:
        raise PermissionDenied("This invitation was already used.")
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = actor
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    audit_record(actor=actor, verb="invitation.accepted", target=invitation)
    return invitation


def invitations_stuck() -> list[int]:
    """Invitations that should have gone out by now: made a while ago and still unsent."""
    return list(
        Invitation.objects.filter(
            sent_at__isnull=True,
            attempts__lt=MAX_ATTEMPTS,
            created_at__lt=timezone.now() - STUCK_AFTER,
            expires_at__gt=timezone.now(),
        )
        .order_by("created_at")
        .values_list("pk", flat=True)[:500]
    )
