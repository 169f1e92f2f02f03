"""Minutes and announcements as Discourse topics, against a fake Discourse on loopback.

The sync runs here in the test's own process (`forum_topic_sync` is what the task calls); the
real worker and a crash are in test_discourse_worker_crash.py. The fake answers as Discourse
does (see tests/integrations/fakes.py)."""

import datetime
import logging

import pytest
from django.core.exceptions import PermissionDenied
from django.test import override_settings
from django.utils import timezone

from governance.integration_models import ForumReply, ForumTopic
from governance.services import forum
from integrations.discourse import DiscourseClient
from meetings import selectors as meeting_selectors
from meetings import services as meeting_services
from meetings.forum_post import forum_post
from meetings.models import MinutesVersion
from nominations.models import Outcome
from tests.integrations.fakes import API_KEY, API_USERNAME, CATEGORY
from tests.meetings.conftest import CANARIES, PUBLIC_WORD, add_public_item, new_meeting, publish
from tests.nominations.conftest import (
    CORE_EVIDENCE,
    DECISION_REASONS,
    RATIONALE,
    TO_NOMINATORS,
    TO_NOMINEE,
)

pytestmark = pytest.mark.django_db
SITE_URL = "http://127.0.0.1:8000"


def sync_all() -> list[bool]:
    return [
        forum.forum_topic_sync(topic_id=pk)
        for pk in ForumTopic.objects.values_list("pk", flat=True)
    ]


def published_meeting(core1, lead, core2, *, title="Core Maintainers Meeting June 2026"):
    meeting = new_meeting(core1, title=title)
    add_public_item(core1, meeting)
    return publish(meeting, core1, lead, core2)


def public_post(meeting) -> str:
    """The forum post of what the meeting's public page shows."""
    versions = meeting_selectors.versions_of(meeting.slug)
    return forum_post([meeting_selectors.current_version(versions)], site_url=SITE_URL)


def republish(meeting, core1, lead, core2, *, change_note: str):
    meeting_services.agenda_item_add(actor=core1, meeting=meeting, title="Correction")
    meeting_services.minutes_submit(actor=core1, meeting=meeting, change_note=change_note)
    for approver in (lead, core2):
        meeting_services.minutes_review(actor=approver, meeting=meeting, verdict="approve")


def test_it_writes_nothing_while_discourse_is_not_configured(core1, lead, core2):
    published_meeting(core1, lead, core2)
    assert not ForumTopic.objects.exists()


def test_it_creates_one_topic_with_the_published_public_version(discourse, core1, lead, core2):
    meeting = published_meeting(core1, lead, core2)

    assert sync_all() == [True]

    [topic] = discourse.topics.values()
    assert topic.category == CATEGORY
    assert topic.title == MinutesVersion.objects.get(meeting=meeting).title
    assert topic.posts[0].raw == public_post(meeting)
    assert topic.external_id == f"governance-minutes-{meeting.pk}"
    row = ForumTopic.objects.get()
    assert (row.topic_id, row.post_id, row.synced_revision) == (topic.id, topic.posts[0].id, 1)
    assert row.topic_url == f"{discourse.url}/t/topic/{topic.id}"
    assert (row.last_error, row.next_attempt_at) == ("", None)
    # Looked up by our id first, then created: two calls, and a second sync makes none.
    assert discourse.calls == [
        ("GET", f"/t/external_id/governance-minutes-{meeting.pk}.json"),
        ("POST", "/posts.json"),
    ]
    assert sync_all() == [True]
    assert len(discourse.calls) == 2


def test_it_edits_the_topic_and_replies_with_the_change_for_a_later_version(
    discourse, core1, lead, core2
):
    meeting = published_meeting(core1, lead, core2)
    sync_all()
    republish(meeting, core1, lead, core2, change_note="Added the correction item.")

    assert sync_all() == [True]

    [topic] = discourse.topics.values()
    assert "Version 2, published" in topic.posts[0].raw
    assert topic.posts[0].raw == public_post(meeting)
    assert topic.posts[0].edit_reasons == ["Revision 2"]
    assert len(topic.posts) == 2
    assert topic.posts[1].raw.startswith(
        "Version 2 of these minutes is published: Added the correction item."
    )
    assert ForumReply.objects.get().posted_at is not None


