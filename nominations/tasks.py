"""Beat scans over database timestamps. Thin and idempotent: a rerun finds nothing left to do."""

from celery import shared_task

from nominations import services


@shared_task(acks_late=True)
def voting_close_due() -> int:
    return services.voting_close_due()


@shared_task(acks_late=True)
def voting_remind_due() -> int:
    return services.voting_remind_due()
