"""The API describes itself: a valid OpenAPI document listing exactly its operations (three lists and one meeting's versions), and a
documentation page rendered from it on the server, which loads nothing from elsewhere."""

import re

import pytest
from django.test import Client
from jsonschema.exceptions import ValidationError
from openapi_spec_validator import validate

from api.pagination import MAX_PAGE_SIZE
from tests.api.conftest import LISTS, SCHEMA_OF, assert_matches_schema

pytestmark = pytest.mark.django_db

ADDRESS = re.compile(r'(?:href|src|action)="([^"]*)"')


def served_schema() -> dict:
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


def test_it_serves_a_valid_openapi_document_of_its_operations():
    schema = served_schema()

    validate(schema)
    assert sorted(schema["paths"]) == sorted([*LISTS, "/api/v1/meetings/{slug}"])
    assert {method for path in schema["paths"].values() for method in path} == {"get"}


def test_it_serves_its_schema_to_get_only():
    assert Client().post("/api/v1/openapi.json").status_code == 405
    assert Client().head("/api/v1/openapi.json").status_code == 405


@pytest.mark.parametrize("url", LISTS)
def test_it_documents_each_list_with_its_bounded_page_parameters(url):
    operation = served_schema()["paths"][url]["get"]

    parameters = {p["name"]: p["schema"] for p in operation["parameters"]}
    assert parameters["page"]["minimum"] == 1
    assert parameters["page_size"]["maximum"] == MAX_PAGE_SIZE
    assert operation["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": f"#/components/schemas/{SCHEMA_OF[url]}"
    }
    assert set(operation["responses"]) == {"200", "404", "422"}


def test_it_checks_answers_against_the_schema_strictly_enough_to_fail():
    page = {"count": 0, "page": 1, "page_size": 20, "pages": 1, "next": None, "previous": None}

    assert_matches_schema({**page, "results": []}, "MinutesPage")
    with pytest.raises(ValidationError):
        assert_matches_schema(page, "MinutesPage")
    with pytest.raises(ValidationError):
        assert_matches_schema({**page, "results": [{"title": "No slug"}]}, "MinutesPage")


def test_it_documents_every_operation_and_schema_on_its_page():
    response = Client().get("/api/v1/")
    page = response.content.decode()

    assert response.status_code == 200
    for url in [*LISTS, "/api/v1/meetings/{slug}"]:
        assert f"<code>GET {url}</code>" in page
    for name in served_schema()["components"]["schemas"]:
        assert f'id="schema-{name}"' in page
    assert 'href="/api/v1/openapi.json"' in page


def test_it_loads_nothing_from_elsewhere_on_its_documentation_page():
    response = Client().get("/api/v1/")

    addresses = ADDRESS.findall(response.content.decode())
    assert addresses
    assert [a for a in addresses if not a.startswith(("/", "#"))] == []
    assert "<script" not in response.content.decode()
    assert "script-src 'self'" in response["Content-Security-Policy"]


def test_it_links_only_to_anchors_its_documentation_page_has():
    page = Client().get("/api/v1/").content.decode()

    anchors = set(re.findall(r'id="([^"]+)"', page))
    links = set(re.findall(r'href="#([^"]*)"', page))
    assert links
    assert links - anchors == set()
