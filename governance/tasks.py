"""Thin Celery tasks: they take ids and call services. Each is safe to run twice."""

from celery import shared_task

from governance import services


@shared_task(acks_late=True)
def notification_send(notification_id: int) -> bool:
    return services.notification_send(notification_id=notification_id)


@shared_task(acks_late=True)
def notifications_sweep() -> int:
    """Resend emails that are stuck: queued but never delivered (a lost message, a dead worker,
    a broker that was down at commit time)."""
    stuck = services.notifications_stuck()
    for notification_id in stuck:
        notification_send.delay(notification_id)
    return len(stuck)
