"""Who is signed in, and with which second factor, read together on every request
(`SignedInUserMiddleware`): whatever ends a verified session takes effect on the very next
request, as it did under django-otp's own middleware."""

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import RequestFactory
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from governance.middleware import signed_in_user
from tests.conftest import verified_device

pytestmark = pytest.mark.django_db

DASHBOARD = "/nominations/"
CODE_PAGE = "/accounts/two-factor/verify/?"
SETUP_PAGE = "/accounts/two-factor/setup/?"


def test_it_lets_a_verified_session_in(core1_client):
    assert core1_client.get(DASHBOARD).status_code == 200


def test_it_unverifies_the_session_once_its_device_is_deleted(core1, core1_client):
    TOTPDevice.objects.filter(user=core1).delete()

    response = core1_client.get(DASHBOARD)

    assert response["Location"].startswith(SETUP_PAGE)
    assert DEVICE_ID_SESSION_KEY not in core1_client.session


def test_it_unverifies_the_session_once_its_device_is_unconfirmed(core1, core1_client):
    TOTPDevice.objects.filter(user=core1).update(confirmed=False)

    response = core1_client.get(DASHBOARD)

    assert response["Location"].startswith(SETUP_PAGE)
    assert DEVICE_ID_SESSION_KEY not in core1_client.session


def test_it_never_verifies_a_session_with_another_user_s_device(core1, core2, core1_client):
    session = core1_client.session
    session[DEVICE_ID_SESSION_KEY] = verified_device(core2).persistent_id
    session.save()

    response = core1_client.get(DASHBOARD)

    assert response["Location"].startswith(CODE_PAGE)
    assert DEVICE_ID_SESSION_KEY not in core1_client.session


def test_it_signs_the_session_out_once_the_password_changes(core1, core1_client):
    core1.set_password("a new password, set elsewhere")
    core1.save()

    response = core1_client.get(DASHBOARD)

    assert response["Location"].startswith(reverse("login"))
    assert SESSION_KEY not in core1_client.session


def test_it_signs_out_an_account_made_inactive(core1, core1_client):
    core1.is_active = False
    core1.save()

    response = core1_client.get(DASHBOARD)

    assert response["Location"].startswith(reverse("login"))


def test_it_verifies_a_session_given_a_recovery_code(core1, core1_client):
    codes = StaticDevice.objects.create(user=core1, name="Recovery codes", confirmed=True)
    session = core1_client.session
    session[DEVICE_ID_SESSION_KEY] = codes.persistent_id
    session.save()

    assert core1_client.get(DASHBOARD).status_code == 200


def test_it_reads_the_user_and_the_device_in_one_query(
    core1, core1_client, django_assert_num_queries
):
    request = RequestFactory().get(DASHBOARD)
    request.session = core1_client.session
    request.session.load()

    # The device, with its user joined.
    with django_assert_num_queries(1):
        user = signed_in_user(request)

    assert user == core1
    assert user.is_verified()
    assert user.otp_device.user is user
    assert user.otp_device == TOTPDevice.objects.get(user=core1)
