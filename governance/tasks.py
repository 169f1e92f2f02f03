"""Thin Celery tasks: they take ids and call services. Each is safe to run twice."""

from celery import shared_task

from governance import services


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
