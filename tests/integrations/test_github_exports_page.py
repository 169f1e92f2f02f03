"""/exports/ shows core maintainers the repository files' pull request: its link, the last
sync and the last error; nobody else sees any of it, and nothing shows while GitHub is not
configured."""

import datetime

import pytest
from django.utils import timezone

from governance.models import RepositorySync
from tests.governance.roster_files.test_query_counts import SIGNED_IN, build_roster
from tests.support.sizes import SIZES

pytestmark = pytest.mark.django_db

ERROR = "GitHub answered 401: Bad credentials. Check the token or the GitHub App."


@pytest.fixture
def recorded_sync() -> RepositorySync:
    return RepositorySync.objects.create(
        pk=RepositorySync.SINGLETON_PK,
        pull_request_number=7,
        pull_request_url="https://github.example/example/project/pull/7",
        last_synced_at=timezone.now() - datetime.timedelta(hours=1),
        last_error=ERROR,
        last_error_at=timezone.now(),
    )


def test_it_shows_core_maintainers_the_pull_request_and_the_last_error(
    github_settings, recorded_sync, core1_client
):
    page = core1_client.get("/exports/").content.decode()

    assert 'href="https://github.example/example/project/pull/7">#7</a>' in page
    assert "Bad credentials. Check the token or the GitHub App." in page
    assert "Last sync" in page


@pytest.mark.parametrize("persona", ["anonymous", "outsider", "maintainer", "staff"])
def test_it_shows_the_sync_to_nobody_else(github_settings, recorded_sync, client_for, persona):
    client = client_for(persona)

    page = client.get("/exports/").content.decode()

    assert "pull/7" not in page
    assert "Bad credentials" not in page
    assert "Pull request to the repository" not in page


def test_it_shows_nothing_of_github_while_it_is_not_configured(recorded_sync, core1_client):
    page = core1_client.get("/exports/").content.decode()

    assert "Pull request to the repository" not in page


@pytest.mark.parametrize("size", SIZES)
def test_it_shows_the_sync_in_a_fixed_number_of_queries(
    github_settings, recorded_sync, core1_client, django_assert_num_queries, size
):
    build_roster(size)

    # 1-2. SIGNED_IN: the two-factor device with the user, the user's active role kinds
    # 3. the export settings
    # 4. the active modules in the files' order
    # 5. their roles with their people (prefetch)
    # 6. the lead and core roles with their people
    # 7. the catch-all merge rules
    # 8. the repository sync's row
    with django_assert_num_queries(SIGNED_IN + 6):
        response = core1_client.get("/exports/")

    assert b"pull/7" in response.content
