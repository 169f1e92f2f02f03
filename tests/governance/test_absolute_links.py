"""Every absolute link the site writes for elsewhere (the feed, the calendar, the forum post, the
emails) starts with SITE_URL, whatever host name the request that caused it came in on."""

import re

import pytest
from django.core import mail
from django.test import Client

from governance import services
from governance.integration_models import ForumTopic
from governance.models import Invitation, Notification, NotificationChannel
from meetings.models import MinutesVersion
from nominations import services as nomination_services
from nominations.models import Outcome
from tests.meetings.conftest import add_public_item, new_meeting, publish
from tests.nominations.conftest import build, clock  # noqa: F401

pytestmark = pytest.mark.django_db

SITE = "https://governance.example.org"
# Any http(s) address in a body, up to the first character a link cannot hold unquoted.
ADDRESS = re.compile(r"https?://[^\s\"'<>)\\]+")
# Addresses that name a standard, not a page (the Atom namespace).
NOT_LINKS = ("http://www.w3.org/",)


def links(body: str) -> list[str]:
    return [found for found in ADDRESS.findall(body) if not found.startswith(NOT_LINKS)]


@pytest.fixture
def site(settings) -> str:
    settings.SITE_URL = SITE
    return SITE


@pytest.fixture
def published(site, core1, lead, core2) -> MinutesVersion:
    meeting = new_meeting(core1)
    add_public_item(core1, meeting)
    publish(meeting, core1, lead, core2)
    return MinutesVersion.objects.get(meeting=meeting)


def test_it_writes_the_feed_s_links_on_site_url_whatever_the_host(published):
    body = Client().get("/meetings/feed/", HTTP_HOST="localhost").content.decode()

    found = links(body)
    assert f"{SITE}/meetings/{published.meeting.slug}/v/1/" in found
    assert f"{SITE}/meetings/feed/" in found
    assert f"{SITE}/meetings/" in found
    assert all(link.startswith(f"{SITE}/") for link in found), found
    assert "localhost" not in body


def test_it_writes_the_calendar_s_links_on_site_url_whatever_the_host(published):
    body = Client().get("/meetings/calendar.ics", HTTP_HOST="localhost").content.decode()
    unfolded = body.replace("\r\n ", "")

    found = links(unfolded)
    assert f"{SITE}/meetings/{published.meeting.slug}/" in found
    assert all(link.startswith(f"{SITE}/") for link in found), found
    assert "localhost" not in unfolded


def test_it_writes_the_forum_post_download_s_links_on_site_url(published):
    body = Client().get(f"/meetings/export.md?m={published.meeting.slug}", HTTP_HOST="localhost")

    found = links(body.content.decode())
    assert found == [f"{SITE}/meetings/{published.meeting.slug}/v/1/"]


def test_it_writes_the_forum_topic_s_links_on_site_url(settings, site, core1, lead, core2):
    settings.DISCOURSE_URL = "http://127.0.0.1:9"  # configured; nothing is sent in this test
    settings.DISCOURSE_API_KEY, settings.DISCOURSE_API_USERNAME = "key", "system"
    settings.DISCOURSE_CATEGORY = 1
    meeting = new_meeting(core1)
    add_public_item(core1, meeting)
    publish(meeting, core1, lead, core2)

    topic = ForumTopic.objects.get()
    version = MinutesVersion.objects.get(meeting=meeting)
    assert links(topic.raw) == [f"{SITE}/meetings/{version.meeting.slug}/v/1/"]


def test_it_writes_a_notification_email_s_link_on_site_url(site, nominee, mailoutbox):
    services.notification_queue(
        event_key="absolute-links:1",
        recipients=[nominee],
        subject="Feedback on your nomination",
        body="The core maintainers have written to you.",
        url="/inbox/",
    )
    email = Notification.objects.get(recipient=nominee, channel=NotificationChannel.EMAIL)

    services.notification_send(notification_id=email.pk)

    assert links(mailoutbox[0].body) == [f"{SITE}/inbox/"]


def test_it_writes_an_invitation_email_s_link_on_site_url(site, build):  # noqa: F811
    person = services.person_create(
        actor=None, full_name="Noor Newcomer", github="noornew", email="noor@example.org"
    )
    nomination = build.decided(outcome=Outcome.DECLINED, nominee=person, release=False)
    nomination_services.feedback_release(actor=build.core1, nomination=nomination)
    invitation = Invitation.objects.get(person=person)

    services.invitation_send(invitation_id=invitation.pk)

    (email,) = [message for message in mail.outbox if "noor@example.org" in message.to]
    [link] = links(email.body)
    assert link.startswith(f"{SITE}/accounts/invitations/")
    assert Client().get(link.removeprefix(SITE)).status_code != 404


def test_it_writes_a_password_reset_email_s_link_on_site_url(site, outsider, mailoutbox):
    Client().post("/accounts/password_reset/", {"email": outsider.email}, HTTP_HOST="localhost")

    [link] = links(mailoutbox[0].body)
    assert link.startswith(f"{SITE}/accounts/reset/")
