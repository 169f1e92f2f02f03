"""A real Celery worker (prefork, on Redis and PostgreSQL) killed with SIGKILL in the middle of
creating a forum topic, after the forum made it and before our commit. The restarted worker
finds the topic by its external id and edits it: the forum holds one topic, never two.
Worker harness: tests/governance/test_worker_crash.py."""

import pytest

from governance.integration_models import ForumTopic
from tests.conftest import purge_test_queue
from tests.governance.test_worker_crash import (
    SEND_TIMEOUT,
    START_TIMEOUT,
    broker_holds_nothing,
    wait_until,
    workers,
)
from tests.integrations.fakes import API_KEY, API_USERNAME, CATEGORY
from tests.integrations.test_discourse_topics import published_meeting

__all__ = ["workers"]

pytestmark = pytest.mark.django_db(transaction=True)


def test_it_creates_one_topic_when_the_worker_is_killed_mid_create(
    postgres, redis_url, celery_broker, workers, discourse, monkeypatch, core1, lead, core2
):
    for name, value in {
        "DISCOURSE_URL": discourse.url,
        "DISCOURSE_API_KEY": API_KEY,
        "DISCOURSE_API_USERNAME": API_USERNAME,
        "DISCOURSE_CATEGORY": str(CATEGORY),
    }.items():
        monkeypatch.setenv(name, value)  # the worker processes read them at start
    purge_test_queue()
    discourse.hold_creates.set()
    published_meeting(core1, lead, core2)

    first = workers("first")
    assert wait_until(discourse.created.is_set, START_TIMEOUT), first.tail()
    first.kill()  # the forum made the topic; our transaction never committed
    discourse.hold_creates.clear()
    row = ForumTopic.objects.get()
    assert (row.topic_id, row.attempts, row.synced_revision) == (None, 0, 0)

    second = workers("second")
    assert wait_until(lambda: ForumTopic.objects.get().synced_revision == 1, SEND_TIMEOUT), (
        second.tail()
    )
    assert wait_until(broker_holds_nothing, SEND_TIMEOUT), second.tail()
    second.stop()

    assert len(discourse.topics) == 1
    assert discourse.calls.count(("POST", "/posts.json")) == 1
    [topic] = discourse.topics.values()
    row = ForumTopic.objects.get()
    assert (row.topic_id, row.post_id) == (topic.id, topic.posts[0].id)
    assert topic.posts[0].raw == row.raw
