"""Thin Celery tasks: they take ids and call services. Each is safe to run twice."""

from celery import shared_task

from governance import services
from governance.services import forum, webhooks


@shared_task(acks_late=True)
def notification_send(notification_id: int) -> bool:
    return services.notification_send(notification_id=notification_id)


@shared_task(acks_late=True)
def notifications_send(notification_ids: list[int]) -> int:
    """Send a batch of the outbox; each email is locked and marked on its own, so a rerun of a
    half-sent batch sends only the rest."""
    return sum(services.notification_send(notification_id=pk) for pk in notification_ids)


@shared_task(acks_late=True)
def notifications_sweep() -> int:
    """Resend emails that are stuck: queued but never delivered (a lost message, a dead worker,
    a broker that was down at commit time)."""
    stuck = services.notifications_stuck()
    for start in range(0, len(stuck), services.SEND_BATCH):
        notifications_send.delay(stuck[start : start + services.SEND_BATCH])
    invitations = services.invitations_stuck()
    for invitation_id in invitations:
        invitation_send.delay(invitation_id)
    return len(stuck) + len(invitations)


@shared_task(acks_late=True)
def invitation_send(invitation_id: int) -> bool:
    return services.invitation_send(invitation_id=invitation_id)


@shared_task(acks_late=True)
def repository_sync_due() -> bool:
    """Beat's scan: queue the repository files' pull request once the roster change that asked
    for it has settled (`RepositorySync.due_at`)."""
    if not services.repository_sync_is_due():
        return False
    repository_sync_run.delay()
    return True


@shared_task(acks_late=True)
def repository_sync_run() -> None:
    services.repository_sync_run()


@shared_task(acks_late=True)
def github_activity_import() -> int:
    """Daily: read what maintainers did on GitHub since the last run. Safe to run twice, or
    after a crash: each repository's streams move their own cursor with what they recorded."""
    report = services.github_activity_import(actor=None)
    return len(report.windows)


@shared_task(acks_late=True)
def forum_topic_sync(topic_id: int) -> bool:
    return forum.forum_topic_sync(topic_id=topic_id)


@shared_task(acks_late=True)
def webhook_deliver(delivery_id: int) -> bool:
    return webhooks.webhook_deliver(delivery_id=delivery_id)


@shared_task(acks_late=True)
def integrations_sweep() -> int:
    """Queue the forum syncs and webhook deliveries that are due: a backoff that ended, or a
    task lost before it ran."""
    topics = forum.forum_topics_due()
    for topic_id in topics:
        forum_topic_sync.delay(topic_id)
    deliveries = webhooks.webhook_deliveries_due()
    for delivery_id in deliveries:
        webhook_deliver.delay(delivery_id)
    return len(topics) + len(deliveries)
