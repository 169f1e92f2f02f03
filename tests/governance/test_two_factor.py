"""Sign-in protection: the lockout after failed sign-ins, and two-factor sign-in (TOTP with
recovery codes) for core maintainers and staff."""

import datetime
import re

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice, default_key

from governance import selectors
from governance.demo import current_code, enroll_authenticator
from governance.models import AuditEvent
from tests.browser.conftest import unspent_code
from tests.conftest import PASSWORD
from tests.governance.test_settings_env import load_settings

pytestmark = pytest.mark.django_db

SETUP = "/accounts/two-factor/setup/"
VERIFY = "/accounts/two-factor/verify/"
RECOVERY_CODES = "/accounts/two-factor/recovery-codes/"
REQUIRING = ("lead", "core1", "staff")
NOT_REQUIRING = ("maintainer", "nominator", "nominee", "outsider")


def sign_in_with_password(client: Client, user, password: str = PASSWORD, *, at: str = ""):
    return client.post(
        f"{at or '/accounts/login/'}?next=/inbox/",
        {"username": user.username, "password": password, "next": "/inbox/"},
    )


def signed_in_with_password(request, persona: str, *, enrolled: bool = True) -> Client:
    user = request.getfixturevalue(persona)
    if enrolled and not selectors.authenticator_of(user):
        enroll_authenticator(user, default_key())
    client = Client()
    assert sign_in_with_password(client, user).status_code == 302
    return client


def recovery_codes(user) -> list[str]:
    return list(
        StaticToken.objects.filter(device__user=user).order_by("pk").values_list("token", flat=True)
    )


# Enrollment -------------------------------------------------------------------------------------


def test_it_sends_a_core_maintainer_without_an_authenticator_to_set_one_up(request, core1):
    client = signed_in_with_password(request, "core1", enrolled=False)

    response = client.get("/inbox/")

    assert response.status_code == 302
    assert response["Location"] == f"{SETUP}?next=%2Finbox%2F"


def test_it_shows_the_secret_the_setup_link_and_a_qr_code_drawn_on_the_server(request, core1):
    client = signed_in_with_password(request, "core1", enrolled=False)

    response = client.get(SETUP)
    page = response.content.decode()

    assert response.status_code == 200
    assert re.search(r"<svg[^>]*>", page)
    assert "otpauth://totp/" in page
    assert re.search(r"<code class=\"secret\">([A-Z2-7]{4} ){7}[A-Z2-7]{4}</code>", page)
    assert "<script" not in page
    assert "style=" not in page
    assert "no-store" in response["Cache-Control"]


def test_it_enrolls_with_a_current_code_and_shows_ten_recovery_codes_once(request, core1):
    client = signed_in_with_password(request, "core1", enrolled=False)
    client.get(SETUP)
    key = client.session["two_factor_pending_key"]
    code = current_code(TOTPDevice(key=key))

    response = client.post(SETUP, {"code": code})
    shown = client.get(RECOVERY_CODES).content.decode()
    shown_again = client.get(RECOVERY_CODES).content.decode()

    assert response.status_code == 302
    assert response["Location"] == RECOVERY_CODES
    assert selectors.authenticator_of(core1).key == key
    codes = recovery_codes(core1)
    assert len(codes) == 10
    assert all(code in shown for code in codes)
    assert not any(code in shown_again for code in codes)
    assert "You have 10 unused recovery codes" in shown_again
    assert client.get("/inbox/").status_code == 200
    assert AuditEvent.objects.filter(verb="two_factor.enrolled", actor=core1).exists()


def test_it_refuses_to_enroll_with_a_wrong_code(request, core1):
    client = signed_in_with_password(request, "core1", enrolled=False)
    client.get(SETUP)

    response = client.post(SETUP, {"code": "12345"})

    assert response.status_code == 200
    assert "That code does not match" in response.content.decode()
    assert selectors.authenticator_of(core1) is None


def test_it_never_lets_a_password_alone_replace_an_authenticator(request, core1):
    client = signed_in_with_password(request, "core1")
    device = selectors.authenticator_of(core1)

    assert client.get(SETUP).status_code == 404
    assert client.post(SETUP, {"code": "123456"}).status_code == 404
    assert selectors.authenticator_of(core1) == device


# The password again, before changing the second factor -------------------------------------------


def age_the_password(client: Client, minutes: int = 6) -> None:
    """The session last proved the password `minutes` ago."""
    session = client.session
    session["reauthenticated_at"] = (
        timezone.now() - datetime.timedelta(minutes=minutes)
    ).timestamp()
    session.save()


