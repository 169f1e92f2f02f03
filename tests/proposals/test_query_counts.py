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
    # 1. the signed-in user
    # 2. the session's two-factor device
    # 3. the vote with its proposal and taxonomy draft (one select_related)
    # 4. the proposal's roles with their people and modules (prefetch)
    # 5. its proposer (the nominators prefetch)
    # 6. its evidence (the nomination page's display rows; a proposal has none)
    # 7. its electors with their users' names (display rows)
    # 8. its live ballots (display rows)
    # 9. the viewer's active role kinds
    # 10-11. the viewer's user and group object permissions on the vote (guardian)
    with django_assert_num_queries(11):
        response = client.get(vote.get_absolute_url())

    assert response.status_code == 200
    assert response.content.decode().count("Inactive Person") == size
