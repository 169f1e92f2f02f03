"""Sign-in with GitHub through the fake GitHub on loopback: accounts, linking to the roster by
numeric id, renames, refused hijacks and every way the OAuth dance can fail."""

from urllib.parse import parse_qs, urlsplit

import pytest
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import get_user_model
from django.test import Client, override_settings

from governance import permissions, services
from governance.models import AuditEvent, FormerHandle, Person, RoleKind
from tests.accounts.conftest import (
    GitHubAccount,
    github_authorize,
    github_consent,
    github_sign_in,
    verified,
)

pytestmark = pytest.mark.django_db

User = get_user_model()


def signed_in_user(client: Client):
    return User.objects.get(pk=client.session["_auth_user_id"])


def test_it_hides_the_github_button_without_credentials(client):
    with override_settings(GITHUB_CLIENT_ID="", GITHUB_CLIENT_SECRET=""):
        page = client.get("/accounts/login/")
        start = client.post("/accounts/github/login/")
    assert page.status_code == 200
    assert b"Sign in with GitHub" not in page.content
    assert b'name="password"' in page.content
    assert start.status_code == 302
    assert start["Location"] == "/accounts/login/"


def test_it_shows_the_github_button_with_credentials(client, fake_github):
    page = client.get("/accounts/login/")
    assert b"Sign in with GitHub" in page.content


def test_it_offers_only_github_when_password_sign_in_is_off(client, fake_github, outsider):
    with override_settings(PASSWORD_SIGN_IN=False):
        page = client.get("/accounts/login/")
        refused = client.post("/accounts/login/", {"username": "outsider", "password": "x"})
    assert b"Sign in with GitHub" in page.content
    assert b'name="password"' not in page.content
    assert refused.status_code == 404


def test_it_asks_for_the_least_scope(client, fake_github):
    query = parse_qs(urlsplit(github_authorize(client, fake_github)).query)
    assert set(query["scope"][0].split()) == {"read:user", "user:email"}


def test_it_creates_the_account_and_roster_entry_on_first_sign_in(client, fake_github):
    fake_github.account = GitHubAccount(
        id=4242, login="Newcomer", name="Ada Newcomer", emails=verified("ada@example.org")
    )
    response = github_sign_in(client, fake_github, next_url="/nominations/request/")

    assert response.status_code == 302
    assert response["Location"] == "/nominations/request/"
    user = signed_in_user(client)
    assert user.email == "ada@example.org"
    assert not user.has_usable_password()
    person = Person.objects.get(user=user)
    assert (person.github, person.github_id, person.full_name) == (
        "Newcomer",
        4242,
        "Ada Newcomer",
    )
    assert person.email == "ada@example.org"
    assert SocialAccount.objects.get(user=user).uid == "4242"
    assert AuditEvent.objects.filter(verb="person.created_from_github", actor=user).exists()
    # The token exchange sent the app's credentials and the code GitHub issued.
    assert fake_github.token_requests[-1]["code"] == "code-1"


def test_it_lets_a_first_time_visitor_request_a_nomination(client, fake_github):
    github_sign_in(client, fake_github)
    assert permissions.can_submit_nomination_request(signed_in_user(client))


def test_it_keeps_an_unverified_email_off_the_account(client, fake_github):
    fake_github.account = GitHubAccount(
        id=77,
        login="unverified",
        emails=[{"email": "maybe@example.org", "primary": True, "verified": False}],
    )
    github_sign_in(client, fake_github)
    user = signed_in_user(client)
    assert user.email == ""
    assert Person.objects.get(user=user).email == ""


def test_it_links_the_roster_entry_whose_handle_matches_regardless_of_case(
    client, fake_github, module
):
    person = services.person_create(actor=None, full_name="Kim Roster", github="KimRoster")
    services.role_grant(actor=None, person=person, kind=RoleKind.MODULE_MAINTAINER, module=module)
    fake_github.account = GitHubAccount(id=555, login="kimroster")

    github_sign_in(client, fake_github)

    person.refresh_from_db()
    assert person.user == signed_in_user(client)
    assert person.github_id == 555
    assert AuditEvent.objects.filter(verb="person.github_linked", target_id=str(person.pk)).exists()
    assert Person.objects.count() == 1