def test_it_shows_the_retraction_in_the_topic(discourse, core1, lead, core2):
    meeting = published_meeting(core1, lead, core2)
    sync_all()
    version = MinutesVersion.objects.get(meeting=meeting)
    meeting_services.minutes_version_retract(actor=core1, version=version, reason="A leaked name")

    assert sync_all() == [True]

    [topic] = discourse.topics.values()
    assert topic.posts[0].raw == public_post(meeting)
    assert "was retracted on" in topic.posts[0].raw
    assert topic.posts[1].raw.startswith("Version 1 of these minutes was retracted on ")
    assert "A leaked name" not in discourse.everything_posted()


def test_it_refuses_a_bad_key_once_with_a_clear_error_and_no_retry(discourse, core1, lead, core2):
    with override_settings(DISCOURSE_API_KEY="wrong-key-abcdef"):
        published_meeting(core1, lead, core2)
        assert sync_all() == [False]

    row = ForumTopic.objects.get()
    assert "403" in row.last_error
    assert "Check DISCOURSE_API_KEY" in row.last_error
    assert "wrong-key-abcdef" not in row.last_error
    assert API_KEY not in row.last_error
    assert row.next_attempt_at is None  # no automatic retry: the same key fails the same way
    assert len(discourse.calls) == 1
    assert forum.forum_topics_due() == []


def test_it_retries_a_server_error_with_growing_backoff_then_succeeds(
    discourse, core1, lead, core2
):
    published_meeting(core1, lead, core2)
    discourse.fail_next(502, times=2)

    before = timezone.now()
    assert sync_all() == [False]
    first = ForumTopic.objects.get()
    assert first.attempts == 1
    assert "502" in first.last_error
    assert first.next_attempt_at - before >= datetime.timedelta(minutes=1)
    assert first.next_attempt_at - before < datetime.timedelta(minutes=2)

    assert sync_all() == [False]
    second = ForumTopic.objects.get()
    assert second.next_attempt_at - before >= datetime.timedelta(minutes=2)

    assert sync_all() == [True]
    assert len(discourse.topics) == 1
    assert ForumTopic.objects.get().attempts == 0


def test_it_retries_a_timeout_later(discourse, core1, lead, core2):
    published_meeting(core1, lead, core2)
    discourse.delay = 1.5  # longer than the test timeout (1 s)

    assert sync_all() == [False]
    row = ForumTopic.objects.get()
    assert "in time" in row.last_error
    assert row.next_attempt_at is not None

    discourse.delay = 0
    assert sync_all() == [True]


def test_it_waits_as_long_as_a_rate_limit_asks(discourse, core1, lead, core2):
    published_meeting(core1, lead, core2)
    discourse.fail_next(
        429,
        headers={"Retry-After": "600"},
        body={"errors": ["Slow down"], "extras": {"wait_seconds": 600}},
    )

    before = timezone.now()
    assert sync_all() == [False]
    row = ForumTopic.objects.get()
    assert "rate-limiting" in row.last_error
    assert row.next_attempt_at - before >= datetime.timedelta(seconds=600)
    assert forum.forum_topics_due() == []


def test_it_finds_the_topic_a_crashed_attempt_created_instead_of_creating_another(
    discourse, core1, lead, core2
):
    """The forum made the topic but our commit never happened: the row has no topic id."""
    meeting = published_meeting(core1, lead, core2)
    discourse.fail_next(502)  # the first sync fails before anything is made
    sync_all()
    forum_client_create_behind_our_back(discourse, meeting)

    assert sync_all() == [True]

    assert len(discourse.topics) == 1
    [topic] = discourse.topics.values()
    row = ForumTopic.objects.get()
    assert row.topic_id == topic.id
    assert topic.posts[0].raw == row.raw  # edited to the current text
    assert ("POST", "/posts.json") not in discourse.calls[-3:]


def forum_client_create_behind_our_back(discourse, meeting) -> None:
    row = ForumTopic.objects.get()
    DiscourseClient(forum.discourse_config()).topic_create(
        title=row.title, raw="an older text", external_id=f"governance-minutes-{meeting.pk}"
    )


