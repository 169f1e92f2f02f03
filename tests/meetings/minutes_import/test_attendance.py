"""Imported attendance stays private until a core maintainer marks it public; then the published
minutes list it. Imported minutes leave nothing on any public page."""

import pytest

from meetings import services
from meetings.models import MeetingStatus, MinutesVersion
from tests.meetings.conftest import add_public_item, new_meeting, publish

pytestmark = pytest.mark.django_db

CANARY_GUEST = "QXCANARYGUESTNAME"
CANARY_IMPORTED_NOTE = "QXCANARYIMPORTEDNOTE"
PUBLIC_PAGES = ["/", "/meetings/", "/meetings/feed/", "/meetings/calendar.ics",
                "/meetings/export.md", "/meetings/search/?q=discussed"]  # fmt: skip


def test_it_publishes_imported_attendance_only_once_marked_public(lead, core1, core2, client):
    text = (
        "# Board meeting 2024-01-10\n\n"
        f"Present: Ada Example, Ben Sample\nGuests: {CANARY_GUEST}\n\n"
        f"## Budget\n\n{CANARY_IMPORTED_NOTE} was discussed.\n"
    )
    (meeting,) = services.minutes_import(actor=core1, text=text)
    add_public_item(core1, meeting)

    publish(meeting, core1, lead, core2)
    first = MinutesVersion.objects.get(meeting=meeting)
    assert CANARY_GUEST not in first.markdown
    assert CANARY_IMPORTED_NOTE not in first.markdown
    for path in [*PUBLIC_PAGES, meeting.get_absolute_url()]:
        page = client.get(path).content.decode()
        assert CANARY_GUEST not in page, path
        assert CANARY_IMPORTED_NOTE not in page, path

    services.attendance_update(
        actor=core1,
        meeting=meeting,
        present=["Ada Example", "Ben Sample"],
        guests=["Hal Grad"],
        quorum="reached",
        public=True,
    )
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.DRAFT
    publish(meeting, core1, lead, core2)

    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "Present: Ada Example, Ben Sample" in page
    assert "Guests: Hal Grad" in page
    assert "Quorum: reached" in page
    assert CANARY_IMPORTED_NOTE not in page  # the imported item stays private


def test_it_edits_the_attendance_from_the_meeting_page(core1, core1_client):
    meeting = new_meeting(core1)

    response = core1_client.post(
        f"/meetings/{meeting.slug}/attendance/",
        {"present": "Ada Example\n\nBen Sample\n", "chair": "Ada Example", "quorum": "reached"},
    )

    assert response.status_code == 302
    meeting.attendance.refresh_from_db()
    assert meeting.attendance.present == ["Ada Example", "Ben Sample"]
    assert (meeting.attendance.chair, meeting.attendance.public) == ("Ada Example", False)
    page = core1_client.get(meeting.get_edit_url()).content.decode()
    assert "The attendance is private" in page


def test_it_refuses_an_unknown_quorum_state(core1, core1_client):
    meeting = new_meeting(core1)

    response = core1_client.post(f"/meetings/{meeting.slug}/attendance/", {"quorum": "maybe"})

    assert response.status_code == 400
    assert not hasattr(meeting, "attendance") or meeting.attendance is None
