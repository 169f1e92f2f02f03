"""A real Celery worker (prefork, on Redis and PostgreSQL) killed with SIGKILL while the
endpoint holds a delivery. The restarted worker sends it again with the same `webhook-id`, which
a Standard Webhooks receiver drops as a repeat, and the log shows one delivery, delivered once.
Worker harness: tests/governance/test_worker_crash.py."""

import pytest

from governance.integration_models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from tests.conftest import purge_test_queue
from tests.governance.test_worker_crash import (
    SEND_TIMEOUT,
    START_TIMEOUT,
    broker_holds_nothing,
    wait_until,
    workers,
)
from tests.integrations.test_webhooks_delivery import published, verified

__all__ = ["workers"]

pytestmark = pytest.mark.django_db(transaction=True)


def test_it_delivers_one_event_once_when_the_worker_is_killed_mid_delivery(
    postgres, redis_url, celery_broker, workers, receiver, core1, lead, core2
):
    endpoint = WebhookEndpoint.objects.create(
        name="Website", url=receiver.url, events=["minutes.published"]
    )
    purge_test_queue()
    receiver.hold.set()
    published(core1, lead, core2)

    first = workers("first")
    assert wait_until(receiver.arrived.is_set, START_TIMEOUT), first.tail()
    first.kill()  # the endpoint has the request; our transaction never committed
    receiver.hold.clear()
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.PENDING, 0)

    second = workers("second")
    assert wait_until(
        lambda: WebhookDelivery.objects.get().status == DeliveryStatus.DELIVERED, SEND_TIMEOUT
    ), second.tail()
    assert wait_until(broker_holds_nothing, SEND_TIMEOUT), second.tail()
    second.stop()

    delivery.refresh_from_db()
    assert delivery.attempts == 1  # the killed attempt rolled back with its transaction
    # The receiver saw the killed attempt and the one that went through, both as one message:
    # the same id and body, each correctly signed.
    assert receiver.distinct_ids() == {delivery.message_id}
    assert {request.get_data() for request in receiver.requests} == {delivery.body.encode()}
    for request in receiver.requests:
        verified(request, endpoint.secret)
