"""Minutes and announcements as Discourse topics, exactly once.

An app that publishes something public calls `forum_topic_publish` inside its own transaction
with the public text; nothing is written when Discourse is not configured. After the commit a
task calls `forum_topic_sync`, which brings the forum up to the row: it finds the topic by our
`external_id` (or creates it with that id), edits the first post to the current text, and posts
each reply not yet posted. Every step is safe to repeat: a worker killed after the forum created
the topic but before our commit finds it again by its external id, and a reply already posted is
recognised by its marker, so a retry edits and never creates a second topic or reply.

A refusal (a bad key, a 4xx) is kept as `last_error` and not retried by itself, so a wrong key
does not hammer the forum; core maintainers see it and retry with `forum_topic_retry` once it is
fixed. A failure that may pass (5xx, a timeout, a 429) is retried by the sweep with backoff.
"""

import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from governance import permissions, public_cache
from governance.celery import app as celery_app
from governance.integration_models import ForumReply, ForumTopic
from governance.services.backoff import retry_delay
from governance.services.base import audit_record, require
from integrations.discourse import (
    DiscourseClient,
    DiscourseConfig,
    DiscourseError,
    DiscourseRejected,
)

logger = logging.getLogger(__name__)

# A queued sync that has not finished this long after it was queued is picked up by the sweep.
SWEEP_AFTER = retry_delay(1)
MAX_AUTOMATIC_ATTEMPTS = 10


def discourse_config() -> DiscourseConfig | None:
    """The forum's settings, or None while it is not configured (the integration is off)."""
    values = (
        settings.DISCOURSE_URL,
        settings.DISCOURSE_API_KEY,
        settings.DISCOURSE_API_USERNAME,
        settings.DISCOURSE_CATEGORY,
    )
    if not all(values):
        return None
    return DiscourseConfig(*values, timeout=settings.INTEGRATIONS_TIMEOUT_SECONDS)


def _queue_sync(topic: ForumTopic) -> None:
    # robust: a broker outage must not fail the committed publication; the sweep retries.
    transaction.on_commit(
        lambda: celery_app.send_task("governance.tasks.forum_topic_sync", args=[topic.pk]),
        robust=True,
    )


def forum_topic_publish(
    *, subject_key: str, title: str, raw: str, reply: str = "", reply_marker: str = ""
) -> ForumTopic | None:
    """Make the forum show `raw` as the first post of the subject's topic, and, for a change
    to a topic that exists, post `reply` once. Called inside the publishing service's
    transaction, with public text only."""
    if discourse_config() is None:
        return None
    now = timezone.now()
    topic, created = ForumTopic.objects.select_for_update().get_or_create(
        subject_key=subject_key,
        defaults={"title": title[:255], "raw": raw, "next_attempt_at": now + SWEEP_AFTER},
    )
    if not created:
        topic.revision += 1
        topic.raw = raw
        topic.next_attempt_at = now + SWEEP_AFTER
        topic.attempts = 0
        topic.save(update_fields=["revision", "raw", "next_attempt_at", "attempts"])
        if reply:
            ForumReply.objects.create(
                topic=topic, revision=topic.revision, raw=reply, marker=reply_marker or reply
            )
    _queue_sync(topic)
    return topic


def forum_topic_sync(*, topic_id: int) -> bool:
    """Bring the forum up to the row. True if the forum now shows the current revision."""
    config = discourse_config()
    if config is None:
        return False
    with transaction.atomic():
        topic = ForumTopic.objects.select_for_update(skip_locked=True).filter(pk=topic_id).first()
        if topic is None:
            return False
        replies = list(topic.replies.filter(posted_at__isnull=True))
        if topic.synced_revision == topic.revision and not replies:
            return True
        topic.attempts += 1
        client = DiscourseClient(config)
        try:
            _push(client, topic, replies)
        except DiscourseError as error:
            # The message names the status and the forum's words, never the key.
            topic.last_error = str(error)[:1000]
            may_retry = error.retry and topic.attempts < MAX_AUTOMATIC_ATTEMPTS
            topic.next_attempt_at = (
                timezone.now() + retry_delay(topic.attempts, asked_seconds=error.retry_after)
                if may_retry
                else None
            )
            topic.save()
            logger.warning("Forum topic %s not synced: %s", topic.subject_key, topic.last_error)
            return False
        topic.synced_revision = topic.revision
        topic.synced_at = timezone.now()
        topic.last_error = ""
        topic.attempts = 0
        topic.next_attempt_at = None
        topic.save()
        return True


def _push(client: DiscourseClient, topic: ForumTopic, replies: list[ForumReply]) -> None:
    """Each step saves what it learnt, so a later failure keeps the topic id."""
    if topic.topic_id is None:
        found = client.topic_by_external_id(topic.external_id)
        fresh = found is None
        if fresh:
            try:
                found = client.topic_create(
                    title=topic.title, raw=topic.raw, external_id=topic.external_id
                )
            except DiscourseRejected:
                # "External ID has already been taken": another attempt made it in between.
                found = client.topic_by_external_id(topic.external_id)
                if found is None:
                    raise
                fresh = False
        topic.topic_id, topic.post_id, topic.topic_url = found.topic_id, found.post_id, found.url
        topic.save(update_fields=["topic_id", "post_id", "topic_url"])
        # The public pages link to the topic from now on.
        public_cache.public_pages_changed()
        if fresh:
            # The create carried the current text; only replies remain.
            topic.synced_revision = topic.revision
    if topic.synced_revision < topic.revision:
        client.post_edit(
            post_id=topic.post_id, raw=topic.raw, edit_reason=f"Revision {topic.revision}"
        )
    for reply in replies:
        if not client.topic_has_reply_with(topic_id=topic.topic_id, marker=reply.marker):
            reply.post_id = client.reply(topic_id=topic.topic_id, raw=reply.raw)
        reply.posted_at = timezone.now()
        reply.save(update_fields=["post_id", "posted_at"])


def forum_topics_due() -> list[int]:
    """Topics whose sync should have run by now (a lost task, a dead worker, a backoff over)."""
    if discourse_config() is None:
        return []
    return list(
        ForumTopic.objects.filter(next_attempt_at__lte=timezone.now())
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:100]
    )


@transaction.atomic
def forum_topic_retry(*, actor, topic: ForumTopic) -> ForumTopic:
    """Try again now, after someone fixed what the forum refused."""
    require(permissions.can_retry_forum_post(actor), "Only core maintainers retry a forum post.")
    topic = ForumTopic.objects.select_for_update().get(pk=topic.pk)
    topic.attempts = 0
    topic.next_attempt_at = timezone.now() + SWEEP_AFTER
    topic.save(update_fields=["attempts", "next_attempt_at"])
    audit_record(actor=actor, verb="forum_topic.retried", target=topic)
    _queue_sync(topic)
    return topic
