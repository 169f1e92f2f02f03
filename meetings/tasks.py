"""Beat scans over database timestamps. Thin and idempotent: a rerun finds nothing left to do."""

from celery import shared_task

from meetings import services


@shared_task(acks_late=True)
def minutes_publish_due() -> int:
    return services.minutes_publish_due()
