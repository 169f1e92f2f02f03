"""Helpers for the public JSON API's tests: reading answers, checking them against the schema
the API documents, and a small roster built through the services."""

import pytest
from django.test import Client
from openapi_schema_validator import OAS31Validator

from api.views import api
from governance import services as governance_services
from governance.models import RoleKind
from tests.meetings.conftest import canary_meeting, draft_meeting  # noqa: F401  (fixtures)
from tests.nominations.conftest import build, clock  # noqa: F401  (fixtures)

LISTS = ("/api/v1/roster", "/api/v1/meetings", "/api/v1/announcements")
SCHEMA_OF = {
    "/api/v1/roster": "RosterPage",
    "/api/v1/meetings": "MinutesPage",
    "/api/v1/announcements": "AnnouncementPage",
}
PRIVATE_END_REASON = "QXAPIPRIVATEENDREASON"


def get_json(client: Client, url: str, **query) -> dict:
    response = client.get(url, query)
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("application/json")
    return response.json()


def whole_list(client: Client, url: str) -> list[dict]:
    """Every item of a list, page after page, following the `next` links."""
    items, address = [], f"{url}?page_size=100"
    while address:
        body = client.get(address).json()
        items += body["results"]
        address = body["next"]
    return items


def assert_matches_schema(body: dict, name: str) -> None:
    """`body` is valid against the schema `name` of the API's own OpenAPI document."""
    document = api.get_openapi_schema()
    OAS31Validator({"$ref": f"#/components/schemas/{name}", **document}).validate(body)


@pytest.fixture
def roster(module, maintainer, lead, core1, nominee):
    """The module with the maintainer and, emeritus, the nominee; the lead and core1 active, and
    a former core maintainer (no account, so in no electorate) emeritus. Each move to emeritus
    carries a private reason."""
    return make_roster(module, lead, nominee)


def make_roster(module, lead, nominee):
    role = governance_services.role_grant(
        actor=None, person=nominee.person, kind=RoleKind.MODULE_MAINTAINER, module=module
    )
    governance_services.role_make_emeritus(actor=lead, role=role, reason=PRIVATE_END_REASON)
    former = governance_services.person_create(actor=None, full_name="Cy Former", github="cyformer")
    core_role = governance_services.role_grant(
        actor=None, person=former, kind=RoleKind.CORE_MAINTAINER
    )
    governance_services.role_make_emeritus(actor=lead, role=core_role, reason=PRIVATE_END_REASON)
    return module