def test_it_enrolls_with_no_second_password_right_after_signing_in(request, core1):
    client = signed_in_with_password(request, "core1", enrolled=False)

    page = client.get(SETUP).content.decode()

    assert "otpauth://totp/" in page
    assert 'name="password"' not in page


def test_it_never_enrolls_with_a_session_alone(request, core1):
    client = signed_in_with_password(request, "core1", enrolled=False)
    age_the_password(client)

    shown = client.get(SETUP).content.decode()
    key = default_key()
    session = client.session
    session["two_factor_pending_key"] = key
    session.save()
    posted = client.post(SETUP, {"code": current_code(TOTPDevice(key=key))})

    assert 'name="password"' in shown
    assert "otpauth://totp/" not in shown
    assert posted.status_code == 200
    assert 'name="password"' in posted.content.decode()
    assert selectors.authenticator_of(core1) is None
    assert not AuditEvent.objects.filter(verb="two_factor.enrolled").exists()


def test_it_enrolls_once_the_password_is_given_again(request, core1):
    client = signed_in_with_password(request, "core1", enrolled=False)
    age_the_password(client)

    wrong = client.post(SETUP, {"password": "not the password"})
    confirmed = client.post(SETUP, {"password": PASSWORD})
    page = client.get(SETUP).content.decode()
    key = client.session["two_factor_pending_key"]
    enrolled = client.post(SETUP, {"code": current_code(TOTPDevice(key=key))})

    assert wrong.status_code == 200
    assert "That password is not right." in wrong.content.decode()
    assert (confirmed.status_code, confirmed["Location"]) == (302, SETUP)
    assert "otpauth://totp/" in page
    assert (enrolled.status_code, enrolled["Location"]) == (302, RECOVERY_CODES)
    assert selectors.authenticator_of(core1).key == key


def test_it_counts_wrong_passwords_towards_the_lockout_and_signs_out(request, core1):
    client = signed_in_with_password(request, "core1", enrolled=False)
    age_the_password(client)

    responses = [
        client.post(SETUP, {"password": "not the password"})
        for _ in range(settings.AXES_FAILURE_LIMIT)
    ]

    assert [r.status_code for r in responses[:-1]] == [200] * (settings.AXES_FAILURE_LIMIT - 1)
    assert responses[-1].status_code == 429
    assert "_auth_user_id" not in client.session
    assert AccessAttempt.objects.get(username=core1.username).failures_since_start == (
        settings.AXES_FAILURE_LIMIT
    )


def test_it_replaces_recovery_codes_only_after_the_password_again(client_for, core1):
    enroll_authenticator(core1, default_key())
    client = client_for("core1")
    old = recovery_codes(core1)

    asked = client.post(RECOVERY_CODES)
    unchanged = recovery_codes(core1)
    client.post(RECOVERY_CODES, {"password": PASSWORD})
    replaced = client.post(RECOVERY_CODES)

    assert asked.status_code == 200
    assert 'name="password"' in asked.content.decode()
    assert unchanged == old
    assert replaced.status_code == 302
    assert not set(recovery_codes(core1)) & set(old)


# The code after the password --------------------------------------------------------------------


def test_it_asks_for_the_code_after_the_password_and_returns_to_next(request, core1):
    client = signed_in_with_password(request, "core1")

    redirected = client.get("/inbox/")
    response = client.post(
        VERIFY, {"code": unspent_code(selectors.authenticator_of(core1)), "next": "/inbox/"}
    )

    assert redirected["Location"] == f"{VERIFY}?next=%2Finbox%2F"
    assert response.status_code == 302
    assert response["Location"] == "/inbox/"
    assert client.get("/inbox/").status_code == 200


def test_it_refuses_a_wrong_code_with_a_clear_message(request, core1):
    client = signed_in_with_password(request, "core1")

    response = client.post(VERIFY, {"code": "000000"})

    assert response.status_code == 200
    assert "That code is not right" in response.content.decode()
    assert client.get("/inbox/").status_code == 302


def test_it_throttles_codes_after_a_wrong_one(request, core1):
    client = signed_in_with_password(request, "core1")
    device = selectors.authenticator_of(core1)
    client.post(VERIFY, {"code": "000000"})

    throttled = client.post(VERIFY, {"code": unspent_code(device)})
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=timezone.now() - datetime.timedelta(seconds=2)
    )
    accepted = client.post(VERIFY, {"code": unspent_code(device)})

    assert "Too many wrong codes. Wait" in throttled.content.decode()
    assert accepted.status_code == 302
    assert TOTPDevice.objects.get(pk=device.pk).throttling_failure_count == 0


