"""Playwright against Debian's Chromium (never `playwright install`), with pytest-django's
live_server. Without /usr/bin/chromium the browser tests skip with a reason; under
REQUIRE_SERVICES=1 they fail instead, like the PostgreSQL and Redis tests."""

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django_otp.oath import TOTP, totp
from playwright.sync_api import expect

from governance import permissions, selectors
from tests.conftest import PASSWORD, login, services_missing, verified_device

CHROMIUM = Path(os.environ.get("GOVERNANCE_TEST_CHROMIUM", "/usr/bin/chromium"))


@pytest.fixture(scope="session", autouse=True)
def _allow_orm_beside_playwright() -> Iterator[None]:
    """Playwright's sync API keeps an event loop marked as running in this thread, and Django
    then refuses ORM calls here. Allowed for the browser tests only (they run last)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield


@pytest.fixture(scope="session", autouse=True)
def _chromium_present() -> None:
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        services_missing(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium).")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args, _chromium_present):
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


def sign_in_through_the_form(page, user) -> None:
    """On the sign-in page: the password, and for a persona who needs it the authenticator's
    code on the next page, as a person types them."""
    needs_second_factor = permissions.requires_two_factor(user)
    permissions.forget_cached_access(user)
    if needs_second_factor:
        verified_device(user)
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    if needs_second_factor:
        page.get_by_label("Code").fill(unspent_code(selectors.authenticator_of(user)))
        page.get_by_role("button", name="Verify").click()


def sign_in_with_a_session(context, base_url: str, user) -> None:
    """The session the sign-in form leaves (the authenticator's code given, where the persona
    needs one), made as `tests.conftest.login` makes it and put in the browser's cookie jar:
    for the journeys about what a signed-in persona does, where going through the form cost about
    a second a persona. Signing in through the form, password and code, is walked by
    test_walkthrough, test_meetings and test_agenda_item_page."""
    session = login(Client(), user).cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": session.value,
                "url": base_url,
                "httpOnly": settings.SESSION_COOKIE_HTTPONLY,
                "secure": settings.SESSION_COOKIE_SECURE,
                "sameSite": settings.SESSION_COOKIE_SAMESITE,
            }
        ]
    )


def expect_signed_in(page, user) -> None:
    """The account menu, closed, names the user; opened, it offers to sign out."""
    menu = page.locator(".account summary")
    expect(menu).to_contain_text(user.username)
    menu.click()
    expect(page.get_by_role("button", name=f"Sign out {user.username}")).to_be_visible()
    menu.click()


def unspent_code(device) -> str:
    """The code showing now, or if a sign-in already spent it, the next step's, which the
    device also accepts (one step of tolerance)."""
    now = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).t()
    ahead = max(0, device.last_t + 1 - now)
    assert ahead <= device.tolerance, "this persona signed in too often within one time step"
    code = totp(device.bin_key, device.step, device.t0, device.digits, device.drift + ahead)
    return f"{code:0{device.digits}d}"
