"""Each irreversible step asks first, on a page of its own that says what will happen and who
will see it; the page's button takes the step. A step that cannot be taken now shows its
button disabled, with the reason."""

import datetime

import pytest
from django.utils import timezone

from nominations import services
from nominations.models import NominationStatus, Outcome
from tests.nominations.conftest import fresh

pytestmark = pytest.mark.django_db


def test_it_asks_before_starting_the_vote_and_starts_it_from_the_confirmation(
    client_for, open_nomination
):
    core1 = client_for("core1")
    page = core1.get(f"/nominations/{open_nomination.pk}/").content.decode()
    assert (
        f'href="/nominations/{open_nomination.pk}/confirm/voting_open/">Start the vote…</a>' in page
    )

    confirmation = core1.get(f"/nominations/{open_nomination.pk}/confirm/voting_open/")

    content = confirmation.content.decode()
    assert confirmation.status_code == 200
    assert "Every core maintainer is told in their inbox and by email" in content
    assert "The nominee, the nominators and the public are not told." in content
    assert "Start the vote now" in content
    assert (
        fresh(open_nomination).status == NominationStatus.OPEN
    )  # reading the page changes nothing
    deadline = (timezone.now() + datetime.timedelta(days=8)).strftime("%Y-%m-%dT%H:%M")
    done = core1.post(f"/nominations/{open_nomination.pk}/voting/", {"deadline": deadline})
    assert done.status_code == 302
    assert fresh(open_nomination).status == NominationStatus.VOTING


def test_it_keeps_the_withdrawal_reason_on_the_confirmation_when_it_is_refused(
    client_for, open_nomination
):
    response = client_for("core1").post(f"/nominations/{open_nomination.pk}/withdraw/", {})

    content = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem: nothing was saved" in content
    assert "The nominee and the public are not told, and never read the reason." in content
    assert fresh(open_nomination).status == NominationStatus.OPEN


def test_it_explains_releasing_the_feedback_and_the_announcement_before_either(client_for, build):
    nomination = build.decided(outcome=Outcome.ACCEPTED, release=False)
    core2 = client_for("core2")

    feedback = core2.get(f"/nominations/{nomination.pk}/confirm/feedback_release/").content.decode()
    services.feedback_release(actor=build.core1, nomination=nomination)
    announcement = core2.get(
        f"/nominations/{nomination.pk}/confirm/announcement_release/"
    ).content.decode()

    assert "The nominee and each nominator are told in their inbox and by email" in feedback
    assert "Release the feedback now" in feedback
    assert "Everyone, the public included." in announcement
    assert "Release and update the roster now" in announcement
    assert fresh(nomination).announcement.released_at is None


def test_it_shows_the_announcement_step_disabled_with_the_reason_to_whoever_opened_the_vote(
    client_for, build
):
    nomination = build.decided(outcome=Outcome.ACCEPTED, release=False)
    services.feedback_release(actor=build.core1, nomination=nomination)

    content = (
        client_for("core1")
        .get(f"/nominations/{nomination.pk}/confirm/announcement_release/")
        .content.decode()
    )

    assert '<button type="button" disabled aria-describedby="step-refusal">' in content
    assert "Release and update the roster now" in content
    assert '<form method="post" action="/nominations/' not in content


def test_it_asks_before_marking_a_request_as_spam(client_for, pending_request):
    core1 = client_for("core1")
    url = f"/nominations/requests/{pending_request.pk}/"

    plain = core1.get(url).content.decode()
    asked = core1.get(url + "?confirm=spam").content.decode()

    assert 'href="?confirm=spam">Spam…</a>' in plain
    assert "Mark as spam now" not in plain
    assert "The requester is not notified and reads no reason." in asked
    assert 'name="decision" value="spam"' in asked
