"""Where a sign-in lands: core maintainers on their dashboard, after the second factor; everyone
else on the home page; a safe `next` wins for all, an unsafe one is ignored."""

import pytest
from django.test import Client
from django_otp.plugins.otp_totp.models import default_key

from governance.demo import enroll_authenticator
from tests.accounts.conftest import github_sign_in
from tests.accounts.test_github_two_factor import connect_github
from tests.browser.conftest import unspent_code
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
VERIFY = "/accounts/two-factor/verify/"
DASHBOARD = "/nominations/"


def follow_through_second_factor(client: Client, response, device) -> str:
    """Follow the sign-in's redirect; when the site asks for the code, give it: the address
    the sign-in finally sends the browser to."""
    page = client.get(response["Location"])
    assert page.status_code == 302
    if not page["Location"].startswith(VERIFY):
        return response["Location"]
    verified = client.post(page["Location"], {"code": unspent_code(device)})
    assert verified.status_code == 302
    return verified["Location"]


def password_sign_in(client: Client, user, next_url: str | None = None):
    data = {"username": user.username, "password": PASSWORD}
    if next_url is not None:
        data["next"] = next_url
    return client.post(LOGIN, data)


def test_it_lands_a_core_maintainer_on_the_dashboard_after_the_second_factor(core1):
    device = enroll_authenticator(core1, default_key())
    client = Client()

    response = password_sign_in(client, core1)

    assert response["Location"] == DASHBOARD
    assert follow_through_second_factor(client, response, device) == DASHBOARD
    assert client.get(DASHBOARD).status_code == 200


def test_it_lands_everyone_else_on_the_home_page(maintainer, outsider):
    for user in (maintainer, outsider):
        client = Client()
        response = password_sign_in(client, user)
        assert response["Location"] == "/"


def test_it_keeps_a_safe_next_for_a_core_maintainer(core1):
    device = enroll_authenticator(core1, default_key())
    client = Client()

    response = password_sign_in(client, core1, next_url="/meetings/")

    assert response["Location"] == "/meetings/"
    assert follow_through_second_factor(client, response, device) == "/meetings/"


@pytest.mark.parametrize("unsafe", ["https://evil.example/", "//evil.example/", "/\\evil.example"])
def test_it_ignores_an_unsafe_next_and_lands_on_the_dashboard(core1, unsafe):
    enroll_authenticator(core1, default_key())

    response = password_sign_in(Client(), core1, next_url=unsafe)

    assert response["Location"] == DASHBOARD


def test_it_lands_a_core_maintainer_signing_in_with_github_on_the_dashboard(fake_github, core1):
    fake_github.account = connect_github(core1, 811)
    device = enroll_authenticator(core1, default_key())
    client = Client()

    response = github_sign_in(client, fake_github, next_url="")

    assert response.status_code == 302
    assert response["Location"] == DASHBOARD
    assert follow_through_second_factor(client, response, device) == DASHBOARD


def test_it_keeps_a_github_sign_in_s_safe_next(fake_github, core1):
    fake_github.account = connect_github(core1, 812)
    enroll_authenticator(core1, default_key())

    response = github_sign_in(Client(), fake_github, next_url="/meetings/")

    assert response["Location"] == "/meetings/"


def test_it_lands_a_maintainer_signing_in_with_github_on_the_home_page(fake_github, maintainer):
    fake_github.account = connect_github(maintainer, 813)

    response = github_sign_in(Client(), fake_github, next_url="")

    assert response["Location"] == "/"
