"""Releasing an announcement in headless Chromium reaches the outside world once: the fake
Discourse receives one topic with the announcement's text, the webhook endpoint one delivery,
signed, and the fake GitHub one pull request for the maintainer files. The tasks run on a real
Celery worker (a thread of this process, on the tests' broker), as queued by the release's
commit and, for the pull request, by the beat's scan."""

import pytest
from playwright.sync_api import Browser, expect

from governance import tasks
from governance.celery import app as celery_app
from governance.integration_models import (
    DeliveryStatus,
    ForumTopic,
    WebhookDelivery,
    WebhookEndpoint,
)
from governance.models import RepositorySync
from nominations.models import Announcement, Outcome
from tests.browser.conftest import sign_in_through_the_form
from tests.conftest import purge_test_queue
from tests.integrations.conftest import (
    build,
    clock,
    discourse,
    fake_github,
    github_server,
    github_settings,
    receiver,
)
from tests.integrations.fakes import CATEGORY
from tests.integrations.test_webhooks_delivery import verified
from tests.support.worker import running_worker, wait_for, worker_idle

__all__ = [
    "build",
    "clock",
    "discourse",
    "fake_github",
    "github_server",
    "github_settings",
    "receiver",
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore::pytest.PytestRemovedIn10Warning"),
    pytest.mark.django_db(transaction=True),
]


def test_it_posts_one_topic_one_signed_delivery_and_one_pull_request_on_a_release(
    live_server,
    browser: Browser,
    celery_broker,
    build,
    discourse,
    receiver,
    fake_github,
    github_settings,
    core2,
):
    github_settings.GITHUB_SYNC_DEBOUNCE_SECONDS = 0
    nomination = build.decided(outcome=Outcome.ACCEPTED, release=False)
    endpoint = WebhookEndpoint.objects.create(
        name="Website", url=receiver.url, events=["announcement.released"]
    )
    celery_app.conf.broker_url = celery_broker
    purge_test_queue()

    with running_worker():
        context = browser.new_context(base_url=live_server.url)
        page = context.new_page()
        page.goto(f"/accounts/login/?next={nomination.get_absolute_url()}")
        sign_in_through_the_form(page, core2)  # core1 opened the vote; core2 may announce
        page.get_by_role("link", name="Release the announcement and update the roster…").click()
        page.get_by_role("button", name="Release and update the roster now").click()
        expect(page.get_by_text("Released on")).to_be_visible()

        assert wait_for(lambda: ForumTopic.objects.filter(synced_revision=1).exists())
        assert wait_for(
            lambda: WebhookDelivery.objects.filter(status=DeliveryStatus.DELIVERED).exists()
        )
        # What beat does every minute: the release marked the repository files due.
        tasks.repository_sync_due.delay()
        assert wait_for(
            lambda: RepositorySync.objects.filter(pull_request_number__isnull=False).exists()
        )
        assert wait_for(worker_idle)
        context.close()

    text = Announcement.objects.get(nomination=nomination).text
    [topic] = discourse.topics.values()
    assert topic.category == CATEGORY
    assert topic.posts[0].raw.startswith(text.strip())
    assert [call for call in discourse.calls if call[0] == "POST"] == [("POST", "/posts.json")]
    [pull] = fake_github.pulls
    assert pull["state"] == "open"
    assert nomination.nominee.github in fake_github.files_on(pull["head"]["ref"])["CODEOWNERS"]
    [request] = receiver.requests
    event = verified(request, endpoint.secret)
    assert (event["type"], event["data"]["text"]) == ("announcement.released", text)
