"""Lists come a page at a time: a stable order, a capped page size, and links both in the body
and in the Link header, in the normal form the page cache stores."""

import re
from urllib.parse import urlencode

import pytest
from django.http import QueryDict
from django.test import Client

from api.pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, page_query
from governance import services as governance_services
from tests.api.conftest import LISTS, get_json, whole_list

pytestmark = pytest.mark.django_db

LINK = re.compile(r'<([^>]+)>; rel="(\w+)"')


def make_modules(count: int) -> list[str]:
    """Modules whose names sort in the order of their numbers; returns their slugs."""
    return [
        governance_services.module_create(
            actor=None, name=f"Module {number:02}", slug=f"module-{number:02}"
        ).slug
        for number in range(count)
    ]


def test_it_pages_a_list_with_links_to_its_neighbours(db):
    make_modules(5)
    client = Client()

    first = client.get("/api/v1/roster", {"page_size": 2})
    body = first.json()

    assert (body["count"], body["page"], body["page_size"], body["pages"]) == (5, 1, 2, 3)
    assert [m["slug"] for m in body["results"]] == ["module-00", "module-01"]
    assert body["previous"] is None
    assert body["next"] == "http://testserver/api/v1/roster?page=2&page_size=2"
    assert {rel: url for url, rel in LINK.findall(first["Link"])} == {
        "first": "http://testserver/api/v1/roster?page_size=2",
        "next": "http://testserver/api/v1/roster?page=2&page_size=2",
        "last": "http://testserver/api/v1/roster?page=3&page_size=2",
    }
    last = client.get(body["next"]).json()["next"]
    body = client.get(last).json()
    assert [m["slug"] for m in body["results"]] == ["module-04"]
    assert (body["page"], body["next"]) == (3, None)
    assert body["previous"] == "http://testserver/api/v1/roster?page=2&page_size=2"


def test_it_keeps_a_stable_order_across_pages(db):
    slugs = make_modules(7)
    client = Client()

    paged = []
    address = "/api/v1/roster?page_size=3"
    while address:
        body = client.get(address).json()
        paged += [module["slug"] for module in body["results"]]
        address = body["next"]

    assert paged == slugs
    assert [m["slug"] for m in whole_list(client, "/api/v1/roster")] == slugs


def test_it_gives_default_sized_pages(db):
    make_modules(DEFAULT_PAGE_SIZE + 1)

    body = get_json(Client(), "/api/v1/roster")

    assert len(body["results"]) == DEFAULT_PAGE_SIZE
    assert body["pages"] == 2


@pytest.mark.parametrize("url", LISTS)
@pytest.mark.parametrize(
    "query",
    [
        {"page_size": MAX_PAGE_SIZE + 1},
        {"page_size": 0},
        {"page": 0},
        {"page": "two"},
    ],
)
def test_it_refuses_a_page_it_cannot_give(url, query):
    response = Client().get(url, query)

    assert response.status_code == 422
    assert response.json()["detail"]


@pytest.mark.parametrize("url", LISTS)
def test_it_answers_404_past_the_last_page(url):
    response = Client().get(url, {"page": 2})

    assert response.status_code == 404
    assert response.json() == {"detail": "The last page of 20 is page 1."}


def test_it_answers_an_empty_list_with_one_empty_page(db):
    body = get_json(Client(), "/api/v1/meetings")

    assert (body["count"], body["pages"], body["results"]) == (0, 1, [])


@pytest.mark.parametrize("page", ["\u00b2", "\uff11", "9" * 5000, "01", "+1", " 1"])
def test_it_answers_an_odd_page_number_without_caching_it(page):
    response = Client().get("/api/v1/meetings", {"page": page})
    # Refused, or read as a number; never a server error, never stored as the page it names.
    assert response.status_code in (200, 404, 422)
    assert page_query(QueryDict(urlencode({"page": page}))) is None
