"""Public pages cost a fixed number of queries whatever the size of the roster.

Each page is measured at the two sizes of tests/support/sizes.py with the same exact count. The
rows (people, modules and roles) are made through the services, so that the pages read what
production would have written, audit events and notifications included.
"""

import pytest
from django.test import Client
from django.utils import timezone

from governance import services
from governance.models import Module, Person, RoleKind
from tests.conftest import login
from tests.support.sizes import SIZES

pytestmark = pytest.mark.django_db


def add_people(count: int, *, prefix: str = "person") -> list[Person]:
    return [
        services.person_create(
            actor=None, full_name=f"Person {n:02}", github=f"{prefix}-{n}", affiliation="Meta"
        )
        for n in range(count)
    ]


def add_modules(count: int) -> list[Module]:
    return [
        services.module_create(
            actor=None, name=f"Module {n:02}", slug=f"module-{n}", includes="Sub-area"
        )
        for n in range(count)
    ]


@pytest.mark.parametrize("size", SIZES)
def test_it_lists_modules_in_two_queries(client, django_assert_num_queries, size):
    modules = add_modules(size)
    for module, person in zip(modules, add_people(size), strict=True):
        services.role_grant(
            actor=None, person=person, kind=RoleKind.MODULE_MAINTAINER, module=module
        )

    # 1. the public pages' generation token (the cache's freshness check)
    # 2. active modules with their maintainer and reviewer counts (one aggregate query)
    with django_assert_num_queries(2):
        response = client.get("/modules/")

    assert response.status_code == 200
    assert response.content.decode().count('href="/modules/module-') == size


@pytest.mark.parametrize("size", SIZES)
def test_it_lists_modules_to_a_signed_in_core_maintainer_in_four_queries(
    core1, django_assert_num_queries, size
):
    add_modules(size)
    client = Client()
    login(client, core1)

    # The session comes from the cache (cached_db): no query.
    # 1. the session's two-factor device with the signed-in user (core maintainers and staff)
    # 2. the user's active role kinds (context processor: viewer_is_core)
    # 3. active modules with their maintainer and reviewer counts
    with django_assert_num_queries(3):
        response = client.get("/modules/")

    assert response.status_code == 200
    assert response.content.decode().count('href="/modules/module-') == size


@pytest.mark.parametrize("size", SIZES)
def test_it_shows_a_module_in_five_queries(client, core1, django_assert_num_queries, size):
    module, *_ = add_modules(1)
    people = add_people(size)
    for person in people:
        services.role_grant(
            actor=None, person=person, kind=RoleKind.MODULE_MAINTAINER, module=module
        )
    services.taxonomy_revise(
        actor=core1,
        title="Scope",
        reason="Clearer scope.",
        decided_on=timezone.localdate(),
        steps=[services.ModuleRename(module=module, name="Module 00", includes="More")],
    )

    # 1. the public pages' generation token (the cache's freshness check)
    # 2. the module by slug
    # 3. its roles with their people (prefetch, select_related person)
    # 4. the taxonomy changes that produced or changed it, with revision/module/source
    # 5. the taxonomy changes it was the source of (successors), same joins
    with django_assert_num_queries(5):
        response = client.get(module.get_absolute_url())

    assert response.status_code == 200
    assert response.content.decode().count('href="/people/person-') == size


@pytest.mark.parametrize("size", SIZES)
def test_it_shows_a_person_in_three_queries(client, django_assert_num_queries, size):
    (person,) = add_people(1)
    for module in add_modules(size):
        services.role_grant(
            actor=None, person=person, kind=RoleKind.MODULE_MAINTAINER, module=module
        )

    # 1. the public pages' generation token (the cache's freshness check)
    # 2. the person by handle, regardless of case
    # 3. all their roles with their modules (prefetch, select_related module)
    with django_assert_num_queries(3):
        response = client.get(person.get_absolute_url())

    assert response.status_code == 200
    assert response.content.decode().count('href="/modules/module-') == size