def test_it_follows_a_rename_and_redirects_the_old_page(client, fake_github, module):
    person = services.person_create(actor=None, full_name="Ren Amed", github="oldname")
    services.role_grant(actor=None, person=person, kind=RoleKind.MODULE_MAINTAINER, module=module)
    fake_github.account = GitHubAccount(id=900, login="oldname")
    github_sign_in(client, fake_github)
    client.logout()

    fake_github.account = GitHubAccount(id=900, login="NewName")
    response = github_sign_in(client, fake_github)

    assert response.status_code == 302
    person.refresh_from_db()
    assert person.github == "NewName"
    assert FormerHandle.objects.get(person=person).github == "oldname"
    event = AuditEvent.objects.get(verb="person.github_renamed")
    assert event.data == {"from": "oldname", "to": "NewName", "github_id": 900}
    old_page = Client().get("/people/oldname/")
    assert old_page.status_code == 301
    assert old_page["Location"] == "/people/NewName/"


def test_it_refuses_a_freed_handle_registered_by_someone_else(client, fake_github, core1):
    person = Person.objects.get(user=core1)
    services.person_github_sign_in(actor=core1, github_id=31337, github=person.github)
    fake_github.account = GitHubAccount(id=666, login=person.github.upper())

    response = github_sign_in(client, fake_github)

    assert response.status_code == 403
    assert permissions.HIJACK_REFUSAL.encode() in response.content
    assert "_auth_user_id" not in client.session
    person.refresh_from_db()
    assert (person.user, person.github_id) == (core1, 31337)
    assert not SocialAccount.objects.filter(uid="666").exists()
    refusal = AuditEvent.objects.get(verb="sign_in.github_refused")
    assert refusal.target_id == str(person.pk)
    assert refusal.data["github_id"] == 666


def test_it_refuses_to_take_over_a_local_account_by_handle(client, fake_github, nominee):
    person = Person.objects.get(user=nominee)
    fake_github.account = GitHubAccount(id=12, login=person.github)

    response = github_sign_in(client, fake_github)

    assert response.status_code == 403
    assert permissions.ACCOUNT_EXISTS_REFUSAL.encode() in response.content
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(verb="sign_in.github_refused").count() == 1


def test_it_connects_github_to_a_local_account_after_the_password(client_for, fake_github, nominee):
    client = client_for("nominee")
    person = Person.objects.get(user=nominee)
    fake_github.account = GitHubAccount(id=321, login=person.github)

    too_soon = github_sign_in(client, fake_github, next_url="/accounts/", process="connect")
    assert too_soon.status_code == 403
    confirm = client.post("/accounts/", {"password": "correct horse battery staple"})
    assert confirm.status_code == 302
    assert b"Connect GitHub" in client.get("/accounts/").content
    connected = github_sign_in(client, fake_github, next_url="/accounts/", process="connect")

    assert connected.status_code == 302
    assert SocialAccount.objects.get(user=nominee).uid == "321"
    person.refresh_from_db()
    assert person.github_id == 321
    client.logout()
    github_sign_in(client, fake_github)
    assert signed_in_user(client) == nominee


def test_it_says_so_when_consent_is_denied(client, fake_github):
    fake_github.deny_consent = True
    response = github_sign_in(client, fake_github)
    assert response.status_code == 200
    assert b"You cancelled the sign-in with GitHub" in response.content
    assert "_auth_user_id" not in client.session
    assert fake_github.token_requests == []


def test_it_refuses_a_callback_whose_state_does_not_match(client, fake_github):
    path, query = github_consent(github_authorize(client, fake_github))
    response = client.get(path, {**query, "state": "forged-state"})
    assert response.status_code == 401
    assert b"did not complete" in response.content
    assert "_auth_user_id" not in client.session
    assert fake_github.token_requests == []


def test_it_refuses_a_callback_from_another_browser(client, fake_github):
    path, query = github_consent(github_authorize(client, fake_github))
    response = Client().get(path, query)
    assert response.status_code == 401
    assert fake_github.token_requests == []


def test_it_reports_a_token_error_without_signing_in(client, fake_github):
    fake_github.token_error = True
    response = github_sign_in(client, fake_github)
    assert response.status_code == 401
    assert b"did not complete" in response.content
    assert b"bad_verification_code" not in response.content
    assert "_auth_user_id" not in client.session
    assert not User.objects.exclude(username__in=[]).filter(socialaccount__isnull=False).exists()
