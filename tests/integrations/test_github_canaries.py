"""What reaches GitHub is public: the roster files and a list of public changes. A nomination's
evidence, decision reasons, feedback, and its declined nominees never do, nor the number of a
nomination (which says how many were made)."""

import pytest

from governance import services as governance_services
from governance.models import RepositorySync
from nominations.models import NominationKind, Outcome
from tests.nominations.conftest import (  # noqa: F401 (fixtures)
    CORE_EVIDENCE,
    DECISION_REASONS,
    MAINTAINER_EVIDENCE,
    TO_NOMINATORS,
    TO_NOMINEE,
    build,
    clock,
)

pytestmark = pytest.mark.django_db

REASONS = "Declined: CANARY-REASONS-3f9a"


def test_it_sends_github_nothing_private_of_a_released_announcement(
    fake_github,
    github_settings,
    build,  # noqa: F811 (the imported fixture)
):
    build.decided(
        outcome=Outcome.ACCEPTED,
        nominee=build.person("Mei Tanaka", "mtanaka"),
        kind=NominationKind.MODULE_MAINTAINER,
        module=build.module,
    )
    build.decided(
        outcome=Outcome.DECLINED,
        nominee=build.person("Declined Person", "declinedperson"),
        kind=NominationKind.MODULE_MAINTAINER,
        module=build.module,
        reasons=REASONS,
    )

    # Releasing the announcement (nothing else here) made the sync due.
    assert RepositorySync.objects.get().due_at is not None
    governance_services.repository_sync_run(force=True)

    sent = "\n".join(fake_github.bodies)
    assert len(fake_github.pulls) == 1
    assert "mtanaka" in sent  # the announced maintainer is in the files
    assert "announcement released (audit event" in fake_github.pulls[0]["body"]
    for private in (
        CORE_EVIDENCE,
        MAINTAINER_EVIDENCE,
        DECISION_REASONS,
        REASONS,
        TO_NOMINEE,
        TO_NOMINATORS,
        "Declined Person",
        "declinedperson",
        "nomination #",
    ):
        assert private not in sent
