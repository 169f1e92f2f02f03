"""Each list of the API costs the same number of queries at 1 and at many rows (a page of 100,
so every row is in the answer); an answer from the cache, and a 304, cost one."""

import pytest
from django.test import Client

from governance import services as governance_services
from governance.models import RoleKind
from nominations.models import Outcome
from tests.conftest import CACHED_PAGE_QUERIES
from tests.meetings.conftest import add_public_item, new_meeting, publish
from tests.support.sizes import SIZES

pytestmark = pytest.mark.django_db

WHOLE_PAGE = {"page_size": 100}


def modules_with_people(size: int, maintainer) -> None:
    """`size` modules, each with the maintainer persona as maintainer and as emeritus reviewer."""
    for number in range(size):
        module = governance_services.module_create(
            actor=None, name=f"Module {number:02}", slug=f"module-{number:02}"
        )
        governance_services.role_grant(
            actor=None, person=maintainer.person, kind=RoleKind.MODULE_MAINTAINER, module=module
        )
        role = governance_services.role_grant(
            actor=None, person=maintainer.person, kind=RoleKind.MODULE_REVIEWER, module=module
        )
        governance_services.role_make_emeritus(actor=None, role=role, reason="Stepped back.")


@pytest.mark.parametrize("size", SIZES)
def test_it_lists_the_roster_in_seven_queries(django_assert_num_queries, maintainer, size):
    modules_with_people(size, maintainer)
    client = Client()

    # 1. the public pages' generation token (the cache's freshness check)
    # 2. when public data last changed (Last-Modified)
    # 3. the export settings
    # 4. the active modules in the files' order
    # 5. their roles with their people
    # 6. the project's lead and core roles with their people
    # 7. the catch-all merge rules (the roster selector reads them for the files)
    with django_assert_num_queries(7):
        response = client.get("/api/v1/roster", WHOLE_PAGE)

    assert response.status_code == 200
    # the NN APIs module of the maintainer persona, and the `size` made here
    assert len(response.json()["results"]) == size + 1


@pytest.mark.parametrize("size", SIZES)
def test_it_lists_published_minutes_in_four_queries(
    django_assert_num_queries, lead, core1, core2, size
):
    for number in range(size):
        meeting = new_meeting(core1, title=f"Meeting {number:02}", days=-number - 1)
        add_public_item(core1, meeting)
        publish(meeting, core1, lead, core2)
    client = Client()

    # 1. the public pages' generation token
    # 2. when public data last changed
    # 3. how many meetings have a published version not retracted (the page count)
    # 4. this page of their latest versions, with each meeting's slug and kind
    with django_assert_num_queries(4):
        response = client.get("/api/v1/meetings", WHOLE_PAGE)

    assert response.status_code == 200
    assert len(response.json()["results"]) == size


@pytest.mark.parametrize("size", SIZES)
def test_it_lists_released_announcements_in_four_queries(django_assert_num_queries, build, size):
    for number in range(size):
        build.decided(
            outcome=Outcome.ACCEPTED,
            nominee=build.person(f"Accepted {number:02}", f"accepted-{number:02}"),
        )
    client = Client()

    # 1. the public pages' generation token
    # 2. when public data last changed
    # 3. how many announcements are released (the page count)
    # 4. this page of them, with each nominee
    with django_assert_num_queries(4):
        response = client.get("/api/v1/announcements", WHOLE_PAGE)

    assert response.status_code == 200
    assert len(response.json()["results"]) == size


@pytest.mark.parametrize("size", SIZES)
def test_it_gives_a_meetings_versions_in_three_queries(
    django_assert_num_queries, lead, core1, core2, size
):
    meeting = new_meeting(core1, title="Often corrected")
    for number in range(size):
        add_public_item(core1, meeting, title=f"Correction {number:02}")
        publish(meeting, core1, lead, core2)
    client = Client()

    # 1. the public pages' generation token
    # 2. when public data last changed
    # 3. every version of the meeting, latest first, with the meeting's slug
    with django_assert_num_queries(3):
        response = client.get(f"/api/v1/meetings/{meeting.slug}")

    assert response.status_code == 200
    assert len(response.json()["versions"]) == size


@pytest.mark.parametrize("url", ["/api/v1/roster", "/api/v1/meetings", "/api/v1/announcements"])
def test_it_answers_from_the_cache_and_with_a_304_in_at_most_one_query(
    django_assert_num_queries, url
):
    client = Client()
    tag = client.get(url)["ETag"]

    # The answer is the cached one (tests.conftest.CACHED_PAGE_QUERIES)
    with django_assert_num_queries(CACHED_PAGE_QUERIES):
        assert client.get(url).status_code == 200
    # The same, then the tag matches the cached answer's
    with django_assert_num_queries(CACHED_PAGE_QUERIES):
        assert client.get(url, HTTP_IF_NONE_MATCH=tag).status_code == 304
