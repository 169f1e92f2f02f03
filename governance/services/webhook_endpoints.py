"""The operators' side of webhooks, through the admin: endpoints, and a failed delivery sent again."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from governance import permissions
from governance.integration_models import (
    DeliveryStatus,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
)
from governance.services.base import apply_changes, audit_record, require
from governance.services.webhooks import SWEEP_AFTER, queue_delivery

ENDPOINT_FIELDS = ("name", "url", "events", "payload_format", "enabled")


def _check(endpoint: WebhookEndpoint) -> None:
    if not endpoint.events or set(endpoint.events) - set(WebhookEvent.values):
        raise ValidationError({"events": "Choose one or more of the events this site sends."})
    endpoint.full_clean()


@transaction.atomic
def webhook_endpoint_create(*, actor, data: dict) -> WebhookEndpoint:
    require(permissions.can_configure_webhooks(actor), "Only operators configure webhooks.")
    endpoint = WebhookEndpoint(**{name: data[name] for name in ENDPOINT_FIELDS if name in data})
    _check(endpoint)
    endpoint.save()
    # The URL stays out of the log: it may carry a token of the receiver's.
    audit_record(actor=actor, verb="webhook_endpoint.created", target=endpoint)
    return endpoint


@transaction.atomic
def webhook_endpoint_update(*, actor, endpoint: WebhookEndpoint, data: dict) -> WebhookEndpoint:
    """Change an endpoint; enabling it again clears the failures that disabled it."""
    require(permissions.can_configure_webhooks(actor), "Only operators configure webhooks.")
    endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
    changes = apply_changes(endpoint, data, ENDPOINT_FIELDS)
    if not changes:
        return endpoint
    if changes.get("enabled", {}).get("to") is True:
        endpoint.consecutive_failures = 0
        endpoint.disabled_reason = ""
    _check(endpoint)
    endpoint.save()
    audit_record(
        actor=actor,
        verb="webhook_endpoint.updated",
        target=endpoint,
        data={"fields": sorted(changes)},
    )
    return endpoint


@transaction.atomic
def webhook_endpoint_rotate_secret(*, actor, endpoint: WebhookEndpoint) -> WebhookEndpoint:
    require(permissions.can_configure_webhooks(actor), "Only operators configure webhooks.")
    endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
    endpoint.secret = WebhookEndpoint._meta.get_field("secret").get_default()
    endpoint.save(update_fields=["secret"])
    audit_record(actor=actor, verb="webhook_endpoint.secret_rotated", target=endpoint)
    return endpoint


@transaction.atomic
def webhook_delivery_retry(*, actor, delivery: WebhookDelivery) -> WebhookDelivery:
    """Send a failed delivery again, with the same id, after its endpoint was fixed."""
    require(permissions.can_configure_webhooks(actor), "Only operators configure webhooks.")
    delivery = WebhookDelivery.objects.select_for_update().get(pk=delivery.pk)
    if delivery.status != DeliveryStatus.FAILED:
        raise ValidationError("Only a failed delivery is sent again.")
    delivery.status = DeliveryStatus.PENDING
    delivery.attempts = 0
    delivery.next_attempt_at = timezone.now() + SWEEP_AFTER
    delivery.save(update_fields=["status", "attempts", "next_attempt_at"])
    audit_record(actor=actor, verb="webhook_delivery.retried", target=delivery)
    queue_delivery(delivery.pk)
    return delivery
