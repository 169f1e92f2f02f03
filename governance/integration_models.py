"""What the site owes outside services, kept so that a crash or a retry never posts twice: one
row per forum topic (with the topic id once it exists) and one per webhook delivery (with the id
every attempt at it carries). Imported by governance.models, so Django registers them there.

They name other apps' objects by a plain `subject_key` ("minutes:12", "announcement:5"), as the
governance app may not import the apps above it.
"""

from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from integrations.webhooks import secret_new


class ForumTopic(models.Model):
    """One Discourse topic: its first post shows `raw` at `revision`; `synced_revision` is the
    revision the forum last confirmed. `next_attempt_at` is when the sweep tries again; None
    means nothing is due (synced, or refused until someone retries by hand)."""

    subject_key = models.CharField(max_length=100, unique=True)
    title = models.CharField(max_length=255)
    raw = models.TextField(help_text="The public text of the first post, exactly as posted.")
    revision = models.PositiveIntegerField(default=1)
    synced_revision = models.PositiveIntegerField(default=0)
    topic_id = models.BigIntegerField(null=True, blank=True, unique=True)
    post_id = models.BigIntegerField(null=True, blank=True)
    topic_url = models.URLField(max_length=500, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    synced_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(synced_revision__lte=F("revision")),
                name="forum_topic_synced_at_most_current",
            ),
            models.CheckConstraint(
                condition=Q(topic_id__isnull=True, post_id__isnull=True)
                | Q(topic_id__isnull=False, post_id__isnull=False),
                name="forum_topic_and_first_post_together",
            ),
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(next_attempt_at__isnull=False),
                name="forum_topic_due_idx",
            )
        ]

    def __str__(self) -> str:
        return f"Forum topic for {self.subject_key}"

    @property
    def external_id(self) -> str:
        """Our own id for the topic on the forum, so a retried create finds the first one."""
        return "governance-" + self.subject_key.replace(":", "-")


class ForumReply(models.Model):
    """A short reply saying what changed, posted once after the first post is edited.
    `marker` is text of the reply that the forum's rendering keeps, so a retry can see it."""

    topic = models.ForeignKey(ForumTopic, on_delete=models.CASCADE, related_name="replies")
    revision = models.PositiveIntegerField()
    raw = models.TextField()
    marker = models.CharField(max_length=200)
    posted_at = models.DateTimeField(null=True, blank=True)
    post_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["topic", "revision"]
        constraints = [
            models.UniqueConstraint(fields=["topic", "revision"], name="forum_reply_once"),
        ]

    def __str__(self) -> str:
        return f"Reply {self.revision} on {self.topic}"


class WebhookEvent(models.TextChoices):
    MINUTES_PUBLISHED = "minutes.published", "Minutes published"
    MINUTES_RETRACTED = "minutes.retracted", "Minutes retracted"
    ANNOUNCEMENT_RELEASED = "announcement.released", "Announcement released"
    ROSTER_CHANGED = "roster.changed", "Roster changed"


class WebhookFormat(models.TextChoices):
    EVENT = "event", "JSON event (Standard Webhooks)"
    CHAT = "chat", "Chat message (Slack, Zulip slack_incoming, Discord /slack)"


def all_events() -> list[str]:
    return list(WebhookEvent.values)


class WebhookEndpoint(models.Model):
    """Configured by the operators in the admin. Disabled by the site after
    `DISABLE_AFTER` failed attempts in a row; re-enabled by hand."""

    name = models.CharField(max_length=100)
    url = models.URLField(max_length=500)
    secret = models.CharField(
        max_length=100,
        default=secret_new,
        help_text="Give this to the receiver: it checks each delivery's signature with it.",
    )
    events = models.JSONField(default=all_events, help_text="Which events it receives.")
    payload_format = models.CharField(
        max_length=10, choices=WebhookFormat.choices, default=WebhookFormat.EVENT
    )
    enabled = models.BooleanField(default=True)
    consecutive_failures = models.PositiveIntegerField(default=0)
    disabled_reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(payload_format__in=WebhookFormat.values),
                name="webhook_endpoint_format_valid",
            ),
            models.CheckConstraint(
                condition=Q(secret__startswith="whsec_"), name="webhook_endpoint_secret_shape"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    DELIVERED = "delivered", "Delivered"
    FAILED = "failed", "Failed"


class WebhookDelivery(models.Model):
    """One event for one endpoint: the exact body, sent with the same `message_id` on every
    attempt, so a receiver that saw it drops a repeat."""

    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    event_type = models.CharField(max_length=40, choices=WebhookEvent.choices)
    event_key = models.CharField(max_length=200)
    message_id = models.CharField(max_length=60, unique=True)
    body = models.TextField()
    status = models.CharField(
        max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveIntegerField(default=0)
    last_status_code = models.PositiveIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = "webhook deliveries"
        constraints = [
            models.UniqueConstraint(
                fields=["endpoint", "event_key"], name="webhook_delivery_once_per_event"
            ),
            models.CheckConstraint(
                condition=Q(status__in=DeliveryStatus.values), name="webhook_delivery_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(event_type__in=WebhookEvent.values),
                name="webhook_delivery_event_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status="delivered") | Q(delivered_at__isnull=False),
                name="webhook_delivery_delivered_when",
            ),
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status="pending"),
                name="webhook_delivery_due_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.event_type} to {self.endpoint}"
