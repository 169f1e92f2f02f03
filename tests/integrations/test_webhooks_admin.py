"""The operators configure endpoints and read the delivery log in the admin, through the
services like every other change."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from governance.integration_models import WebhookDelivery, WebhookEndpoint
from governance.models import AuditEvent
from governance.services import webhook_endpoints
from tests.integrations.test_webhooks_delivery import published, send_all

pytestmark = pytest.mark.django_db


def test_it_adds_an_endpoint_from_the_admin_through_the_service(client_for, receiver):
    client = client_for("staff")

    response = client.post(
        "/admin/governance/webhookendpoint/add/",
        {
            "name": "Website",
            "url": receiver.url,
            "events": ["minutes.published", "announcement.released"],
            "payload_format": "event",
            "enabled": "on",
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.events == ["minutes.published", "announcement.released"]
    assert endpoint.secret.startswith("whsec_")
    event = AuditEvent.objects.get(verb="webhook_endpoint.created")
    assert receiver.url not in str(event.data) + event.target_label
    page = client.get(f"/admin/governance/webhookendpoint/{endpoint.pk}/change/").content.decode()
    assert endpoint.secret in page  # for the operator to give to the receiver


def test_it_refuses_an_endpoint_with_no_known_event(staff):
    with pytest.raises(ValidationError):
        webhook_endpoints.webhook_endpoint_create(
            actor=staff, data={"name": "x", "url": "https://example.org/h", "events": ["nope"]}
        )


@pytest.mark.parametrize("persona", ["core1", "outsider"])
def test_it_lets_only_operators_configure_endpoints(request, persona):
    with pytest.raises(PermissionDenied):
        webhook_endpoints.webhook_endpoint_create(
            actor=request.getfixturevalue(persona),
            data={"name": "x", "url": "https://example.org/h", "events": ["roster.changed"]},
        )


def test_it_enables_a_disabled_endpoint_again_with_a_clean_slate(staff, endpoint):
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
        enabled=False, consecutive_failures=20, disabled_reason="Disabled after 20 failed"
    )
    endpoint.refresh_from_db()

    webhook_endpoints.webhook_endpoint_update(
        actor=staff, endpoint=endpoint, data={"enabled": True}
    )

    endpoint.refresh_from_db()
    assert (endpoint.enabled, endpoint.consecutive_failures, endpoint.disabled_reason) == (
        True,
        0,
        "",
    )


def test_it_lists_deliveries_in_the_admin_log(client_for, receiver, core1, lead, core2, endpoint):
    published(core1, lead, core2)
    receiver.fail_next(500)
    send_all()
    delivery = WebhookDelivery.objects.get()

    client = client_for("staff")
    listing = client.get("/admin/governance/webhookdelivery/").content.decode()
    detail = client.get(f"/admin/governance/webhookdelivery/{delivery.pk}/change/").content.decode()

    assert "minutes.published" in listing
    assert "The endpoint answered 500." in detail
    assert delivery.message_id in detail


def test_it_sends_a_failed_delivery_again_from_the_admin(
    client_for, receiver, core1, lead, core2, endpoint
):
    published(core1, lead, core2)
    receiver.fail_next(410)
    send_all()
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "failed"

    response = client_for("staff").post(
        "/admin/governance/webhookdelivery/",
        {"action": "send_again", "_selected_action": [delivery.pk]},
    )

    assert response.status_code == 302
    assert AuditEvent.objects.filter(verb="webhook_delivery.retried").count() == 1
    assert send_all() == [True]
    assert receiver.distinct_ids() == {delivery.message_id}
