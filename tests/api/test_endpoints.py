"""What each list of the public API holds: public facts only, in the shape its schema says."""

import pytest
from django.test import Client

from meetings import services as meeting_services
from meetings.models import MinutesVersion
from nominations.models import Outcome
from tests.api.conftest import LISTS, SCHEMA_OF, assert_matches_schema, get_json
from tests.meetings.conftest import PUBLIC_WORD, add_public_item, new_meeting, publish

pytestmark = pytest.mark.django_db


def test_it_lists_the_roster_with_modules_maintainers_and_emeritus(roster):
    body = get_json(Client(), "/api/v1/roster")

    assert body["count"] == 1
    assert body["results"] == [
        {
            "slug": "nn-apis",
            "name": "NN APIs (torch.nn)",
            "includes": "torch.nn",
            "group": "core",
            "group_name": "",
            "paths": ["torch/nn/**", "test/test_nn.py"],
            "maintainers": [{"full_name": "Hana Sato", "github": "hsato"}],
            "reviewers": [],
            "emeritus_maintainers": [{"full_name": "Ife Okonkwo", "github": "iokonkwo"}],
            "emeritus_reviewers": [],
            "url": "http://testserver/modules/nn-apis/",
        }
    ]
    project = body["project"]
    assert [p["github"] for p in project["lead_core_maintainers"]] == ["madeyemi"]
    assert [p["github"] for p in project["core_maintainers"]] == ["praman"]
    assert [p["github"] for p in project["emeritus_core_maintainers"]] == ["cyformer"]
    assert project["emeritus_lead_core_maintainers"] == []


def test_it_lists_published_minutes_with_their_redacted_text(canary_meeting):
    body = get_json(Client(), "/api/v1/meetings")

    (minutes,) = body["results"]
    version = MinutesVersion.objects.get(meeting=canary_meeting)
    assert minutes["slug"] == canary_meeting.slug
    assert minutes["title"] == "Canary meeting"
    assert minutes["kind"] == canary_meeting.kind
    assert minutes["version"] == 1
    assert minutes["markdown"] == version.markdown
    assert minutes["html"] == version.html
    assert PUBLIC_WORD in minutes["markdown"]
    assert "[specific examples redacted]" in minutes["markdown"]
    assert minutes["redactions"] == version.redaction_log
    assert minutes["url"] == f"http://testserver/meetings/{canary_meeting.slug}/v/1/"


def test_it_lists_neither_a_draft_nor_a_retracted_version(lead, core1, core2, draft_meeting):
    kept = new_meeting(core1, title="Kept minutes", days=-10)
    add_public_item(core1, kept)
    publish(kept, core1, lead, core2)
    retracted = new_meeting(core1, title="Retracted minutes", days=-5)
    add_public_item(core1, retracted)
    publish(retracted, core1, lead, core2)
    meeting_services.minutes_version_retract(
        actor=core1, version=retracted.versions.get(), reason="Named someone."
    )

    titles = [m["title"] for m in get_json(Client(), "/api/v1/meetings")["results"]]

    assert titles == ["Kept minutes"]


def test_it_lists_the_latest_version_of_republished_minutes(lead, core1, core2):
    meeting = new_meeting(core1, title="Twice published")
    add_public_item(core1, meeting)
    publish(meeting, core1, lead, core2)
    add_public_item(core1, meeting, title="Late correction")
    publish(meeting, core1, lead, core2)

    (minutes,) = get_json(Client(), "/api/v1/meetings")["results"]

    assert minutes["version"] == 2
    assert "Late correction" in minutes["markdown"]


def test_it_gives_every_version_of_one_meeting_a_retracted_one_as_its_notice(lead, core1, core2):
    meeting = new_meeting(core1, title="Twice published")
    add_public_item(core1, meeting, title="First account")
    publish(meeting, core1, lead, core2)
    add_public_item(core1, meeting, title="Late correction")
    publish(meeting, core1, lead, core2)
    meeting_services.minutes_version_retract(
        actor=core1, version=meeting.versions.get(number=2), reason="Named someone."
    )

    body = get_json(Client(), f"/api/v1/meetings/{meeting.slug}")

    assert body["slug"] == meeting.slug
    assert body["current_version"] == 1
    retracted, first = body["versions"]
    assert (retracted["version"], first["version"]) == (2, 1)
    assert retracted["retracted_at"] is not None
    assert retracted["markdown"].startswith("This version of the minutes was retracted on")
    assert "Late correction" not in repr(retracted)
    assert (retracted["redactions"], retracted["change_note"]) == ({}, "")
    assert first["retracted_at"] is None
    assert "First account" in first["markdown"]
    assert first["url"] == f"http://testserver/meetings/{meeting.slug}/v/1/"
    assert_matches_schema(body, "MeetingMinutes")


def test_it_finds_no_minutes_for_a_draft_or_an_unknown_meeting(draft_meeting):
    for slug in (draft_meeting.slug, "no-such-meeting"):
        response = Client().get(f"/api/v1/meetings/{slug}")

        assert response.status_code == 404
        assert response.json() == {"detail": "No published minutes have this address."}


def test_it_lists_released_announcements_only(build, announced):
    build.decided(outcome=Outcome.DECLINED)
    build.decided(
        outcome=Outcome.ACCEPTED, nominee=build.person("Daniel Park", "dpark"), release=False
    )

    body = get_json(Client(), "/api/v1/announcements")

    assert body["count"] == 1
    (announcement,) = body["results"]
    assert announcement["id"] == announced.announcement.pk
    assert announcement["text"] == announced.announcement.text
    assert "Mei Tanaka" in announcement["text"]
    assert announcement["profile_url"] == "http://testserver/people/mtanaka/"


@pytest.fixture
def announced(build):
    return build.decided(outcome=Outcome.ACCEPTED, nominee=build.person("Mei Tanaka", "mtanaka"))


@pytest.mark.parametrize(
    ("url", "listed"),
    [
        ("/api/v1/roster", "roster"),
        ("/api/v1/meetings", "canary_meeting"),
        ("/api/v1/announcements", "announced"),
    ],
)
def test_it_answers_each_list_in_the_schema_it_documents(request, url, listed):
    request.getfixturevalue(listed)

    body = get_json(Client(), url)

    assert body["results"]
    assert_matches_schema(body, SCHEMA_OF[url])


@pytest.mark.parametrize("url", LISTS)
def test_it_answers_every_reader_alike(url, roster, client_for):
    anonymous = Client().get(url)
    signed_in = client_for("core1").get(url)

    assert anonymous.content == signed_in.content
    assert anonymous["ETag"] == signed_in["ETag"]


@pytest.mark.parametrize("url", LISTS)
def test_it_lets_any_website_read_it_without_credentials(url):
    response = Client().get(url, HTTP_ORIGIN="https://project.example")

    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response


@pytest.mark.parametrize("url", LISTS)
def test_it_refuses_to_change_anything(url, client_for):
    assert client_for("core1").post(url).status_code == 405
    assert Client().delete(url).status_code == 405
