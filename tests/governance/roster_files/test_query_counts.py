"""Report pages and exports cost a fixed number of queries, with 1 module as with many.

Every module has a maintainer with activity on record (inactive, so every report lists them),
a reviewer and an emeritus maintainer, so that each list on each page has rows to show.
"""

import datetime

import pytest

from governance import services
from governance.models import Role, RoleKind
from governance.roster_parsers.activity import ActivityRecord
from tests.support.sizes import SIZES

pytestmark = pytest.mark.django_db

# Every signed-in page of a core maintainer starts with these two (the session comes from the
# cache, cached_db, so no query):
# 1. the session's two-factor device with the signed-in user (core maintainers and staff)
# 2. the user's active role kinds (the permission check; the context processor reuses it)
SIGNED_IN = 2


def build_roster(size: int) -> None:
    records = []
    for n in range(size):
        module = services.module_create(
            actor=None, name=f"Module {n:02}", slug=f"module-{n}", path_patterns=f"src/m{n}/**"
        )
        for kind, prefix in ((RoleKind.MODULE_MAINTAINER, "m"), (RoleKind.MODULE_REVIEWER, "r")):
            person = services.person_create(
                actor=None,
                full_name=f"Person {prefix}{n}",
                github=f"{prefix}-{n}",
                affiliation=f"Co {n % 3}",
            )
            services.role_grant(actor=None, person=person, kind=kind, module=module)
            records.append(ActivityRecord(1, person.github, datetime.date(2020, 1, 1), 1, 1, 1))
        former = services.person_create(actor=None, full_name=f"Former {n}", github=f"f-{n}")
        role = services.role_grant(
            actor=None, person=former, kind=RoleKind.MODULE_MAINTAINER, module=module
        )
        services.role_make_emeritus(actor=None, role=role, reason="Stepped back.")
    Role.objects.update(started_on=datetime.date(2019, 1, 1))
    services.activity_import(actor=None, records=records)
    services.merge_rule_create(actor=None, name="Core", patterns="*", include_core_maintainers=True)


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize(
    ("url", "queries", "rows"),
    [
        ("/reports/", 0, 0),
        # 3. active module roles with person, activity and module (one join)
        ("/reports/inactive/", 1, 2),
        # 3. active modules (sunsetted aside) in the files' order
        # 4. their active maintainers with person and activity (prefetch)
        ("/reports/understaffed/", 2, 1),
        # 3. the active core roles with their people
        # 4. active modules (sunsetted aside)
        # 5. their active maintainers with person and activity (prefetch)
        ("/reports/affiliations/", 3, 1),
        # 3. the proposals with their authors and revisions
        ("/reports/taxonomy/", 1, 0),
    ],
)
def test_it_shows_each_report_in_constant_queries(
    core1_client, django_assert_num_queries, size, url, queries, rows
):
    build_roster(size)

    with django_assert_num_queries(SIGNED_IN + queries):
        response = core1_client.get(url)

    assert response.status_code == 200
    assert response.content.decode().count('href="/modules/module-') == rows * size


@pytest.mark.parametrize("size", SIZES)
def test_it_shows_a_taxonomy_proposal_in_constant_queries(
    core1, core1_client, django_assert_num_queries, size
):
    build_roster(size)
    proposal = services.taxonomy_proposal_create(actor=core1, title="Tidy", reason="Why.")
    for n in range(size):
        services.taxonomy_proposal_add_step(
            actor=core1,
            proposal=proposal,
            operation="rename",
            data={"module": f"module-{n}", "name": f"Renamed {n:02}", "slug": "", "includes": ""},
        )

    # 3. the proposal with its author and revision
    # 4. its steps (prefetch)
    # 5. the active modules in the files' order
    # 6. their active maintainers and reviewers with their people (prefetch)
    # 7. every slug ever used, so that a new module's slug is checked
    with django_assert_num_queries(SIGNED_IN + 5):
        response = core1_client.get(proposal.get_absolute_url())

    assert response.status_code == 200
    assert response.content.decode().count("renamed from Module") == size


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize(
    "url",
    [
        "/exports/",
        "/exports/persons_of_interest.md",
        "/exports/merge_rules.yaml",
        "/exports/CODEOWNERS",
        "/exports/OWNERS.zip",
        "/exports/owners/module-0/OWNERS",
    ],
)
def test_it_serves_each_export_in_six_queries(client, django_assert_num_queries, size, url):
    build_roster(size)

    # 1. the public pages' generation token (the cache's freshness check)
    # 2. the export settings
    # 3. the active modules in the files' order
    # 4. their roles with their people (prefetch)
    # 5. the lead and core roles with their people
    # 6. the catch-all merge rules
    with django_assert_num_queries(6):
        response = client.get(url)

    assert response.status_code == 200
    assert b"Module 00" in response.content or b"module-0/OWNERS" in response.content
