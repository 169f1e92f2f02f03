"""Telling the outside world about published minutes: the forum topic and the webhooks.

Called inside the publishing or retracting transaction, after the version rows are final, with
what the public pages show and nothing else: the forum's first post is the public version the
meeting's page shows (`meetings.forum_post`), and the events carry titles, numbers and links.
"""

from django.conf import settings
from django.urls import reverse

from governance.services.forum import forum_topic_publish
from governance.services.webhooks import webhook_event_queue
from meetings import selectors
from meetings.forum_post import forum_post
from meetings.models import Meeting, MinutesVersion


def forum_subject(meeting: Meeting) -> str:
    return f"minutes:{meeting.pk}"


def _version_url(meeting: Meeting, version: MinutesVersion) -> str:
    return settings.SITE_URL + reverse("meetings:version", args=[meeting.slug, version.number])


def _public_facts(meeting: Meeting, version: MinutesVersion) -> dict:
    return {
        "meeting": {
            "title": version.title,
            "slug": meeting.slug,
            "starts_at": version.starts_at.isoformat(),
        },
        "version": version.number,
        "url": _version_url(meeting, version),
    }


def _forum_post_of(meeting: Meeting):
    versions = selectors.versions_of(meeting.slug)
    return forum_post([selectors.current_version(versions)], site_url=settings.SITE_URL)


def minutes_published_share(*, meeting: Meeting, version: MinutesVersion) -> None:
    url = _version_url(meeting, version)
    marker = f"Version {version.number} of these minutes is published"
    reply = f"{marker}" + (f": {version.change_note}" if version.change_note else ".")
    forum_topic_publish(
        subject_key=forum_subject(meeting),
        title=version.title,
        raw=_forum_post_of(meeting),
        reply=f"{reply}\n\n<{url}>",
        reply_marker=marker,
    )
    webhook_event_queue(
        event_type="minutes.published",
        event_key=f"minutes.published:{version.pk}",
        data={**_public_facts(meeting, version), "published_at": version.published_at.isoformat()},
        text=f"Minutes published: {version.title} (version {version.number}) {url}",
    )


def minutes_retracted_share(*, meeting: Meeting, version: MinutesVersion) -> None:
    url = _version_url(meeting, version)
    marker = f"Version {version.number} of these minutes was retracted"
    forum_topic_publish(
        subject_key=forum_subject(meeting),
        title=version.title,
        raw=_forum_post_of(meeting),
        reply=f"{marker} on {version.retracted_at:%Y-%m-%d}.",
        reply_marker=marker,
    )
    webhook_event_queue(
        event_type="minutes.retracted",
        event_key=f"minutes.retracted:{version.pk}",
        data={**_public_facts(meeting, version), "retracted_at": version.retracted_at.isoformat()},
        text=f"Minutes retracted: {version.title} (version {version.number}) {url}",
    )
