"""Meeting pages cost a fixed number of queries whatever the number of agenda items.

Each page is measured at the two sizes of tests/support/sizes.py, in agenda items (each with a
decision, an action item with an owner, a presenter and a redaction), with the same exact count. Public pages read the published
version only, so the agenda never reaches them at all.
"""

import pytest
from django.test import Client

from meetings import services
from meetings.models import DecisionOutcome
from meetings.views.public import EXPORT_LIMIT
from tests.conftest import login
from tests.meetings.conftest import new_meeting, publish
from tests.support.sizes import SIZES

pytestmark = pytest.mark.django_db


def meeting_with_items(core1, size: int):
    meeting = new_meeting(core1)
    person = core1.person
    for number in range(size):
        item = services.agenda_item_add(
            actor=core1,
            meeting=meeting,
            title=f"Item {number:02}",
            notes=f"- point {number} [redact: names]someone[/redact]",
            presenters=[person],
        )
        services.decision_add(actor=core1, item=item, outcome=DecisionOutcome.ACCEPTED, text="Yes.")
        services.action_item_add(actor=core1, item=item, text="Do it.", owners=[person])
    return meeting


@pytest.mark.parametrize("size", SIZES)
def test_it_lists_published_meetings_in_two_queries(
    client, lead, core1, core2, django_assert_num_queries, size
):
    publish(meeting_with_items(core1, size), core1, lead, core2)

    # 1. the public pages' generation token (the cache's freshness check)
    # 2. the latest version of each published meeting, with its slug (one correlated query)
    with django_assert_num_queries(2):
        response = client.get("/meetings/")

    assert response.status_code == 200


@pytest.mark.parametrize("size", SIZES)
def test_it_shows_a_published_meeting_in_two_queries(
    client, lead, core1, core2, django_assert_num_queries, size
):
    meeting = publish(meeting_with_items(core1, size), core1, lead, core2)

    # 1. the public pages' generation token (the cache's freshness check)
    # 2. every version of the meeting, latest first, with the meeting's slug
    with django_assert_num_queries(2):
        response = client.get(meeting.get_absolute_url())

    assert response.status_code == 200
    assert response.content.decode().count("[names redacted]") == size


@pytest.mark.parametrize("size", SIZES)
def test_it_shows_the_home_page_in_four_queries(
    client, lead, core1, core2, django_assert_num_queries, size
):
    publish(meeting_with_items(core1, size), core1, lead, core2)

    # 1. the public pages' generation token (the cache's freshness check)
    # 2. the active core team with their people
    # 3. the ten latest roster changes with their people and modules
    # 4. the five latest published versions
    with django_assert_num_queries(4):
        response = client.get("/")

    assert response.status_code == 200


@pytest.mark.parametrize("size", SIZES)
def test_it_shows_the_working_copy_in_a_fixed_number_of_queries(
    lead, core1, core2, django_assert_num_queries, size
):
    meeting = meeting_with_items(core1, size)
    services.minutes_submit(actor=core1, meeting=meeting)
    services.minutes_review(actor=lead, meeting=meeting, verdict="approve")
    client = Client()
    login(client, core1)

    # The session comes from the cache (cached_db): no query.
    # 1. the session's two-factor device with the signed-in user (core maintainers and staff)
    # 2. the user's active role kinds (the permission check, cached for the request)
    # 3. the meeting by slug
    # 4. its attendees
    # 5. its review rounds with who submitted them
    # 6. the reviews of those rounds with their reviewers
    # 7. its published versions (numbers and dates only)
    # 8. the action items carried into it, with where they were raised (none here, so the
    #    query for their owners is skipped)
    # 9. the agenda items
    # 10. their presenters
    # 11. their nominations with nominee, module and announcement
    # 12. their decisions
    # 13. their action items
    # 14. the owners of those action items
    # 15. the active core maintainers (the review policy's electorate)
    # 16. the people offered as attendees in the meeting form
    with django_assert_num_queries(16):
        response = client.get(meeting.get_edit_url())

    assert response.status_code == 200
    assert response.content.decode().count("[names redacted]</mark>") == size


