"""The confirmation pages and the feedback page cost a fixed number of queries, whatever the
size of the thread and the electorate."""

import pytest

from nominations.models import Outcome
from tests.nominations.test_query_counts import busy_nomination
from tests.support.sizes import SIZES

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("size", SIZES)
def test_it_shows_the_withdrawal_confirmation_in_fixed_queries(
    build, client_for, django_assert_num_queries, size
):
    nomination = busy_nomination(build, size)
    url = f"/nominations/{nomination.pk}/confirm/withdraw/"
    client = client_for("core2")
    client.get(url)  # warm the process-wide caches

    # 1. the session's two-factor device with the signed-in user
    # 2-6. the nomination with its people (the nominee's account too), nominators (with their
    #      people), evidence (with authors' people and revision counts), electors (with users'
    #      people) and live ballots, as on the nomination page
    # 7. the viewer's role kinds; 8. direct and group object permissions on the nomination
    # 9. the maintainers invited into the thread, with their people
    with django_assert_num_queries(9):
        response = client.get(url)

    assert response.status_code == 200
    assert "Withdraw the nomination now" in response.content.decode()


def test_it_shows_the_feedback_page_in_fixed_queries(build, client_for, django_assert_num_queries):
    nomination = build.decided(outcome=Outcome.DECLINED)
    url = f"/nominations/{nomination.pk}/feedback/"
    client = client_for("nominee")
    client.get(url)

    # 1. the signed-in user; 2. the viewer's role kinds; 3. the nomination
    # with its nominee, module, feedback and the role it ends; 4. whether the reader said they
    # had read it
    with django_assert_num_queries(4):
        response = client.get(url)

    assert response.status_code == 200
    assert "What happens next" in response.content.decode()
