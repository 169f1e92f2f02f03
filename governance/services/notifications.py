"""The outbox and the inbox: notifications queued in a transaction, sent once after it."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone

from governance import permissions
from governance.celery import app as celery_app
from governance.models import (
    Notification,
    NotificationChannel,
)
from governance.services.base import require

# Notifications --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Message:
    """One event told to its recipients: an inbox entry each, and an email to those with one."""

    event_key: str
    recipients: Iterable
    subject: str
    body: str
    url: str = ""
    # Replaces the body in the inbox only, for text that may be read behind the sign-in but must
    # not travel by email.
    inbox_body: str = ""


# Emails per send task: a beat scan that reminds hundreds of voters publishes a few messages to
# the broker, not hundreds, and workers still share a large batch.
SEND_BATCH = 50


def notification_queue(
    *,
    event_key: str,
    recipients: Iterable,
    subject: str,
    body: str,
    url: str = "",
    inbox_body: str = "",
) -> list[Notification]:
    """Add one inbox entry and one email per recipient for this event, once.

    The inbox entry is delivered by being written. Emails go out after the transaction commits;
    if it rolls back, nothing is queued at all.
    """
    return notifications_queue(
        messages=[Message(event_key, recipients, subject, body, url=url, inbox_body=inbox_body)]
    )


def notifications_queue(
    *, messages: Iterable[Message], new_events: bool = False
) -> list[Notification]:
    """`notification_queue` for many events at once, in one insert and one read. `new_events`:
    the callers' event keys name rows written in this same transaction (a ballot's receipt),
    so none can have been queued before; the insert then returns the emails' ids, and the read
    is spared."""
    now = timezone.now()
    rows = []
    event_keys = []
    for message in messages:
        event_keys.append(message.event_key)
        for user in {user.pk: user for user in message.recipients if user is not None}.values():
            rows.append(
                Notification(
                    event_key=message.event_key,
                    recipient=user,
                    channel=NotificationChannel.INBOX,
                    subject=message.subject,
                    body=message.inbox_body or message.body,
                    url=message.url,
                    sent_at=now,
                )
            )
            if user.email:
                rows.append(
                    Notification(
                        event_key=message.event_key,
                        recipient=user,
                        channel=NotificationChannel.EMAIL,
                        subject=message.subject,
                        body=message.body,
                        url=message.url,
                    )
                )
    if not rows:
        return rows
    if new_events:
        Notification.objects.bulk_create(rows)
        created = [row.pk for row in rows if row.channel == NotificationChannel.EMAIL]
    else:
        Notification.objects.bulk_create(rows, ignore_conflicts=True)
        created = list(
            Notification.objects.filter(
                event_key__in=event_keys, channel=NotificationChannel.EMAIL, sent_at__isnull=True
            )
            .order_by("pk")
            .values_list("pk", flat=True)
        )
    for start in range(0, len(created), SEND_BATCH):
        # robust: a broker outage must not fail the committed request; the sweeper resends.
        transaction.on_commit(
            lambda ids=created[start : start + SEND_BATCH]: celery_app.send_task(
                "governance.tasks.notifications_send", args=[ids]
            ),
            robust=True,
        )
    return rows


def message_id(notification: Notification) -> str:
    """The same on every attempt at one email. A worker that dies after the mail server took the
    mail but before the commit sends it again on redelivery; mail clients show a message with an
    ID they already hold once."""
    return f"<notification-{notification.pk}@{urlsplit(settings.SITE_URL).hostname}>"


def notification_send(*, notification_id: int) -> bool:
    """Send one email of the outbox. True if this call sent it; a sent or locked row is skipped.

    The row stays locked while the mail is handed over, so two workers never both send it.
    """
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("recipient")
            .filter(pk=notification_id, sent_at__isnull=True, channel=NotificationChannel.EMAIL)
            .first()
        )
        if notification is None:
            return False
        notification.attempts += 1
        link = f"\n\n{settings.SITE_URL}{notification.url}" if notification.url else ""
        email = EmailMessage(
            subject=notification.subject,
            body=notification.body + link,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[notification.recipient.email],
            headers={"Message-ID": message_id(notification)},
        )
        try:
            email.send()
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
    require(permissions.can_read_own_inbox(actor), "Sign in to read your inbox.")
    return Notification.objects.filter(
        recipient=actor, channel=NotificationChannel.INBOX, read_at__isnull=True
    ).update(read_at=timezone.now())
