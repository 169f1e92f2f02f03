"""Webhook deliveries: one row per event and endpoint, written in the transaction that made the
event (so a rolled-back change sends nothing), sent after the commit by a task.

Each delivery keeps one `message_id` for all its attempts, so the Standard Webhooks receivers'
rule (drop an id already seen) makes a repeat harmless; the row is locked while it is sent, so
two workers never send it at once. A worker killed after the endpoint answered but before our
commit sends it again with the same id: at least once, and exactly once for a receiver that
honours the id. Failures that may pass are retried with exponential backoff by the sweep; a 4xx
fails the delivery at once. An endpoint that fails `DISABLE_AFTER` attempts in a row is
disabled, and its pending deliveries fail with it.

Only public facts are put in a body: the callers pass what their public pages show.
"""

import logging
import time
import uuid

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from governance.celery import app as celery_app
from governance.integration_models import (
    DeliveryStatus,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookFormat,
)
from governance.services.backoff import retry_delay
from integrations import webhooks

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
DISABLE_AFTER = 20
SWEEP_AFTER = retry_delay(1)


def webhook_event_queue(*, event_type: str, event_key: str, data: dict, text: str) -> int:
    """One delivery per enabled endpoint that takes `event_type`; a repeated `event_key` adds
    nothing. `data` is the JSON event's public facts, `text` the chat message. Returns how many
    deliveries were added."""
    endpoints = [
        endpoint
        for endpoint in WebhookEndpoint.objects.filter(enabled=True)
        if event_type in endpoint.events
    ]
    if not endpoints:
        return 0
    now = timezone.now()
    timestamp = int(now.timestamp())
    rows = []
    for endpoint in endpoints:
        message_id = f"msg_{uuid.uuid4().hex}"
        if endpoint.payload_format == WebhookFormat.CHAT:
            body = webhooks.chat_body(text)
        else:
            body = webhooks.event_body(
                message_id=message_id, event_type=event_type, timestamp=timestamp, data=data
            )
        rows.append(
            WebhookDelivery(
                endpoint=endpoint,
                event_type=event_type,
                event_key=event_key,
                message_id=message_id,
                body=body.decode(),
                next_attempt_at=now + SWEEP_AFTER,
            )
        )
    WebhookDelivery.objects.bulk_create(rows, ignore_conflicts=True)
    ids = list(
        WebhookDelivery.objects.filter(
            event_key=event_key, status=DeliveryStatus.PENDING, attempts=0
        ).values_list("pk", flat=True)
    )
    for pk in ids:
        queue_delivery(pk)
    return len(ids)


def queue_delivery(delivery_id: int) -> None:
    # robust: a broker outage must not fail the committed change; the sweep sends later.
    transaction.on_commit(
        lambda: celery_app.send_task("governance.tasks.webhook_deliver", args=[delivery_id]),
        robust=True,
    )


def webhook_deliver(*, delivery_id: int) -> bool:
    """Send one delivery, once. True if this call delivered it."""
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("endpoint")
            .filter(pk=delivery_id, status=DeliveryStatus.PENDING)
            .first()
        )
        if delivery is None:
            return False
        endpoint = delivery.endpoint
        if not endpoint.enabled:
            _fail(delivery, "The endpoint is disabled.")
            return False
        delivery.attempts += 1
        try:
            sent = webhooks.deliver(
                url=endpoint.url,
                secret=endpoint.secret,
                message_id=delivery.message_id,
                timestamp=int(time.time()),
                body=delivery.body.encode(),
                timeout=settings.INTEGRATIONS_TIMEOUT_SECONDS,
            )
        except webhooks.WebhookError as error:
            _failed_attempt(delivery, error)
            return False
        delivery.status = DeliveryStatus.DELIVERED
        delivery.delivered_at = timezone.now()
        delivery.last_status_code = sent.status
        delivery.last_error = ""
        delivery.next_attempt_at = None
        delivery.save()
        WebhookEndpoint.objects.filter(pk=endpoint.pk).update(consecutive_failures=0)
        return True


def _fail(delivery: WebhookDelivery, reason: str) -> None:
    delivery.status = DeliveryStatus.FAILED
    delivery.last_error = reason[:500]
    delivery.next_attempt_at = None
    delivery.save()


def _failed_attempt(delivery: WebhookDelivery, error: webhooks.WebhookError) -> None:
    # The message names the status only, never the secret or the body.
    delivery.last_error = str(error)[:500]
    if error.retry and delivery.attempts < MAX_ATTEMPTS:
        delivery.next_attempt_at = timezone.now() + retry_delay(
            delivery.attempts, asked_seconds=error.retry_after
        )
        delivery.save()
    else:
        _fail(delivery, delivery.last_error)
    endpoint = WebhookEndpoint.objects.select_for_update().get(pk=delivery.endpoint_id)
    endpoint.consecutive_failures += 1
    if endpoint.consecutive_failures >= DISABLE_AFTER:
        endpoint.enabled = False
        endpoint.disabled_reason = (
            f"Disabled after {endpoint.consecutive_failures} failed attempts in a row; "
            f"the last: {delivery.last_error}"
        )[:300]
        WebhookDelivery.objects.filter(endpoint=endpoint, status=DeliveryStatus.PENDING).update(
            status=DeliveryStatus.FAILED,
            last_error="The endpoint was disabled.",
            next_attempt_at=None,
        )
        logger.warning("Webhook endpoint %s disabled after repeated failures.", endpoint.pk)
    endpoint.save(update_fields=["consecutive_failures", "enabled", "disabled_reason"])


def webhook_deliveries_due() -> list[int]:
    return list(
        WebhookDelivery.objects.filter(
            status=DeliveryStatus.PENDING, next_attempt_at__lte=timezone.now()
        )
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:200]
    )


def site_link(path: str) -> str:
    return f"{settings.SITE_URL}{path}"
