"""The proposal page costs the same number of queries whatever the size of its emeritus batch."""

import pytest

from governance import services as governance_services
from governance.models import RoleKind
from nominations.models import ProposalKind
from tests.support.sizes import SIZES

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("size", SIZES)
def test_it_shows_the_proposal_page_in_a_fixed_number_of_queries(
    build, proposals, client_for, django_assert_num_queries, size
):
    roles = [
        governance_services.role_grant(
            actor=None,
            person=build.person(f"Inactive Person {n}", f"inactive-{n}"),
            kind=RoleKind.MODULE_MAINTAINER,
            module=build.module,
        )
        for n in range(size)
    ]
    vote = proposals.voting(kind=ProposalKind.EMERITUS_BATCH, roles=roles)
    client = client_for("core1")
    client.get(vote.get_absolute_url())  # warm the process-wide caches

    # To a voter:
    # 1. the session's two-factor device with the signed-in user
    # 2. the vote with its proposal and taxonomy draft (one select_related)
    # 3. the proposal's roles with their people and modules (prefetch)
    # 4. its proposer (the nominators display rows)
    # 5. its evidence (the nomination page's display rows; a proposal has none)
    # 6. its electors with their users' names (display rows)
    # 7. its live ballots (display rows)
    # 8. the viewer's active role kinds
    # 9. the viewer's direct and group object permissions on the vote (one query)
    with django_assert_num_queries(9):
        response = client.get(vote.get_absolute_url())

    assert response.status_code == 200
    assert response.content.decode().count("Inactive Person") == size
