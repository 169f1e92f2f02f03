"""The calendar (RFC 5545), the Atom feed and the forum-post export."""

import datetime
import xml.etree.ElementTree as ET

import icalendar
import pytest

from meetings import services
from meetings.forum_post import forum_post, quarter_label
from meetings.ical import Event, calendar, escape_text, fold
from tests.meetings.conftest import add_public_item, new_meeting, publish

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def test_it_escapes_and_folds_icalendar_lines():
    line = "SUMMARY:" + escape_text("Café; meeting, with \\ and\nnewline ") + "é" * 80

    folded = fold(line)

    assert escape_text("a;b,c\\d\ne") == "a\\;b\\,c\\\\d\\ne"
    assert all(len(part.encode()) <= 75 for part in folded.split("\r\n"))
    assert folded.replace("\r\n ", "") == line


def test_it_writes_a_calendar_that_a_parser_reads_back():
    start = datetime.datetime(2023, 3, 24, 16, tzinfo=datetime.UTC)
    text = calendar(
        [Event("m-1@example.org", start, start + datetime.timedelta(hours=1), "A; B, C " * 20)],
        name="Meetings",
        product="-//Example//Meetings//EN",
        stamp=start,
    )

    parsed = icalendar.Calendar.from_ical(text)
    (event,) = parsed.walk("VEVENT")
    assert text.endswith("\r\n")
    assert "\n" not in text.replace("\r\n", "")
    assert str(event["SUMMARY"]) == "A; B, C " * 20
    assert event.decoded("DTSTART") == start


def test_it_lists_past_and_upcoming_meetings_with_public_fields_only(client, lead, core1, core2):
    past = publish(
        add_public_item(core1, new_meeting(core1, title="Past")).meeting, core1, lead, core2
    )
    upcoming = new_meeting(core1, title="Upcoming, planned", days=20)
    services.meeting_update(
        actor=core1, meeting=upcoming, data={"announcement_url": "https://example.org/a"}
    )

    response = client.get("/meetings/calendar.ics")

    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    parsed = icalendar.Calendar.from_ical(response.content.decode())
    events = {str(event["SUMMARY"]): event for event in parsed.walk("VEVENT")}
    assert set(events) == {"Past", "Upcoming, planned"}
    assert str(events["Past"]["URL"]).endswith(past.get_absolute_url())
    assert str(events["Upcoming, planned"]["URL"]) == "https://example.org/a"
    assert events["Upcoming, planned"].decoded("DTSTART") == upcoming.starts_at
    assert len({str(event["UID"]) for event in events.values()}) == 2


def test_it_feeds_each_version_as_an_atom_entry(client, lead, core1, core2):
    meeting = publish(add_public_item(core1, new_meeting(core1)).meeting, core1, lead, core2)
    services.agenda_item_update(
        actor=core1, item=meeting.agenda_items.get(), data={"notes": "- corrected"}
    )
    publish(meeting, core1, lead, core2)

    feed = ET.fromstring(client.get("/meetings/feed/").content)

    titles = [entry.find(f"{ATOM}title").text for entry in feed.findall(f"{ATOM}entry")]
    assert titles == [f"{meeting.title} (version 2)", meeting.title]


def test_it_exports_meetings_in_the_shape_of_the_reference():
    def version(title, year, month, number=1):
        return type(
            "Version",
            (),
            {
                "title": title,
                "slug": title.lower().replace(" ", "-"),
                "number": number,
                "starts_at": datetime.datetime(year, month, 10, tzinfo=datetime.UTC),
                "published_at": datetime.datetime(2023, 4, 1, tzinfo=datetime.UTC),
                "markdown": f"### Item of {title}\n\n- a point\n",
            },
        )

    post = forum_post(
        [version("October meeting", 2022, 10), version("March meeting", 2023, 3, 2)],
        site_url="https://gov.example.org",
    )

    assert quarter_label(datetime.date(2023, 3, 24)) == "23'Q1"
    assert post.startswith(
        "Notes from Recent Core Maintainers Meetings (22'Q4 and 23'Q1)\n\n"
        "See below for the notes from the two most recent Core Maintainers meetings.\n\n"
        "## March meeting\n\n### Item of March meeting"
    )
    assert post.index("## March meeting") < post.index("## October meeting")
    assert (
        "*Version 2, published 2023-04-01: <https://gov.example.org/meetings/march-meeting/v/2/>*"
        in post
    )