def test_it_lets_only_core_maintainers_retry(discourse, core1, lead, core2, outsider, maintainer):
    with override_settings(DISCOURSE_API_KEY="wrong-key-abcdef"):
        published_meeting(core1, lead, core2)
        sync_all()
    row = ForumTopic.objects.get()
    for user in (outsider, maintainer, None):
        with pytest.raises(PermissionDenied):
            forum.forum_topic_retry(actor=user, topic=row)

    forum.forum_topic_retry(actor=core1, topic=row)
    assert ForumTopic.objects.get().next_attempt_at is not None
    assert sync_all() == [True]
    assert len(discourse.topics) == 1


def test_it_posts_no_private_text_of_the_minutes(discourse, canary_meeting, core1, lead, core2):
    """canary_meeting plants a canary in every private place of a published meeting."""
    version = MinutesVersion.objects.get(meeting=canary_meeting)
    meeting_services.minutes_version_retract(actor=core1, version=version, reason=CANARIES[0])
    sync_all()

    posted = discourse.everything_posted()
    assert PUBLIC_WORD not in posted  # the retraction notice replaced the text
    for canary in CANARIES:
        assert canary not in posted


def test_it_posts_exactly_the_public_version_of_canary_minutes(discourse, canary_meeting):
    sync_all()

    [topic] = discourse.topics.values()
    assert topic.posts[0].raw == public_post(canary_meeting)
    assert PUBLIC_WORD in topic.posts[0].raw
    for canary in CANARIES:
        assert canary not in discourse.everything_posted()


def test_it_posts_the_announcement_and_nothing_private_of_its_nomination(discourse, build):
    nomination = build.decided(outcome=Outcome.ACCEPTED)
    sync_all()

    [topic] = discourse.topics.values()
    text = nomination.announcement.text.strip()
    assert topic.posts[0].raw == f"{text}\n\n<{SITE_URL}/announcements/>"
    posted = discourse.everything_posted()
    for private in (RATIONALE, CORE_EVIDENCE, DECISION_REASONS, TO_NOMINEE, TO_NOMINATORS):
        assert private not in posted


def test_it_never_logs_the_key(discourse, caplog, core1, lead, core2):
    published_meeting(core1, lead, core2)
    discourse.fail_next(500)
    with caplog.at_level(logging.DEBUG):
        sync_all()
        with override_settings(DISCOURSE_API_KEY="wrong-key-abcdef"):
            forum.forum_topic_retry(actor=core1, topic=ForumTopic.objects.get())
            sync_all()

    assert "Forum topic minutes:" in caplog.text
    assert API_KEY not in caplog.text
    assert "wrong-key-abcdef" not in caplog.text


def test_it_adopts_the_topic_when_the_forum_says_our_id_is_taken(discourse, core1, lead, core2):
    """Another attempt created the topic between our look-up and our create."""
    meeting = published_meeting(core1, lead, core2)
    discourse.fail_next(502)
    sync_all()
    forum_client_create_behind_our_back(discourse, meeting)
    discourse.fail_next(404)  # the look-up misses it, as it would have a moment earlier

    assert sync_all() == [True]

    assert len(discourse.topics) == 1
    [topic] = discourse.topics.values()
    assert topic.posts[0].raw == ForumTopic.objects.get().raw


def test_it_recognises_its_reply_after_a_crash_among_many_community_replies(
    discourse, core1, lead, core2
):
    """The reply went out but our commit did not: the retry finds it among our own posts,
    however many the community added before it, and does not post it twice."""
    meeting = published_meeting(core1, lead, core2)
    sync_all()
    [topic] = discourse.topics.values()
    for n in range(25):
        discourse.community_reply(topic.id, f"Comment {n}")
    republish(meeting, core1, lead, core2, change_note="Added the correction item.")
    reply = ForumReply.objects.get()
    discourse.community_reply(topic.id, reply.raw, username=API_USERNAME)  # our killed attempt

    assert sync_all() == [True]

    ours = [post for post in topic.posts if post.raw == reply.raw]
    assert len(ours) == 1
    assert ForumReply.objects.get().posted_at is not None
