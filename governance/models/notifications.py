"""The notification outbox and the emailed invitations to sign in."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from governance.models.people import Person


class NotificationChannel(models.TextChoices):
    EMAIL = "email", "Email"
    INBOX = "inbox", "In-app inbox"


class Notification(models.Model):
    """The outbox: one row per (event, recipient, channel). Sending marks `sent_at`; a rerun of
    the sender skips sent rows and the unique constraint refuses a duplicate event."""

    event_key = models.CharField(
        max_length=200, help_text="Names the event, e.g. role-granted:42, so a rerun adds nothing."
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    channel = models.CharField(max_length=10, choices=NotificationChannel.choices)
    subject = models.CharField(max_length=200)
    body = models.TextField()
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["event_key", "recipient", "channel"], name="notification_once_per_event"
            ),
            models.CheckConstraint(
                condition=Q(channel__in=NotificationChannel.values),
                name="notification_channel_valid",
            ),
        ]
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=Q(sent_at__isnull=True),
                name="notification_unsent_idx",
            ),
            models.Index(
                fields=["recipient", "channel", "-created_at"], name="notification_inbox_idx"
            ),
        ]

    def __str__(self) -> str:
        # The admin shows this to operators: the subject may name a nominee.
        return f"{self.get_channel_display()} to {self.recipient}: {self.event_key}"


class Invitation(models.Model):
    """An emailed invitation for someone on the roster without an account to sign in (with
    GitHub, as their handle) and read what waits for them at `url`. The link carries a signed
    token naming this row and its `nonce`; it works once, until `expires_at`."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="invitations")
    event_key = models.CharField(
        max_length=200, help_text="What it invites to, e.g. nomination-feedback:42."
    )
    url = models.CharField(max_length=300, help_text="The local page it leads to.")
    nonce = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "event_key"], name="invitation_once_per_event"
            ),
            models.CheckConstraint(
                condition=Q(expires_at__gt=F("created_at")), name="invitation_expires_later"
            ),
            models.CheckConstraint(
                condition=Q(accepted_at__isnull=True) | Q(accepted_by__isnull=False),
                name="invitation_accepted_by_someone",
            ),
        ]

    def __str__(self) -> str:
        return f"Invitation #{self.pk} for person #{self.person_id}: {self.event_key}"
