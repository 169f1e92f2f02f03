"""Every answer carries an ETag and a Last-Modified, and a client that sends them back is
answered 304 until something public changes; answers are cached like the public pages, and
dropped as soon as a publication, a release or a roster change commits."""

import pytest
from django.test import Client
from django.utils import timezone
from django.utils.http import http_date, parse_http_date

from governance import services as governance_services
from governance.models import Module, PublicPagesGeneration, RoleKind
from nominations import services as nomination_services
from nominations.models import Outcome
from tests.api.conftest import LISTS
from tests.meetings.conftest import add_public_item, new_meeting, publish

pytestmark = pytest.mark.django_db


def rename_behind_the_services_back(module: Module, name: str) -> None:
    """A write no service makes, so nothing drops the cache: shows whether an answer was cached."""
    Module.objects.filter(pk=module.pk).update(name=name)


@pytest.mark.parametrize("url", LISTS)
def test_it_answers_304_to_the_etag_it_gave(url):
    client = Client()
    first = client.get(url)

    again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])

    assert first.status_code == 200
    assert first["Cache-Control"] == "public, no-cache"
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == first["ETag"]
    assert again["Last-Modified"] == first["Last-Modified"]


@pytest.mark.parametrize("url", LISTS)
def test_it_answers_304_to_if_modified_since_its_last_modified(url):
    client = Client()
    first = client.get(url)
    last_modified = parse_http_date(first["Last-Modified"])

    assert client.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]).status_code == 304
    earlier = http_date(last_modified - 1)
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=earlier).status_code == 200


def test_it_dates_an_answer_by_the_last_change_of_public_data(module, core1):
    client = Client()
    before = timezone.now().replace(microsecond=0)

    governance_services.module_create(actor=core1, name="Compilers", slug="compilers")

    changed_at = PublicPagesGeneration.objects.get().changed_at
    assert changed_at >= before
    assert client.get("/api/v1/roster")["Last-Modified"] == http_date(changed_at.timestamp())


def test_it_answers_an_old_etag_with_the_new_minutes_once_published(lead, core1, core2):
    client = Client()
    empty = client.get("/api/v1/meetings")
    meeting = new_meeting(core1, title="Quarterly sync June")
    add_public_item(core1, meeting)
    assert client.get("/api/v1/meetings", HTTP_IF_NONE_MATCH=empty["ETag"]).status_code == 304

    publish(meeting, core1, lead, core2)
    response = client.get("/api/v1/meetings", HTTP_IF_NONE_MATCH=empty["ETag"])

    assert response.status_code == 200
    assert response["ETag"] != empty["ETag"]
    assert [m["title"] for m in response.json()["results"]] == ["Quarterly sync June"]


def test_it_answers_an_old_date_with_the_new_minutes_once_published(lead, core1, core2, clock):
    client = Client()
    empty = client.get("/api/v1/meetings")
    meeting = new_meeting(core1, title="Quarterly sync June")
    add_public_item(core1, meeting)
    clock.advance(seconds=2)  # HTTP dates have whole seconds

    publish(meeting, core1, lead, core2)
    response = client.get("/api/v1/meetings", HTTP_IF_MODIFIED_SINCE=empty["Last-Modified"])

    assert response.status_code == 200
    assert parse_http_date(response["Last-Modified"]) > parse_http_date(empty["Last-Modified"])


def test_it_serves_anonymous_readers_the_cached_answer(module):
    Client().get("/api/v1/roster")
    rename_behind_the_services_back(module, "Renamed quietly")

    assert "Renamed quietly" not in Client().get("/api/v1/roster").content.decode()


def test_it_never_serves_a_signed_in_reader_a_cached_answer(module, client_for):
    Client().get("/api/v1/roster")
    rename_behind_the_services_back(module, "Renamed quietly")

    response = client_for("core1").get("/api/v1/roster")

    assert "Renamed quietly" in response.content.decode()
    assert "private" in response["Cache-Control"]
    assert "no-store" in response["Cache-Control"]


def test_it_shows_a_roster_change_right_away(module, core1, nominee):
    client = Client()
    client.get("/api/v1/roster")

    governance_services.role_grant(
        actor=core1, person=nominee.person, kind=RoleKind.MODULE_MAINTAINER, module=module
    )

    (listed,) = client.get("/api/v1/roster").json()["results"]
    assert [person["github"] for person in listed["maintainers"]] == ["iokonkwo"]


def test_it_shows_a_released_announcement_right_away(build):
    client = Client()
    accepted = build.decided(
        outcome=Outcome.ACCEPTED, nominee=build.person("Mei Tanaka", "mtanaka"), release=False
    )
    before = client.get("/api/v1/announcements")
    assert before.json()["count"] == 0

    nomination_services.feedback_release(actor=build.core1, nomination=accepted)
    nomination_services.announcement_release(actor=build.core2, nomination=accepted)
    response = client.get("/api/v1/announcements", HTTP_IF_NONE_MATCH=before["ETag"])

    assert response.status_code == 200
    assert response.json()["count"] == 1
