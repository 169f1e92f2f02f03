"""Beat scans over database timestamps, and the work they queue. Thin and idempotent: a rerun
finds nothing left to do."""

from celery import shared_task

from nominations import selectors, services

# Beat runs the close scan every minute. A close still queued after that is dropped: the next
# scan queues it again, so a worker that was down for an hour meets one close per vote, not sixty.
CLOSE_EXPIRES_SECONDS = 60


@shared_task(acks_late=True)
def voting_close_due() -> int:
    """Queue a close for each vote past its deadline. Each close is a task of its own, so a
    tick that finds many votes due is still one indexed query and a publish each."""
    due = selectors.votes_past_deadline()
    for pk in due:
        voting_close_expired.apply_async((pk,), expires=CLOSE_EXPIRES_SECONDS)
    return len(due)


@shared_task(acks_late=True)
def voting_close_expired(nomination_id: int) -> bool:
    return services.voting_close_expired(nomination_id=nomination_id)


@shared_task(acks_late=True)
def voting_remind_due() -> int:
    return services.voting_remind_due()