def published_meetings(lead, core1, core2, size: int) -> list:
    meetings = []
    for number in range(size):
        meeting = new_meeting(core1, title=f"Meeting {number:02}", days=-30 - number)
        item = services.agenda_item_add(actor=core1, meeting=meeting, title="Backlog review")
        services.action_item_add(actor=core1, item=item, text="Do it.", owners=[core1.person])
        meetings.append(publish(meeting, core1, lead, core2))
    return meetings


@pytest.mark.parametrize("size", SIZES)
def test_it_serves_the_feed_calendar_search_and_export_in_fixed_queries(
    lead, core1, core2, django_assert_num_queries, size
):
    meetings = published_meetings(lead, core1, core2, size)
    slugs = "&".join(f"m={meeting.slug}" for meeting in meetings[:EXPORT_LIMIT])
    # Each page first reads the public pages' generation token (the cache's freshness check), then:
    pages = [
        # 2. the latest versions, newest publication first, with their meetings' slugs
        ("/meetings/feed/", 2),
        # 2. the latest version of each published meeting; 3. the upcoming meetings
        ("/meetings/calendar.ics", 3),
        # 2. the people with a public page who match; 3. the modules that match; 4. the latest
        # versions that match, ranked; 5. the released announcements that match
        ("/meetings/search/?q=backlog", 5),
        # 2. the latest versions of the chosen meetings
        (f"/meetings/export.md?{slugs}", 2),
    ]
    for url, queries in pages:
        with django_assert_num_queries(queries):
            response = Client().get(url)
        assert response.status_code == 200, url


@pytest.mark.parametrize("size", SIZES)
def test_it_shows_my_action_items_and_inbox_in_fixed_queries(
    lead, core1, core2, django_assert_num_queries, size
):
    published_meetings(lead, core1, core2, size)
    client = Client()
    login(client, core1)
    client.get("/inbox/")
    client.get("/meetings/action-items/")

    # The session comes from the cache (cached_db): no query.
    # 1. the session's two-factor device with the signed-in user; 2. the user's active role
    # kinds (the navigation); 3. the latest inbox notifications; 4. how many are unread
    with django_assert_num_queries(4):
        assert client.get("/inbox/").status_code == 200
    # 1. the session's two-factor device with the signed-in user; 2. the user's active role
    # kinds; 3. the action items they own, with where they were raised; 4. the owners of those
    # items
    with django_assert_num_queries(4):
        assert client.get("/meetings/action-items/").status_code == 200


@pytest.mark.parametrize("size", SIZES)
def test_it_serves_search_and_export_to_core_maintainers_in_fixed_queries(
    lead, core1, core2, django_assert_num_queries, size
):
    meetings = published_meetings(lead, core1, core2, size)
    slugs = "&".join(f"m={meeting.slug}" for meeting in meetings[:EXPORT_LIMIT])
    client = Client()
    login(client, core1)
    client.get("/meetings/search/?q=backlog")  # warm the process-wide caches

    # The session comes from the cache (cached_db): no query.
    # 1. the session's two-factor device with the signed-in user; 2. the user's active role
    # kinds (may they search the private notes?); 3. the people with a public page who match;
    # 4. the modules that match; 5. the latest published versions that match, ranked; 6. the
    # released announcements that match; 7. the agenda items whose notes, decisions or action
    # items match, with their meetings
    with django_assert_num_queries(7):
        response = client.get("/meetings/search/?q=backlog")

    assert response.status_code == 200
    assert response.content.decode().count("Backlog review") >= size
    # 1. the session's two-factor device with the signed-in user; 2. the latest versions of the
    # chosen meetings
    with django_assert_num_queries(2):
        response = client.get(f"/meetings/export.md?{slugs}")

    assert response.status_code == 200
    assert response.content.decode().count("Backlog review") == min(size, EXPORT_LIMIT)
