"""Every meeting page, for the anonymous public and each signed-in persona, and bad input."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from governance.models import Person
from meetings import services
from meetings.minutes_parser import MAX_IMPORT_BYTES
from meetings.models import Meeting, MeetingStatus, MinutesVersion
from tests.conftest import ALL_VIEWERS, SIGNED_IN_PERSONAS
from tests.meetings.conftest import (
    NEW_MEETING_FORM,
    PUBLIC_WORD,
    add_public_item,
    new_meeting,
    publish,
)

pytestmark = pytest.mark.django_db

NOT_CORE = ("maintainer", "nominator", "nominee", "outsider", "staff")


@pytest.fixture
def published(lead, core1, core2, draft_meeting) -> Meeting:
    return publish(draft_meeting, core1, lead, core2)


def assert_private_404(response, viewer: str) -> None:
    if viewer == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    else:
        assert response.status_code == 404


# Public pages ---------------------------------------------------------------------------------


@pytest.mark.parametrize("viewer", ALL_VIEWERS)
def test_it_shows_the_latest_minutes_on_the_home_page(client_for, published, viewer):
    response = client_for(viewer).get("/")

    content = response.content.decode()
    assert response.status_code == 200
    assert published.get_absolute_url() in content
    assert "Latest roster changes" in content
    assert "Core maintainers" in content


@pytest.mark.parametrize("viewer", ALL_VIEWERS)
def test_it_lists_published_meetings_newest_first(client_for, lead, core1, core2, viewer):
    older = publish(add_meeting(core1, "Older meeting", -90), core1, lead, core2)
    newer = publish(add_meeting(core1, "Newer meeting", -10), core1, lead, core2)
    add_meeting(core1, "Unpublished draft", -5)

    content = client_for(viewer).get("/meetings/").content.decode()

    assert content.index(newer.title) < content.index(older.title)
    assert "Unpublished draft" not in content


def add_meeting(actor, title: str, days: int) -> Meeting:
    meeting = new_meeting(actor, title=title, days=days)
    add_public_item(actor, meeting)
    return meeting


@pytest.mark.parametrize("viewer", ALL_VIEWERS)
def test_it_shows_the_latest_version_with_earlier_versions_linked(
    client_for, lead, core1, core2, published, viewer
):
    item = published.agenda_items.get()
    services.agenda_item_update(actor=core1, item=item, data={"notes": "- Corrected text."})
    services.minutes_submit(actor=core1, meeting=published, change_note="Fixed a typo.")
    services.minutes_review(actor=lead, meeting=published, verdict="approve")
    services.minutes_review(actor=core2, meeting=published, verdict="approve")
    client = client_for(viewer)

    latest = client.get(published.get_absolute_url()).content.decode()
    first = client.get(f"{published.get_absolute_url()}v/1/").content.decode()

    assert "Corrected text." in latest
    assert "Corrected: this is version 2. Fixed a typo." in latest
    assert f'href="{published.get_absolute_url()}v/1/"' in latest
    assert PUBLIC_WORD in first
    assert "This is an earlier version." in first


@pytest.mark.parametrize("viewer", ALL_VIEWERS)
def test_it_answers_404_for_unknown_or_unpublished_meetings(client_for, draft_meeting, viewer):
    client = client_for(viewer)

    assert client.get("/meetings/no-such-meeting/").status_code == 404
    assert client.get(draft_meeting.get_absolute_url()).status_code == 404
    assert client.get(f"{draft_meeting.get_absolute_url()}v/1/").status_code == 404


@pytest.mark.parametrize("viewer", ALL_VIEWERS)
def test_it_serves_an_atom_feed_entry_per_version(client_for, published, viewer):
    response = client_for(viewer).get("/meetings/feed/")

    content = response.content.decode()
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    assert f"<title>{published.title}</title>" in content
    assert f"{published.get_absolute_url()}v/1/" in content
    assert PUBLIC_WORD in content


@pytest.mark.parametrize("viewer", ALL_VIEWERS)
def test_it_exports_published_meetings_as_one_forum_post(client_for, published, viewer):
    response = client_for(viewer).get(f"/meetings/export.md?m={published.slug}")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/markdown; charset=utf-8"
    assert response.content.decode().startswith("Notes from the Recent Core Maintainers Meeting (")


@pytest.mark.parametrize(
    ("query", "status", "message"),
    [
        ("", 400, "Choose at least one published meeting"),
        ("?m=no-such-meeting", 404, "No published minutes for: no-such-meeting"),
        ("?" + "&".join(f"m=s{n}" for n in range(21)), 400, "at most 20"),
    ],
)
def test_it_refuses_a_bad_export_request_clearly(client, published, query, status, message):
    response = client.get(f"/meetings/export.md{query}")

    assert response.status_code == status
    assert message in response.content.decode()


@pytest.mark.parametrize("viewer", ALL_VIEWERS)
def test_it_searches_published_minutes(client_for, published, viewer):
    response = client_for(viewer).get("/meetings/search/", {"q": PUBLIC_WORD.lower()})

    content = response.content.decode()
    assert response.status_code == 200
    assert published.get_absolute_url() in content
    assert ("Private notes" in content) == (viewer in ("lead", "core1"))


def test_it_searches_private_notes_for_core_maintainers_only(client_for, core1, draft_meeting):
    services.agenda_item_add(
        actor=core1, meeting=draft_meeting, title="Hidden", notes="- zanzibarian plan"
    )

    core = client_for("core1").get("/meetings/search/", {"q": "zanzibarian"})
    public = client_for("anonymous").get("/meetings/search/", {"q": "zanzibarian"})

    assert "<mark>zanzibarian</mark> plan" in core.content.decode()
    assert "no-store" in core["Cache-Control"]
    assert "zanzibarian plan" not in public.content.decode()
    assert "No published minutes mention “zanzibarian”." in public.content.decode()


# Private pages --------------------------------------------------------------------------------


@pytest.mark.parametrize("viewer", ["anonymous", *NOT_CORE])
@pytest.mark.parametrize(
    "path", ["/meetings/manage/", "/meetings/new/", "/meetings/import/", "{edit}", "{item}"]
)
def test_it_hides_the_working_copy_from_everyone_but_core(client_for, draft_meeting, viewer, path):
    item = draft_meeting.agenda_items.get()
    path = path.format(
        edit=draft_meeting.get_edit_url(), item=f"/meetings/{draft_meeting.slug}/items/{item.pk}/"
    )

    assert_private_404(client_for(viewer).get(path), viewer)


@pytest.mark.parametrize("viewer", ["anonymous", *NOT_CORE])
def test_it_refuses_every_action_to_everyone_but_core(
    client_for, lead, core1, draft_meeting, viewer
):
    services.minutes_submit(actor=core1, meeting=draft_meeting)
    client = client_for(viewer)

    for action in ("review", "publish", "submit", "carry-over"):
        response = client.post(f"/meetings/{draft_meeting.slug}/{action}/", {"verdict": "approve"})
        assert_private_404(response, viewer)
    assert not MinutesVersion.objects.exists()


@pytest.mark.parametrize("viewer", ["lead", "core1"])
def test_it_shows_core_maintainers_the_private_notes_beside_the_preview(
    client_for, core1, draft_meeting, viewer
):
    services.agenda_item_add(
        actor=core1,
        meeting=draft_meeting,
        title="Nominations",
        notes="- [redact: names]Jane Doe[/redact] was discussed.",
    )

    response = client_for(viewer).get(draft_meeting.get_edit_url())

    content = response.content.decode()
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert (
        '<mark class="redacts" title="Redacted: names">[redact: names]Jane Doe[/redact]</mark>'
        in content
    )
    assert '<mark class="redacted">[names redacted]</mark> was discussed.' in content


def test_it_shows_writers_their_unclosed_markup_and_saves_nothing(core1_client, draft_meeting):
    item = draft_meeting.agenda_items.get()

    response = core1_client.post(
        f"/meetings/{draft_meeting.slug}/items/{item.pk}/",
        {"title": "Release plan", "visibility": "public", "notes": "ok\n[redact: names]Jane"},
    )

    assert response.status_code == 400
    assert "Line 2, column 1: this redaction is never closed with [/redact]." in (
        response.content.decode()
    )
    item.refresh_from_db()
    assert "Jane" not in item.notes


def test_it_refuses_to_publish_without_approvals_with_a_409(core1_client, core1, draft_meeting):
    services.minutes_submit(actor=core1, meeting=draft_meeting)

    response = core1_client.post(f"/meetings/{draft_meeting.slug}/publish/")

    assert response.status_code == 409
    assert "Publishing needs approval by a majority" in response.content.decode()
    assert not MinutesVersion.objects.exists()


def test_it_publishes_through_the_pages(client_for, core1, draft_meeting):
    core1_client, lead_client = client_for("core1"), client_for("lead")
    core2_client = client_for("core2")

    submitted = core1_client.post(f"/meetings/{draft_meeting.slug}/submit/", {"window_days": 7})
    objected = lead_client.post(f"/meetings/{draft_meeting.slug}/review/", {"verdict": "object"})
    lead_client.post(f"/meetings/{draft_meeting.slug}/review/", {"verdict": "approve"})
    core2_client.post(f"/meetings/{draft_meeting.slug}/review/", {"verdict": "approve"})

    assert submitted.status_code == 302
    assert objected.status_code == 400  # an objection needs a comment
    draft_meeting.refresh_from_db()
    assert draft_meeting.status == MeetingStatus.PUBLISHED
    assert client_for("anonymous").get(draft_meeting.get_absolute_url()).status_code == 200


def test_it_imports_an_uploaded_file_as_drafts(core1_client):
    upload = SimpleUploadedFile(
        "minutes.md",
        b"## Team meeting 2024-05-02\n\n### Release\n\n- Ship it\n- Decision: accepted\n",
        content_type="text/markdown",
    )

    previewed = core1_client.post("/meetings/import/", {"file": upload})
    assert previewed.status_code == 200
    assert not Meeting.objects.exists()
    response = core1_client.post(
        "/meetings/import/", {"text": previewed.context["form"]["text"].value(), "confirm": "on"}
    )

    meeting = Meeting.objects.get()
    assert response.status_code == 302
    assert response["Location"] == meeting.get_edit_url()
    assert (meeting.title, meeting.status) == ("Team meeting 2024-05-02", MeetingStatus.DRAFT)
    assert not MinutesVersion.objects.exists()


@pytest.mark.parametrize(
    ("content", "status", "message"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", 400, "The file is binary, not text."),
        (b"caf\xe9 minutes", 400, "The file is not UTF-8 text"),
        (b"x" * (MAX_IMPORT_BYTES + 1), 413, "minutes are imported up to 1,000,000 bytes"),
        (b"   \n", 400, "The file is empty."),
    ],
)
def test_it_refuses_an_upload_that_is_not_minutes(core1_client, content, status, message):
    upload = SimpleUploadedFile("upload.txt", content, content_type="text/plain")

    response = core1_client.post("/meetings/import/", {"file": upload})

    assert response.status_code == status
    assert message in response.content.decode()
    assert not Meeting.objects.exists()


@pytest.mark.parametrize("viewer", SIGNED_IN_PERSONAS)
def test_it_shows_each_owner_their_own_action_items(client_for, core1, draft_meeting, viewer):
    item = draft_meeting.agenda_items.get()
    owner = client_for("maintainer")  # builds the persona
    maintainer = Person.objects.get(github="hsato")
    services.action_item_add(
        actor=core1,
        item=item,
        text="Draft the FP8 RFC with [redact: personal]Jane Doe[/redact].",
        owners=[maintainer],
    )

    response = (owner if viewer == "maintainer" else client_for(viewer)).get(
        "/meetings/action-items/"
    )

    content = response.content.decode()
    assert response.status_code == 200
    assert ("Draft the FP8 RFC with [personal redacted]." in content) == (viewer == "maintainer")
    assert "Jane Doe" not in content


def test_it_sends_the_anonymous_to_sign_in_for_action_items(anonymous_client):
    response = anonymous_client.get("/meetings/action-items/")

    assert response.status_code == 302


def test_it_lets_an_owner_mark_their_action_item_done(client_for, core1, draft_meeting):
    owner = client_for("maintainer")
    outsider = client_for("outsider")
    action = services.action_item_add(
        actor=core1,
        item=draft_meeting.agenda_items.get(),
        text="Write it.",
        owners=[Person.objects.get(github="hsato")],
    )

    refused = outsider.post(f"/meetings/action-items/{action.pk}/", {"status": "done"})
    done = owner.post(f"/meetings/action-items/{action.pk}/", {"status": "done"})

    action.refresh_from_db()
    assert refused.status_code == 404
    assert done.status_code == 302
    assert action.status == "done"


@pytest.mark.parametrize(
    "target",
    [
        "a\x00b",
        "\x00",
        "//evil.example/",
        "/\\evil.example/",
        "https://evil.example/",
        "javascript:x",
    ],
)
def test_it_returns_to_the_action_items_for_a_hostile_next(
    client_for, core1, draft_meeting, target
):
    owner = client_for("maintainer")
    action = services.action_item_add(
        actor=core1,
        item=draft_meeting.agenda_items.get(),
        text="Write it.",
        owners=[Person.objects.get(github="hsato")],
    )

    response = owner.post(
        f"/meetings/action-items/{action.pk}/", {"status": "done", "next": target}
    )

    assert response.status_code == 302
    assert response["Location"] == "/meetings/action-items/"


def test_it_returns_to_the_page_the_action_item_was_marked_on(client_for, core1, draft_meeting):
    owner = client_for("maintainer")
    action = services.action_item_add(
        actor=core1,
        item=draft_meeting.agenda_items.get(),
        text="Write it.",
        owners=[Person.objects.get(github="hsato")],
    )
    back = f"/meetings/{draft_meeting.slug}/edit/"

    response = owner.post(f"/meetings/action-items/{action.pk}/", {"status": "done", "next": back})

    assert response["Location"] == back


def test_it_says_what_is_missing_when_an_import_posts_nothing(core1_client):
    response = core1_client.post("/meetings/import/", {})

    assert response.status_code == 400
    assert "Choose a file or paste the minutes." in response.content.decode()
    assert not Meeting.objects.exists()


def test_it_shows_a_service_refusal_about_a_field_the_form_lacks(core1_client, draft_meeting):
    # The new-item form has no public summary; the service wants one for a summary-only item.
    before = draft_meeting.agenda_items.count()

    response = core1_client.post(
        f"/meetings/{draft_meeting.slug}/items/", {"title": "Roadmap", "visibility": "summary"}
    )

    assert response.status_code == 400
    assert "A summary-only item needs a public summary" in response.content.decode()
    assert draft_meeting.agenda_items.count() == before


def test_it_refuses_an_attendee_id_beyond_the_database_range(core1_client):
    response = core1_client.post("/meetings/new/", {**NEW_MEETING_FORM, "attendees": ["9" * 30]})

    assert response.status_code == 400
    assert "is not one of the available choices" in response.content.decode()
    assert not Meeting.objects.exists()


def test_it_says_why_a_review_of_minutes_not_in_review_was_not_saved(core1_client, draft_meeting):
    response = core1_client.post(
        f"/meetings/{draft_meeting.slug}/review/", {"verdict": "approve", "comment": "\x00"}
    )

    assert response.status_code == 400
    assert "Nothing was saved. Comment: Null characters are not allowed." in (
        response.content.decode()
    )
    assert not draft_meeting.review_rounds.exists()


@pytest.mark.parametrize("persona", ["anonymous", "core1"])
def test_it_refuses_a_search_with_a_nul_character(client_for, published, persona):
    # PostgreSQL's full-text search cannot take NUL: it answered 500 there.
    response = client_for(persona).get("/meetings/search/", {"q": "minutes\x00"})

    assert response.status_code == 400
    assert "Null characters are not allowed." in response.content.decode()


def test_it_refuses_an_export_of_an_address_no_meeting_can_have(client, published):
    # A NUL in the address answered 500 on PostgreSQL.
    response = client.get("/meetings/export.md", {"m": [published.slug, "a\x00b"]})

    assert response.status_code == 400
    assert "letters, digits and hyphens only" in response.content.decode()
