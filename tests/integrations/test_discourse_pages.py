"""Where people see the forum: the public pages link to the topic; core maintainers see a
refused post on the meeting and nomination pages, with a retry button that works."""

import pytest
from django.test import Client, override_settings

from governance.integration_models import ForumTopic
from governance.services import forum
from nominations.models import Outcome
from tests.integrations.test_discourse_topics import published_meeting, sync_all

pytestmark = pytest.mark.django_db


def test_it_links_the_public_minutes_page_to_the_forum_topic(discourse, core1, lead, core2):
    meeting = published_meeting(core1, lead, core2)
    page = f"/meetings/{meeting.slug}/"
    assert "Discuss these minutes on the forum" not in Client().get(page).content.decode()

    sync_all()

    body = Client().get(page).content.decode()  # the sync made the cached page stale
    assert f'href="{ForumTopic.objects.get().topic_url}"' in body


def test_it_links_the_announcement_to_its_forum_topic(discourse, build):
    build.decided(outcome=Outcome.ACCEPTED)
    sync_all()

    [topic] = discourse.topics.values()
    assert topic.title.startswith("Announcement: ")
    body = Client().get("/announcements/").content.decode()
    assert f'href="{ForumTopic.objects.get().topic_url}"' in body


def test_it_shows_core_maintainers_the_error_and_retries_from_the_meeting_page(
    discourse, client_for, core1, lead, core2
):
    with override_settings(DISCOURSE_API_KEY="wrong-key-abcdef"):
        meeting = published_meeting(core1, lead, core2)
        sync_all()
    workspace = f"/meetings/{meeting.slug}/edit/"
    client = client_for("core1")
    body = client.get(workspace).content.decode()
    assert "Check DISCOURSE_API_KEY" in body
    assert "Retry the forum post" in body
    topic = ForumTopic.objects.get()

    response = client.post(f"/forum-topics/{topic.pk}/retry/", {"next": workspace})

    assert response.status_code == 302
    assert response["Location"] == workspace
    assert ForumTopic.objects.get().next_attempt_at is not None
    assert sync_all() == [True]
    assert "Retry the forum post" not in client.get(workspace).content.decode()


def test_it_shows_a_refused_announcement_on_the_nomination_page(discourse, build, client_for):
    with override_settings(DISCOURSE_API_KEY="wrong-key-abcdef"):
        nomination = build.decided(outcome=Outcome.ACCEPTED)
        sync_all()

    body = client_for("core1").get(f"/nominations/{nomination.pk}/").content.decode()
    assert "Check DISCOURSE_API_KEY" in body
    assert f"/forum-topics/{ForumTopic.objects.get().pk}/retry/" in body


@pytest.mark.parametrize("persona", ["maintainer", "nominee", "outsider"])
def test_it_answers_404_to_others_who_try_to_retry(
    discourse, client_for, persona, core1, lead, core2
):
    published_meeting(core1, lead, core2)
    topic = ForumTopic.objects.get()
    response = client_for(persona).post(f"/forum-topics/{topic.pk}/retry/")
    assert response.status_code == 404
    assert forum.forum_topics_due() == []


def test_it_links_the_meeting_page_to_its_topic_in_the_same_two_queries(
    discourse, core1, lead, core2, django_assert_num_queries
):
    meeting = published_meeting(core1, lead, core2)
    sync_all()

    # 1. the public pages' generation token (the cache's freshness check)
    # 2. every version of the meeting, latest first, with its slug and forum topic's address
    with django_assert_num_queries(2):
        response = Client().get(meeting.get_absolute_url())

    assert ForumTopic.objects.get().topic_url in response.content.decode()


def test_it_links_announcements_to_their_topics_in_the_same_two_queries(
    discourse, build, django_assert_num_queries
):
    for n in range(3):
        build.decided(
            outcome=Outcome.ACCEPTED, nominee=build.person(f"Accepted {n:02}", f"accepted-{n:02}")
        )
    sync_all()

    # 1. the public pages' generation token (the cache's freshness check)
    # 2. released announcements with their nominees, modules and forum topics' addresses
    with django_assert_num_queries(2):
        response = Client().get("/announcements/")

    body = response.content.decode()
    assert body.count('class="forum-link"') == 3
    for url in ForumTopic.objects.values_list("topic_url", flat=True):
        assert f'href="{url}"' in body
