"""Releasing an announcement in headless Chromium reaches the outside world once: the fake
Discourse receives one topic with the announcement's text, and the webhook endpoint one
delivery, signed. The tasks run on a real Celery worker (a thread of this process, on the
tests' broker), as queued by the release's commit."""

import pytest
from celery.contrib.testing.worker import start_worker
from playwright.sync_api import Browser, expect

import governance.tasks  # noqa: F401  (registers the tasks with the Celery app)
from governance.celery import app as celery_app
from governance.integration_models import (
    DeliveryStatus,
    ForumTopic,
    WebhookDelivery,
    WebhookEndpoint,
)
from nominations.models import Announcement, Outcome
from tests.browser.conftest import sign_in_through_the_form
from tests.conftest import purge_test_queue
from tests.governance.test_celery_worker import wait_for, worker_idle
from tests.integrations.conftest import build, clock, discourse, receiver
from tests.integrations.fakes import CATEGORY
from tests.integrations.test_webhooks_delivery import verified

__all__ = ["build", "clock", "discourse", "receiver"]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore::pytest.PytestRemovedIn10Warning"),
    pytest.mark.django_db(transaction=True),
]


def test_it_posts_one_topic_and_one_signed_delivery_when_an_announcement_is_released(
    live_server, browser: Browser, celery_broker, build, discourse, receiver, core2
):
    nomination = build.decided(outcome=Outcome.ACCEPTED, release=False)
    endpoint = WebhookEndpoint.objects.create(
        name="Website", url=receiver.url, events=["announcement.released"]
    )
    celery_app.conf.broker_url = celery_broker
    purge_test_queue()

    with start_worker(celery_app, perform_ping_check=False, shutdown_timeout=15):
        context = browser.new_context(base_url=live_server.url)
        page = context.new_page()
        page.goto(f"/accounts/login/?next={nomination.get_absolute_url()}")
        sign_in_through_the_form(page, core2)  # core1 opened the vote; core2 may announce
        page.get_by_role("button", name="Release the announcement and update the roster").click()
        expect(page.get_by_text("Released on")).to_be_visible()

        assert wait_for(lambda: ForumTopic.objects.filter(synced_revision=1).exists())
        assert wait_for(
            lambda: WebhookDelivery.objects.filter(status=DeliveryStatus.DELIVERED).exists()
        )
        assert wait_for(worker_idle)
        context.close()

    text = Announcement.objects.get(nomination=nomination).text
    [topic] = discourse.topics.values()
    assert topic.category == CATEGORY
    assert topic.posts[0].raw.startswith(text.strip())
    assert [call for call in discourse.calls if call[0] == "POST"] == [("POST", "/posts.json")]
    [request] = receiver.requests
    event = verified(request, endpoint.secret)
    assert (event["type"], event["data"]["text"]) == ("announcement.released", text)
