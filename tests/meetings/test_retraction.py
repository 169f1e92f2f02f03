"""Retracting a published version: core maintainers only, once, audited with a private reason
and a hash of the text taken down; the text then reaches no public response (pages, feed,
calendar, search, export), cached or not; the meeting falls back to its previous version, and
publishing again works."""

import hashlib

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone

from governance.models import AuditEvent, Notification, NotificationChannel
from meetings import services
from meetings.models import AgendaItem, Meeting, MeetingStatus, MinutesVersion
from meetings.services.retraction import retraction_notice
from tests.meetings.conftest import PUBLIC_WORD, add_public_item, new_meeting, publish
from tests.support.built_once import built_once, personas_of

pytestmark = pytest.mark.django_db

# Public until the retraction, so finding it anywhere public afterwards is a leak.
RETRACTED_WORD = "QXRETRACTEDBODY"
REASON = "QXRETRACTREASON: the notes named a declined nominee"
REASON_WORD = "QXRETRACTREASON"
PUBLIC_VIEWERS = ("anonymous", "maintainer", "nominator", "nominee", "outsider", "staff")
NOT_CORE = ("maintainer", "nominator", "nominee", "outsider", "staff")


@pytest.fixture(scope="module")
def leaky_once(django_db_setup, django_db_blocker):
    """Published while lead, core1 and core2 are the only core maintainers; every test starts
    from it, and what each changes is rolled back after it."""
    with built_once(django_db_blocker) as built:
        lead, core1, core2 = (built.persona(name) for name in ("lead", "core1", "core2"))
        meeting = new_meeting(core1, title="Leaky meeting")
        add_public_item(core1, meeting, notes=f"- {PUBLIC_WORD} and {RETRACTED_WORD} discussed.")
        built.world = publish(meeting, core1, lead, core2)
        for name in NOT_CORE:
            built.persona(name)
        built.keep_sent_mail()
        yield built


@pytest.fixture
def leaky(leaky_once, db) -> Meeting:
    leaky_once.resend_mail()
    return Meeting.objects.get(pk=leaky_once.world.pk)


lead, core1, core2, maintainer, nominator, nominee, outsider, staff = personas_of(
    "leaky_once", ("lead", "core1", "core2", *NOT_CORE)
)


def version_of(meeting: Meeting, number: int = 1) -> MinutesVersion:
    return MinutesVersion.objects.get(meeting=meeting, number=number)


def retract(meeting: Meeting, actor, number: int = 1) -> MinutesVersion:
    return services.minutes_version_retract(
        actor=actor, version=version_of(meeting, number), reason=REASON
    )


def publish_correction(meeting: Meeting, notes: str, lead, core1, core2) -> Meeting:
    item = AgendaItem.objects.get(meeting=meeting)
    services.agenda_item_update(actor=core1, item=item, data={"notes": notes})
    return publish(meeting, core1, lead, core2)


def public_urls(meeting: Meeting) -> list[str]:
    slug = meeting.slug
    return [
        "/",
        "/meetings/",
        f"/meetings/{slug}/",
        f"/meetings/{slug}/v/1/",
        "/meetings/feed/",
        "/meetings/calendar.ics",
        f"/meetings/export.md?m={slug}",
        f"/meetings/search/?q={PUBLIC_WORD}",
    ]


def finds_the_retracted_text(client: Client) -> bool:
    # The page repeats the query it was given; a result is what would leak.
    content = client.get("/meetings/search/", {"q": RETRACTED_WORD}).content.decode()
    return 'class="results"' in content


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


# The service ----------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", [*NOT_CORE, None])
def test_it_lets_only_core_maintainers_retract_a_version(request, leaky, persona):
    actor = request.getfixturevalue(persona) if persona else None
    before = version_of(leaky)

    with pytest.raises(PermissionDenied):
        services.minutes_version_retract(actor=actor, version=before, reason=REASON)

    after = version_of(leaky)
    assert (after.markdown, after.retracted_at) == (before.markdown, None)
    assert not AuditEvent.objects.filter(verb="minutes.retracted").exists()


