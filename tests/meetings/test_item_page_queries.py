"""The agenda item page and the publication confirmation cost a fixed number of queries,
whatever the number of decisions, action items and people."""

import pytest

from meetings import services
from meetings.models import DecisionOutcome
from tests.meetings.conftest import new_meeting
from tests.nominations.test_query_counts import add_core_maintainers
from tests.support.sizes import SIZES

pytestmark = pytest.mark.django_db


def busy_item(core1, size: int):
    """An item with `size` decisions and `size` action items, each owned by a new person."""
    meeting = new_meeting(core1)
    item = services.agenda_item_add(actor=core1, meeting=meeting, title="Release plan")
    owners = [user.person for user in add_core_maintainers(size)]
    for number, owner in enumerate(owners):
        services.decision_add(actor=core1, item=item, outcome=DecisionOutcome.ACCEPTED, text="Y.")
        services.action_item_add(actor=core1, item=item, text=f"Do {number}.", owners=[owner])
    return meeting, item


@pytest.mark.parametrize("size", SIZES)
def test_it_shows_the_agenda_item_page_in_fixed_queries(
    core1_client, core1, django_assert_num_queries, size
):
    meeting, item = busy_item(core1, size)
    url = f"/meetings/{meeting.slug}/items/{item.pk}/"
    core1_client.get(url)

    # 1. the session's two-factor device with the signed-in user;
    # 2. the user's active role kinds
    # 3-7. the meeting with its attendees, review rounds (reviews prefetched with them: none),
    #      versions and carried action items
    # 8-13. the item with its presenters, nominations, decisions, action items and their owners
    # 14. the people, for the presenters' select; 15. the nominations, for theirs;
    # 16. the people, for the new action item's owners
    with django_assert_num_queries(16):
        response = core1_client.get(url)

    assert response.status_code == 200
    assert response.content.decode().count('name="status-') == size


@pytest.mark.parametrize("size", SIZES)
def test_it_confirms_publication_in_fixed_queries(
    core1_client, core1, django_assert_num_queries, size
):
    meeting, _ = busy_item(core1, size)
    services.minutes_submit(actor=core1, meeting=meeting)
    url = f"/meetings/{meeting.slug}/publish/"
    core1_client.get(url)

    # 1. the session's two-factor device with the signed-in user;
    # 2. the user's active role kinds
    # 3-8. the meeting with its attendees, review rounds, their reviews, versions and carried
    #       action items
    # 9. the core maintainers, whose approvals the review policy counts
    with django_assert_num_queries(9):
        response = core1_client.get(url)

    assert response.status_code == 200
    assert "Not yet: Publishing needs approval by a majority" in response.content.decode()