def test_it_accepts_a_recovery_code_once(request, core1):
    client = signed_in_with_password(request, "core1")
    code = recovery_codes(core1)[0]

    response = client.post(VERIFY, {"code": code.upper()}, follow=True)
    again = signed_in_with_password(request, "core1").post(VERIFY, {"code": code})

    assert response.status_code == 200
    assert "9 recovery codes are left" in response.content.decode()
    assert code not in recovery_codes(core1)
    assert AuditEvent.objects.filter(verb="two_factor.recovery_code_used", actor=core1).exists()
    assert "That code is not right" in again.content.decode()


# Enforcement ------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", REQUIRING)
@pytest.mark.parametrize(
    "path", ["/inbox/", "/nominations/", "/meetings/manage/", "/reports/", "/admin/", "/"]
)
def test_it_sends_an_unverified_core_maintainer_or_operator_to_the_code_page(
    request, persona, path
):
    client = signed_in_with_password(request, persona)

    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"].startswith(f"{VERIFY}?next=")
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("persona", REQUIRING)
def test_it_refuses_an_unverified_core_maintainer_every_other_method(request, persona):
    client = signed_in_with_password(request, persona)

    assert client.post("/nominations/new/", {}).status_code == 403
    assert client.post("/admin/auth/user/add/", {}).status_code == 403


def test_it_lets_an_unverified_user_sign_out_and_reach_the_health_check(request, core1):
    client = signed_in_with_password(request, "core1")

    assert client.get("/healthz").status_code == 200
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/inbox/")["Location"].startswith("/accounts/login/")


def test_it_asks_for_the_code_after_the_admin_sign_in(staff):
    enroll_authenticator(staff, default_key())
    client = Client()

    response = sign_in_with_password(client, staff, at="/admin/login/")
    admin = client.get("/admin/")

    assert response.status_code == 302
    assert admin["Location"] == f"{VERIFY}?next=%2Fadmin%2F"


@pytest.mark.parametrize("persona", NOT_REQUIRING)
def test_it_leaves_sign_in_as_it_was_for_everyone_else(client_for, persona):
    client = client_for(persona)

    assert client.get("/inbox/").status_code == 200
    assert client.get(SETUP).status_code == 404
    assert client.get(VERIFY).status_code == 404
    assert client.get(RECOVERY_CODES).status_code == 404


@pytest.mark.parametrize("path", [SETUP, VERIFY, RECOVERY_CODES])
def test_it_sends_the_anonymous_to_sign_in_for_the_two_factor_pages(anonymous_client, path):
    response = anonymous_client.get(path)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


# Recovery codes ---------------------------------------------------------------------------------


def test_it_regenerates_only_the_signed_in_users_recovery_codes(client_for, core1, core2):
    for user in (core1, core2):
        enroll_authenticator(user, default_key())
    client = client_for("core1")
    other_codes = recovery_codes(core2)
    old = recovery_codes(core1)
    client.post(RECOVERY_CODES, {"password": PASSWORD})

    response = client.post(RECOVERY_CODES, {"user": core2.pk})
    page = client.get(RECOVERY_CODES).content.decode()

    assert response.status_code == 302
    new = recovery_codes(core1)
    assert len(new) == 10
    assert not set(new) & set(old)
    assert all(code in page for code in new)
    assert recovery_codes(core2) == other_codes
    assert AuditEvent.objects.filter(
        verb="two_factor.recovery_codes_regenerated", actor=core1
    ).exists()


def test_it_regenerates_recovery_codes_only_in_a_verified_session(request, core1):
    client = signed_in_with_password(request, "core1")
    old = recovery_codes(core1)

    assert client.get(RECOVERY_CODES)["Location"].startswith(VERIFY)
    assert client.post(RECOVERY_CODES).status_code == 403
    assert recovery_codes(core1) == old


def test_it_refuses_a_two_factor_post_without_the_csrf_token(core1):
    client = Client(enforce_csrf_checks=True)
    client.force_login(core1)

    assert client.post(VERIFY, {"code": "000000"}).status_code == 403


# The lockout ------------------------------------------------------------------------------------


def fail_until_locked(client: Client, user, *, at: str = ""):
    responses = [
        sign_in_with_password(client, user, "wrong password", at=at)
        for _ in range(settings.AXES_FAILURE_LIMIT)
    ]
    return responses[-1]