def test_it_replaces_the_public_text_with_a_notice_and_audits_who_when_why_and_a_hash(leaky, core2):
    before = version_of(leaky)

    version = retract(leaky, core2)

    assert version.retracted_by == core2
    assert version.markdown == retraction_notice(version.retracted_at)
    assert f"<p>{retraction_notice(version.retracted_at)}</p>" in version.html
    assert (version.redaction_log, version.change_note) == ({}, "")
    event = AuditEvent.objects.get(verb="minutes.retracted")
    assert (event.actor, event.target_id) == (core2, str(leaky.pk))
    assert version.retraction_reason == REASON
    assert event.data == {
        "version": 1,
        "markdown_sha256": sha256(before.markdown),
        "html_sha256": sha256(before.html),
    }
    assert RETRACTED_WORD in before.markdown
    assert RETRACTED_WORD not in f"{version.markdown}{version.html}{event.data}"


def test_it_retracts_a_version_once_and_changes_nothing_the_second_time(leaky, core1, lead):
    first = retract(leaky, core1)

    with pytest.raises(services.MeetingError, match="already retracted"):
        retract(leaky, lead)

    again = version_of(leaky)
    assert (again.retracted_by, again.retracted_at, again.markdown) == (
        core1,
        first.retracted_at,
        first.markdown,
    )
    assert AuditEvent.objects.filter(verb="minutes.retracted").count() == 1


def test_it_refuses_a_retraction_without_a_reason(leaky, core1):
    with pytest.raises(ValidationError):
        services.minutes_version_retract(actor=core1, version=version_of(leaky), reason="  ")

    assert version_of(leaky).retracted_at is None


def test_it_keeps_who_and_when_of_a_retraction_together_in_the_database(leaky):
    with pytest.raises(IntegrityError), transaction.atomic():
        MinutesVersion.objects.filter(meeting=leaky).update(retracted_at=timezone.now())


def test_it_tells_core_maintainers_and_keeps_the_reason_out_of_email(leaky, core1, core2):
    retract(leaky, core1)

    told = Notification.objects.filter(subject__startswith="Minutes retracted")
    inbox = told.get(recipient=core2, channel=NotificationChannel.INBOX)
    assert REASON in inbox.body
    assert told.filter(channel=NotificationChannel.EMAIL).exists()
    for email in told.filter(channel=NotificationChannel.EMAIL):
        assert REASON_WORD not in f"{email.subject}{email.body}"
    assert {n.recipient.username for n in told} <= {"lead", "core1", "core2"}


def test_it_falls_back_to_the_previous_version_when_the_latest_is_retracted(
    leaky, lead, core1, core2
):
    publish_correction(
        leaky, f"- {PUBLIC_WORD} corrected, {RETRACTED_WORD} again.", lead, core1, core2
    )

    retract(leaky, core1, number=2)

    leaky.refresh_from_db()
    assert leaky.status == MeetingStatus.DRAFT
    page = Client().get(leaky.get_absolute_url()).content.decode()
    assert "version 1, published" in page
    assert f"{PUBLIC_WORD} and {RETRACTED_WORD} discussed" in page
    retracted = Client().get(f"/meetings/{leaky.slug}/v/2/").content.decode()
    assert "This version of the minutes was retracted on" in retracted
    assert "corrected" not in retracted
    feed = Client().get("/meetings/feed/").content.decode()
    assert f"/meetings/{leaky.slug}/v/1/" in feed
    assert f"/meetings/{leaky.slug}/v/2/" not in feed


def test_it_publishes_a_new_version_after_the_only_one_is_retracted(leaky, lead, core1, core2):
    retract(leaky, core1)
    leaky.refresh_from_db()
    assert leaky.status == MeetingStatus.DRAFT

    services.minutes_submit(actor=core1, meeting=leaky)
    for approver in (lead, core2):
        services.minutes_review(actor=approver, meeting=leaky, verdict="approve")

    assert version_of(leaky, 2).retracted_at is None
    page = Client().get(leaky.get_absolute_url()).content.decode()
    assert "version 2, published" in page
    assert PUBLIC_WORD in page


# Public responses -----------------------------------------------------------------------------


