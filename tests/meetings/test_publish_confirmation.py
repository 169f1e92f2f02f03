"""Publishing asks first and says who will read what; "Publish now" is disabled, with the
reason, while the review policy does not allow it."""

import datetime

import pytest
from django.utils import timezone

from meetings import services
from meetings.models import MinutesVersion, ReviewRound

pytestmark = pytest.mark.django_db


def test_it_shows_publish_now_disabled_with_the_reason_until_a_majority_approves(
    core1_client, core1, draft_meeting
):
    services.minutes_submit(actor=core1, meeting=draft_meeting)

    workspace = core1_client.get(draft_meeting.get_edit_url()).content.decode()
    confirmation = core1_client.get(f"/meetings/{draft_meeting.slug}/publish/").content.decode()

    disabled = (
        '<button type="button" class="secondary" disabled aria-describedby="publish-refusal">'
    )
    assert disabled in workspace
    assert "Not yet: Publishing needs approval by a majority" in workspace
    assert 'disabled aria-describedby="publish-refusal">Publish now</button>' in confirmation
    assert not MinutesVersion.objects.exists()


def test_it_confirms_what_publishing_does_and_publishes_from_the_confirmation(
    core1_client, core1, draft_meeting
):
    services.minutes_submit(actor=core1, meeting=draft_meeting)
    # The review window ended a second ago with no objection; the scan has not yet published.
    ReviewRound.objects.filter(meeting=draft_meeting).update(
        submitted_at=timezone.now() - datetime.timedelta(days=8),
        closes_at=timezone.now() - datetime.timedelta(seconds=1),
    )
    workspace = core1_client.get(draft_meeting.get_edit_url()).content.decode()
    assert f'href="/meetings/{draft_meeting.slug}/publish/">Publish now…</a>' in workspace

    confirmation = core1_client.get(f"/meetings/{draft_meeting.slug}/publish/")

    content = confirmation.content.decode()
    assert confirmation.status_code == 200
    assert "Everyone, the public included" in content
    assert "Publish version 1 now" in content
    assert not MinutesVersion.objects.exists()
    published = core1_client.post(f"/meetings/{draft_meeting.slug}/publish/")
    assert published.status_code == 302
    assert MinutesVersion.objects.get().number == 1