@pytest.mark.parametrize("at", ["/accounts/login/", "/admin/login/"])
def test_it_locks_sign_in_after_five_failures_with_a_clear_message(nominee, at):
    client = Client()

    first = sign_in_with_password(client, nominee, "wrong password", at=at)
    locked = fail_until_locked(client, nominee, at=at)
    right_password = sign_in_with_password(client, nominee, at=at)

    assert first.status_code == 200
    assert locked.status_code == 429
    page = right_password.content.decode()
    assert right_password.status_code == 429
    assert "Sign-in locked" in page
    assert "Try again in 15 minutes" in page
    assert right_password["Retry-After"] == "900"
    assert "no-store" in right_password["Cache-Control"]
    assert "<script" not in page
    assert "style=" not in page


def test_it_locks_only_that_username_from_that_address(nominee, nominator):
    fail_until_locked(Client(), nominee)

    assert sign_in_with_password(Client(), nominator).status_code == 302
    assert sign_in_with_password(Client(REMOTE_ADDR="10.0.0.2"), nominee).status_code == 302


def test_it_never_stores_the_password_tried(nominee):
    fail_until_locked(Client(), nominee)

    stored = " ".join(AccessAttempt.objects.values_list("post_data", flat=True))
    assert "wrong password" not in stored
    assert "password=****" in stored


def test_it_lifts_the_lockout_after_the_cool_off(nominee):
    client = Client()
    fail_until_locked(client, nominee)

    AccessAttempt.objects.update(
        attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - datetime.timedelta(seconds=1)
    )

    assert sign_in_with_password(client, nominee).status_code == 302


def test_it_forgets_failures_after_a_successful_sign_in(nominee):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in_with_password(client, nominee, "wrong password")

    assert sign_in_with_password(client, nominee).status_code == 302
    assert not AccessAttempt.objects.exists()
    client.post("/accounts/logout/")
    assert sign_in_with_password(client, nominee, "wrong password").status_code == 200


def test_it_counts_wrong_codes_towards_the_lockout_and_signs_out(request, core1):
    client = signed_in_with_password(request, "core1")

    responses = [
        client.post(VERIFY, {"code": "000000"}) for _ in range(settings.AXES_FAILURE_LIMIT)
    ]

    assert [r.status_code for r in responses[:-1]] == [200] * (settings.AXES_FAILURE_LIMIT - 1)
    assert responses[-1].status_code == 429
    assert client.get("/inbox/")["Location"].startswith("/accounts/login/")
    assert sign_in_with_password(client, core1).status_code == 429


# Settings ---------------------------------------------------------------------------------------


def test_it_locks_after_five_failures_for_fifteen_minutes_by_default(monkeypatch):
    for name in ("SIGNIN_FAILURE_LIMIT", "SIGNIN_COOLOFF_MINUTES", "SIGNIN_TRUSTED_PROXY_COUNT"):
        monkeypatch.delenv(name, raising=False)

    loaded = load_settings(monkeypatch, DEBUG="true")

    assert loaded["AXES_FAILURE_LIMIT"] == 5
    assert loaded["AXES_COOLOFF_TIME"] == datetime.timedelta(minutes=15)
    assert loaded["AXES_LOCKOUT_PARAMETERS"] == [["username", "ip_address"]]
    assert "AXES_IPWARE_PROXY_COUNT" not in loaded
    assert loaded["AUTHENTICATION_BACKENDS"][0] == "governance.auth_backends.SignInRateLimitBackend"


def test_it_reads_the_lockout_and_the_proxies_from_the_environment(monkeypatch):
    loaded = load_settings(
        monkeypatch,
        DEBUG="true",
        SIGNIN_FAILURE_LIMIT="3",
        SIGNIN_COOLOFF_MINUTES="60",
        SIGNIN_TRUSTED_PROXY_COUNT="1",
    )

    assert loaded["AXES_FAILURE_LIMIT"] == 3
    assert loaded["AXES_COOLOFF_TIME"] == datetime.timedelta(hours=1)
    assert loaded["AXES_IPWARE_PROXY_COUNT"] == 1
    assert loaded["AXES_IPWARE_META_PRECEDENCE_ORDER"][0] == "HTTP_X_FORWARDED_FOR"


@pytest.mark.parametrize("name", ["SIGNIN_FAILURE_LIMIT", "SIGNIN_COOLOFF_MINUTES"])
def test_it_refuses_a_lockout_that_never_locks_or_never_waits(monkeypatch, name):
    with pytest.raises(ImproperlyConfigured, match=f"^{name} must be at least 1"):
        load_settings(monkeypatch, DEBUG="true", **{name: "0"})
