"""The upload form previews the parsed structure and saves nothing until confirmed."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from governance.models import AuditEvent
from meetings import services
from meetings.models import AgendaItem, Meeting, Visibility
from tests.meetings.minutes_import.conftest import CORPUS

pytestmark = pytest.mark.django_db

# The session comes from the cache (cached_db): no query.
# 1. the two-factor device with the user  2. the user's role kinds
# 3. the meeting by slug, its attendance joined  4. its attendees  5. its review rounds (none, so
# no reviews)  6. its versions  7. the action items carried into it (none, so no owners)
# 8. the agenda items  9. their presenters  10. their nominations  11. their decisions
# 12. their action items  13. those items' owners  14. the people offered as attendees in the
# meeting form (no review round, so no electorate is read)
QUERIES_OF_THE_WORKSPACE = 14


def test_it_previews_an_upload_and_imports_it_only_once_confirmed(roster, core1_client):
    text = (CORPUS / "board_prose.md").read_bytes()
    upload = SimpleUploadedFile("board.md", text, content_type="text/markdown")

    preview = core1_client.post("/meetings/import/", {"file": upload})

    page = preview.content.decode()
    assert preview.status_code == 200
    assert preview["Cache-Control"].startswith("private")
    assert not Meeting.objects.exists()
    for shown in (
        "Board meeting — September 30, 2022",
        "Ada Example, Ben Sample, Dee Person, Eli Nohandle",  # present
        "Fay Retired",  # absent
        "Hal Grad",  # guest
        "moved by Dee Person, seconded by Eli Nohandle",
        "Eli Nohandle to collect comments on the policy before the next meeting, unmatched"[:60],
        "Quorum was reached with four of five board members present.",  # not understood
    ):
        assert shown in page, shown

    confirm_form = preview.context["form"]
    confirmed = core1_client.post(
        "/meetings/import/",
        {field: confirm_form[field].value() for field in ("text", "confirm", "source")},
    )

    meeting = Meeting.objects.get()
    assert confirmed.status_code == 302
    assert confirmed["Location"] == meeting.get_edit_url()
    assert set(AgendaItem.objects.values_list("visibility", flat=True)) == {Visibility.PRIVATE}
    assert meeting.attendance.chair == "Ada Example"
    audit = AuditEvent.objects.get(verb="minutes.imported")
    assert audit.data["source"] == "board.md"


def test_it_reads_numeric_dates_day_first_when_asked(core1_client):
    text = "Release team meeting 1/9/24\n\nNotes\n\n- a\n"

    month_first = core1_client.post("/meetings/import/", {"text": text})
    day_first = core1_client.post("/meetings/import/", {"text": text, "day_first": "on"})

    assert month_first.context["preview"]["meetings"][0]["date"] == "2024-01-09"
    assert day_first.context["preview"]["meetings"][0]["date"] == "2024-09-01"


@pytest.mark.parametrize("persona", ["anonymous", "outsider", "maintainer"])
def test_it_hides_the_preview_from_anyone_but_core_maintainers(client_for, persona):
    response = client_for(persona).post("/meetings/import/", {"text": "# Board 2024-01-01\n"})

    assert response.status_code in (302, 404)
    assert not Meeting.objects.exists()


def test_it_shows_the_imported_attendance_on_the_meeting_page_in_a_fixed_number_of_queries(
    roster, core1, core1_client, django_assert_num_queries
):
    text = (CORPUS / "board_prose.md").read_text(encoding="utf-8")
    (meeting,) = services.minutes_import(actor=core1, text=text)
    core1_client.get(meeting.get_edit_url())  # warms the session and the two factors

    with django_assert_num_queries(QUERIES_OF_THE_WORKSPACE):
        response = core1_client.get(meeting.get_edit_url())

    page = response.content.decode()
    for shown in ("Ada Example, Ben Sample, Dee Person, Eli Nohandle", "Fay Retired", "Hal Grad"):
        assert shown in page
    assert "<dt>Quorum</dt><dd>Reached</dd>" in page


def test_it_shows_votes_motions_and_unmatched_owners_on_the_meeting_page(
    roster, core1, core1_client
):
    board = (CORPUS / "board_prose.md").read_text(encoding="utf-8")
    ours = (CORPUS / "ours_markdown.md").read_text(encoding="utf-8")
    gdocs = (CORPUS / "gdocs_headings.md").read_text(encoding="utf-8")
    (board_meeting,) = services.minutes_import(actor=core1, text=board)
    (our_meeting,) = services.minutes_import(actor=core1, text=ours)
    (gdocs_meeting,) = services.minutes_import(actor=core1, text=gdocs)

    board_page = core1_client.get(board_meeting.get_edit_url()).content.decode()
    our_page = core1_client.get(our_meeting.get_edit_url()).content.decode()
    gdocs_page = core1_client.get(gdocs_meeting.get_edit_url()).content.decode()

    assert "(moved by Dee Person, seconded by Eli Nohandle)" in board_page
    assert "owners matching no person: Dee Person" in our_page
    assert '<span class="badge">vote</span>' in gdocs_page
