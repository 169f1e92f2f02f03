"""The beat's sweep, through a real Celery worker (a thread of this process) and the tests'
broker: a forum topic and a webhook delivery whose backoff ended are sent again, once."""

import datetime

import pytest
from django.utils import timezone

from governance import tasks
from governance.celery import app as celery_app
from governance.integration_models import DeliveryStatus, ForumTopic, WebhookDelivery
from governance.services import forum, webhooks
from tests.conftest import purge_test_queue
from tests.integrations.test_discourse_topics import published_meeting, sync_all
from tests.integrations.test_webhooks_delivery import send_all
from tests.support.worker import running_worker, wait_for, worker_idle

pytestmark = pytest.mark.django_db(transaction=True)


def test_it_sends_again_what_is_due_once_its_backoff_ends(
    celery_broker, discourse, receiver, core1, lead, core2, endpoint
):
    celery_app.conf.broker_url = celery_broker
    published_meeting(core1, lead, core2)
    purge_test_queue()  # the tasks the publication queued: this test runs only the sweep's
    discourse.fail_next(503)
    receiver.fail_next(503)
    sync_all()
    send_all()
    assert forum.forum_topics_due() == webhooks.webhook_deliveries_due() == []
    a_while_ago = timezone.now() - datetime.timedelta(seconds=1)
    ForumTopic.objects.update(next_attempt_at=a_while_ago)  # time passing has no service
    WebhookDelivery.objects.update(next_attempt_at=a_while_ago)

    with running_worker():
        tasks.integrations_sweep.delay()
        tasks.integrations_sweep.delay()  # two sweeps in a row, as beat does when one is slow
        assert wait_for(lambda: ForumTopic.objects.filter(synced_revision=1).exists())
        assert wait_for(
            lambda: WebhookDelivery.objects.filter(status=DeliveryStatus.DELIVERED).exists()
        )
        assert wait_for(worker_idle)

    assert len(discourse.topics) == 1
    assert len(receiver.requests) == 2  # the failed attempt and the one that went through
    assert forum.forum_topics_due() == webhooks.webhook_deliveries_due() == []