@pytest.mark.parametrize("viewer", PUBLIC_VIEWERS)
def test_it_keeps_the_retracted_text_out_of_every_public_response(client_for, leaky, core1, viewer):
    client = client_for(viewer)
    shown_before = [
        url for url in public_urls(leaky) if RETRACTED_WORD in client.get(url).content.decode()
    ]
    # The checks below can fail: before the retraction, the pages, the feed, the export and the
    # search all show the text.
    assert len(shown_before) == 5, shown_before
    assert finds_the_retracted_text(client)

    retract(leaky, core1)

    for url in public_urls(leaky):
        response = client.get(url)
        content = response.content.decode()
        assert response.status_code in (200, 404), url
        assert RETRACTED_WORD not in content, url
        assert REASON_WORD not in content, url
    assert not finds_the_retracted_text(client)
    for url in (leaky.get_absolute_url(), f"/meetings/{leaky.slug}/v/1/"):
        assert "This version of the minutes was retracted on" in client.get(url).content.decode()


def test_it_refreshes_the_cached_public_pages_on_retraction(leaky, core1):
    urls = public_urls(leaky)
    cached = {url: Client().get(url).content.decode() for url in urls}
    assert RETRACTED_WORD in cached[leaky.get_absolute_url()]
    assert finds_the_retracted_text(Client())

    retract(leaky, core1)

    for url in urls:
        assert RETRACTED_WORD not in Client().get(url).content.decode(), url
    assert not finds_the_retracted_text(Client())


# The pages ------------------------------------------------------------------------------------


def test_it_offers_core_maintainers_a_confirmation_page_that_says_what_happens(core1_client, leaky):
    retract_url = f"/meetings/{leaky.slug}/v/1/retract/"

    workspace = core1_client.get(leaky.get_edit_url()).content.decode()
    page = core1_client.get(retract_url)

    assert retract_url in workspace
    assert page.status_code == 200
    content = page.content.decode()
    assert "The public reads the notice and the date, never your reason." in content
    assert "The working copy becomes a draft again" in content
    assert "No other version is left to show" in content


def test_it_retracts_through_the_confirmation_page(core1_client, leaky, core1):
    retract_url = f"/meetings/{leaky.slug}/v/1/retract/"

    response = core1_client.post(retract_url, {"reason": REASON})

    assert response.status_code == 302
    assert response["Location"] == leaky.get_edit_url()
    assert version_of(leaky).retracted_by == core1
    workspace = core1_client.get(leaky.get_edit_url()).content.decode()
    assert "retracted" in workspace
    assert retract_url not in workspace
    assert core1_client.post(retract_url, {"reason": REASON}).status_code == 409


def test_it_refuses_a_retraction_posted_without_a_reason(core1_client, leaky):
    response = core1_client.post(f"/meetings/{leaky.slug}/v/1/retract/", {"reason": ""})

    assert response.status_code == 400
    assert version_of(leaky).retracted_at is None


@pytest.mark.parametrize("viewer", ["anonymous", *NOT_CORE])
def test_it_hides_the_retraction_from_everyone_but_core(client_for, leaky, viewer):
    client = client_for(viewer)
    retract_url = f"/meetings/{leaky.slug}/v/1/retract/"

    for response in (client.get(retract_url), client.post(retract_url, {"reason": REASON})):
        if viewer == "anonymous":
            assert response["Location"].startswith("/accounts/login/")
        else:
            assert response.status_code == 404
    assert version_of(leaky).retracted_at is None


def test_it_shows_operators_no_retraction_reason_in_the_admin(client_for, leaky, core1):
    version = retract(leaky, core1)
    event = AuditEvent.objects.get(verb="minutes.retracted")
    client = client_for("staff")

    pages = [
        "/admin/governance/auditevent/",
        f"/admin/governance/auditevent/{event.pk}/change/",
        "/admin/meetings/minutesversion/",
        f"/admin/meetings/minutesversion/{version.pk}/change/",
    ]
    responses = {page: client.get(page) for page in pages}

    assert {page: r.status_code for page, r in responses.items()} == dict.fromkeys(pages, 200)
    assert [page for page, r in responses.items() if REASON in r.content.decode()] == []
