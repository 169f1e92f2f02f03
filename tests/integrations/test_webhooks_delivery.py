"""Webhook deliveries against a fake receiver on loopback: signed as the Standard Webhooks
specification says, retried with backoff, never stormed, the endpoint disabled when it keeps
failing, and only public facts in a body. The send runs here in the test's process
(`webhook_deliver` is what the task calls); the real worker is in test_webhooks_worker_crash.py.
"""

import base64
import datetime
import hashlib
import hmac
import json
import logging

import pytest
from django.utils import timezone

from governance.integration_models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from governance.services import webhooks
from meetings import services as meeting_services
from meetings.models import MinutesVersion
from nominations.models import Outcome
from tests.meetings.conftest import CANARIES, PUBLIC_WORD, add_public_item, new_meeting, publish
from tests.nominations.conftest import DECISION_REASONS, RATIONALE, TO_NOMINATORS, TO_NOMINEE

pytestmark = pytest.mark.django_db


def send_all() -> list[bool]:
    pending = WebhookDelivery.objects.filter(status=DeliveryStatus.PENDING)
    return [webhooks.webhook_deliver(delivery_id=pk) for pk in pending.values_list("pk", flat=True)]


def verified(request, secret: str) -> dict:
    """Check a delivery as a Standard Webhooks receiver does, from the specification."""
    message_id = request.headers["webhook-id"]
    timestamp = request.headers["webhook-timestamp"]
    body = request.get_data()
    key = base64.b64decode(secret.removeprefix("whsec_"))
    expected = hmac.new(key, f"{message_id}.{timestamp}.".encode() + body, hashlib.sha256)
    signatures = request.headers["webhook-signature"].split(" ")
    assert f"v1,{base64.b64encode(expected.digest()).decode()}" in signatures
    assert abs(int(timestamp) - timezone.now().timestamp()) < 300
    return json.loads(body)


def published(core1, lead, core2):
    meeting = new_meeting(core1, title="Core Maintainers Meeting June 2026")
    add_public_item(core1, meeting)
    return publish(meeting, core1, lead, core2)


def test_it_sends_nothing_without_an_endpoint(core1, lead, core2):
    published(core1, lead, core2)
    assert not WebhookDelivery.objects.exists()


def test_it_delivers_a_signed_minutes_published_event(receiver, core1, lead, core2, endpoint):
    meeting = published(core1, lead, core2)

    assert send_all() == [True]

    [request] = receiver.requests
    event = verified(request, endpoint.secret)
    version = MinutesVersion.objects.get(meeting=meeting)
    assert event["type"] == "minutes.published"
    assert event["id"] == request.headers["webhook-id"]
    assert event["data"] == {
        "meeting": {
            "title": version.title,
            "slug": meeting.slug,
            "starts_at": version.starts_at.isoformat(),
        },
        "version": 1,
        "url": f"http://127.0.0.1:8000/meetings/{meeting.slug}/v/1/",
        "published_at": version.published_at.isoformat(),
    }
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.last_status_code, delivery.attempts) == ("delivered", 200, 1)
    assert send_all() == []  # delivered once; nothing left to send


def test_it_signs_with_a_secret_other_receivers_cannot_forge(
    receiver, core1, lead, core2, endpoint
):
    published(core1, lead, core2)
    send_all()
    other = WebhookEndpoint(name="other", url=receiver.url)  # a fresh secret of its own
    with pytest.raises(AssertionError):
        verified(receiver.requests[0], other.secret)


def test_it_delivers_a_retraction_and_an_announcement_and_roster_changes(
    receiver, build, core1, endpoint
):
    nomination = build.decided(outcome=Outcome.ACCEPTED)
    meeting = new_meeting(core1, title="Core Maintainers Meeting June 2026")
    add_public_item(core1, meeting)
    publish(meeting, core1, build.lead, build.core2, build.core3)  # five core maintainers here
    version = MinutesVersion.objects.get(meeting=meeting)
    meeting_services.minutes_version_retract(actor=core1, version=version, reason=CANARIES[0])

    send_all()

    events = [verified(request, endpoint.secret) for request in receiver.requests]
    types = [event["type"] for event in events]
    assert types.count("announcement.released") == 1
    assert types.count("minutes.retracted") == 1
    assert "roster.changed" in types
    announcement = next(e for e in events if e["type"] == "announcement.released")
    assert announcement["data"]["text"] == nomination.announcement.text
    assert announcement["data"]["url"] == "http://127.0.0.1:8000/announcements/"
    roster = next(e for e in events if e["type"] == "roster.changed")
    assert roster["data"] == {"change": "role.granted", "roster_url": "http://127.0.0.1:8000/"}
    everything = "".join(request.get_data(as_text=True) for request in receiver.requests)
    for private in (RATIONALE, DECISION_REASONS, TO_NOMINEE, TO_NOMINATORS, CANARIES[0]):
        assert private not in everything


