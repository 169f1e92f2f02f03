"""A GitHub sign-in is one factor: core maintainers and staff still give their second one, the
lockout still counts wrong codes, recovery codes still work, and re-authentication for an
account without a password is a fresh GitHub sign-in."""

import datetime

import pytest
from allauth.socialaccount.models import SocialAccount
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client, override_settings
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import default_key

from accounts.reauthentication import REAUTHENTICATED_AT_SESSION
from governance.demo import enroll_authenticator
from governance.models import AuditEvent, Person
from tests.accounts.conftest import GitHubAccount, github_sign_in
from tests.browser.conftest import unspent_code

pytestmark = pytest.mark.django_db

VERIFY = "/accounts/two-factor/verify/"
RECOVERY_CODES = "/accounts/two-factor/recovery-codes/"


def connect_github(user, github_id: int) -> GitHubAccount:
    """`user` has connected GitHub before (tests/accounts/test_github_sign_in.py covers the
    connect flow): the GitHub account allauth keeps, and the roster entry tied to its id."""
    person = Person.objects.get(user=user)
    Person.objects.filter(pk=person.pk).update(github_id=github_id)
    SocialAccount.objects.create(user=user, provider="github", uid=str(github_id))
    return GitHubAccount(id=github_id, login=person.github)


def recovery_codes(user) -> list[str]:
    return list(
        StaticToken.objects.filter(device__user=user).order_by("pk").values_list("token", flat=True)
    )


def test_it_asks_a_core_maintainer_for_the_second_factor_after_github(fake_github, core1):
    fake_github.account = connect_github(core1, 808)
    device = enroll_authenticator(core1, default_key())
    client = Client()

    response = github_sign_in(client, fake_github, next_url="/nominations/")
    page = client.get("/nominations/")

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(core1.pk)
    assert page.status_code == 302
    assert page["Location"].startswith(f"{VERIFY}?next=")
    verified = client.post(f"{VERIFY}?next=/nominations/", {"code": unspent_code(device)})
    assert verified.status_code == 302
    assert client.get("/nominations/").status_code == 200


def test_it_sends_a_github_staff_account_without_an_authenticator_to_set_one_up(fake_github, staff):
    Person.objects.create(full_name="Sam Staff", github="samstaff", user=staff)
    fake_github.account = connect_github(staff, 809)
    client = Client()
    github_sign_in(client, fake_github)
    page = client.get("/inbox/")
    assert page["Location"].startswith("/accounts/two-factor/setup/")


def test_it_locks_out_after_wrong_codes_following_a_github_sign_in(fake_github, core1):
    fake_github.account = connect_github(core1, 810)
    enroll_authenticator(core1, default_key())
    client = Client()
    github_sign_in(client, fake_github)

    answers = [
        client.post(VERIFY, {"code": "000000"}).status_code
        for _ in range(settings.AXES_FAILURE_LIMIT)
    ]

    assert answers[-1] == 429
    assert "_auth_user_id" not in client.session
    assert AccessAttempt.objects.get(username=core1.username).failures_since_start == (
        settings.AXES_FAILURE_LIMIT
    )


def test_it_accepts_a_recovery_code_after_a_github_sign_in(fake_github, core1):
    fake_github.account = connect_github(core1, 811)
    enroll_authenticator(core1, default_key())
    codes = recovery_codes(core1)
    client = Client()
    github_sign_in(client, fake_github)

    response = client.post(VERIFY, {"code": codes[0]}, follow=True)

    assert response.status_code == 200
    assert "recovery codes are left" in response.content.decode()
    assert AuditEvent.objects.filter(verb="two_factor.recovery_code_used", actor=core1).exists()


def test_it_reauthenticates_an_account_without_password_by_github(fake_github, core1):
    fake_github.account = connect_github(core1, 812)
    core1.set_unusable_password()
    core1.save()
    enroll_authenticator(core1, default_key())
    codes = recovery_codes(core1)
    client = Client()
    github_sign_in(client, fake_github)
    client.post(VERIFY, {"code": codes[0]})
    session = client.session
    stale = timezone.now() - datetime.timedelta(minutes=6)
    session[REAUTHENTICATED_AT_SESSION] = stale.timestamp()
    session.save()

    asked = client.post(RECOVERY_CODES)
    assert asked.status_code == 200
    assert b"sign in with GitHub again" in asked.content
    assert b'name="password"' not in asked.content

    github_sign_in(client, fake_github, next_url=RECOVERY_CODES)
    client.post(VERIFY, {"code": codes[1]})
    replaced = client.post(RECOVERY_CODES)
    assert replaced.status_code == 302
    assert AuditEvent.objects.filter(
        verb="two_factor.recovery_codes_regenerated", actor=core1
    ).exists()


def test_it_never_reauthenticates_by_password_when_password_sign_in_is_off(fake_github, core1):
    fake_github.account = connect_github(core1, 813)
    enroll_authenticator(core1, default_key())
    codes = recovery_codes(core1)
    with override_settings(PASSWORD_SIGN_IN=False):
        client = Client()
        github_sign_in(client, fake_github)
        client.post(VERIFY, {"code": codes[0]})
        session = client.session
        session[REAUTHENTICATED_AT_SESSION] = 0.0
        session.save()
        asked = client.post(RECOVERY_CODES, {"password": "correct horse battery staple"})
    assert b"sign in with GitHub again" in asked.content
    assert not AuditEvent.objects.filter(verb="two_factor.recovery_codes_regenerated").exists()
