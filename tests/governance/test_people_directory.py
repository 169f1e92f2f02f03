"""The people directory at /people/: everyone with a public page, filterable by module and by
active or emeritus, in a fixed number of queries, cached like the other public pages, and
showing nothing of the roster that is not public."""

import pytest
from django.test import Client

from governance import services
from governance.models import Module, Person, RoleKind
from tests.conftest import CACHED_PAGE_QUERIES
from tests.support.sizes import SIZES

pytestmark = pytest.mark.django_db

PAGE = "/people/"
CANARY_END_REASON = "QXCANARYPRIVATEENDREASON"
CANARY_UNLISTED_NAME = "Qxcanary Unlisted"


def person(name: str, github: str) -> Person:
    return services.person_create(actor=None, full_name=name, github=github)


def module(name: str, slug: str) -> Module:
    return services.module_create(actor=None, name=name, slug=slug, includes="")


@pytest.fixture
def roster() -> dict:
    """Ada maintains compilers; Ben reviewed compilers and is emeritus; Cy maintains linkers
    and was a reviewer of compilers; Dee holds no role and has no public page."""
    compilers, linkers = module("Compilers", "compilers"), module("Linkers", "linkers")
    ada, ben, cy = person("Ada Active", "ada"), person("Ben Former", "ben"), person("Cy Both", "cy")
    person(CANARY_UNLISTED_NAME, "dee")
    services.role_grant(actor=None, person=ada, kind=RoleKind.MODULE_MAINTAINER, module=compilers)
    ben_role = services.role_grant(
        actor=None, person=ben, kind=RoleKind.MODULE_REVIEWER, module=compilers
    )
    services.role_make_emeritus(actor=None, role=ben_role, reason=CANARY_END_REASON)
    cy_past = services.role_grant(
        actor=None, person=cy, kind=RoleKind.MODULE_REVIEWER, module=compilers
    )
    services.role_make_emeritus(actor=None, role=cy_past, reason=CANARY_END_REASON)
    services.role_grant(actor=None, person=cy, kind=RoleKind.MODULE_MAINTAINER, module=linkers)
    return {"compilers": compilers, "linkers": linkers}


def listed(response) -> list[str]:
    """The handles of the people the page lists, in order."""
    body = response.content.decode()
    return [handle for handle in ("ada", "ben", "cy", "dee") if f'href="/people/{handle}/"' in body]


def test_it_lists_everyone_with_a_public_page_by_name(roster):
    response = Client().get(PAGE)

    assert response.status_code == 200
    assert listed(response) == ["ada", "ben", "cy"]


@pytest.mark.parametrize(
    ("query", "handles"),
    [
        ({"status": "active"}, ["ada", "cy"]),
        ({"status": "emeritus"}, ["ben"]),
        ({"module": "compilers"}, ["ada", "ben", "cy"]),
        ({"module": "compilers", "status": "active"}, ["ada"]),
        # Cy is active elsewhere, but no longer in compilers.
        ({"module": "compilers", "status": "emeritus"}, ["ben", "cy"]),
        ({"module": "linkers", "status": "emeritus"}, []),
    ],
)
def test_it_filters_by_module_and_status(roster, query, handles):
    response = Client().get(PAGE, query)

    assert response.status_code == 200
    assert listed(response) == handles


def test_it_answers_404_for_a_module_no_one_has(roster):
    assert Client().get(PAGE, {"module": "nope"}).status_code == 404


def test_it_answers_400_for_a_status_it_does_not_know(roster):
    assert Client().get(PAGE, {"status": "retired"}).status_code == 400


def test_it_never_shows_private_roster_text(roster):
    pages = [Client().get(PAGE, query) for query in ({}, {"status": "emeritus"})]

    for response in pages:
        body = response.content.decode()
        assert CANARY_END_REASON not in body
        assert CANARY_UNLISTED_NAME not in body


def test_it_is_linked_from_the_modules_page(roster):
    body = Client().get("/modules/").content.decode()

    assert f'href="{PAGE}"' in body


def test_it_serves_anonymous_readers_from_the_cache(roster, django_assert_num_queries):
    assert Client().get(PAGE, {"status": "active"}).status_code == 200

    # The page itself comes from the cache (tests.conftest.CACHED_PAGE_QUERIES)
    with django_assert_num_queries(CACHED_PAGE_QUERIES):
        again = Client().get(PAGE, {"status": "active"})

    assert listed(again) == ["ada", "cy"]


def test_it_shows_a_signed_in_reader_the_same_directory(roster, client_for):
    response = client_for("outsider").get(PAGE)

    assert response.status_code == 200
    assert listed(response) == ["ada", "ben", "cy"]


@pytest.mark.parametrize("size", SIZES)
def test_it_lists_people_in_four_queries_whatever_their_number(size, django_assert_num_queries):
    modules = [module(f"Module {n:02}", f"module-{n}") for n in range(size)]
    for n, each in enumerate(modules):
        someone = person(f"Person {n:02}", f"person-{n}")
        services.role_grant(
            actor=None, person=someone, kind=RoleKind.MODULE_MAINTAINER, module=each
        )
        past = services.role_grant(
            actor=None, person=someone, kind=RoleKind.MODULE_REVIEWER, module=modules[0]
        )
        services.role_make_emeritus(actor=None, role=past, reason="moved on")

    # 1. the public pages' generation token (the cache's freshness check)
    # 2. every module by name, for the filter
    # 3. the people with a public page who pass the filters
    # 4. their roles with their modules (one prefetch)
    with django_assert_num_queries(4):
        response = Client().get(PAGE, {"module": "module-0"})

    assert response.status_code == 200
    assert response.content.decode().count('href="/people/person-') == size