def test_it_sends_no_private_text_of_the_minutes(receiver, endpoint, chat_endpoint, canary_meeting):
    """The endpoints exist before the meeting is made, so every event of it reaches them."""
    send_all()

    everything = "".join(request.get_data(as_text=True) for request in receiver.requests)
    assert canary_meeting.title in everything
    assert PUBLIC_WORD not in everything  # events carry facts and links, not the minutes
    for canary in CANARIES:
        assert canary not in everything


def test_it_sends_a_chat_message_to_a_chat_endpoint(receiver, core1, lead, core2, chat_endpoint):
    meeting = published(core1, lead, core2)
    send_all()

    [request] = receiver.requests
    assert json.loads(request.get_data()) == {
        "text": (
            f"Minutes published: {meeting.title} (version 1) "
            f"http://127.0.0.1:8000/meetings/{meeting.slug}/v/1/"
        )
    }
    verified(request, chat_endpoint.secret)  # signed too; a chat service ignores the headers


def test_it_fails_a_refused_delivery_at_once_without_retrying(
    receiver, core1, lead, core2, endpoint
):
    published(core1, lead, core2)
    receiver.fail_next(401)

    assert send_all() == [False]

    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.last_error == "The endpoint answered 401."
    assert delivery.next_attempt_at is None
    assert webhooks.webhook_deliveries_due() == []
    assert send_all() == []
    assert len(receiver.requests) == 1


def test_it_retries_server_errors_and_timeouts_with_growing_backoff(
    receiver, core1, lead, core2, endpoint
):
    published(core1, lead, core2)
    receiver.fail_next(503)
    before = timezone.now()

    assert send_all() == [False]
    first = WebhookDelivery.objects.get()
    assert (first.status, first.attempts, first.last_error) == (
        "pending",
        1,
        "The endpoint answered 503.",
    )
    assert (
        datetime.timedelta(minutes=1)
        <= first.next_attempt_at - before
        < datetime.timedelta(minutes=2)
    )

    receiver.delay = 1.5  # past the test timeout of 1 s
    assert send_all() == [False]
    second = WebhookDelivery.objects.get()
    assert second.last_error == "The endpoint did not answer in time."
    assert second.next_attempt_at - before >= datetime.timedelta(minutes=2)

    receiver.delay = 0
    assert send_all() == [True]
    ids = {request.headers["webhook-id"] for request in receiver.requests}
    assert ids == {second.message_id}  # one delivery, one id on every attempt
    assert WebhookEndpoint.objects.get().consecutive_failures == 0


def test_it_waits_as_long_as_a_rate_limit_asks(receiver, core1, lead, core2, endpoint):
    published(core1, lead, core2)
    receiver.fail_next(429, headers={"Retry-After": "900"})
    before = timezone.now()

    assert send_all() == [False]

    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.PENDING
    assert delivery.next_attempt_at - before >= datetime.timedelta(seconds=900)


def test_it_disables_an_endpoint_that_keeps_failing(
    receiver, monkeypatch, core1, lead, core2, endpoint
):
    monkeypatch.setattr(webhooks, "DISABLE_AFTER", 3)
    published(core1, lead, core2)
    receiver.fail_next(500, times=3)

    for _ in range(3):
        send_all()

    endpoint.refresh_from_db()
    assert endpoint.enabled is False
    assert "3 failed attempts in a row" in endpoint.disabled_reason
    assert WebhookDelivery.objects.get().status == DeliveryStatus.FAILED
    assert len(receiver.requests) == 3
    published_again = new_meeting(core1, title="Another meeting")
    add_public_item(core1, published_again)
    publish(published_again, core1, lead, core2)
    assert WebhookDelivery.objects.count() == 1  # a disabled endpoint is sent nothing new


def test_it_never_logs_the_secret_or_the_url(receiver, caplog, core1, lead, core2, endpoint):
    """A chat service's webhook URL is itself a secret."""
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(url=f"{receiver.url}?token=QXTOKEN")
    published(core1, lead, core2)
    receiver.fail_next(500)
    with caplog.at_level(logging.DEBUG):
        send_all()

    delivery = WebhookDelivery.objects.get()
    assert delivery.last_error == "The endpoint answered 500."
    assert receiver.requests[0].args["token"] == "QXTOKEN"
    # What the site logged; the fake receiver's own server (werkzeug) logs what it was sent.
    logged = "\n".join(r.getMessage() for r in caplog.records if r.name != "werkzeug")
    assert "QXTOKEN" not in logged
    assert endpoint.secret not in logged
