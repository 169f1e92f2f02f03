"""The sign-in pages cost a fixed number of queries, however many accounts have signed in with
GitHub (measured with 1 and with many other GitHub accounts on the roster)."""

import pytest
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import get_user_model
from django.test import Client

from governance import services
from governance.services.invitations import invitation_token
from nominations.models import Outcome
from tests.conftest import login
from tests.nominations.conftest import build, clock  # noqa: F401
from tests.support.sizes import SIZES

pytestmark = pytest.mark.django_db


def add_github_accounts(count: int) -> None:
    for n in range(count):
        user = get_user_model().objects.create_user(username=f"github-{n}")
        SocialAccount.objects.create(user=user, provider="github", uid=str(5000 + n))
        services.person_github_sign_in(actor=user, github_id=5000 + n, github=f"someone-{n}")


@pytest.mark.parametrize("size", SIZES)
def test_it_shows_the_sign_in_page_without_a_query(
    client, fake_github, django_assert_num_queries, size
):
    add_github_accounts(size)
    # No session yet, no user: the page reads nothing from the database.
    with django_assert_num_queries(0):
        response = client.get("/accounts/login/")
    assert b"Sign in with GitHub" in response.content


@pytest.mark.parametrize("size", SIZES)
def test_it_shows_the_account_page_in_seven_queries(
    fake_github, outsider, django_assert_num_queries, size
):
    add_github_accounts(size)
    client = login(Client(), outsider)
    # 1. the signed-in user
    # 2. their active roles (the two-factor gate asks whether they need a second factor)
    # 3. their GitHub account
    # 4. their roster entry
    # 5-6. their authenticator app and recovery codes (whether two-factor sign-in is on)
    with django_assert_num_queries(6):
        response = client.get("/accounts/")
    assert b"not connected" in response.content


@pytest.mark.parametrize("size", SIZES)
def test_it_shows_a_core_maintainers_account_page_in_seven_queries(
    fake_github, core1, django_assert_num_queries, size
):
    add_github_accounts(size)
    client = login(Client(), core1)
    # 1. the verified session's authenticator app with the signed-in user
    # 2. their GitHub account
    # 3. their roster entry
    # 4. their authenticator app again (whether two-factor sign-in is on: the page asks
    #    whatever device verified the session)
    # 5. their active roles (the navigation's links for core maintainers)
    with django_assert_num_queries(5):
        response = client.get("/accounts/")
    assert b"recovery codes" in response.content


@pytest.mark.parametrize("size", SIZES)
def test_it_shows_an_invitation_link_in_one_query(
    client, fake_github, django_assert_num_queries, size
):
    add_github_accounts(size)
    people = [
        services.person_create(
            actor=None, full_name=f"Invitee {n}", github=f"invitee-{n}", email=f"i{n}@example.org"
        )
        for n in range(size)
    ]
    invitations = [
        services.invitation_create(actor=None, person=person, event_key="test:1", url="/inbox/")
        for person in people
    ]
    link = f"/accounts/invitations/{invitation_token(invitations[-1])}/"
    # 1. the invitation with its person, still unspent and unexpired (signed out: no session)
    with django_assert_num_queries(1):
        response = client.get(link)
    assert b"@invitee-" in response.content


@pytest.mark.parametrize("size", SIZES)
def test_it_shows_reach_and_delivery_on_a_decided_nomination_in_twelve_queries(
    build,  # noqa: F811
    django_assert_num_queries,
    size,
):
    extra = [
        get_user_model().objects.create_user(username=f"backer-{n}", email=f"b{n}@example.org")
        for n in range(size)
    ]
    nomination = build.decided(outcome=Outcome.DECLINED, nominators=[build.nominator, *extra])
    client = login(Client(), build.core1)
    client.get(nomination.get_absolute_url())  # warm the process-wide caches
    # 1. the session's two-factor device with the user
    # 2-6. the nomination (with the nominee's account: whether they can be reached), its
    #      nominators (with theirs), evidence, electors and live ballots
    # 7. the viewer's active role kinds
    # 8. what the vote left: tally, decision, feedback, announcement and its forum topic
    # 9. who said they read the feedback; 10. its inbox and email deliveries with their
    #    recipients; 11. its invitations (delivery)
    # 12. the maintainers invited into the evidence thread, with their people
    with django_assert_num_queries(12):
        response = client.get(nomination.get_absolute_url())
    content = response.content.decode()
    assert content.count(": account and verified email</li>") == size + 2  # nominee too
    assert content.count("<td>In-app inbox</td>") == size + 2
